"""The cluster build: `make all PETSC_DIR=... SLEPC_DIR=...` as a user who is not root, with apt-get, dpkg and sudo
booby-trapped on PATH: it builds from the sources alone and calls none of them (only `make deps` installs packages)."""
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PETSC_DIR = "/usr/lib/petscdir/petsc3.18/x86_64-linux-gnu-complex"
SLEPC_DIR = "/usr/lib/slepcdir/slepc3.18/x86_64-linux-gnu-complex"
USER = "lmgbuild"


def build_user():
    """A user who is not root: the test's own account when it is not root, else `lmgbuild` (created once)."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid()).pw_name
    try:
        pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", USER], check=True)
    return USER


@pytest.fixture
def user_dir():
    """A directory the build user owns (pytest's own tmp_path is private to root)."""
    d = Path(tempfile.mkdtemp(prefix="lmgbuild-", dir="/tmp"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


def test_cluster_build_as_a_user_without_apt(user_dir):
    if not Path(PETSC_DIR, "lib", "pkgconfig").is_dir():
        pytest.skip(f"no PETSc at {PETSC_DIR} to stand in for a cluster module")
    user, tmp_path = build_user(), user_dir
    src = tmp_path / "src"
    src.mkdir()
    for part in ("Makefile", "src", "include", "tests"):
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copy)(ROOT / part, src / part)
    trap, log = tmp_path / "trap", tmp_path / "trap.log"
    trap.mkdir()
    for tool in ("apt-get", "apt", "dpkg", "dpkg-query", "sudo"):
        (trap / tool).write_text(f"#!/bin/sh\necho {tool} \"$@\" >> {log}\nexit 99\n")
        (trap / tool).chmod(0o755)
    log.write_text("")
    for p in (tmp_path, src, trap, log, *src.rglob("*")):
        shutil.chown(p, user)
    os.chmod(log, 0o666)
    env = {"HOME": str(tmp_path), "PATH": f"{trap}:/usr/bin:/bin", "LANG": "C"}
    run = ["runuser", "-u", user, "--"] if os.geteuid() == 0 else []
    p = subprocess.run(run + ["env", "-i", *[f"{k}={v}" for k, v in env.items()], "make", "-C", str(src), "-j2", "all",
                              f"PETSC_DIR={PETSC_DIR}", f"SLEPC_DIR={SLEPC_DIR}"], capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    assert log.read_text() == "", "the build called: " + log.read_text()
    assert (src / "bin" / "lmgsweep").exists() and (src / "bin" / "test_config").exists()
    h = subprocess.run(run + ["env", "-i", *[f"{k}={v}" for k, v in env.items()], str(src / "bin" / "lmgsweep"), "-N", "40", "-levels", "2",
                              "-dry_run"], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert h.returncode == 0 and "estimated wall time" in h.stdout, h.stderr
    # without PETSc where it looks: one line that says what to give, no compiler noise
    q = subprocess.run(run + ["env", "-i", *[f"{k}={v}" for k, v in env.items()], "make", "-C", str(src), "all", "PETSC_DIR=/nonexistent"],
                       capture_output=True, text=True, timeout=120)
    assert q.returncode != 0 and "PETSc/SLEPc (complex) not found" in q.stdout + q.stderr and "PETSC_DIR=" in q.stdout + q.stderr
