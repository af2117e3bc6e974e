#!/usr/bin/python3
"""Writes the NIR test files of tests/nir/ with h5py, independently of hrsnn's C++ writer.

The layout follows NIR's reference writer (nir/serialization.py): every value is a dataset (no
attributes), a root `version` string, a group `node` with `type = "NIRGraph"`, `nodes/<name>/`
each with its `type` string and its parameter datasets, and `edges` an (E, 2) array of strings.

Next to the valid models it writes their input (`*.input.npy`, steps x input columns) and the
spike raster an independent NumPy simulation of the stated discretization gives
(`*.expected.npy`, rows (step, neuron)); tests/nir/test_nir_import.cpp compares hrsnn's raster
with it. The simulation below works on the NIR graph itself (node by node, in the currents I and
voltages v of NIR's equations), not in hrsnn's variables:

    I_t = (1 - D/tau_syn) I_(t-1) + (D/tau_syn) * w_in * S_t      (LIF: I_t = S_t)
    v_t = (1 - D/tau_mem) v_(t-1) + (D/tau_mem) * (v_leak + r * I_t)
    spike if v_t > v_threshold, then v_t = v_reset (0 when absent)

where S_t is the node's summed input: an Input contributes its value at step t, a neuron node
its spikes of step t - 1 (of step t - 1 - k through a Delay of k steps).

It also writes recorded-data files in the layout of NIR's `write_data` (NIRGraphData: the
types and scalars as attributes `__type__`, `dt`, `n_neurons`, `t_max`; arrays as gzip
datasets), which tests/nir/test_nir_data.cpp reads with hrsnn's reader: `recorded_data.nir`
(valid, including NIR's padding of EventData with index -1 and time inf) and malformed ones.

Run with Debian's Python (python3-h5py, python3-numpy): /usr/bin/python3 make_nir_files.py
It rewrites every file of this directory it owns; the outputs are deterministic.
"""

import os
import random
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
STR = h5py.string_dtype()  # variable-length UTF-8, as NIR's writer uses


def write_nir(path, nodes, edges, version="0.2.0", compression="gzip", fixed_strings=False, skip=()):
    """nodes: {name: {"type": str, param: ndarray}}; skip: (node, dataset) pairs left out."""
    with h5py.File(path, "w", track_order=False) as f:

        def string(group, key, value):
            if fixed_strings:
                group.create_dataset(key, data=np.bytes_(value))
            else:
                group.create_dataset(key, data=value, dtype=STR)

        string(f, "version", version)
        g = f.create_group("node")
        string(g, "type", "NIRGraph")
        ng = g.create_group("nodes")
        for name, params in nodes.items():
            n = ng.create_group(name)
            for key, value in params.items():
                if (name, key) in skip:
                    continue
                if key == "type":
                    string(n, key, value)
                else:
                    kw = {"compression": compression} if compression and np.ndim(value) > 0 else {}
                    n.create_dataset(key, data=value, **kw)
        e = np.array(edges, dtype=object).reshape(-1, 2) if edges else np.zeros((0, 2), dtype=object)
        if fixed_strings:
            g.create_dataset("edges", data=np.array(edges, dtype="S").reshape(-1, 2))
        else:
            g.create_dataset("edges", data=e, dtype=STR)


# --------------------------------------------------------------------------------------------
# The independent reference simulation.


def simulate(nodes, edges, dt, inputs, steps):
    """inputs: {input node: array steps x size}. Returns the raster (K, 2) in hrsnn's neuron ids
    (neuron nodes in name order, each node's neurons in index order)."""
    names = sorted(nodes)
    neurons = [n for n in names if nodes[n]["type"] in ("LIF", "CubaLIF")]
    first, total = {}, 0
    for n in neurons:
        first[n] = total
        total += nodes[n]["v_threshold"].size
    preds = {n: [a for a, b in edges if b == n] for n in names}
    state = {}
    for n in neurons:
        p = nodes[n]
        size = p["v_threshold"].size
        state[n] = {"I": np.zeros(size), "v": np.zeros(size), "z": np.zeros(size)}
    delay_hist = {n: [] for n in names if nodes[n]["type"] == "Delay"}
    raster = []
    for t in range(steps):
        cache = {}

        def out(n):
            if n in cache:
                return cache[n]
            p = nodes[n]
            typ = p["type"]
            if typ == "Input":
                y = np.asarray(inputs.get(n, np.zeros((steps, int(np.prod(p["shape"])))))[t], dtype=np.float64)
            elif typ in ("LIF", "CubaLIF"):
                y = state[n]["z"]  # spikes of the previous step
            else:
                x = sum(out(a) for a in preds[n])
                if typ == "Affine":
                    y = p["weight"].astype(np.float64) @ x + p["bias"].astype(np.float64)
                elif typ == "Linear":
                    y = p["weight"].astype(np.float64) @ x
                elif typ == "Scale":
                    y = p["scale"].astype(np.float64) * x
                elif typ == "Delay":
                    k = np.rint(p["delay"].astype(np.float64) / dt).astype(int)
                    hist = delay_hist[n]
                    if len(hist) <= t:
                        hist.append(np.array(x, dtype=np.float64))
                    y = np.array([hist[t - k[i]][i] if t - k[i] >= 0 else 0.0 for i in range(len(k))])
                else:
                    raise ValueError(typ)
            cache[n] = y
            return y

        drive = {n: sum(out(a) for a in preds[n]) if preds[n] else 0.0 for n in neurons}
        for n in neurons:
            p = nodes[n]
            s = state[n]
            S = drive[n]
            f64 = lambda k: p[k].astype(np.float64)
            if p["type"] == "CubaLIF":
                du = dt / f64("tau_syn")
                dv = dt / f64("tau_mem")
                s["I"] = (1 - du) * s["I"] + du * f64("w_in") * S
            else:
                dv = dt / f64("tau")
                s["I"] = S * np.ones_like(s["I"])
            s["v"] = (1 - dv) * s["v"] + dv * (f64("v_leak") + f64("r") * s["I"])
            z = s["v"] > f64("v_threshold")
            reset = f64("v_reset") if "v_reset" in p else np.zeros_like(s["v"])
            s["v"] = np.where(z, reset, s["v"])
            s["znext"] = z.astype(np.float64)
            for i in np.nonzero(z)[0]:
                raster.append((t, first[n] + int(i)))
        for n in neurons:
            state[n]["z"] = state[n].pop("znext")
    return np.array(raster, dtype=np.int64).reshape(-1, 2)


def save_case(stem, nodes, edges, dt, inputs, steps, **write_args):
    write_nir(os.path.join(HERE, stem + ".nir"), nodes, edges, **write_args)
    if inputs:
        cols = np.concatenate([inputs[n] for n in sorted(inputs)], axis=1)
        np.save(os.path.join(HERE, stem + ".input.npy"), cols.astype(np.float64))
    raster = simulate(nodes, edges, dt, inputs, steps)
    np.save(os.path.join(HERE, stem + ".expected.npy"), raster)
    return raster


# --------------------------------------------------------------------------------------------
# The models.


def cuba_recurrent(rng):
    """3 inputs -> Affine -> 24 CubaLIF (recurrent through a Linear, heterogeneous time constants,
    float32 and float64 parameters) -> Scale -> Affine -> 6 LIF; gzip everywhere. Times in ms."""
    n, m, k = 24, 6, 3
    nodes = {
        "input": {"type": "Input", "shape": np.array([k], dtype=np.int64)},
        "fc_in": {
            "type": "Affine",
            "weight": rng.normal(0.6, 1.5, (n, k)).astype(np.float32),
            "bias": rng.uniform(-0.05, 0.15, n).astype(np.float32),
        },
        "hidden": {
            "type": "CubaLIF",
            "tau_syn": rng.uniform(2.0, 8.0, n),
            "tau_mem": rng.gamma(4.0, 5.0, n) + 2.0,
            "r": rng.uniform(1.0, 3.0, n),
            "v_leak": rng.uniform(-0.05, 0.05, n),
            "v_threshold": rng.uniform(0.6, 1.0, n),
            "v_reset": rng.uniform(-0.1, 0.0, n),
            "w_in": rng.uniform(0.8, 1.5, n).astype(np.float32),
        },
        "w_rec": {"type": "Linear", "weight": (rng.normal(0.0, 0.6, (n, n)) * (rng.random((n, n)) < 0.3))},
        "gain": {"type": "Scale", "scale": rng.uniform(0.5, 1.5, n)},
        "fc_out": {
            "type": "Affine",
            "weight": rng.normal(0.4, 0.8, (m, n)),
            "bias": np.zeros(m),
        },
        "readout": {
            "type": "LIF",
            "tau": rng.uniform(5.0, 15.0, m),
            "r": np.ones(m),
            "v_leak": np.zeros(m),
            "v_threshold": np.full(m, 0.3),
            "v_reset": np.zeros(m),
        },
        "output": {"type": "Output", "shape": np.array([m], dtype=np.int64)},
    }
    edges = [
        ("input", "fc_in"),
        ("fc_in", "hidden"),
        ("hidden", "w_rec"),
        ("w_rec", "hidden"),
        ("hidden", "gain"),
        ("gain", "fc_out"),
        ("fc_out", "readout"),
        ("readout", "output"),
    ]
    steps = 400
    x = np.zeros((steps, k))
    x[:, 0] = (rng.random(steps) < 0.15).astype(float)  # spikes
    x[:, 1] = 0.6 + 0.4 * np.sin(np.arange(steps) / 20.0)  # a current
    x[:, 2] = (rng.random(steps) < 0.05).astype(float)
    return nodes, edges, {"input": x}, steps


def old_lif(rng):
    """An older file (version 0.1.1, LIF without v_reset, float32, no compression, fixed-length
    strings), times in seconds (run at D = 0.5 ms = 0.0005 s)."""
    n = 5
    nodes = {
        "in": {"type": "Input", "shape": np.array([2], dtype=np.int64)},
        "lin": {"type": "Linear", "weight": rng.uniform(0.5, 2.0, (n, 2)).astype(np.float32)},
        "lif": {
            "type": "LIF",
            "tau": rng.uniform(0.005, 0.02, n).astype(np.float32),
            "r": np.ones(n, dtype=np.float32),
            "v_leak": np.zeros(n, dtype=np.float32),
            "v_threshold": rng.uniform(0.05, 0.2, n).astype(np.float32),
        },
        "out": {"type": "Output", "shape": np.array([n], dtype=np.int64)},
    }
    edges = [("in", "lin"), ("lin", "lif"), ("lif", "out")]
    steps = 300
    x = np.zeros((steps, 2))
    x[:, 0] = 1.0
    x[::7, 1] = 3.0
    return nodes, edges, {"in": x}, steps


def delay_recurrent(rng):
    """A recurrent CubaLIF ring whose feedback passes a Delay of 3 steps (D = 1 ms), driven only
    by an Affine bias (no Input node)."""
    n = 8
    w = np.zeros((n, n))
    for i in range(n):
        w[(i + 1) % n, i] = 4.0
    nodes = {
        "ring": {
            "type": "CubaLIF",
            "tau_syn": np.full(n, 2.0),
            "tau_mem": np.full(n, 10.0),
            "r": np.ones(n),
            "v_leak": np.zeros(n),
            "v_threshold": np.full(n, 1.0),
            "v_reset": np.zeros(n),
            "w_in": np.ones(n),
        },
        "lag": {"type": "Delay", "delay": np.full(n, 3.0)},
        "w": {"type": "Affine", "weight": w, "bias": np.r_[6.0, np.zeros(n - 1)]},
        "out": {"type": "Output", "shape": np.array([n], dtype=np.int64)},
    }
    edges = [("ring", "lag"), ("lag", "w"), ("w", "ring"), ("ring", "out")]
    return nodes, edges, {}, 200


def malformed(rng):
    base_nodes, base_edges, _, _ = cuba_recurrent(np.random.default_rng(1))
    cases = {}

    cases["bad_missing_dataset"] = (base_nodes, base_edges, {"skip": (("hidden", "tau_syn"),)})

    nodes = dict(base_nodes)
    nodes["fc_in"] = dict(nodes["fc_in"], bias=np.zeros(5, dtype=np.float32))
    cases["bad_wrong_shape"] = (nodes, base_edges, {})

    nodes = dict(base_nodes)
    nodes["conv"] = {
        "type": "Conv2d",
        "weight": np.ones((1, 1, 3, 3)),
        "bias": np.zeros(1),
        "stride": np.array([1, 1]),
        "padding": np.array([0, 0]),
        "dilation": np.array([1, 1]),
        "groups": np.array(1),
    }
    cases["bad_unknown_type"] = (nodes, base_edges, {})

    nodes = dict(base_nodes)
    nodes["loop_a"] = {"type": "Linear", "weight": np.eye(24)}
    nodes["loop_b"] = {"type": "Scale", "scale": np.ones(24)}
    edges = base_edges + [("fc_in", "loop_a"), ("loop_a", "loop_b"), ("loop_b", "loop_a"), ("loop_b", "hidden")]
    cases["bad_cycle_without_neuron"] = (nodes, edges, {})

    nodes = dict(base_nodes)
    tau = nodes["hidden"]["tau_mem"].copy()
    tau[3] = np.nan
    nodes["hidden"] = dict(nodes["hidden"], tau_mem=tau)
    cases["bad_nan"] = (nodes, base_edges, {})

    nodes = dict(base_nodes)
    w = nodes["w_rec"]["weight"].copy()
    w[2, 5] = np.inf
    nodes["w_rec"] = {"type": "Linear", "weight": w}
    cases["bad_inf"] = (nodes, base_edges, {})

    cases["bad_edge_size"] = (base_nodes, base_edges + [("readout", "w_rec")], {})
    cases["bad_unknown_node_in_edge"] = (base_nodes, base_edges + [("hidden", "nowhere")], {})
    return cases


# --------------------------------------------------------------------------------------------
# Recorded data (NIRGraphData), the layout of NIR's write_data.


def write_data(path, nodes, root_type="NIRGraphData", drop_attrs=()):
    """nodes: {node: {observable: ("events", idx, time, n_neurons, t_max) | ("grid", data, dt)}};
    drop_attrs: (node, observable, attribute) left out."""
    with h5py.File(path, "w") as f:
        f.attrs["__type__"] = root_type
        ng = f.create_group("nodes")
        for name, observables in nodes.items():
            n = ng.create_group(name)
            n.attrs["__type__"] = "NIRNodeData"
            og = n.create_group("observables")
            for oname, value in observables.items():
                g = og.create_group(oname)
                attrs = {}
                if value[0] == "events":
                    _, idx, time, n_neurons, t_max = value
                    attrs = {"__type__": "EventData", "n_neurons": n_neurons, "t_max": t_max}
                    g.create_dataset("idx", data=idx, dtype=idx.dtype, compression="gzip")
                    g.create_dataset("time", data=time, dtype=time.dtype, compression="gzip")
                else:
                    _, data, dt = value
                    attrs = {"__type__": "TimeGriddedData", "dt": dt}
                    g.create_dataset("data", data=data, dtype=data.dtype, compression="gzip")
                for key, v in attrs.items():
                    if (name, oname, key) not in drop_attrs:
                        g.attrs[key] = v


def recorded_data():
    # "hidden": 3 neurons, 4 events padded to 5 as NIR's to_event pads (-1, inf); its voltage on a
    # (1, 2, 3) grid. "out": 2 neurons, spikes on a (1, 4, 2) bool grid.
    idx = np.array([[0, 2, 1, 2, -1]], dtype=np.int64)
    time = np.array([[0.25, 0.75, 1.25, 3.75, np.inf]])
    v = np.arange(6, dtype=np.float64).reshape(1, 2, 3) / 4.0
    grid = np.zeros((1, 4, 2), dtype=bool)
    grid[0, 1, 0] = grid[0, 3, 1] = grid[0, 3, 0] = True
    valid = {
        "hidden": {"spikes": ("events", idx, time, 3, 2.0), "v": ("grid", v, 1.0)},
        "out": {"spikes": ("grid", grid, 0.5)},
    }
    write_data("recorded_data.nir", valid)
    write_data("bad_data_no_dt.nir", valid, drop_attrs=(("hidden", "v", "dt"),))
    write_data("bad_data_two_samples.nir", {"out": {"spikes": ("grid", np.zeros((2, 4, 2), dtype=bool), 0.5)}})
    write_data("bad_data_index.nir", {"hidden": {"spikes": ("events", np.array([[0, 3]]), np.array([[0.5, 1.0]]),
                                                            3, 2.0)}})
    write_data("bad_data_root.nir", valid, root_type="NIRNodeData")


def main():
    os.chdir(HERE)
    recorded_data()
    nodes, edges, inputs, steps = cuba_recurrent(np.random.default_rng(17))
    r1 = save_case("cuba_recurrent", nodes, edges, 1.0, inputs, steps)
    nodes, edges, inputs, steps = old_lif(np.random.default_rng(5))
    r2 = save_case("old_lif_no_reset", nodes, edges, 0.0005, inputs, steps, version="0.1.1", compression=None,
                   fixed_strings=True)
    nodes, edges, inputs, steps = delay_recurrent(np.random.default_rng(3))
    r3 = save_case("delay_recurrent", nodes, edges, 1.0, inputs, steps)
    for stem, (nodes, edges, kw) in malformed(np.random.default_rng(2)).items():
        write_nir(stem + ".nir", nodes, edges, **kw)
    # Byte-flipped copies of cuba_recurrent.nir that made libhdf5 1.10 itself crash (reading a
    # variable-length string's global heap, or a dataset's layout): hrsnn must refuse them, not crash.
    data = open("cuba_recurrent.nir", "rb").read()
    flips = random.Random(5)
    for k in range(97):
        b = bytearray(data)
        for _ in range(flips.randint(1, 8)):
            i = flips.randrange(len(b))
            b[i] = flips.randrange(256)
        if k in (28, 96):
            with open(f"corrupt_{k}.nir", "wb") as f:
                f.write(bytes(b))
    with open("not_hdf5.nir", "w") as f:
        f.write("this is not an HDF5 file\n")
    for name, r in (("cuba_recurrent", r1), ("old_lif_no_reset", r2), ("delay_recurrent", r3)):
        print(f"{name}: {len(r)} spikes in the reference raster", file=sys.stderr)


if __name__ == "__main__":
    main()
