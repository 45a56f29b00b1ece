#!/bin/bash
# stream_io.sh — `rivulet stream` at its edges: malformed lines, --strict, unknown vertices, a component split and a lengthened path spelled out, TCP acknowledgements, --follow stopped by SIGTERM, kill -9 then --resume from the log (TAP).
# Environment: see lib.sh.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/stream_lib.sh
. "$(dirname "$0")/stream_lib.sh"

rv_require_rivulet
PYTHON=${PYTHON:-python3}
command -v "$PYTHON" > /dev/null || rv_skip_all "no python3"
REF="$RV_TOP_SRCDIR/tests/tools/stream_reference.py"

# Runs without a launcher (a singleton MPI process) need the run-as-root permission
# that rv_mpirun gives mpirun.
if [ "$(id -u)" = 0 ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

# has FILE TEXT: FILE holds the line TEXT.
has() { grep -qxF -- "$2" "$1" || { echo "no line '$2' in $1:"; cat "$1"; return 1; }; }

cd "$RV_TMP" || rv_bail "cannot enter $RV_TMP"
printf '1 2 1\n2 3 1\n3 4 1\n1 5 10\n5 4 1\n6 7 1\n' > g.e

# ---- Bad lines, --strict, unknown vertices ----------------------------------------------

cat > bad.txt << 'EOF'
# a comment, then a blank line

+ 4 6 2
x 1 2
+ 1
+ 2 3 -1
- 1 9 9
+v 8
- 1 99
- 99 1
-v 77
EOF
for np in 1 3; do
    rm -rf out
    status=0
    rv_mpirun "$np" "$RIVULET" stream sssp g.e --source 1 --updates bad.txt --batch-size 100 --batch-ms 0 \
        --output-dir out > bad.out 2> bad.err || status=$?
    st_check "bad lines at np=$np: the stream goes on (exit 0)" test "$status" = 0
    st_check "bad lines at np=$np: each rejected with its line and reason" sh -c "
        grep -qxF 'rivulet: bad.txt:4: unknown operation '\\''x'\\'' (expected +, -, +v or -v) (line rejected)' bad.err &&
        grep -qxF 'rivulet: bad.txt:5: missing target id (field 3) (line rejected)' bad.err &&
        grep -qxF 'rivulet: bad.txt:6: field 4 (weight): weight is negative: '\\''-1'\\'' (line rejected)' bad.err &&
        grep -qxF 'rivulet: bad.txt:7: too many fields: '\\''-'\\'' takes 3, field 4 is '\\''9'\\'' (line rejected)' bad.err"
    st_check "bad lines at np=$np: unknown vertices and missing edges reported, not fatal" sh -c "
        grep -qxF 'rivulet: bad.txt:9: - 1 99: no edge 1 -> 99 (ignored)' bad.err &&
        grep -qxF 'rivulet: bad.txt:10: - 99 1: no vertex 99 (ignored)' bad.err &&
        grep -qxF 'rivulet: bad.txt:11: -v 77: no vertex 77 (ignored)' bad.err"
    st_check "bad lines at np=$np: the metrics count 5 updates, 4 rejected, 3 ignored" \
        grep -q '^rivulet: batch=1 mode=repair lines=1-11 updates=5 rejected=4 ignored=3 ' bad.err
    st_check "bad lines at np=$np: the good lines were applied" sh -c \
        "grep -qxF '6 5' out/batch-000001.changes && grep -qxF '8 infinity' out/batch-000001.changes"
done

rm -rf out
status=0
rv_mpirun 2 "$RIVULET" stream sssp g.e --source 1 --updates bad.txt --batch-size 1 --batch-ms 0 --strict \
    --output-dir out > strict.out 2> strict.err || status=$?
st_check "--strict: the first bad line ends the stream (exit 1)" test "$status" = 1
st_check "--strict: one error line naming the file and line" \
    has strict.err "rivulet: error: bad.txt:4: unknown operation 'x' (expected +, -, +v or -v)"
st_check "--strict: the batch before it was applied, nothing after" \
    sh -c 'test -f out/batch-000001.changes && ! test -f out/batch-000002.changes'

# ---- A component splits, a shortest path gets longer -----------------------------------

# g.e: 1 -> 2 -> 3 -> 4 (weight 1 each), 1 -> 5 (10), 5 -> 4 (1), 6 -> 7.
printf -- '- 2 3\n' > split.txt
for np in 1 2 3 4; do
    rm -rf out-sssp out-wcc
    rv_mpirun "$np" "$RIVULET" stream sssp g.e --source 1 --updates split.txt --batch-ms 0 --emit snapshot \
        --output-dir out-sssp --quiet > /dev/null 2>&1
    rv_mpirun "$np" "$RIVULET" stream wcc g.e --updates split.txt --batch-ms 0 --emit snapshot \
        --output-dir out-wcc --quiet > /dev/null 2>&1
    st_check "np=$np: '- 2 3' makes 3 unreachable and the path to 4 go round by 5" \
        diff <(printf '1 0\n2 1\n3 infinity\n4 11\n5 10\n6 infinity\n7 infinity\n') out-sssp/batch-000001.snapshot
    st_check "np=$np: '- 2 3' leaves wcc one component (3 still hangs on 4)" \
        diff <(printf '1 1\n2 1\n3 1\n4 1\n5 1\n6 6\n7 6\n') out-wcc/batch-000001.snapshot
done
printf -- '- 2 3\n- 5 4\n' > split2.txt
rm -rf out-wcc
rv_mpirun 3 "$RIVULET" stream wcc g.e --updates split2.txt --batch-ms 0 --emit snapshot --output-dir out-wcc \
    --quiet > /dev/null 2>&1
st_check "np=3: '- 2 3', '- 5 4' split off {3, 4}, labelled 3" \
    diff <(printf '1 1\n2 1\n3 3\n4 3\n5 1\n6 6\n7 6\n') out-wcc/batch-000001.snapshot

# ---- TCP: acknowledgements, loopback ---------------------------------------------------

cat > client.py << 'EOF'
import socket, sys, time
port = int(sys.argv[1])
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"+ 7 8\n+ 8 9\nnot an update\n")
time.sleep(0.3)
s.sendall(b"- 6 7\n")
s.shutdown(socket.SHUT_WR)
data = b""
while True:
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
sys.stdout.write(data.decode())
EOF
rm -rf out tcp.err
(rv_mpirun 2 "$RIVULET" stream wcc g.e --updates tcp://127.0.0.1:0 --batch-size 2 --batch-ms 100 \
    --emit snapshot --output-dir out > tcp.out 2> tcp.err
    echo "exit $?" > tcp.status) &
port=""
for _ in $(seq 1 100); do
    port=$(sed -n 's|^rivulet: reading updates from tcp://127\.0\.0\.1:\([0-9][0-9]*\)$|\1|p' tcp.err 2> /dev/null)
    [ -n "$port" ] && break
    sleep 0.1
done
if [ -z "$port" ]; then
    rv_not_ok "tcp: the listener binds 127.0.0.1 and says its port" "stderr:"
    rv_diag_file tcp.err
else
    rv_ok "tcp: the listener binds 127.0.0.1 and says its port"
    timeout 60 "$PYTHON" client.py "$port" > acks.txt 2>&1
    wait
    st_check "tcp: the stream ends when the client closes its side (exit 0)" has tcp.status "exit 0"
    st_check "tcp: one acknowledgement per batch, the bad line rejected" \
        diff <(printf 'ack 1 2 2 0\nreject 3 unknown operation '\''not'\'' (expected +, -, +v or -v)\nack 2 4 1 1\n') acks.txt
    st_check "tcp: the result follows the updates" \
        diff <(printf '1 1\n2 1\n3 1\n4 1\n5 1\n6 6\n7 7\n8 7\n9 7\n') out/batch-000002.snapshot
fi

# ---- --follow, stopped by SIGTERM --------------------------------------------------------

rm -rf out
printf '+ 4 6 1\n' > follow.txt
timeout 60 "$RIVULET" stream sssp g.e --source 1 --updates follow.txt --follow --batch-ms 50 --emit snapshot \
    --output-dir out > follow.out 2> follow.err &
pid=$!
for _ in $(seq 1 100); do [ -f out/batch-000001.snapshot ] && break; sleep 0.1; done
printf -- '- 1 2\n' >> follow.txt
for _ in $(seq 1 100); do [ -f out/batch-000002.snapshot ] && break; sleep 0.1; done
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
st_check "--follow: lines appended later are applied" \
    diff <(printf '1 0\n2 infinity\n3 infinity\n4 11\n5 10\n6 12\n7 13\n') out/batch-000002.snapshot
st_check "--follow: SIGTERM ends the stream cleanly (exit 0)" test "$status" = 0

# ---- kill -9, then --resume: no logged update lost or applied twice ---------------------

# PageRank counts parallel edges, so an insertion applied twice would show. The
# graph is large enough that a batch takes some milliseconds, so that the kill comes
# in the middle of the stream (the test does not depend on where).
if "$PYTHON" "$REF" gen --seed 21 --vertices 3000 --edges 12000 --updates 120 resume-g resume.txt > /dev/null 2>&1 &&
    "$PYTHON" "$REF" apply --batch-size 1000000 resume-g resume.txt resume-expected > /dev/null 2>&1 &&
    rv_mpirun 1 "$RIVULET" run pagerank resume-expected-1 --tolerance 1e-14 --iterations 3000 \
        --output resume-expected.pr --quiet > /dev/null 2>&1; then
    rm -rf log out
    # Not under timeout: SIGKILL must reach rivulet itself (the libtool wrapper execs it).
    "$RIVULET" stream pagerank resume-g --tolerance 1e-14 --iterations 3000 --updates resume.txt \
        --follow --batch-size 2 --batch-ms 0 --log-dir log --emit none > resume1.out 2> resume1.err &
    pid=$!
    for _ in $(seq 1 200); do grep -q '^rivulet: batch=3 ' resume1.err 2> /dev/null && break; sleep 0.05; done
    kill -KILL "$pid"
    wait "$pid" 2> /dev/null
    applied=$(grep -c '^rivulet: batch=[1-9]' resume1.err)
    status=0
    timeout 120 "$RIVULET" stream pagerank resume-g --tolerance 1e-14 --iterations 3000 --updates resume.txt \
        --batch-size 2 --batch-ms 0 --log-dir log --resume --emit snapshot --output-dir out \
        > resume2.out 2> resume2.err || status=$?
    st_check "resume: the resumed stream ends cleanly (exit 0)" test "$status" = 0
    echo "# killed after $applied batches were applied; $(grep '^rivulet: resumed:' resume2.err)"
    # Every line of the file exactly once: the batches' line ranges tile 1..N.
    last=$(grep -c '' resume.txt)
    st_check "resume: the batches cover lines 1..$last once each (replayed and new)" sh -c "
        sed -n 's/^rivulet: batch=[1-9][0-9]* .* lines=\([0-9]*\)-\([0-9]*\) .*/\1 \2/p' resume2.err |
        awk -v last=$last 'BEGIN { next_line = 1 } \$1 != next_line { exit 1 } { next_line = \$2 + 1 } END { exit next_line != last + 1 }'"
    final=$(ls out/batch-*.snapshot | tail -n 1)
    if [ -x "${RV_VALIDATE:-}" ]; then
        st_check "resume: the final ranks equal a recomputation on the whole stream" \
            "$RV_VALIDATE" --sorted --epsilon 1e-9 epsilon resume-expected.pr "$final"
    fi
else
    rv_not_ok "resume: prepare the stream and its expected result"
fi

rv_done
