"""Which opinions the fusion needs: nested scores of every subset of the network, the log-mel statistics head and the
voice-encoder head, from the held-out opinions `bench/full_run.py` saved.

    python bench/fusion_trials.py /tmp/ser_voice_opinions.pkl [--loco /tmp/ser_voice_loco_opinions.pkl]

For each subset, each fold is scored with the fusion (weights and temperature) chosen on the other folds' clean clips,
as 06_results' cross_validate does for the whole model; alone, and adapted to the speaker. Prints accuracy per
condition (mean of the five folds) and the expected calibration error of the clean clips.

With --loco (the opinions `bench/full_run.py ser_voice --loco` saved): each subset's UAR with every corpus left out,
its fusion chosen on all five actor folds (as the default's is); then a fusion chosen, for each held-out set, on the
*other* held-out sets (the actor folds and the corpora left out, each set weighing the same; the folds and RAVDESS left
out never choose for each other: they are the same clips) — whether choosing across corpora would serve a corpus
never seen better than choosing on unseen actors. (Adapted, the adapted fusion is applied to every clip here, also to
the few URDU clips whose speaker has too little speech, which 06 hears alone: URDU's adapted figure differs a little.)
"""
import sys, pickle, itertools
from sklearn.metrics import balanced_accuracy_score
from ser_nb.infer import Fusion, choose_fusion
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

def pooled(folds:dict, loco:dict, protocol:str):
    "UAR of each held-out set with a fusion chosen on the other sets (mean UAR over sets, each set counting once)."
    sets = {f'fold {k}': (h[(protocol, 'clean')][0], folds['targets'][k]) for k, h in enumerate(folds['opinions'])}
    sets.update({c: (d['opinions'][protocol][0], d['targets']) for c, d in loco.items()})
    uar = lambda f, n: balanced_accuracy_score(sets[n][1], f(sets[n][0]).argmax(1))
    def choose(names):
        groups = [[n for n in names if n.startswith('fold')]] + [[n] for n in names if not n.startswith('fold')]
        grid = [Fusion((10 - a - b)/10, a/10, b/10) for a, b in itertools.product(range(11), repeat=2) if a + b <= 10]
        return max(grid, key=lambda f: np.mean([np.mean([uar(f, n) for n in g]) for g in groups if g]))
    out = {}
    for n in sets:
        same = {n} | ({'RAVDESS'} if n.startswith('fold') else set()) | ({m for m in sets if m.startswith('fold')} if n == 'RAVDESS' else set())
        f = choose([m for m in sets if m not in same]); out[n] = (uar(f, n), f)
    return out

def loco_section(folds:dict, loco:dict):
    print("\nleave one corpus out, UAR; each subset's fusion chosen on all five actor folds (clean):")
    for protocol, name in (('none', 'alone'), ('speaker', 'adapted to the speaker')):
        print(f"  {name}:")
        for keep in SUBSETS:
            sel = [h[(protocol, 'clean')] for h in folds['opinions']]
            ok = [np.ones(len(a), bool) if protocol == 'none' else a for _, a in sel]
            parts = {k: np.concatenate([p[k][m] for (p, _), m in zip(sel, ok)]) for k in keep}
            if 'network' not in parts: parts['network'] = np.full_like(next(iter(parts.values())), 1/next(iter(parts.values())).shape[1])
            f = choose_fusion(parts, np.concatenate([y[m] for y, m in zip(folds['targets'], ok)]))
            row = []
            for c, d in loco.items():
                p, ad = d['opinions'][protocol]
                q = {k: v for k, v in p.items() if k in keep}
                if 'network' not in q: q['network'] = np.full_like(p['network'], 1/p['network'].shape[1])
                row.append(f"{c} {100*balanced_accuracy_score(d['targets'], f(q).argmax(1)):5.1f}%")
            print(f"    {' + '.join(keep):30s} " + '  '.join(row) + f"   (fusion {f.network:g}/{f.stats:g}/{f.encoder:g})")
    print("\nchosen on the other held-out sets (folds and corpora left out, each set once), UAR:")
    for protocol, name in (('none', 'alone'), ('speaker', 'adapted to the speaker')):
        r = pooled(folds, loco, protocol)
        fm = np.mean([v[0] for n, v in r.items() if n.startswith('fold')])
        print(f"  {name}: actor folds {100*fm:.1f}% (UAR); " + '; '.join(
            f"{c} {100*r[c][0]:.1f}% (fusion {r[c][1].network:g}/{r[c][1].stats:g}/{r[c][1].encoder:g})" for c in loco))

if __name__ == '__main__':
    main()
    if '--loco' in sys.argv:
        loco_section(pickle.load(open(sys.argv[1], 'rb')), pickle.load(open(sys.argv[sys.argv.index('--loco') + 1], 'rb')))
