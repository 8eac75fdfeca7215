#!/usr/bin/python3
"""Writes the magnitude-pruning parity fixtures in tests/fixtures/prune/.

Three weight tensors of different shapes (w0.npy, w1.npy, w2.npy, float32) and the masks that
torch.nn.utils.prune.global_unstructured with L1Unstructured leaves on them at 60 % sparsity
(global_m0.npy ...), and the masks of torch.nn.utils.prune.l1_unstructured applied to each tensor
alone at 30 %, 50 % and 70 % (layer_m0.npy ...). tests/core/prune/test_magnitude.cpp checks that
Espalier's global and layer-wise magnitude masks equal them.
Run with /usr/bin/python3 (needs numpy and torch).
"""
import pathlib

import numpy as np
import torch
import torch.nn.utils.prune as prune

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "prune"
SHAPES = [(24, 16), (40, 24), (12, 4, 5)]
LAYER_AMOUNTS = [0.3, 0.5, 0.7]


class Holder(torch.nn.Module):
    def __init__(self, tensor):
        super().__init__()
        self.weight = torch.nn.Parameter(tensor.clone())


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    generator = torch.Generator().manual_seed(1234)
    tensors = [torch.randn(shape, generator=generator) * (i + 1) for i, shape in enumerate(SHAPES)]
    for i, t in enumerate(tensors):
        np.save(OUT / f"w{i}.npy", t.numpy().astype(np.float32))

    holders = [Holder(t) for t in tensors]
    prune.global_unstructured([(h, "weight") for h in holders], pruning_method=prune.L1Unstructured, amount=0.6)
    for i, h in enumerate(holders):
        np.save(OUT / f"global_m{i}.npy", h.weight_mask.numpy().astype(np.float32))

    for i, (t, amount) in enumerate(zip(tensors, LAYER_AMOUNTS)):
        h = Holder(t)
        prune.l1_unstructured(h, "weight", amount=amount)
        np.save(OUT / f"layer_m{i}.npy", h.weight_mask.numpy().astype(np.float32))


if __name__ == "__main__":
    main()
