#!/usr/bin/env bash
# mpiexec with what this machine needs: root permission, and oversubscription when ranks > cores.
# Usage: tests/mpirun.sh NP program [args...]
np=$1
shift
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
exec mpiexec -n "$np" --oversubscribe --mca mpi_yield_when_idle 1 "$@"
