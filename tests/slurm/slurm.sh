#!/usr/bin/env bash
# A throw-away single-node Slurm on localhost (Debian's slurm-wlm and munge), everything under one directory:
# munged with its own key and socket, slurmctld and slurmd as root in the background, no cgroups, no accounting.
#   tests/slurm/slurm.sh start DIR   -> prints SLURM_CONF=DIR/slurm.conf once the node is idle (exit 0), else exit 1
#   tests/slurm/slurm.sh stop DIR    -> cancels jobs left over, stops the three daemons by the PIDs they wrote
# Clients need only SLURM_CONF=DIR/slurm.conf (it names the munge socket too).
set -u
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

stop() {
  local name pid jobs ids
  export SLURM_CONF=$dir/slurm.conf
  if [ -f "$dir/slurmctld.pid" ] && jobs=$(squeue -h -o %i 2>/dev/null) && [ -n "$jobs" ]; then
    mapfile -t ids <<<"$jobs"
    scancel "${ids[@]}" 2>/dev/null # jobs left by a failed test: their processes end before slurmd does
    for _ in $(seq 100); do [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break; sleep 0.2; done
  fi
  for name in slurmd slurmctld munged; do
    pid=$(cat "$dir/$name.pid" 2>/dev/null) || continue
    kill "$pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
    rm -f "$dir/$name.pid"
  done
  return 0
}

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

fail() { # why; the tails of the daemon logs go to stderr
  echo "slurm.sh: $1" >&2
  for f in munged slurmctld slurmd; do [ -s "$dir/$f.log" ] && { echo "--- $f.log" >&2; tail -n 15 "$dir/$f.log" >&2; }; done
  stop
  exit 1
}

write_conf() {
  cat > "$dir/slurm.conf" <<EOF
# written by tests/slurm/slurm.sh: one node on localhost, root everywhere, no cgroups, no accounting
ClusterName=lmgtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire: a requeued job waits cred_expire + 1 s before it may start again (default 120 s)
AuthInfo=socket=$dir/munge/munge.sock,cred_expire=5
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
# the main scheduling loop every 2 s (default 60 s), so that a requeued job starts again soon after cred_expire
SchedulerParameters=sched_interval=2
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
KillWait=5
MinJobAge=600
# the engine needs a master and at least one worker: 4 CPUs on this 2-core machine, so that 3 tasks fit
SlurmdParameters=config_overrides
NodeName=lmgnode NodeAddr=127.0.0.1 CPUs=4 RealMemory=2000 State=UNKNOWN
PartitionName=debug Nodes=lmgnode Default=YES MaxTime=INFINITE State=UP
EOF
}

start() {
  mkdir -p "$dir/munge" "$dir/state" "$dir/spool" || exit 1
  chmod 700 "$dir" "$dir/munge"
  command -v munged >/dev/null && command -v slurmctld >/dev/null && command -v slurmd >/dev/null ||
    fail "munged, slurmctld or slurmd not installed (Debian: munge, slurm-wlm)"
  write_conf
  export SLURM_CONF=$dir/slurm.conf
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none && chmod 400 "$dir/munge/munge.key"
  munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.sock" --pid-file="$dir/munged.pid" \
    --log-file="$dir/munged.log" --seed-file="$dir/munge/munged.seed" || fail "munged did not start"
  munge -n -S "$dir/munge/munge.sock" | unmunge -S "$dir/munge/munge.sock" >/dev/null || fail "munge credentials do not round-trip"
  slurmctld -i -f "$SLURM_CONF" || fail "slurmctld did not start"
  slurmd -N lmgnode -f "$SLURM_CONF" || fail "slurmd did not start"
  for _ in $(seq 150); do
    state=$(sinfo -h -n lmgnode -o %T 2>/dev/null)
    [ "$state" = idle ] && { echo "SLURM_CONF=$SLURM_CONF"; return 0; }
    sleep 0.2
  done
  fail "the node did not become idle within 30 s (state: '${state:-}')"
}

case $cmd in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
