"""The voice encoder's cost (04_encoder): per clip on one core, in `ser features`, on a long recording, and cold.

    python bench/encoder.py [--data ../shared/data/ravdess] [--clips 64] [--minutes 30] [--only NAME ...]

Sections (--only picks some):
  clip      statistics per 3-second clip on one core (one BLAS thread, one onnxruntime thread), numpy and ONNX, one clip
            at a time and in batches of 16; beside the floor of the LSTM's arithmetic (multiply-adds per frame)
  features  cold `ser features` with and without `--encoder` against the decode floor (a pool of as many processes)
  long      a recording of `--minutes` cut into stretches of speech (07_segments) and the encoder's statistics of every
            stretch (ONNX), as one process: peak RSS and times real time; `ser predict --segments` beside it
  cold      a whole process that predicts one clip as `ser predict` does (the shipped model through onnxruntime) and
            computes the clip's encoder statistics through `encoder.onnx`: wall time and peak RSS; plain `ser predict`
            beside it
With --model DIR (a bundle that hears with the encoder, e.g. `ser train --model ser_voice ... --out DIR`), `long` and
`cold` also time `ser predict --model DIR` itself: the whole path, the encoder's statistics included.
Each figure is one printed line; the load average is printed before and after, so that a busy machine shows.
"""
import argparse, os, subprocess, sys, tempfile, time, shutil
from pathlib import Path
import numpy as np
sys.path.insert(0, str(Path(__file__).parent))
from predict import timed, write_long, ser_command          # bench/predict.py: whole-process timing, long recordings
from features import pool_floor                             # bench/features.py: the decode floor

def macs_per_frame() -> int:
    "Multiply-adds of the three LSTM layers per frame: input and recurrent products of four gates."
    from ser_nb.encoder import N_MELS, HIDDEN, LAYERS
    return sum(4*HIDDEN*((N_MELS if l == 0 else HIDDEN) + HIDDEN) for l in range(LAYERS))

def bench_clip(files):
    from threadpoolctl import threadpool_limits
    from ser_nb.data import load_audio
    from ser_nb.encoder import encoder_input, encoder_layers, layer_statistics, OnnxEncoder
    waves = [load_audio(f, sr=16000, duration=3.0)[0] for f in files]
    mels = [encoder_input(y, sr=16000) for y in waves]
    frames = np.array([len(m) for m in mels])
    t0 = time.perf_counter(); [encoder_input(y, sr=16000) for y in waves]; t_in = (time.perf_counter() - t0)/len(waves)
    print(f"{len(files)} RAVDESS clips cut to 3 s: {frames.mean():.0f} frames on average after the silences are trimmed "
          f"(input: {1000*t_in:.2f} ms a clip)", flush=True)
    onnx = OnnxEncoder(threads=1)
    flop = 2*macs_per_frame()
    with threadpool_limits(1):
        for name, run in [('numpy', encoder_layers), ('onnx', onnx)]:
            for batch in (1, 16):
                run(mels[:batch])                                           # warm-up
                t0 = time.perf_counter()
                for i in range(0, len(mels), batch):
                    part = mels[i:i+batch]; L, _ = run(part); layer_statistics(L, [len(m) for m in part])
                dt = (time.perf_counter() - t0)/len(mels)
                per300 = dt*300/frames.mean()
                print(f"{name:5s} batch {batch:2d}: {1000*dt:5.1f} ms a clip, {1000*per300:5.1f} ms per 300 frames "
                      f"({flop*300/per300/1e9:.1f} GFLOP/s; floor {flop/1e6:.1f} MFLOP a frame, {flop*300/1e6:.0f} MFLOP a 3-s clip)",
                      flush=True)

def features_run(data, cache, jobs, encoder):
    cmd = ser_command() + ['features', '--data', str(data), '--cache', str(cache), '--quiet'] + (['--encoder'] if encoder else [])
    if jobs: cmd += ['--jobs', str(jobs)]
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode not in (0, 1): sys.exit(f"ser features failed:\n{r.stderr}")
    return time.perf_counter() - t0, r.stderr.strip().splitlines()[-1]

def bench_features(data, files, jobs):
    jobs = jobs or os.cpu_count()
    with tempfile.TemporaryDirectory() as tmp:
        plain, _ = features_run(data, Path(tmp)/'a', jobs, False)
        enc, line = features_run(data, Path(tmp)/'b', jobs, True)
    floor = pool_floor(files, jobs)
    print(f"ser features, {len(files)} files, {jobs} processes: cold {plain:.2f} s, cold with --encoder {enc:.2f} s; decode floor "
          f"{floor:.2f} s; with the encoder / floor {enc/floor:.2f}, without {plain/floor:.2f} ({line})", flush=True)

LONG = """
import sys, time, numpy as np
from ser_nb.segments import audio_blocks, speech_segments
from ser_nb.encoder import VoiceEncoder
enc, n, t0 = VoiceEncoder(backend='onnx'), 0, time.perf_counter()
for seg in speech_segments(audio_blocks(sys.argv[1]), sr=16000):
    enc(seg[2]); n += 1
print(n)
"""

def bench_long(pool, minutes, model=None):
    d = Path(tempfile.mkdtemp())
    try:
        for m in (1, minutes):
            f = d/f'{m}min.flac'; dur = write_long(f, pool, m)
            with open(d/'n.txt', 'w') as out: wall, rss, rc, cpu = timed([sys.executable, '-c', LONG, str(f)], stdout=out)
            n = (d/'n.txt').read_text().strip()
            print(f"encoder statistics of every stretch, {dur/60:.1f}-minute 44.1 kHz FLAC: {n} stretches, peak RSS {rss:.0f} MB, "
                  f"{wall:.1f} s ({dur/wall:.0f}x real time; CPU {cpu:.1f} s), exit {rc}", flush=True)
            with open(d/'out.tsv', 'w') as out: wall, rss, rc, cpu = timed(ser_command() + ['predict', '--segments', str(f)], stdout=out)
            print(f"ser predict --segments (shipped model, no encoder yet), same file: peak RSS {rss:.0f} MB, {wall:.1f} s "
                  f"({dur/wall:.0f}x real time), exit {rc}", flush=True)
            if model:
                with open(d/'out.tsv', 'w') as out:
                    wall, rss, rc, cpu = timed(ser_command() + ['predict', '--model', str(model), '--segments', str(f)], stdout=out)
                n = sum(1 for _ in open(d/'out.tsv'))
                print(f"ser predict --model {Path(model).name} --segments (hears with the encoder), same file: peak RSS {rss:.0f} MB, "
                      f"{wall:.1f} s ({dur/wall:.0f}x real time; CPU {cpu:.1f} s), {n} lines, exit {rc}", flush=True)
    finally: shutil.rmtree(d, ignore_errors=True)

COLD = """
import sys
from ser_nb.cli import main
code = main(['predict', sys.argv[1]])
from ser_nb.data import load_audio
from ser_nb.encoder import VoiceEncoder
VoiceEncoder(backend='onnx')(load_audio(sys.argv[1], sr=16000)[0])
sys.exit(code)
"""

def bench_cold(clip, model=None):
    for name, cmd in [('ser predict', ser_command() + ['predict', clip]),
                      ('ser predict + encoder.onnx', [sys.executable, '-c', COLD, clip])] + \
                     ([(f'ser predict --model {Path(model).name} (hears with the encoder)', ser_command() + ['predict', '--model', str(model), clip])]
                      if model else []):
        runs = [timed(cmd) for _ in range(4)]
        walls, rss = [r[0] for r in runs], max(r[1] for r in runs)
        print(f"cold {name}, one clip: {min(walls[1:]):.2f}–{max(walls[1:]):.2f} s (first run {walls[0]:.2f} s), peak RSS "
              f"{rss:.0f} MB, exit {runs[-1][2]}", flush=True)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', default=os.environ.get('SER_DATA', '../shared/data/ravdess'))
    ap.add_argument('--clips', type=int, default=64)
    ap.add_argument('--minutes', type=float, default=30)
    ap.add_argument('--jobs', type=int, default=None)
    ap.add_argument('--only', nargs='*', default=['clip', 'features', 'long', 'cold'])
    ap.add_argument('--model', default=None, help='a bundle that hears with the encoder, for `long` and `cold`')
    a = ap.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores", flush=True)
    from ser_nb.data import load_corpus
    corpus = load_corpus(a.data)
    files = list(corpus.path)
    if 'clip' in a.only: bench_clip(files[::max(1, len(files)//a.clips)][:a.clips])
    if 'features' in a.only: bench_features(a.data, files, a.jobs)
    if 'long' in a.only: bench_long(corpus, a.minutes, a.model)
    if 'cold' in a.only: bench_cold(files[0], a.model)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
