"""Shared fixtures of the Python tests. CTest sets HRSNN_CLI (the hrsnn program of the same
build), HRSNN_SOURCE_DIR (the checkout) and PYTHONPATH (<build>/python)."""

import os
import pathlib
import subprocess

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("HRSNN_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
EXAMPLES = SOURCE_DIR / "examples"


@pytest.fixture(scope="session")
def cli() -> str:
    path = os.environ.get("HRSNN_CLI")
    if not path or not os.access(path, os.X_OK):
        pytest.fail("HRSNN_CLI must name the hrsnn program of this build (CTest sets it)")
    return path


def run_cli(cli_path: str, *args: str) -> subprocess.CompletedProcess:
    """Runs `hrsnn ARGS`; the sanitizer runtimes preloaded for this interpreter are not passed on
    (the program links its own)."""
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    return subprocess.run([cli_path, *args], capture_output=True, text=True, env=env, timeout=600)
