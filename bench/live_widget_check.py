"""Browser check of 07's `live_widget`: JupyterLab in headless Chromium whose fake microphone plays a WAV of known emotions.

    python bench/live_widget_check.py [--wav FILE] [--adapt] [--png nbs/images/live_widget.png]

Run it with a Python that has Playwright (`pip install playwright`; Chromium from the system, `apt-get install
chromium`: Playwright's own browser download is not needed); JupyterLab, the kernel and ser_nb come from the project's
virtual environment (`--python`). Without `--wav` it makes a recording of six TESS clips of its younger speaker (angry,
sad, happy, neutral, fearful, surprised) with pauses, from `--data`: a voice the shipped model, trained on RAVDESS
alone, never heard. Chromium plays it as the microphone
(`--use-file-for-fake-audio-capture`); the script presses Record, waits for the file to play, presses Stop, and
compares the stretches the widget found live with `ser predict --segments` on the same file (adapted: with
`segment_emotions` on the same file as a stream, whose context grows as the live one does, where `--segments --adapt`
reads the file twice): the same number, boundaries within `--tol` seconds once a constant
start offset is removed, the same emotions. It also checks the list shown, the summary, the WAV link (16-bit, as long as
the recording) and the line shown when the browser may not use a microphone; it saves a screenshot of the widget after
Stop. Exits 1 on a mismatch.
"""
import argparse, contextlib, json, os, statistics, subprocess, sys, tempfile, time, urllib.request, wave
from pathlib import Path
ROOT = Path(__file__).resolve().parents[1]

MAKE_WAV = """
import sys, glob, json, numpy as np, soundfile as sf
from ser_nb.segments import recording_from_clips
names = {'angry': 'angry', 'sad': 'sad', 'happy': 'happy', 'neutral': 'neutral', 'fear': 'fearful', 'ps': 'surprised'}
paths = [sorted(glob.glob(f'{sys.argv[2]}/**/YAF_*_{e}.*', recursive=True))[7] for e in names]
y, spans = recording_from_clips(paths, sr=16000)
sf.write(sys.argv[1], np.concatenate([y, np.zeros(16000, np.float32)]), 16000, subtype='PCM_16')
json.dump([(a, b, n) for (a, b), n in zip(spans, names.values())], open(sys.argv[1] + '.json', 'w'))
"""

def notebook(path, wav, adapt, result):
    "Two cells: the widget; then what it found, beside `segment_emotions` on the same file, into `result`."
    cells = ["from ser_nb.model import load_bundle\nfrom ser_nb.segments import live_widget\n"
             f"bundle = load_bundle()\nw = live_widget(bundle, adapt={adapt})\nw",
             "import json\nfrom ser_nb.segments import segment_emotions, audio_blocks\n"
             f"ref = [dict(start=s.start, end=s.end, emotion=s.emotion) for s in segment_emotions(bundle, audio_blocks({wav!r}), "
             f"sr=16000, adapt=True)] if {adapt} else None\n"
             f"json.dump(dict(live=w.segments, ref=ref, summary=w.summary), open({result!r}, 'w'))"]
    nb = dict(nbformat=4, nbformat_minor=5, cells=[dict(cell_type='code', id=f'c{i}', metadata={}, execution_count=None,
              outputs=[], source=c) for i, c in enumerate(cells)],
              metadata=dict(kernelspec=dict(name='python3', display_name='Python 3 (ipykernel)', language='python')))
    Path(path).write_text(json.dumps(nb))

@contextlib.contextmanager
def lab_server(root, python, port):
    "JupyterLab on `root`, without a token, from the project's environment."
    env = dict(os.environ, PATH=f"{Path(python).parent}{os.pathsep}{os.environ['PATH']}")
    p = subprocess.Popen([python, '-m', 'jupyterlab', '--no-browser', f'--port={port}', '--ServerApp.token=',
                          '--ServerApp.password=', '--ServerApp.disable_check_xsrf=True', '--allow-root',
                          f'--ServerApp.root_dir={root}', '--LabApp.news_url=',
                          '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate'],
                         env=env, stdout=open(Path(root)/'server.log', 'w'), stderr=subprocess.STDOUT)
    for _ in range(120):
        try: urllib.request.urlopen(f'http://127.0.0.1:{port}/api'); break
        except Exception: time.sleep(0.5)
    try: yield f'http://127.0.0.1:{port}'
    finally: p.terminate(); p.wait(10)

def run_cell(page, i, tries:int=5):
    "Run cell i (Shift+Enter), again if the kernel did not take it (a key pressed while it was still connecting is lost)."
    prompt = page.locator('.jp-Notebook .jp-Cell').nth(i).locator('.jp-InputPrompt')
    for _ in range(tries):
        page.locator('.jp-Notebook .jp-Cell').nth(i).locator('.jp-InputArea-editor').click()
        page.keyboard.press('Shift+Enter')
        for _ in range(20):
            if prompt.inner_text().strip() not in ('[ ]:', ''): return
            time.sleep(0.5)
    sys.exit(f"cell {i} would not run")

def compare(live, ref, tol):
    "Pair the stretches in order: (start offset, worst boundary error, emotions agreeing, problems)."
    problems = [] if len(live) == len(ref) else [f"{len(live)} stretches live, {len(ref)} from the file"]
    pairs = list(zip(live, ref))
    if not pairs: return 0.0, 0.0, 0, problems + ['no stretches']
    off = statistics.median(l['start'] - r['start'] for l, r in pairs)
    errs = [max(abs(l['start'] - off - r['start']), abs(l['end'] - off - r['end'])) for l, r in pairs]
    if max(errs) > tol: problems.append(f"a boundary is {max(errs):.3f} s off (tolerance {tol} s)")
    return off, max(errs), sum(l['emotion'] == r['emotion'] for l, r in pairs), problems

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--wav', help='recording to play as the microphone (default: made from RAVDESS actor 05)')
    ap.add_argument('--data', default=str(ROOT.parent/'shared'/'data'/'tess'), help='a TESS folder')
    ap.add_argument('--adapt', action='store_true')
    ap.add_argument('--png', default=str(ROOT/'nbs'/'images'/'live_widget.png'))
    ap.add_argument('--tol', type=float, default=0.3, help='seconds, once a constant start offset is removed')
    ap.add_argument('--python', default=str(ROOT/'.venv'/'bin'/'python'), help="the project's Python (JupyterLab, ser_nb)")
    ap.add_argument('--chromium', default='/usr/bin/chromium')
    ap.add_argument('--port', type=int, default=8911)
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright
    t0, work = time.time(), Path(tempfile.mkdtemp(prefix='live_widget_check_'))
    wav = os.path.abspath(a.wav) if a.wav else str(work/'talk.wav')
    if not a.wav: subprocess.run([a.python, '-c', MAKE_WAV, wav, a.data], check=True)
    truth = json.loads(Path(wav + '.json').read_text()) if Path(wav + '.json').exists() else None
    with wave.open(wav) as f: seconds = f.getnframes()/f.getframerate()
    result = work/'result.json'
    notebook(work/'live_check.ipynb', wav, a.adapt, str(result))
    flags = ['--no-sandbox', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
             f'--use-file-for-fake-audio-capture={wav}%noloop', '--autoplay-policy=no-user-gesture-required']
    with lab_server(work, a.python, a.port) as base, sync_playwright() as pw:
        page = pw.chromium.launch(executable_path=a.chromium, args=flags).new_page(viewport=dict(width=1440, height=1100))
        page.goto(f'{base}/lab/tree/live_check.ipynb?reset')
        page.wait_for_function("() => [...document.querySelectorAll('.jp-Notebook-ExecutionIndicator')].some(e => e.dataset.status == 'idle')", timeout=120000)
        run_cell(page, 0)
        try: page.wait_for_selector('.ser-live .ser-rec', timeout=180000)
        except Exception:
            page.screenshot(path=str(work/'no_widget.png'))
            sys.exit(f"the widget did not appear: see {work/'no_widget.png'} and {work/'server.log'}")
        page.click('.ser-live .ser-rec')
        page.wait_for_function("() => document.querySelector('.ser-live .ser-status').textContent.startsWith('listening')", timeout=30000)
        time.sleep(seconds + 2)
        while_recording = page.inner_text('.ser-live .ser-status')
        page.click('.ser-live .ser-rec')
        page.wait_for_function("() => document.querySelector('.ser-live .ser-summary').textContent.trim()", timeout=120000)
        time.sleep(0.5)
        dom = page.evaluate("""async () => {
            const el = document.querySelector('.ser-live'), a = el.querySelector('.ser-wav');
            const buf = a.href ? await (await fetch(a.href)).arrayBuffer() : new ArrayBuffer(44), v = new DataView(buf);
            return {items: el.querySelectorAll('.ser-list li').length, summary: el.querySelector('.ser-summary').innerText,
                    legend: el.querySelector('.ser-legend').innerText, hidden: a.hidden, bytes: buf.byteLength,
                    rate: v.getUint32(24, true), bits: v.getUint16(34, true), overflow: el.scrollWidth > el.clientWidth + 1};
        }""")
        Path(a.png).parent.mkdir(parents=True, exist_ok=True)
        page.locator('.ser-live').screenshot(path=a.png)
        run_cell(page, 1)
        for _ in range(240):
            if result.exists() and result.stat().st_size: break
            time.sleep(0.5)
        page.evaluate("() => { navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError')); }")
        page.click('.ser-live .ser-rec'); time.sleep(1)
        no_mic = page.inner_text('.ser-live .ser-status')
    r = json.loads(result.read_text())
    live, ref = r['live'], r['ref']
    if ref is None:                                   # what `ser predict --segments` says of the file, less its share line
        p = subprocess.run([str(Path(a.python).parent/'ser'), 'predict', '--segments', '--json', wav], capture_output=True, text=True)
        ref = [o for o in map(json.loads, p.stdout.splitlines()) if 'start' in o]
    off, err, agree, problems = compare(live, ref, a.tol)
    n, wav_s = min(len(live), len(ref)), (dom['bytes'] - 44)/2/max(dom['rate'], 1)
    print(f"{Path(wav).name}: {seconds:.1f} s played as the microphone; adapt={a.adapt}")
    print(f"while recording: {while_recording}")
    print(f"stretches: live {len(live)}, {'ser predict --segments' if not a.adapt else 'the file as a stream'} {len(ref)}, listed {dom['items']}; start offset {off:+.3f} s; "
          f"worst boundary error {err:.3f} s; emotions agree {agree}/{n}; adapted {sum(s['adapted'] for s in live)}/{len(live)}")
    for l, f in zip(live, ref):
        print(f"  live {l['start']:6.2f}-{l['end']:6.2f} {l['emotion']:<10} ({l['probabilities'][l['emotion']]:.2f})   "
              f"file {f['start']:6.2f}-{f['end']:6.2f} {f['emotion']}")
    if truth: print("true emotions, in order:", ', '.join(t[2] for t in truth))
    print(f"summary: {r['summary']}\nlegend: {dom['legend']}")
    print(f"WAV link: {'shown' if not dom['hidden'] else 'hidden'}, {dom['bits']}-bit, {dom['rate']} Hz, {wav_s:.2f} s")
    print(f"without a microphone: {no_mic}")
    if n and agree < n: problems.append(f"emotions agree for {agree}/{n} stretches")
    if dom['items'] != len(live): problems.append(f"{dom['items']} stretches listed, {len(live)} in the kernel")
    heard = float(r['summary'].split(' s recorded')[0])            # what the kernel received, file and silence after it
    if dom['hidden'] or dom['bits'] != 16 or abs(wav_s - heard) > 0.5: problems.append(f'no usable WAV link ({wav_s:.2f} s, the kernel heard {heard:.2f} s)')
    if dom['overflow']: problems.append('the widget overflows its width')
    if not no_mic.startswith('no microphone'): problems.append('no line about the missing microphone')
    print(f"took {time.time() - t0:.0f} s; screenshot {a.png}")
    print('MISMATCH: ' + '; '.join(problems) if problems else 'OK')
    sys.exit(1 if problems else 0)

if __name__ == '__main__': main()
