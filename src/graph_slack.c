/* graph_slack.c — room to grow in a streamed graph's CSR: per-vertex slack, making room by shifting neighbours, compaction.
 *
 * A loaded graph is packed: vertex v's edges are [offsets[v], offsets[v + 1]). A
 * stream batch that added edges to a packed CSR would have to shift every list after
 * the first vertex it touches: a memmove of the whole edge arrays for a handful of
 * updates. So the first patch spreads the lists out once, leaving each some slack
 * (about 1/16 of its degree, at least one edge); from then on v's edges are
 * [offsets[v], ends[v]) and [ends[v], offsets[v + 1]) is free. A removal only
 * shortens a list; an addition fits in the slack, or the lists after it shift right
 * into theirs, as few as needed (a gap buffer over the vertices), or into new room
 * at the end of the arrays, which grows by a fraction of its size so that appends
 * are amortised. The cost of a batch is then its own lists and their neighbours.
 * Code that walks the edges as one block (a rebuild, a checkpoint) packs the lists
 * again first (rv__graph_compact); everything else reads a list's end with
 * rv__graph_edges_end().
 */
#include <stdlib.h>
#include <string.h>

#include "graph_slack.h"
#include "rivulet.h"

rv__edge_arrays rv__edge_arrays_of(rv_graph *g, unsigned char **edge_values, size_t edge_value_size)
{
    /* Weights and reverse marks are there or not for the whole graph; targets and
     * (when the program has them) edge values always are. */
    return (rv__edge_arrays){.array = {(void **)&g->targets, g->weights ? (void **)&g->weights : NULL,
                                       g->reverse ? (void **)&g->reverse : NULL,
                                       edge_value_size ? (void **)edge_values : NULL},
                             .size = {sizeof *g->targets, sizeof *g->weights, 1, edge_value_size}};
}

/* The slack a list of @p degree edges gets when the graph is spread. */
static uint64_t slack_for(uint64_t degree) { return degree / 16 + 1; }

/* Grows every edge array to @p span positions (plus one, so that none is empty). */
static int grow_all(const rv__edge_arrays *e, uint64_t span)
{
    for (int k = 0; k < 4; k++) {
        if (!e->array[k])
            continue;
        void *grown = realloc(*e->array[k], (span + 1) * e->size[k]);
        if (!grown)
            return RV_ENOMEM;
        *e->array[k] = grown;
    }
    return RV_OK;
}

/* Moves @p n edges from position @p from to @p to in every array. */
static void move_edges(const rv__edge_arrays *e, uint64_t from, uint64_t to, uint64_t n)
{
    if (n == 0 || from == to)
        return;
    for (int k = 0; k < 4; k++)
        if (e->array[k] && *e->array[k])
            memmove((unsigned char *)*e->array[k] + to * e->size[k],
                    (unsigned char *)*e->array[k] + from * e->size[k], n * e->size[k]);
}

int rv__graph_spread(rv_graph *g, const rv__edge_arrays *e)
{
    const uint32_t n = g->n_local;
    uint64_t *starts = malloc(((size_t)n + 1) * sizeof *starts);
    uint64_t *ends = malloc(((size_t)n + 1) * sizeof *ends);
    if (!starts || !ends) {
        free(starts);
        free(ends);
        return RV_ENOMEM;
    }
    uint64_t at = 0;
    for (uint32_t v = 0; v < n; v++) {
        uint64_t degree = g->offsets[v + 1] - g->offsets[v];
        starts[v] = at;
        ends[v] = at + degree;
        at += degree + slack_for(degree);
    }
    starts[n] = at;
    if (grow_all(e, at) != RV_OK) {
        free(starts);
        free(ends);
        return RV_ENOMEM;
    }
    /* Every list moves right (or stays): moving the last one first overwrites
     * nothing that has still to move. */
    for (uint32_t v = n; v-- > 0;)
        move_edges(e, g->offsets[v], starts[v], ends[v] - starts[v]);
    free(g->offsets);
    g->offsets = starts;
    g->ends = ends;
    return RV_OK;
}

int rv__graph_make_room(rv_graph *g, const rv__edge_arrays *e, uint32_t n, uint32_t v, uint64_t capacity)
{
    uint64_t *off = g->offsets, *ends = g->ends;
    if (off[v + 1] - off[v] >= capacity)
        return RV_OK;
    /* Vertex w after v shifts right by shift[w - v - 1]: what the lists before it
     * need, less the slack it has itself; the last one that shifts absorbs the rest. */
    uint64_t need = capacity - (off[v + 1] - off[v]);
    size_t n_shift = 0, shift_capacity = 16;
    uint64_t *shift = malloc(shift_capacity * sizeof *shift);
    if (!shift)
        return RV_ENOMEM;
    uint32_t w = v + 1;
    for (; w < n && need > 0; w++) {
        if (n_shift == shift_capacity) {
            uint64_t *grown = realloc(shift, 2 * shift_capacity * sizeof *shift);
            if (!grown) {
                free(shift);
                return RV_ENOMEM;
            }
            shift = grown;
            shift_capacity *= 2;
        }
        shift[n_shift++] = need;
        uint64_t slack = off[w + 1] - ends[w];
        need = slack >= need ? 0 : need - slack;
    }
    if (need > 0) {
        /* No slack up to the end: the arrays grow, by a fraction of themselves so
         * that a stream that keeps appending pays for it rarely. */
        uint64_t span = off[n] + need + off[n] / 64 + 64;
        if (grow_all(e, span) != RV_OK) {
            free(shift);
            return RV_ENOMEM;
        }
        off[n] = span;
    }
    for (size_t k = n_shift; k-- > 0;) {
        uint32_t x = v + 1 + (uint32_t)k;
        move_edges(e, off[x], off[x] + shift[k], ends[x] - off[x]);
        off[x] += shift[k];
        ends[x] += shift[k];
    }
    free(shift);
    return RV_OK;
}

void rv__graph_compact(rv_graph *g, const rv__edge_arrays *e)
{
    if (!g->ends)
        return;
    uint64_t at = 0;
    for (uint32_t v = 0; v < g->n_local; v++) {
        uint64_t degree = g->ends[v] - g->offsets[v];
        move_edges(e, g->offsets[v], at, degree);
        g->offsets[v] = at;
        at += degree;
    }
    g->offsets[g->n_local] = at;
    free(g->ends);
    g->ends = NULL;
    /* Give the slack back (shrinking cannot fail in a way that loses data). */
    grow_all(e, at);
}
