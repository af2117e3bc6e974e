"""hrsnn.run() against `hrsnn run`: the same raster (hash), counts and summary for both example
networks on the float and fixed backends; the arrays it returns hold that raster."""

import json

import numpy as np
import pytest

import hrsnn
from conftest import EXAMPLES, run_cli

STEPS = 300

# Summary fields that depend on the machine, not the simulation.
TIMING = {"wall_time_s", "synaptic_events_per_s", "spec"}


@pytest.mark.parametrize("example", ["hrsnn.toml", "mrsnn.toml"])
@pytest.mark.parametrize("arith", ["float64", "fixed"])
def test_run_matches_cli(cli, tmp_path, example, arith):
    spec_path = EXAMPLES / example
    out = tmp_path / "run"
    p = run_cli(cli, "run", str(spec_path), "--arith", arith, "--steps", str(STEPS), "--out", str(out), "--quiet")
    assert p.returncode == 0, p.stderr
    cli_summary = json.loads((out / "summary.json").read_text())

    r = hrsnn.run(str(spec_path), arith=arith, steps=STEPS)
    assert r.summary["format"] == "hrsnn-run/1"
    assert r.summary["arith"] == arith
    assert r.summary["steps"] == STEPS
    assert r.raster_hash == cli_summary["raster_hash"]
    # Everything but timing is the CLI's summary.
    strip = lambda s: {k: v for k, v in s.items() if k not in TIMING}
    assert strip(r.summary) == strip(cli_summary)
    assert r.counts == cli_summary["counts"]

    # The arrays are that raster: the CLI's spikes.csv, and the hash recomputed from them.
    rows = np.loadtxt(out / "spikes.csv", delimiter=",", skiprows=1, dtype=np.uint64, ndmin=2)
    assert r.spike_steps.dtype == np.uint64 and r.spike_neurons.dtype == np.uint32
    assert r.spike_steps.size == r.counts["spikes"] > 0
    np.testing.assert_array_equal(r.spikes, rows.reshape(-1, 2))
    assert hrsnn.raster_hash(r.spike_steps, r.spike_neurons) == r.raster_hash


def test_spec_object_and_overrides():
    spec = hrsnn.load_spec(EXAMPLES / "mrsnn.toml")
    assert spec.neurons == sum(p["size"] for p in spec.populations)
    a = hrsnn.run(spec, steps=100, seed=7)
    b = hrsnn.run(spec, steps=100, seed=7)
    c = hrsnn.run(spec, steps=100, seed=8)
    assert a.summary["seed"] == 7 and a.summary["steps"] == 100
    assert a.raster_hash == b.raster_hash
    assert a.raster_hash != c.raster_hash


def test_threads_give_the_same_raster():
    spec = hrsnn.load_spec(EXAMPLES / "hrsnn.toml")
    one = hrsnn.run(spec, arith="fixed", steps=150)
    two = hrsnn.run(spec, arith="fixed", steps=150, threads=2)
    assert two.summary["threads"] == 2
    assert one.raster_hash == two.raster_hash
    np.testing.assert_array_equal(one.spikes, two.spikes)


@pytest.mark.parametrize("arith", ["float64", "fixed"])
def test_probes_shape_and_values_match_cli(cli, tmp_path, arith):
    spec_path = EXAMPLES / "hrsnn.toml"
    probes = [0, 5, 999]
    steps, every = 120, 3
    r = hrsnn.run(spec_path, arith=arith, steps=steps, probe=probes, probe_every=every)
    samples = len(range(0, steps, every))
    assert r.u.shape == r.v.shape == (samples, len(probes))
    assert r.u.dtype == r.v.dtype == np.float64
    np.testing.assert_array_equal(r.probe_ids, probes)
    np.testing.assert_array_equal(r.probe_steps, np.arange(0, steps, every, dtype=np.uint64))
    assert np.all(np.isfinite(r.v)) and np.any(r.v != 0)

    out = tmp_path / "run"
    p = run_cli(cli, "run", str(spec_path), "--arith", arith, "--steps", str(steps), "--out", str(out),
                "--probe", ",".join(map(str, probes)), "--probe-every", str(every), "--quiet")
    assert p.returncode == 0, p.stderr
    rows = np.loadtxt(out / "probes.csv", delimiter=",", skiprows=1, ndmin=2)  # step,neuron,u,v
    np.testing.assert_array_equal(rows[:, 2].reshape(samples, len(probes)), r.u)
    np.testing.assert_array_equal(rows[:, 3].reshape(samples, len(probes)), r.v)


def test_no_probes_and_no_spikes_give_empty_arrays():
    r = hrsnn.run(EXAMPLES / "mrsnn.toml", steps=100, record_spikes=False)
    assert r.spikes.shape == (0, 2)
    assert r.u.shape == (0, 0)
    assert r.counts["spikes"] > 0  # counted, not recorded


def test_arrays_are_writable_and_outlive_the_result():
    r = hrsnn.run(EXAMPLES / "mrsnn.toml", steps=50)
    steps = r.spike_steps
    expected = steps.copy()
    del r
    np.testing.assert_array_equal(steps, expected)
    steps[0] = 12345  # owned by the array's buffer, not shared with anything else
    assert steps[0] == 12345


def test_bad_arguments_raise_value_error():
    spec = hrsnn.load_spec(EXAMPLES / "mrsnn.toml")
    with pytest.raises(ValueError, match="unknown arithmetic 'double64'"):
        hrsnn.run(spec, arith="double64", steps=10)
    with pytest.raises(ValueError, match="neuron 1000 out of range"):
        hrsnn.run(spec, steps=10, probe=[1000])
    with pytest.raises(ValueError, match=r"steps must be in \[1, 1e12\]"):
        hrsnn.run(spec, steps=0)
    with pytest.raises(ValueError, match="threads"):
        hrsnn.run(spec, steps=10, threads=0)
