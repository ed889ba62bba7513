"""Which opinions the fusion needs: nested scores of every subset of the network, the log-mel statistics head and the
voice-encoder head, from the held-out opinions `bench/full_run.py` saved.

    python bench/fusion_trials.py /tmp/ser_voice_opinions.pkl

For each subset, each fold is scored with the fusion (weights and temperature) chosen on the other folds' clean clips,
as 06_results' cross_validate does for the whole model; alone, and adapted to the speaker. Prints accuracy per
condition (mean of the five folds) and the expected calibration error of the clean clips.
"""
import sys, pickle
from types import SimpleNamespace
import numpy as np
from ser_nb.results import CONDITIONS, calibration, _nested_fusions, _as_bundle_fusion
from ser_nb.infer import fused

SUBSETS = [('network',), ('stats',), ('encoder',), ('network', 'stats'), ('network', 'encoder'), ('stats', 'encoder'),
           ('network', 'stats', 'encoder')]

def nested(heard, y, keep, protocol):
    "Per fold and condition: accuracy with fusions chosen on the other folds; and the clean clips' confidence and correctness."
    sub = [{key: ({k: v for k, v in parts.items() if k in keep}, ad) for key, (parts, ad) in h.items()} for h in heard]
    if keep == ('stats',) or keep == ('encoder',) or keep == ('stats', 'encoder'):   # choose_fusion needs a network opinion: a flat one that weighs nothing
        for h in sub:
            for key, (parts, ad) in h.items():
                n, c = next(iter(parts.values())).shape
                parts['network'] = np.full((n, c), 1/c)
    protocols = ['none'] if protocol == 'none' else ['none', protocol]
    fusions, _ = _nested_fusions(sub, y, protocols)
    acc, conf, ok = {c: [] for c in CONDITIONS}, [], []
    for k, h in enumerate(sub):
        how = SimpleNamespace(fusion=_as_bundle_fusion(fusions[k], protocol))
        for c in CONDITIONS:
            parts, ad = h[(protocol, c)]
            P = fused(how, parts, ad)
            acc[c].append(np.mean(P.argmax(1) == y[k]))
            if c == 'clean': conf += list(P.max(1)); ok += list(P.argmax(1) == y[k])
    return {c: np.mean(v) for c, v in acc.items()}, calibration(conf, ok)[0], fusions

def main():
    d = pickle.load(open(sys.argv[1], 'rb'))
    heard, y = d['opinions'], d['targets']
    print(f"{len(heard)} folds, {sum(map(len, y))} held-out clips; accuracy, mean of the folds; each fold's fusion chosen on the others")
    for protocol, name in (('none', 'alone'), ('speaker', 'adapted to the speaker')):
        print(f"\n{name}:")
        print(f"  {'opinions':32s} " + ' '.join(f"{c[:9]:>9s}" for c in CONDITIONS) + '   ECE clean')
        for keep in SUBSETS:
            acc, ece, fusions = nested(heard, y, keep, protocol)
            print(f"  {' + '.join(keep):32s} " + ' '.join(f"{100*acc[c]:8.1f}%" for c in CONDITIONS) + f"   {100*ece:6.1f}%")
        print("  each fold's fusion (all three): " + '; '.join(
            f"{k}: " + '/'.join(f"{getattr(f[protocol], o):g}" for o in ('network', 'stats', 'encoder')) + f" T {f[protocol].temperature:g}"
            for k, f in enumerate(fusions)))

if __name__ == '__main__': main()
