"""A team of ranks computes one full-space record together (the full space distributed over the team by blocks of
columns): the same values as teams of one, the memory limit per rank, and a record skipped for memory on teams of one
that a -resume with larger teams computes."""
import re

import numpy as np

from conftest import lmgload, messages, records, run

GRID = ("-N", "61,150", "-gamma_over_J", 0.95, "-gamma_phi", "0.05", "-levels", "2,full", "-nev", 4,
        "-tau_grid", "0.5:1.5:5", "-lz_tq", "0.5,1", "-full_method", "whole")  # the sweep of rho distributed over the team


def test_teams_of_two_and_three_give_the_values_of_teams_of_one(tmp_path):
    """K3 (full space and k = 2) and the Landau-Zener sweep of rho: teams of 2 (5 ranks) and 3 (4 ranks) against two
    teams of one (3 ranks), to 1e-10 (absolute for probabilities and K3, relative for times; the spectrum solve is
    shared by the team too, and its dE differs across team sizes at 1e-13)."""
    out = {}
    for np_, team in ((3, 1), (5, 2), (4, 3)):
        path = tmp_path / f"t{team}.h5"
        p = run(np_, *GRID, "-team_size", team, "-output", path)
        assert p.returncode == 0, p.stderr
        out[team] = (records(path, "dynamics"), records(path, "landau_zener"), lmgload.load(path))
    for team in (2, 3):
        for g in (0, 1):
            a, b = out[team][g], out[1][g]
            for k in a:
                if a[k].dtype.kind == "f" and k not in ("tau", "tau_over_tau_opt"):
                    np.testing.assert_allclose(a[k], b[k], rtol=1e-10, atol=1e-10, equal_nan=True, err_msg=f"team {team}: {k}")
        st = out[team][2].status
        assert (st["dynamics"].data == 1).all() and (st["landau_zener"].data == 1).all(), "every record done"
    assert np.isfinite(out[2][0]["K3"]).all()


def test_memory_per_rank_and_a_larger_team_on_resume(tmp_path):
    """N = 300 full: ~32 MB on one rank, ~17 MB on each of two (336 n^2 / ranks + 6 n^2 + the halo); -dyn_max_gb 0.025 skips it on teams of one with the team
    size that would hold it, and a -resume on teams of two computes it (the k = 2 record is not computed again)."""
    path = tmp_path / "m.h5"
    base = ("-N", 300, "-gamma_over_J", 0.95, "-gamma_phi", 0.05, "-levels", "2,full", "-nev", 4, "-tau_grid", 1,
            "-dyn_max_gb", 0.025, "-output", path)
    p = run(2, *base)
    assert p.returncode == 0, p.stderr
    msg = messages(path, "dynamics")[0, 0, 0, 1]
    assert re.search(r"needs ~0.0\d+ GB per rank on a team of 1 > -dyn_max_gb 0.025 \(a -team_size of 2 would hold it\)", msg), msg
    dry = run(3, *base, "-team_size", 2, "-resume", "-dry_run")
    assert dry.returncode == 0, dry.stderr
    assert re.search(r"dynamics +2 records: 2 to compute, .* peak memory 1[67] MB per rank", dry.stdout), dry.stdout
    k2 = records(path, "dynamics")["K3"][0, 0, 0, 0]
    p = run(3, *base, "-team_size", 2, "-resume")
    assert p.returncode == 0, p.stderr
    assert "1 records skipped by a limit that changed are computed again" in p.stderr, p.stderr
    r = lmgload.load(path)
    assert (r.status["dynamics"].data == 1).all(), messages(path, "dynamics")
    d = records(path, "dynamics")
    assert d["K3"][0, 0, 0, 0] == k2 and np.isfinite(d["K3"][0, 0, 0, 1]) and 1 < d["K3_opt"][0, 0, 0, 1] < 1.5


def test_decoherence_modes_on_a_team(tmp_path):
    """The full-space decoherence modes (SLEPc GD on the team's communicator) on teams of 2 (3 ranks) against teams of
    one (2 ranks): each eigenvalue to what the two solves' stored residuals allow (Bauer-Fike: |d lambda| <= kappa |r|
    |lambda| with kappa <= 100, at least 1e-9 relative, as tests/unit/lmgtest.h's LmgEigenvalueReach: the solver
    promises a residual, not an eigenvalue; the gap's differs by 8e-8 on some machines), the modes' weights to 1e-6
    (the eigensolver's tolerance on the vectors; measured <= 1e-7); the k = 2 records by the team's first rank, equal."""
    out = {}
    for np_, team in ((2, 1), (3, 2)):
        path = tmp_path / f"r{team}.h5"
        p = run(np_, "-N", "40,100", "-gamma_over_J", 0.95, "-gamma_phi", "0.05,2", "-levels", "2,full", "-nev", 4,
                "-dynamics", 0, "-rates", 1, "-team_size", team, "-output", path)
        assert p.returncode == 0, p.stderr
        assert (lmgload.load(path).status["decoherence"].data == 1).all(), messages(path, "decoherence")
        out[team] = records(path, "decoherence")
    a, b = out[2], out[1]
    reach = np.maximum(1e-9, 100 * (a["residual"] + b["residual"]))  # [.., rate]: slow, fast, population, gap
    lam01 = np.hypot(b["rate_01"], b["freq_01"])
    for k, bound in (("rate_01", reach[..., :2] * lam01), ("freq_01", reach[..., :2] * lam01),
                     ("rate_population", reach[..., 2] * b["rate_population"]),
                     ("liouvillian_gap", reach[..., 3] * b["liouvillian_gap"])):
        assert (np.abs(a[k] - b[k]) <= bound).all(), (k, a[k], b[k], bound)
    for k in ("weight_01", "population_overlap"):
        np.testing.assert_allclose(a[k], b[k], rtol=0, atol=1e-6, err_msg=k)
    assert np.isfinite(a["rate_01"]).all() and (a["rate_01"] > 0).all()
