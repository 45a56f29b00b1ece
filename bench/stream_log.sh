#!/usr/bin/env bash
# stream_log.sh — what the replicated write-ahead log costs a TCP client: the time from sending a batch's last line to receiving its `ack`, without a log and with R = 1, 2 replicas, for batches of 1 and 100 updates.
#
# Usage: bench/stream_log.sh            (run from the build directory)
#
# A small WCC stream (the ack comes before the batch is applied, so the algorithm
# hardly matters) on NP ranks; the client sends one batch, waits for its ack, then
# pauses so that the batch is applied before the next one is sent: what is measured
# is reading, logging on every replica (write + fsync of the record and its
# directory) and acknowledging. Prints the median and 90th percentile per setting.
#
# Environment (all optional):
#   RIVULET               binary                     (default ./rivulet)
#   NP                    ranks                      (default 2)
#   BATCHES               size:count pairs           (default "1:100 100:50")
#   LOG_DIR               where the logs go          (default a temporary directory; put it
#                                                     on the disk you want to measure)
set -euo pipefail
RIVULET=${RIVULET:-./rivulet}
NP=${NP:-2}
BATCHES=${BATCHES:-"1:100 100:50"}
[[ -x $RIVULET ]] || { echo "stream_log.sh: $RIVULET not found" >&2; exit 2; }
if [[ $(id -u) == 0 ]]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rivulet-log-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
LOG_BASE=${LOG_DIR:-$WORK/logs}

# A ring of 1000 vertices; updates add chords.
awk 'BEGIN { for (i = 0; i < 1000; i++) print i, (i + 1) % 1000 }' > "$WORK/g.e"
cat > "$WORK/client.py" << 'PY'
import socket, statistics, sys, time
port, size, count = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
s = socket.create_connection(("127.0.0.1", port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
f = s.makefile("r")
times, k = [], 0
for b in range(count):
    lines = "".join("+ %d %d\n" % ((k + i) % 1000, (k + i * 7 + 500) % 1000) for i in range(size))
    k += size
    t0 = time.perf_counter()
    s.sendall(lines.encode())
    while True:
        line = f.readline()
        if line.startswith("ack"):
            break
        if not line:
            sys.exit("the stream went away")
    times.append((time.perf_counter() - t0) * 1e3)
    time.sleep(0.02)
s.shutdown(socket.SHUT_WR)
for line in f:
    pass
times.sort()
print("%.3f %.3f" % (statistics.median(times), times[int(0.9 * (len(times) - 1))]))
PY

printf '| batch | log | median ack ms | p90 ack ms |\n|---:|---|---:|---:|\n'
for spec in $BATCHES; do
    size=${spec%%:*}
    count=${spec##*:}
    for setting in none 1 2; do
        rm -rf "$LOG_BASE"
        log=()
        [[ $setting != none ]] && log=(--log-dir "$LOG_BASE/r%r" --replicas "$setting")
        "${MPIRUN:-mpirun}" -np "$NP" --oversubscribe -q "$RIVULET" stream wcc "$WORK/g.e" --undirected \
            --updates tcp://127.0.0.1:0 --batch-size "$size" --batch-ms 0 --emit none "${log[@]}" \
            > "$WORK/stream.out" 2> "$WORK/stream.err" &
        pid=$!
        port=""
        for _ in $(seq 1 100); do
            port=$(sed -n 's|^rivulet: reading updates from tcp://127\.0\.0\.1:\([0-9][0-9]*\)$|\1|p' "$WORK/stream.err")
            [[ -n $port ]] && break
            sleep 0.1
        done
        result=$(python3 "$WORK/client.py" "$port" "$size" "$count")
        wait "$pid"
        label=$([[ $setting == none ]] && echo "none" || echo "R=$setting")
        printf '| %s | %s | %s | %s |\n' "$size" "$label" ${result}
    done
done
