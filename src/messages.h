/* messages.h — the message store of a job: sender-side combining, per-rank packing, one bulk exchange per superstep.
 *
 * Two modes. With a combiner, messages fold into one value per target slot as they
 * are sent: local targets into the next superstep's inbox, ghost targets into a
 * ghost box that is packed per owner rank at the barrier (so a rank sends at most
 * one message per remote vertex per superstep), and the receiver folds what
 * arrives into its inbox. Without a combiner, messages are appended to per-rank
 * lists and the receiver counting-sorts them by target into a CSR-shaped inbox.
 * Messages addressed by id (not along an edge) travel beside them and are resolved
 * on arrival; under a partition they may take a second hop through the rank that
 * keeps the id's directory entry.
 */
#ifndef RV_MESSAGES_H
#define RV_MESSAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "comm.h"
#include "graph.h"
#include "pull.h"

typedef struct rv__messages {
    const rv_graph *graph;
    size_t size; /* bytes per message; 0 when variable */
    bool variable; /* variable-size messages (list mode only): records carry a length */
    rv_combiner kind; /* a built-in combiner, or RV_COMBINE_CUSTOM */
    void (*combine)(void *accumulator, const void *message, void *user);
    void *user;
    bool combining; /* kind is built in, or combine is set */
    int status;  /* first local error while sending or delivering (RV_OK if none) */
    uint64_t sent; /* messages sent this superstep, before combining, except first
                      broadcasts (see rv__messages_sent()) */

    /* Combining mode. A box holds one message per slot, local vertices first and
     * ghosts after them, so a send is one indexed fold whatever the target. The
     * current box is read by compute(); the next box collects this superstep's
     * sends. With a built-in combiner every cell starts at the operation's identity,
     * so a fold needs no test; the presence flags still tell who got a message.
     * They are a byte per slot rather than a bit: setting one is a plain store, not
     * a read-modify-write of a word that other slots share, which matters for
     * the hub vertices of skewed graphs that receive from many edges in a row. */
    unsigned char *box, *next_box; /* [(n_local + n_ghost) * size] */
    uint8_t *has, *next_has;       /* [n_local + n_ghost] */
    /* The next box still holds the superstep before last's messages: it is emptied
     * only when something is first sent into it. A dense pull empties it block by
     * block as it goes (pull.h), saving a pass over the box when nothing else was
     * sent. */
    bool next_stale;

    /* Broadcasts: with a built-in combiner, rv_send_all() only records the value a
     * vertex sends to all its out-neighbours (folded, if it broadcasts twice). At
     * the barrier the broadcasts are folded into the box either by pushing each
     * broadcaster's out-edges (few broadcasters) or by pulling over the in-edges of
     * every slot (many: random reads and sequential writes beat random
     * read-modify-writes). A value counts only while its flag is set: the flags are
     * cleared after each delivery, the values are not (pull.h says how a pull
     * skips the stale ones). */
    unsigned char *broadcast_value; /* [n_local * 8] */
    uint8_t *broadcast_flag;        /* [n_local] */
    /* A broadcast is counted without reading the CSR offsets (a stream as long as
     * the values): a bit map of the vertices without out-edges, small enough to stay
     * in cache, tells whether it reaches any edge. When every vertex with out-edges
     * broadcast, the edges they cover are all m_local; otherwise they are summed
     * over the flags once, when first asked (rv__messages_sent()). */
    uint64_t *sink_bits;           /* [n_local / 64 + 1]: bit v set when v has no out-edge */
    uint64_t n_senders;            /* local vertices with out-edges */
    uint64_t n_broadcasters;       /* first broadcasts this superstep */
    uint64_t n_broadcasting_senders; /* ... of them by vertices with out-edges */
    uint64_t n_broadcast_edges;    /* out-edges of the broadcasters once counted (after
                                      compute(), which sends them all), else UINT64_MAX */
    rv__pull_index pull; /* the in-edges of every slot, built on the first pull */

    /* List mode: (index[, length], payload) records for the next superstep, and the
     * current inbox. Variable-size records carry a 32-bit length after the index. */
    rv__buffer next_local;       /* records addressed to local vertices */
    uint64_t n_next_local;
    rv__buffer *next_remote;     /* [P] records addressed to ghosts, by owner rank */
    uint64_t *n_next_remote;     /* [P] */
    uint64_t *list_offsets;      /* [n_local + 1] */
    /* List mode, few messages: the inbox is sorted rather than counted out over
     * every vertex, and lists the vertices that have messages instead (ascending;
     * list_offsets is unused then): vertex inbox_vertices[k]'s messages are
     * payloads [inbox_begin[k], inbox_begin[k + 1]). The superstep loop then visits
     * only them and the vertices awake (job.c), not every vertex. */
    bool inbox_sparse;
    uint32_t *inbox_vertices;    /* [n_inbox_vertices] */
    uint64_t *inbox_begin;       /* [n_inbox_vertices + 1] */
    uint64_t *inbox_keys;        /* scratch: (vertex << 32 | arrival) per record */
    size_t n_inbox_vertices, inbox_capacity;
    rv__buffer list_payloads;    /* fixed: the payloads in vertex order; variable:
                                    each payload at an 8-byte aligned offset */
    rv__buffer list_messages;    /* variable: one rv_message per payload, in vertex order */

    /* Messages by id, per owner rank: (id[, length], payload) records. Under a
     * partition the sender may not know the owner; it sends to the keeper of the id's
     * directory entry, which relays (n_relayed of them this superstep). */
    rv__buffer *by_id; /* [P] */
    uint64_t *n_by_id; /* [P] */
    uint64_t n_relayed;
    /* Messages by id that found no vertex here: a vertex added by this superstep's
     * mutations may still take them (see rv__messages_move_inbox); otherwise they
     * fail the run. (id[, length], payload) records. */
    rv__buffer unresolved;
    uint64_t n_unresolved;

    /* Exchange scratch. Received payloads sit at unaligned offsets inside their
     * records; each is copied here (malloc-aligned) before a program sees it. */
    unsigned char *aligned_message;
    rv__buffer send, recv;
    uint64_t *send_bytes, *recv_bytes; /* [P] */
} rv__messages;

/* Prepares the store for @p program's messages on @p graph. */
int rv__messages_init(rv__messages *m, const rv_graph *graph, const rv_program *program);
void rv__messages_destroy(rv__messages *m);

/* Sends to a slot (a local vertex or a ghost). */
void rv__messages_send_slot(rv__messages *m, uint32_t slot, const void *message);
/* Sends one message to each of @p n slots: the loop behind rv_send_all(), with the
 * combiner chosen once rather than per edge. */
void rv__messages_send_many(rv__messages *m, const uint32_t *slots, size_t n, const void *message);
/* Sends @p message from local vertex @p v along all its out-edges (rv_send_all). */
static inline void rv__messages_broadcast(rv__messages *m, uint32_t v, const void *message);
/* rv__messages_broadcast() when it is not a vertex's first broadcast of the superstep
 * with a built-in combiner. */
void rv__messages_broadcast_again(rv__messages *m, uint32_t v, const void *message);
/* Sends to any vertex by id. */
void rv__messages_send_id(rv__messages *m, uint64_t id, const void *message);

/* The variable-size counterparts (list mode): @p size bytes at @p data. */
void rv__messages_send_slot_bytes(rv__messages *m, uint32_t slot, const void *data, size_t size);
void rv__messages_send_id_bytes(rv__messages *m, uint64_t id, const void *data, size_t size);

/* The largest variable-size message, in bytes. */
#define RV__MESSAGE_MAX_BYTES ((size_t)UINT32_MAX)

/* Ends a superstep: packs, exchanges and delivers, so that the messages sent in this
 * superstep become the inbox of the next. Reports the bytes this rank sent to other
 * ranks. Collective. */
int rv__messages_exchange(rv__messages *m, rv_session *session, uint64_t *bytes_sent);

/* Makes @p to, a fresh store over the graph a mutation rebuilt, hold the inbox of
 * @p from: the messages of from's local vertex v go to to's vertex new_index[v]
 * (dropped when that is UINT32_MAX: the vertex was removed), and the unresolved
 * messages by id go to the vertices that now exist. Leaves in *n_unresolved how many
 * still have no vertex. RV_OK or RV_ENOMEM. Local. */
int rv__messages_move_inbox(rv__messages *to, const rv__messages *from, const uint32_t *new_index,
                            uint64_t *n_unresolved);
/* Fails the run naming the first message by id that has no vertex. Local. */
void rv__messages_fail_unresolved(rv__messages *m);

/* Checkpoints reach the inbox only through these two functions, so they need not
 * know how it is stored. rv__messages_visit_pending() calls @p visit for each message
 * waiting for local vertex @p v in the current inbox (what compute() will see next
 * superstep), in delivery order, and returns how many there were.
 * rv__messages_restore_pending() puts one such message back into the current inbox
 * of @p v (after a restore, before the next superstep); rv__messages_restore_done()
 * must follow the last one. RV_ENOMEM, or RV_EINVAL for a message of the wrong size. */
size_t rv__messages_visit_pending(const rv__messages *m, uint32_t v,
                                  void (*visit)(const void *message, size_t bytes, void *arg), void *arg);
int rv__messages_restore_pending(rv__messages *m, uint32_t v, const void *message, size_t bytes);
int rv__messages_restore_done(rv__messages *m);

static inline void rv__messages_broadcast(rv__messages *m, uint32_t v, const void *message)
{
    /* A vertex's first broadcast in a superstep is stored as it is; the flag says
     * the value is there (see broadcast_value). Inline: rv_send_all() is called for
     * nearly every vertex of a PageRank superstep. */
    if (m->kind == RV_COMBINE_CUSTOM || m->broadcast_flag[v]) {
        rv__messages_broadcast_again(m, v, message);
        return;
    }
    memcpy(m->broadcast_value + 8 * (size_t)v, message, 8);
    m->broadcast_flag[v] = 1;
    m->n_broadcasters++;
    m->n_broadcasting_senders += !(m->sink_bits[v >> 6] >> (v & 63) & 1);
}

/* Messages sent this superstep, before combining: those counted as they were sent,
 * and one per out-edge of each first broadcast. */
uint64_t rv__messages_sent(rv__messages *m);

/* The messages for local vertex @p v in the current inbox. */
static inline size_t rv__messages_for(const rv__messages *m, uint32_t v, const void **messages)
{
    if (m->combining) {
        if (!m->has[v])
            return 0;
        *messages = m->box + (size_t)v * m->size;
        return 1;
    }
    uint64_t begin, end;
    if (m->inbox_sparse) {
        size_t lo = 0, hi = m->n_inbox_vertices;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (m->inbox_vertices[mid] < v)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == m->n_inbox_vertices || m->inbox_vertices[lo] != v)
            return 0;
        begin = m->inbox_begin[lo];
        end = m->inbox_begin[lo + 1];
    } else {
        begin = m->list_offsets[v];
        end = m->list_offsets[v + 1];
    }
    *messages = m->variable ? m->list_messages.data + begin * sizeof(rv_message)
                            : m->list_payloads.data + begin * m->size;
    return (size_t)(end - begin);
}

#endif /* RV_MESSAGES_H */
