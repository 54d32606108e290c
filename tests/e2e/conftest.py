"""Helpers for the end-to-end tests: run the engine under mpiexec, read its file."""
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "bin" / "lmgsweep"
REFERENCE = ROOT / "tests" / "reference"  # independent reference values (README, What is computed)
sys.path.insert(0, str(ROOT / "postprocess"))
import lmgload  # noqa: E402
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_mpi_yield_when_idle="1")


def cmd(np_, *args):
    """The command line of an np_-rank run (np_ = 0: the binary alone, no mpiexec)."""
    base = [str(BIN)] if np_ == 0 else ["mpiexec", "-q", "-n", str(np_), "--oversubscribe", str(BIN)]
    return base + [str(a) for a in args]


def run(np_, *args, timeout=600):
    return subprocess.run(cmd(np_, *args), cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=timeout)


def spawn(np_, *args):
    """Start a run in its own process group (so a test can kill every rank at once)."""
    return subprocess.Popen(cmd(np_, *args), cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def statuses(f):
    """The status arrays of an open file, kind -> int8 array (the /status datasets with CF flags)."""
    return {k: f["status"][k][...] for k in f["status"] if "flag_values" in f["status"][k].attrs}


def messages(path, kind):
    """The /status/<kind>_message texts as a str array over the records."""
    with h5py.File(path, "r") as f:
        return lmgload._read(f["status"][f"{kind}_message"])


def records(path, group="spectrum"):
    """All datasets of a group as numpy arrays."""
    with h5py.File(path, "r") as f:
        return {k: f[group][k][...] for k in f[group]}


def assert_same(a, b, rtol=0.0):
    """Two record dicts equal (NaN == NaN), exactly or to rtol."""
    assert a.keys() == b.keys()
    for k in a:
        if a[k].dtype.kind == "f":
            np.testing.assert_allclose(a[k], b[k], rtol=rtol, atol=0, equal_nan=True, err_msg=k)
        else:
            np.testing.assert_array_equal(a[k], b[k], err_msg=k)


@pytest.fixture(scope="session")
def reference():
    return json.loads((REFERENCE / "benchmark_N370.json").read_text())
