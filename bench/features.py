"""Feature extraction speed over a corpus: cold `ser features` vs the decode floor, the capstone loop, a warm rerun.

    python bench/features.py [--data ../shared/data/ravdess] [--jobs N]

Prints seconds and ratios. `ser features` is timed as the whole process a user runs. The decode floor is what no
feature extractor can beat: decoding every file to 16 kHz mono (`ser_nb.data.load_audio`: soundfile + soxr) and nothing
else, in a pool of as many processes as `ser features` uses (`--jobs`, default every core), its imports not counted.
The one-process floor and the capstone loop are timed as loops (imports not counted, which favours them).
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

def _decode(f):
    from ser_nb.data import load_audio, AudioError
    try: return len(load_audio(f, sr=16000)[0])
    except (AudioError, ValueError, OSError): return 0      # a bad file: skipped, as `ser features` skips it

def pool_floor(files, jobs):
    "Decode every file in a pool of `jobs` processes, as `ser features` runs (ser_nb.features.process_map), nothing else."
    from ser_nb.features import process_map
    t0 = time.perf_counter()
    sum(process_map(_decode, files, jobs=jobs))       # jobs=1: in this process
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
    jobs = a.jobs or os.cpu_count()
    floor = pool_floor(files, jobs); print(f"decode floor         {floor:7.2f} s   (decode to 16 kHz mono, pool of {jobs} processes)")
    one = pool_floor(files, 1);   print(f"decode, one process  {one:7.2f} s   (the same decoding in this process)")
    cap = capstone_loop(files);   print(f"capstone loop        {cap:7.2f} s   (librosa.load + 40 MFCC mean, one process)")
    print(f"cold / decode floor ({jobs} processes): {cold/floor:.2f}; cold vs capstone: {cap/cold:.1f}x faster; "
          f"warm vs cold: {cold/warm:.1f}x faster")
