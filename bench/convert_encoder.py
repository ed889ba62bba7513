#!/usr/bin/env python
"""Convert Resemblyzer 0.1.4's GE2E voice encoder (`resemblyzer/pretrained.pt`, Apache-2.0) into ser_nb's own format,
once, without torch: `ser_nb/models/voice_encoder/` gets the arrays (`weights.npy`, one flat float32 vector, and
`weights.json`, its index and hashes), the ONNX graph of the LSTM (`encoder.onnx`), the licence and a NOTICE.

    pip download --no-deps resemblyzer==0.1.4 -d /tmp/wheel
    python bench/convert_encoder.py /tmp/wheel/Resemblyzer-0.1.4-py3-none-any.whl

The wheel and the `.pt` inside it are checked against their SHA-256 before anything is unpickled; the unpickler resolves
only the names a legacy `torch.save` file of tensors needs and refuses any other. Run twice, it writes the same bytes
(`--check` compares with what is shipped instead of writing). Needs `onnx` (pip install 'ser_nb[export]') for the graph.
"""
import argparse, collections, hashlib, io, json, pickle, struct, sys, zipfile
from pathlib import Path
import numpy as np

WHEEL_SHA256 = '8f12eb2f1a9982d32e8db7856de754709b59c93a77bcf0ff536584b619a9dd1f'
PT_SHA256 = '39373b86598fa3da9fcddee6142382efe09777e8d37dc9c0561f41f0070f134e'
PT_NAME, LICENSE_NAME = 'resemblyzer/pretrained.pt', 'Resemblyzer-0.1.4.dist-info/LICENSE'
DTYPES = {'FloatStorage': np.float32, 'DoubleStorage': np.float64, 'LongStorage': np.int64, 'IntStorage': np.int32,
          'HalfStorage': np.float16, 'ByteStorage': np.uint8}
sha256 = lambda b: hashlib.sha256(b).hexdigest()

class _Storage:
    "A storage named by a persistent id; its data is read after the object pickle."
    def __init__(self, kind, key, numel): self.kind, self.key, self.numel, self.data = kind, key, numel, None

class _Tensor:
    "A tensor waiting for its storage's bytes."
    def __init__(self, storage, offset, size, stride): self.storage, self.offset, self.size, self.stride = storage, offset, size, stride
    def array(self):
        a = self.storage.data
        item = a.itemsize
        return np.lib.stride_tricks.as_strided(a[self.offset:], shape=self.size, strides=[s*item for s in self.stride]).copy()

def _rebuild_tensor_v2(storage, offset, size, stride, requires_grad=False, backward_hooks=None, metadata=None):
    return _Tensor(storage, offset, tuple(size), tuple(stride))

class _StorageType:
    def __init__(self, name): self.name = name

class TorchUnpickler(pickle.Unpickler):
    "Reads a legacy torch.save pickle with numpy alone; resolves only the names such a file of tensors needs."
    ALLOWED = {('collections', 'OrderedDict'): collections.OrderedDict, ('torch._utils', '_rebuild_tensor_v2'): _rebuild_tensor_v2}
    def __init__(self, f, storages):
        super().__init__(f)
        self.storages = storages
    def find_class(self, module, name):
        if (module, name) in self.ALLOWED: return self.ALLOWED[(module, name)]
        if module == 'torch' and name in DTYPES: return _StorageType(name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}: not a name a file of tensors needs")
    def persistent_load(self, pid):
        # ('storage', type, key, location, numel) and, in older files, a sixth item: a view's metadata (None here)
        if not (isinstance(pid, tuple) and len(pid) in (5, 6) and pid[0] == 'storage' and isinstance(pid[1], _StorageType)
                and (len(pid) == 5 or pid[5] is None)): raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        _, kind, key, location, numel = pid[:5]
        if key not in self.storages: self.storages[key] = _Storage(kind.name, key, numel)
        return self.storages[key]

class _Plain(pickle.Unpickler):
    "The small header pickles (magic number, protocol, system info, storage keys): plain data only."
    def find_class(self, module, name): raise pickle.UnpicklingError(f"refusing to load {module}.{name} in a header")

def read_legacy_torch(data:bytes) -> dict:
    "The object of a legacy (non-zip) torch.save file, its tensors as numpy arrays."
    f = io.BytesIO(data)
    magic = _Plain(f).load()
    if magic != 0x1950a86a20f9469cfc6c: raise ValueError("not a legacy torch.save file (wrong magic number)")
    protocol, _sysinfo = _Plain(f).load(), _Plain(f).load()
    if protocol != 1001: raise ValueError(f"unknown torch.save protocol {protocol}")
    storages = {}
    obj = TorchUnpickler(f, storages).load()
    keys = _Plain(f).load()
    for key in keys:
        s = storages[key]
        n, = struct.unpack('<q', f.read(8))
        dt = np.dtype(DTYPES[s.kind]).newbyteorder('<')
        s.data = np.frombuffer(f.read(n*dt.itemsize), dt).astype(dt.newbyteorder('='))
        if len(s.data) != n: raise ValueError(f"storage {key}: file ends early")
    def conv(o):
        if isinstance(o, _Tensor): return o.array()
        if isinstance(o, dict): return {k: conv(v) for k, v in o.items()}
        return o
    return conv(obj)

def convert(wheel:Path) -> dict:
    "Name -> bytes of every file the package ships, from the pinned wheel."
    raw = wheel.read_bytes()
    if sha256(raw) != WHEEL_SHA256: sys.exit(f"{wheel}: not Resemblyzer 0.1.4's wheel (SHA-256 {sha256(raw)}, expected {WHEEL_SHA256})")
    with zipfile.ZipFile(io.BytesIO(raw)) as z: pt, licence = z.read(PT_NAME), z.read(LICENSE_NAME)
    if sha256(pt) != PT_SHA256: sys.exit(f"{wheel}: {PT_NAME} has SHA-256 {sha256(pt)}, expected {PT_SHA256}")
    state = read_legacy_torch(pt)['model_state']
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from ser_nb.encoder import WEIGHT_SHAPES, pack_weights, encoder_onnx
    weights = {k: np.ascontiguousarray(state[k], np.float32) for k in WEIGHT_SHAPES}
    flat, index = pack_weights(weights)
    buf = io.BytesIO(); np.save(buf, flat, allow_pickle=False)
    onnx_bytes = encoder_onnx(weights)
    meta = {'source': 'Resemblyzer 0.1.4 (PyPI), resemblyzer/pretrained.pt', 'wheel_sha256': WHEEL_SHA256, 'pt_sha256': PT_SHA256,
            'paper': 'Wan, Wang, Papir, Lopez Moreno (2018), Generalized end-to-end loss for speaker verification, ICASSP',
            'licence': 'Apache-2.0', 'arrays': index,
            'files': {'weights.npy': sha256(buf.getvalue()), 'encoder.onnx': sha256(onnx_bytes)}}
    notice = (f"ser_nb's voice encoder\n\nThe arrays in weights.npy and encoder.onnx are the weights of the GE2E voice encoder\n"
              f"(a 3-layer LSTM, 40 mel bands in, 256 units a layer, and a 256-unit linear projection) shipped as\n"
              f"resemblyzer/pretrained.pt in Resemblyzer 0.1.4 (https://github.com/resemble-ai/Resemblyzer), by Resemble AI,\n"
              f"licensed under the Apache License 2.0 (LICENSE beside this file). The model is described in\n"
              f"  Li Wan, Quan Wang, Alan Papir, Ignacio Lopez Moreno, \"Generalized end-to-end loss for speaker\n"
              f"  verification\", ICASSP 2018.\n\n"
              f"Converted without torch by bench/convert_encoder.py from\n"
              f"  wheel        Resemblyzer-0.1.4-py3-none-any.whl  SHA-256 {WHEEL_SHA256}\n"
              f"  weights      resemblyzer/pretrained.pt           SHA-256 {PT_SHA256}\n"
              f"Modification: the tensors were copied unchanged into one float32 array (weights.npy, index in weights.json)\n"
              f"and into an ONNX graph (encoder.onnx, gates reordered to ONNX's i, o, f, c; the two biases kept apart).\n")
    return {'weights.npy': buf.getvalue(), 'encoder.onnx': onnx_bytes, 'weights.json': (json.dumps(meta, indent=1) + '\n').encode(),
            'LICENSE': licence, 'NOTICE': notice.encode()}

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('wheel', type=Path, help="Resemblyzer-0.1.4-py3-none-any.whl (pip download --no-deps resemblyzer==0.1.4)")
    p.add_argument('--out', type=Path, default=Path(__file__).resolve().parents[1]/'ser_nb'/'models'/'voice_encoder')
    p.add_argument('--check', action='store_true', help="compare with the files in --out instead of writing them")
    a = p.parse_args(argv)
    files = convert(a.wheel)
    if a.check:
        bad = [n for n, b in files.items() if not (a.out/n).exists() or (a.out/n).read_bytes() != b]
        for n, b in files.items(): print(f"{n:14s} {sha256(b)}  {'differs' if n in bad else 'identical'}")
        sys.exit(f"{len(bad)} file(s) differ from the conversion" if bad else 0)
    a.out.mkdir(parents=True, exist_ok=True)
    for n, b in files.items(): (a.out/n).write_bytes(b); print(f"wrote {a.out/n} ({len(b):,} bytes, SHA-256 {sha256(b)[:16]}…)")

if __name__ == '__main__': main()
