"""End-to-end: the Lindblad dynamics and K3 (README (What is computed, §3)) against an independent QuTiP computation, the k = N+1
truncation against the full space, the two-level closed form at the benchmark, and kill -9 / -resume of a dynamics sweep."""
import re

import h5py
import numpy as np
import pytest
import qutip

from conftest import records, run, spawn, statuses
from test_resilience import kill_all

TAUS = [0.5, 1.0, 1.5]  # in units of tau_opt


def qutip_K3(N, gamma_over_J, gamma_phi, J, taus):
    """K3(tau) by quantum regression with mesolve, built only from qutip.jmat: H = -(2J/N) Jz^2 - 2 Gamma Jx,
    L = sqrt(gamma_phi) Jz, Q = sign(Jz), rho(0) = |E0><E0|. Returns K3 at taus * tau_opt and tau_opt = pi/(3 dE)."""
    j = N / 2
    Jz, Jx = qutip.jmat(j, "z"), qutip.jmat(j, "x")
    H = -(2 * J / N) * Jz * Jz - 2 * (gamma_over_J * J) * Jx
    Q = qutip.Qobj(np.diag(np.sign(np.diag(Jz.full()).real)))  # sign(m), 0 at m = 0
    c_ops = [np.sqrt(gamma_phi) * Jz] if gamma_phi > 0 else []
    E = H.eigenenergies()
    tau_opt = np.pi / (3 * (E[1] - E[0]))
    _, psi0 = H.groundstate()
    rho0 = psi0 * psi0.dag()
    # no OpenMP: its spinning threads make mesolve 10-30x slower when the 2 cores are shared with the engine
    opt = qutip.Options(atol=1e-12, rtol=1e-10, nsteps=10**7, use_openmp=False)
    t = np.asarray(taus, float) * tau_opt

    def evolve(X, times):  # e^{L t} X at the given times (X need not be a density matrix: the map is linear)
        return qutip.mesolve(H, X, np.concatenate(([0.0], times)), c_ops, [], options=opt).states[1:]

    def C(states):
        return np.array([(Q * X).tr().real for X in states])

    rhos = evolve(rho0, t)
    ts = np.unique(np.concatenate((t, 2 * t)))
    c0 = dict(zip(ts, C(evolve(Q * rho0, ts))))
    c_0_tau = np.array([c0[x] for x in t])
    c_0_2tau = np.array([c0[2 * x] for x in t])
    c_tau_2tau = np.array([C(evolve(Q * r, [ti]))[0] for r, ti in zip(rhos, t)])
    return c_0_tau + c_tau_2tau - c_0_2tau, tau_opt


def test_qutip_propagates_a_non_hermitian_operator():
    """The reference relies on mesolve evolving X = Q rho (not Hermitian) linearly: check it against expm of the
    Liouvillian on a small case."""
    Jz, Jx = qutip.jmat(1.5, "z"), qutip.jmat(1.5, "x")
    H = -(2 / 3) * Jz * Jz - 1.8 * Jx
    c_ops = [np.sqrt(0.3) * Jz]
    _, psi = H.groundstate()
    X = qutip.Qobj(np.diag(np.sign(np.diag(Jz.full()).real))) * psi * psi.dag()
    assert not X.isherm
    opt = qutip.Options(atol=1e-12, rtol=1e-10, nsteps=10**6)
    got = qutip.mesolve(H, X, [0.0, 1.3], c_ops, [], options=opt).states[-1].full()
    want = qutip.vector_to_operator((1.3 * qutip.liouvillian(H, c_ops)).expm() * qutip.operator_to_vector(X)).full()
    np.testing.assert_allclose(got, want, atol=1e-9, rtol=0)


# (N, Gamma/J, gamma_phi > 0): gamma_phi chosen so that kappa tau_opt = gamma_phi J01^2 tau_opt ~ 0.3-2, i.e. the
# dephasing visibly changes K3 over the grid; odd N included (no m = 0 state, Q has no kernel).
CASES = [
    (12, 0.7, 0.005),
    (20, 0.9, 0.05),
    (21, 0.9, 0.008),
    (21, 1.2, 0.04),
    (30, 1.2, 0.03),
]


@pytest.mark.parametrize("N,g,gphi", CASES, ids=["N%d-g%g-gphi%g" % c for c in CASES])
def test_full_space_K3_against_qutip(tmp_path, N, g, gphi):
    path = tmp_path / "full.h5"
    p = run(0, "-N", N, "-gamma_over_J", g, "-gamma_phi", "0,%r" % gphi, "-levels", "full",
            "-tau_grid", ",".join(map(str, TAUS)), "-J", 1, "-output", path)
    assert p.returncode == 0, p.stderr
    with h5py.File(path, "r") as f:
        assert (f["status/dynamics"][...] == 1).all(), f["status/dynamics_message"][...]
        np.testing.assert_array_equal(f["dynamics/tau_over_tau_opt"][...], TAUS)
        K3 = f["dynamics/K3"][0, 0, :, 0, :]
        tau_opt = f["dynamics/tau_opt"][0, 0, :, 0]
        dE = f["spectrum/dE"][0, 0]
    K3_ref = []
    for i, gp in enumerate([0.0, gphi]):
        ref, t_opt = qutip_K3(N, g, gp, 1.0, TAUS)
        np.testing.assert_allclose(tau_opt[i], t_opt, rtol=1e-10, atol=0)
        np.testing.assert_allclose(tau_opt[i], np.pi / (3 * dE), rtol=1e-14, atol=0)
        np.testing.assert_allclose(K3[i], ref, rtol=0, atol=1e-6, err_msg="gamma_phi = %g" % gp)
        K3_ref.append(ref)
    assert np.abs(K3_ref[1] - K3_ref[0]).max() > 0.05  # the dephasing case tests the dissipator, not only H


@pytest.mark.parametrize("N", [12, 13])
def test_k_equals_N_plus_1_matches_full(tmp_path, N):
    """The k = N+1 model (whole matrices from SLEPc's eigenvectors) and the full space (packed triangles from the
    sectors' dstevd) at tight tolerances (measured 1.5e-12 apart; at the defaults each is ~3e-7 from these)."""
    path = tmp_path / "kfull.h5"
    p = run(0, "-N", N, "-gamma_over_J", "0.8,1.1", "-gamma_phi", "0,0.02,0.2", "-levels", "%d,full" % (N + 1),
            "-J", 1, "-dyn_ts_rtol", 1e-12, "-dyn_ts_atol", 1e-14, "-output", path)
    assert p.returncode == 0, p.stderr
    with h5py.File(path, "r") as f:
        assert list(f["dynamics/level"][...]) == [N + 1, 0]
        assert (f["status/dynamics"][...] == 1).all(), f["status/dynamics_message"][...]
        K3, K3_opt = f["dynamics/K3"][...], f["dynamics/K3_opt"][...]
    assert np.isfinite(K3).all()
    np.testing.assert_allclose(K3[:, :, :, 0], K3[:, :, :, 1], rtol=0, atol=1e-10)
    np.testing.assert_allclose(K3_opt[:, :, :, 0], K3_opt[:, :, :, 1], rtol=0, atol=1e-10)


def test_two_level_closed_form_in_file(tmp_path, reference):
    path = tmp_path / "k2.h5"
    p = run(0, "-N", 370, "-gamma_over_J", 0.95, "-levels", 2, "-gamma_phi", "0,0.05", "-output", path)
    assert p.returncode == 0, p.stderr
    with h5py.File(path, "r") as f:
        assert (f["status/dynamics"][...] == 1).all(), f["status/dynamics_message"][...]
        x = f["dynamics/tau_over_tau_opt"][...]
        gphi = f["dynamics/gamma_phi"][...]
        K3 = f["dynamics/K3"][0, 0, :, 0, :]
        K3_opt = f["dynamics/K3_opt"][0, 0, :, 0]
        tau_opt = f["dynamics/tau_opt"][0, 0, :, 0]
        q01, J01, dE = (f["spectrum/" + k][0, 0] for k in ("q01", "J01", "dE"))
    lg = reference["leggett_garg"]
    np.testing.assert_allclose(K3_opt, [lg["k2_gamma0_K3_opt"], lg["k2_gamma0.05_K3_opt"]], rtol=0, atol=2e-6)
    np.testing.assert_allclose(tau_opt, np.pi / (3 * dE), rtol=1e-14)
    assert len(x) == 200 and np.isclose(x[0], 0.01) and np.isclose(x[-1], 2.0)
    for i, gp in enumerate(gphi):
        kappa = gp * J01**2
        omega = np.sqrt(dE**2 - kappa**2)

        def C(t):
            return q01**2 * np.exp(-kappa * t) * (np.cos(omega * t) + kappa / omega * np.sin(omega * t))

        tau = x * np.pi / (3 * dE)
        np.testing.assert_allclose(K3[i], 2 * C(tau) - C(2 * tau), rtol=0, atol=1e-6, err_msg="gamma_phi = %g" % gp)
        if gp == 0:
            np.testing.assert_allclose(K3[i], q01**2 * (2 * np.cos(dE * tau) - np.cos(2 * dE * tau)), rtol=0, atol=1e-6)


# 2 spectra and 2 x 15 x 4 = 120 dynamics records of 1-300 ms (plus any per-level threshold records): ~7 s on 2 ranks
SWEEP = ["-N", "100,200", "-gamma_over_J", "0.95", "-gamma_phi", "0:0.5:15", "-levels", "2,5,10,20", "-progress", "0.1"]


def not_done(path):
    """Records not done over every /status dataset (spectrum, dynamics, and any other record kind the file has)."""
    with h5py.File(path, "r") as f:
        return sum(int(((s == 0) | (s == 2)).sum()) for s in statuses(f).values())


def wait_third(proc):
    """Read progress lines until a third of the records are done; returns (done, total)."""
    for line in proc.stderr:
        m = re.search(r"(\d+)/(\d+) done", line)
        if m and 3 * int(m.group(1)) >= int(m.group(2)):
            return int(m.group(1)), int(m.group(2))
    raise AssertionError("the run ended before a third of its records were done")


def test_dynamics_kill9_then_resume(tmp_path):
    ref = tmp_path / "reference.h5"
    p = run(2, *SWEEP, "-output", ref)
    assert p.returncode == 0, p.stderr
    assert not_done(ref) == 0

    path = tmp_path / "killed_dynamics.h5"
    proc = spawn(2, *SWEEP, "-output", path)
    done, total = wait_third(proc)
    kill_all(path)
    proc.wait()
    assert total >= 122 and done < total
    with h5py.File(path, "r") as f:
        st = f["status/dynamics"][...]
        K3, K3_opt, tau_opt = f["dynamics/K3"][...], f["dynamics/K3_opt"][...], f["dynamics/tau_opt"][...]
    assert 0 < (st == 1).sum() < st.size, st
    assert np.isfinite(K3[st == 1]).all() and np.isfinite(K3_opt[st == 1]).all() and np.isfinite(tau_opt[st == 1]).all()
    # (no check that status-0 records are NaN: a record killed between its data and its status write is legitimately both)
    pending = not_done(path)
    assert 0 < pending < total

    p = run(2, *SWEEP, "-output", path, "-resume")
    assert p.returncode == 0, p.stderr
    m = re.search(r"(\d+) to compute", p.stderr)
    assert m and int(m.group(1)) == pending, p.stderr
    a, b = records(ref, "dynamics"), records(path, "dynamics")
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)  # exact; NaN == NaN for floats
    assert not_done(path) == 0
