#!/usr/bin/python3
"""PyTorch baseline for bench/train_bench: the seed's MNIST model with Keras
initialization and Keras' Adam settings, 2 threads, batch 128.

Prints one line, e.g. `pytorch: 12000 samples/s (...)`, which
bench/train_bench.sh parses. Loading and warm-up are not timed; the timed loop
includes the per-batch gather from a shuffled index, as a Keras epoch does.
"""

import argparse
import gzip
import os
import sys
import time

import numpy as np
import torch
from torch import nn


def load_images(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    # IDX3 header: magic, count, rows, cols (big-endian u32 each).
    n, rows, cols = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
    pixels = np.frombuffer(raw, dtype=np.uint8, offset=16)
    return pixels.reshape(n, rows * cols).astype(np.float32) / 255.0


def load_labels(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    return np.frombuffer(raw, dtype=np.uint8, offset=8).astype(np.int64)


def make_model():
    model = nn.Sequential(
        nn.Flatten(),
        nn.Linear(784, 512),
        nn.ReLU(),
        nn.Dropout(0.2),
        nn.Linear(512, 10),
    )
    # Keras defaults: Glorot-uniform kernels, zero biases.
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)
    return model


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=os.path.join(here, "..", "examples", "mnist", "data"))
    parser.add_argument("--batches", type=int, default=300, help="timed batches")
    parser.add_argument("--warmup", type=int, default=20, help="untimed batches")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x = torch.from_numpy(load_images(os.path.join(args.data, "train-images-idx3-ubyte.gz")))
    y = torch.from_numpy(load_labels(os.path.join(args.data, "train-labels-idx1-ubyte.gz")))
    x = x.reshape(-1, 28, 28)
    model = make_model()
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    batch = 128
    n = x.shape[0]
    batches_per_epoch = (n + batch - 1) // batch

    def run(count, start):
        perm = torch.randperm(n)
        samples = 0
        for i in range(start, start + count):
            b = i % batches_per_epoch
            if b == 0 and i != start:
                perm = torch.randperm(n)
            idx = perm[b * batch:(b + 1) * batch]
            xb, yb = x[idx], y[idx]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            samples += idx.shape[0]
        return samples

    run(args.warmup, 0)
    t0 = time.perf_counter()
    c0 = time.process_time()
    samples = run(args.batches, 0)
    seconds = time.perf_counter() - t0
    cpu_seconds = time.process_time() - c0
    # CPU time (all threads) tells how much a loaded machine distorted the
    # wall-clock rate.
    print(f"pytorch: {samples / seconds:.0f} samples/s ({samples} samples in {seconds:.3f} s, "
          f"{cpu_seconds:.3f} s CPU, {args.threads} threads, torch {torch.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
