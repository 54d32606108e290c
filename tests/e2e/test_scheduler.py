"""The scheduler with two teams: no record waits behind a long one while the other team is free."""
import h5py
import numpy as np

from conftest import run


def test_no_batch_waits_behind_a_long_record(tmp_path):
    """One full-space record (~5-10 s, estimated above the scheduler's 1 s) among 38 k-level records (~1 s together):
    the team that computes the full record gets no batch ahead of it (the master declines its prefetch), so the other
    team computes every k-level record. Before, the prefetched batch of k-level records waited behind the full record
    (measured: 3 of them) while the other team idled."""
    out = tmp_path / "s.h5"
    levels = ",".join(str(k) for k in range(2, 21)) + ",full"
    r = run(3, "-N", 370, "-gamma_over_J", 0.95, "-gamma_phi", 0.05, "-levels", levels, "-output", out)
    assert r.returncode == 0, r.stderr
    with h5py.File(out, "r") as f:
        level = f["dynamics/level"][...]
        team = f["timing/dynamics_team"][...].reshape(-1, level.size)[0]
        tteam = f["timing/threshold_team"][...].reshape(-1, level.size)[0]
        assert (f["status/dynamics"][...] == 1).all() and (f["status/threshold"][...] == 1).all()
    full = team[level == 0][0]
    assert set(team.tolist()) | set(tteam.tolist()) == {0, 1}
    assert not np.any(team[level > 0] == full), f"k-level dynamics records computed by the full record's team {full}: {team}"
    assert not np.any(tteam[level > 0] == full), f"k-level threshold records computed by the full record's team {full}: {tteam}"
