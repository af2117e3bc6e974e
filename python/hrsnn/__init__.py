"""hrsnn for Python: specs in, NumPy arrays and dicts out (docs/python.md).

    import hrsnn
    spec = hrsnn.load_spec("examples/hrsnn.toml")
    r = hrsnn.run(spec, arith="fixed", steps=500, probe=[0, 1])
    r.spikes            # (n, 2) uint64: step, neuron (as `hrsnn run --spikes npy`)
    r.u, r.v            # (samples, probes) float64, physical units
    r.summary           # the hrsnn-run/1 summary `hrsnn run` writes, as a dict
    hrsnn.energy(r)     # the hrsnn-energy/1 report `hrsnn energy` writes, as a dict

The simulation runs in the C++ library with the GIL released. This layer turns the
extension's buffers into NumPy arrays and its JSON text into dicts, so the extension never
depends on NumPy's C API.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Union

import numpy as np

from . import _hrsnn
from ._hrsnn import ConfigError, Spec

__all__ = [
    "ConfigError",
    "SpecError",
    "Spec",
    "RunResult",
    "load_spec",
    "parse_spec",
    "run",
    "energy",
    "energy_models",
    "raster_hash",
    "from_nir",
    "to_nir",
]

# A spec error is a ConfigError (a ValueError whose message is "file:line: key: what", with
# .file, .line, .key and .detail); the name spec code uses.
SpecError = ConfigError

PathLike = Union[str, "os.PathLike[str]"]


def _looks_like_toml(text: str) -> bool:
    return "\n" in text or "=" in text or text.lstrip().startswith("[")


def load_spec(source: Union[PathLike, Spec]) -> Spec:
    """Reads and validates a network spec.

    `source` is a path (str or os.PathLike) to a TOML file, or TOML text itself (a str holding a
    newline, '=' or a table header that names no existing file). A Spec is returned as is.
    Errors raise ConfigError (a ValueError) with the CLI's text: "file:line: key: what".
    """
    if isinstance(source, Spec):
        return source
    if isinstance(source, os.PathLike):
        return _hrsnn.load_spec(os.fspath(source))
    if not isinstance(source, str):
        raise TypeError(f"load_spec: expected a path, TOML text or a Spec, got {type(source).__name__}")
    if os.path.exists(source) or not _looks_like_toml(source):
        return _hrsnn.load_spec(source)
    return _hrsnn.parse_spec(source, "<string>")


def parse_spec(text: str, source_name: str = "<string>") -> Spec:
    """Parses spec TOML text; errors name `source_name` in place of a file."""
    return _hrsnn.parse_spec(text, source_name)


def _array(buffer: Any, dtype: Any) -> np.ndarray:
    # The extension's Buffer lends its memory through the buffer protocol: no copy, and the
    # array keeps the buffer alive.
    a = np.asarray(memoryview(buffer))
    return a if a.dtype == dtype else a.view(dtype)


@dataclass
class RunResult:
    """A run's outputs, as `hrsnn run` writes them.

    spike_steps, spike_neurons: the raster, one entry per spike in step order (uint64, uint32).
    probe_ids: the probed neurons; probe_steps: the sampled steps (uint64, shape (samples,)).
    u, v: the probed neurons' state, float64 of shape (samples, len(probe_ids)), in physical
      units (the fixed core's registers divided by voltage_scale, as probes.csv has them).
    summary: the hrsnn-run/1 summary (dict); counts: its event counts (summary["counts"]).
    """

    spike_steps: np.ndarray
    spike_neurons: np.ndarray
    probe_ids: np.ndarray
    probe_steps: np.ndarray
    u: np.ndarray
    v: np.ndarray
    voltage_scale: float
    summary: Dict[str, Any]
    counts: Dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.counts = self.summary["counts"]

    @property
    def spikes(self) -> np.ndarray:
        """The raster as an (n, 2) uint64 array of (step, neuron), as `hrsnn run --spikes npy`."""
        return np.column_stack((self.spike_steps, self.spike_neurons.astype(np.uint64))).reshape(-1, 2)

    @property
    def raster_hash(self) -> str:
        """The raster's FNV-1a hash as `hrsnn run` prints it (16 hex digits)."""
        return self.summary["raster_hash"]

    @property
    def population_counts(self) -> Dict[str, Dict[str, int]]:
        """Event counts per population name."""
        return {p["name"]: p["counts"] for p in self.summary["populations"]}

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"RunResult({s['arith']}, {s['steps']} steps, {self.spike_steps.size} spikes, "
            f"{len(self.probe_ids)} probes, raster hash {s['raster_hash']})"
        )


def _check_steps(steps: Optional[int]) -> Optional[int]:
    # The CLI's range for --steps.
    if steps is None:
        return None
    steps = int(steps)
    if not 1 <= steps <= 10**12:
        raise ValueError(f"steps must be in [1, 1e12], got {steps}")
    return steps


def _probe_list(probe: Union[None, int, Iterable[int]]) -> List[int]:
    if probe is None:
        return []
    if isinstance(probe, (int, np.integer)):
        return [int(probe)]
    ids = [int(p) for p in probe]
    for p in ids:
        if p < 0:
            raise ValueError(f"probe: neuron ids are >= 0, got {p}")
    return ids


def run(
    spec: Union[PathLike, Spec],
    arith: str = "float64",
    steps: Optional[int] = None,
    seed: Optional[int] = None,
    probe: Union[None, int, Iterable[int]] = None,
    probe_every: int = 1,
    threads: int = 1,
    record_spikes: bool = True,
) -> RunResult:
    """Simulates a spec exactly as `hrsnn run` does (same network, input, backend, counters).

    arith: "float64" (or "float"), "float32" or "fixed". steps, seed: override the spec's
    [simulation] values. probe: neuron ids whose u and v are sampled every probe_every steps.
    threads: threads simulating the network together (every result is bit-identical for every
    count). The GIL is released while the network is simulated; Ctrl-C ends the run.
    """
    s = load_spec(spec)
    ids = _probe_list(probe)
    out = _hrsnn.run(s, arith, _check_steps(steps), seed, ids, int(probe_every), int(threads), bool(record_spikes))
    return _result(out)


def _result(out: Any) -> RunResult:
    """The RunResult of the extension's run / run_nir output (buffers and JSON text)."""
    summary = json.loads(out["summary"])
    n_probes = len(out["probe_ids"])
    probe_steps = _array(out["probe_steps"], np.uint64)
    shape = (probe_steps.size, n_probes)
    return RunResult(
        spike_steps=_array(out["spike_steps"], np.uint64),
        spike_neurons=_array(out["spike_neurons"], np.uint32),
        probe_ids=np.asarray(out["probe_ids"], dtype=np.uint32),
        probe_steps=probe_steps,
        u=_array(out["probe_u"], np.float64).reshape(shape),
        v=_array(out["probe_v"], np.float64).reshape(shape),
        voltage_scale=float(out["voltage_scale"]),
        summary=summary,
    )


def _model_list(models: Union[None, str, Sequence[str]]) -> List[str]:
    if models is None:
        return []
    if isinstance(models, str):
        return [m for m in models.split(",") if m]
    return list(models)


def energy(
    target: Union[RunResult, Dict[str, Any], PathLike, Spec],
    models: Union[None, str, Sequence[str]] = None,
    models_file: Optional[PathLike] = None,
    arith: Optional[str] = None,
    steps: Optional[int] = None,
    seed: Optional[int] = None,
    threads: int = 1,
) -> Dict[str, Any]:
    """The energy report `hrsnn energy` writes (format hrsnn-energy/1), as a dict.

    target: a RunResult of hrsnn.run or its summary dict; a run directory written by `hrsnn run`
    (or its summary.json); or a spec (a Spec, a .toml path or TOML text), which is run first
    (arith, steps, seed and threads apply to a spec only, as in the CLI).
    models: model names (default: every model of the file); models_file: the models TOML
    (default: the shipped data/energy/models.toml).
    """
    names = _model_list(models)
    mfile = os.fspath(models_file) if models_file is not None else None
    summary: Optional[Dict[str, Any]] = None
    if isinstance(target, RunResult):
        summary = target.summary
    elif isinstance(target, dict):
        summary = target
    run_dir = None
    if isinstance(target, (str, os.PathLike)):
        p = os.fspath(target)
        if os.path.isdir(p) or (os.path.isfile(p) and not p.endswith(".toml")):
            run_dir = p
    if summary is not None or run_dir is not None:
        if arith is not None or steps is not None or seed is not None:
            raise ValueError("energy: arith, steps and seed apply to a spec; a run has already been run")
        if summary is not None:
            text = _hrsnn.energy_of_summary(json.dumps(summary), "<summary>", names, mfile)
        else:
            text = _hrsnn.energy_of_run_dir(run_dir, names, mfile)
    else:
        s = load_spec(target)
        text = _hrsnn.energy_of_spec(s, arith or "float64", _check_steps(steps), seed, int(threads), names, mfile)
    return json.loads(text)


def energy_models(models_file: Optional[PathLike] = None) -> List[str]:
    """Names of the spiking-chip energy models of a models file (default: the shipped one)."""
    return _hrsnn.energy_model_names(os.fspath(models_file) if models_file is not None else None)


def raster_hash(spike_steps: np.ndarray, spike_neurons: np.ndarray) -> str:
    """FNV-1a over the (step, neuron) pairs, each as 8 little-endian bytes: the raster hash
    `hrsnn run` prints, computed here in Python (for rasters built or edited outside hrsnn)."""
    steps = np.asarray(spike_steps, dtype="<u8")
    neurons = np.asarray(spike_neurons).astype("<u8")
    data = np.column_stack((steps, neurons)).reshape(-1).tobytes()
    h = 0xCBF29CE484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def from_nir(
    path: PathLike,
    dt_ms: float,
    time_unit: str = "ms",
    input: Optional[PathLike] = None,
    steps: Optional[int] = None,
    arith: str = "float64",
    seed: Optional[int] = None,
    probe: Union[None, int, Iterable[int]] = None,
    probe_every: int = 1,
    threads: int = 1,
    record_spikes: bool = True,
) -> RunResult:
    """Runs a NIR model (HDF5) exactly as `hrsnn run MODEL.nir --dt-ms D` does (docs/nir.md).

    dt_ms: the step, in the file's time unit (time_unit "ms", or "s" for files in seconds, as
    snnTorch writes them). input: a .npy array, steps x input columns (None: zeros; then steps is
    needed). Errors name the file, the node and the reason (RuntimeError / ValueError).
    """
    if not hasattr(_hrsnn, "run_nir"):
        raise NotImplementedError("hrsnn.from_nir: this build of hrsnn has no NIR support")
    ids = _probe_list(probe)
    out = _hrsnn.run_nir(os.fspath(path), float(dt_ms), str(time_unit), "" if input is None else os.fspath(input),
                         _check_steps(steps), arith, seed, ids, int(probe_every), int(threads), bool(record_spikes))
    return _result(out)


def to_nir(spec: Union[PathLike, Spec], path: PathLike, snapshot_after: Optional[int] = None) -> List[str]:
    """Writes a spec's network as a NIR file (as `hrsnn run SPEC --export-nir FILE`).

    What has no NIR form (STDP, refractory periods, spike encoders, delays > 1 are refused) raises
    RuntimeError; with snapshot_after=N the weights after N float64 steps are exported instead and
    the omissions are returned (and stored in the file's metadata group).
    """
    if not hasattr(_hrsnn, "to_nir"):
        raise NotImplementedError("hrsnn.to_nir: this build of hrsnn has no NIR support")
    return list(_hrsnn.to_nir(load_spec(spec), os.fspath(path), snapshot_after))
