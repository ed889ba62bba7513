"""Rebuild the model that ships inside the package (ser_nb/models/<default model>) and rewrite its model card.

    python bench/release_model.py [--data ../shared/data/ravdess] [--seed 0] [--card-only]

Trains the default recipe (`DEFAULT_MODEL`, today `ser_voice`) with a fixed seed on the RAVDESS actors under --data — RAVDESS only, because
its licence (CC BY-NC-SA 4.0) allows sharing adapted material non-commercially under the same licence, while TESS
(CC BY-NC-ND 4.0: no derivatives) and URDU (research purposes only) do not — then writes the bundle and MODEL_CARD.md
beside it. The card's scores are read from 06_results' stored full run (nbs/full_run.json), so rerun 06 first when
the recipe changes. CI never runs this: the shipped weights change only when someone runs it on purpose.
Prints the card's facts (hashes, clips, seconds) when done.
"""
import argparse, datetime, json, os, sys, time
from pathlib import Path

os.environ.setdefault('KERAS_BACKEND', 'jax')
ROOT = Path(__file__).resolve().parents[1]
REBUILD = 'ser train --data RAVDESS_FOLDER --model {name} --seed {seed} --out my_{name}'   # the card's: a user's command


def pct(x): return f"{100*x:.1f} %"
def mean(rows, m='accuracy'): return sum(r[m] for r in rows)/len(rows)
def chan(rows, c): return mean([r for r in rows if r['condition'] == c])


PREVIOUS = 'ser_cnn'     # 0.3.1's default, whose stored run stays in 06 for comparison


def scores_section(runs:dict, name:str) -> str:
    "The recipe's figures from 06's stored full run, each with its protocol, beside 0.3.1's."
    from ser_nb.results import CONDITIONS
    cv = runs.get(f'{name}, 5 actor folds + TESS + URDU', {}).get('result')
    loco = runs.get(f'{name}, leave one corpus out', {}).get('result') or {}
    old = runs.get(f'{PREVIOUS}, 5 actor folds + TESS + URDU', {}).get('result')
    old_loco = runs.get(f'{PREVIOUS}, leave one corpus out', {}).get('result') or {}
    if cv is None: return "No stored run of the default recipe was found in nbs/full_run.json.\n"
    meta = runs[f'{name}, 5 actor folds + TESS + URDU']['meta']
    ad, oad = cv.get('adapted', {}).get('speaker'), (old or {}).get('adapted', {}).get('speaker')
    both = lambda a, b: f"{pct(a)} ({pct(b)})" if b is not None else pct(a)
    lines = [f"From `06_results`' stored full run of the default recipe ({meta['date']}, {meta['machine']}): five folds "
             "grouped by actor over the 20 RAVDESS actors of the shared data, TESS and URDU added to every fold's "
             "training, each actor tested by a model that never heard them; each fold's fusion chosen on the other "
             "folds. *Alone*: each clip on its own. *Adapted*: each clip with the other unlabelled clips of the same "
             "speaker (as `ser evaluate --adapt speaker` measures it; `ser predict --adapt FILES…` adapts to the files given "
             "together). In brackets: 0.3.1's default (`ser_cnn`, no voice encoder) in the same chapter.", "",
             "| measure | alone | adapted |", "|---|---|---|",
             f"| 5 actor folds, accuracy (8 emotions, chance 12.5 %) | {both(mean(cv['folds']), old and mean(old['folds']))} | "
             f"{both(mean(ad['folds']), oad and mean(oad['folds']))} |"]
    for c in CONDITIONS[1:]:
        lines.append(f"| {c}, accuracy | {both(chan(cv['channels'], c), old and chan(old['channels'], c))} | "
                     f"{both(chan(ad['channels'], c), oad and chan(oad['channels'], c))} |")
    for corpus, r in loco.items():
        a, o = r.get('adapted', {}).get('speaker'), old_loco.get(corpus)
        lines.append(f"| {corpus} left out (trained on {' + '.join(r['trained_on'])}), UAR over {len(r['labels'])} emotions "
                     f"| {both(r['uar'], o and o['uar'])} | {both(a['uar'], o and o['adapted']['speaker']['uar'])} |")
    return '\n'.join(lines) + '\n'


def calibration_section(runs:dict, name:str) -> str:
    "What a probability means: the expected calibration error and the top bin's accuracy, alone and adapted, from 06's stored run."
    import pandas as pd
    from ser_nb.results import calibration
    cv = runs.get(f'{name}, 5 actor folds + TESS + URDU', {}).get('result')
    if cv is None or 'confidence' not in cv['predictions'][0]: return ""
    out = []
    for what, preds in (('alone', cv['predictions']), ('adapted', cv['adapted']['speaker']['predictions'])):
        p = pd.DataFrame(preds)
        ece, t = calibration(p.confidence, p.emotion == p.predicted)
        hi = p[p.confidence >= 0.85]; lo = hi[hi.confidence < 0.95]
        out.append(f"{what}: expected calibration error {pct(ece)}; of the answers given with 0.85–0.95, "
                   f"{pct((lo.emotion == lo.predicted).mean()) if len(lo) else '—'} were right ({len(lo)} clips)")
    return ("**What a probability means.** The fused probabilities are tempered on held-out speakers (one temperature "
            "per protocol, chosen with the fusion weights), so a 0.9 is right about nine times in ten on voices like the "
            "training corpora's — measured on the unseen actors of the stored run: " + '; '.join(out) +
            ". Those figures are for unseen actors of the training corpora's kind; through other channels or in other languages the "
            "calibration was not measured. The shipped weights store the fusion chosen for the recipe with TESS and URDU.\n")


def studio_sentence(runs:dict) -> str:
    "How `ser_cnn_studio` (RAVDESS alone, no channel copies) scored in the same stored run: clean and through a telephone."
    st = runs.get('ser_cnn_studio, 5 actor folds', {}).get('result')
    if st is None: return ""
    return (f" For comparison, `ser_cnn_studio`, trained on RAVDESS alone without channel copies, scored "
            f"{pct(mean(st['folds']))} on clean unseen actors and {pct(chan(st['channels'], 'telephone'))} through a "
            "telephone in the same chapter.")


def card(bundle, *, path:Path, clips:int, seconds:float, runs:dict, made:str) -> str:
    from ser_nb.model import _sha256
    files = '\n'.join(f"- `{f}` SHA-256: `{_sha256(path/f)}`" for f in ('model.keras', 'head.json', 'context_head.json',
                      'encoder_head.json', 'encoder_context_head.json', 'model.onnx') if (path/f).exists())
    fusion = '; '.join(f"{p}: network {f.network:g}, log-mel head {f.stats:g}, encoder head {f.encoder:g}, temperature "
                       f"{f.temperature:g}" for p, f in bundle.fusion.items())
    by_corpus = sorted({s.rsplit('_', 1)[0] for s in bundle.train_speakers})
    return f"""# Model card: `{bundle.spec.name}`, shipped with ser_nb {bundle.version}

The model `ser predict` uses when no `--model` is given. It recognises eight acted emotions in English speech —
neutral, calm, happy, sad, angry, fearful, disgust, surprised — from any recording, and can adapt to a voice and
channel from other unlabelled clips of it (`--adapt`).

## Training data and licences
- **Trained on:** {', '.join(by_corpus)} — {len(bundle.train_speakers)} speakers ({', '.join(bundle.train_speakers[:1])} …
  {bundle.train_speakers[-1]}), {clips} clips, with the recipe's channel copies (telephone, codecs, rooms, distance,
  noise, babble of other training speakers), seed {bundle.seed}.
- **RAVDESS** (Livingstone & Russo 2018, https://zenodo.org/record/1188976) is CC BY-NC-SA 4.0. These weights are
  derived from it and are shared under the same licence: **CC BY-NC-SA 4.0**, non-commercial use only, with
  attribution. (ser_nb's code is Apache-2.0; the weights are not.)
- **Why RAVDESS only:** the recipe's stored scores below train with TESS and URDU as well, but TESS is CC BY-NC-ND 4.0
  (no derivatives may be shared) and URDU is licensed for research only, so weights derived from them are not shipped.
  To get a model that learns from them, train your own: `ser all` (it finds `tess/` and `urdu/` beside the RAVDESS
  folder, or give each with `--data`).
- **The voice encoder** it hears with (`ser_nb/models/voice_encoder/`, read by the encoder head) is the GE2E speaker
  encoder shipped as `pretrained.pt` in Resemblyzer 0.1.4 by Resemble AI (https://github.com/resemble-ai/Resemblyzer),
  **Apache-2.0** (its LICENSE and NOTICE ship beside it), after Wan, Wang, Papir & Lopez Moreno (2018), "Generalized
  end-to-end loss for speaker verification", ICASSP. It was trained by its authors to tell speakers apart (the wheel does
  not list its training data; it came from the Real-Time Voice Cloning project); ser_nb converted its weights without
  torch (`bench/convert_encoder.py`, hash-checked) and never changes them: only the heads on its statistics learn here.

## How it decides
Three opinions, fused as a weighted geometric mean and tempered: the CNN on log-mel windows, a logistic regression on
the log-mel's utterance statistics, and a logistic regression on the voice encoder's layer statistics (with `--adapt`,
the two heads read each clip relative to the other clips of its voice and channel). The weights were chosen on held-out
speakers (`06_results`): {fusion}.

## Intended use
Research and teaching on acted, studio-quality speech: trying the methods, comparing recipes, looking at what a model
hears. **Not for decisions about people.** Emotion recognition is not a reliable read of what a person feels, and
under the EU AI Act emotion-recognition systems are prohibited in workplaces and schools (except for medical or
safety reasons).

## Scores (of the recipe)
{scores_section(runs, bundle.spec.name)}
{calibration_section(runs, bundle.spec.name)}
These are the recipe's figures with TESS and URDU in training. The shipped weights learn from RAVDESS alone, and no
figure above measures them: every RAVDESS actor of the shared data is in their training (the official corpus's
actors 21–24 are not, and `ser evaluate --data` on them measures these weights).{studio_sentence(runs)}

## Known limits
- Acted speech of 24 (here 20) North-American actors reading two sentences; real conversations are subtler.
- Eight labels only: any other state (boredom, contempt, pain) is forced onto one of them.
- English only in training; other languages score far lower (see the leave-one-corpus-out rows).
- What fails: clips shorter than about a second; music, laughter or singing; several voices at once (the model
  assumes one speaker per clip or stretch; use `ser predict --segments` on long recordings); synthetic speech and other
  input unlike the training data still gets a confident-looking label — no out-of-distribution flag yet.
- A whole-file answer on a long recording averages its parts: use `--segments` for a timeline.

## Rebuilding it
The same recipe and seed, from the shell, on RAVDESS alone (`ser download ravdess` fetches it and prints its folder;
with all 24 actors rather than the shared data's 20 the weights come out a little different):

    {REBUILD.format(name=bundle.spec.name, seed=bundle.seed)}

then `ser predict --model my_{bundle.spec.name} FILE…`. The maintainers write the shipped copy and this card with the
same training, from the source repository.

- made by ser_nb {bundle.version} on {made}, training took {seconds/60:.1f} min
{files}
- `model.onnx` is the same network, for prediction without Keras
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', type=Path, default=ROOT.parent/'shared'/'data'/'ravdess', help='RAVDESS folder')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--out', type=Path, default=None, help='bundle folder (default: ser_nb/models/<default model>)')
    ap.add_argument('--cache', type=Path, default=None, help='feature cache root (default: the user cache)')
    ap.add_argument('--card-only', action='store_true', help='rewrite MODEL_CARD.md for the bundle already in --out')
    a = ap.parse_args()
    from ser_nb.data import load_corpus
    from ser_nb.model import train, load_bundle, DEFAULT_MODEL
    from ser_nb.deploy import save_bundle          # the Keras bundle and its network as model.onnx
    a.out = a.out or ROOT/'ser_nb'/'models'/DEFAULT_MODEL
    runs = json.loads((ROOT/'nbs'/'full_run.json').read_text())
    if a.card_only:
        bundle = load_bundle(a.out); meta = json.loads((a.out/'release.json').read_text())
    else:
        df = load_corpus(a.data)
        if set(df.corpus) != {'RAVDESS'}: sys.exit(f"{a.data}: the shipped model trains on RAVDESS alone (found {sorted(set(df.corpus))})")
        t = time.perf_counter()
        bundle, hist, skipped = train(df, model=DEFAULT_MODEL, seed=a.seed, cache_root=a.cache, progress=True)
        meta = dict(clips=len(df) - len(skipped), seconds=round(time.perf_counter() - t),
                    date=f'{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}')
        if a.out.exists():
            for f in a.out.iterdir(): f.unlink()
        save_bundle(bundle, a.out)
        (a.out/'release.json').write_text(json.dumps(meta))
    (a.out/'MODEL_CARD.md').write_text(card(bundle, path=a.out, clips=meta['clips'], seconds=meta['seconds'], runs=runs,
                                                 made=meta.get('date', '2026-12-06 08:24 UTC')))
    print(f"{a.out}: {meta['clips']} clips, trained in {meta['seconds']} s; card: {a.out/'MODEL_CARD.md'}")
    print('\n'.join(l for l in (a.out/'MODEL_CARD.md').read_text().splitlines() if 'SHA-256' in l))


if __name__ == '__main__': main()
