"""Head-only trial of the context head: what its training contexts do, on the five actor folds and each channel.

    python bench/context_heads.py [--data ../shared/data] [--cache /tmp/ser_nb_results_cache]

No network is trained: for each actor fold of 06_results (RAVDESS, TESS and URDU in training) the statistics heads
alone are fitted and scored on the fold's held-out actors, clean and through each channel condition (features from
06's cache: run 06 first), each actor's clips through one condition being one context. Compared:
  alone      `StatsHead` on each clip alone (fitted on clean clips only, so not 06's head, which also sees copies)
  clean      `ContextHead` fitted on each training speaker's clean clips normalised within that speaker (0.3.0's)
  channels   the same plus each training speaker through fixed feature-domain channels (a telephone band, pink noise
             at 10 dB, both), each (speaker, channel) one context: one voice through one channel, as at test time
Prints accuracy per condition and head, and the mean over the folds.
"""
import argparse, os, sys, time
from pathlib import Path
import numpy as np

os.environ.setdefault('KERAS_BACKEND', 'jax')
ROOT = Path(__file__).resolve().parents[1]


def channels(settings):
    "Fixed feature-domain channels, each applied to every clip of a context."
    from ser_nb.augment import band_limit, add_mel_noise, noise_profile
    pink = noise_profile(settings, colour='pink')
    phone = lambda X: band_limit(X, settings=settings, low=300.0, high=3400.0)
    noisy = lambda X: add_mel_noise(X, snr_db=10.0, profile=pink)
    return {'phone': phone, 'noise': noisy, 'phone+noise': lambda X: noisy(phone(X))}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', type=Path, default=ROOT.parent/'shared'/'data')
    ap.add_argument('--cache', type=Path, default=Path('/tmp/ser_nb_results_cache'))
    a = ap.parse_args()
    import pandas as pd
    from ser_nb.data import load_corpus, speaker_folds
    from ser_nb.features import FeatureCache, FeatureSettings
    from ser_nb.infer import utterance_stats, StatsHead, ContextHead, Context
    from ser_nb.model import speaker_weights, corpus_labels, MODELS
    from ser_nb.results import CONDITIONS, condition_cache
    t0 = time.perf_counter()
    rav = load_corpus(a.data/'ravdess'); others = pd.concat([load_corpus(a.data/'tess'), load_corpus(a.data/'urdu')], ignore_index=True)
    cache = FeatureCache(a.cache, FeatureSettings())
    labels = corpus_labels(pd.concat([rav, others])); index = {l: i for i, l in enumerate(labels)}
    cap = MODELS['ser_cnn'].train.speaker_cap
    chans = channels(cache.settings)
    rows = []
    for k, (tr, te) in enumerate(speaker_folds(rav, n_folds=5)):
        train = pd.concat([rav.iloc[tr], others], ignore_index=True); test = rav.iloc[te].reset_index(drop=True)
        mats = [cache[p] for p in train.path]
        F = np.stack([utterance_stats(M) for M in mats]); y = train.emotion.map(index).to_numpy()
        w = speaker_weights(train.speaker, cap=cap)
        heads = {'alone': StatsHead.fit(F, y, n_classes=len(labels), weight=w),
                 'clean': ContextHead.fit(F, y, train.speaker, n_classes=len(labels), weight=w)}
        Fc = [F] + [np.stack([utterance_stats(fn(M)) for M in mats]) for fn in chans.values()]
        spk = np.concatenate([train.speaker.to_numpy()] + [(train.speaker + '|' + c).to_numpy() for c in chans])
        heads['channels'] = ContextHead.fit(np.concatenate(Fc), np.tile(y, len(Fc)), spk, n_classes=len(labels),
                                            weight=np.tile(w, len(Fc)))
        keep = [index[l] for l in corpus_labels(test)]
        for cond in CONDITIONS:
            c = condition_cache(cache, cond)
            Ft = np.stack([utterance_stats(c[p]) for p in test.path]); yt = test.emotion.map(index).to_numpy()
            for name, h in heads.items():
                if name == 'alone': P = h.predict_proba(Ft)
                else:
                    P = np.zeros((len(Ft), len(labels)))
                    for s in test.speaker.unique():
                        ii = np.flatnonzero(test.speaker.to_numpy() == s)
                        P[ii] = h.predict_proba(Ft[ii], Context().add(Ft[ii], 0.0))
                pred = np.array(keep)[P[:, keep].argmax(axis=1)]
                rows.append(dict(fold=k, condition=cond, head=name, accuracy=float((pred == yt).mean())))
        print(f"fold {k} done ({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True)
    r = pd.DataFrame(rows)
    table = r.pivot_table(index='condition', columns='head', values='accuracy', aggfunc='mean').loc[list(CONDITIONS)]
    print("statistics heads alone (no network), accuracy on unseen RAVDESS actors, mean of 5 folds:")
    print((100*table[['alone', 'clean', 'channels']]).round(1).to_string())
    print(f"({time.perf_counter() - t0:.0f} s)")


if __name__ == '__main__': main()
