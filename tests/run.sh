#!/usr/bin/env bash
# make check: every test (C unit tests, end-to-end runs, post-processing), then one line 'N passed, N failed'.
cd "$(dirname "$0")/.." || exit 2
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1
PY=/usr/bin/python3
pass=0 fail=0
log=$(mktemp)

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
  "$t" > "$log" 2>&1; rc=$?
  cat "$log"; count $rc
done
for np in 2 3; do
  echo "== unit (MPI, $np ranks): bin/test_spectrum"
  bash tests/mpirun.sh $np bin/test_spectrum > "$log" 2>&1; rc=$?
  tail -n 4 "$log"; count $rc
done
for np in 2 3 4; do
  for t in bin/test_team bin/test_checkpoint; do
    echo "== unit (MPI, $np ranks): $t"
    bash tests/mpirun.sh $np $t > "$log" 2>&1; rc=$?
    cat "$log"; count $rc
  done
done
echo "== e2e and post-processing (pytest)"
$PY -m pytest -p no:cacheprovider -q tests/e2e tests/post 2>&1 | tee "$log"; rc=${PIPESTATUS[0]}
count $rc
echo "== Slurm job scripts on a local Slurm (pytest; skipped, with the reason, only when Slurm cannot start here)"
$PY -m pytest -p no:cacheprovider -q -rs tests/slurm 2>&1 | tee "$log"; rc=${PIPESTATUS[0]}
count $rc
rm -f "$log"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
