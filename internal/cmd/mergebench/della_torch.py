#!/usr/bin/env python3
"""mergekit's DELLA in PyTorch, tensor by tensor, for mergebench's comparison.

    della_torch.py [--threads N] [--out OUT.bin] BASE.gguf EXPERT1.gguf EXPERT2.gguf EXPERT3.gguf

Written from the algorithm as mergekit computes it (docs: merge-methods.md in ../shared): per
non-base model, delta = X - B; MagPrune (keep probability (d - eps) + 2 eps * rank/(n-1), rank of
|delta| within each row, Bernoulli mask, survivors divided by their keep probability, the DELLA
paper's rescale = ggufmerge's default rescale_mode prob); weighted deltas; TIES sign election
(sum); disjoint mean; lambda; B + result. Parameters as mergebench's config: weight 1, density
0.7, epsilon 0.07, lambda 1.1. Inputs are dequantized with gguf-py (from the reference toolkit:
$REF_HOME/llama.cpp-src/gguf-py); the merged tensors are written as F16 in one raw file (PyTorch
has no Q4_K quantizer). Prints a JSON line with the seconds of each phase.
"""
import argparse
import json
import os
import sys
import time

REF_HOME = os.environ.get("REF_HOME", os.path.expanduser("~/.cache/ggufmerge-ref"))
sys.path.insert(0, os.path.join(REF_HOME, "llama.cpp-src", "gguf-py"))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from gguf import GGUFReader  # noqa: E402
from gguf.quants import dequantize  # noqa: E402

DENSITY, EPSILON, LAMBDA, WEIGHT = 0.7, 0.07, 1.1, 1.0  # overridable with --density etc.


def magprune(delta, gen):
    if DENSITY >= 1:
        return delta
    rows = delta if delta.dim() > 1 else delta.unsqueeze(0)
    n = rows.shape[1]
    order = torch.argsort(rows.abs(), dim=1)
    ranks = torch.empty_like(order)
    ranks.scatter_(1, order, torch.arange(n).expand_as(order))
    rn = ranks.to(torch.float32) / max(n - 1, 1)
    p = (DENSITY - EPSILON) + 2 * EPSILON * rn
    mask = torch.bernoulli(p, generator=gen)
    return (rows * mask / p).reshape(delta.shape)


def della(base, others, gen):
    wd = torch.stack([WEIGHT * magprune(x - base, gen) for x in others])
    elected = torch.where(wd.sum(dim=0) >= 0, 1.0, -1.0)
    agree = torch.sign(wd) == elected
    mixed = (wd * agree).sum(dim=0)
    div = (WEIGHT * agree).sum(dim=0)
    div[div == 0] = 1
    return base + LAMBDA * (mixed / div)


def load(reader, name):
    t = reader.by_name[name]
    return torch.from_numpy(np.array(dequantize(t.data, t.tensor_type), dtype=np.float32))


def main():
    global DENSITY, EPSILON, LAMBDA
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--out", default=os.devnull)
    ap.add_argument("--density", type=float, default=DENSITY)
    ap.add_argument("--epsilon", type=float, default=EPSILON)
    ap.add_argument("--lambda", dest="lam", type=float, default=LAMBDA)
    ap.add_argument("models", nargs=4)
    a = ap.parse_args()
    DENSITY, EPSILON, LAMBDA = a.density, a.epsilon, a.lam
    torch.set_num_threads(a.threads)
    gen = torch.Generator().manual_seed(42)
    t0 = time.perf_counter()
    readers = [GGUFReader(m) for m in a.models]
    for r in readers:
        r.by_name = {t.name: t for t in r.tensors}
    phase = {"load_s": 0.0, "merge_s": 0.0, "write_s": 0.0}
    with open(a.out, "wb") as f:
        for t in readers[0].tensors:
            s = time.perf_counter()
            xs = [load(r, t.name) for r in readers]
            m = time.perf_counter()
            out = della(xs[0], xs[1:], gen)
            w = time.perf_counter()
            f.write(out.to(torch.float16).numpy().tobytes())
            e = time.perf_counter()
            phase["load_s"] += m - s
            phase["merge_s"] += w - m
            phase["write_s"] += e - w
    phase["total_s"] = time.perf_counter() - t0
    print(json.dumps(phase))


if __name__ == "__main__":
    main()
