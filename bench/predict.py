"""Measure `ser predict`: per-clip time, cold start, and long recordings (segment boundaries, per-stretch accuracy,
memory and speed of `ser predict --segments`).

    python bench/predict.py [--model MODEL_DIR] [--data ../shared/data/ravdess] [--clips 60] [--minutes 30] [--only NAME ...]

MODEL_DIR (default: the model shipped in the package, which never heard TESS: use --data ../shared/data/tess) must
have been trained without some of the corpus's speakers (e.g. `models/ser_cnn_heldout` from `ser all`, or `ser train`
on a manifest that leaves actors out): the recordings are built from those speakers' clips only. A bundle with an ONNX
network is run without Keras, as `ser predict` runs it (12_deploy); --keras forces the Keras path for comparison.
Sections (--only picks some): clips, cold, boundaries, accuracy, long. Prints one line (or a few) per figure, and the
load average before and after, so that a busy machine shows.
"""
import argparse, json, os, shutil, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np

def ser_command() -> list:
    "The `ser` console script of this environment (or the module run with this Python)."
    exe = shutil.which('ser', path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, '-c', 'import sys; from ser_nb.cli import main; sys.exit(main())']

def timed(cmd:list, *, env=None, stdout=subprocess.DEVNULL) -> tuple[float, float, int, float]:
    "(wall seconds, peak RSS in MB, exit status, CPU seconds: user + system) of a whole process, measured by GNU time."
    with tempfile.NamedTemporaryFile('r', suffix='.time') as t:
        t0 = time.perf_counter()
        rc = subprocess.run(['/usr/bin/time', '-f', '%M %U %S', '-o', t.name, *cmd], env=env, stdout=stdout,
                            stderr=subprocess.PIPE).returncode
        wall = time.perf_counter() - t0
        rss, user, system = t.read().strip().splitlines()[-1].split()
        return wall, int(rss)/1024, rc, float(user) + float(system)

def held_out(model:Path, corpus):
    meta = json.loads((model/'bundle.json').read_text())      # the speakers the model was trained on
    held = sorted(set(corpus.speaker) - set(meta['train_speakers']))
    if not held: sys.exit(f"{model} was trained on every speaker of the corpus: train one without some (see --help)")
    return corpus[corpus.speaker.isin(held)].reset_index(drop=True), held

def bench_clips(a, bundle, files):
    from ser_nb.infer import predict
    for f in files[:5]: predict(bundle, f)                               # warm-up: compile the network once
    times = []
    for f in files:
        t0 = time.perf_counter(); predict(bundle, f); times.append((time.perf_counter() - t0)*1000)
    print(f"per clip, model loaded ({type(bundle.model).__name__}): {len(files)} clips: median {np.median(times):.1f} ms, "
          f"p90 {np.percentile(times, 90):.1f} ms (decode + features + network)")

def bench_cold(a, clip):
    "Whole-process time of `ser predict` on one clip: first run of a model (empty compilation cache), then later runs."
    home = Path(tempfile.mkdtemp())
    env = {**os.environ, 'XDG_CACHE_HOME': str(home)}                  # a fresh user cache: nothing compiled yet
    model = ['--model', str(a.model)] if a.model else []
    first = timed(ser_command() + ['predict', *model, str(clip)], env=env)
    later = [timed(ser_command() + ['predict', *model, str(clip)], env=env) for _ in range(3)]
    old = [timed([sys.executable, '-c', 'import sys; from ser_nb.model import load_bundle, predict; '
                  'print(predict(load_bundle(sys.argv[1]), sys.argv[2]))', str(a.model or shipped), str(clip)], env=env) for _ in range(3)]
    shutil.rmtree(home, ignore_errors=True)
    print(f"cold start, whole `ser predict` process on one clip: first run of the model {first[0]:.2f} s; "
          f"later runs median {np.median([t[0] for t in later]):.2f} s (runs: {', '.join(f'{t[0]:.2f}' for t in later)}; "
          f"CPU {np.median([t[3] for t in later]):.2f} s); peak RSS {later[0][1]:.0f} MB")
    print(f"  for comparison, Keras with plain imports and no compilation cache (the path before): median "
          f"{np.median([t[0] for t in old]):.2f} s (CPU {np.median([t[3] for t in old]):.2f} s); peak RSS {old[0][1]:.0f} MB")

def bench_boundaries(a, pool):
    "Share of true boundaries within 0.25 s, on recordings of held-out clips, clean and at 10 dB SNR."
    from ser_nb.segments import recording_from_clips, speech_segments, boundary_errors
    rows = {}
    for cond, kw in {'clean': {}, 'white noise 10 dB': dict(snr_db=10, colour='white'),
                     'pink noise 10 dB': dict(snr_db=10, colour='pink')}.items():
        errs, found, clips = [], 0, 0
        for seed in range(a.recordings):
            paths = list(pool.sample(a.per_recording, random_state=seed).path)
            y, truth = recording_from_clips(paths, sr=16000, level=0.05, seed=seed, **kw)
            segs = list(speech_segments([y[i:i + 16000] for i in range(0, len(y), 16000)], sr=16000))
            errs.append(boundary_errors(segs, truth)); found += len(segs); clips += len(truth)
        e = np.concatenate(errs).ravel()
        print(f"boundaries, {cond:>17}: {(e <= 0.25).mean():.1%} of {len(e)} within 0.25 s (median error {np.median(e):.3f} s, "
              f"{(e <= 0.5).mean():.1%} within 0.5 s); {found} stretches for {clips} clips")

def bench_accuracy(a, bundle, pool):
    "Per-stretch accuracy of one recording of every held-out clip vs per-clip accuracy of the same clips."
    from ser_nb.segments import recording_from_clips, segment_emotions, predict_file, owners
    import soundfile as sf
    clips = pool.sample(frac=1, random_state=0).reset_index(drop=True)
    by_clip = np.mean([predict_file(bundle, p)[0] == e for p, e in zip(clips.path, clips.emotion)])
    y, truth = recording_from_clips(list(clips.path), sr=bundle.features.sr, seed=0)
    with tempfile.TemporaryDirectory() as d:
        sf.write(Path(d)/'rec.flac', y, bundle.features.sr)
        found = list(segment_emotions(bundle, Path(d)/'rec.flac'))
    labels = list(clips.emotion)
    own = owners(found, truth)
    by_stretch = np.mean([s.emotion == labels[o] for s, o in zip(found, own)])
    w = np.array([s.end - s.start for s in found])
    by_time = np.sum(w*[s.emotion == labels[o] for s, o in zip(found, own)])/w.sum()
    print(f"accuracy on {len(clips)} clips of unseen speakers ({', '.join(sorted(set(clips.speaker)))}): each clip on its own "
          f"{by_clip:.1%}; each stretch of one {len(y)/bundle.features.sr/60:.1f}-minute recording of them {by_stretch:.1%} "
          f"({len(found)} stretches; weighted by duration {by_time:.1%}); difference {100*(by_stretch - by_clip):+.1f} points")

def write_long(path:Path, pool, minutes:float, *, sr:int=44100):
    "A recording of `minutes` made of held-out clips (trimmed, with 0.5–1.5 s pauses), written clip by clip at `sr`."
    import soundfile as sf, librosa
    from ser_nb.data import load_audio
    rng, total = np.random.default_rng(0), 0
    cache = {}
    with sf.SoundFile(path, 'w', samplerate=sr, channels=1, format='FLAC', subtype='PCM_16') as f:
        while total < minutes*60*sr:
            p = pool.path.iloc[rng.integers(len(pool))]
            if p not in cache: cache[p] = librosa.effects.trim(load_audio(p, sr=sr)[0], top_db=30)[0]
            pause = np.zeros(int(rng.uniform(0.5, 1.5)*sr), np.float32)
            f.write(pause); f.write(cache[p]); total += len(pause) + len(cache[p])
    return total/sr

def bench_long(a, pool):
    "Peak RSS and speed of whole `ser predict` processes (with and without --segments) on a 1-minute and a long recording."
    d = Path(tempfile.mkdtemp())
    try:
        rss = {}
        for minutes in (1, a.minutes):
            dur = write_long(d/f'{minutes}min.flac', pool, minutes)
            for mode in (['--segments'], []):
                with open(d/'out.tsv', 'w') as out:
                    wall, rss[minutes, bool(mode)], rc, cpu = timed(
                        ser_command() + ['predict', *(['--model', str(a.model)] if a.model else []), *mode, str(d/f'{minutes}min.flac')], stdout=out)
                n = sum(1 for _ in open(d/'out.tsv'))
                print(f"ser predict {'--segments' if mode else '(one label)'}, {dur/60:.1f}-minute 44.1 kHz FLAC: peak RSS "
                      f"{rss[minutes, bool(mode)]:.0f} MB, {wall:.1f} s ({dur/wall:.0f}x real time; CPU {cpu:.1f} s, "
                      f"{dur/cpu:.0f}x real time per CPU second), {n} lines, exit {rc}", flush=True)
        for mode in (True, False):
            print(f"peak RSS ratio {a.minutes} min / 1 min, {'--segments' if mode else 'one label'}: "
                  f"{rss[a.minutes, mode]/rss[1, mode]:.2f}")
    finally: shutil.rmtree(d, ignore_errors=True)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--model', type=Path, default=None, help='model folder (default: the shipped model)')
    ap.add_argument('--keras', action='store_true', help='load the model with Keras even when it has an ONNX network')
    ap.add_argument('--data', default=os.environ.get('SER_DATA', '../shared/data/ravdess'))
    ap.add_argument('--clips', type=int, default=60, help='clips for the per-clip timing')
    ap.add_argument('--minutes', type=float, default=30, help='length of the long recording')
    ap.add_argument('--recordings', type=int, default=5, help='recordings per condition for the boundaries')
    ap.add_argument('--per-recording', type=int, default=20, help='clips per recording for the boundaries')
    ap.add_argument('--only', nargs='*', default=['clips', 'cold', 'boundaries', 'accuracy', 'long'])
    a = ap.parse_args()
    import soundfile as sf
    from ser_nb.data import load_corpus
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores", flush=True)
    corpus = load_corpus(a.data)
    from ser_nb.infer import shipped_model
    shipped = shipped_model()
    pool, held = held_out(a.model or shipped, corpus)
    files = [f for f in pool.path if 3.9 <= sf.info(f).duration <= 4.1][:a.clips] or list(pool.path[:a.clips])
    bundle = None
    if {'clips', 'accuracy'} & set(a.only):
        from ser_nb.deploy import load_for_prediction
        t0 = time.perf_counter(); bundle = load_for_prediction(a.model, keras=a.keras)
        print(f"model load {1000*(time.perf_counter() - t0):.0f} ms (in this process)")
    for name in a.only:
        if name == 'clips': bench_clips(a, bundle, files)
        elif name == 'cold': bench_cold(a, files[0])
        elif name == 'boundaries': bench_boundaries(a, pool)
        elif name == 'accuracy': bench_accuracy(a, bundle, pool)
        elif name == 'long': bench_long(a, pool)
        else: sys.exit(f"unknown section {name!r}")
        sys.stdout.flush()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
