/* trim.c — the bookkeeping of KickStarter's trim, shared by the stream repairs of sssp, bfs and wcc (see trim.h). */
#include "trim.h"

bool rv__trim_in_progress(rv_master *master, size_t resets)
{
    return rv_master_aggregated_int64(master, resets) > 0;
}

bool rv__trim_parent_invalidated(const rv__trim_state *trim, const void *messages, size_t n_messages,
                                 size_t message_size)
{
    if (trim->parent == RV__NO_PARENT)
        return false;
    const unsigned char *bytes = messages;
    for (size_t k = 0; k < n_messages; k++) {
        const rv__trim_header *m = (const void *)(bytes + k * message_size);
        if (m->kind == RV__TRIM_INVALIDATE && m->sender == trim->parent)
            return true;
    }
    return false;
}

void rv__trim_reset(rv_context *ctx, rv__trim_state *trim, size_t resets)
{
    /* Offers along added edges still go out after the trim: a neighbour across a new
     * edge may gain from whatever value the vertex ends up with. */
    *trim = (rv__trim_state){.parent = RV__NO_PARENT, .offer_from = trim->offer_from, .request = 1};
    rv_aggregate_int64(ctx, resets, 1);
}

void rv__trim_vote_to_halt(rv_context *ctx, const rv__trim_state *trim)
{
    if (!trim->request && trim->offer_from == RV__NO_OFFER)
        rv_vote_to_halt(ctx);
}
