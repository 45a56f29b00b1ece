/* messages.c — sending, combining, packing, exchanging and delivering messages between supersteps. */
#include "messages.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "combine.h"
#include "session.h"
#include "sort.h"

/* A section of the exchange buffer for one rank: counts, then the records. When
 * every ghost the sender holds of the receiver's vertices has a message, the
 * section carries the payloads alone, in ghost order (the receiver's mirror says
 * whose they are); otherwise (index at the receiver, payload) records. */
typedef struct section_header {
    uint64_t n_dense;   /* payloads in ghost order */
    uint64_t n_indexed; /* (uint32 index at the receiver, payload) records */
    uint64_t n_by_id;   /* (uint64 id, payload) records */
} section_header;

/* n_broadcast_edges when it is not counted yet. */
#define UNKNOWN_EDGES UINT64_MAX

/* Whether the section for rank @p r can go dense: every ghost of r was touched. */
static bool all_ghosts_touched(const rv__messages *m, int r, uint64_t n_touched)
{
    const rv_graph *g = m->graph;
    return m->combining && n_touched > 0 && n_touched == g->ghost_rank_start[r + 1] - g->ghost_rank_start[r];
}


static void fail(rv__messages *m, int status)
{
    if (m->status == RV_OK)
        m->status = status;
}

int rv__messages_init(rv__messages *m, const rv_graph *g, const rv_program *p)
{
    const int P = g->session->size;
    *m = (rv__messages){.graph = g, .size = p->message_size, .variable = p->message_size == RV_MESSAGE_VARIABLE,
                        .kind = p->combiner, .combine = p->combine, .user = p->user, .n_broadcast_edges = UNKNOWN_EDGES,
                        .combining = p->combiner != RV_COMBINE_CUSTOM || p->combine};
    m->by_id = calloc((size_t)P, sizeof *m->by_id);
    m->n_by_id = calloc((size_t)P, sizeof *m->n_by_id);
    m->send_bytes = calloc((size_t)P, sizeof *m->send_bytes);
    m->recv_bytes = calloc((size_t)P, sizeof *m->recv_bytes);
    m->aligned_message = malloc(m->size + 1);
    if (!m->by_id || !m->n_by_id || !m->send_bytes || !m->recv_bytes || !m->aligned_message)
        return RV_ENOMEM;
    size_t n_slots = (size_t)g->n_local + g->n_ghost;
    if (m->combining) {
        m->box = malloc(n_slots * m->size + m->size);
        m->next_box = malloc(n_slots * m->size + m->size);
        m->has = calloc(n_slots + 1, 1);
        m->next_has = calloc(n_slots + 1, 1);
        if (!m->box || !m->next_box || !m->has || !m->next_has)
            return RV_ENOMEM;
        if (m->kind != RV_COMBINE_CUSTOM) {
            rv__fill_identity(m->box, n_slots, m->kind);
            rv__fill_identity(m->next_box, n_slots, m->kind);
            m->broadcast_value = malloc((size_t)g->n_local * 8 + 8);
            m->broadcast_flag = calloc((size_t)g->n_local + 1, 1);
            m->sink_bits = calloc((size_t)g->n_local / 64 + 1, sizeof *m->sink_bits);
            if (!m->broadcast_value || !m->broadcast_flag || !m->sink_bits)
                return RV_ENOMEM;
            for (uint32_t v = 0; v < g->n_local; v++) {
                if (rv__graph_edges_end(g, v) > g->offsets[v])
                    m->n_senders++;
                else
                    m->sink_bits[v >> 6] |= UINT64_C(1) << (v & 63);
            }
        }
    } else {
        m->next_remote = calloc((size_t)P, sizeof *m->next_remote);
        m->n_next_remote = calloc((size_t)P, sizeof *m->n_next_remote);
        m->list_offsets = calloc((size_t)g->n_local + 1, sizeof *m->list_offsets);
        if (!m->next_remote || !m->n_next_remote || !m->list_offsets)
            return RV_ENOMEM;
    }
    return RV_OK;
}

void rv__messages_destroy(rv__messages *m)
{
    const int P = m->graph ? m->graph->session->size : 0;
    free(m->box);
    free(m->next_box);
    free(m->has);
    free(m->next_has);
    rv__buffer_destroy(&m->next_local);
    for (int r = 0; m->next_remote && r < P; r++)
        rv__buffer_destroy(&m->next_remote[r]);
    free(m->next_remote);
    free(m->n_next_remote);
    free(m->list_offsets);
    free(m->inbox_vertices);
    free(m->inbox_begin);
    free(m->inbox_keys);
    rv__buffer_destroy(&m->list_payloads);
    rv__buffer_destroy(&m->list_messages);
    rv__buffer_destroy(&m->unresolved);
    for (int r = 0; m->by_id && r < P; r++)
        rv__buffer_destroy(&m->by_id[r]);
    free(m->by_id);
    free(m->n_by_id);
    rv__buffer_destroy(&m->send);
    rv__buffer_destroy(&m->recv);
    free(m->send_bytes);
    free(m->recv_bytes);
    free(m->aligned_message);
    free(m->broadcast_value);
    free(m->broadcast_flag);
    free(m->sink_bits);
    rv__pull_index_destroy(&m->pull);
    *m = (rv__messages){0};
}

/* Empties the next box if it still holds old messages (see next_stale). */
static void ready_next(rv__messages *m)
{
    if (!m->next_stale)
        return;
    size_t n_slots = (size_t)m->graph->n_local + m->graph->n_ghost;
    memset(m->next_has, 0, n_slots);
    if (m->kind != RV_COMBINE_CUSTOM)
        rv__fill_identity(m->next_box, n_slots, m->kind);
    m->next_stale = false;
}

/* Folds with the program's own combiner: the first message is copied in. */
static void fold_custom(rv__messages *m, uint32_t s, const void *message)
{
    unsigned char *cell = m->next_box + (size_t)s * m->size;
    if (m->next_has[s]) {
        m->combine(cell, message, m->user);
    } else {
        memcpy(cell, message, m->size);
        m->next_has[s] = 1;
    }
}

static void fold(rv__messages *m, uint32_t s, const void *message)
{
    RV__WITH_BUILTIN_COMBINER(m->kind, K, rv__fold_builtin(m->next_box, m->next_has, K, s, message),
                          fold_custom(m, s, message))
}

/* The loop of rv__messages_send_many() for one built-in combiner. */
static inline __attribute__((always_inline)) void fold_run(rv__messages *m, rv_combiner kind, const uint32_t *slots,
                                                           size_t n, const void *message)
{
    /* Locals, not m->...: the compiler cannot otherwise tell that the stores into
     * the box leave the pointers in m alone, and would reload them per edge. */
    unsigned char *restrict box = m->next_box;
    uint8_t *restrict has = m->next_has;
    for (size_t i = 0; i < n; i++)
        rv__fold_builtin(box, has, kind, slots[i], message);
}

/* Appends one (key[, length], payload) record to a list buffer and counts it in
 * @p count. Only variable-size records carry their length. */
static void append_record(rv__messages *m, rv__buffer *b, uint64_t *count, const void *key, size_t key_bytes,
                          const void *message, size_t size)
{
    size_t header = key_bytes + (m->variable ? 4 : 0);
    if (rv__buffer_reserve(b, b->size + header + size) != RV_OK) {
        fail(m, RV_ENOMEM);
        return;
    }
    unsigned char *out = b->data + b->size;
    memcpy(out, key, key_bytes);
    if (m->variable) {
        uint32_t length = (uint32_t)size;
        memcpy(out + key_bytes, &length, 4);
    }
    memcpy(out + header, message, size);
    b->size += header + size;
    (*count)++;
}

/* Reads the payload of the record whose key ends at @p p: sets @p size and returns
 * the payload; the next record starts at the returned pointer + *size. */
static const unsigned char *record_payload(const rv__messages *m, const unsigned char *p, size_t *size)
{
    if (!m->variable) {
        *size = m->size;
        return p;
    }
    uint32_t length;
    memcpy(&length, p, 4);
    *size = length;
    return p + 4;
}

void rv__messages_send_slot_bytes(rv__messages *m, uint32_t slot, const void *data, size_t size)
{
    const rv_graph *g = m->graph;
    m->sent++;
    if (slot < g->n_local) {
        append_record(m, &m->next_local, &m->n_next_local, &slot, 4, data, size);
    } else {
        uint32_t k = slot - g->n_local;
        int owner = rv__graph_ghost_owner(g, k);
        append_record(m, &m->next_remote[owner], &m->n_next_remote[owner], &g->ghost_remote[k], 4, data, size);
    }
}

void rv__messages_send_slot(rv__messages *m, uint32_t slot, const void *message)
{
    if (m->combining) {
        ready_next(m);
        m->sent++;
        fold(m, slot, message);
        return;
    }
    rv__messages_send_slot_bytes(m, slot, message, m->size);
}

void rv__messages_send_many(rv__messages *m, const uint32_t *slots, size_t n, const void *message)
{
    ready_next(m);
    /* The combiner is chosen once per call, so each kind gets a tight loop. */
    if (m->kind == RV_COMBINE_CUSTOM) {
        for (size_t i = 0; i < n; i++)
            rv__messages_send_slot(m, slots[i], message);
        return;
    }
    RV__WITH_BUILTIN_COMBINER(m->kind, K, fold_run(m, K, slots, n, message), (void)0)
    m->sent += n;
}

void rv__messages_broadcast_again(rv__messages *m, uint32_t v, const void *message)
{
    const rv_graph *g = m->graph;
    uint64_t begin = g->offsets[v], end = rv__graph_edges_end(g, v);
    if (m->kind == RV_COMBINE_CUSTOM) {
        rv__messages_send_many(m, g->targets + begin, (size_t)(end - begin), message);
        return;
    }
    /* A second broadcast in one superstep folds into the first: every neighbour
     * would have combined the two anyway. */
    RV__WITH_BUILTIN_COMBINER(m->kind, K, rv__fold_builtin(m->broadcast_value, m->broadcast_flag, K, v, message), (void)0)
    m->sent += end - begin;
}

/* Whether every vertex with out-edges broadcast: every edge then carries a
 * broadcast (vertices without out-edges, PageRank's sinks, send nothing either way). */
static bool everyone_broadcast(const rv__messages *m)
{
    return m->n_broadcasting_senders == m->n_senders;
}

/* The out-edges of this superstep's broadcasters. */
static uint64_t broadcast_edges(rv__messages *m)
{
    const rv_graph *g = m->graph;
    if (m->n_broadcast_edges != UNKNOWN_EDGES)
        return m->n_broadcast_edges;
    uint64_t n = 0;
    if (everyone_broadcast(m))
        n = g->m_local;
    else
        for (uint32_t v = 0; m->n_broadcasting_senders > 0 && v < g->n_local; v++)
            if (m->broadcast_flag[v])
                n += rv__graph_edges_end(g, v) - g->offsets[v];
    return m->n_broadcast_edges = n;
}

uint64_t rv__messages_sent(rv__messages *m)
{
    return m->sent + (m->broadcast_flag ? broadcast_edges(m) : 0);
}

/* Folds this superstep's broadcasts into the next box and clears their flags.
 * Pulling pays when the broadcasters own a good share of the edges (Ligra's |E|/20
 * rule), and costs the in-edge index once. */
static void fold_broadcasts(rv__messages *m)
{
    const rv_graph *g = m->graph;
    bool dense = broadcast_edges(m) * 20 > g->m_local;
    if (dense && !m->pull.built && rv__pull_index_build(&m->pull, g) != RV_OK)
        dense = false; /* no room for the index: pushing works too */
    if (dense) {
        bool everyone = everyone_broadcast(m);
        rv__pull(&m->pull, m->kind, everyone, m->next_stale, m->broadcast_value, m->broadcast_flag, m->next_box,
                 m->next_has);
        m->next_stale = false;
        memset(m->broadcast_flag, 0, g->n_local);
    } else {
        uint64_t saved = m->sent;
        for (uint32_t v = 0; v < g->n_local; v++) {
            if (!m->broadcast_flag[v])
                continue;
            rv__messages_send_many(m, g->targets + g->offsets[v], (size_t)(rv__graph_edges_end(g, v) - g->offsets[v]),
                                   m->broadcast_value + 8 * (size_t)v);
            m->broadcast_flag[v] = 0;
        }
        m->sent = saved; /* broadcasts count by rv__messages_sent() */
    }
}

/* Delivers this superstep's broadcasts, if any, and starts the next superstep's
 * count afresh: also after a superstep without any, whose edges
 * rv__messages_sent() may have counted (as none). */
static void deliver_broadcasts(rv__messages *m)
{
    if (m->n_broadcasters > 0)
        fold_broadcasts(m);
    m->n_broadcasters = 0;
    m->n_broadcasting_senders = 0;
    m->n_broadcast_edges = UNKNOWN_EDGES;
}

/* The local index of @p id, which this rank owns, or UINT32_MAX when it is not a
 * vertex: the message is then kept aside, since a vertex of that id may be added at
 * this superstep's barrier; if none is, the run fails (a program's error). */
static uint32_t local_target(rv__messages *m, uint64_t id, const void *data, size_t size)
{
    uint32_t v = rv__graph_local_index(m->graph, id);
    if (v == UINT32_MAX)
        append_record(m, &m->unresolved, &m->n_unresolved, &id, 8, data, size);
    return v;
}

void rv__messages_fail_unresolved(rv__messages *m)
{
    if (m->n_unresolved == 0)
        return;
    uint64_t id;
    memcpy(&id, m->unresolved.data, 8);
    rv__session_fail(m->graph->session, RV_ENOTFOUND, "a message was sent to vertex %" PRIu64
                     ", which is not in the graph", id);
    fail(m, RV_ENOTFOUND);
}

/* Sends to @p id: records for other ranks travel by id; our own vertices are
 * looked up now. Returns true when @p id is ours, with its index in @p local. */
static bool send_remote_by_id(rv__messages *m, uint64_t id, const void *data, size_t size, uint32_t *local)
{
    const rv_graph *g = m->graph;
    const int me = g->session->rank;
    int owner = rv__placement_owner_local(&g->placement, id);
    if (owner < 0 || owner == me) {
        uint32_t v = rv__graph_local_index(g, id);
        if (v != UINT32_MAX) {
            *local = v;
            return true;
        }
    }
    /* With a partition, the owner is known to the keeper of the id's directory
     * entry, its hash owner: the message goes there, and on from there if need be. */
    if (owner < 0) {
        owner = rv__hash_owner(id, g->session->size);
        if (owner == me) {
            int32_t part = rv__directory_find(g->placement.directory, id);
            owner = part >= 0 ? part : me;
        }
    }
    if (owner == me) {
        /* Not a vertex here (yet): kept aside, since this superstep's topology
         * changes may add it (see local_target). */
        append_record(m, &m->unresolved, &m->n_unresolved, &id, 8, data, size);
        return false;
    }
    m->sent++;
    append_record(m, &m->by_id[owner], &m->n_by_id[owner], &id, 8, data, size);
    return false;
}

void rv__messages_send_id(rv__messages *m, uint64_t id, const void *message)
{
    uint32_t v;
    if (send_remote_by_id(m, id, message, m->size, &v))
        rv__messages_send_slot(m, v, message);
}

void rv__messages_send_id_bytes(rv__messages *m, uint64_t id, const void *data, size_t size)
{
    uint32_t v;
    if (send_remote_by_id(m, id, data, size, &v))
        rv__messages_send_slot_bytes(m, v, data, size);
}

/* Sizes this rank's section for rank @p r. */
static uint64_t section_bytes(const rv__messages *m, int r, uint64_t *n_indexed)
{
    const rv_graph *g = m->graph;
    uint64_t n = 0;
    if (m->combining) {
        for (uint32_t k = g->ghost_rank_start[r]; k < g->ghost_rank_start[r + 1]; k++) {
            n += m->next_has[g->n_local + k];
        }
    } else {
        *n_indexed = m->n_next_remote[r];
        return sizeof(section_header) + m->next_remote[r].size + m->by_id[r].size;
    }
    *n_indexed = n;
    size_t record = all_ghosts_touched(m, r, n) ? m->size : 4 + m->size;
    return sizeof(section_header) + n * record + m->by_id[r].size;
}

/* Writes the section for rank @p r at @p out. */
static void pack_section(rv__messages *m, int r, uint64_t n_indexed, unsigned char *out)
{
    const rv_graph *g = m->graph;
    bool dense = all_ghosts_touched(m, r, n_indexed);
    section_header h = {.n_dense = dense ? n_indexed : 0, .n_indexed = dense ? 0 : n_indexed,
                        .n_by_id = m->n_by_id[r]};
    memcpy(out, &h, sizeof h);
    out += sizeof h;
    if (dense) {
        /* A rank's ghosts are consecutive slots, so their cells are one block. */
        size_t first = (size_t)g->n_local + g->ghost_rank_start[r];
        memcpy(out, m->next_box + first * m->size, n_indexed * m->size);
        out += n_indexed * m->size;
    } else if (m->combining) {
        for (uint32_t k = g->ghost_rank_start[r]; k < g->ghost_rank_start[r + 1]; k++) {
            uint32_t s = g->n_local + k;
            if (!m->next_has[s])
                continue;
            memcpy(out, &g->ghost_remote[k], 4);
            memcpy(out + 4, m->next_box + (size_t)s * m->size, m->size);
            out += 4 + m->size;
        }
    } else if (m->next_remote[r].size) {
        memcpy(out, m->next_remote[r].data, m->next_remote[r].size);
        out += m->next_remote[r].size;
    }
    if (!m->combining) {
        m->next_remote[r].size = 0;
        m->n_next_remote[r] = 0;
    }
    if (m->by_id[r].size)
        memcpy(out, m->by_id[r].data, m->by_id[r].size);
    m->by_id[r].size = 0;
    m->n_by_id[r] = 0;
}

/* Delivers one received message to local vertex @p v. A program's combiner may
 * read the message through a typed pointer, so it gets an aligned copy; the
 * built-in combiners and the list inbox copy bytes and need none. */
static void deliver(rv__messages *m, uint32_t v, const void *message, size_t size)
{
    if (m->combining && m->kind == RV_COMBINE_CUSTOM) {
        memcpy(m->aligned_message, message, m->size);
        fold_custom(m, v, m->aligned_message);
    } else if (m->combining)
        fold(m, v, message);
    else
        append_record(m, &m->next_local, &m->n_next_local, &v, 4, message, size);
}

/* Delivers @p n received (index[, length], payload) records one by one (a program's
 * own combiner, or no combiner); returns the position after them. */
static const unsigned char *deliver_records(rv__messages *m, const unsigned char *p, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        uint32_t v;
        size_t size;
        memcpy(&v, p, 4);
        const unsigned char *payload = record_payload(m, p + 4, &size);
        deliver(m, v, payload, size);
        p = payload + size;
    }
    return p;
}

/* Folds @p n received (index, 8-byte payload) records with a built-in combiner;
 * returns the position after them. */
static inline __attribute__((always_inline)) const unsigned char *
fold_records(rv__messages *m, rv_combiner kind, const unsigned char *p, uint64_t n)
{
    unsigned char *restrict box = m->next_box;
    uint8_t *restrict has = m->next_has;
    for (uint64_t i = 0; i < n; i++, p += 12) {
        uint32_t v;
        memcpy(&v, p, 4);
        rv__fold_builtin(box, has, kind, v, p + 4);
    }
    return p;
}

/* Folds @p n received payloads, one for each vertex of @p mirror in order, with a
 * built-in combiner; returns the position after them. */
static inline __attribute__((always_inline)) const unsigned char *
fold_dense(rv__messages *m, rv_combiner kind, const unsigned char *p, const uint32_t *mirror, uint64_t n)
{
    unsigned char *restrict box = m->next_box;
    uint8_t *restrict has = m->next_has;
    for (uint64_t i = 0; i < n; i++, p += 8)
        rv__fold_builtin(box, has, kind, mirror[i], p);
    return p;
}

/* Delivers @p n (id[, length], payload) records, laid out as @p layout's records,
 * to the vertices of @p m. A message for a vertex owned elsewhere reached this rank
 * as the keeper of its directory entry; with @p relay it is put aside for its owner
 * (see relay_by_id()). Those without a vertex anywhere are kept aside
 * (local_target). Returns the position after them. */
static const unsigned char *deliver_by_id(rv__messages *m, const rv__messages *layout, const unsigned char *p,
                                          uint64_t n, bool relay)
{
    const rv_graph *g = m->graph;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t id;
        size_t size;
        memcpy(&id, p, 8);
        const unsigned char *payload = record_payload(layout, p + 8, &size);
        p = payload + size;
        if (relay && rv__graph_local_index(g, id) == UINT32_MAX) {
            int32_t owner = rv__directory_find(g->placement.directory, id);
            if (owner >= 0 && owner != g->session->rank) {
                append_record(m, &m->by_id[owner], &m->n_by_id[owner], &id, 8, payload, size);
                m->n_relayed++;
                continue;
            }
        }
        uint32_t v = local_target(m, id, payload, size);
        if (v != UINT32_MAX)
            deliver(m, v, payload, size);
    }
    return p;
}

/* Delivers every section received (see deliver_by_id() for @p relay). */
static void unpack_all(rv__messages *m, rv_session *s, bool relay)
{
    const rv_graph *g = m->graph;
    const unsigned char *p = m->recv.data;
    for (int r = 0; r < s->size; r++) {
        const unsigned char *end = p + m->recv_bytes[r];
        if (p == end)
            continue;
        section_header h;
        memcpy(&h, p, sizeof h);
        p += sizeof h;
        if (h.n_dense) {
            const uint32_t *mirror = g->mirror + g->mirror_rank_start[r];
            if (h.n_dense != g->mirror_rank_start[r + 1] - g->mirror_rank_start[r]) {
                /* Both sides derive the ghost lists from one build; a mismatch is a bug. */
                rv__session_fail(s, RV_EINVAL, "rank %d sent %llu dense messages; it holds %u ghosts here", r,
                                 (unsigned long long)h.n_dense, g->mirror_rank_start[r + 1] - g->mirror_rank_start[r]);
                fail(m, RV_EINVAL);
                p = end;
                continue;
            }
            RV__WITH_BUILTIN_COMBINER(m->kind, K, p = fold_dense(m, K, p, mirror, h.n_dense),
                                  for (uint64_t i = 0; i < h.n_dense; i++, p += m->size) deliver(m, mirror[i], p, m->size))
        }
        RV__WITH_BUILTIN_COMBINER(m->kind, K, p = fold_records(m, K, p, h.n_indexed),
                              p = deliver_records(m, p, h.n_indexed))
        p = deliver_by_id(m, m, p, h.n_by_id, relay);
    }
}

/* Rounds a payload size up to the 8-byte alignment a program may read it with. */
static size_t aligned_size(size_t size) { return (size + 7) & ~(size_t)7; }

/* List mode with variable-size messages: turns the (index, length, payload) records
 * for local vertices into the inbox: payloads copied to aligned offsets in arrival
 * order, and an rv_message per payload counting-sorted by vertex. */
static int build_variable_inbox(rv__messages *m)
{
    const rv_graph *g = m->graph;
    size_t n = m->n_next_local, payload_bytes = 0;
    memset(m->list_offsets, 0, ((size_t)g->n_local + 1) * sizeof *m->list_offsets);
    const unsigned char *p = m->next_local.data;
    for (size_t i = 0; i < n; i++) {
        uint32_t v;
        size_t size;
        memcpy(&v, p, 4);
        p = record_payload(m, p + 4, &size) + size;
        m->list_offsets[v + 1]++;
        payload_bytes += aligned_size(size);
    }
    if (rv__buffer_reserve(&m->list_payloads, payload_bytes + 8) != RV_OK ||
        rv__buffer_reserve(&m->list_messages, (n + 1) * sizeof(rv_message)) != RV_OK)
        return RV_ENOMEM;
    for (uint32_t v = 0; v < g->n_local; v++)
        m->list_offsets[v + 1] += m->list_offsets[v];
    rv_message *messages = (rv_message *)m->list_messages.data;
    size_t at = 0;
    p = m->next_local.data;
    for (size_t i = 0; i < n; i++) {
        uint32_t v;
        size_t size;
        memcpy(&v, p, 4);
        const unsigned char *payload = record_payload(m, p + 4, &size);
        memcpy(m->list_payloads.data + at, payload, size);
        messages[m->list_offsets[v]++] = (rv_message){.data = m->list_payloads.data + at, .size = size};
        at += aligned_size(size);
        p = payload + size;
    }
    for (uint32_t v = g->n_local; v > 0; v--)
        m->list_offsets[v] = m->list_offsets[v - 1];
    m->list_offsets[0] = 0;
    m->next_local.size = 0;
    m->n_next_local = 0;
    return RV_OK;
}

/* List mode, few messages: the inbox sorted by (vertex, arrival), so that each
 * vertex still sees its messages in arrival order, at the cost of the messages
 * rather than of the vertices. */
static int build_sparse_inbox(rv__messages *m)
{
    size_t record = 4 + m->size;
    size_t n = m->n_next_local;
    if (n + 1 > m->inbox_capacity) {
        size_t capacity = 2 * n + 64;
        uint32_t *vertices = realloc(m->inbox_vertices, capacity * sizeof *vertices);
        if (vertices)
            m->inbox_vertices = vertices;
        uint64_t *begin = realloc(m->inbox_begin, capacity * sizeof *begin);
        if (begin)
            m->inbox_begin = begin;
        uint64_t *keys = realloc(m->inbox_keys, capacity * sizeof *keys);
        if (keys)
            m->inbox_keys = keys;
        if (!vertices || !begin || !keys)
            return RV_ENOMEM;
        m->inbox_capacity = capacity;
    }
    if (rv__buffer_reserve(&m->list_payloads, n * m->size + 1) != RV_OK)
        return RV_ENOMEM;
    const unsigned char *p = m->next_local.data;
    for (size_t i = 0; i < n; i++) {
        uint32_t v;
        memcpy(&v, p + i * record, 4);
        m->inbox_keys[i] = (uint64_t)v << 32 | i;
    }
    if (n > 1)
        qsort(m->inbox_keys, n, sizeof *m->inbox_keys, rv__compare_u64);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t v = (uint32_t)(m->inbox_keys[i] >> 32), at = (uint32_t)m->inbox_keys[i];
        if (k == 0 || m->inbox_vertices[k - 1] != v) {
            m->inbox_vertices[k] = v;
            m->inbox_begin[k++] = i;
        }
        memcpy(m->list_payloads.data + i * m->size, p + (size_t)at * record + 4, m->size);
    }
    m->inbox_begin[k] = n;
    m->n_inbox_vertices = k;
    m->inbox_sparse = true;
    m->next_local.size = 0;
    m->n_next_local = 0;
    return RV_OK;
}

/* List mode: turns the (index, payload) records for local vertices into the inbox. */
static int build_list_inbox(rv__messages *m)
{
    m->inbox_sparse = false;
    if (m->variable)
        return build_variable_inbox(m);
    const rv_graph *g = m->graph;
    size_t record = 4 + m->size;
    size_t n = m->n_next_local;
    /* Fewer messages than 1/64 of the vertices: sorting them is cheaper than a pass
     * over every vertex (and a record's index fits the key's low half). */
    if ((uint64_t)n * 64 < g->n_local && n < UINT32_MAX)
        return build_sparse_inbox(m);
    memset(m->list_offsets, 0, ((size_t)g->n_local + 1) * sizeof *m->list_offsets);
    if (rv__buffer_reserve(&m->list_payloads, n * m->size + 1) != RV_OK)
        return RV_ENOMEM;
    const unsigned char *p = m->next_local.data;
    for (size_t i = 0; i < n; i++) {
        uint32_t v;
        memcpy(&v, p + i * record, 4);
        m->list_offsets[v + 1]++;
    }
    for (uint32_t v = 0; v < g->n_local; v++)
        m->list_offsets[v + 1] += m->list_offsets[v];
    /* Counting sort, stable: each vertex sees its messages in arrival order. Offsets
     * advance while filling and are shifted back afterwards. */
    for (size_t i = 0; i < n; i++) {
        uint32_t v;
        memcpy(&v, p + i * record, 4);
        memcpy(m->list_payloads.data + m->list_offsets[v]++ * m->size, p + i * record + 4, m->size);
    }
    for (uint32_t v = g->n_local; v > 0; v--)
        m->list_offsets[v] = m->list_offsets[v - 1];
    m->list_offsets[0] = 0;
    m->next_local.size = 0;
    m->n_next_local = 0;
    return RV_OK;
}

/* The second hop of messages by id under a partition: the keepers of directory
 * entries forward what they received for vertices owned elsewhere. Every rank takes
 * part when any rank has something to forward, which one reduction tells. */
static int relay_by_id(rv__messages *m, rv_session *s, uint64_t *bytes_sent)
{
    const int P = s->size;
    uint64_t any = m->n_relayed;
    m->n_relayed = 0;
    int status = rv__comm_allreduce_u64(s, &any, 1, RV__REDUCE_MAX);
    if (status != RV_OK || any == 0)
        return status;
    uint64_t total = 0;
    for (int r = 0; r < P; r++) {
        m->send_bytes[r] = m->by_id[r].size ? sizeof(section_header) + m->by_id[r].size : 0;
        total += m->send_bytes[r];
    }
    if (rv__buffer_reserve(&m->send, total) != RV_OK) {
        fail(m, RV_ENOMEM);
        memset(m->send_bytes, 0, (size_t)P * sizeof *m->send_bytes);
    } else {
        unsigned char *out = m->send.data;
        for (int r = 0; r < P; r++) {
            if (!m->send_bytes[r])
                continue;
            section_header h = {.n_by_id = m->n_by_id[r]};
            memcpy(out, &h, sizeof h);
            memcpy(out + sizeof h, m->by_id[r].data, m->by_id[r].size);
            m->by_id[r].size = 0;
            m->n_by_id[r] = 0;
            out += m->send_bytes[r];
            if (r != s->rank)
                *bytes_sent += m->send_bytes[r];
        }
    }
    status = rv__comm_alltoallv(s, m->send.data, m->send_bytes, &m->recv, m->recv_bytes);
    if (status == RV_OK)
        unpack_all(m, s, false);
    return status;
}

static void promote_next_inbox(rv__messages *m);

int rv__messages_exchange(rv__messages *m, rv_session *s, uint64_t *bytes_sent)
{
    const rv_graph *g = m->graph;
    const int P = s->size;
    uint64_t total = 0;
    uint64_t *n_indexed = m->recv_bytes; /* borrowed until the exchange fills it */
    if (m->combining && m->kind != RV_COMBINE_CUSTOM)
        deliver_broadcasts(m);
    if (m->combining)
        ready_next(m); /* what arrives folds into it */
    for (int r = 0; r < P; r++) {
        /* Nothing for a rank means an empty block, not even a header. */
        m->send_bytes[r] = section_bytes(m, r, &n_indexed[r]);
        if (n_indexed[r] == 0 && m->by_id[r].size == 0)
            m->send_bytes[r] = 0;
        total += m->send_bytes[r];
    }
    if (rv__buffer_reserve(&m->send, total) != RV_OK)
        fail(m, RV_ENOMEM);
    else {
        uint64_t offset = 0;
        for (int r = 0; r < P; r++) {
            if (m->send_bytes[r])
                pack_section(m, r, n_indexed[r], m->send.data + offset);
            offset += m->send_bytes[r];
        }
    }
    if (m->status == RV_ENOMEM)
        memset(m->send_bytes, 0, (size_t)P * sizeof *m->send_bytes);
    *bytes_sent = 0;
    for (int r = 0; r < P; r++)
        if (r != s->rank)
            *bytes_sent += m->send_bytes[r];

    int status = rv__comm_alltoallv(s, m->send.data, m->send_bytes, &m->recv, m->recv_bytes);
    if (status != RV_OK)
        return status;
    unpack_all(m, s, g->placement.directory != NULL);
    if (g->placement.directory && (status = relay_by_id(m, s, bytes_sent)) != RV_OK)
        return status;
    promote_next_inbox(m);
    if (m->status == RV_ENOMEM)
        rv__session_fail(s, RV_ENOMEM, "out of memory for messages");
    return RV_OK;
}

/* The next inbox becomes the current one, and the next starts empty. */
static void promote_next_inbox(rv__messages *m)
{
    if (m->combining) {
        unsigned char *t = m->box;
        m->box = m->next_box;
        m->next_box = t;
        uint8_t *b = m->has;
        m->has = m->next_has;
        m->next_has = b;
        /* The box read this superstep becomes next superstep's, emptied when first
         * used (see next_stale). */
        m->next_stale = true;
    } else {
        if (build_list_inbox(m) != RV_OK)
            fail(m, RV_ENOMEM);
    }
}

int rv__messages_move_inbox(rv__messages *to, const rv__messages *from, const uint32_t *new_index,
                            uint64_t *n_unresolved)
{
    const rv_graph *old = from->graph;
    for (uint32_t v = 0; v < old->n_local; v++) {
        const void *messages;
        size_t n = rv__messages_for(from, v, &messages);
        if (n == 0 || new_index[v] == UINT32_MAX)
            continue;
        for (size_t i = 0; i < n; i++) {
            if (from->variable) {
                const rv_message *list = messages;
                deliver(to, new_index[v], list[i].data, list[i].size);
            } else {
                deliver(to, new_index[v], (const unsigned char *)messages + i * from->size, from->size);
            }
        }
    }
    /* Messages by id: those whose vertex now exists are delivered, the others stay. */
    deliver_by_id(to, from, from->unresolved.data, from->n_unresolved, false);
    promote_next_inbox(to);
    *n_unresolved = to->n_unresolved;
    return to->status == RV_ENOMEM ? RV_ENOMEM : RV_OK;
}

size_t rv__messages_visit_pending(const rv__messages *m, uint32_t v,
                                  void (*visit)(const void *message, size_t bytes, void *arg), void *arg)
{
    const void *messages = NULL;
    size_t n = rv__messages_for(m, v, &messages);
    for (size_t i = 0; i < n; i++) {
        if (m->variable) {
            const rv_message *message = (const rv_message *)messages + i;
            visit(message->data, message->size, arg);
        } else {
            visit((const unsigned char *)messages + i * m->size, m->size, arg);
        }
    }
    return n;
}

int rv__messages_restore_pending(rv__messages *m, uint32_t v, const void *message, size_t bytes)
{
    if (m->variable ? bytes > RV__MESSAGE_MAX_BYTES : bytes != m->size)
        return RV_EINVAL;
    if (!m->combining) {
        /* Collected like received records, and sorted into the inbox by restore_done. */
        append_record(m, &m->next_local, &m->n_next_local, &v, 4, message, bytes);
        return m->status == RV_ENOMEM ? RV_ENOMEM : RV_OK;
    }
    /* A combining inbox holds one message per vertex: the first is copied in as it
     * is (bit for bit, even where folding it into the identity would not be), and a
     * second would be combined. */
    unsigned char *cell = m->box + (size_t)v * m->size;
    if (!m->has[v]) {
        memcpy(cell, message, m->size);
        m->has[v] = 1;
    } else if (m->kind == RV_COMBINE_CUSTOM) {
        memcpy(m->aligned_message, message, m->size);
        m->combine(cell, m->aligned_message, m->user);
    } else {
        RV__WITH_BUILTIN_COMBINER(m->kind, K, rv__fold_builtin(m->box, m->has, K, v, message), (void)0)
    }
    return RV_OK;
}

int rv__messages_restore_done(rv__messages *m)
{
    if (m->combining)
        return RV_OK;
    return build_list_inbox(m);
}
