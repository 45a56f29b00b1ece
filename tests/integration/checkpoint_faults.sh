#!/bin/bash
# checkpoint_faults.sh — the chunk store under faults: kill -9, lost storage, flipped bytes, lost chunks, crashes inside a checkpoint, fewer ranks, several hosts, `rivulet store` and `rivulet supervise` (TAP).
#
#  1. kill -9 of one rank (stopped by RV_FAULT=...:stop, then killed from here):
#     the job fails; --resume gives the uninterrupted output.
#  2. one rank's whole storage removed: the resume succeeds, re-creates the
#     replicas and the manifest copy, and `store fsck` is clean afterwards.
#  3. one byte flipped in one replica: fsck sees it; the resume reports it, reads
#     another replica, repairs it; fsck is clean again.
#  4. every replica of one chunk damaged: a clear error naming the chunk, exit 1,
#     no output file.
#  5. a crash in the middle of a checkpoint (half a chunk written, or every
#     replica written but no manifest): the previous checkpoint is used; a crash
#     after a manifest copy was written: the new one is.
#  6. a checkpoint of np = 4 resumed on np = 3, 2 and 1 (and np = 2 on 4): SSSP
#     byte-identical, PageRank within 1e-12.
#  7. replica placement across hosts, with ranks given host names by
#     RV_HOST_NAME_OVERRIDE: the second replica is always on another host; %h and
#     %r place each rank's storage.
# Then `store ls|fsck|gc` and `rivulet supervise`.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/checkpoint_lib.sh
. "$(dirname "$0")/checkpoint_lib.sh"

rv_require_rivulet
rv_require_validate
rv_require_oracle

G=$RV_TMP/graph
ck_make_graph "$G" g 11 3000 15000
INPUT=$G/g
CKPT=(--checkpoint-every 3 --chunk-size 8K)

for np in 1 2 3 4; do
    for algo in pagerank sssp; do
        rv_run_check "$algo np=$np uninterrupted" "$np" "$RV_TMP/$algo.np$np" "$algo" "$INPUT" || rv_bail "no reference"
    done
done
rv_validate_check "sssp np=4 agrees with igraph" --sorted --epsilon 0 epsilon "$G/g-SSSP" "$RV_TMP/sssp.np4"
rv_validate_check "pagerank np=4 agrees with igraph" --sorted --epsilon 1e-10 epsilon "$G/g-PR" "$RV_TMP/pagerank.np4"

# A checkpoint directory DIR whose newest checkpoint is superstep 6: a job killed at 7.
make_checkpoints() {
    local np=$1 algo=$2 dir=$3 status=0
    shift 3
    rm -rf -- "$dir"
    RV_FAULT=$((np - 1)):7 ck_run "$np" "$RV_TMP/killed.out" "$RV_TMP/killed.err" "$algo" "$INPUT" \
        --checkpoint-dir "$dir" "${CKPT[@]}" "$@" || status=$?
    if [ "$status" = 0 ] || [ "$(ck_newest "$dir")" != 6 ]; then
        rv_not_ok "checkpoints of $algo np=$np up to superstep 6" "exit status $status, newest $(ck_newest "$dir"):"
        rv_diag_file "$RV_TMP/killed.err"
        return 1
    fi
    return 0
}

# ---- 1. kill -9 from outside ----------------------------------------------------------
# Rank 1 stops itself at superstep 7; we find it among the processes of our own job
# (timeout -> mpirun -> ranks) and kill it with SIGKILL.
find_stopped_rank() {
    local job=$1 rank=$2 launcher child
    for launcher in $(ps -o pid= --ppid "$job"); do
        for child in $(ps -o pid= --ppid "$launcher"); do
            { tr '\0' '\n' < "/proc/$child/environ"; } 2> /dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$rank" ||
                continue
            [ "$(awk '{ print $3 }' "/proc/$child/stat" 2> /dev/null)" = T ] && echo "$child" && return 0
        done
    done
    return 1
}

dir=$RV_TMP/ck-kill
out=$RV_TMP/kill.out
env_vars=()
[ "$(id -u)" = 0 ] && env_vars=(OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1)
# shellcheck disable=SC2086 # RV_MPIRUN_FLAGS is a list of words
env ${env_vars[@]+"${env_vars[@]}"} RV_FAULT=1:7:stop \
    timeout -k 5 "$RV_TIMEOUT" $RV_MPIRUN -np 3 --oversubscribe -q $RV_MPIRUN_FLAGS \
    "$RIVULET" run sssp "$INPUT" --checkpoint-dir "$dir" "${CKPT[@]}" --output "$out" > /dev/null 2> "$out.err" &
job=$!
pid=""
for _ in $(seq 1 300); do
    pid=$(find_stopped_rank "$job" 1) && break
    sleep 0.1
done
if [ -n "$pid" ]; then
    kill -9 "$pid"
    status=0
    wait "$job" || status=$?
    ck_expect_failure "1. kill -9 of rank 1 (pid $pid) at superstep 7 fails the job" "$status" "$out" "$out.err"
    if rv_run_check "1. --resume after kill -9" 3 "$out" sssp "$INPUT" --checkpoint-dir "$dir" "${CKPT[@]}" --resume; then
        rv_identical_check "1. the output after kill -9 and --resume equals the uninterrupted one" "$RV_TMP/sssp.np3" "$out"
    fi
else
    kill -TERM "$job" 2> /dev/null
    wait "$job" 2> /dev/null
    rv_not_ok "1. kill -9 of rank 1 at superstep 7 fails the job" "rank 1 never stopped:"
    rv_diag_file "$out.err"
fi

# ---- 2. one rank's storage removed ------------------------------------------------------
dir=$RV_TMP/ck-lost-storage
if make_checkpoints 4 pagerank "$dir" --keep 1; then
    rm -rf -- "$dir/rank-1"
    out=$RV_TMP/lost-storage.out
    # Stop right after the resume (no new checkpoint), so fsck sees what it repaired.
    status=0
    ck_run 4 "$out" "$out.err" pagerank "$INPUT" --checkpoint-dir "$dir" "${CKPT[@]}" --keep 1 --resume \
        --max-supersteps 7 || status=$?
    if [ "$status" = 0 ]; then
        rv_ok "2. the resume succeeds after rank 1's storage was removed"
        ck_grep_check "2. the missing replicas are reported" "rank 1's storage is missing" "$out.err"
        ck_grep_check "2. and re-created" "re-created the replica" "$out.err"
        ck_store_check "2. store fsck is clean afterwards" 0 fsck "$dir"
        if rv_run_check "2. resuming again runs to the end" 4 "$out" pagerank "$INPUT" --checkpoint-dir "$dir" \
            "${CKPT[@]}" --keep 1 --resume; then
            rv_identical_check "2. the output equals the uninterrupted one" "$RV_TMP/pagerank.np4" "$out"
        fi
    else
        rv_not_ok "2. the resume succeeds after rank 1's storage was removed" "exit status $status:"
        rv_diag_file "$out.err"
    fi
fi

# ---- 3. one byte flipped in one replica ----------------------------------------------------
# Chunk 0 of rank 0's state is read first from rank 0's own storage.
flip_byte() {
    printf '\377' | dd of="$1" bs=1 seek="${2:-100}" conv=notrunc status=none
}
dir=$RV_TMP/ck-flip
if make_checkpoints 3 sssp "$dir" --keep 1; then
    flip_byte "$dir/rank-0/ckpt-000000000006/f0-c0"
    ck_store_check "3. store fsck sees the flipped byte (exit 1)" 1 fsck "$dir"
    ck_grep_check "3. store fsck names the corrupt replica" "rank 0's storage is corrupt (checksum mismatch" \
        "$RV_TMP/store.out"
    out=$RV_TMP/flip.out
    status=0
    ck_run 3 "$out" "$out.err" sssp "$INPUT" --checkpoint-dir "$dir" "${CKPT[@]}" --keep 1 --resume || status=$?
    if [ "$status" = 0 ]; then
        ck_grep_check "3. the resume reports the checksum mismatch" \
            "chunk 0 of rank 0's state: the replica on rank 0's storage is corrupt (checksum mismatch" "$out.err"
        ck_grep_check "3. the resume repairs it" "re-created the replica of chunk 0 of rank 0's state on rank 0's" \
            "$out.err"
        ck_grep_check "3. the summary counts it" "1 replica missing or damaged, 1 re-created" "$out.err"
        rv_identical_check "3. the output equals the uninterrupted one" "$RV_TMP/sssp.np3" "$out"
    else
        rv_not_ok "3. the resume succeeds despite a flipped byte" "exit status $status:"
        rv_diag_file "$out.err"
    fi
fi
# The same with fsck --repair, on a checkpoint nobody resumed from.
dir=$RV_TMP/ck-flip-fsck
if make_checkpoints 3 sssp "$dir" --keep 1; then
    flip_byte "$dir/rank-1/ckpt-000000000006/f1-c0" 7
    rm -f -- "$dir/rank-2/ckpt-000000000006/f1-c0" "$dir/rank-2/ckpt-000000000006.manifest"
    ck_store_check "3. store fsck --repair repairs a corrupt and a missing replica and a manifest copy" 0 \
        fsck "$dir" --repair
    ck_store_check "3. store fsck is clean after --repair" 0 fsck "$dir"
fi

# ---- 4. every replica of one chunk damaged ---------------------------------------------------
dir=$RV_TMP/ck-lost-chunk
if make_checkpoints 3 sssp "$dir"; then
    for replica in "$dir"/rank-*/ckpt-000000000006/f1-c0; do
        flip_byte "$replica" 5
    done
    out=$RV_TMP/lost-chunk.out
    status=0
    ck_run 3 "$out" "$out.err" sssp "$INPUT" --checkpoint-dir "$dir" "${CKPT[@]}" --resume || status=$?
    ck_expect_failure "4. every replica of a chunk damaged: the resume fails, naming the chunk, no output" \
        "$status" "$out" "$out.err" "chunk 0 of rank 1's state is lost: none of its 3 replicas"
    if [ "$status" = 1 ] && [ "$(grep -c "rivulet: error" "$out.err")" = 1 ]; then
        rv_ok "4. exit status 1 and one error line"
    else
        rv_not_ok "4. exit status 1 and one error line" "exit status $status:"
        rv_diag_file "$out.err"
    fi
    ck_store_check "4. store fsck reports the lost chunk (exit 1)" 1 fsck "$dir"
    ck_grep_check "4. store fsck says LOST" "chunk 0 of rank 1's state is LOST" "$RV_TMP/store.out"
fi

# ---- 5. crashes inside a checkpoint -----------------------------------------------------------
for point in mid-chunk-write before-manifest after-manifest; do
    dir=$RV_TMP/ck-$point
    out=$RV_TMP/$point.out
    status=0
    RV_FAULT=2:6:$point ck_run 4 "$out" "$out.err" pagerank "$INPUT" --checkpoint-dir "$dir" "${CKPT[@]}" ||
        status=$?
    ck_expect_failure "5. rank 2 killed at superstep 6, $point: the job fails" "$status" "$out" "$out.err" \
        "fault injection"
    # Half a chunk on disk, or every replica without a manifest: invisible. After rank
    # 2's own manifest copy is durable, checkpoint 6 is committed.
    expected=3
    [ "$point" = after-manifest ] && expected=6
    newest=$(ck_newest "$dir")
    if [ "$newest" = "$expected" ]; then
        rv_ok "5. $point: the newest committed checkpoint is $expected"
    else
        rv_not_ok "5. $point: the newest committed checkpoint is $expected" "store ls says '$newest':"
        rv_diag_file "$RV_TMP/store.out"
    fi
    if [ "$point" = mid-chunk-write ]; then
        size=$(stat -c %s "$dir/rank-2/ckpt-000000000006/f2-c0" 2> /dev/null || echo none)
        if [ "$size" = 4096 ]; then
            rv_ok "5. mid-chunk-write left half a chunk (4096 of 8192 bytes)"
        else
            rv_not_ok "5. mid-chunk-write left half a chunk (4096 of 8192 bytes)" "size: $size"
        fi
    fi
    status=0
    ck_run 4 "$out" "$out.err" pagerank "$INPUT" --checkpoint-dir "$dir" "${CKPT[@]}" --resume || status=$?
    if [ "$status" = 0 ]; then
        ck_grep_check "5. $point: the resume uses superstep $expected" \
            "resumed from the checkpoint at superstep $expected " "$out.err"
        rv_identical_check "5. $point: the output equals the uninterrupted one" "$RV_TMP/pagerank.np4" "$out"
    else
        rv_not_ok "5. $point: the resume succeeds" "exit status $status:"
        rv_diag_file "$out.err"
    fi
done

# ---- 6. another number of ranks ------------------------------------------------------------------
for algo in sssp pagerank; do
    base=$RV_TMP/ck-np4-$algo
    make_checkpoints 4 "$algo" "$base" || continue
    for np in 3 2 1; do
        dir=$RV_TMP/ck-np4-$algo-on-$np
        cp -a -- "$base" "$dir"
        out=$RV_TMP/np4-$algo-on-$np.out
        status=0
        ck_run "$np" "$out" "$out.err" "$algo" "$INPUT" --checkpoint-dir "$dir" "${CKPT[@]}" --resume || status=$?
        if [ "$status" != 0 ]; then
            rv_not_ok "6. $algo checkpoint of np=4 resumed on np=$np" "exit status $status:"
            rv_diag_file "$out.err"
            continue
        fi
        ck_grep_check "6. $algo checkpoint of np=4 resumed on np=$np" "(written by 4 ranks)" "$out.err"
        if [ "$algo" = sssp ]; then
            rv_identical_check "6. sssp np=4 -> np=$np: byte-identical to the uninterrupted np=4 output" \
                "$RV_TMP/sssp.np4" "$out"
        else
            rv_validate_check "6. pagerank np=4 -> np=$np: within 1e-12 of the uninterrupted np=4 output" \
                --sorted --epsilon 1e-12 epsilon "$RV_TMP/pagerank.np4" "$out"
        fi
    done
done
dir=$RV_TMP/ck-np2
if make_checkpoints 2 sssp "$dir"; then
    out=$RV_TMP/np2-on-4.out
    if rv_run_check "6. sssp checkpoint of np=2 resumed on np=4" 4 "$out" sssp "$INPUT" --checkpoint-dir "$dir" \
        "${CKPT[@]}" --resume; then
        rv_identical_check "6. sssp np=2 -> np=4: byte-identical" "$RV_TMP/sssp.np2" "$out"
    fi
fi

# ---- 7. hosts ---------------------------------------------------------------------------------------
# For every chunk line of a manifest: the replicas are on distinct ranks, and the
# second is on another host than the first whenever another host exists.
check_placement() {
    local manifest=$1
    awk '
        $1 == "host" { host[$2] = $3; hosts[$3] = 1 }
        $1 == "chunk" {
            n = 0; for (h in hosts) n++
            first = $11; second = $12
            for (i = 11; i <= NF; i++) for (j = i + 1; j <= NF; j++) if ($i == $j) { print "chunk " $2 "/" $3 ": rank " $i " twice"; bad = 1 }
            if (n > 1 && NF >= 12 && host[first] == host[second]) { print "chunk " $2 "/" $3 ": replicas on ranks " first " and " second " share host " host[first]; bad = 1 }
            chunks++
        }
        END { if (!chunks) print "no chunk lines"; exit (bad || !chunks) }' "$manifest"
}
for case in "hosta,hosta,hostb,hostb 2" "hosta,hosta,hostb,hostb 3" "hosta,hosta,hosta,hostb 2"; do
    hosts=${case% *}
    replicas=${case#* }
    dir=$RV_TMP/ck-hosts-$replicas-${hosts//,/-}
    pattern="$dir/%h/disk-%r"
    out=$RV_TMP/hosts.out
    status=0
    RV_HOST_NAME_OVERRIDE=$hosts RV_FAULT=3:7 ck_run 4 "$out" "$out.err" sssp "$INPUT" --checkpoint-dir "$pattern" \
        "${CKPT[@]}" --replicas "$replicas" || status=$?
    manifest=$dir/hostb/disk-3/ckpt-000000000006.manifest
    desc="7. hosts $hosts, $replicas replicas: storage in %h/disk-%r, second replica on another host"
    if [ -f "$manifest" ] && [ -d "$dir/hosta/disk-0" ] && [ -d "$dir/hostb/disk-3" ] &&
        report=$(check_placement "$manifest"); then
        rv_ok "$desc"
    else
        rv_not_ok "$desc" "exit status $status; ${report:-no manifest at $manifest}"
        rv_diag_file "$out.err"
    fi
    if [ "$hosts" = hosta,hosta,hosta,hostb ]; then
        # Rank 3 is the only other host: it holds the second replica of every other rank's chunk.
        if awk '$1 == "chunk" && $2 != 3 && $12 != 3 { bad = 1 } END { exit bad }' "$manifest"; then
            rv_ok "7. with one rank on the second host, it holds every other rank's second replica"
        else
            rv_not_ok "7. with one rank on the second host, it holds every other rank's second replica"
            rv_diag_file "$manifest" 40
        fi
    fi
    if RV_HOST_NAME_OVERRIDE=$hosts rv_run_check "7. resume with hosts $hosts, $replicas replicas" 4 "$out" sssp \
        "$INPUT" --checkpoint-dir "$pattern" "${CKPT[@]}" --replicas "$replicas" --resume; then
        rv_identical_check "7. hosts $hosts: resumed output equals the uninterrupted one" "$RV_TMP/sssp.np4" "$out"
    fi
    ck_store_check "7. store fsck with a %h/%r pattern finds every replica" 0 fsck "$pattern"
done

# ---- rivulet store ----------------------------------------------------------------------------------
dir=$RV_TMP/ck-store
if rv_run_check "store: a run that keeps 4 checkpoints" 2 "$RV_TMP/store-run.out" pagerank "$INPUT" \
    --checkpoint-dir "$dir" --checkpoint-every 2 --keep 4; then
    ck_store_check "store ls lists the checkpoints" 0 ls "$dir"
    if [ "$(awk '$1 ~ /^[0-9]+$/ { printf "%s ", $1 }' "$RV_TMP/store.out")" = "12 10 8 6 " ] &&
        grep -q "pagerank .* ok (" "$RV_TMP/store.out"; then
        rv_ok "store ls: supersteps 12 10 8 6, newest first, healthy"
    else
        rv_not_ok "store ls: supersteps 12 10 8 6, newest first, healthy"
        rv_diag_file "$RV_TMP/store.out"
    fi
    rm -f -- "$dir/rank-1/ckpt-000000000010/f0-c0"
    ck_store_check "store ls exits 0 and shows a missing replica" 0 ls "$dir"
    ck_grep_check "store ls: superstep 10 degraded" "degraded: 3/4 replicas (1 missing" "$RV_TMP/store.out"
    ck_store_check "store gc --keep 1" 0 gc "$dir" --keep 1
    ck_store_check "store ls after gc" 0 ls "$dir"
    if [ "$(awk '$1 ~ /^[0-9]+$/ { printf "%s ", $1 }' "$RV_TMP/store.out")" = "12 " ] &&
        [ "$(find "$dir" -name 'ckpt-*' | wc -l)" = 4 ]; then
        rv_ok "store gc --keep 1 leaves superstep 12 only (a manifest and a directory per rank)"
    else
        rv_not_ok "store gc --keep 1 leaves superstep 12 only" "$(find "$dir" -name 'ckpt-*' | tr '\n' ' ')"
    fi
fi
ck_store_check "store: usage error without an action" 2 "" ""
ck_store_check "store: unknown action" 2 fix "$dir"
ck_store_check "store gc --keep 0 is refused" 2 gc "$dir" --keep 0
ck_store_check "store ls of an empty directory" 0 ls "$RV_TMP/nothing"

# ---- rivulet supervise -----------------------------------------------------------------------------
supervise() {
    local status=0
    # shellcheck disable=SC2086 # RV_MPIRUN_FLAGS is a list of words
    env ${env_vars[@]+"${env_vars[@]}"} timeout -k 5 "$((3 * RV_TIMEOUT))" "$RIVULET" supervise "$@" \
        > "$RV_TMP/supervise.out" 2>&1 || status=$?
    return $status
}
dir=$RV_TMP/ck-supervise
out=$RV_TMP/supervise-result.out
status=0
RV_FAULT=1:7 supervise --max-restarts 2 --delay 0 -- $RV_MPIRUN -np 3 --oversubscribe -q $RV_MPIRUN_FLAGS \
    "$RIVULET" run sssp "$INPUT" --checkpoint-dir "$dir" "${CKPT[@]}" --output "$out" --quiet || status=$?
if [ "$status" = 0 ] && grep -q "restarting with --resume (restart 1 of 2)" "$RV_TMP/supervise.out"; then
    rv_ok "supervise restarts a killed job once with --resume"
    rv_identical_check "supervise: the output equals the uninterrupted one" "$RV_TMP/sssp.np3" "$out"
else
    rv_not_ok "supervise restarts a killed job once with --resume" "exit status $status:"
    rv_diag_file "$RV_TMP/supervise.out" 30
fi
rm -rf -- "$dir"
status=0
RV_FAULT=1:7 supervise --max-restarts 0 -- $RV_MPIRUN -np 3 --oversubscribe -q $RV_MPIRUN_FLAGS \
    "$RIVULET" run sssp "$INPUT" --checkpoint-dir "$dir" "${CKPT[@]}" --output "$out" --quiet || status=$?
if [ "$status" != 0 ] && grep -q "no restart is left" "$RV_TMP/supervise.out"; then
    rv_ok "supervise --max-restarts 0 gives up with the job's failure"
else
    rv_not_ok "supervise --max-restarts 0 gives up with the job's failure" "exit status $status:"
    rv_diag_file "$RV_TMP/supervise.out"
fi
status=0
supervise --max-restarts 3 --delay 0 -- "$RIVULET" run sssp "$INPUT" --no-such-option || status=$?
if [ "$status" = 2 ] && ! grep -q restarting "$RV_TMP/supervise.out"; then
    rv_ok "supervise does not retry a usage error (exit 2)"
else
    rv_not_ok "supervise does not retry a usage error (exit 2)" "exit status $status:"
    rv_diag_file "$RV_TMP/supervise.out"
fi
status=0
supervise --max-restarts 1 2> /dev/null || status=$?
[ "$status" = 2 ] && rv_ok "supervise without a command: usage error" ||
    rv_not_ok "supervise without a command: usage error" "exit status $status"

rv_done
