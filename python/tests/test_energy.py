"""hrsnn.energy: the hrsnn-energy/1 report of `hrsnn energy` as a dict, from a spec (run first),
a RunResult, a summary dict or a run directory; all price the same counts."""

import json

import pytest

import hrsnn
from conftest import EXAMPLES, run_cli

STEPS = 200


def check_schema(report, steps):
    assert report["format"] == "hrsnn-energy/1"
    assert set(report) >= {"models_file", "workload", "counts", "spikes_per_synapse_per_inference", "crossovers",
                           "models", "spread", "dense_baseline"}
    w = report["workload"]
    assert set(w) == {"neurons", "synapses", "steps", "dt_ms", "input_samples", "simulated_seconds"}
    assert w["steps"] == steps and w["neurons"] == 1000 and w["synapses"] > 0
    assert report["counts"]["spikes"] > 0
    assert report["models"], "the shipped models file has models"
    for m in report["models"]:
        assert {"model", "description", "kind", "scope", "total_j", "sram_j", "terms"} <= set(m)
        assert m["total_j"] >= 0.0
    assert {"description", "counts", "models"} <= set(report["dense_baseline"])
    assert report["dense_baseline"]["counts"]


def test_energy_of_a_spec_matches_the_cli(cli, tmp_path):
    spec = EXAMPLES / "hrsnn.toml"
    report = hrsnn.energy(spec, arith="fixed", steps=STEPS)
    check_schema(report, STEPS)
    p = run_cli(cli, "energy", str(spec), "--arith", "fixed", "--steps", str(STEPS), "--out", str(tmp_path), "--quiet")
    assert p.returncode == 0, p.stderr
    assert report == json.loads((tmp_path / "energy.json").read_text())


def test_every_target_prices_the_same_counts(cli, tmp_path):
    spec = EXAMPLES / "mrsnn.toml"
    r = hrsnn.run(spec, steps=STEPS)
    of_result = hrsnn.energy(r)
    check_schema(of_result, STEPS)
    assert of_result["counts"] == r.counts
    assert hrsnn.energy(r.summary) == of_result
    assert hrsnn.energy(spec, steps=STEPS) == of_result
    out = tmp_path / "run"
    p = run_cli(cli, "run", str(spec), "--steps", str(STEPS), "--out", str(out), "--quiet")
    assert p.returncode == 0, p.stderr
    assert hrsnn.energy(out) == of_result
    assert hrsnn.energy(out / "summary.json") == of_result


def test_model_selection():
    names = hrsnn.energy_models()
    assert len(names) >= 2
    r = hrsnn.run(EXAMPLES / "mrsnn.toml", steps=50)
    one = hrsnn.energy(r, models=[names[0]])
    assert [m["model"] for m in one["models"]] == [names[0]]
    assert [m["model"] for m in hrsnn.energy(r, models=",".join(names[:2]))["models"]] == names[:2]
    with pytest.raises(ValueError, match="no-such-model"):
        hrsnn.energy(r, models=["no-such-model"])


def test_errors_raise_value_error(tmp_path):
    r = hrsnn.run(EXAMPLES / "mrsnn.toml", steps=50)
    with pytest.raises(ValueError, match="apply to a spec"):
        hrsnn.energy(r, steps=10)
    bad = dict(r.summary, format="something/2")
    with pytest.raises(hrsnn.ConfigError, match="hrsnn-run/1"):
        hrsnn.energy(bad)
    models = tmp_path / "models.toml"
    models.write_text("[[models]]\nname = 1\n")
    with pytest.raises(hrsnn.ConfigError, match=str(models)):
        hrsnn.energy(r, models_file=models)
