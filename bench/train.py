"""Time `ser train` on a corpus from a cold feature cache (the whole process, as a user runs it).

    python bench/train.py [--data ../shared/data/ravdess] [--model ser_cnn] [--epochs N] [--keep DIR]

Prints the wall time of the command, split into feature extraction and training from its own progress output.
"""
import argparse, os, shutil, subprocess, sys, tempfile, time
from pathlib import Path

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=os.environ.get('SER_DATA', '../shared/data/ravdess'))
    ap.add_argument('--model', default=None)
    ap.add_argument('--epochs', type=int, default=None)
    ap.add_argument('--keep', default=None, help='copy the trained bundle here')
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [shutil.which('ser') or 'ser', 'train', '--data', a.data, '--out', f'{tmp}/model', '--cache', f'{tmp}/cache']
        if a.model: cmd += ['--model', a.model]
        if a.epochs: cmd += ['--epochs', str(a.epochs)]
        print(' '.join(cmd), flush=True)
        t0 = time.perf_counter()
        r = subprocess.run(cmd, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - t0
        if r.returncode != 0: sys.exit(f"ser train failed ({r.returncode}):\n{r.stderr[-3000:]}")
        lines = r.stderr.strip().splitlines()
        print('\n'.join(l for l in lines if l.startswith('ser:') or l.startswith('Epoch') and l.endswith(('1/60', '60/60'))))
        print(f"ser train, cold cache: {wall:.1f} s wall ({wall/60:.2f} min) on {os.cpu_count()} cores")
        if a.keep: shutil.copytree(f'{tmp}/model', a.keep, dirs_exist_ok=True); print(f"bundle kept in {a.keep}")
