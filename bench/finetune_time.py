"""What fine-tuning the voice encoder's top LSTM layer would cost: time training steps of the Keras encoder (layers 1-2
frozen, layer 3 trainable) with an 8-class head on its statistics, on batches of 3-second clips, and extrapolate to
one epoch of `ser train`'s 4,400 clips and their 4,400 channel copies.

    python bench/finetune_time.py [--batch 32] [--steps 5] [--frames 300]

The decision rule (issue: "if a training of all 4,400 clips stays within 10 minutes"): run the trial only when the
epochs the heads would need fit in 10 minutes beside the network's own training (about 4 min on 2 cores).
"""
import argparse, os, time
os.environ.setdefault('KERAS_BACKEND', 'jax')
import numpy as np, keras
from ser_nb.encoder import keras_encoder, N_MELS

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--batch', type=int, default=32); ap.add_argument('--steps', type=int, default=5)
    ap.add_argument('--frames', type=int, default=300); a = ap.parse_args()
    enc = keras_encoder(trainable=True)
    for l in enc.layers:
        if l.name in ('encoder_lstm0', 'encoder_lstm1'): l.trainable = False
    x, mask = keras.Input((None, N_MELS)), keras.Input((None,), dtype='bool')
    out = keras.layers.Dense(8, activation='softmax')(enc([x, mask]))
    m = keras.Model([x, mask], out); m.compile(optimizer=keras.optimizers.Adam(1e-4), loss='sparse_categorical_crossentropy')
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, (a.batch, a.frames, N_MELS)).astype('float32'); M = np.ones((a.batch, a.frames), bool)
    y = rng.integers(0, 8, a.batch)
    t = time.perf_counter(); m.train_on_batch([X, M], y); first = time.perf_counter() - t
    t = time.perf_counter()
    for _ in range(a.steps): m.train_on_batch([X, M], y)
    step = (time.perf_counter() - t)/a.steps
    trainable = sum(int(np.prod(w.shape)) for w in m.trainable_weights)
    per_epoch = step*(8800/a.batch)
    print(f"trainable weights {trainable:,}; first step (compile) {first:.1f} s; one step of {a.batch} clips x {a.frames} frames "
          f"{step:.2f} s = {1000*step/a.batch:.0f} ms a clip")
    print(f"one epoch of 4,400 clips + 4,400 channel copies: {per_epoch/60:.1f} min; 10 epochs {10*per_epoch/60:.0f} min "
          f"(bar: a whole `ser train` within 10 min)")

if __name__ == '__main__': main()
