"""Build a RAVDESS folder in the official download's layout from the shared FLAC copy, for CI.

The official archive (Audio_Speech_Actors_01-24.zip) holds `Actor_XX/03-01-EE-II-SS-RR-AA.wav`, 16-bit PCM WAV at
48 kHz. The shared copy is the same audio as FLAC (bit-identical samples), so decoding a few actors back to 16-bit WAV
gives a folder a new user would have after `ser download ravdess` — without the download.

    python bench/official_layout.py DEST [--src ../shared/data/ravdess] [--actors 1 2 5 12 17 20]

The default actors include every stereo file of the copy (actors 01, 05 and 20) and both genders.
"""
import argparse, sys
from pathlib import Path
import soundfile as sf

def official_layout(src:Path, dest:Path, actors:list) -> int:
    "Decode the FLACs of `actors` under `src` into 16-bit WAVs under `dest/Actor_XX`; the number of files written."
    n = 0
    for a in actors:
        folder = src/f'Actor_{a:02d}'
        flacs = sorted(folder.glob('*.flac'))
        if not flacs: raise SystemExit(f'official_layout: {folder}: no FLAC files')
        out = dest/folder.name
        out.mkdir(parents=True, exist_ok=True)
        for f in flacs:
            y, sr = sf.read(f, dtype='int16', always_2d=False)
            sf.write(out/(f.stem + '.wav'), y, sr, subtype='PCM_16', format='WAV')
            n += 1
    return n

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('dest', type=Path, help='folder to create (the RAVDESS root: Actor_XX folders go inside)')
    p.add_argument('--src', type=Path, default=Path(__file__).resolve().parents[2]/'shared'/'data'/'ravdess',
                   help='the shared FLAC copy')
    p.add_argument('--actors', type=int, nargs='+', default=[1, 2, 5, 12, 17, 20], help='actor numbers to convert')
    a = p.parse_args()
    n = official_layout(a.src, a.dest, a.actors)
    print(f'{n} WAV files from {len(a.actors)} actors -> {a.dest}', file=sys.stderr)
