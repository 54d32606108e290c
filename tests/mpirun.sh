#!/usr/bin/env bash
# mpiexec with what this machine needs: root permission, and oversubscription when ranks > cores. A SIGTERM to this
# script becomes a SIGUSR1 to mpiexec, which forwards it to every rank: the run drains and the exit code is the
# engine's 75 (Open MPI's mpiexec answers a SIGTERM of its own with exit code 1, although its ranks drained).
# Usage: tests/mpirun.sh NP program [args...]
np=$1
shift
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpiexec -n "$np" --oversubscribe --mca mpi_yield_when_idle 1 "$@" &
pid=$!
trap 'kill -USR1 "$pid" 2>/dev/null' TERM USR1
while :; do # wait returns early (> 128) when the trap runs: wait again until mpiexec has ended
  wait "$pid"
  rc=$?
  kill -0 "$pid" 2>/dev/null || break
done
exit "$rc"
