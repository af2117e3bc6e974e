"""hrsnn.from_nir / hrsnn.to_nir: a NIR file written by the independent h5py writer of
tests/data/nir/make_nir_files.py runs to the raster of its own NumPy simulation, a spec exported
to NIR and read back spikes as the spec does, and what has no NIR form is refused."""

import numpy as np
import pytest

import hrsnn
from conftest import SOURCE_DIR

NIR_DATA = SOURCE_DIR / "tests" / "data" / "nir"

def test_from_nir_gives_the_raster_of_the_independent_numpy_simulation():
    r = hrsnn.from_nir(NIR_DATA / "cuba_recurrent.nir", dt_ms=1.0, input=NIR_DATA / "cuba_recurrent.input.npy")
    expected = np.load(NIR_DATA / "cuba_recurrent.expected.npy")
    assert expected.shape[0] > 100
    assert r.spikes.shape == expected.shape
    assert np.array_equal(r.spikes.astype(np.int64), expected)
    assert r.summary["nir"]["time_unit"] == "ms"


def test_to_nir_then_from_nir_spikes_as_the_spec(tmp_path):
    # No STDP, no refractory period, bias drive, a 2-step delay (a NIR Delay node).
    spec = hrsnn.load_spec(NIR_DATA / "static_net.toml")
    direct = hrsnn.run(spec)
    assert direct.spike_steps.size > 100
    omitted = hrsnn.to_nir(spec, tmp_path / "net.nir")
    assert omitted == []
    back = hrsnn.from_nir(tmp_path / "net.nir", dt_ms=0.5, steps=400)
    assert back.raster_hash == direct.raster_hash
    assert np.array_equal(back.spikes, direct.spikes)


def test_nir_errors_are_python_exceptions(tmp_path):
    with pytest.raises(RuntimeError, match="unknown"):
        hrsnn.from_nir(NIR_DATA / "bad_unknown_type.nir", dt_ms=1.0, steps=10)
    # STDP has no NIR form: refused, with the reason.
    with pytest.raises(RuntimeError, match="STDP"):
        hrsnn.to_nir(SOURCE_DIR / "examples" / "hrsnn.toml", tmp_path / "plastic.nir")
