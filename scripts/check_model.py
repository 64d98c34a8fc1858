#!/usr/bin/env python3
"""Evaluate a Swarm MNIST model file on the MNIST test set, independently.

Reads a safetensors file (parsing the format itself, not with the safetensors
package), reads the 10,000 test images and labels from the bundled IDX .gz
files, runs the forward pass of the seed's model in NumPy and prints the test
loss and accuracy. Being a second implementation of the reader, the data
pipeline and the forward pass, it checks the C++ trainer from the outside.

The model is Keras's layout of Flatten(28x28) -> Dense(512, ReLU) ->
Dropout -> Dense(10, softmax); dropout is inactive at inference:

    y = relu(x @ dense/kernel + dense/bias) @ dense_1/kernel + dense_1/bias

with x the pixels divided by 255, flattened row-major. Accuracy is the share
of argmax(y) equal to the label; loss is sparse categorical cross-entropy of
softmax(y), computed from the logits as Keras does.

Usage:
    check_model.py MODEL.safetensors [--data-dir DIR]
                   [--expect-accuracy X [--tolerance T]]

Exit status: 0 on success, 1 if the accuracy is more than T away from X,
2 on any error (unreadable or invalid model, missing or corrupt data).

Uses only the standard library and NumPy.
"""

import argparse
import gzip
import hashlib
import json
import struct
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO / "examples" / "mnist" / "data"

MODEL_SHAPES = {
    "dense/kernel": (784, 512),
    "dense/bias": (512,),
    "dense_1/kernel": (512, 10),
    "dense_1/bias": (10,),
}

MAX_HEADER_BYTES = 100_000_000  # as the reference implementation


class CheckError(Exception):
    """A problem with the inputs; reported as one line, exit status 2."""


def _reject_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise CheckError(f"duplicate key in safetensors header: {keys}")
    return dict(pairs)


def read_safetensors(path):
    """Returns ({name: float32 array}, metadata) from a safetensors file."""
    data = Path(path).read_bytes()
    if len(data) < 8:
        raise CheckError(f"{path}: too short for a safetensors file")
    (n,) = struct.unpack_from("<Q", data, 0)
    if n > MAX_HEADER_BYTES or 8 + n > len(data):
        raise CheckError(f"{path}: header length {n} does not fit the file")
    try:
        text = data[8:8 + n].decode("utf-8")
        if not text.startswith("{"):
            raise CheckError(f"{path}: header does not start with '{{'")
        header = json.loads(text, object_pairs_hook=_reject_duplicates)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CheckError(f"{path}: header is not valid JSON: {e}") from e
    if not isinstance(header, dict):
        raise CheckError(f"{path}: header is not a JSON object")
    metadata = header.pop("__metadata__", {})
    body = memoryview(data)[8 + n:]
    tensors, spans = {}, []
    for name, info in header.items():
        if not isinstance(info, dict) or info.get("dtype") != "F32":
            raise CheckError(f"{path}: tensor {name!r}: only F32 is supported, "
                             f"got {info.get('dtype') if isinstance(info, dict) else info!r}")
        shape, offsets = info.get("shape"), info.get("data_offsets")
        if (not isinstance(shape, list) or not isinstance(offsets, list) or len(offsets) != 2
                or not all(isinstance(d, int) and d >= 0 for d in shape + offsets)):
            raise CheckError(f"{path}: tensor {name!r}: bad shape or data_offsets")
        begin, end = offsets
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if end < begin or end - begin != 4 * count or end > len(body):
            raise CheckError(f"{path}: tensor {name!r}: data_offsets {offsets} "
                             f"do not hold shape {shape} inside {len(body)} data bytes")
        tensors[name] = np.frombuffer(body, dtype="<f4", count=count,
                                      offset=begin).reshape(shape)
        spans.append((begin, end, name))
    position = 0
    for begin, end, name in sorted(spans):
        if begin != position:
            raise CheckError(f"{path}: tensor {name!r}: data not contiguous "
                             f"(starts at {begin}, expected {position})")
        position = end
    if position != len(body):
        raise CheckError(f"{path}: {len(body) - position} trailing bytes after the data")
    return tensors, metadata


def _check_digest(path, raw):
    """Verifies `raw` against SHA256SUMS beside `path`, when it lists it."""
    sums = path.parent / "SHA256SUMS"
    if not sums.exists():
        return
    for line in sums.read_text().splitlines():
        parts = line.split(None, 1)
        if len(parts) == 2 and parts[1].lstrip("*") == path.name:
            actual = hashlib.sha256(raw).hexdigest()
            if actual != parts[0].lower():
                raise CheckError(f"{path}: SHA-256 mismatch: {sums} lists {parts[0]}, "
                                 f"the file has {actual}")


def read_idx(data_dir, stem, magic, rank):
    """Returns (dims, uint8 payload) of `stem`.gz (preferred) or `stem`."""
    for path in (data_dir / (stem + ".gz"), data_dir / stem):
        if path.exists():
            break
    else:
        raise CheckError(f"{data_dir}: neither {stem}.gz nor {stem} found")
    raw = path.read_bytes()
    _check_digest(path, raw)
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as e:
            raise CheckError(f"{path}: corrupt gzip data: {e}") from e
    header = 4 + 4 * rank
    if len(raw) < header:
        raise CheckError(f"{path}: truncated header")
    values = struct.unpack_from(f">{1 + rank}I", raw, 0)
    if values[0] != magic:
        raise CheckError(f"{path}: bad magic number {values[0]}, expected {magic}")
    dims = values[1:]
    expected = int(np.prod(dims, dtype=np.int64))
    if len(raw) - header != expected:
        raise CheckError(f"{path}: header declares {expected} payload bytes, "
                         f"found {len(raw) - header}")
    return dims, np.frombuffer(raw, dtype=np.uint8, offset=header)


def load_test_set(data_dir):
    """Returns (x float32 [N, 784] in [0, 1], y int64 [N])."""
    (n, rows, cols), pixels = read_idx(data_dir, "t10k-images-idx3-ubyte", 2051, 3)
    (m,), labels = read_idx(data_dir, "t10k-labels-idx1-ubyte", 2049, 1)
    if n != m:
        raise CheckError(f"{data_dir}: {n} test images but {m} labels")
    if rows * cols != 784:
        raise CheckError(f"{data_dir}: images are {rows}x{cols}, the model needs 28x28")
    x = pixels.reshape(n, rows * cols).astype(np.float32) / np.float32(255)
    return x, labels.astype(np.int64)


def evaluate(tensors, x, y):
    """Returns (loss, accuracy) of the model on (x, y), in float32 as Keras."""
    for name, shape in MODEL_SHAPES.items():
        if name not in tensors:
            raise CheckError(f"model has no tensor {name!r} (has {sorted(tensors)})")
        if tuple(tensors[name].shape) != shape:
            raise CheckError(f"tensor {name!r} has shape {list(tensors[name].shape)}, "
                             f"expected {list(shape)}")
    hidden = np.maximum(x @ tensors["dense/kernel"] + tensors["dense/bias"], np.float32(0))
    logits = hidden @ tensors["dense_1/kernel"] + tensors["dense_1/bias"]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = float(-log_probs[np.arange(len(y)), y].astype(np.float64).mean())
    accuracy = float((logits.argmax(axis=1) == y).mean())
    return loss, accuracy


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Evaluate a Swarm MNIST model (safetensors) on the MNIST test set.")
    parser.add_argument("model", type=Path, help="the .safetensors file")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR,
                        help=f"directory with the t10k IDX files (default: {DEFAULT_DATA_DIR})")
    parser.add_argument("--expect-accuracy", type=float, metavar="X",
                        help="fail (exit 1) unless the accuracy is within T of X")
    parser.add_argument("--tolerance", type=float, default=0.01, metavar="T",
                        help="allowed distance from X (default: 0.01)")
    args = parser.parse_args(argv)
    try:
        tensors, _ = read_safetensors(args.model)
        x, y = load_test_set(args.data_dir)
        with np.errstate(over="ignore", invalid="ignore"):
            loss, accuracy = evaluate(tensors, x, y)
    except (CheckError, OSError) as e:
        print(f"check_model.py: error: {e}", file=sys.stderr)
        return 2
    print(f"Test loss: {loss:.4f}")
    print(f"Test accuracy: {accuracy:.4f}")
    if args.expect_accuracy is not None:
        difference = abs(accuracy - args.expect_accuracy)
        if not difference <= args.tolerance:
            print(f"check_model.py: accuracy {accuracy:.4f} differs from the expected "
                  f"{args.expect_accuracy:.4f} by {difference:.4f}, more than "
                  f"{args.tolerance:.4f}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
