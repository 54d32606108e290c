"""The engine's launch check without a Slurm: the environment of a job step whose tasks did not join one MPI job
(srun without a working --mpi plugin gives P singletons) stops the run with one line, exit 2, and no file."""
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "bin" / "lmgsweep"
GRID = ["-N", "100", "-levels", "2"]
SLURM_VARS = ("SLURM_STEP_NUM_TASKS", "SLURM_NTASKS", "SLURM_PROCID", "OMPI_COMM_WORLD_SIZE", "PMI_SIZE")


def env(**kv):
    e = {k: v for k, v in os.environ.items() if k not in SLURM_VARS}
    e.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", **kv)
    return e


def run(args, **kv):
    return subprocess.run(args, cwd=ROOT, env=env(**kv), capture_output=True, text=True, timeout=120)


def test_singleton_task_zero_says_one_line(tmp_path):
    out = tmp_path / "s.h5"
    p = run([str(BIN), *GRID, "-output", str(out)], SLURM_NTASKS="4", SLURM_STEP_NUM_TASKS="4", SLURM_PROCID="0")
    assert p.returncode == 2
    assert p.stderr.startswith("lmgsweep: error: MPI has 1 rank but Slurm started 4 tasks in this job step: each task is a singleton")
    assert p.stderr.count("\n") == 1 and "--mpi=pmix" in p.stderr and p.stdout == ""
    assert not out.exists()


def test_singleton_other_tasks_are_silent(tmp_path):
    out = tmp_path / "s.h5"
    p = run([str(BIN), *GRID, "-output", str(out)], SLURM_NTASKS="4", SLURM_STEP_NUM_TASKS="4", SLURM_PROCID="3")
    assert p.returncode == 2 and p.stderr == "" and not out.exists()


def test_existing_file_untouched(tmp_path):
    """Even with -resume, a singleton opens nothing."""
    out = tmp_path / "s.h5"
    out.write_bytes(b"not touched")
    p = run([str(BIN), *GRID, "-output", str(out), "-resume"], SLURM_STEP_NUM_TASKS="2", SLURM_PROCID="0")
    assert p.returncode == 2 and "Slurm started 2 tasks" in p.stderr
    assert out.read_bytes() == b"not touched"


def test_launch_check_off(tmp_path):
    out = tmp_path / "s.h5"
    p = run([str(BIN), *GRID, "-output", str(out), "-launch_check", "0"], SLURM_STEP_NUM_TASKS="4", SLURM_PROCID="0")
    assert p.returncode == 0, p.stderr
    assert out.exists()


def test_mpirun_inside_a_step_is_fine(tmp_path):
    """mpirun's ranks under a step of other size (mpirun's daemons are the step's tasks): mpirun says the size."""
    out = tmp_path / "s.h5"
    p = run(["mpiexec", "-q", "-n", "2", "--oversubscribe", str(BIN), *GRID, "-output", str(out)], SLURM_STEP_NUM_TASKS="4", SLURM_PROCID="0")
    assert p.returncode == 0, p.stderr
    assert out.exists()
