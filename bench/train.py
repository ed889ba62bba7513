"""Time `ser train` on the shared corpora from a cold feature cache (the whole process, as a user runs it).

    python bench/train.py [--data ../shared/data/ravdess --data ../shared/data/tess ...] [--model ser_cnn] [--epochs N] [--keep DIR]

Without --data: RAVDESS (SER_DATA, else ../shared/data/ravdess) and every corpus folder beside it (tess, urdu).
Prints the wall time of the command, with its own summary lines and the first and last epoch of training.
"""
import argparse, os, re, shutil, subprocess, sys, tempfile, time
from pathlib import Path

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', action='append', default=None, help='data folder or manifest (repeatable)')
    ap.add_argument('--model', default=None)
    ap.add_argument('--epochs', type=int, default=None)
    ap.add_argument('--keep', default=None, help='copy the trained bundle here')
    a = ap.parse_args()
    if not a.data:
        rav = Path(os.environ.get('SER_DATA', '../shared/data/ravdess'))
        a.data = [str(rav)] + [str(rav.parent/n) for n in ('tess', 'urdu') if (rav.parent/n).is_dir()]
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [shutil.which('ser') or 'ser', 'train', '--out', f'{tmp}/model', '--cache', f'{tmp}/cache']
        for d in a.data: cmd += ['--data', d]
        if a.model: cmd += ['--model', a.model]
        if a.epochs: cmd += ['--epochs', str(a.epochs)]
        print(' '.join(cmd), flush=True)
        t0 = time.perf_counter()
        r = subprocess.run(cmd, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - t0
        if r.returncode != 0: sys.exit(f"ser train failed ({r.returncode}):\n{r.stderr[-3000:]}")
        lines = r.stderr.strip().splitlines()
        epochs = [l for l in lines if re.match(r'^Epoch \d+/\d+$', l.strip())]
        keep = {epochs[0], epochs[-1]} if epochs else set()
        for i, l in enumerate(lines):
            if l.startswith('ser:'): print(l)
            elif l.strip() in keep and i + 1 < len(lines): print(l.strip(), lines[i + 1].strip()[-120:])
        print(f"ser train, cold cache: {wall:.1f} s wall ({wall/60:.2f} min) on {os.cpu_count()} cores")
        if a.keep: shutil.copytree(f'{tmp}/model', a.keep, dirs_exist_ok=True); print(f"bundle kept in {a.keep}")
