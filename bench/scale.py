"""Throughput of `ser features` (clips/s) on one machine: the local process pool and a Dask cluster, 1, 2, ... N workers.

    python bench/scale.py N [--data DIR_OR_CSV ...] [--repeat R]

Default data: the RAVDESS and TESS folders and the URDU manifest, found as the chapters find them (set SER_DATA). Every run is a whole
`ser features` process on a cold cache (a new temporary folder), as a user runs it: `--jobs k` for the pool,
`--scheduler ADDRESS` for a Dask cluster of k single-threaded worker processes on 127.0.0.1. The cluster is started
before its run and its workers have imported ser_nb (a cluster is started once and serves many runs), so its
start-up is not counted; the pool's start is part of every local run and is counted. Prints one row per k and the
machine's load average before and after, since a busy machine makes every figure smaller; on a shared machine, take
the best of a few repeats (`--repeat`), pool and cluster runs alternating.
"""
import argparse, os, shutil, subprocess, sys, tempfile, time
from pathlib import Path

def default_data() -> list:
    "RAVDESS and TESS folders and the URDU manifest, found as the chapters find them (SER_DATA and beside it)."
    from ser_nb.data import example_corpus
    found = {name: example_corpus(name) for name in ('ravdess', 'tess', 'urdu')}
    if found['urdu'] is not None and (found['urdu']/'manifest.csv').exists(): found['urdu'] = found['urdu']/'manifest.csv'
    return [p for p in found.values() if p is not None]

def ser_features(data, *opts):
    "Seconds and the summary line of one cold-cache `ser features` run."
    with tempfile.TemporaryDirectory() as cache:
        cmd = [shutil.which('ser') or 'ser', 'features', *sum((['--data', str(d)] for d in data), []),
               '--cache', cache, '--quiet', *map(str, opts)]
        t0 = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True)
        dt = time.perf_counter() - t0
    lines = r.stderr.strip().splitlines()
    summary = next((l for l in lines if l.startswith('ser: features:')), None)
    if summary is None: sys.exit(f"ser features {' '.join(map(str, opts))} failed (exit {r.returncode}):\n{r.stderr}")
    return dt, summary

def clips_in(summary:str) -> int:
    "The number of files from `ser: features: N files: ...`."
    return int(summary.split('ser: features:')[1].split('files')[0])

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('n', type=int, help='largest number of workers (rows 1..N)')
    ap.add_argument('--data', type=Path, action='append', default=None, help='folder or manifest (repeatable)')
    ap.add_argument('--repeat', type=int, default=1, help='runs of each; the fastest counts (default 1)')
    args = ap.parse_args()
    data = args.data or default_data()
    if not data: sys.exit("no data: pass --data")
    from ser_nb.features import local_cluster, dask_client
    load0 = os.getloadavg()
    print(f"data: {', '.join(map(str, data))}; {os.cpu_count()} cores; load average {load0[0]:.2f} {load0[1]:.2f}")
    print(f"{'workers':>7}  {'pool clips/s':>12}  {'dask clips/s':>12}  {'pool s':>7}  {'dask s':>7}")
    base = None
    for k in range(1, args.n + 1):
        t_pool = t_dask = float('inf')
        with local_cluster(k) as cluster, dask_client(cluster) as client:
            client.run(lambda: __import__('ser_nb.features'))          # workers warm, as on a cluster in use
            for _ in range(args.repeat):
                t, summary = ser_features(data, '--jobs', k); t_pool = min(t_pool, t)
                t, summary_dask = ser_features(data, '--scheduler', cluster.scheduler_address); t_dask = min(t_dask, t)
        n = clips_in(summary)
        if summary_dask.split('->')[0] != summary.split('->')[0]: sys.exit(f"runs differ:\n{summary}\n{summary_dask}")
        base = base or n/t_dask
        print(f"{k:>7}  {n/t_pool:12.1f}  {n/t_dask:12.1f}  {t_pool:7.1f}  {t_dask:7.1f}   (dask {n/t_dask/base:.2f}x of 1 worker)",
              flush=True)
    load1 = os.getloadavg()
    print(f"{n} clips per run ({summary.split('->')[0].split('files:')[1].strip()}); "
          f"load average after {load1[0]:.2f} {load1[1]:.2f}")

if __name__ == '__main__': main()
