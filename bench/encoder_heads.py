"""Head-only trials for the voice encoder (issue 29): what its statistics give, alone and adapted, on 06's five actor
folds, through each channel, and with one corpus left out, beside 0.3.1's log-mel statistics head.

    python bench/encoder_heads.py [--data ../shared/data] [--cache /tmp/ser_nb_encoder_cache] [--only folds loco]
                                  [--C 0.05] [--weights 0 0.25 0.5 0.75 1]

No network is trained (its fold predictions come from 06's full run): for each actor fold (RAVDESS's held-out actors;
the other RAVDESS actors, TESS and URDU in training) heads are fitted on cached per-clip statistics and scored on the
fold's actors, clean and through each channel of 06 (`degrade`), each actor's clips through one channel being one
context when adapted. Training clips count as in `fit` (`speaker_weights`, cap 100) and, unless said, with their
channel copy (04's `extract_variants`, one per clip, as the default model). Compared, one line each:
  mel            0.3.1's statistics head: `StatsHead` on `utterance_stats` of the log-mel (449 numbers)
  enc            `StatsHead` on the encoder's layer statistics (1,536 numbers, 04_encoder)
  enc L1/L2/L3   one layer's statistics only (512 numbers)
  enc no copies  the encoder head fitted on clean clips only (the issue's probe)
  fused w        the two heads' weighted geometric mean (`fuse`), w the encoder head's weight
Adapted: the same with `ContextHead` (statistics normalised within each speaker's clips, as `--adapt` does).
Prints accuracy per condition (mean over the folds) and the leave-one-corpus-out UAR.
"""
import argparse, os, sys, time
from pathlib import Path
import numpy as np, pandas as pd

os.environ.setdefault('KERAS_BACKEND', 'jax')
ROOT = Path(__file__).resolve().parents[1]
LAYER = {'L1': slice(0, 512), 'L2': slice(512, 1024), 'L3': slice(1024, 1536)}

def stats_of(cache, df):
    "(log-mel utterance statistics, encoder statistics) of every clip of `df` in `cache`."
    from ser_nb.infer import utterance_stats
    from ser_nb.features import FeatureStore
    store = FeatureStore(df, cache)
    return np.stack([utterance_stats(store[i]) for i in range(len(store))]), store.encoded(range(len(store)))

def copy_stats(cache, files):
    "The same for the channel copies' feature files (04's `extract_variants`)."
    from ser_nb.infer import utterance_stats
    return np.stack([utterance_stats(np.load(f)) for f in files]), np.stack([np.load(cache.encoder_path(f)) for f in files])

def heads(F, y, spk, w, *, n, C, adapt):
    "A head on F (a StatsHead, or a ContextHead fitted within each training speaker when adapting)."
    from ser_nb.infer import StatsHead, ContextHead
    if adapt: return ContextHead.fit(F, y, spk, n_classes=n, weight=w, C=C)
    return StatsHead.fit(F, y, n_classes=n, C=C, weight=w)

def proba(head, F, groups, adapt):
    "Probabilities of test clips, alone or within each group's context."
    from ser_nb.infer import Context
    if not adapt: return head.predict_proba(F)
    P = np.zeros((len(F), head.head.coef.shape[0]))
    for g in np.unique(groups):
        ii = np.flatnonzero(groups == g)
        P[ii] = head.predict_proba(F[ii], Context().add(F[ii], 0.0))
    return P

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', type=Path, default=ROOT.parent/'shared'/'data')
    ap.add_argument('--cache', type=Path, default=Path('/tmp/ser_nb_encoder_cache'))
    ap.add_argument('--C', type=float, default=0.05)
    ap.add_argument('--weights', type=float, nargs='+', default=[0.0, 0.25, 0.5, 0.75, 1.0])
    ap.add_argument('--only', nargs='*', default=['folds', 'loco'])
    a = ap.parse_args()
    from ser_nb.data import load_corpus, speaker_folds
    from ser_nb.features import FeatureCache, FeatureSettings
    from ser_nb.encoder import VoiceEncoder
    from ser_nb.augment import extract_variants, variant_caches
    from ser_nb.model import usable_clips, corpus_labels, speaker_weights
    from ser_nb.infer import fuse
    from ser_nb.results import extract_degraded, CONDITIONS, scores
    t0 = time.perf_counter()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores", flush=True)
    cache = FeatureCache(a.cache, FeatureSettings(), VoiceEncoder())
    corpora = pd.concat([load_corpus(a.data/'ravdess'), load_corpus(a.data/'tess'), load_corpus(a.data/'urdu'/'manifest.csv')],
                        ignore_index=True)
    df, bad = usable_clips(corpora, cache=cache, progress=False)
    copies = extract_variants(df, cache=cache, variants=1, progress=False)[0]
    Mc, Ec = copy_stats(variant_caches(cache, 1)[0], copies)
    M, E = stats_of(cache, df)
    labels = corpus_labels(df); n = len(labels)
    y = np.array([labels.index(e) for e in df.emotion])
    print(f"{len(df)} clips ({len(bad)} unusable), features, encoder statistics and one channel copy each: "
          f"{time.perf_counter() - t0:.0f} s", flush=True)
    feats = {'mel': (M, Mc), 'enc': (E, Ec), **{f'enc {k}': (E[:, s], Ec[:, s]) for k, s in LAYER.items()}}

    def fit_score(name, tr, test_sets, adapt, *, copies=True):
        "Fit head `name` on rows tr (with their copies) and return probabilities on each (F, groups) test set."
        F, Fc = feats[name]
        w = speaker_weights(df.speaker.iloc[tr], cap=100)
        X, Y, W, S = (np.concatenate([F[tr], Fc[tr]]), np.tile(y[tr], 2), np.tile(w, 2), np.tile(df.speaker.iloc[tr], 2)) \
            if copies else (F[tr], y[tr], w, df.speaker.iloc[tr].to_numpy())
        if adapt:   # a context is one voice through one channel: the copies are their own speakers' contexts
            S = S.copy().astype(object)
            if copies: S[len(tr):] = [f"{s}|copy" for s in S[len(tr):]]
        h = heads(X, Y, S, W, n=n, C=a.C, adapt=adapt)
        return [proba(h, T[name] if isinstance(T, dict) else T, g, adapt) for T, g in test_sets]

    if 'folds' in a.only:
        rav = np.flatnonzero(df.corpus == 'RAVDESS')
        extra = np.flatnonzero(df.corpus != 'RAVDESS')
        folds = speaker_folds(df.iloc[rav], n_folds=5)
        test_df = df.iloc[rav].reset_index(drop=True)
        degraded = extract_degraded(test_df, cache=cache, conditions=CONDITIONS)
        cond = {}
        for c in CONDITIONS:
            Mx, Ex = (M[rav], E[rav]) if c == 'clean' else stats_of(degraded[c], test_df)
            cond[c] = {'mel': Mx, 'enc': Ex, **{f'enc {k}': Ex[:, s] for k, s in LAYER.items()}}
        print(f"test copies through {len(CONDITIONS) - 1} channels: {time.perf_counter() - t0:.0f} s", flush=True)
        rows = {}
        for adapt in (False, True):
            mode = 'adapted' if adapt else 'alone'
            acc = {}
            for k, (tr_r, te_r) in enumerate(folds):
                tr = np.concatenate([rav[tr_r], extra])
                te = te_r
                groups = test_df.speaker.to_numpy()[te]
                sets = [({nm: cond[c][nm][te] for nm in cond[c]}, groups) for c in CONDITIONS]
                truth = test_df.emotion.to_numpy()[te]
                P = {}
                for name, kw in [('mel', {}), ('enc', {}), ('enc no copies', {'copies': False})] + \
                                ([(f'enc {l}', {}) for l in LAYER] if not adapt else []):
                    P[name] = fit_score('enc' if name == 'enc no copies' else name, tr, sets, adapt, **kw)
                for wt in a.weights: P[f'fused {wt:g}'] = [fuse(pm, pe, weight=wt) for pm, pe in zip(P['mel'], P['enc'])]
                for name, Ps in P.items():
                    for c, Pc in zip(CONDITIONS, Ps):
                        acc.setdefault((name, c), []).append(np.mean(np.array(labels)[Pc.argmax(1)] == truth))
                print(f"  {mode} fold {k}: {time.perf_counter() - t0:.0f} s", flush=True)
            rows[mode] = {nm: {c: np.mean(acc[nm, c]) for c in CONDITIONS} for nm in dict.fromkeys(k[0] for k in acc)}
        for mode, r in rows.items():
            print(f"\n5 actor folds, {mode}: accuracy (mean over folds)\n" + pd.DataFrame(r).T.map(lambda v: f"{100*v:.1f}").to_string(), flush=True)

    if 'loco' in a.only:
        print("\nleave one corpus out, UAR (alone / adapted)")
        out = {}
        for held in ('TESS', 'URDU', 'RAVDESS'):
            tr, te = np.flatnonzero(df.corpus != held), np.flatnonzero(df.corpus == held)
            shared = [l for l in labels if l in set(df.emotion.iloc[tr]) and l in set(df.emotion.iloc[te])]
            keep = [labels.index(l) for l in shared]
            te = te[df.emotion.iloc[te].isin(shared).to_numpy()]
            sets = [({nm: feats[nm][0][te] for nm in feats}, df.speaker.to_numpy()[te])]
            truth = df.emotion.to_numpy()[te]
            for adapt in (False, True):
                P = {nm: fit_score(nm, tr, sets, adapt)[0] for nm in ('mel', 'enc')}
                for wt in a.weights: P[f'fused {wt:g}'] = fuse(P['mel'], P['enc'], weight=wt)
                for nm, Pn in P.items():
                    pred = [shared[i] for i in Pn[:, keep].argmax(1)]
                    out.setdefault(nm, {})[f"{held} {'adapted' if adapt else 'alone'}"] = scores(truth, pred, labels=shared)['uar']
            print(f"  {held} left out: {time.perf_counter() - t0:.0f} s", flush=True)
        print(pd.DataFrame(out).T.map(lambda v: f"{100*v:.1f}").to_string())
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {time.perf_counter() - t0:.0f} s in all")

if __name__ == '__main__': main()
