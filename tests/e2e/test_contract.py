"""The engine's contract with the person running it: unknown options stop the run before anything is written, records
not computed by design are skipped (not failed) and resumed only when their limit changed, -dry_run writes nothing,
and a drain ends in bounded time even with a record of hours in flight."""
import re
import signal
import subprocess
import time

import h5py
import numpy as np
import pytest

from conftest import ENV, cmd, lmgload, messages, run, sha, spawn

SMALL = ["-N", "40", "-levels", "2", "-gamma_phi", "0.1"]


def nothing_written(tmp_path):
    return list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("opt,val,near", [
    ("-gama_phi", "0.1", "-gamma_phi"),
    ("-threshhold", None, "-threshold"),
    ("-level", "2,5", "-levels"),
    ("-tau_gird", "0.1:1:3", "-tau_grid"),
    ("-dyn_ts_rtoll", "1e-9", "-dyn_ts_rtol"),
    ("-spectrum_eps_tool", "1e-9", "-spectrum_eps_tol"),
    ("-resum", None, "-resume"),
])
def test_unknown_option_on_the_command_line(tmp_path, opt, val, near):
    p = run(0, *SMALL, opt, *([val] if val else []), "-output", tmp_path / "x.h5")
    assert p.returncode == 2
    line = p.stderr.strip()
    assert "\n" not in line and f"unknown option {opt} (on the command line): did you mean {near}?" in line, line
    assert nothing_written(tmp_path)


def test_unknown_option_in_options_file_and_environment(tmp_path):
    (tmp_path / "in.opts").write_text("-N 40\n-levels 2\n-gama_phi 0.1\n")
    p = run(0, "-options_file", tmp_path / "in.opts", "-output", tmp_path / "x.h5")
    assert p.returncode == 2 and "unknown option -gama_phi (in an options file): did you mean -gamma_phi?" in p.stderr
    env = dict(ENV, PETSC_OPTIONS="-gamma_phii 3")
    p = subprocess.run(cmd(0, *SMALL, "-output", tmp_path / "y.h5"), env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and "unknown option -gamma_phii (in PETSC_OPTIONS): did you mean -gamma_phi?" in p.stderr
    assert (tmp_path / "in.opts").exists() and not (tmp_path / "x.h5").exists() and not (tmp_path / "y.h5").exists()


def test_unknown_option_leaves_an_existing_file_alone(tmp_path):
    path = tmp_path / "done.h5"
    assert run(0, *SMALL, "-output", path).returncode == 0
    before = sha(path)
    p = run(0, *SMALL, "-output", path, "-resume", "-gamma_phii", "1")
    assert p.returncode == 2 and "did you mean -gamma_phi?" in p.stderr
    assert sha(path) == before


@pytest.mark.parametrize("extra", [[], ["-team_size", "2"]])
def test_petsc_options_under_the_prefixes_are_known_on_every_rank_layout(tmp_path, extra):
    """Options read by PETSc/SLEPc objects on the workers only (never on the master) are accepted; typos are not."""
    ok = run(3, *SMALL, "-dyn_ts_rtol", "1e-9", "-spectrum_eps_tol", "1e-11", *extra, "-output", tmp_path / "a.h5")
    assert ok.returncode == 0, ok.stderr
    bad = run(3, *SMALL, "-spectrum_eps_tool", "1e-11", *extra, "-output", tmp_path / "b.h5")
    assert bad.returncode == 2 and "did you mean -spectrum_eps_tol?" in bad.stderr
    assert not (tmp_path / "b.h5").exists()


def test_petsc_refuses_a_value(tmp_path):
    p = run(0, *SMALL, "-dyn_ts_type", "nosuchmethod", "-output", tmp_path / "x.h5")
    assert p.returncode == 2 and "-dyn_ option is not accepted by PETSc's TS: Unknown TS type: nosuchmethod" in p.stderr
    assert nothing_written(tmp_path)


# N = 370 full needs ~300 estimated steps: above -dyn_max_steps 100 it is skipped, by design
LIMITED = ["-N", "100,370", "-gamma_over_J", "0.95", "-gamma_phi", "0.05", "-levels", "2,full"]


def test_summary_groups_reasons_and_keeps_the_numbers_of_one_example(tmp_path):
    """Two full-space records over -dyn_max_steps 10: one summary line for both (one reason), its example with the
    record's place and numbers as stored in the file, not digits masked."""
    p = run(0, *LIMITED, "-dyn_max_steps", 10, "-output", tmp_path / "g.h5")
    assert p.returncode == 0 and "0 failed, 2 skipped" in p.stderr, p.stderr
    lines = [x for x in p.stderr.splitlines() if "skipped, e.g." in x or "skipped:" in x]
    assert len(lines) == 1 and "#" not in lines[0], p.stderr
    m = re.search(r"2 dynamics records skipped, e\.g\. N = (\d+), Gamma/J = 0\.95, gamma_phi = 0\.05, full: (.*)$", lines[0])
    assert m, lines[0]
    idx = (0 if m.group(1) == "100" else 1, 0, 0, 1)
    assert messages(tmp_path / "g.h5", "dynamics")[idx] == m.group(2)
    assert re.fullmatch(r"needs ~[\d.]+e\+\d+ time steps \(2 max\(tau\) x the fastest rate resolved\) > -dyn_max_steps 10",
                        m.group(2)), m.group(2)


def test_skipped_is_not_failed_and_resumes_only_when_its_limit_changes(tmp_path):
    path = tmp_path / "lim.h5"
    p = run(0, *LIMITED, "-dyn_max_steps", 100, "-output", path)
    assert p.returncode == 0, p.stderr
    assert "0 failed, 1 skipped" in p.stderr
    assert re.search(r"1 dynamics record skipped: N = 370, Gamma/J = 0.95, gamma_phi = 0.05, full: needs ~[\d.e+]+ time "
                     r"steps .* > -dyn_max_steps 100", p.stderr), p.stderr
    with h5py.File(path, "r") as f:
        st = f["status/dynamics"][...]
        assert st[1, 0, 0, 1] == 3 and (st[0] == 1).all() and st[1, 0, 0, 0] == 1
        assert np.isnan(f["dynamics/K3_opt"][1, 0, 0, 1])
        assert f.attrs["limits"].startswith(b"dyn_max_steps=100;")
    assert "-dyn_max_steps 100" in messages(path, "dynamics")[1, 0, 0, 1]
    text = lmgload.summary(lmgload.load(path))
    assert "dynamics: 4 records: 3 done, 0 failed, 1 skipped, 0 pending" in text and "1 skipped: N=370" in text
    before = sha(path)
    p = run(0, *LIMITED, "-dyn_max_steps", 100, "-output", path, "-resume")  # the same limit: nothing to do
    assert p.returncode == 0 and "0 to compute" in p.stderr, p.stderr
    assert sha(path) == before, "a resume with nothing to do leaves the file's bytes as they were"
    p = run(0, *LIMITED, "-dyn_max_steps", 1e6, "-output", path, "-resume")  # a higher limit: the skipped record is computed
    assert p.returncode == 0, p.stderr
    assert "1 records skipped by a limit that changed are computed again" in p.stderr and "1 to compute" in p.stderr
    with h5py.File(path, "r") as f:
        assert (f["status/dynamics"][...] == 1).all() and np.isfinite(f["dynamics/K3_opt"][...]).all()
        assert f.attrs["limits"].startswith(b"dyn_max_steps=1000000;")


def dry(np_, *args):
    p = run(np_, *args, "-dry_run")
    assert p.returncode == 0, p.stderr
    return p.stdout


@pytest.mark.parametrize("np_", [0, 3])
def test_dry_run_writes_nothing_and_says_what_would_be_skipped(tmp_path, np_):
    grid = ["-N", "100,370,2000", "-gamma_over_J", "0.8,0.95", "-gamma_phi", "0,0.05", "-levels", "2,5", "-dyn_max_steps", "1e5",
            "-dyn_method", "stepper"]  # the time stepper's skips are known before (the exact propagation's only once computed)
    out = dry(np_, *grid, "-output", tmp_path / "x.h5")
    assert nothing_written(tmp_path)
    m = re.search(r"dynamics +24 records: (\d+) to compute, est\. .*; (\d+) would be skipped, 0 would fail:", out)
    assert m, out
    assert re.search(r"spectrum +6 records: 6 to compute", out) and re.search(r"threshold +12 records", out), out
    assert "needs ~" in out and "> -dyn_max_steps 100000" in out and "estimated wall time on" in out
    # the real run skips exactly those records
    path = tmp_path / "real.h5"
    p = run(np_, *grid, "-output", path)
    assert p.returncode == 0, p.stderr
    with h5py.File(path, "r") as f:
        st = f["status/dynamics"][...]
    assert int((st == 3).sum()) == int(m.group(2)) and int((st == 1).sum()) == int(m.group(1))


def test_dry_run_with_bad_input_is_an_error(tmp_path):
    p = run(0, "-N", "1", "-dry_run", "-output", tmp_path / "x.h5")
    assert p.returncode == 2 and "-N 1" in p.stderr and nothing_written(tmp_path)


def test_drain_abandons_a_record_of_hours(tmp_path):
    """The full space at N = 1000, Gamma/J = 0.95 takes hours: SIGUSR1 with -drain_grace 2 ends the run within
    seconds, exit 75, the record left pending in a closed, valid file."""
    path = tmp_path / "long.h5"
    proc = spawn(2, "-N", 1000, "-gamma_over_J", 0.95, "-gamma_phi", 0.05, "-levels", "full", "-drain_grace", 2,
                 "-progress", 0.2, "-output", path)
    for line in proc.stderr:  # the spectrum record is done; the dynamics record is in flight
        if re.search(r"1/3 done.*1/1 teams busy", line) or re.search(r"[12]/3 done", line):
            break
    time.sleep(1)
    t0 = time.time()
    proc.send_signal(signal.SIGUSR1)
    _, err = proc.communicate(timeout=60)
    took = time.time() - t0
    assert proc.returncode == 75, err
    assert took < 2 + 10, f"{took:.1f} s from SIGUSR1 to exit"
    assert "abandoned after the drain's grace of 2 s" in err and "rerun with -resume" in err, err
    with h5py.File(path, "r") as f:
        assert f["status/spectrum"][0, 0] == 1 and f["status/dynamics"][0, 0, 0, 0] == 0
        assert f.attrs["finished"].strip(b"\0") == b""


def hms(s):
    h, m, x = map(int, s.split(":"))
    return 3600 * h + 60 * m + x


def test_one_rank_reports_progress_from_inside_a_record(tmp_path):
    """One rank, a full-space record of seconds after its spectrum: progress lines every -progress seconds while the
    record runs, saying its team is busy, the record's time so far and its estimate, and an ETA not below what the
    estimate leaves of it."""
    p = run(0, "-N", 250, "-gamma_over_J", 0.95, "-gamma_phi", 0.05, "-levels", "full", "-progress", 0.1,
            "-output", tmp_path / "p.h5")
    assert p.returncode == 0, p.stderr
    lines = [x for x in p.stderr.splitlines() if re.search(r"\d+/3 done", x)]
    inside = [re.search(r"1/3 done.*1/1 teams busy, elapsed [\d:]+, ETA ([\d:]+), the record in hand ([\d:]+) of ~([\d:]+)", x)
              for x in lines]
    inside = [m for m in inside if m]
    assert len(inside) >= 2, p.stderr  # the record takes seconds: several lines from inside it
    assert not any("0/1 teams busy" in x for x in lines), p.stderr
    for m in inside:
        eta, spent, est = (hms(g) for g in m.groups())
        assert eta >= est - spent - 1, m.group(0)  # what is known to remain of the record (the threshold is ~0)


def test_eta_says_it_is_a_lower_bound_once_a_record_passes_its_estimate(tmp_path):
    """A record far slower than its estimate (PETSc's step tolerance 1e-12 where the estimate assumes the default): the
    progress lines from inside it say that the ETA is a lower bound, and no line says so before the record starts."""
    p = run(0, "-N", 200, "-gamma_over_J", 0.95, "-gamma_phi", 0.05, "-levels", "full", "-progress", 0.2,
            "-dyn_ts_rtol", 1e-12, "-dyn_ts_atol", 1e-12, "-output", tmp_path / "p.h5")
    assert p.returncode == 0, p.stderr
    inside = [x for x in p.stderr.splitlines() if re.search(r"1/3 done.*the record in hand", x)]
    spent = [hms(re.search(r"the record in hand ([\d:]+) of ~([\d:]+)", x).group(1)) for x in inside]
    est = [hms(re.search(r"the record in hand ([\d:]+) of ~([\d:]+)", x).group(2)) for x in inside]
    late = [x for x, s, e in zip(inside, spent, est) if s > e]  # rounded to seconds, s > e still means spent > estimate
    assert late, p.stderr  # the record runs seconds past its estimate
    assert all("(at least: a record in flight runs past its estimate)" in x for x in late), p.stderr
    assert not any("at least" in x for x in p.stderr.splitlines() if "0/3 done" in x), p.stderr
