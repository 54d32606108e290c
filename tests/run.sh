#!/usr/bin/env bash
# make check: every test (C unit tests, end-to-end runs, post-processing), then one line 'N passed, N failed'.
cd "$(dirname "$0")/.." || exit 2
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1
PY=/usr/bin/python3
pass=0 fail=0
log=$(mktemp) times=$(mktemp)
t0=$(date +%s.%N)
timed() { # label command...: run it into $log, note its wall seconds in $times
  local label=$1 a b
  shift
  a=$(date +%s.%N)
  "$@" > "$log" 2>&1
  rc=$?
  b=$(date +%s.%N)
  awk -v a="$a" -v b="$b" -v l="$label" 'BEGIN{printf "%8.1f s  %s\n", b - a, l}' >> "$times"
}

count() { # add the counts of a runner's summary line in $log
  local p f e
  p=$(grep -Eo '[0-9]+ passed' "$log" | tail -1 | grep -Eo '[0-9]+')
  f=$(grep -Eo '[0-9]+ failed' "$log" | tail -1 | grep -Eo '[0-9]+')
  e=$(grep -Eo '[0-9]+ errors?' "$log" | tail -1 | grep -Eo '[0-9]+')
  pass=$((pass + ${p:-0}))
  fail=$((fail + ${f:-0} + ${e:-0}))
  if [ "$1" -ne 0 ] && [ -z "$f$e" ]; then fail=$((fail + 1)); echo "  (runner exited $1 without a summary)"; fi
}

for t in bin/test_*; do
  echo "== unit: $t"
  timed "$t" "$t"
  cat "$log"; count $rc
done
for np in 2 3; do
  echo "== unit (MPI, $np ranks): bin/test_spectrum"
  timed "bin/test_spectrum on $np ranks" bash tests/mpirun.sh $np bin/test_spectrum
  tail -n 4 "$log"; count $rc
done
for np in 2 3 4; do
  for t in bin/test_team bin/test_checkpoint; do
    echo "== unit (MPI, $np ranks): $t"
    timed "$t on $np ranks" bash tests/mpirun.sh $np $t
    cat "$log"; count $rc
  done
done
echo "== e2e and post-processing (pytest)"
a=$(date +%s.%N)
$PY -m pytest -p no:cacheprovider -q --durations=15 tests/e2e tests/post 2>&1 | tee "$log"; rc=${PIPESTATUS[0]}
awk -v a="$a" -v b="$(date +%s.%N)" 'BEGIN{printf "%8.1f s  %s\n", b - a, "pytest tests/e2e tests/post"}' >> "$times"
count $rc
echo "== Slurm job scripts on a local Slurm (pytest; skipped, with the reason, only when Slurm cannot start here)"
a=$(date +%s.%N)
$PY -m pytest -p no:cacheprovider -q -rs --durations=5 tests/slurm 2>&1 | tee "$log"; rc=${PIPESTATUS[0]}
awk -v a="$a" -v b="$(date +%s.%N)" 'BEGIN{printf "%8.1f s  %s\n", b - a, "pytest tests/slurm"}' >> "$times"
count $rc
echo "== wall seconds per executable and pytest run, slowest first (total $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.0f", b - a}') s)"
sort -rn "$times"
rm -f "$log" "$times"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
