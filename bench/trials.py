"""Quick trials of a training recipe: one RAVDESS actor fold (+ TESS and URDU in training) clean and through the channel
conditions, and TESS left out (trained on RAVDESS + URDU); the network alone, the statistics head alone and fused.

    python bench/trials.py [--fold 0] [--set epochs=60 --set pause_db=None ...] [--weights 0 0.35 0.5 1] [--no-loco]
                           [--seeds 0 1] [--arch pooling="'attentive'"] [--model ser_voice] [--adapt]
                           [--loco TESS URDU] [--no-fold]

--model picks another model of ser_nb.model.MODELS; --adapt also scores each held-out actor (and each left-out corpus's
speaker) adapted, with the context head; --loco names the corpora left out one at a time; --no-fold skips the actor fold.

The data are the shared corpora (SER_DATA, else ../shared/data/ravdess, with tess/ and urdu/ beside it). One fold is a
noisy estimate (about ±3 points): this is for choosing what to run in full, which 06_results does. The outputs of the
trials behind the default are in bench/trials/. With several --seeds, each seed's model is scored alone and then
their ensemble: the networks' probabilities averaged, fused with the first seed's statistics head (the head's fit does
not depend on the seed).
"""
import argparse, ast, os, sys, time
from dataclasses import replace
from functools import partial
from pathlib import Path
import numpy as np, pandas as pd

def score(bundles, seeds, test, cache, weights, adapt=False):
    """For each seed's model alone, then (several seeds) their ensemble: accuracy and UAR of the networks (averaged) alone,
    the head alone and their fusion, on the labels test shares with them. Each network predicts the test clips once.
    adapt: the context head on each test speaker's clips (one context per speaker, as `--adapt speaker`) instead."""
    from ser_nb.model import predict_matrices, utterance_stats, fuse, Context
    from ser_nb.features import FeatureStore
    from ser_nb.results import scores
    bundle = bundles[0]
    shared = [l for l in bundle.labels if l in set(test.emotion)]
    test = test[test.emotion.isin(shared)].reset_index(drop=True)
    keep = [bundle.labels.index(l) for l in shared]
    store = FeatureStore(test, cache)
    mats = store.batch(range(len(test)))
    Ps = [predict_matrices(replace(b, head=None, encoder=None), mats) for b in bundles]   # each network alone
    F = store.encoded(range(len(test))) if bundle.encoder is not None else np.stack([utterance_stats(m) for m in mats])
    if adapt:
        H = np.zeros((len(test), len(bundle.labels)))
        for s in test.speaker.unique():
            ii = np.flatnonzero(test.speaker.to_numpy() == s)
            H[ii] = bundle.context_head.predict_proba(F[ii], Context().add(F[ii], 0.0))
        H = H[:, keep]
    else: H = bundle.head.predict_proba(F)[:, keep]
    groups = [([P], f"seed {s}") for P, s in zip(Ps, seeds)] + ([(Ps, 'ensemble')] if len(Ps) > 1 else [])
    out = {}
    for group, name in groups:
        P = np.mean(group, axis=0)[:, keep]
        out[name] = {}
        for w in weights:
            s = scores(test.emotion, [shared[i] for i in fuse(P, H, weight=w).argmax(axis=1)], labels=shared)
            out[name][w] = (s['accuracy'], s['uar'])
    return out

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--fold', type=int, default=0)
    ap.add_argument('--set', action='append', default=[], help='TrainSettings field=value (Python literal)')
    ap.add_argument('--arch', action='append', default=[], help="keyword of the network's build, e.g. pooling='attentive'")
    ap.add_argument('--weights', type=float, nargs='+', default=[0.0, 0.2, 0.35, 0.5, 1.0])
    ap.add_argument('--no-loco', action='store_true')
    ap.add_argument('--seeds', type=int, nargs='+', default=[0])
    ap.add_argument('--model', default='ser_cnn', help="a model of ser_nb.model.MODELS (ser_voice: heads on the voice encoder)")
    ap.add_argument('--adapt', action='store_true', help='also score each held-out actor adapted (the context head)')
    ap.add_argument('--loco', nargs='*', default=['TESS'], help='corpora to leave out, one at a time (default TESS)')
    ap.add_argument('--no-fold', action='store_true', help='skip the actor fold (only the corpora left out)')
    a = ap.parse_args()
    from ser_nb.data import load_corpus, speaker_folds
    from ser_nb.model import model_spec, fit, usable_clips, corpus_labels, encoder_for
    from ser_nb.features import FeatureCache
    from ser_nb.results import extract_degraded, CONDITIONS
    rav_dir = Path(os.environ.get('SER_DATA', '../shared/data/ravdess'))
    rav, tess, urdu = load_corpus(rav_dir), load_corpus(rav_dir.parent/'tess'), load_corpus(rav_dir.parent/'urdu'/'manifest.csv')
    spec = model_spec(a.model)
    changes = {k: ast.literal_eval(v) for k, v in (kv.split('=', 1) for kv in a.set)}
    spec = replace(spec, train=replace(spec.train, **changes))
    arch = {k: ast.literal_eval(v) for k, v in (kv.split('=', 1) for kv in a.arch)}
    if arch: spec = replace(spec, build=partial(spec.build, **arch))
    cache = FeatureCache(None, spec.features, encoder_for(spec))
    df, _ = usable_clips(pd.concat([rav, tess, urdu], ignore_index=True), cache=cache, progress=False)
    rav, extra = df[df.corpus == 'RAVDESS'].reset_index(drop=True), df[df.corpus != 'RAVDESS']
    print(f"recipe: {spec.train}{', network ' + str(arch) if arch else ''}\nstatistics weight in the bundle: {spec.stats_weight}; columns: weight -> accuracy / UAR")
    tr, te = speaker_folds(rav, n_folds=5)[a.fold]
    train, test = pd.concat([rav.iloc[tr], extra], ignore_index=True), rav.iloc[te]
    line = lambda r: '  '.join(f"{w:g}: {acc:.3f}/{uar:.3f}" for w, (acc, uar) in r.items())
    bs = []
    for seed in ([] if a.no_fold else a.seeds):
        t = time.perf_counter()
        bs.append(fit(spec, train, cache=cache, labels=corpus_labels(train), seed=seed)[0])
        print(f"fold {a.fold} (+ TESS, URDU), seed {seed}: trained on {len(train)} clips in {time.perf_counter() - t:.0f} s")
    caches = extract_degraded(test, cache=cache, conditions=CONDITIONS) if bs else {c: None for c in CONDITIONS}
    by_condition = {c: score(bs, a.seeds, test, caches[c], a.weights) for c in CONDITIONS} if bs else {'clean': {}}
    for name in by_condition['clean']:
        if len(bs) > 1: print(f" {name}")
        for c, r in by_condition.items(): print(f"  {c:12s} " + line(r[name]))
    if a.adapt and bs:
        print(" adapted (context head on each held-out actor's clips)")
        for c in CONDITIONS: print(f"  {c:12s} " + line(score(bs, a.seeds, test, caches[c], a.weights, adapt=True)[f"seed {a.seeds[0]}"]))
    for held in ([] if a.no_loco else a.loco):
        train, test = df[df.corpus != held], df[df.corpus == held]
        bs = [fit(spec, train, cache=cache, labels=corpus_labels(train), seed=seed)[0] for seed in a.seeds]
        for name, r in score(bs, a.seeds, test, cache, a.weights).items():
            print(f"{held} left out{', ' + name if len(bs) > 1 else ''}: " + line(r))
        if a.adapt:     # each test speaker's clips one context (as --adapt speaker)
            r = score(bs, a.seeds, test, cache, a.weights, adapt=True)[f"seed {a.seeds[0]}"]
            print(f"{held} left out, adapted: " + line(r))
