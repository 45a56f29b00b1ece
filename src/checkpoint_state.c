/* checkpoint_state.c — one rank's share of a job as a blob of records keyed by vertex id, and applying such records to a job (see checkpoint.h). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"

#define STATE_MAGIC "RVSTATE1"
enum { STATE_VERSION = 1 };

/* The blob starts with this header (native byte order: a resume must run on machines
 * of the same byte order, which the manifest's layout line records). Three sections
 * follow it: the vertex records, the topology, and (on rank 0 only) the master hook's
 * history. */
typedef struct state_header {
    char magic[8];
    uint32_t version;
    uint32_t rank;
    uint64_t n_records;
    uint64_t value_bytes, message_bytes, edge_value_bytes;
    uint64_t records_bytes;       /* the record section */
    uint64_t n_topology_vertices; /* 0: the graph is the input's (nothing changed it) */
    uint64_t topology_bytes;
    uint64_t history_bytes;
} state_header;

/* The topology section, present once topology changes were applied: every local
 * vertex (in local order) with its out-edges as the CSR lists them, packed:
 *     u64 id, u64 degree, degree x u64 target id,
 *     then, when the graph has weights, degree x f64 weight,
 *     then, when it has reverse-edge marks, degree x u8 mark.
 * The history section is the master hook's inputs of every superstep so far, one
 * entry each: u64 the number of vertices, then the reduced aggregators' bits. */

/* Each record, packed (read and written with memcpy):
 *     u64 record_bytes   the whole record, this field included
 *     u64 id
 *     u8  flags          bit 0: the vertex voted to halt
 *     u32 n_messages     messages waiting for it next superstep
 *     u64 n_edges        per-edge states that follow (0 when the program keeps none)
 *     value              value_bytes
 *     n_messages x (u32 bytes, payload)
 *     n_edges x edge state, edge_value_bytes each, in the order of (target id, weight)
 * Edge states are keyed by that order, not by edge position, because a graph loaded
 * on another number of ranks may list a vertex's edges in another order. */
enum { RECORD_FIXED_BYTES = 8 + 8 + 1 + 4 + 8 };
enum { FLAG_HALTED = 1 };

typedef struct writer {
    rv__buffer *out;
    bool failed;
} writer;

static void put(writer *w, const void *data, size_t bytes)
{
    if (w->failed)
        return;
    rv__buffer *b = w->out;
    if (rv__buffer_reserve(b, b->size + bytes) != RV_OK) {
        w->failed = true;
        return;
    }
    memcpy(b->data + b->size, data, bytes);
    b->size += bytes;
}

static void put_message(const void *message, size_t bytes, void *arg)
{
    uint32_t n = (uint32_t)bytes;
    put(arg, &n, 4);
    put(arg, message, bytes);
}

/* An edge of one vertex in canonical order. */
typedef struct edge_key {
    uint64_t target;
    uint64_t weight_bits;
    uint64_t reverse;  /* the reverse of an input line (undirected view) */
    uint64_t position; /* ties keep edge order, so the same graph maps edges one to one */
} edge_key;

static int compare_edge_keys(const void *a, const void *b)
{
    const edge_key *x = a, *y = b;
    if (x->target != y->target)
        return x->target < y->target ? -1 : 1;
    if (x->weight_bits != y->weight_bits)
        return x->weight_bits < y->weight_bits ? -1 : 1;
    if (x->reverse != y->reverse)
        return x->reverse < y->reverse ? -1 : 1;
    return x->position < y->position ? -1 : x->position > y->position;
}

/* Sorts the out-edges of @p v into @p keys (degree entries) by (target id, weight,
 * reverse mark). */
static void canonical_edges(const rv_graph *g, uint32_t v, edge_key *keys)
{
    uint64_t begin = g->offsets[v], degree = g->offsets[v + 1] - begin;
    for (uint64_t i = 0; i < degree; i++) {
        uint32_t slot = g->targets[begin + i];
        double w = g->weights ? g->weights[begin + i] : 1.0;
        keys[i].target = slot < g->n_local ? g->gid[slot] : g->ghost_gid[slot - g->n_local];
        memcpy(&keys[i].weight_bits, &w, 8);
        keys[i].reverse = g->reverse ? g->reverse[begin + i] : 0;
        keys[i].position = i;
    }
    if (degree > 1)
        qsort(keys, degree, sizeof *keys, compare_edge_keys);
}

static uint64_t max_degree(const rv_graph *g)
{
    uint64_t d = 0;
    for (uint32_t v = 0; v < g->n_local; v++)
        if (g->offsets[v + 1] - g->offsets[v] > d)
            d = g->offsets[v + 1] - g->offsets[v];
    return d;
}

int rv__state_save(const rv_job *job, const rv__buffer *history, rv__buffer *out)
{
    const rv_graph *g = job->graph;
    const rv_program *p = &job->program;
    const size_t evs = p->edge_value_size;
    writer w = {.out = out};
    edge_key *keys = NULL;
    out->size = 0;
    /* The usual record is small; reserving for one message each avoids most growth. */
    if (rv__buffer_reserve(out, sizeof(state_header) +
                                    (size_t)g->n_local * (RECORD_FIXED_BYTES + p->value_size + 4 + p->message_size)) !=
        RV_OK)
        return RV_ENOMEM;
    if (evs && !(keys = malloc((max_degree(g) + 1) * sizeof *keys)))
        return RV_ENOMEM;

    state_header h = {.version = STATE_VERSION, .rank = (uint32_t)job->session->rank, .n_records = g->n_local,
                      .value_bytes = p->value_size, .message_bytes = p->message_size, .edge_value_bytes = evs};
    memcpy(h.magic, STATE_MAGIC, 8);
    put(&w, &h, sizeof h);
    /* Records go in local order, which reads every array of the job sequentially;
     * a resume on as many ranks builds the same local order and finds them in it. */
    for (uint32_t v = 0; v < g->n_local && !w.failed; v++) {
        size_t start = out->size;
        uint64_t id = g->gid[v];
        uint8_t flags = (job->halted[v >> 6] >> (v & 63) & 1) ? FLAG_HALTED : 0;
        uint64_t n_edges = evs ? g->offsets[v + 1] - g->offsets[v] : 0;
        /* The fixed part and the value in one go; messages and edge states follow. */
        if (rv__buffer_reserve(out, start + RECORD_FIXED_BYTES + p->value_size + 4 + p->message_size) != RV_OK) {
            w.failed = true;
            break;
        }
        unsigned char *at = out->data + start;
        memcpy(at + 8, &id, 8);
        at[16] = flags;
        memcpy(at + 21, &n_edges, 8);
        memcpy(at + RECORD_FIXED_BYTES, job->values + (size_t)v * p->value_size, p->value_size);
        out->size = start + RECORD_FIXED_BYTES + p->value_size;
        uint32_t n_messages = (uint32_t)rv__messages_visit_pending(&job->messages, v, put_message, &w);
        if (n_edges) {
            canonical_edges(g, v, keys);
            for (uint64_t i = 0; i < n_edges; i++)
                put(&w, job->edge_values + (g->offsets[v] + keys[i].position) * evs, evs);
        }
        if (w.failed)
            break;
        uint64_t record_bytes = out->size - start;
        memcpy(out->data + start, &record_bytes, 8);
        memcpy(out->data + start + 17, &n_messages, 4);
    }
    free(keys);
    if (w.failed)
        return RV_ENOMEM;
    h.records_bytes = out->size - sizeof h;

    /* A graph that topology changes rebuilt is not the input any more: keep it. */
    if (job->topology_changes) {
        size_t start = out->size;
        for (uint32_t v = 0; v < g->n_local && !w.failed; v++) {
            uint64_t begin = g->offsets[v], degree = g->offsets[v + 1] - begin;
            put(&w, &g->gid[v], 8);
            put(&w, &degree, 8);
            for (uint64_t e = begin; e < begin + degree; e++) {
                uint32_t slot = g->targets[e];
                put(&w, slot < g->n_local ? &g->gid[slot] : &g->ghost_gid[slot - g->n_local], 8);
            }
            if (g->weights)
                put(&w, g->weights + begin, degree * 8);
            if (g->reverse)
                put(&w, g->reverse + begin, degree);
        }
        h.n_topology_vertices = g->n_local;
        h.topology_bytes = out->size - start;
    }
    if (history && history->size) {
        put(&w, history->data, history->size);
        h.history_bytes = history->size;
    }
    if (w.failed)
        return RV_ENOMEM;
    memcpy(out->data, &h, sizeof h);
    return RV_OK;
}

int rv__state_open(const rv_job *job, const unsigned char *blob, size_t bytes, const char *what,
                   rv__state_sections *out)
{
    rv_session *s = job->session;
    const rv_program *p = &job->program;
    state_header h;
    if (bytes < sizeof h)
        return rv__session_fail(s, RV_EPARSE, "%s: too short to be a rivulet state", what);
    memcpy(&h, blob, sizeof h);
    if (memcmp(h.magic, STATE_MAGIC, 8) != 0 || h.version != STATE_VERSION)
        return rv__session_fail(s, RV_EPARSE, "%s: not a rivulet state of version %d", what, STATE_VERSION);
    if (h.value_bytes != p->value_size || h.message_bytes != p->message_size || h.edge_value_bytes != p->edge_value_size)
        return rv__session_fail(s, RV_EPARSE,
                                "%s: values of %" PRIu64 " bytes, messages of %" PRIu64 ", edge states of %" PRIu64
                                "; the program has %zu, %zu and %zu",
                                what, h.value_bytes, h.message_bytes, h.edge_value_bytes, p->value_size,
                                p->message_size, p->edge_value_size);
    uint64_t room = bytes - sizeof h;
    if (h.records_bytes > room || h.topology_bytes > room - h.records_bytes ||
        h.history_bytes != room - h.records_bytes - h.topology_bytes)
        return rv__session_fail(s, RV_EPARSE, "%s: its sections do not add up to its size", what);
    const unsigned char *at = blob + sizeof h;
    *out = (rv__state_sections){
        .records = at, .records_bytes = (size_t)h.records_bytes, .n_records = h.n_records,
        .topology = at + h.records_bytes, .topology_bytes = (size_t)h.topology_bytes,
        .n_topology_vertices = h.n_topology_vertices,
        .history = at + h.records_bytes + h.topology_bytes, .history_bytes = (size_t)h.history_bytes,
    };
    return RV_OK;
}

int rv__state_records(const rv_job *job, const rv__state_sections *sections, const char *what,
                      int (*visit)(const rv__state_record *record, void *arg), void *arg)
{
    rv_session *s = job->session;
    const rv_program *p = &job->program;
    const unsigned char *at = sections->records, *end = at + sections->records_bytes;
    for (uint64_t i = 0; i < sections->n_records; i++) {
        rv__state_record r;
        uint64_t record_bytes;
        if ((size_t)(end - at) < RECORD_FIXED_BYTES)
            return rv__session_fail(s, RV_EPARSE, "%s: record %" PRIu64 " is cut short", what, i);
        memcpy(&record_bytes, at, 8);
        if (record_bytes < RECORD_FIXED_BYTES + p->value_size || record_bytes > (uint64_t)(end - at))
            return rv__session_fail(s, RV_EPARSE, "%s: record %" PRIu64 " has a bad length", what, i);
        memcpy(&r.id, at + 8, 8);
        r.data = at;
        r.bytes = (size_t)record_bytes;
        int status = visit(&r, arg);
        if (status != RV_OK)
            return status;
        at += record_bytes;
    }
    if (at != end)
        return rv__session_fail(s, RV_EPARSE, "%s: %zu bytes after the last record", what, (size_t)(end - at));
    return RV_OK;
}

/* The local index of @p id, or UINT32_MAX when this rank does not own it. Records
 * of a checkpoint written on as many ranks arrive in this rank's local order, so the
 * vertex after the previous one (*@p hint) is tried first; otherwise a binary search. */
static uint32_t find_local(const rv_graph *g, uint64_t id, size_t *hint)
{
    uint32_t v = *hint < g->n_local && g->gid[*hint] == id ? (uint32_t)*hint : rv__graph_local_index(g, id);
    *hint = (size_t)v + 1;
    return v;
}

int rv__state_apply(rv_job *job, const unsigned char *record, size_t bytes, uint8_t *seen, size_t *hint)
{
    rv_session *s = job->session;
    const rv_graph *g = job->graph;
    const rv_program *p = &job->program;
    const size_t evs = p->edge_value_size;
    uint64_t id, n_edges;
    uint8_t flags;
    uint32_t n_messages;
    memcpy(&id, record + 8, 8);
    memcpy(&flags, record + 16, 1);
    memcpy(&n_messages, record + 17, 4);
    memcpy(&n_edges, record + 21, 8);
    uint32_t v = find_local(g, id, hint);
    if (v == UINT32_MAX)
        return rv__session_fail(s, RV_EPARSE, "the checkpoint holds vertex %" PRIu64 ", which this graph lacks", id);
    if (seen[v])
        return rv__session_fail(s, RV_EPARSE, "the checkpoint holds vertex %" PRIu64 " twice", id);
    seen[v] = 1;
    uint64_t degree = g->offsets[v + 1] - g->offsets[v];
    if (evs && n_edges != degree)
        return rv__session_fail(s, RV_EPARSE,
                                "the checkpoint holds %" PRIu64 " edge states for vertex %" PRIu64 ", which has %" PRIu64
                                " edges here",
                                n_edges, id, degree);

    const unsigned char *at = record + RECORD_FIXED_BYTES, *end = record + bytes;
    memcpy(job->values + (size_t)v * p->value_size, at, p->value_size);
    at += p->value_size;
    uint64_t bit = UINT64_C(1) << (v & 63);
    if (flags & FLAG_HALTED)
        job->halted[v >> 6] |= bit;
    else
        job->halted[v >> 6] &= ~bit;
    for (uint32_t i = 0; i < n_messages; i++) {
        uint32_t message_bytes = 0;
        if (end - at >= 4)
            memcpy(&message_bytes, at, 4);
        if (end - at < 4 || (size_t)(end - at - 4) < message_bytes)
            return rv__session_fail(s, RV_EPARSE, "the checkpoint's record of vertex %" PRIu64 " is cut short", id);
        int status = rv__messages_restore_pending(&job->messages, v, at + 4, message_bytes);
        if (status != RV_OK)
            return rv__session_fail(s, status, "cannot restore the messages of vertex %" PRIu64 ": %s", id,
                                    status == RV_ENOMEM ? "out of memory" : "they have the wrong size");
        at += 4 + message_bytes;
    }
    if ((size_t)(end - at) != n_edges * evs)
        return rv__session_fail(s, RV_EPARSE, "the checkpoint's record of vertex %" PRIu64 " has a bad length", id);
    if (n_edges) {
        edge_key *keys = malloc(degree * sizeof *keys);
        if (!keys)
            return rv__session_fail(s, RV_ENOMEM, "out of memory restoring edge states");
        canonical_edges(g, v, keys);
        for (uint64_t i = 0; i < n_edges; i++)
            memcpy(job->edge_values + (g->offsets[v] + keys[i].position) * evs, at + i * evs, evs);
        free(keys);
    }
    return RV_OK;
}

int rv__state_apply_done(rv_job *job, const uint8_t *seen)
{
    const rv_graph *g = job->graph;
    for (uint32_t v = 0; v < g->n_local; v++)
        if (!seen[v])
            return rv__session_fail(job->session, RV_EPARSE, "the checkpoint lacks vertex %" PRIu64, g->gid[v]);
    if (rv__messages_restore_done(&job->messages) != RV_OK)
        return rv__session_fail(job->session, RV_ENOMEM, "out of memory restoring messages");
    return RV_OK;
}
