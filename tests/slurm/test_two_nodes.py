"""Two Slurm nodes on localhost (tests/slurm/slurm.sh start2: n1 and n2 of 2 CPUs, each slurmd in its own mount
namespace with a private PMIx directory): a team spanning both nodes computes one full-space record, and
jobs/fullspace.sbatch runs a record longer than the job's time limit to its end over several requeues, each run
resuming it from its checkpoint."""
import re
import shutil
import subprocess
import tempfile
import time

import h5py
import numpy as np
import pytest

from test_slurm import BIN, FINAL, MPI_ENV, ROOT, SLURM_SH, Slurm

# N = 500 full: ~40 s on one core, longer than what a --time=1 job with --signal=B:USR1@55 leaves it (5-35 s)
LONG = "-N 500\n-gamma_over_J 0.95\n-gamma_phi 0.05\n-levels full\n-nev 4\n"


@pytest.fixture(scope="module")
def slurm2():
    conf_dir = tempfile.mkdtemp(prefix="lmgslurm.", dir="/tmp")
    p = subprocess.run(["bash", str(SLURM_SH), "start2", conf_dir], capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        shutil.rmtree(conf_dir, ignore_errors=True)
        pytest.skip("a two-node Slurm cannot start on this machine:\n" + p.stderr[-3000:])
    try:
        yield Slurm(conf_dir)
    finally:
        subprocess.run(["bash", str(SLURM_SH), "stop", conf_dir], timeout=60)
        shutil.rmtree(conf_dir, ignore_errors=True)


def mpiexec_reference(tmp_path, inputs, team):
    out = tmp_path / "ref.h5"
    p = subprocess.run(["mpiexec", "-q", "-n", str(team + 1), "--oversubscribe", str(BIN), "-options_file", str(inputs), "-team_size", str(team),
                        "-output", str(out)], cwd=ROOT, env=MPI_ENV, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    return out


def k3(path):
    with h5py.File(path, "r") as f:
        assert (f["status/dynamics"][...] == 1).all()
        return f["dynamics/K3"][...], f["dynamics/steps"][...]


def test_a_team_across_two_nodes(slurm2, tmp_path):
    """srun -N 2 -n 3: ranks 0, 1 on n1 and 2 on n2, so the team of ranks 1 and 2 spans the nodes; its full-space
    records (N = 150, 370) equal those of the same team under mpiexec on one node."""
    p = subprocess.run(["srun", "-N", "2", "-n", "3", "--mpi=pmix", "bash", "-c", "echo $SLURM_PROCID $SLURMD_NODENAME"],
                       env=slurm2.env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert sorted(p.stdout.split("\n")[:-1]) == ["0 n1", "1 n1", "2 n2"], p.stdout
    inputs = tmp_path / "two.opts"
    inputs.write_text("-N 150,370\n-gamma_over_J 0.95\n-gamma_phi 0.05\n-levels full\n-nev 4\n")
    out = tmp_path / "two.h5"
    p = subprocess.run(["srun", "-N", "2", "-n", "3", "--mpi=pmix", str(BIN), "-options_file", str(inputs), "-team_size", "2", "-output", str(out)],
                       env=slurm2.env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    a, sa = k3(out)
    b, sb = k3(mpiexec_reference(tmp_path, inputs, 2))
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
    assert (sa == sb).all()


def test_fullspace_job_outlasts_its_time_limit(slurm2, tmp_path):
    """jobs/fullspace.sbatch with --time=1 --signal=B:USR1@55 on both nodes: Slurm signals each run 5-35 s in, the record
    checkpoints and is abandoned, the job requeues itself, the next run resumes the record from its checkpoint; the
    finished record equals the uninterrupted one (the same team under mpiexec) to 1e-12, and no checkpoint is left."""
    inputs = tmp_path / "long.opts"
    inputs.write_text(LONG)
    jid = slurm2.sbatch(tmp_path, ROOT / "jobs" / "fullspace.sbatch", "long.opts", opts=("--nodes=2", "--time=1", "--signal=B:USR1@55"),
                        LMG_CHECKPOINT="5", LMG_DRAIN_GRACE="0")
    info = slurm2.wait(jid, timeout=600)
    log = (tmp_path / ("fullspace-%s.log" % jid)).read_text()
    assert info["JobState"] == "COMPLETED", (info, log)
    assert log.count("requeueing") >= 1 and "resumed from its checkpoint" in log and "complete: results/long.h5" in log, log
    assert "-team_size 2 -checkpoint_interval 5" in log, log
    a, sa = k3(tmp_path / "results" / "long.h5")
    b, sb = k3(mpiexec_reference(tmp_path, inputs, 2))
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
    assert (sa == sb).all()
    assert not (tmp_path / "results" / "long.h5.ckpt").exists()
