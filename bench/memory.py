"""Peak memory (RSS of the whole process tree) of `ser features` over a corpus and over the corpus repeated ten times.

    python bench/memory.py [--data ../shared/data/ravdess] [--copies 10]

The repeated corpus is made of symbolic links in a temporary folder (no audio is copied). Peak RSS is sampled every
20 ms as the sum over `ser features` and all its worker processes (from /proc).
"""
import argparse, os, subprocess, sys, tempfile, time, shutil
from pathlib import Path

def tree_rss(pid):
    "Sum of VmRSS (bytes) over `pid` and its descendants, from /proc."
    children = {}
    for p in os.listdir('/proc'):
        if not p.isdigit(): continue
        try:
            with open(f'/proc/{p}/stat') as f: ppid = int(f.read().rsplit(')', 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(p))
        except (OSError, IndexError, ValueError): pass
    total, todo = 0, [pid]
    while todo:
        q = todo.pop(); todo += children.get(q, [])
        try:
            with open(f'/proc/{q}/status') as f:
                for line in f:
                    if line.startswith('VmRSS:'): total += int(line.split()[1])*1024
        except OSError: pass
    return total

def peak_rss(cmd):
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak, t0 = 0, time.perf_counter()
    while p.poll() is None:
        peak = max(peak, tree_rss(p.pid)); time.sleep(0.02)
    err = p.stderr.read()
    if p.returncode not in (0, 1): sys.exit(f"{' '.join(cmd)} failed:\n{err}")
    return peak, time.perf_counter() - t0, err.strip().splitlines()[-1]

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=os.environ.get('SER_DATA', '../shared/data/ravdess'))
    ap.add_argument('--copies', type=int, default=10)
    a = ap.parse_args()
    ser = shutil.which('ser') or 'ser'
    data = Path(a.data).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        many = tmp/'many'
        for i in range(a.copies):
            for actor in sorted(data.iterdir()):
                if actor.is_dir():
                    d = many/f'copy{i:02d}'/actor.name; d.mkdir(parents=True)
                    for f in actor.iterdir(): (d/f.name).symlink_to(f)
        one, t1, l1 = peak_rss([ser, 'features', '--data', str(data), '--cache', str(tmp/'c1'), '--quiet'])
        print(f"1x corpus : peak RSS {one/2**20:7.1f} MiB in {t1:6.1f} s  ({l1})")
        big, t2, l2 = peak_rss([ser, 'features', '--data', str(many), '--cache', str(tmp/'c2'), '--quiet'])
        print(f"{a.copies}x corpus: peak RSS {big/2**20:7.1f} MiB in {t2:6.1f} s  ({l2})")
        print(f"ratio {big/one:.2f} (target < 1.3, and < 1 GiB)")
