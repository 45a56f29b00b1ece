/* graph_build.c — turning the edges a rank owns into a CSR whose targets are resolved to local or ghost slots.
 *
 * Steps (all ranks together):
 *  1. The local vertex set is every source here, every owned id from the vertex
 *     file, every target this rank owns, and every id another rank asks about in
 *     step 2. Targets owned elsewhere become ghosts.
 *  2. Each rank sends its ghost ids to their owners; an owner adds them to its
 *     vertex set (a vertex that only appears as a target is still a vertex).
 *  3. Owners sort their ids, number them, and answer each ghost request with the
 *     vertex's index, so later supersteps address remote vertices by index.
 *  4. Every edge's source and target are resolved through hash maps and scattered
 *     into the CSR by counting sort.
 */
#include <stdlib.h>
#include <string.h>

#include "comm.h"
#include "graph.h"
#include "idmap.h"
#include "sort.h"

/* Working state of one build. */
typedef struct build {
    rv_graph *g;
    rv__idmap local;  /* id -> local index */
    rv__idmap ghosts; /* id -> ghost slot */
    uint64_t *ghost_ids; /* ghosts grouped by owner, sorted within a group */
    uint64_t *request_bytes, *answer_bytes;
    rv__buffer requests; /* ids other ranks asked this rank about */
    rv__buffer answers;  /* their indices here, for the other ranks */
    rv__buffer replies;  /* indices of this rank's ghosts at their owners */
} build;

/* Step 1: local vertex set and ghost set. */
static int collect_vertices(build *b, const rv__owned_input *in)
{
    rv_graph *g = b->g;
    const int me = g->session->rank;
    const rv__edge_list *e = &in->edges;
    for (size_t i = 0; i < e->n; i++)
        if (rv__idmap_insert(&b->local, e->src[i], 0) != RV_OK)
            return RV_ENOMEM;
    for (size_t i = 0; i < in->vertices.n; i++)
        if (rv__idmap_insert(&b->local, in->vertices.id[i], 0) != RV_OK)
            return RV_ENOMEM;
    for (size_t i = 0; i < e->n; i++) {
        int owner = rv__placement_owner_local(&g->placement, e->dst[i]);
        if (rv__idmap_insert(owner == me ? &b->local : &b->ghosts, e->dst[i], 0) != RV_OK)
            return RV_ENOMEM;
    }
    return RV_OK;
}

/* Orders the ghost ids by (owner, id) and sets each ghost's slot in the map. */
static int order_ghosts(build *b)
{
    rv_graph *g = b->g;
    const int P = g->session->size;
    size_t n = b->ghosts.n;
    uint64_t *ids = malloc((n ? n : 1) * sizeof *ids);
    b->ghost_ids = malloc((n ? n : 1) * sizeof *b->ghost_ids);
    g->ghost_rank_start = calloc((size_t)P + 1, sizeof *g->ghost_rank_start);
    if (!ids || !b->ghost_ids || !g->ghost_rank_start) {
        free(ids);
        return RV_ENOMEM;
    }
    rv__idmap_keys(&b->ghosts, ids);
    if (rv__sort_u64(ids, n) != RV_OK) {
        free(ids);
        return RV_ENOMEM;
    }
    /* A stable counting sort by owner keeps ids ascending within each owner. */
    for (size_t i = 0; i < n; i++)
        g->ghost_rank_start[rv__placement_owner_local(&g->placement, ids[i]) + 1]++;
    for (int r = 0; r < P; r++)
        g->ghost_rank_start[r + 1] += g->ghost_rank_start[r];
    uint32_t *cursor = malloc((size_t)P * sizeof *cursor);
    if (!cursor) {
        free(ids);
        return RV_ENOMEM;
    }
    memcpy(cursor, g->ghost_rank_start, (size_t)P * sizeof *cursor);
    for (size_t i = 0; i < n; i++)
        b->ghost_ids[cursor[rv__placement_owner_local(&g->placement, ids[i])]++] = ids[i];
    free(cursor);
    free(ids);
    g->n_ghost = (uint32_t)n;
    return RV_OK;
}

/* Steps 2 and 3: ask owners about ghosts, number the local vertices, answer. */
static int resolve_ghosts(build *b)
{
    rv_graph *g = b->g;
    rv_session *s = g->session;
    const int P = s->size;
    int status = RV_OK;
    for (int r = 0; r < P; r++)
        b->request_bytes[r] = 8 * (uint64_t)(g->ghost_rank_start[r + 1] - g->ghost_rank_start[r]);
    uint64_t *asked_bytes = calloc((size_t)P, sizeof *asked_bytes);
    if (!asked_bytes)
        status = rv__session_fail(s, RV_ENOMEM, "out of memory resolving ghosts");
    status = rv__session_agree(s, status);
    if (status == RV_OK)
        status = rv__comm_alltoallv(s, b->ghost_ids, b->request_bytes, &b->requests, asked_bytes);
    if (status != RV_OK)
        goto done;

    size_t n_asked = b->requests.size / 8;
    const uint64_t *asked = (const uint64_t *)b->requests.data;
    for (size_t i = 0; i < n_asked && status == RV_OK; i++)
        if (rv__idmap_insert(&b->local, asked[i], 0) != RV_OK)
            status = rv__session_fail(s, RV_ENOMEM, "out of memory adding vertices");

    /* Slots are 32-bit: the local vertices and ghosts of one rank must fit. */
    if (status == RV_OK && (uint64_t)b->local.n + g->n_ghost >= UINT32_MAX)
        status = rv__session_fail(s, RV_ELIMIT,
                                  "rank %d would hold %zu vertices and %u ghosts; at most 2^32 - 1 slots per rank: use more ranks",
                                  s->rank, b->local.n, g->n_ghost);
    if (status == RV_OK) {
        g->n_local = (uint32_t)b->local.n;
        g->gid = malloc(((size_t)g->n_local + 1) * sizeof *g->gid);
        if (!g->gid || rv__buffer_reserve(&b->answers, 4 * n_asked + 4) != RV_OK)
            status = rv__session_fail(s, RV_ENOMEM, "out of memory numbering vertices");
    }
    if (status == RV_OK) {
        rv__idmap_keys(&b->local, g->gid);
        if (rv__sort_u64(g->gid, g->n_local) != RV_OK)
            status = rv__session_fail(s, RV_ENOMEM, "out of memory sorting vertices");
    }
    if (status == RV_OK) {
        for (uint32_t v = 0; v < g->n_local; v++)
            rv__idmap_set(&b->local, g->gid[v], v);
        uint32_t *answer = (uint32_t *)b->answers.data;
        rv__idmap_find_many(&b->local, asked, n_asked, answer);
        for (int r = 0; r < P; r++)
            b->answer_bytes[r] = asked_bytes[r] / 2;
    }
    status = rv__session_agree(s, status);
    if (status == RV_OK)
        status = rv__comm_alltoallv(s, b->answers.data, b->answer_bytes, &b->replies, asked_bytes);
    if (status != RV_OK)
        goto done;

    g->ghost_gid = b->ghost_ids;
    b->ghost_ids = NULL;
    g->ghost_remote = malloc(((size_t)g->n_ghost + 1) * sizeof *g->ghost_remote);
    if (!g->ghost_remote)
        status = rv__session_fail(s, RV_ENOMEM, "out of memory for ghosts");
    else {
        memcpy(g->ghost_remote, b->replies.data, (size_t)g->n_ghost * sizeof *g->ghost_remote);
        for (uint32_t k = 0; k < g->n_ghost; k++)
            rv__idmap_set(&b->ghosts, g->ghost_gid[k], g->n_local + k);
    }
    status = rv__session_agree(s, status);
done:
    free(asked_bytes);
    return status;
}

/* Step 4: resolve every edge and scatter it into the CSR. The edge arrays are
 * overwritten with resolved indices, so no second copy of the edges is made. */
static int fill_csr(build *b, rv__edge_list *e)
{
    rv_graph *g = b->g;
    const int me = g->session->rank;
    uint32_t *src_index = malloc((e->n ? e->n : 1) * sizeof *src_index);
    uint32_t *dst_slot = malloc((e->n ? e->n : 1) * sizeof *dst_slot);
    g->offsets = calloc((size_t)g->n_local + 1, sizeof *g->offsets);
    g->targets = malloc((e->n ? e->n : 1) * sizeof *g->targets);
    /* with_weights, not e->weight: a rank that received no edge has no array yet,
     * but its graph must still say it is weighted, like every other rank's. */
    if (e->with_weights)
        g->weights = malloc((e->n ? e->n : 1) * sizeof *g->weights);
    int status = RV_OK;
    if (!src_index || !dst_slot || !g->offsets || !g->targets || (e->with_weights && !g->weights)) {
        status = RV_ENOMEM;
        goto done;
    }
    rv__idmap_find_many(&b->local, e->src, e->n, src_index);
    /* Targets owned here resolve through the local map, the rest through the ghost map. */
    for (size_t i = 0; i < e->n; i++)
        if (rv__placement_owner_local(&g->placement, e->dst[i]) != me)
            e->dst[i] |= UINT64_C(1) << 63; /* mark remote; ids are below 2^63 */
    for (size_t i = 0; i < e->n; i++) {
        uint64_t id = e->dst[i];
        dst_slot[i] = id >> 63 ? rv__idmap_find(&b->ghosts, id & ~(UINT64_C(1) << 63))
                               : rv__idmap_find(&b->local, id);
    }
    for (size_t i = 0; i < e->n; i++)
        g->offsets[src_index[i] + 1]++;
    for (uint32_t v = 0; v < g->n_local; v++)
        g->offsets[v + 1] += g->offsets[v];
    /* Scatter in input order; e->src is reused as each vertex's fill cursor. */
    uint64_t *cursor = e->src;
    memcpy(cursor, g->offsets, (size_t)g->n_local * sizeof *cursor);
    for (size_t i = 0; i < e->n; i++) {
        uint64_t at = cursor[src_index[i]]++;
        g->targets[at] = dst_slot[i];
        if (g->weights)
            g->weights[at] = e->weight[i];
    }
    g->m_local = e->n;
done:
    free(src_index);
    free(dst_slot);
    return status;
}

int rv__graph_build(rv_graph *g, rv__owned_input *in)
{
    rv_session *s = g->session;
    const int P = s->size;
    build b = {.g = g};
    int status = RV_OK;
    b.request_bytes = calloc((size_t)P, sizeof *b.request_bytes);
    b.answer_bytes = calloc((size_t)P, sizeof *b.answer_bytes);
    /* e->src doubles as the fill cursor in fill_csr(), which needs n_local entries. */
    if (!b.request_bytes || !b.answer_bytes || rv__idmap_init(&b.local, in->edges.n / 4 + in->vertices.n) != RV_OK ||
        rv__idmap_init(&b.ghosts, in->edges.n / 4) != RV_OK || collect_vertices(&b, in) != RV_OK ||
        order_ghosts(&b) != RV_OK)
        status = rv__session_fail(s, RV_ENOMEM, "out of memory building the graph");
    status = rv__session_agree(s, status);
    if (status == RV_OK)
        status = resolve_ghosts(&b);
    if (status == RV_OK && in->edges.n < g->n_local && rv__edge_list_reserve(&in->edges, g->n_local - in->edges.n) != RV_OK)
        status = rv__session_fail(s, RV_ENOMEM, "out of memory building the graph");
    if (status == RV_OK && fill_csr(&b, &in->edges) != RV_OK)
        status = rv__session_fail(s, RV_ENOMEM, "out of memory building the CSR");
    status = rv__session_agree(s, status);
    if (status == RV_OK) {
        uint64_t totals[2] = {g->n_local, g->m_local};
        status = rv__session_agree(s, rv__comm_allreduce_u64(s, totals, 2, RV__REDUCE_SUM));
        g->n_vertices = totals[0];
        g->n_edges = totals[1];
    }
    rv__idmap_destroy(&b.local);
    rv__idmap_destroy(&b.ghosts);
    free(b.ghost_ids);
    free(b.request_bytes);
    free(b.answer_bytes);
    rv__buffer_destroy(&b.requests);
    rv__buffer_destroy(&b.answers);
    rv__buffer_destroy(&b.replies);
    return status;
}

uint32_t rv__graph_local_index(const rv_graph *g, uint64_t id)
{
    size_t at = rv__search_u64(g->gid, g->n_local, id);
    return at < g->n_local ? (uint32_t)at : UINT32_MAX;
}

uint64_t rv__graph_bytes(const rv_graph *g)
{
    const int P = g->session->size;
    return (uint64_t)g->n_local * (8 + 8) + 8 + g->m_local * (4 + (g->weights ? 8 : 0)) +
           (uint64_t)g->n_ghost * (8 + 4) + 4 * ((uint64_t)P + 1);
}
