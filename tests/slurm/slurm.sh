#!/usr/bin/env bash
# A throw-away single-node Slurm on localhost (Debian's slurm-wlm and munge), everything under one directory:
# munged with its own key and socket, slurmctld and slurmd as root in the background, no cgroups, no accounting.
#   tests/slurm/slurm.sh start DIR   -> prints SLURM_CONF=DIR/slurm.conf once the node is idle (exit 0), else exit 1
#   tests/slurm/slurm.sh start2 DIR  -> the same with two nodes n1, n2 on localhost (2 CPUs each): one slurmd each, on
#                                       its own port, spool, pid and log (%n), in its own mount namespace with a private
#                                       directory over mpi.conf's PMIxCliTmpDirBase (the two step daemons would
#                                       otherwise share PMIx's temporary directory)
#   tests/slurm/slurm.sh stop DIR    -> cancels jobs left over, stops the daemons by the PIDs they wrote
# Clients need only SLURM_CONF=DIR/slurm.conf (it names the munge socket too).
set -u
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|start2|stop DIR" >&2; exit 2; }

stop() {
  local name pid jobs ids
  export SLURM_CONF=$dir/slurm.conf
  if [ -f "$dir/slurmctld.pid" ] && jobs=$(squeue -h -o %i 2>/dev/null) && [ -n "$jobs" ]; then
    mapfile -t ids <<<"$jobs"
    scancel "${ids[@]}" 2>/dev/null # jobs left by a failed test: their processes end before slurmd does
    for _ in $(seq 100); do [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break; sleep 0.2; done
  fi
  for name in slurmd slurmd-n1 slurmd-n2 slurmctld munged; do
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
  for f in munged slurmctld slurmd slurmd-n1 slurmd-n2; do [ -s "$dir/$f.log" ] && { echo "--- $f.log" >&2; tail -n 15 "$dir/$f.log" >&2; }; done
  stop
  exit 1
}

write_conf() { # $1: 1 or 2 nodes
  local nodes=$1
  cat > "$dir/slurm.conf" <<EOF
# written by tests/slurm/slurm.sh: one node on localhost, root everywhere, no cgroups, no accounting
ClusterName=lmgtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$(free_port)
$([ "$nodes" = 1 ] && echo "SlurmdPort=$(free_port)")
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire: a requeued job waits cred_expire + 1 s before it may start again (default 120 s)
AuthInfo=socket=$dir/munge/munge.sock,cred_expire=5
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool$([ "$nodes" = 2 ] && echo "-%n")
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd$([ "$nodes" = 2 ] && echo "-%n").pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd$([ "$nodes" = 2 ] && echo "-%n").log
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
SlurmdParameters=config_overrides
EOF
  if [ "$nodes" = 1 ]; then # the engine needs a master and at least one worker: 4 CPUs on this 2-core machine
    cat >> "$dir/slurm.conf" <<EOF
NodeName=lmgnode NodeAddr=127.0.0.1 CPUs=4 RealMemory=2000 State=UNKNOWN
PartitionName=debug Nodes=lmgnode Default=YES MaxTime=INFINITE State=UP
EOF
  else # two nodes of 2 CPUs: 3 tasks are ranks 0, 1 on n1 and 2 on n2
    cat >> "$dir/slurm.conf" <<EOF
NodeName=n1 NodeAddr=127.0.0.1 NodeHostname=localhost Port=$(free_port) CPUs=2 RealMemory=2000 State=UNKNOWN
NodeName=n2 NodeAddr=127.0.0.1 NodeHostname=localhost Port=$(free_port) CPUs=2 RealMemory=2000 State=UNKNOWN
PartitionName=debug Nodes=n1,n2 Default=YES MaxTime=INFINITE State=UP
EOF
    echo "PMIxCliTmpDirBase=$dir/pmix" > "$dir/mpi.conf"
  fi
}

start() { # $1: nodes
  local nodes=$1 node
  mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/pmix" || exit 1
  chmod 700 "$dir" "$dir/munge"
  command -v munged >/dev/null && command -v slurmctld >/dev/null && command -v slurmd >/dev/null ||
    fail "munged, slurmctld or slurmd not installed (Debian: munge, slurm-wlm)"
  write_conf "$nodes"
  export SLURM_CONF=$dir/slurm.conf
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none && chmod 400 "$dir/munge/munge.key"
  munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.sock" --pid-file="$dir/munged.pid" \
    --log-file="$dir/munged.log" --seed-file="$dir/munge/munged.seed" || fail "munged did not start"
  munge -n -S "$dir/munge/munge.sock" | unmunge -S "$dir/munge/munge.sock" >/dev/null || fail "munge credentials do not round-trip"
  slurmctld -i -f "$SLURM_CONF" || fail "slurmctld did not start"
  if [ "$nodes" = 1 ]; then
    slurmd -N lmgnode -f "$SLURM_CONF" || fail "slurmd did not start"
  else
    command -v unshare >/dev/null || fail "unshare not installed (Debian: util-linux)"
    for node in n1 n2; do
      mkdir -p "$dir/spool-$node" "$dir/pmix-$node" || exit 1
      unshare -m --propagation private sh -c "mount --bind '$dir/pmix-$node' '$dir/pmix' && exec slurmd -N $node -f '$SLURM_CONF'" ||
        fail "slurmd -N $node did not start in its own mount namespace"
    done
  fi
  for _ in $(seq 150); do
    state=$(sinfo -h -o %T 2>/dev/null | sort -u | tr '\n' ' ')
    [ "$state" = "idle " ] && { echo "SLURM_CONF=$SLURM_CONF"; return 0; }
    sleep 0.2
  done
  fail "the nodes did not become idle within 30 s (state: '${state:-}')"
}

case $cmd in
  start) start 1 ;;
  start2) start 2 ;;
  stop) stop ;;
  *) echo "usage: $0 start|start2|stop DIR" >&2; exit 2 ;;
esac
