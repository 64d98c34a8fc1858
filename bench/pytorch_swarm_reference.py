#!/usr/bin/python3
"""PyTorch reference for the two-node MNIST swarm's accuracy: the seed's
model (Keras initialization, Adam as Keras sets it, dropout 0.2, batch 128)
trained by NODES nodes, each on its own IID shard, whose parameters are
replaced by their equally weighted mean at train begin, after every
SYNC_FREQUENCY batches, and once more at the end (checkinModelOnTrainEnd
snapshot), as the swarm does. Adam's moments stay local, as in HPE/Keras.

Prints the test accuracy of the final merged model for each seed and their
mean, e.g. to see where the swarm's figure for one seed stands in the spread
of the procedure (issue 4's IID target). Run with Debian's interpreter:

    /usr/bin/python3 bench/pytorch_swarm_reference.py --seeds 1 2 3 4 5
"""

import argparse
import os
import sys

import numpy as np
import torch
from torch import nn

from pytorch_train_bench import load_images, load_labels, make_model


def mean_into(models):
    """Sets every model's parameters to the mean of all of them."""
    with torch.no_grad():
        for params in zip(*(m.parameters() for m in models)):
            avg = torch.stack([p.data for p in params]).mean(dim=0)
            for p in params:
                p.data.copy_(avg)


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        hits = (model(x).argmax(dim=1) == y).sum().item()
    model.train()
    return hits / y.shape[0]


def run(seed, args, x, y, x_test, y_test):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    shards = np.array_split(rng.permutation(x.shape[0]), args.nodes)
    models = [make_model() for _ in range(args.nodes)]
    if args.same_init:
        # mnist-ml seeds every node's initial model with SWARM_SEED alone.
        for m in models[1:]:
            m.load_state_dict(models[0].state_dict())
    opts = [torch.optim.Adam(m.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
            for m in models]
    loss_fn = nn.CrossEntropyLoss()
    mean_into(models)  # the initial sync at train begin
    batch = 128
    # Every shard has the same size here, so the nodes sync in lockstep.
    steps_per_epoch = (len(shards[0]) + batch - 1) // batch
    since_sync = 0
    for _ in range(args.epochs):
        perms = [torch.from_numpy(s[rng.permutation(len(s))]) for s in shards]
        for b in range(steps_per_epoch):
            for m, opt, perm in zip(models, opts, perms):
                idx = perm[b * batch:(b + 1) * batch]
                opt.zero_grad(set_to_none=True)
                loss_fn(m(x[idx]), y[idx]).backward()
                opt.step()
            since_sync += 1
            if since_sync == args.sync_frequency:
                mean_into(models)
                since_sync = 0
    mean_into(models)  # the final round
    return accuracy(models[0], x_test, y_test)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.path.join(here, "..", "examples", "mnist", "data"))
    parser.add_argument("--nodes", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--sync-frequency", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--same-init", action="store_true",
                        help="every node starts from the same initial model (the initial "
                             "sync then changes nothing), instead of its own")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    def images(name):
        return torch.from_numpy(load_images(os.path.join(args.data, name))).reshape(-1, 28, 28)

    def labels(name):
        return torch.from_numpy(load_labels(os.path.join(args.data, name)))

    x, y = images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz")
    x_test, y_test = images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz")
    results = []
    for seed in args.seeds:
        acc = run(seed, args, x, y, x_test, y_test)
        results.append(acc)
        print(f"seed {seed}: test accuracy {100 * acc:.2f}%", flush=True)
    print(f"mean over {len(results)} seeds: {100 * np.mean(results):.2f}% "
          f"(min {100 * min(results):.2f}, max {100 * max(results):.2f}; {args.nodes} nodes, "
          f"IID shards, {args.epochs} epochs, sync every {args.sync_frequency} batches)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
