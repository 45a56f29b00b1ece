/* messages.h — the message store of a job: sender-side combining, per-rank packing, one bulk exchange per superstep.
 *
 * Two modes. With a combiner, messages fold into one value per target slot as they
 * are sent: local targets into the next superstep's inbox, ghost targets into a
 * ghost box that is packed per owner rank at the barrier (so a rank sends at most
 * one message per remote vertex per superstep), and the receiver folds what
 * arrives into its inbox. Without a combiner, messages are appended to per-rank
 * lists and the receiver counting-sorts them by target into a CSR-shaped inbox.
 * Messages addressed by id (not along an edge) travel beside them and are resolved
 * on arrival.
 */
#ifndef RV_MESSAGES_H
#define RV_MESSAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "comm.h"
#include "graph.h"

typedef struct rv__messages {
    const rv_graph *graph;
    size_t size; /* bytes per message */
    void (*combine)(void *accumulator, const void *message, void *user);
    void *user;
    int status;  /* first local error while sending or delivering (RV_OK if none) */
    uint64_t sent; /* messages sent this superstep, before combining */

    /* Combiner mode. */
    unsigned char *inbox, *next_inbox; /* [n_local * size] */
    uint64_t *has, *next_has;          /* bitmaps over local vertices */
    unsigned char *ghost_box;          /* [n_ghost * size] */
    uint64_t *ghost_has;               /* bitmap over ghosts */

    /* List mode: (index, payload) records for the next superstep, and the current inbox. */
    rv__buffer next_local;       /* records addressed to local vertices */
    rv__buffer *next_remote;     /* [P] records addressed to ghosts, by owner rank */
    uint64_t *list_offsets;      /* [n_local + 1] */
    rv__buffer list_payloads;

    /* Messages by id, per owner rank: (id, payload) records. */
    rv__buffer *by_id; /* [P] */

    /* Exchange scratch. */
    rv__buffer send, recv;
    uint64_t *send_bytes, *recv_bytes; /* [P] */
} rv__messages;

int rv__messages_init(rv__messages *m, const rv_graph *graph, size_t message_size,
                      void (*combine)(void *, const void *, void *), void *user);
void rv__messages_destroy(rv__messages *m);

/* Sends to a slot (a local vertex or a ghost). */
void rv__messages_send_slot(rv__messages *m, uint32_t slot, const void *message);
/* Sends to any vertex by id. */
void rv__messages_send_id(rv__messages *m, uint64_t id, const void *message);

/* Ends a superstep: packs, exchanges and delivers, so that the messages sent in this
 * superstep become the inbox of the next. Reports the bytes this rank sent and how
 * many local vertices have messages now. Collective. */
int rv__messages_exchange(rv__messages *m, rv_session *session, uint64_t *bytes_sent, uint64_t *n_receivers);

/* The messages for local vertex @p v in the current inbox. */
static inline size_t rv__messages_for(const rv__messages *m, uint32_t v, const void **messages)
{
    if (m->combine) {
        if (!(m->has[v >> 6] >> (v & 63) & 1))
            return 0;
        *messages = m->inbox + (size_t)v * m->size;
        return 1;
    }
    uint64_t begin = m->list_offsets[v], end = m->list_offsets[v + 1];
    *messages = m->list_payloads.data + begin * m->size;
    return (size_t)(end - begin);
}

/* Bytes held by the message store on this rank. */
uint64_t rv__messages_bytes(const rv__messages *m);

#endif /* RV_MESSAGES_H */
