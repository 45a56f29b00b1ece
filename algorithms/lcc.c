/* lcc.c — local clustering coefficient (Graphalytics semantics).
 *
 * Computes: for every vertex v with neighbour set N(v) (in- and out-neighbours,
 * itself excluded) of size d, the number of directed edges between members of
 * N(v), divided by d(d-1); 0 when d < 2. An undirected edge counts both ways, so
 * an undirected graph gets (edges among neighbours) / (d(d-1)/2).
 *
 * How: every such edge u→w closes a triangle {v, u, w} of the undirected
 * structure, so the algorithm enumerates each triangle once and credits each
 * corner with the number of directed edges joining the other two. To find each
 * triangle once and keep messages small on skewed graphs, vertices are ranked by
 * (d, id) and a triangle a < b < c is found at its middle vertex b: a sends b the
 * part of its higher-ranked neighbour list that ranks above b, and b intersects it
 * with its own neighbours. A hub thus never ships its long list, and no list is
 * longer than the sqrt(2|E|) higher-ranked neighbours a vertex can have.
 *
 * Supersteps (messages are variable-size; no combiner):
 *   0: build N(v); vertices with d >= 2 send (id, d) to every neighbour.
 *   1: learn the neighbours' degrees; send each higher-ranked neighbour b the
 *      higher-ranked neighbours above b, with the edge count a–c of each.
 *   2: intersect every received list with N(b): each triangle found credits the
 *      three corners; credits for neighbours travel as one message each.
 *   3: add the credits up and divide.
 * The graph must be loaded through its undirected view with edge directions
 * (rv_algorithm.undirected_view and needs_edge_directions), so that every vertex
 * sees its in-neighbours and knows which way each edge ran.
 * Reference: Schank and Wagner, "Finding, counting and listing all triangles in
 * large graphs" (2005), the degree-ordered "forward" algorithm; LDBC Graphalytics
 * specification, section "LCC".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rivulet.h"

typedef struct lcc_value {
    uint64_t degree; /* |N(v)| */
    uint64_t credit; /* directed edges among the neighbours found so far */
    double lcc;
} lcc_value;

/* One member of N(v), built afresh from the edges in every superstep that needs it:
 * cheaper in memory than keeping the lists between supersteps. */
typedef struct neighbour {
    rv_id id;
    uint64_t edge;   /* an edge index leading to it */
    uint64_t degree; /* its |N|, once known; 0 when it lies on no triangle */
    uint64_t credit; /* what this vertex owes it (superstep 2) */
    unsigned ways;   /* RV_EDGE_OUT | RV_EDGE_IN bits: the edges between us */
} neighbour;

/* The degree announcement of superstep 0. */
typedef struct announcement {
    rv_id id;
    uint64_t degree;
} announcement;

/* A higher-ranked neighbour, as superstep 1 sorts them. */
typedef struct ranked {
    uint64_t degree;
    rv_id id;
    unsigned ways;
    uint64_t edge;
} ranked;

/* Scratch reused across vertices: compute() runs one vertex at a time per rank. */
typedef struct lcc_scratch {
    neighbour *neighbours;
    size_t neighbours_capacity;
    ranked *higher; /* the higher-ranked neighbours, by rank */
    size_t higher_capacity;
    unsigned char *message;
    size_t message_capacity;
    bool failed; /* out of memory for the scratch: the master hook fails the run */
} lcc_scratch;

enum { AGG_OUT_OF_MEMORY };
static const rv_aggregator_spec aggregators[] = {
    {"out_of_memory", RV_AGG_SUM_INT64},
};

static bool grow(void **array, size_t *capacity, size_t n, size_t size)
{
    if (n <= *capacity)
        return true;
    size_t wanted = *capacity ? *capacity : 64;
    while (wanted < n)
        wanted *= 2;
    void *grown = realloc(*array, wanted * size);
    if (!grown)
        return false;
    *array = grown;
    *capacity = wanted;
    return true;
}

static int by_id(const void *a, const void *b)
{
    rv_id x = ((const neighbour *)a)->id, y = ((const neighbour *)b)->id;
    return (x > y) - (x < y);
}

/* Vertices ranked by degree, then id: a total order every vertex computes alike. */
static bool ranks_above(uint64_t degree_a, rv_id id_a, uint64_t degree_b, rv_id id_b)
{
    return degree_a != degree_b ? degree_a > degree_b : id_a > id_b;
}

/* Builds N(v), sorted by id, with the ways the edges run; returns d. */
static size_t build_neighbours(rv_context *ctx, lcc_scratch *s)
{
    uint64_t n_edges = rv_out_degree(ctx);
    if (!grow((void **)&s->neighbours, &s->neighbours_capacity, n_edges + 1, sizeof *s->neighbours)) {
        s->failed = true;
        return 0;
    }
    rv_id me = rv_vertex_id(ctx);
    size_t n = 0;
    for (uint64_t i = 0; i < n_edges; i++) {
        rv_id target = rv_edge_target(ctx, i);
        if (target != me)
            s->neighbours[n++] = (neighbour){.id = target, .edge = i, .ways = rv_edge_direction(ctx, i)};
    }
    qsort(s->neighbours, n, sizeof *s->neighbours, by_id);
    size_t d = 0;
    for (size_t k = 0; k < n; k++) {
        if (d > 0 && s->neighbours[d - 1].id == s->neighbours[k].id)
            s->neighbours[d - 1].ways |= s->neighbours[k].ways;
        else
            s->neighbours[d++] = s->neighbours[k];
    }
    return d;
}

static neighbour *find(lcc_scratch *s, size_t d, rv_id id)
{
    size_t lo = 0, hi = d;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->neighbours[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d && s->neighbours[lo].id == id ? &s->neighbours[lo] : NULL;
}

/* The number of directed edges a set of RV_EDGE_* bits stands for. */
static uint64_t edge_count(unsigned ways) { return (ways & RV_EDGE_OUT ? 1 : 0) + (ways & RV_EDGE_IN ? 1 : 0); }

static void init(rv_context *ctx, void *value, void *user)
{
    (void)ctx;
    (void)user;
    *(lcc_value *)value = (lcc_value){0};
}

static void announce_degree(rv_context *ctx, lcc_value *v, lcc_scratch *s)
{
    size_t d = build_neighbours(ctx, s);
    v->degree = d;
    if (d < 2)
        return; /* on no triangle: it need not take part */
    announcement a = {.id = rv_vertex_id(ctx), .degree = d};
    for (size_t k = 0; k < d; k++)
        rv_send_edge_bytes(ctx, s->neighbours[k].edge, &a, sizeof a);
}

static int by_rank(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    return ranks_above(x->degree, x->id, y->degree, y->id) ? 1 : ranks_above(y->degree, y->id, x->degree, x->id) ? -1 : 0;
}

/* Superstep 1, at vertex a: to each higher-ranked neighbour b, the higher-ranked
 * neighbours c above b, as (a, then the ids c, then the edge count a–c of each). */
static void send_candidate_lists(rv_context *ctx, lcc_value *v, const rv_message *messages, size_t n_messages,
                                 lcc_scratch *s)
{
    if (v->degree < 2)
        return;
    size_t d = build_neighbours(ctx, s);
    for (size_t i = 0; i < n_messages; i++) {
        announcement a;
        memcpy(&a, messages[i].data, sizeof a);
        neighbour *nb = find(s, d, a.id);
        if (nb)
            nb->degree = a.degree;
    }
    rv_id me = rv_vertex_id(ctx);
    if (!grow((void **)&s->higher, &s->higher_capacity, d + 1, sizeof *s->higher)) {
        s->failed = true;
        return;
    }
    size_t n_higher = 0;
    for (size_t k = 0; k < d; k++) {
        const neighbour *nb = &s->neighbours[k];
        if (nb->degree >= 2 && ranks_above(nb->degree, nb->id, v->degree, me))
            s->higher[n_higher++] = (ranked){.degree = nb->degree, .id = nb->id, .ways = nb->ways, .edge = nb->edge};
    }
    qsort(s->higher, n_higher, sizeof *s->higher, by_rank);
    /* The largest list goes to the lowest-ranked b: room for all at once. */
    size_t most = n_higher ? 8 + 9 * (n_higher - 1) : 0;
    if (!grow((void **)&s->message, &s->message_capacity, most + 8, 1)) {
        s->failed = true;
        return;
    }
    for (size_t k = 0; k + 1 < n_higher; k++) {
        size_t n_above = n_higher - k - 1;
        unsigned char *out = s->message;
        memcpy(out, &me, 8);
        for (size_t j = 0; j < n_above; j++) {
            const ranked *c = &s->higher[k + 1 + j];
            memcpy(out + 8 + 8 * j, &c->id, 8);
            out[8 + 8 * n_above + j] = (unsigned char)edge_count(c->ways);
        }
        rv_send_edge_bytes(ctx, s->higher[k].edge, out, 8 + 9 * n_above);
    }
}

/* Superstep 2, at vertex b: every c of a's list that is also b's neighbour closes
 * the triangle a, b, c. */
static void close_triangles(rv_context *ctx, lcc_value *v, const rv_message *messages, size_t n_messages,
                            lcc_scratch *s)
{
    if (n_messages == 0)
        return;
    size_t d = build_neighbours(ctx, s);
    for (size_t i = 0; i < n_messages; i++) {
        const unsigned char *p = messages[i].data;
        size_t n_above = (messages[i].size - 8) / 9;
        rv_id a_id;
        memcpy(&a_id, p, 8);
        neighbour *a = find(s, d, a_id);
        if (!a)
            continue; /* cannot happen: a sent along an edge between us */
        for (size_t j = 0; j < n_above; j++) {
            rv_id c_id;
            memcpy(&c_id, p + 8 + 8 * j, 8);
            neighbour *c = find(s, d, c_id);
            if (!c)
                continue;
            a->credit += edge_count(c->ways);   /* edges b–c, seen from a */
            v->credit += p[8 + 8 * n_above + j]; /* edges a–c, seen from b */
            c->credit += edge_count(a->ways);   /* edges a–b, seen from c */
        }
    }
    for (size_t k = 0; k < d; k++)
        if (s->neighbours[k].credit)
            rv_send_edge_bytes(ctx, s->neighbours[k].edge, &s->neighbours[k].credit, 8);
}

static void compute(rv_context *ctx, void *value, const void *messages, size_t n_messages, void *user)
{
    lcc_scratch *s = user;
    lcc_value *v = value;
    const rv_message *list = messages;
    switch (rv_superstep(ctx)) {
    case 0: announce_degree(ctx, v, s); break;
    case 1: send_candidate_lists(ctx, v, list, n_messages, s); break;
    case 2: close_triangles(ctx, v, list, n_messages, s); break;
    default:
        for (size_t i = 0; i < n_messages; i++) {
            uint64_t credit;
            memcpy(&credit, list[i].data, 8);
            v->credit += credit;
        }
        break;
    }
    /* Every vertex takes part in supersteps 0-2 (each builds on the one before),
     * whether or not messages reach it; the master hook ends the run after 3. */
    if (v->degree >= 2)
        v->lcc = (double)v->credit / ((double)v->degree * (double)(v->degree - 1));
    if (s->failed) {
        rv_aggregate_int64(ctx, AGG_OUT_OF_MEMORY, 1);
        s->failed = false;
    }
}

/* Supersteps 0-2 must run on every vertex; after superstep 3 there is nothing left. */
static bool master(rv_master *master, void *user)
{
    (void)user;
    if (rv_master_aggregated_int64(master, AGG_OUT_OF_MEMORY) > 0) {
        rv_master_fail(master, "lcc: out of memory for a neighbour list");
        return false;
    }
    return rv_master_superstep(master) < 3;
}

static size_t format(const void *value, char *buffer, size_t capacity, void *user)
{
    (void)user;
    return rv_format_double(((const lcc_value *)value)->lcc, buffer, capacity);
}

static int configure(const rv_params *params, rv_program *program, char *error, size_t error_capacity)
{
    (void)params;
    (void)error;
    (void)error_capacity;
    lcc_scratch *s = calloc(1, sizeof *s);
    if (!s)
        return RV_ENOMEM;
    *program = (rv_program){
        .api_version = RV_API_VERSION,
        .name = "lcc",
        .value_size = sizeof(lcc_value),
        .message_size = RV_MESSAGE_VARIABLE,
        .init = init,
        .compute = compute,
        .master = master,
        .format = format,
        .aggregators = aggregators,
        .n_aggregators = sizeof aggregators / sizeof aggregators[0],
        .user = s,
    };
    return RV_OK;
}

static void release(rv_program *program)
{
    lcc_scratch *s = program->user;
    if (s) {
        free(s->neighbours);
        free(s->higher);
        free(s->message);
        free(s);
    }
    program->user = NULL;
}

const rv_algorithm rv_algorithm_lcc = {
    .name = "lcc",
    .alias = NULL,
    .summary = "local clustering coefficient over in- and out-neighbours (Graphalytics semantics)",
    .params = NULL,
    .n_params = 0,
    .configure = configure,
    .release = release,
    .undirected_view = true,
    .needs_edge_directions = true,
};
