/* trim.h — what the stream repairs of sssp and bfs (stream_paths.c) and wcc share: the bookkeeping of KickStarter's trim, which resets exactly the vertices whose value hung on a removed edge before any new value spreads. */
#ifndef RV_ALGORITHMS_TRIM_H
#define RV_ALGORITHMS_TRIM_H

#include "rivulet.h"

/* The parent of a vertex whose value hangs on no neighbour. */
#define RV__NO_PARENT UINT64_MAX
/* Edge index meaning "nothing to offer". */
#define RV__NO_OFFER UINT64_MAX

/* What a vertex keeps for the repair, beside its value. */
typedef struct rv__trim_state {
    rv_id parent; /* the neighbour whose offer set the value, or RV__NO_PARENT */
    /* Work that waits for the end of the trim (the vertex stays awake meanwhile). */
    uint64_t offer_from; /* offer along the edges from this one on, or RV__NO_OFFER */
    uint64_t request;    /* 1: reset by this batch; ask the neighbours */
} rv__trim_state;

/* The kinds of message: OFFER (a value), INVALIDATE (the sender's value is gone; only
 * its children care) and REQUEST (the sender asks for offers). */
enum { RV__TRIM_OFFER = 1, RV__TRIM_INVALIDATE = 2, RV__TRIM_REQUEST = 3 };

/* The start of every message; the algorithm's payload follows. */
typedef struct rv__trim_header {
    uint64_t kind;
    rv_id sender;
} rv__trim_header;

/* For the master hook, after every superstep: whether the trim goes on, that is
 * whether some vertex reset in the last superstep (the int64 sum aggregator
 * @p resets counts them). While it does, only invalidations travel. */
bool rv__trim_in_progress(rv_master *master, size_t resets);

/* Whether one of @p n_messages messages (@p message_size bytes each, each starting
 * with an rv__trim_header) is an invalidation from the vertex's parent: then the
 * vertex must reset. */
bool rv__trim_parent_invalidated(const rv__trim_state *trim, const void *messages, size_t n_messages,
                                 size_t message_size);

/* The trim's part of resetting a vertex that lost what its value hung on: it has no
 * parent, it asks its neighbours once the trim is over, and it counts in @p resets,
 * so that the trim goes on. The caller resets the value and sends the invalidations. */
void rv__trim_reset(rv_context *ctx, rv__trim_state *trim, size_t resets);

/* Votes to halt unless work waits for the end of the trim. */
void rv__trim_vote_to_halt(rv_context *ctx, const rv__trim_state *trim);

#endif /* RV_ALGORITHMS_TRIM_H */
