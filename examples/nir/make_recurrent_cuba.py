#!/usr/bin/python3
"""Writes examples/nir/recurrent_cuba.nir, the README's worked example ("From a NIR file to chip
cost"), and its input recurrent_cuba.input.npy (1000 steps x 2 input columns), with h5py in the
layout of NIR's reference writer (docs/nir.md). Deterministic; run with Debian's Python
(python3-h5py): /usr/bin/python3 examples/nir/make_recurrent_cuba.py

The network: 2 inputs -> Affine -> 64 CubaLIF neurons (tau_mem drawn from a gamma distribution,
tau_syn 5 ms, threshold 1, reset to 0), recurrent through a sparse Linear (80% excitatory, 20%
inhibitory columns), -> Output. Time constants in ms (run with --dt-ms 1)."""
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
STR = h5py.string_dtype()


def main():
    rng = np.random.default_rng(2024)
    n, k, steps = 64, 2, 1000
    w_rec = rng.uniform(0.0, 0.8, (n, n)) * (rng.random((n, n)) < 0.15)
    w_rec[:, int(0.8 * n):] *= -3.0  # the last 20% of the neurons inhibit
    np.fill_diagonal(w_rec, 0.0)
    nodes = {
        "input": {"type": "Input", "shape": np.array([k], dtype=np.int64)},
        "w_in": {"type": "Affine", "weight": rng.uniform(0.0, 5.0, (n, k)) * (rng.random((n, k)) < 0.5),
                 "bias": np.zeros(n)},
        "cuba": {
            "type": "CubaLIF",
            "tau_syn": np.full(n, 5.0),
            "tau_mem": np.clip(rng.gamma(4.0, 5.0, n), 2.0, 200.0),
            "r": np.full(n, 1.0),
            "v_leak": np.zeros(n),
            "v_threshold": np.ones(n),
            "v_reset": np.zeros(n),
            "w_in": np.ones(n),
        },
        "w_rec": {"type": "Linear", "weight": w_rec},
        "output": {"type": "Output", "shape": np.array([n], dtype=np.int64)},
    }
    edges = [("input", "w_in"), ("w_in", "cuba"), ("cuba", "w_rec"), ("w_rec", "cuba"), ("cuba", "output")]
    with h5py.File(os.path.join(HERE, "recurrent_cuba.nir"), "w") as f:
        f.create_dataset("version", data="0.2.0", dtype=STR)
        g = f.create_group("node")
        g.create_dataset("type", data="NIRGraph", dtype=STR)
        ng = g.create_group("nodes")
        for name, params in nodes.items():
            h = ng.create_group(name)
            for key, value in params.items():
                if key == "type":
                    h.create_dataset(key, data=value, dtype=STR)
                else:
                    h.create_dataset(key, data=value, compression="gzip")
        g.create_dataset("edges", data=np.array(edges, dtype=object), dtype=STR)
    t = np.arange(steps)
    x = np.stack([0.5 + 0.5 * np.sin(2 * np.pi * t / 200.0), (rng.random(steps) < 0.05).astype(float)], axis=1)
    np.save(os.path.join(HERE, "recurrent_cuba.input.npy"), x)


if __name__ == "__main__":
    main()
