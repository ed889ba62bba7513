"""Latency, CPU and memory of listening live: a simulated microphone at real-time pace through a LiveSession.

    python bench/listen.py [--minutes 30] [--model BUNDLE] [--adapt] [--block 0.1] [--lookahead 0.2] [--data ../shared/data/ravdess]

What `ser listen` does with a microphone (0.1-second blocks, `LIVE_SETTINGS`), with the microphone replaced by a recording handed over block by block at
the pace of speech (the clips of four RAVDESS actors with pauses between them, looped to fill the session). Prints:
- the delay from the arrival of the block that ends a stretch of speech to its line (the work of judging it), and
  from the end of the speech itself to its line (which adds what the segmenter waits for before it may call a stretch
  ended: a pause, `min_pause`, and its noise-floor look-ahead, `lookahead`, and the rest of that block);
- the CPU used while listening, as a share of one core (process CPU time, every thread, over wall time);
- the resident memory every 30 s, and its growth from minute 2 to the end.
"""
import argparse, glob, os, sys, time
from pathlib import Path
import numpy as np

def rss_mb() -> float:
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'): return int(line.split()[1])/1024
    return float('nan')

def recording(data:Path, sr:int=16000) -> np.ndarray:
    "Clips of four RAVDESS actors, every emotion, in a random order with pauses: a few minutes of talk."
    from ser_nb.segments import recording_from_clips
    paths = [p for a in ('01', '02', '03', '04') for p in sorted(glob.glob(f'{data}/**/Actor_{a}/*', recursive=True))
             if p.endswith(('.wav', '.flac'))]
    if not paths: sys.exit(f"{data}: no RAVDESS actors 01-04 found (give --data)")
    order = np.random.default_rng(0).permutation(len(paths))
    return recording_from_clips([paths[i] for i in order], sr=sr, pauses=(0.6, 1.8), seed=0)[0]

def paced(y:np.ndarray, *, sr:int, block:float, seconds:float):
    "Blocks of `y`, looped, each handed over when its last sample would have been spoken; yields (block, its time)."
    n, t0, k = int(block*sr), time.perf_counter(), 0
    while k*n < seconds*sr:
        a = (k*n) % len(y)
        x = y[a:a + n] if a + n <= len(y) else np.concatenate([y[a:], y[:a + n - len(y)]])
        k += 1
        due = t0 + k*n/sr
        if (wait := due - time.perf_counter()) > 0: time.sleep(wait)
        yield x, due

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--minutes', type=float, default=30)
    ap.add_argument('--model', default=None, help='model bundle (default: the shipped one)')
    ap.add_argument('--adapt', action='store_true')
    ap.add_argument('--block', type=float, default=0.1, help='seconds per block (default 0.1, as microphone_blocks)')
    ap.add_argument('--lookahead', type=float, default=None, help="the segmenter's noise-floor look-ahead (default: LIVE_SETTINGS', as ser listen)")
    ap.add_argument('--data', default=str(Path(__file__).resolve().parents[1].parent/'shared'/'data'/'ravdess'))
    a = ap.parse_args()
    from ser_nb.deploy import load_for_prediction
    from ser_nb.segments import LiveSession, SegmentSettings, LIVE_SETTINGS
    t = time.perf_counter(); bundle = load_for_prediction(a.model); load_s = time.perf_counter() - t
    y = recording(Path(a.data))
    s = LIVE_SETTINGS if a.lookahead is None else SegmentSettings(lookahead=a.lookahead)
    print(f"model {bundle.spec.name} ({type(bundle).__name__}), loaded in {load_s:.1f} s; talk {len(y)/16000/60:.1f} min looped "
          f"to {a.minutes:g} min, blocks of {a.block:g} s, adapt={a.adapt}; segmenter min_pause {s.min_pause:g} s, "
          f"lookahead {s.lookahead:g} s; {len(os.sched_getaffinity(0))} cores", flush=True)
    live = LiveSession(bundle, sr=16000, adapt=a.adapt, settings=s)
    compute, ends, mem = [], [], []
    t_start, c_start, next_mem = time.perf_counter(), time.process_time(), 0.0
    for x, due in paced(y, sr=16000, block=a.block, seconds=a.minutes*60):
        for st in live.push(x):
            now = time.perf_counter()
            compute.append(now - due); ends.append(now - (t_start + st.end))
        if (el := time.perf_counter() - t_start) >= next_mem:
            mem.append((el/60, rss_mb())); next_mem += 30
    live.finish()
    wall, cpu = time.perf_counter() - t_start, time.process_time() - c_start
    mem.append(((time.perf_counter() - t_start)/60, rss_mb()))
    q = lambda v, p: np.percentile(np.array(v)*1000, p)
    print(f"{len(compute)} stretches in {wall/60:.1f} min ({live.share.speech_seconds/60:.1f} min of speech)")
    print(f"arrival of the deciding block -> line: median {q(compute, 50):.0f} ms, 90th percentile {q(compute, 90):.0f} ms, "
          f"max {q(compute, 100):.0f} ms")
    print(f"end of the speech -> line: median {q(ends, 50):.0f} ms, 90th percentile {q(ends, 90):.0f} ms, max {q(ends, 100):.0f} ms")
    print(f"CPU while listening: {100*cpu/wall:.1f} % of one core ({cpu:.0f} s of CPU in {wall:.0f} s)")
    later = [(m, r) for m, r in mem if m >= 2]
    slope = np.polyfit(*zip(*later), 1)[0]*10 if len(later) > 2 else float('nan')
    print(f"resident memory: {mem[0][1]:.0f} MB at the start, {max(r for _, r in later or mem):.0f} MB at most after minute 2, "
          f"{mem[-1][1]:.0f} MB at the end; growth after minute 2: {slope:+.1f} MB per 10 min")
    print('memory (min, MB): ' + ' '.join(f"{m:.1f}:{r:.0f}" for m, r in mem))

if __name__ == '__main__': main()
