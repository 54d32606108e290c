#!/usr/bin/env bash
# make bench: doublet extraction (lowest 4 eigenpairs, 2 per parity sector) against scipy eigh_tridiagonal(select='i'),
# both timed in this run (best of 3), at Gamma/J = 0.95. Not a test: it prints ratios for README.md, and a REGRESSION line
# (and exit code 1 at the end) when the doublet at N = 10^6 is slower than scipy or than its last recorded ratio.
cd "$(dirname "$0")/../.." || exit 2
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
printf '%-9s %12s %12s %12s %10s %10s %14s %14s\n' N lmgsweep_s scipy4_s scipy2_s ratio4 ratio2 lmg_peak_MB scipy_peak_MB
for N in 2000 200000 1000000; do
  read -r _ t mem e0 _ < <(bin/lmgbench -N $N -reps 3)
  read -r _ s4 smem s0 < <(/usr/bin/python3 tests/bench/scipy_doublet.py $N 0.95 4 3)
  read -r _ s2 _ _ < <(/usr/bin/python3 tests/bench/scipy_doublet.py $N 0.95 2 3)
  r4=$(/usr/bin/python3 -c "print('%.2f' % ($t/$s4))")
  r2=$(/usr/bin/python3 -c "print('%.2f' % ($t/$s2))")
  agree=$(/usr/bin/python3 -c "print('E0 agrees' if abs($e0-$s0) <= 1e-9*abs($s0) else 'E0 DIFFERS: $e0 vs $s0')")
  printf '%-9s %12s %12s %12s %10s %10s %14s %14s  %s\n' $N $t $s4 $s2 $r4 $r2 $mem $smem "$agree"
done
echo "ratio = lmgsweep time / scipy time (below 1: lmgsweep faster); scipy4/scipy2: 4 or 2 lowest eigenpairs of the full matrix."
# Regression guard: N = 10^6, 4 eigenpairs, lmgsweep and scipy run in turn 5 times, the median of the 5 pair ratios
# (pairs keep the ratio meaningful while the machine's speed drifts), against the target 1.0 and the last figure
# recorded in tests/bench/doublet_ratio (update that file with README.md when the doublet's speed changes on purpose).
ratio=$(for r in 1 2 3 4 5; do
  read -r _ t _ < <(bin/lmgbench -N 1000000 -reps 1)
  read -r _ s _ < <(/usr/bin/python3 tests/bench/scipy_doublet.py 1000000 0.95 4 1)
  awk -v a="$t" -v b="$s" 'BEGIN{printf "%.3f\n", a / b}'
done | sort -g | sed -n 3p)
last=$(awk '!/^#/ && NF {print $1; exit}' tests/bench/doublet_ratio)
echo "doublet at N = 10^6, 4 eigenpairs: lmgsweep / scipy = $ratio (median of 5 pairs run in turn); last recorded $last, target <= 1.0"
regression=
if awk -v r="$ratio" -v l="$last" 'BEGIN{exit !(r == "" || r > 1.0 || r > 1.25 * l)}'; then
  regression="REGRESSION: the doublet at N = 10^6 takes $ratio x scipy's time (target <= 1.0; last recorded $last in tests/bench/doublet_ratio; flagged above 1.0 or above 1.25 x the last)"
  echo "$regression"
fi
echo "2-rank team (LU redundant on both ranks), N = 1000000:"
bash tests/mpirun.sh 2 bin/lmgbench -N 1000000 -reps 3 | awk '{print "  " $2 " s, peak " $3 " MB per rank"}'

echo
echo "Full-space K3 on the 40-point tau grid (one forward + one adjoint trajectory sampled by dense output, interaction"
echo "picture of H in its eigenbasis, banded dissipator, RK5(4) Dormand-Prince, tol 1e-8 on rho / 1e-7 on Q_H), gamma_phi = 0.05,"
echo "1 rank; QuTiP mesolve (tol 1e-8) for ONE tau (K3 at tau_opt) in the same run (at N = 370 it does not finish in 19 min: skipped)."
printf '%-6s %-6s %-12s %14s %12s %8s %16s %12s %12s %8s\n' N G/J frame lmgsweep_40tau K3_opt steps qutip_one_tau K3_qutip peak_MB ratio
row() { # N Gamma/J frame [qutip]
  local t k3 st mem q=- kq=- r=-
  read -r _ _ t k3 st mem _ < <(bin/lmgdyn -N "$1" -gamma_over_J "$2" -dyn_frame "$3")
  if [ -n "$4" ]; then read -r _ q kq < <(/usr/bin/python3 tests/bench/qutip_one_tau.py "$1"); r=$(awk -v a="$t" -v b="$q" 'BEGIN{printf "%.3f", a/b}'); q="$q s"; fi
  printf '%-6s %-6s %-12s %14s %12s %8s %16s %12s %12s %8s\n' "$1" "$2" "$3" "$t s" "$k3" "$st" "$q" "$kq" "$mem" "$r"
}
row 100 0.95 interaction qutip
row 200 0.95 interaction qutip
row 370 0.95 interaction
row 2000 0.99 interaction
row 100 0.95 lab
echo "ratio = lmgsweep (whole 40-point grid) / QuTiP (one tau). lab: the same model integrated in the lab frame (the step bound by the spread of H)."
echo "N = 2000 at Gamma/J = 0.99: at 0.95 its dE (~1e-5 rad/s) is below what double precision resolves in H."
echo
echo "A team on one full-space record (K3, 200-point tau grid, Gamma/J = 0.99, gamma_phi = 0.05): one rank against a team of 2"
echo "(rho, Q_H and the RK stages as packed triangles in blocks of columns over the team; the record's own time, peak memory of the largest rank)."
printf '%-6s %12s %12s %10s %14s %14s %s\n' N one_rank_s team2_s speedup peak1_MB peak2_MB K3_opt
for N in 1000 2000; do
  read -r _ _ t1 k1 _ m1 _ < <(bin/lmgdyn -N $N -gamma_over_J 0.99)
  read -r _ _ t2 k2 _ m2 _ < <(bash tests/mpirun.sh 2 bin/lmgdyn -N $N -gamma_over_J 0.99)
  printf '%-6s %12s %12s %10s %14s %14s %s\n' $N "$t1" "$t2" "$(awk -v a="$t1" -v b="$t2" 'BEGIN{printf "%.2f", a/b}')" "$m1" "$m2" "$k1 / $k2"
done
echo "speedup = one rank / team of 2 (target 1.6; rho and Q_H are packed lower triangles, each rank computes its columns' share of the triangle)."

echo
echo "Exponential integrator (SLEPc MFN, Krylov, lab frame) against the default RK for ONE propagation rho0 -> rho(tau_opt), N = 100:"
read -r _ tm mv tr st err < <(bin/lmgmfn -N 100)
echo "  MFN $tm s ($mv products of L), RK $tr s ($st steps), max |rho_MFN - rho_RK| $err"

echo
echo "Decoherence rates (/decoherence): the full-space doublet modes, population mode and gap by SLEPc GD on the full parity"
echo "blocks (matrix-free banded L, from the dense modes of 30 levels), 1 rank, gamma_phi as given; the peer: numpy.linalg.eig"
echo "of the whole (N+1)^2 x (N+1)^2 Lindbladian in the same run, at the largest N it affords here (N = 40)."
printf '%-6s %-6s %-6s %10s %14s %14s %14s %14s %10s %8s %10s\n' N G/J gphi seconds rate_slow rate_fast freq gap residual matvecs peak_MB
for a in "40 0.8 2" "370 0.95 0.05" "1000 0.95 0.05" "2000 0.99 0.05"; do
  set -- $a
  read -r _ _ t r0 r1 fr gp res mv mem st < <(bin/lmgrates -N "$1" -gamma_over_J "$2" -gamma_phi "$3")
  printf '%-6s %-6s %-6s %10s %14s %14s %14s %14s %10s %8s %10s %s\n' "$1" "$2" "$3" "$t" "$r0" "$r1" "$fr" "$gp" "$res" "$mv" "$mem" "$st"
  [ "$1" = 40 ] && lt=$t && lr=$r0
done
read -r _ nt nr0 nr1 nfr ngp nmem < <(/usr/bin/python3 tests/bench/numpy_modes.py 40 0.8 2)
echo "  numpy dense N = 40: $nt s, rates $nr0 $nr1, freq $nfr, gap $ngp, peak $nmem MB; ratio lmgsweep / numpy $(awk -v a="$lt" -v b="$nt" 'BEGIN{printf "%.3f", a/b}'), rate agrees to $(awk -v a="$lr" -v b="$nr0" 'BEGIN{d=a-b; if (d<0) d=-d; printf "%.1e", d/b}') (relative)"
echo "N = 2000 at Gamma/J = 0.99: at 0.95 its dE is below what double precision resolves in H (skipped by design)."
echo "The same records on a team of 2 (whole matrices in blocks of columns, SLEPc GD on the team's communicator):"
for a in "1000 0.95 0.05" "2000 0.99 0.05"; do
  set -- $a
  read -r _ _ t r0 _ _ gp res mv mem st < <(bash tests/mpirun.sh 2 bin/lmgrates -N "$1" -gamma_over_J "$2" -gamma_phi "$3")
  printf '  N = %-5s %10s s, rate_slow %s, gap %s, residual %s, %s products, peak %s MB per rank, %s\n' "$1" "$t" "$r0" "$gp" "$res" "$mv" "$mem" "$st"
done

echo
echo "K3 of k levels at N = 370, Gamma/J = 0.95, gamma_phi = 0.05 on the 200-point tau grid, 1 rank: exact (the Liouvillian's"
echo "modes, -dyn_method exact) against the time stepper (-dyn_method stepper, RK5(4) at tol 1e-10); -dyn_method auto picks the exact path for k levels where it is cheaper."
printf '%-4s %12s %12s %10s %20s %20s %10s\n' k exact_s stepper_s ratio K3_opt_exact K3_opt_stepper dK3
for k in 5 10 30 60; do
  read -r _ _ te ke _ _ _ < <(bin/lmgdyn -N 370 -level $k -dyn_method exact)
  read -r _ _ ts ks _ _ _ < <(bin/lmgdyn -N 370 -level $k -dyn_method stepper -dyn_max_steps 1e9)
  printf '%-4s %12s %12s %10s %20s %20s %10s\n' $k "$te" "$ts" "$(awk -v a="$te" -v b="$ts" 'BEGIN{printf "%.3f", a/b}')" "$ke" "$ks" "$(awk -v a="$ke" -v b="$ks" 'BEGIN{d=a-b; if (d<0) d=-d; printf "%.1e", d}')"
done
echo "inputs/default.opts on 3 ranks (master + 2 workers), wall time: before (-dyn_method stepper: the time stepper for every"
echo "record, as before the exact path) and after (the default, -dyn_method auto):"
for m in stepper auto; do
  f=$(mktemp -u /tmp/lmgbench-XXXXXX.h5)
  t0=$(date +%s.%N)
  log=$(bash tests/mpirun.sh 3 bin/lmgsweep -options_file inputs/default.opts -dyn_method $m -output "$f" 2>&1)
  t1=$(date +%s.%N)
  echo "  $m: $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b - a}') s; $(grep -o '[0-9]* done, [0-9]* failed, [0-9]* skipped' <<<"$log" | tail -1)"
  rm -f "$f"
done

echo
echo "Landau-Zener sweep (/landau_zener), one full-space record on 1 rank, t_q = t_LZ, lz_bias 0.5: rho (gamma_phi > 0, RK5(4)"
echo "at tol 1e-9, interaction picture of H0, banded bias and dissipator) or psi (gamma_phi = 0, tol 1e-11); QuTiP mesolve"
echo "(rtol 1e-8, atol 1e-10) with the same time-dependent H at N = 100 in the same run."
printf '%-6s %-6s %-6s %12s %14s %14s %8s %10s
' N G/J gphi lmgsweep_s P_error P_not_ground steps peak_MB
lzrow() { # N Gamma/J gamma_phi: prints the row, leaves the time in $lt and P_error in $lp
  read -r _ _ lt lp ln ls lm lst < <(bin/lmglz -N "$1" -gamma_over_J "$2" -gamma_phi "$3" -level 0 -tq 1)
  printf '%-6s %-6s %-6s %12s %14s %14s %8s %10s %s\n' "$1" "$2" "$3" "$lt" "$lp" "$ln" "$ls" "$lm" "$lst"
}
lzrow 100 0.95 0.05
echo "The full space of that sweep on a window (the default) against the whole space (-full_method whole), same run,"
echo "N = 370, Gamma/J = 0.95, gamma_phi = 0.05, t_q = t_LZ:"
read -r _ _ wt wp _ _ _ wrest < <(bin/lmglz -N 370 -gamma_over_J 0.95 -gamma_phi 0.05 -level 0 -tq 1)
read -r _ _ ht hp _ _ _ hrest < <(bin/lmglz -N 370 -gamma_over_J 0.95 -gamma_phi 0.05 -level 0 -tq 1 -full_method whole)
echo "  window $wt s, P_error $wp ($wrest); whole $ht s, P_error $hp; window/whole $(awk -v a="$wt" -v b="$ht" 'BEGIN{printf "%.3f", a / b}')"
read -r h0 tlz < <(/usr/bin/python3 - <<'PY'
import numpy as np, subprocess
# h0 and t_LZ of N = 100, Gamma/J = 0.95 from a one-record engine file
import h5py, tempfile, os
d = tempfile.mkdtemp(); f = os.path.join(d, "s.h5")
subprocess.run(["bin/lmgsweep", "-N", "100", "-gamma_over_J", "0.95", "-levels", "none", "-lz_tq", "1", "-output", f], capture_output=True)
with h5py.File(f) as h: print(h["landau_zener/h0"][0, 0], h["landau_zener/t_LZ"][0, 0])
PY
)
read -r _ qt qp qn qm < <(/usr/bin/python3 tests/bench/qutip_lz.py 100 0.95 0.05 "$h0" "$tlz")
echo "  QuTiP mesolve N = 100: $qt s, P_error $qp, P_not_ground $qn, peak $qm MB; ratio lmgsweep / QuTiP $(awk -v a="$lt" -v b="$qt" 'BEGIN{printf "%.3f", a/b}'), |dP_error| $(awk -v a="$lp" -v b="$qp" 'BEGIN{d=a-b; if (d<0) d=-d; printf "%.1e", d}')"
lzrow 370 0.95 0.05
lzrow 370 0.95 0
lzrow 2000 0.99 0
lzrow 2000 0.99 0.05
echo "Classical foil, N = 40, Gamma/J = 0.8, gamma_phi = 2, t_q = t_LZ, 4000 trajectories at the default step dt and at dt/4 on the"
echo "same Brownian paths: the time-step error of P_error_classical (n01 - n10)/M against the standard error of P."
read -r p0 p2 n01 n10 se s0 s2 < <(bin/lmglz -N 40 -gamma_over_J 0.8 -gamma_phi 2 -tq 1 -classical 4000 -refine 2)
echo "  P(dt) $p0, P(dt/4) $p2 ($s0 s, $s2 s): d = $(awk -v a="$n01" -v b="$n10" 'BEGIN{printf "%.4f +- %.4f", (a-b)/4000, sqrt(a+b)/4000}'), standard error of P at M = 4000: $se, at the default M = 1000: $(awk -v s="$se" 'BEGIN{printf "%.4f", 2*s}')"

echo
echo "The engine end to end on 2 ranks (master + 1 worker): spectrum and the full-space record, N = 2000, Gamma/J = 0.99, gamma_phi = 0.05:"
out=$(mktemp -d)
t0=$(date +%s.%N)
bash tests/mpirun.sh 2 bin/lmgsweep -N 2000 -gamma_over_J 0.99 -gamma_phi 0.05 -levels full -output "$out/n2000.h5" >"$out/log" 2>&1
t1=$(date +%s.%N)
/usr/bin/python3 - "$out/n2000.h5" "$t0" "$t1" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
st, k3 = int(f["status/dynamics"][0, 0, 0, 0]), float(f["dynamics/K3_opt"][0, 0, 0, 0])
print("  %.1f s wall, status %s, K3_opt %.9f, %d steps" % (float(sys.argv[3]) - float(sys.argv[2]), "done" if st == 1 else "NOT done", k3, int(f["dynamics/steps"][0, 0, 0, 0])))
PY
rm -rf "$out"

echo
echo "Scheduler throughput: three sweeps of cheap records, one rank alone (1), master + 1 worker (2), master + 2 workers (3);"
echo "median of 3 wall times; busy = each team's share of the wall time spent computing; master = rank 0's CPU."
echo "Control: two independent one-rank runs at once against one alone (what this machine's cores give in parallel)."
sweep() { # NP ARGS...: one run; prints 'wall busy% master%'
  local np=$1 f t0 t1 log; shift
  f=$(mktemp -u /tmp/lmgbench-XXXXXX.h5)
  t0=$(date +%s.%N)
  log=$(bash tests/mpirun.sh "$np" bin/lmgsweep "$@" -output "$f" -progress 1000 2>&1)
  t1=$(date +%s.%N)
  rm -f "$f" "$f.lock"
  awk -v w="$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}')" '/team [0-9]+:/ {gsub(/[()%]/, "", $NF); b = b (b ? "/" : "") $NF} /master \(rank 0\)/ {m = $(NF-3)} END {printf "%.2f %s %s\n", w, b ? b : "-", m ? m : "-"}' <<<"$log"
}
median3() { sort -n | sed -n 2p; }
for name in A B C; do
  case $name in
    A) args=(-N 100:600:26 -gamma_over_J 0.93:0.99:20 -gamma_phi 0.05 -levels 2,3); what="2600 records: 520 spectra, k = 2, 3 dynamics and thresholds" ;;
    B) args=(-options_file inputs/default.opts); what="inputs/default.opts, 1560 records" ;;
    C) args=(-N 100:595:100 -gamma_over_J 0.9:0.999:100 -levels none); what="10000 spectrum records" ;;
  esac
  echo "sweep $name ($what):"
  for np in 1 2 3; do
    rows=$(for r in 1 2 3; do sweep $np "${args[@]}"; done)
    w=$(awk '{print $1}' <<<"$rows" | median3)
    printf '  %d rank(s): wall %6.2f s (runs: %s), busy %% per team: %s, master CPU %% of wall: %s\n' "$np" "$w" "$(awk '{printf "%s ", $1}' <<<"$rows")" "$(awk '{printf "%s ", $2}' <<<"$rows")" "$(awk '{printf "%s ", $3}' <<<"$rows")"
    eval "w$np=$w"
  done
  echo "  ratios: (master + 1) / alone = $(awk -v a="$w2" -v b="$w1" 'BEGIN{printf "%.2f", a / b}'), speed-up (master + 2) over (master + 1) = $(awk -v a="$w2" -v b="$w3" 'BEGIN{printf "%.2f", a / b}')"
done
pairs=$(for r in 1 2 3; do t0=$(date +%s.%N); sweep 1 -N 100:600:26 -gamma_over_J 0.93:0.99:20 -gamma_phi 0.05 -levels 2,3 >/dev/null & sweep 1 -N 100:600:26 -gamma_over_J 0.93:0.99:20 -gamma_phi 0.05 -levels 2,3 >/dev/null; wait; t1=$(date +%s.%N); awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}'; done | median3)
single=$(for r in 1 2 3; do sweep 1 -N 100:600:26 -gamma_over_J 0.93:0.99:20 -gamma_phi 0.05 -levels 2,3 | awk '{print $1}'; done | median3)
echo "control (sweep A): one alone $single s, two at once $pairs s: the cores give $(awk -v a="$single" -v b="$pairs" 'BEGIN{printf "%.2f", 2 * a / b}')x in parallel"

echo
echo "Tolerances (/tolerance: K3_best and gamma_c_best, bias_c, sigma_c, T_c) against one K3 record of the same model"
echo "(/dynamics, 40 tau), gamma_phi = 0.05, one rank: the records' own seconds (/timing), best of 3:"
tolrun() { # N level kind extra...: the best of 3 of the kind's record seconds
  local N=$1 L=$2 k=$3 f best= t
  shift 3
  for r in 1 2 3; do
    f=$(mktemp -u /tmp/lmgbench-XXXXXX.h5)
    bin/lmgsweep -N "$N" -gamma_over_J 0.95 -gamma_phi 0.05 -levels "$L" -nev 10 -tau_grid 0.05:2:40 -output "$f" "$@" >/dev/null 2>&1
    t=$(/usr/bin/python3 -c "import h5py, numpy; print(numpy.nansum(h5py.File('$f', 'r')['timing/$k'][...]))")
    ev=$(/usr/bin/python3 -c "import h5py; f = h5py.File('$f', 'r'); print(int(f['tolerance/evaluations'][...].ravel()[0]) if 'tolerance' in f else 0)")
    rm -f "$f"
    best=$(awk -v t="$t" -v m="$best" 'BEGIN{print (m == "" || t < m) ? t : m}')
  done
  echo "$best $ev"
}
for nl in "370 5" "370 10" "100 full"; do
  set -- $nl
  tk=$(tolrun "$1" "$2" dynamics | cut -d' ' -f1)
  set -- "$1" "$2" $(tolrun "$1" "$2" tolerance -dynamics 0 -tolerance all)
  echo "  N = $1, level $2: K3 record $(printf %.4f "$tk") s, tolerance record $(printf %.3f "$3") s ($4 K3_best evaluations), ratio $(awk -v a="$3" -v b="$tk" 'BEGIN{printf "%.0f", a / b}')"
done
if [ -n "$regression" ]; then
  echo "$regression"
  exit 1
fi
