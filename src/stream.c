/* stream.c — rv_stream_run(): a job that follows a source of updates in micro-batches, repairing (or recomputing) its result after each.
 *
 * Rank 0 reads the source and cuts it into batches: a batch closes at batch_size
 * accepted updates, batch_ms after its first update arrived, or at the end of the
 * source. It logs the batch (io/wal.h), acknowledges it to a TCP client, rewrites
 * it for Pregel's order (update_batch.h), expands each update into the copies the
 * graph stores (both ways for an undirected graph; a marked reverse copy for the
 * undirected view of a directed one), and routes the requests to their owners. Then
 * every rank takes part: the batch is applied at one barrier through the mutation
 * machinery (mutation.h), the touched vertices run the program's repair() (or, for a
 * program without one, the job starts over), supersteps run until the job is at rest
 * again, and the vertices whose output changed (or a full snapshot) are written.
 * The other ranks wait for rank 0 between batches without spinning.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checkpoint.h"
#include "fault.h"
#include "io/updates.h"
#include "job.h"
#include "stream_changes.h"
#include "stream_log.h"
#include "update_batch.h"

enum {
    DEFAULT_BATCH_SIZE = 1000,
    READ_BYTES = 1 << 16,
    /* How long rank 0 waits for input at a time before it looks at the stop flag. */
    IDLE_POLL_MS = 100
};

/* What rank 0 announces before each batch: a new one (to be logged first) or one
 * replayed from the log. */
enum { NEXT_BATCH = 0, NEXT_END = 1, NEXT_FAILED = 2, NEXT_REPLAYED = 3 };

/* How the graph stores an edge line. */
typedef enum {
    LAYOUT_DIRECTED,   /* once, at its source */
    LAYOUT_UNDIRECTED, /* both ways, unmarked: `u v` and `v u` are the same edge */
    LAYOUT_MARKED      /* both ways, the copy at the target marked reverse */
} graph_layout;

/* A batch as the log keeps it: this header, then n_updates rv__update records. */
typedef struct batch_record {
    uint64_t first_line, last_line; /* source lines the batch consumed */
    uint64_t source_offset;         /* source bytes consumed up to the end of last_line */
    uint64_t n_updates;
} batch_record;

/* The batch rank 0 is filling. */
typedef struct pending {
    rv__update *updates;
    size_t n, capacity;
    uint64_t first_line, last_line, rejected;
    double first_arrival; /* rv__now() of its first update's arrival */
} pending;

typedef struct stream {
    rv_job *job;
    rv_session *session;
    const rv_stream_options *o;
    graph_layout layout;
    uint64_t batch_size;
    uint64_t batch;   /* number of the last batch applied */
    rv__stream_result result; /* the result after the last batch, to find what changed */
    uint64_t computed;        /* rank 0: compute() and repair() calls in the current batch */
    rv__stream_log *log;      /* the write-ahead log (NULL: none) */
    bool resumed;             /* continued from a checkpoint or a log: no fault injection */

    /* Rank 0 only. */
    rv__update_source *source;
    rv__line_buffer lines;
    rv__update_format format;
    char *chunk;
    double unconsumed_since; /* arrival of the oldest bytes still in `lines`; < 0: none */
    pending pending;
    rv__buffer replay;       /* on resume: the logged batches after the checkpoint */
    /* Where the source stands after the last batch applied: its last line, and the
     * bytes consumed through it (what a checkpoint records, a resume seeks to). */
    uint64_t position_line, position_offset;
    bool failed_together;    /* a collective step failed: every rank knows already */
    char error[512];
} stream;

static void notice(stream *st, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void notice(stream *st, const char *format, ...)
{
    char line[768];
    va_list args;
    va_start(args, format);
    vsnprintf(line, sizeof line, format, args);
    va_end(args);
    if (st->o->on_notice)
        st->o->on_notice(line, st->o->arg);
}

/* ---- Reading a batch (rank 0) ------------------------------------------------------ */

static int push_update(pending *b, const rv__update *u)
{
    if (b->n == b->capacity) {
        size_t capacity = b->capacity ? 2 * b->capacity : 1024;
        rv__update *grown = realloc(b->updates, capacity * sizeof *grown);
        if (!grown)
            return RV_ENOMEM;
        b->updates = grown;
        b->capacity = capacity;
    }
    b->updates[b->n++] = *u;
    return RV_OK;
}

/* Bytes of the source consumed up to the last line handed out. */
static uint64_t consumed_offset(const stream *st)
{
    return rv__update_source_offset(st->source) - (st->lines.size - st->lines.start);
}

/* Takes the complete lines already read into the batch, until it is full. Returns
 * RV_EPARSE for a bad line under --strict (with the session's error set). */
static int take_lines(stream *st, bool at_end)
{
    rv_session *s = st->session;
    pending *b = &st->pending;
    const char *line;
    size_t length;
    bool too_long;
    while (b->n < st->batch_size && rv__line_buffer_next(&st->lines, at_end, &line, &length, &too_long)) {
        uint64_t number = st->lines.line;
        if (!b->first_line)
            b->first_line = number;
        b->last_line = number;
        rv__update u;
        char reason[256];
        int status = too_long ? RV_EPARSE
                              : rv__parse_update(line, length, &st->format, &u, reason, sizeof reason);
        if (too_long)
            snprintf(reason, sizeof reason, "line longer than %zu bytes", RV__UPDATE_LINE_MAX_BYTES);
        if (status == RV_EPARSE) {
            const char *name = rv__update_source_name(st->source);
            if (st->o->strict)
                return rv__session_fail(s, RV_EPARSE, "%s:%" PRIu64 ": %s", name, number, reason);
            b->rejected++;
            notice(st, "%s:%" PRIu64 ": %s (line rejected)", name, number, reason);
            char reply[320];
            int n = snprintf(reply, sizeof reply, "reject %" PRIu64 " %s\n", number, reason);
            rv__update_source_reply(st->source, reply, n > 0 && (size_t)n < sizeof reply ? (size_t)n : 0);
            continue;
        }
        if (u.kind == RV__UPDATE_NONE)
            continue;
        u.line = number;
        if (b->n == 0)
            b->first_arrival = st->unconsumed_since >= 0 ? st->unconsumed_since : rv__now();
        if (push_update(b, &u) != RV_OK)
            return rv__session_fail(s, RV_ENOMEM, "out of memory for a batch of %zu updates", b->n);
    }
    if (st->lines.start == st->lines.size)
        st->unconsumed_since = -1;
    return RV_OK;
}

/* Fills st->pending with the next batch. It closes at batch_size updates, batch_ms
 * after its first update arrived, at the end of the source, or when asked to stop;
 * it may be empty (the stream is over, or only bad lines came). Rank 0; RV_OK or an
 * error with the session's text set. */
static int read_batch(stream *st, bool *source_over)
{
    rv_session *s = st->session;
    const rv_stream_options *o = st->o;
    pending *b = &st->pending;
    b->n = 0;
    b->first_line = b->last_line = b->rejected = 0;
    *source_over = false;
    bool ended = false;
    for (;;) {
        int status = take_lines(st, ended);
        if (status != RV_OK)
            return status;
        if (b->n >= st->batch_size || (o->stop && *o->stop))
            return RV_OK;
        if (ended) {
            *source_over = true;
            return RV_OK;
        }
        int timeout = IDLE_POLL_MS;
        if (b->n > 0 && o->batch_ms > 0) {
            double left_ms = (b->first_arrival + (double)o->batch_ms / 1e3 - rv__now()) * 1e3;
            if (left_ms <= 0)
                return RV_OK;
            timeout = left_ms < IDLE_POLL_MS ? (int)left_ms + 1 : IDLE_POLL_MS;
        }
        size_t n = 0;
        status = rv__update_source_read(st->source, timeout, st->chunk, READ_BYTES, &n, &ended, st->error,
                                        sizeof st->error);
        if (status != RV_OK)
            return rv__session_fail(s, status, "%s", st->error);
        if (rv__update_source_client_left(st->source)) {
            /* The client's last lines close the batch, so their acknowledgement goes to
             * it; a line it left unfinished ends there too. */
            return take_lines(st, true);
        }
        if (n > 0) {
            if (st->unconsumed_since < 0)
                st->unconsumed_since = rv__now();
            if (rv__line_buffer_append(&st->lines, st->chunk, n) != RV_OK)
                return rv__session_fail(s, RV_ENOMEM, "out of memory reading %s", rv__update_source_name(st->source));
        }
    }
}

/* ---- Applying a batch ----------------------------------------------------------------- */

/* Routes one logical request as the copies the graph stores of it. Rank 0. */
static int request_copies(stream *st, const rv__mutation *r)
{
    rv_job *job = st->job;
    uint64_t kind = r->kind & RV__MUTATION_KIND_MASK;
    bool edge = kind == RV__ADD_EDGE || kind == RV__REMOVE_EDGE;
    if (!edge || st->layout == LAYOUT_DIRECTED)
        return rv__mutations_request_tagged(job, r);
    rv__mutation forward = *r, backward = *r;
    backward.a = r->b;
    backward.b = r->a;
    backward.kind &= ~RV__MUTATION_REPORT; /* one report per line, from its forward copy */
    if (st->layout == LAYOUT_MARKED) {
        if (kind == RV__REMOVE_EDGE)
            forward.kind |= RV__MUTATION_FORWARD;
        backward.kind |= RV__MUTATION_REVERSE;
    }
    int status = rv__mutations_request_tagged(job, &forward);
    return status == RV_OK ? rv__mutations_request_tagged(job, &backward) : status;
}

/* Rank 0 turns the updates into requests for their owners. */
static int route_updates(stream *st, const rv__update *updates, size_t n)
{
    rv__mutation *requests = NULL;
    size_t n_requests = 0;
    int status = rv__update_batch_requests(updates, n, st->layout == LAYOUT_UNDIRECTED, &requests, &n_requests);
    for (size_t i = 0; status == RV_OK && i < n_requests; i++)
        status = request_copies(st, &requests[i]);
    free(requests);
    if (status != RV_OK)
        return rv__session_fail(st->session, status, "out of memory routing a batch of %zu updates", n);
    return RV_OK;
}

static int compare_notice(const void *a, const void *b)
{
    const rv__mutation_notice *x = a, *y = b;
    return (x->line > y->line) - (x->line < y->line);
}

/* Brings every rank's notices (updates that changed nothing) to rank 0, which reports
 * them in line order; *ignored is their number there. Collective. */
static int report_notices(stream *st, const rv__batch_changes *c, uint64_t *ignored)
{
    rv_session *s = st->session;
    const int P = s->size;
    uint64_t *send_bytes = calloc((size_t)P, sizeof *send_bytes), *recv_bytes = calloc((size_t)P, sizeof *recv_bytes);
    rv__buffer received = {0};
    int status = send_bytes && recv_bytes ? RV_OK : RV_ENOMEM;
    if (status == RV_OK)
        send_bytes[0] = c->n_notices * sizeof *c->notices;
    rv__mutation_notice none;
    const void *send = c->notices ? (const void *)c->notices : (const void *)&none;
    int exchanged = send_bytes && recv_bytes ? rv__comm_alltoallv(s, send, send_bytes, &received, recv_bytes)
                                             : RV_ENOMEM;
    status = status != RV_OK ? rv__session_fail(s, status, "out of memory for update reports") : exchanged;
    status = rv__session_agree(s, status);
    *ignored = 0;
    if (status == RV_OK && s->rank == 0) {
        size_t n = received.size / sizeof(rv__mutation_notice);
        rv__mutation_notice *all = (rv__mutation_notice *)received.data;
        if (n)
            qsort(all, n, sizeof *all, compare_notice);
        const char *name = rv__update_source_name(st->source);
        for (size_t i = 0; i < n; i++) {
            const rv__mutation_notice *x = &all[i];
            if (x->kind == RV__REMOVE_VERTEX)
                notice(st, "%s:%" PRIu64 ": -v %" PRIu64 ": no vertex %" PRIu64 " (ignored)", name, x->line, x->a,
                       x->a);
            else if (x->unknown_vertex)
                notice(st, "%s:%" PRIu64 ": - %" PRIu64 " %" PRIu64 ": no vertex %" PRIu64 " (ignored)", name,
                       x->line, x->a, x->b, x->a);
            else
                notice(st, "%s:%" PRIu64 ": - %" PRIu64 " %" PRIu64 ": no edge %" PRIu64 " -> %" PRIu64 " (ignored)",
                       name, x->line, x->a, x->b, x->a, x->b);
        }
        *ignored = n;
    }
    free(send_bytes);
    free(recv_bytes);
    rv__buffer_destroy(&received);
    return status;
}

/* The program's on_batch() hook, told the batch's @p n_updates: whether every vertex
 * should repair, and in *recompute whether the program asked to start again instead.
 * Collective in effect (every rank runs it with the same inputs). */
static bool wake_everyone(stream *st, uint64_t n_updates, bool *recompute, int *status)
{
    rv_job *job = st->job;
    const rv_program *p = &job->program;
    *recompute = false;
    if (!p->on_batch)
        return false;
    rv_master master = {.job = job, .reduced = job->aggregate_visible, .between_runs = true,
                        .batch_updates = n_updates};
    bool everyone = p->on_batch(&master, p->user);
    if (master.failed)
        *status = RV_EINVAL;
    *recompute = master.recompute;
    return everyone;
}

/* ---- One batch, on every rank ------------------------------------------------------- */

static void count_superstep(const rv_superstep_stats *step, void *arg)
{
    stream *st = arg;
    st->computed += step->active_vertices;
}

/* Runs the supersteps of a batch, and writes its result. With @p incremental (a
 * patched batch), the vertices that run are tracked, and only they are compared with
 * the previous result. Collective. */
static int settle(stream *st, bool incremental, rv_stream_batch *report)
{
    rv_job *job = st->job;
    rv_run_options run = {.max_supersteps = st->o->max_supersteps, .on_superstep = count_superstep, .arg = st};
    rv_run_stats stats = {0};
    double t0 = rv__now();
    st->computed = 0;
    free(job->dirty);
    job->dirty = incremental ? calloc((size_t)job->graph->n_local + 1, 1) : NULL;
    int status = rv_job_run(job, &run, &stats);
    double t1 = rv__now();
    report->supersteps = stats.supersteps;
    report->computed = st->computed;
    report->compute_seconds = t1 - t0;
    if (status == RV_OK)
        status = rv__stream_result_emit(&st->result, job, report->batch, incremental, st->o->emit, st->o->output_dir,
                                        &report->changed);
    free(job->dirty);
    job->dirty = NULL;
    report->emit_seconds = rv__now() - t1;
    return status;
}

/* Applies one batch (the updates are rank 0's; the others pass none), runs it to rest
 * and writes what changed. Collective. */
static int apply_batch(stream *st, const rv__update *updates, size_t n, rv_stream_batch *report)
{
    rv_session *s = st->session;
    rv_job *job = st->job;
    double t0 = rv__now();
    int status = RV_OK;
    if (s->rank == 0)
        status = route_updates(st, updates, n);
    status = rv__session_agree(s, status);
    rv__batch_changes *changes = calloc(1, sizeof *changes);
    status = rv__session_agree(s, status == RV_OK && !changes ? rv__session_fail(s, RV_ENOMEM, "out of memory") : status);
    double t_routed = rv__now();
    if (status == RV_OK)
        status = rv__mutations_apply_batch(job, changes);
    /* The graph is not the input any more: checkpoints keep its topology. */
    job->topology_changes++;
    rv__fault_check(s, report->batch, RV__FAULT_MID_APPLY, st->resumed);
    double t_applied = rv__now();
    if (status == RV_OK)
        status = report_notices(st, changes, &report->ignored);
    rv__log(s, RV_LOG_DEBUG, "batch %" PRIu64 ": routing %.4f s, applying %.4f s, reports %.4f s", report->batch,
            t_routed - t0, t_applied - t_routed, rv__now() - t_applied);
    bool incremental = false, recompute = false;
    if (status == RV_OK && job->program.repair) {
        /* Only rank 0 holds the batch's updates; on_batch() sees their count everywhere. */
        uint64_t n_updates = s->rank == 0 ? n : 0;
        status = rv__session_agree(s, rv__comm_allreduce_u64(s, &n_updates, 1, RV__REDUCE_SUM));
        bool everyone = status == RV_OK && wake_everyone(st, n_updates, &recompute, &status);
        status = rv__session_agree(s, status);
        if (status == RV_OK && !recompute) {
            incremental = !changes->renumbered;
            rv__job_set_changes(job, changes, everyone);
            changes = NULL;
            job->finished = false;
            job->repaired = 0;
        }
    }
    if (status == RV_OK && (!job->program.repair || recompute)) {
        report->recomputed = true;
        job->repaired = 0;
        status = rv__job_restart(job);
    }
    if (changes) {
        rv__batch_changes_destroy(changes);
        free(changes);
    }
    report->apply_seconds = rv__now() - t0;
    if (status == RV_OK)
        status = settle(st, incremental, report);
    if (status == RV_OK) {
        /* job->repaired is this rank's count from the batch's first superstep. */
        uint64_t touched = job->repaired;
        status = rv__session_agree(s, rv__comm_allreduce_u64(s, &touched, 1, RV__REDUCE_SUM));
        report->touched = touched;
    }
    return status;
}

/* Announces the next step to every rank: rank 0 passes @p what and the batch's
 * number, the others receive them. Collective. */
static int announce(stream *st, uint64_t *what, uint64_t *batch)
{
    uint64_t header[2] = {*what, *batch};
    int status = rv__comm_bcast_u64s_patiently(st->session, header, 2);
    *what = header[0];
    *batch = header[1];
    return status;
}

/* With a log, every TCP client first hears how far the log goes: `logged BATCH LINE`
 * (every source line up to LINE is durable), so that a client that reconnects after
 * a crash resends only what comes after, whether or not its ack reached it. */
static void greet(stream *st, uint64_t batch, uint64_t line)
{
    if (!st->log)
        return;
    char text[96];
    snprintf(text, sizeof text, "logged %" PRIu64 " %" PRIu64 "\n", batch, line);
    rv__update_source_set_greeting(st->source, text);
}

/* Logs batch @p batch on every replica (rank 0 holds it: @p b; the others pass
 * NULL), then rank 0 acknowledges it: only what is durable is acknowledged.
 * Collective. */
static int log_and_acknowledge(stream *st, uint64_t batch, const pending *b)
{
    rv_session *s = st->session;
    int status = RV_OK;
    if (st->log) {
        unsigned char *record = NULL;
        size_t bytes = 0;
        if (s->rank == 0) {
            bytes = sizeof(batch_record) + b->n * sizeof(rv__update);
            if (!(record = malloc(bytes)))
                status = rv__session_fail(s, RV_ENOMEM, "out of memory logging batch %" PRIu64, batch);
            else {
                batch_record header = {.first_line = b->first_line, .last_line = b->last_line,
                                       .source_offset = st->position_offset, .n_updates = b->n};
                memcpy(record, &header, sizeof header);
                memcpy(record + sizeof header, b->updates, b->n * sizeof(rv__update));
            }
        }
        status = rv__session_agree(s, status);
        if (status == RV_OK)
            status = rv__stream_log_append(st->log, s, batch, record, bytes, st->resumed);
        free(record);
    }
    if (status == RV_OK && s->rank == 0) {
        greet(st, batch, b->last_line);
        rv__fault_check(s, batch, RV__FAULT_BEFORE_ACK, st->resumed);
        char ack[128];
        int n = snprintf(ack, sizeof ack, "ack %" PRIu64 " %" PRIu64 " %zu %" PRIu64 "\n", batch, b->last_line, b->n,
                         b->rejected);
        rv__update_source_reply(st->source, ack, (size_t)n);
    }
    return status;
}

/* Every @p every batches: a checkpoint of the job, with where the source and the log
 * stand, then the log records that the oldest kept checkpoint covers go. Collective. */
static int checkpoint_if_due(stream *st, uint64_t batch)
{
    rv_job *job = st->job;
    uint64_t every = st->o->checkpoint_every;
    /* A stream's checkpoints keep no master history (see rv__checkpoint_write_stream):
     * it must not grow with every superstep of a long stream. */
    if (job->checkpointer)
        job->checkpointer->history.size = 0;
    if (!job->checkpointer || every == 0 || batch % every != 0)
        return RV_OK;
    char state[256];
    snprintf(state, sizeof state, "batch=%" PRIu64 " line=%" PRIu64 " offset=%" PRIu64 " superstep=%" PRIu64, batch,
             st->position_line, st->position_offset, job->superstep);
    int status = rv__checkpoint_write_stream(job, batch, state);
    uint64_t oldest = 0;
    if (status == RV_OK && st->log)
        status = rv__checkpoint_oldest_kept(job, &oldest);
    if (status == RV_OK && st->log && oldest != UINT64_MAX)
        status = rv__stream_log_forget(st->log, st->session, oldest);
    return status;
}

/* Applies and reports one batch rank 0 holds (read now, or replayed from the log).
 * Collective: the other ranks are in follow(). */
static int run_batch(stream *st, const pending *b, uint64_t batch, bool replayed)
{
    uint64_t what = replayed ? NEXT_REPLAYED : NEXT_BATCH, number = batch;
    int status = announce(st, &what, &number);
    rv_stream_batch report = {.batch = batch, .first_line = b->first_line, .last_line = b->last_line,
                              .updates = b->n, .rejected = b->rejected};
    if (status == RV_OK && !replayed)
        status = log_and_acknowledge(st, batch, b);
    if (status == RV_OK) {
        st->batch = batch;
        status = apply_batch(st, b->updates, b->n, &report);
    }
    report.latency_seconds = rv__now() - b->first_arrival;
    if (status == RV_OK && st->o->on_batch)
        st->o->on_batch(&report, st->o->arg);
    if (status == RV_OK)
        status = checkpoint_if_due(st, batch);
    return status;
}

/* The ranks other than 0: apply batches as rank 0 announces them. */
static int follow(stream *st)
{
    for (;;) {
        uint64_t what = 0, batch = 0;
        int status = announce(st, &what, &batch);
        if (status != RV_OK)
            return rv__session_agree(st->session, status);
        if (what == NEXT_END)
            return rv__session_agree(st->session, RV_OK);
        if (what == NEXT_FAILED)
            return rv__session_agree(st->session, RV_OK);
        if (what == NEXT_BATCH && (status = log_and_acknowledge(st, batch, NULL)) != RV_OK)
            return status;
        st->batch = batch;
        rv_stream_batch report = {.batch = batch};
        status = apply_batch(st, NULL, 0, &report);
        if (status == RV_OK)
            status = checkpoint_if_due(st, batch);
        if (status != RV_OK)
            return status;
    }
}

/* Rank 0, on resume: replays one logged batch. */
static int replay_record(uint64_t sequence, const void *data, size_t bytes, void *arg)
{
    stream *st = arg;
    batch_record header;
    if (bytes < sizeof header)
        return rv__session_fail(st->session, RV_EPARSE, "log record %" PRIu64 " is too short", sequence);
    memcpy(&header, data, sizeof header);
    if (bytes != sizeof header + header.n_updates * sizeof(rv__update))
        return rv__session_fail(st->session, RV_EPARSE, "log record %" PRIu64 " has the wrong size", sequence);
    pending b = {.n = header.n_updates, .first_line = header.first_line, .last_line = header.last_line,
                 .first_arrival = rv__now()};
    b.updates = malloc(b.n * sizeof *b.updates + 1);
    if (!b.updates)
        return rv__session_fail(st->session, RV_ENOMEM, "out of memory replaying batch %" PRIu64, sequence);
    memcpy(b.updates, (const unsigned char *)data + sizeof header, b.n * sizeof *b.updates);
    /* The source goes on after the last logged line. */
    st->position_line = header.last_line;
    st->position_offset = header.source_offset;
    int status = run_batch(st, &b, sequence, true);
    free(b.updates);
    st->failed_together = status != RV_OK;
    return status;
}

/* Rank 0: replays the log when resuming, then reads and applies batches until the
 * source ends or a stop is asked. A failure of rank 0's own (reading, logging) is
 * announced so that every rank returns it. */
static int lead(stream *st)
{
    rv_session *s = st->session;
    const rv_stream_options *o = st->o;
    int status = RV_OK;
    greet(st, st->batch, st->position_line);
    if (o->resume) {
        uint64_t from = st->batch, replayed = 0;
        for (size_t at = 0; status == RV_OK && at < st->replay.size; replayed++) {
            uint64_t sequence, bytes;
            memcpy(&sequence, st->replay.data + at, 8);
            memcpy(&bytes, st->replay.data + at + 8, 8);
            status = replay_record(sequence, st->replay.data + at + 16, (size_t)bytes, st);
            at += 16 + bytes;
        }
        if (status != RV_OK && st->failed_together)
            return status;
        rv__buffer_destroy(&st->replay);
        st->lines.line = st->position_line;
        greet(st, st->batch, st->position_line);
        if (status == RV_OK && st->position_offset > 0 && rv__update_source_is_regular_file(st->source))
            status = rv__update_source_seek(st->source, st->position_offset, st->error, sizeof st->error) == RV_OK
                         ? RV_OK
                         : rv__session_fail(s, RV_EIO, "%s", st->error);
        if (status == RV_OK)
            notice(st, "resumed at batch %" PRIu64 ", then replayed %" PRIu64 " logged batches; reading %s after line %" PRIu64,
                   from, replayed, rv__update_source_name(st->source), st->lines.line);
    }
    while (status == RV_OK) {
        bool over = false;
        status = read_batch(st, &over);
        uint64_t batch = st->batch + 1;
        if (status != RV_OK)
            break;
        if (st->pending.n > 0) {
            st->position_line = st->pending.last_line;
            st->position_offset = consumed_offset(st);
            if ((status = run_batch(st, &st->pending, batch, false)) != RV_OK)
                return status; /* every rank has it */
        }
        if (over || (o->stop && *o->stop)) {
            uint64_t what = NEXT_END, n = 0;
            return rv__session_agree(s, announce(st, &what, &n));
        }
    }
    uint64_t what = NEXT_FAILED, n = 0;
    announce(st, &what, &n);
    return rv__session_agree(s, status);
}

/* Rank 0's side of the start: the source, the log, the output directory. */
static int open_inputs(stream *st)
{
    rv_session *s = st->session;
    const rv_stream_options *o = st->o;
    if (!o->updates)
        return rv__session_fail(s, RV_EINVAL, "no update source given");
    int status = rv__update_source_open(o->updates, o->follow, &st->source, st->error, sizeof st->error);
    if (status != RV_OK)
        return rv__session_fail(s, status, "%s", st->error);
    if (!(st->chunk = malloc(READ_BYTES)))
        return rv__session_fail(s, RV_ENOMEM, "out of memory opening the stream");
    if (o->output_dir && mkdir(o->output_dir, 0777) != 0 && errno != EEXIST)
        return rv__session_fail(s, RV_EIO, "cannot create the output directory '%s': %s", o->output_dir,
                                strerror(errno));
    return RV_OK;
}

/* The log and the checkpoints of this job, and with o->resume, the state they hold:
 * the newest checkpoint (if any) is restored, and rank 0 gets the logged batches
 * after it (st->replay). Collective. */
static int open_durable_state(stream *st)
{
    rv_session *s = st->session;
    rv_job *job = st->job;
    const rv_stream_options *o = st->o;
    char graph[1024], layout[1024];
    rv__checkpoint_describe_graph(job, graph, sizeof graph);
    rv__checkpoint_describe_layout(job, layout, sizeof layout);
    size_t length = strlen(graph) + strlen(layout) + (o->identity ? strlen(o->identity) : 0) + 256;
    char *identity = malloc(length);
    int status = identity ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory");
    status = rv__session_agree(s, status);
    if (status == RV_OK && o->resume && !o->log_dir && !job->checkpointer)
        status = rv__session_agree(s, rv__session_fail(s, RV_EINVAL,
                                   "resuming a stream needs its log directory (and its checkpoint directory, if it had one)"));
    if (status == RV_OK && o->log_dir) {
        snprintf(identity, length, "program=%s %s %s %s", job->program.name ? job->program.name : "",
                 o->identity ? o->identity : "", graph, layout);
        status = rv__stream_log_open(s, o->log_dir, o->replicas, identity, &st->log);
        if (status == RV_OK && !o->resume && rv__stream_log_last(st->log) > 0)
            status = rv__session_agree(s, rv__session_fail(s, RV_EINVAL,
                                       "the log in '%s' already holds batches (up to %" PRIu64
                                       "): resume it (--resume) or give an empty directory",
                                       o->log_dir, rv__stream_log_last(st->log)));
    }
    free(identity);
    if (status == RV_OK && job->checkpointer && !o->resume)
        status = rv__checkpoint_refuse_existing(job);
    if (status != RV_OK || !o->resume)
        return status;
    if (job->checkpointer) {
        status = rv_job_resume(job);
        const rv__checkpointer *c = job->checkpointer;
        if (status == RV_OK && c->stats.resumed) {
            unsigned long long batch, line, offset, superstep;
            if (!c->stream_state || sscanf(c->stream_state, "batch=%llu line=%llu offset=%llu superstep=%llu", &batch,
                                           &line, &offset, &superstep) != 4)
                status = rv__session_fail(s, RV_EINVAL, "the newest checkpoint in '%s' is not a stream's", c->dir);
            else {
                st->batch = batch;
                st->position_line = line;
                st->position_offset = offset;
                job->superstep = superstep;
                /* It was taken at rest, after the batch's supersteps. */
                job->finished = true;
            }
            status = rv__session_agree(s, status);
        }
    }
    if (status == RV_OK && st->log)
        status = rv__stream_log_recover(st->log, s, st->batch, &st->replay);
    return status;
}

int rv_stream_run(rv_job *job, const rv_stream_options *o)
{
    rv_session *s = job->session;
    const rv_graph *g = job->graph;
    stream st = {
        .job = job,
        .session = s,
        .o = o,
        .layout = g->reverse ? LAYOUT_MARKED : g->undirected ? LAYOUT_UNDIRECTED : LAYOUT_DIRECTED,
        .batch_size = o->batch_size ? o->batch_size : DEFAULT_BATCH_SIZE,
        .format = {.nonnegative_weights = job->program.needs_nonnegative_weights},
        .unconsumed_since = -1,
    };
    int status = open_durable_state(&st);
    st.resumed = o->resume;
    if (status == RV_OK && s->rank == 0)
        status = open_inputs(&st);
    status = rv__session_agree(s, status);
    if (status == RV_OK && s->rank == 0 && o->on_ready)
        o->on_ready(rv__update_source_name(st.source), o->arg);

    /* Batch 0: the computation on the graph as loaded (after a resume from a
     * checkpoint: its result, as restored, numbered by its batch). */
    if (status == RV_OK) {
        rv_stream_batch report = {.batch = st.batch};
        double t0 = rv__now();
        status = settle(&st, false, &report);
        report.latency_seconds = rv__now() - t0;
        if (status == RV_OK && s->rank == 0 && o->on_batch)
            o->on_batch(&report, o->arg);
    }
    if (status == RV_OK)
        status = s->rank == 0 ? lead(&st) : follow(&st);

    rv__update_source_close(&st.source);
    rv__stream_log_free(&st.log);
    rv__buffer_destroy(&st.replay);
    rv__line_buffer_destroy(&st.lines);
    rv__stream_result_destroy(&st.result);
    free(st.pending.updates);
    free(st.chunk);
    return status;
}
