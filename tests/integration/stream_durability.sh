#!/bin/bash
# stream_durability.sh — the stream's replicated log and checkpoints: kill -9 at chosen points (RV_FAULT), then --resume at the same or another np, and the exactly-once rule checked against an independent model; damaged log replicas repaired; a log or checkpoint of another job refused (TAP).
# Environment: see lib.sh.
#
# The exactly-once rule: the final result equals a from-scratch `rivulet run` on the
# initial graph with every update of the stream applied once. PageRank counts
# parallel edges, so an insertion applied twice (or lost) changes the ranks.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/stream_lib.sh
. "$(dirname "$0")/stream_lib.sh"

rv_require_rivulet
rv_require_validate
PYTHON=${PYTHON:-python3}
command -v "$PYTHON" > /dev/null || rv_skip_all "no python3"
REF="$RV_TOP_SRCDIR/tests/tools/stream_reference.py"

cd "$RV_TMP" || rv_bail "cannot enter $RV_TMP"

# The model: the graph after every update, as one batch, and PageRank on it.
"$PYTHON" "$REF" gen --seed 31 --vertices 300 --edges 1200 --updates 60 g up.txt > /dev/null &&
    "$PYTHON" "$REF" apply --batch-size 1000000 g up.txt expected > /dev/null &&
    rv_mpirun 1 "$RIVULET" run pagerank expected-1 --tolerance 1e-14 --iterations 3000 --output expected.pr \
        --quiet > /dev/null 2>&1 || rv_bail "cannot prepare the stream and its expected result"
LAST=$(grep -c '' up.txt)

STREAM=(stream pagerank g --tolerance 1e-14 --iterations 3000 --batch-size 5 --batch-ms 0 --replicas 2)

# Lines LINE0+1..LAST covered once each by the batches in stderr file $1, where LINE0
# is where the resumed stream said it reads after, minus what it replayed: simply,
# the batch line ranges after the resume are contiguous and end at the last line.
tiles_to_end() {
    sed -n 's/^rivulet: batch=[0-9]* mode=repair lines=\([1-9][0-9]*\)-\([0-9]*\) .*/\1 \2/p' "$1" |
        awk -v last="$LAST" 'NR == 1 { next_line = $1 } $1 != next_line { exit 1 } { next_line = $2 + 1 }
                             END { exit next_line != last + 1 }'
}

# crash_and_resume NAME NP1 FAULT NP2 [RESUME OPTIONS...]: a stream with a log and
# checkpoints every 3 batches on NP1 ranks, killed by RV_FAULT=FAULT, then resumed on
# NP2 ranks; three tests.
crash_and_resume() {
    local name=$1 np1=$2 fault=$3 np2=$4
    shift 4
    rm -rf log ck out
    local status=0
    RV_FAULT=$fault rv_mpirun "$np1" "$RIVULET" "${STREAM[@]}" --updates up.txt --log-dir log \
        --checkpoint-dir ck --checkpoint-every 3 --emit none > crash.out 2> crash.err || status=$?
    st_check "$name: RV_FAULT=$fault kills the stream at np=$np1" sh -c "
        test $status != 0 && grep -q 'fault injection (RV_FAULT): killing' crash.err"
    status=0
    rv_mpirun "$np2" "$RIVULET" "${STREAM[@]}" --updates up.txt --log-dir log --checkpoint-dir ck \
        --checkpoint-every 3 --resume --emit snapshot --output-dir out "$@" > resume.out 2> resume.err || status=$?
    if [ "$status" != 0 ]; then
        rv_not_ok "$name: --resume at np=$np2 ends cleanly" "exit $status"
        rv_diag_file resume.err
        rv_skip "$name: the final result" "no result"
        return
    fi
    echo "# $(grep '^rivulet: resumed' resume.err)"
    st_check "$name: --resume at np=$np2 reads every remaining line once" tiles_to_end resume.err
    rv_validate_check "$name: the final ranks equal PageRank with every update applied once" \
        --sorted --epsilon 1e-9 epsilon expected.pr "$(ls out/batch-*.snapshot | tail -n 1)"
}

crash_and_resume "mid-apply" 2 0:5:mid-apply 3
crash_and_resume "torn log replica" 2 1:5:mid-log-write 2 --partition hash
crash_and_resume "logged, not acknowledged" 2 0:7:before-ack 1
crash_and_resume "mid-checkpoint" 2 1:6:before-manifest 2
crash_and_resume "mid-chunk-write" 1 0:3:mid-chunk-write 2
crash_and_resume "the only log replica torn" 1 0:7:mid-log-write 1

# ---- Damaged and lost log replicas ---------------------------------------------------------

rm -rf log ck out
RV_FAULT=0:8:mid-apply rv_mpirun 2 "$RIVULET" "${STREAM[@]}" --updates up.txt --log-dir 'log/r%r' \
    --checkpoint-dir ck --checkpoint-every 6 --emit none > crash.out 2> crash.err
# Batch 7 loses rank 0's replica, batch 8 has rank 1's damaged.
rm -f log/r0/log-000000000007.rec
printf 'X' | dd of=log/r1/log-000000000008.rec bs=1 seek=40 conv=notrunc 2> /dev/null
status=0
rv_mpirun 2 "$RIVULET" "${STREAM[@]}" --updates up.txt --log-dir 'log/r%r' --checkpoint-dir ck \
    --checkpoint-every 6 --resume --emit snapshot --output-dir out > resume.out 2> resume.err || status=$?
st_check "damaged log: the stream resumes (exit 0)" test "$status" = 0
st_check "damaged log: the bad replicas are reported and re-created" sh -c "
    grep -q 'log: batch 8: .*corrupt' resume.err && grep -q 'batch 7: re-created the replica' resume.err &&
    grep -q 'batch 8: re-created the replica' resume.err"
rv_validate_check "damaged log: the final ranks equal PageRank with every update applied once" \
    --sorted --epsilon 1e-9 epsilon expected.pr "$(ls out/batch-*.snapshot | tail -n 1)"

# ---- Another job's log or checkpoint --------------------------------------------------------

rm -rf log ck out
RV_FAULT=0:4:mid-apply rv_mpirun 2 "$RIVULET" "${STREAM[@]}" --updates up.txt --log-dir log --emit none \
    > crash.out 2> crash.err
status=0
rv_mpirun 2 "$RIVULET" stream pagerank g --tolerance 1e-14 --iterations 3000 --damping 0.5 --batch-size 5 \
    --batch-ms 0 --updates up.txt --log-dir log --resume --emit none > other.out 2> other.err || status=$?
st_check "another job's log: refused with one line" sh -c "
    test $status != 0 && grep -c 'was written by another job' other.err | grep -qx 1"
status=0
rv_mpirun 2 "$RIVULET" "${STREAM[@]}" --updates up.txt --log-dir log --emit none > fresh.out 2> fresh.err ||
    status=$?
st_check "a fresh stream refuses a log that holds batches" sh -c "
    test $status != 0 && grep -q 'already holds batches' fresh.err"
rm -rf log ck
RV_FAULT=0:4:mid-apply rv_mpirun 1 "$RIVULET" "${STREAM[@]}" --updates up.txt --log-dir log --checkpoint-dir ck \
    --checkpoint-every 3 --emit none > crash.out 2> crash.err
rm -rf log
status=0
rv_mpirun 1 "$RIVULET" stream pagerank g --tolerance 1e-14 --iterations 3000 --damping 0.5 --batch-size 5 \
    --batch-ms 0 --updates up.txt --log-dir log --checkpoint-dir ck --resume --emit none > other.out 2> other.err ||
    status=$?
st_check "another job's checkpoint: refused with one line" sh -c "
    test $status != 0 && grep -q 'cannot resume from the checkpoint .* with other parameters' other.err"

# ---- A TCP client: resend after what is logged, not after what was acknowledged ----------

cat > client.py << 'EOF'
import socket, sys, time
port, mode = int(sys.argv[1]), sys.argv[2]
lines = open("up.txt").read().splitlines(True)
s = socket.create_connection(("127.0.0.1", port))
f = s.makefile("r")
greeting = f.readline()
sys.stdout.write(greeting)
after = int(greeting.split()[2]) if mode == "resume" else 0
try:
    s.sendall("".join(lines[after:]).encode())
    s.shutdown(socket.SHUT_WR)
    for line in f:
        sys.stdout.write(line)
except OSError:
    pass
EOF
# listen NAME ARGS...: the stream on a free TCP port in the background; sets $port.
listen() {
    local name=$1
    shift
    rm -f "$name.err"
    (RV_FAULT=${fault:-} rv_mpirun 2 "$RIVULET" "${STREAM[@]}" --updates tcp://127.0.0.1:0 --log-dir log \
        --checkpoint-dir ck --checkpoint-every 3 "$@" > "$name.out" 2> "$name.err"
        echo "exit $?" > "$name.status") &
    port=""
    for _ in $(seq 1 100); do
        port=$(sed -n 's|^rivulet: reading updates from tcp://127\.0\.0\.1:\([0-9][0-9]*\)$|\1|p' "$name.err" 2> /dev/null)
        [ -n "$port" ] && break
        sleep 0.1
    done
}
rm -rf log ck out
fault=0:5:before-ack listen tcp1 --emit none
[ -n "$port" ] && timeout 60 "$PYTHON" client.py "$port" first > acks1.txt 2>&1
wait
fault="" listen tcp2 --resume --emit snapshot --output-dir out
[ -n "$port" ] && timeout 60 "$PYTHON" client.py "$port" resume > acks2.txt 2>&1
wait
acked=$(sed -n 's/^ack [0-9]* \([0-9]*\) .*/\1/p' acks1.txt | tail -n 1)
logged=$(sed -n '1s/^logged [0-9]* \([0-9]*\)$/\1/p' acks2.txt)
echo "# first client: acknowledged through line ${acked:-none}; the resumed stream had logged through ${logged:-?}"
st_check "tcp: the killed stream acknowledged batches 1..4, not 5" sh -c "
    grep -q '^logged 0 0$' acks1.txt && grep -q '^ack 4 ' acks1.txt && ! grep -q '^ack 5 ' acks1.txt"
st_check "tcp: the resumed stream says it logged more than was acknowledged (batch 5)" sh -c "
    grep -q '^logged 5 ' acks2.txt && test '${logged:-0}' -gt '${acked:-0}'"
st_check "tcp: the resumed stream ends when the client is done (exit 0)" grep -qx 'exit 0' tcp2.status
rv_validate_check "tcp: the final ranks equal PageRank with every update applied once" \
    --sorted --epsilon 1e-9 epsilon expected.pr "$(ls out/batch-*.snapshot | tail -n 1)"

rv_done
