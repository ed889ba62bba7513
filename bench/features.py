"""Feature extraction speed over a corpus: cold `ser features` vs the capstone loop, warm rerun, decode-only floor.

    python bench/features.py [--data ../shared/data/ravdess] [--jobs N]

Prints seconds and ratios. Timings are of whole processes where the user would run a process (`ser features`), and of
the loop itself for the capstone and the floor (their imports are not counted, which favours them).
"""
import argparse, os, subprocess, sys, tempfile, time, shutil
from pathlib import Path

def capstone_loop(files):
    "The capstone: librosa.load(duration=3, offset=0.5) at 22.05 kHz, 40 MFCC averaged over time, one process."
    import librosa, numpy as np
    librosa.feature.mfcc(y=np.zeros(22050, 'float32'), sr=22050, n_mfcc=40)   # warm up imports outside the timing
    t0 = time.perf_counter()
    for f in files:
        X, s = librosa.load(f, duration=3, offset=0.5)
        np.mean(librosa.feature.mfcc(y=X, sr=s, n_mfcc=40).T, axis=0)
    return time.perf_counter() - t0

def decode_floor(files, sr=16000):
    "Read and resample every file (soundfile + soxr), nothing else, one process."
    import soundfile as sf, soxr
    t0 = time.perf_counter()
    for f in files:
        y, native = sf.read(f, dtype='float32', always_2d=True)
        soxr.resample(y.mean(axis=1), native, sr, quality='HQ')
    return time.perf_counter() - t0

def ser_features(data, cache, jobs):
    cmd = [shutil.which('ser') or 'ser', 'features', '--data', str(data), '--cache', str(cache), '--quiet']
    if jobs: cmd += ['--jobs', str(jobs)]
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if r.returncode not in (0, 1): sys.exit(f"ser features failed:\n{r.stderr}")
    return dt, r.stderr.strip().splitlines()[-1]

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=os.environ.get('SER_DATA', '../shared/data/ravdess'))
    ap.add_argument('--jobs', type=int, default=None)
    a = ap.parse_args()
    from ser_nb.data import audio_files
    files = [str(f) for f in audio_files(a.data)]
    print(f"{len(files)} files under {a.data}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        cold, line = ser_features(a.data, Path(tmp)/'cache', a.jobs); print(f"cold `ser features`  {cold:7.2f} s   ({line})")
        warm, line = ser_features(a.data, Path(tmp)/'cache', a.jobs); print(f"warm rerun           {warm:7.2f} s   ({line})")
    floor = decode_floor(files);  print(f"decode-only floor    {floor:7.2f} s   (read + resample to 16 kHz, one process)")
    cap = capstone_loop(files);   print(f"capstone loop        {cap:7.2f} s   (librosa.load + 40 MFCC mean, one process)")
    print(f"cold vs capstone: {cap/cold:.1f}x faster; warm vs cold: {cold/warm:.1f}x faster; cold / floor: {cold/floor:.2f}")
