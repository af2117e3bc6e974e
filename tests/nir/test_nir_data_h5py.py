"""`hrsnn run --nir-data FILE` read back with h5py alone, in the layout of NIR's write_data
(NIRGraphData: `__type__` attributes on the root, each node and each observable; EventData
`idx`/`time` datasets with `n_neurons`/`t_max` attributes; TimeGriddedData `data` with a `dt`
attribute; gzip datasets), against the `spikes.npy` and `probes.csv` of the same run.

Run by CTest ("nir: test_nir_data_h5py.py") with HRSNN_CLI (the hrsnn binary) and
HRSNN_SOURCE_DIR set; needs Debian's python3-h5py, python3-numpy, python3-pytest.
"""

import csv
import os
import pathlib
import subprocess

import h5py
import numpy as np
import pytest

CLI = os.environ["HRSNN_CLI"]
SOURCE = pathlib.Path(os.environ["HRSNN_SOURCE_DIR"])
MODEL = SOURCE / "examples" / "nir" / "recurrent_cuba.nir"
INPUT = SOURCE / "examples" / "nir" / "recurrent_cuba.input.npy"


def run(tmp_path, *args):
    out = tmp_path / "out"
    data = tmp_path / "data.nir"
    subprocess.run([CLI, "run", *map(str, args), "--spikes", "npy", "--quiet", "--out", str(out),
                    "--nir-data", str(data)], check=True, capture_output=True)
    return out, h5py.File(data, "r")


def attr_str(obj, key):
    value = obj.attrs[key]
    return value.decode() if isinstance(value, bytes) else value


def events_to_steps(group, dt):
    """NIR's EventData.to_time_gridded: step = floor(time / dt); -1 pads."""
    idx, time = group["idx"][()], group["time"][()]
    assert idx.shape == time.shape and idx.shape[0] == 1
    keep = idx[0] != -1
    return np.floor(time[0][keep] / dt).astype(np.int64), idx[0][keep]


def test_events_and_probes_of_a_nir_model(tmp_path):
    out, f = run(tmp_path, MODEL, "--dt-ms", "0.1", "--steps", "3000", "--input", INPUT, "--probe", "3,40",
                 "--probe-every", "2")
    assert attr_str(f, "__type__") == "NIRGraphData"
    assert list(f.keys()) == ["nodes"] and list(f["nodes"].keys()) == ["cuba"]
    node = f["nodes"]["cuba"]
    assert attr_str(node, "__type__") == "NIRNodeData"
    obs = node["observables"]
    assert sorted(obs.keys()) == ["spikes", "u", "v"]
    s = obs["spikes"]
    assert attr_str(s, "__type__") == "EventData"
    assert s["idx"].dtype == np.int64 and s["time"].dtype == np.float64
    assert s["idx"].compression == "gzip" and s["time"].compression == "gzip"
    assert int(s.attrs["n_neurons"]) == 64
    assert float(s.attrs["t_max"]) == pytest.approx(3000 * 0.1)
    steps, neurons = events_to_steps(s, 0.1)
    raster = np.load(out / "spikes.npy")
    assert raster.shape[0] > 100
    assert np.array_equal(np.stack([steps, neurons], axis=1), raster.astype(np.int64))

    with open(out / "probes.csv") as fh:
        rows = list(csv.DictReader(fh))
    for field in ("u", "v"):
        g = obs[field]
        assert attr_str(g, "__type__") == "TimeGriddedData"
        assert float(g.attrs["dt"]) == pytest.approx(0.2)
        data = g["data"][()]
        assert g["data"].compression == "gzip"
        assert data.shape == (1, 1500, 64) and data.dtype == np.float64
        probed = {3, 40}
        assert np.isnan(data[0][:, [i for i in range(64) if i not in probed]]).all()
        for row in rows:
            k = int(row["step"]) // 2
            assert data[0, k, int(row["neuron"])] == float(row[field])
        assert len(rows) == 1500 * 2


def test_gridded_spikes_of_a_spec_per_population(tmp_path):
    spec = SOURCE / "tests" / "data" / "nir" / "static_net.toml"
    out, f = run(tmp_path, spec, "--nir-data-spikes", "grid")
    nodes = f["nodes"]
    assert sorted(nodes.keys()) == ["E", "I"]
    raster = np.load(out / "spikes.npy").astype(np.int64)
    first = {"E": 0, "I": 30}
    total = 0
    for name, node in nodes.items():
        g = node["observables"]["spikes"]
        assert attr_str(g, "__type__") == "TimeGriddedData"
        assert float(g.attrs["dt"]) == 0.5  # the spec's dt_ms: times in ms
        data = g["data"][()]
        assert data.dtype == np.bool_  # h5py's FALSE/TRUE enum
        steps, neurons = np.nonzero(data[0])
        order = np.lexsort((neurons, steps))
        mine = raster[(raster[:, 1] >= first[name]) & (raster[:, 1] < first[name] + data.shape[2])]
        assert np.array_equal(np.stack([steps[order], neurons[order] + first[name]], axis=1), mine)
        total += len(steps)
    assert total == raster.shape[0] > 100
