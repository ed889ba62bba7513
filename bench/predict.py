"""Time `ser predict` per clip once the model is loaded: decoding, features and the network, for 4-second clips.

    python bench/predict.py --model MODEL_DIR [--data ../shared/data/ravdess] [--clips 60]

Prints the median and 90th percentile milliseconds per clip (after a warm-up), and the model load time.
"""
import argparse, os, sys, time
import numpy as np

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', required=True)
    ap.add_argument('--data', default=os.environ.get('SER_DATA', '../shared/data/ravdess'))
    ap.add_argument('--clips', type=int, default=60)
    a = ap.parse_args()
    import soundfile as sf
    from ser_nb.data import audio_files
    from ser_nb.model import load_bundle, predict
    files = [f for f in audio_files(a.data) if 3.9 <= sf.info(f).duration <= 4.1][:a.clips]
    if not files: sys.exit("no 4-second clips found")
    t0 = time.perf_counter(); bundle = load_bundle(a.model); load = time.perf_counter() - t0
    for f in files[:5]: predict(bundle, f)                               # warm-up: compile the network once
    times = []
    for f in files:
        t0 = time.perf_counter(); predict(bundle, f); times.append((time.perf_counter() - t0)*1000)
    print(f"model load {load*1000:.0f} ms; {len(files)} clips of 4.0 ± 0.1 s (48 kHz files): "
          f"median {np.median(times):.1f} ms, p90 {np.percentile(times, 90):.1f} ms per clip (decode + features + network)")
