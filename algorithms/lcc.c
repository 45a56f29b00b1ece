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
 *   1: keep the neighbours' degrees in the edge state, and add up how many bytes
 *      of candidate lists this vertex will send. The master hook splits the lists
 *      into W waves so that one wave's messages fit a memory budget per rank.
 *   2 .. W+1: in wave w, the vertices of wave w (by a hash of their id) send
 *      each higher-ranked neighbour b the higher-ranked neighbours above b, with
 *      the edge count a–c of each. Every vertex intersects the lists it received
 *      with N(b): each triangle found credits the three corners, and the credits
 *      owed to neighbours travel as one message each.
 *   W+2, W+3: the last lists are intersected, and the last credits added up.
 * Credits are added up whenever they arrive; the value is their sum over d(d-1).
 * The graph must be loaded through its undirected view with edge directions
 * (rv_algorithm.undirected_view and needs_edge_directions), so that every vertex
 * sees its in-neighbours and knows which way each edge ran.
 * Stream version (`rivulet stream lcc`, configure_stream): the values are kept
 * exact as edges come and go without recounting everything. A vertex whose edges
 * changed is recounted: the waves run again, restricted to the triangles with a
 * recounted corner, crediting only those corners. A vertex whose edges did not
 * change keeps its neighbours, so only edges among them can have changed, between
 * two touched neighbours; it adds the change each announced (see stream_repair()).
 * The edge state holds the neighbour's degree on every edge to it, and the batch
 * it was recounted in.
 * Reference: Schank and Wagner, "Finding, counting and listing all triangles in
 * large graphs" (2005), the degree-ordered "forward" algorithm; LDBC Graphalytics
 * specification, section "LCC".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rivulet.h"

/* Candidate-list bytes one wave may put in flight, per rank on average. Lists are
 * held twice while they are delivered (as records and in the inbox). */
#define WAVE_BUDGET_BYTES ((int64_t)128 << 20)

/* A message whose first word is this is a credit, not a candidate list (whose first
 * word is a vertex id, at most 2^63 - 1). */
#define CREDIT_MARK UINT64_MAX

typedef struct lcc_value {
    uint64_t degree; /* |N(v)| */
    uint64_t credit; /* directed edges among the neighbours found so far */
    double lcc;
} lcc_value;

/* One member of N(v), built afresh from the edges in every superstep that needs it:
 * cheaper in memory than keeping the lists between supersteps. */
typedef struct neighbour {
    rv_id id;
    uint64_t edge;   /* the first edge index leading to it */
    uint64_t credit; /* what this vertex owes it */
    unsigned ways;   /* RV_EDGE_OUT | RV_EDGE_IN bits: the edges between us */
    uint64_t announced; /* stream: its degree + 1 as it announced it this superstep, 0: none */
    bool affected;      /* stream repair: it said its value is being recounted */
} neighbour;

/* A higher-ranked neighbour, as the list senders sort them. */
typedef struct ranked {
    uint64_t degree;
    rv_id id;
    uint64_t edge;
    unsigned ways;
    bool affected; /* stream repair: its value is being recounted */
} ranked;

/* Scratch reused across vertices (compute() runs one vertex at a time per rank),
 * and the wave count, which the master hook sets alike on every rank. */
typedef struct lcc_state {
    neighbour *neighbours;
    size_t neighbours_capacity;
    uint32_t *slots; /* open-addressing table: neighbour index + 1, 0 = empty */
    size_t slots_capacity;
    ranked *higher;
    size_t higher_capacity;
    unsigned char *message;
    size_t message_capacity;
    bool failed; /* out of memory for the scratch: the master hook fails the run */
    uint64_t waves;
    /* Stream repair (see the stream version below): only the triangles with an
     * affected corner are counted, and only affected corners are credited. A
     * neighbour is affected when its edge state's second word is @c batch (the
     * batch's first superstep, never 0). */
    bool restricted;
    uint64_t batch;
    /* Stream: a neighbour's degree goes to every edge leading to it, not just the
     * first, so that it survives whatever a batch does to the edge order. */
    bool all_edges;
} lcc_state;

enum { AGG_OUT_OF_MEMORY, AGG_LIST_BYTES };
static const rv_aggregator_spec aggregators[] = {
    {"out_of_memory", RV_AGG_SUM_INT64},
    {"list_bytes", RV_AGG_SUM_INT64},
};

static bool grow(lcc_state *s, void **array, size_t *capacity, size_t n, size_t size)
{
    if (n <= *capacity)
        return true;
    size_t wanted = *capacity ? *capacity : 64;
    while (wanted < n)
        wanted *= 2;
    void *grown = realloc(*array, wanted * size);
    if (!grown) {
        s->failed = true;
        return false;
    }
    *array = grown;
    *capacity = wanted;
    return true;
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    return x;
}

static int by_id(const void *a, const void *b)
{
    const neighbour *x = a, *y = b;
    if (x->id != y->id)
        return (x->id > y->id) - (x->id < y->id);
    return (x->edge > y->edge) - (x->edge < y->edge);
}

/* Vertices ranked by degree, then id: a total order every vertex computes alike. */
static bool ranks_above(uint64_t degree_a, rv_id id_a, uint64_t degree_b, rv_id id_b)
{
    return degree_a != degree_b ? degree_a > degree_b : id_a > id_b;
}

static int by_rank(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    return ranks_above(x->degree, x->id, y->degree, y->id) ? 1 : ranks_above(y->degree, y->id, x->degree, x->id) ? -1 : 0;
}

/* Builds N(v), with the ways the edges run and the first edge to each neighbour
 * (the one whose state holds its degree), and a hash table over it; returns d. */
static size_t build_neighbours(rv_context *ctx, lcc_state *s)
{
    uint64_t n_edges = rv_out_degree(ctx);
    if (!grow(s, (void **)&s->neighbours, &s->neighbours_capacity, n_edges + 1, sizeof *s->neighbours))
        return 0;
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
    size_t capacity = 16;
    while (capacity < 2 * d)
        capacity *= 2;
    if (!grow(s, (void **)&s->slots, &s->slots_capacity, capacity, sizeof *s->slots))
        return 0;
    memset(s->slots, 0, capacity * sizeof *s->slots);
    for (size_t k = 0; k < d; k++) {
        size_t at = mix(s->neighbours[k].id) & (capacity - 1);
        while (s->slots[at])
            at = (at + 1) & (capacity - 1);
        s->slots[at] = (uint32_t)k + 1;
    }
    s->slots_capacity = capacity; /* the table's size, not the allocation's, from here */
    return d;
}

static neighbour *find(lcc_state *s, rv_id id)
{
    size_t mask = s->slots_capacity - 1;
    for (size_t at = mix(id) & mask; s->slots[at]; at = (at + 1) & mask)
        if (s->neighbours[s->slots[at] - 1].id == id)
            return &s->neighbours[s->slots[at] - 1];
    return NULL;
}

/* Writes what the neighbours announced to every edge leading to them: the degree
 * (neighbour.announced) into the first word of the edge state and, for those
 * affected, @p stamp into the second (the stream's "affected in batch @p stamp"). */
static void write_announced(rv_context *ctx, lcc_state *s, uint64_t stamp)
{
    uint64_t n_edges = rv_out_degree(ctx);
    rv_id me = rv_vertex_id(ctx);
    for (uint64_t i = 0; i < n_edges; i++) {
        rv_id target = rv_edge_target(ctx, i);
        const neighbour *nb = target == me ? NULL : find(s, target);
        if (!nb)
            continue;
        unsigned char *state = rv_edge_value(ctx, i);
        uint64_t degree = nb->announced - 1;
        if (nb->announced)
            memcpy(state, &degree, 8);
        if (nb->affected)
            memcpy(state + 8, &stamp, 8);
    }
}

/* The number of directed edges a set of RV_EDGE_* bits stands for. */
static uint64_t edge_count(unsigned ways) { return (ways & RV_EDGE_OUT ? 1 : 0) + (ways & RV_EDGE_IN ? 1 : 0); }

static void init(rv_context *ctx, void *value, void *user)
{
    (void)ctx;
    (void)user;
    *(lcc_value *)value = (lcc_value){0};
}

/* Superstep 0. */
static void announce_degree(rv_context *ctx, lcc_value *v, lcc_state *s)
{
    size_t d = build_neighbours(ctx, s);
    v->degree = d;
    /* On no triangle it need not take part; but in a stream, a later batch may give
     * it more neighbours, and it must then know the degrees of those it has now. */
    if (d < 2 && !s->all_edges)
        return;
    uint64_t announcement[2] = {rv_vertex_id(ctx), d};
    for (size_t k = 0; k < d; k++)
        rv_send_edge_bytes(ctx, s->neighbours[k].edge, announcement, sizeof announcement);
}

/* Superstep 1: the degrees announced go to the edge state; the list bytes to come
 * go to an aggregator, from which the master hook sizes the waves. */
static void record_degrees(rv_context *ctx, lcc_value *v, const rv_message *messages, size_t n_messages,
                           lcc_state *s)
{
    if (v->degree < 2 && !s->all_edges)
        return;
    build_neighbours(ctx, s);
    uint64_t n_higher = 0;
    for (size_t i = 0; i < n_messages; i++) {
        uint64_t announcement[2];
        memcpy(announcement, messages[i].data, sizeof announcement);
        neighbour *nb = find(s, announcement[0]);
        if (!nb)
            continue;
        if (s->all_edges)
            nb->announced = announcement[1] + 1;
        else
            memcpy(rv_edge_value(ctx, nb->edge), &announcement[1], 8);
        n_higher += ranks_above(announcement[1], announcement[0], v->degree, rv_vertex_id(ctx));
    }
    if (s->all_edges)
        write_announced(ctx, s, 0);
    /* Lists of n_higher - 1, n_higher - 2, ... entries of 9 bytes, 8 bytes of header each. */
    int64_t bytes = n_higher ? (int64_t)(8 * (n_higher - 1) + 9 * (n_higher * (n_higher - 1) / 2)) : 0;
    rv_aggregate_int64(ctx, AGG_LIST_BYTES, bytes);
}

/* Bits of a candidate list's byte per entry, after the edge count a–c (0..2): in a
 * restricted count, whether c and a are affected. */
#define ENTRY_COUNT 3u
#define ENTRY_C_AFFECTED 4u
#define ENTRY_A_AFFECTED 8u

/* In its wave, at vertex a: to each higher-ranked neighbour b, the higher-ranked
 * neighbours c above b, as (a, then the ids c, then the edge count a–c of each).
 * Restricted to the triangles with an affected corner (@p affected: whether a is). */
static void send_candidate_lists(rv_context *ctx, lcc_value *v, lcc_state *s, bool affected)
{
    size_t d = build_neighbours(ctx, s);
    if (!grow(s, (void **)&s->higher, &s->higher_capacity, d + 1, sizeof *s->higher))
        return;
    rv_id me = rv_vertex_id(ctx);
    size_t n_higher = 0;
    for (size_t k = 0; k < d; k++) {
        const neighbour *nb = &s->neighbours[k];
        uint64_t state[2] = {0, 0};
        memcpy(state, rv_edge_value(ctx, nb->edge), s->restricted ? 16 : 8);
        if (state[0] >= 2 && ranks_above(state[0], nb->id, v->degree, me))
            s->higher[n_higher++] = (ranked){.degree = state[0], .id = nb->id, .edge = nb->edge, .ways = nb->ways,
                                             .affected = s->restricted && state[1] == s->batch};
    }
    qsort(s->higher, n_higher, sizeof *s->higher, by_rank);
    /* The largest list goes to the lowest-ranked b: room for it serves them all. */
    if (!grow(s, (void **)&s->message, &s->message_capacity, 8 + 9 * n_higher + 8, 1))
        return;
    for (size_t k = 0; k + 1 < n_higher; k++) {
        /* Every c when a or b is affected; else only the affected c. */
        bool all = !s->restricted || affected || s->higher[k].affected;
        size_t n_above = n_higher - k - 1;
        if (!all) {
            n_above = 0;
            for (size_t j = k + 1; j < n_higher; j++)
                n_above += s->higher[j].affected;
            if (n_above == 0)
                continue;
        }
        unsigned char a_bit = s->restricted && affected ? ENTRY_A_AFFECTED : 0;
        unsigned char *out = s->message;
        memcpy(out, &me, 8);
        for (size_t j = k + 1, at = 0; j < n_higher; j++) {
            const ranked *c = &s->higher[j];
            if (!all && !c->affected)
                continue;
            memcpy(out + 8 + 8 * at, &c->id, 8);
            out[8 + 8 * n_above + at] = (unsigned char)(edge_count(c->ways) | (c->affected ? ENTRY_C_AFFECTED : 0) | a_bit);
            at++;
        }
        rv_send_edge_bytes(ctx, s->higher[k].edge, out, 8 + 9 * n_above);
    }
}

/* At vertex b: every c of a list from a that is also b's neighbour closes the
 * triangle a, b, c, which credits each corner with the edges between the other
 * two (in a restricted count, each affected corner; @p affected: whether b is).
 * Credits arriving are added up. */
static void take_messages(rv_context *ctx, lcc_value *v, const rv_message *messages, size_t n_messages,
                          lcc_state *s, bool affected)
{
    bool any_list = false;
    for (size_t i = 0; i < n_messages && !any_list; i++) {
        uint64_t first;
        memcpy(&first, messages[i].data, 8);
        any_list = first != CREDIT_MARK;
    }
    size_t d = any_list ? build_neighbours(ctx, s) : 0;
    if (any_list && s->failed)
        return;
    for (size_t i = 0; i < n_messages; i++) {
        const unsigned char *p = messages[i].data;
        uint64_t first;
        memcpy(&first, p, 8);
        if (first == CREDIT_MARK) {
            uint64_t credit;
            memcpy(&credit, p + 8, 8);
            v->credit += credit;
            continue;
        }
        size_t n_above = (messages[i].size - 8) / 9;
        neighbour *a = find(s, first);
        if (!a)
            continue; /* cannot happen: a sent along an edge between us */
        for (size_t j = 0; j < n_above; j++) {
            rv_id c_id;
            memcpy(&c_id, p + 8 + 8 * j, 8);
            neighbour *c = find(s, c_id);
            if (!c)
                continue;
            unsigned entry = p[8 + 8 * n_above + j];
            if (!s->restricted || (entry & ENTRY_A_AFFECTED))
                a->credit += edge_count(c->ways); /* edges b–c, seen from a */
            if (!s->restricted || affected)
                v->credit += entry & ENTRY_COUNT; /* edges a–c, seen from b */
            if (!s->restricted || (entry & ENTRY_C_AFFECTED))
                c->credit += edge_count(a->ways); /* edges a–b, seen from c */
        }
    }
    for (size_t k = 0; k < d; k++) {
        if (s->neighbours[k].credit) {
            uint64_t credit[2] = {CREDIT_MARK, s->neighbours[k].credit};
            rv_send_edge_bytes(ctx, s->neighbours[k].edge, credit, sizeof credit);
        }
    }
}

static void compute(rv_context *ctx, void *value, const void *messages, size_t n_messages, void *user)
{
    lcc_state *s = user;
    lcc_value *v = value;
    uint64_t superstep = rv_superstep(ctx);
    if (superstep == 0) {
        announce_degree(ctx, v, s);
    } else if (superstep == 1) {
        record_degrees(ctx, v, messages, n_messages, s);
    } else {
        take_messages(ctx, v, messages, n_messages, s, false);
        uint64_t wave = superstep - 2;
        if (v->degree >= 2 && wave < s->waves && mix(rv_vertex_id(ctx)) % s->waves == wave)
            send_candidate_lists(ctx, v, s, false);
    }
    if (v->degree >= 2)
        v->lcc = (double)v->credit / ((double)v->degree * (double)(v->degree - 1));
    if (s->failed) {
        rv_aggregate_int64(ctx, AGG_OUT_OF_MEMORY, 1);
        s->failed = false;
    }
    /* A vertex on no triangle is done after superstep 0; the others wait for their
     * wave. Messages wake a halted vertex, so the last credits still arrive. */
    if (v->degree < 2 || (superstep >= 2 && superstep - 2 >= s->waves))
        rv_vote_to_halt(ctx);
}

/* Sizes the waves after superstep 1, from the list bytes every rank reported. The
 * master hook sees the same aggregates on every rank, so every rank's copy of the
 * state agrees. */
static bool master(rv_master *master, void *user)
{
    lcc_state *s = user;
    if (rv_master_aggregated_int64(master, AGG_OUT_OF_MEMORY) > 0) {
        rv_master_fail(master, "lcc: out of memory for a neighbour list");
        return false;
    }
    if (rv_master_superstep(master) == 1) {
        int64_t bytes = rv_master_aggregated_int64(master, AGG_LIST_BYTES);
        s->waves = (uint64_t)(bytes / WAVE_BUDGET_BYTES) + 1;
    }
    return true;
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
    lcc_state *s = calloc(1, sizeof *s);
    if (!s)
        return RV_ENOMEM;
    *program = (rv_program){
        .api_version = RV_API_VERSION,
        .name = "lcc",
        .value_size = sizeof(lcc_value),
        .message_size = RV_MESSAGE_VARIABLE,
        .edge_value_size = sizeof(uint64_t), /* the neighbour's degree */
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

/* ---- The stream version ------------------------------------------------------------ */

/* A touched vertex lists the vertices its changed edges lead to when they are at most
 * this many; with more it says "many", and its neighbours recount themselves. */
#define PARTNER_LIMIT 16
#define MANY_PARTNERS UINT64_MAX

typedef struct lcc_stream_value {
    lcc_value v;          /* first, so that compute() and format() read it as the batch value */
    uint64_t affected;    /* the stamp of the batch whose repair recounts it (0: none yet) */
    uint64_t participant; /* the stamp of the batch whose repair it sends candidate lists in */
} lcc_stream_value;

typedef struct lcc_stream_params {
    lcc_state s;    /* first: compute() and master() take it as their user data */
    uint64_t base;  /* the first superstep after the current batch */
    bool repairing; /* false for the initial computation (batch 0) */
} lcc_stream_params;

static void stream_init(rv_context *ctx, void *value, void *user)
{
    (void)ctx;
    (void)user;
    *(lcc_stream_value *)value = (lcc_stream_value){0};
}

/* The vertex's value is recounted in this batch: its credits start again. */
static void recount(lcc_stream_value *sv, uint64_t batch)
{
    sv->affected = batch;
    sv->v.credit = 0;
    sv->v.lcc = 0.0;
}

static void update_lcc(lcc_value *v)
{
    v->lcc = v->degree >= 2 ? (double)v->credit / ((double)v->degree * (double)(v->degree - 1)) : 0.0;
}

static int by_value(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The directed edges between this vertex and @p partner, after the batch and before
 * it (its edges before are its edges now but the last @p n_added, plus the removed). */
static void edge_counts(rv_context *ctx, const rv_change *change, rv_id partner, uint64_t *after, uint64_t *before)
{
    uint64_t n_edges = rv_out_degree(ctx);
    unsigned now = 0, then = 0;
    for (uint64_t i = 0; i < n_edges; i++)
        if (rv_edge_target(ctx, i) == partner) {
            now |= rv_edge_direction(ctx, i);
            if (i < n_edges - change->n_added_edges)
                then |= rv_edge_direction(ctx, i);
        }
    for (size_t k = 0; k < change->n_removed; k++)
        if (change->removed[k].target == partner)
            then |= change->removed[k].direction;
    *after = edge_count(now);
    *before = edge_count(then);
}

/* Superstep 0 after a batch, at each vertex whose edges changed: it is affected
 * (recounted), and tells each neighbour its new degree and, for each other end c of
 * its changed edges, how many directed edges between them the batch added (a
 * negative number when it removed some). Announcement: id, degree, then the number
 * of such pairs or MANY_PARTNERS, then (c, change) pairs. */
static void stream_repair(rv_context *ctx, void *value, const rv_change *change, void *user)
{
    lcc_stream_params *p = user;
    lcc_state *s = &p->s;
    lcc_stream_value *sv = value;
    size_t d = build_neighbours(ctx, s);
    sv->v.degree = d;
    recount(sv, s->batch);
    uint64_t n_edges = rv_out_degree(ctx), n_ends = change->n_added_edges + change->n_removed;
    if (d == 0 || s->failed ||
        !grow(s, (void **)&s->message, &s->message_capacity, 8 * (3 + 2 * PARTNER_LIMIT + n_ends), 1)) {
        rv_vote_to_halt(ctx);
        return;
    }
    /* The other ends, sorted and without repeats, at the end of the buffer. */
    uint64_t *out = (uint64_t *)(void *)s->message, *ends = out + 3 + 2 * PARTNER_LIMIT, me = rv_vertex_id(ctx);
    size_t n = 0;
    for (uint64_t i = n_edges - change->n_added_edges; i < n_edges; i++)
        ends[n++] = rv_edge_target(ctx, i);
    for (size_t k = 0; k < change->n_removed; k++)
        ends[n++] = change->removed[k].target;
    qsort(ends, n, sizeof *ends, by_value);
    size_t n_pairs = 0;
    for (size_t k = 0; k < n && n_pairs <= PARTNER_LIMIT; k++) {
        if (ends[k] == me || (k > 0 && ends[k] == ends[k - 1]))
            continue;
        uint64_t after, before;
        edge_counts(ctx, change, ends[k], &after, &before);
        if (after == before)
            continue;
        if (n_pairs < PARTNER_LIMIT) {
            out[3 + 2 * n_pairs] = ends[k];
            out[4 + 2 * n_pairs] = after - before; /* an int64_t, two's complement */
        }
        n_pairs++;
    }
    out[0] = me;
    out[1] = d;
    out[2] = n_pairs <= PARTNER_LIMIT ? n_pairs : MANY_PARTNERS;
    size_t size = 8 * (3 + (n_pairs <= PARTNER_LIMIT ? 2 * n_pairs : 0));
    for (size_t k = 0; k < d; k++)
        rv_send_edge_bytes(ctx, s->neighbours[k].edge, out, size);
}

/* Superstep 1 after a batch, at the neighbours of touched vertices: record their new
 * degrees. A vertex whose own edges did not change keeps its neighbours, so only
 * the edges among them can have changed, each between two touched neighbours a < c
 * that both announced it: it adds what a announced for c to its count, without
 * recounting. When a touched neighbour had too many changes to list them, and
 * another touched neighbour may be the other end, it is recounted instead (it is
 * affected, and tells its neighbours). */
static void take_announcements(rv_context *ctx, lcc_stream_value *sv, const rv_message *messages,
                               size_t n_messages, lcc_state *s)
{
    size_t d = build_neighbours(ctx, s);
    if (s->failed)
        return;
    rv_id me = rv_vertex_id(ctx);
    bool many = false;
    uint64_t added = 0; /* modulo 2^64: the sum of signed changes */
    for (size_t i = 0; i < n_messages; i++) {
        const uint64_t *a = messages[i].data;
        neighbour *nb = find(s, a[0]);
        if (!nb)
            continue; /* cannot happen: it announced along an edge between us */
        nb->announced = a[1] + 1;
        nb->affected = true;
        if (a[2] == MANY_PARTNERS)
            many = true;
        for (uint64_t k = 0; a[2] != MANY_PARTNERS && k < a[2]; k++)
            if (a[0] < a[3 + 2 * k] && a[3 + 2 * k] != me && find(s, a[3 + 2 * k]))
                added += a[4 + 2 * k];
    }
    write_announced(ctx, s, s->batch);
    if (sv->affected == s->batch)
        return; /* touched: recounted anyway */
    if (many && n_messages >= 2) {
        recount(sv, s->batch);
        uint64_t id = me;
        for (size_t k = 0; k < d; k++)
            rv_send_edge_bytes(ctx, s->neighbours[k].edge, &id, sizeof id);
    } else if (added) {
        sv->v.credit += added;
        update_lcc(&sv->v);
    }
}

/* Superstep 2 after a batch, at every vertex with an affected neighbour or affected
 * itself: record which neighbours are affected, and report the list bytes to come
 * (an upper bound: the lists of the batch algorithm), from which the waves are sized. */
static void take_affected(rv_context *ctx, lcc_stream_value *sv, const rv_message *messages, size_t n_messages,
                          lcc_state *s)
{
    size_t d = build_neighbours(ctx, s);
    if (s->failed)
        return;
    for (size_t i = 0; i < n_messages; i++) {
        uint64_t id;
        memcpy(&id, messages[i].data, 8);
        neighbour *nb = find(s, id);
        if (nb)
            nb->affected = true;
    }
    write_announced(ctx, s, s->batch);
    sv->participant = s->batch;
    uint64_t n_higher = 0;
    rv_id me = rv_vertex_id(ctx);
    for (size_t k = 0; k < d && sv->v.degree >= 2; k++) {
        uint64_t degree;
        memcpy(&degree, rv_edge_value(ctx, s->neighbours[k].edge), 8);
        n_higher += degree >= 2 && ranks_above(degree, s->neighbours[k].id, sv->v.degree, me);
    }
    int64_t bytes = n_higher ? (int64_t)(8 * (n_higher - 1) + 9 * (n_higher * (n_higher - 1) / 2)) : 0;
    rv_aggregate_int64(ctx, AGG_LIST_BYTES, bytes);
}

/* Repair supersteps after repair() (r counts from the batch's first superstep):
 *   1: take_announcements(); 2: take_affected();
 *   3 .. W+2: the waves of the batch algorithm, restricted to the triangles with an
 *      affected corner, crediting only affected corners; W+3, W+4: the last lists
 *      and credits. Every vertex with an affected neighbour or affected itself sends
 *      lists: a triangle is found from its lowest-ranked corner, which then has one. */
static void stream_compute(rv_context *ctx, void *value, const void *messages, size_t n_messages, void *user)
{
    lcc_stream_params *p = user;
    lcc_state *s = &p->s;
    lcc_stream_value *sv = value;
    if (!p->repairing) {
        compute(ctx, value, messages, n_messages, s);
        return;
    }
    uint64_t r = rv_superstep(ctx) - p->base;
    bool affected = sv->affected == s->batch;
    bool awake = false;
    if (r == 1) {
        take_announcements(ctx, sv, messages, n_messages, s);
        awake = true;
    } else if (r == 2) {
        take_affected(ctx, sv, messages, n_messages, s);
        awake = sv->v.degree >= 2;
    } else {
        take_messages(ctx, &sv->v, messages, n_messages, s, affected);
        uint64_t wave = r - 3;
        bool participant = sv->participant == s->batch && sv->v.degree >= 2;
        if (participant && wave < s->waves && mix(rv_vertex_id(ctx)) % s->waves == wave)
            send_candidate_lists(ctx, &sv->v, s, affected);
        awake = participant && wave + 1 < s->waves;
    }
    if (affected)
        update_lcc(&sv->v);
    if (s->failed) {
        rv_aggregate_int64(ctx, AGG_OUT_OF_MEMORY, 1);
        s->failed = false;
    }
    if (!awake)
        rv_vote_to_halt(ctx);
}

static bool stream_master(rv_master *m, void *user)
{
    lcc_stream_params *p = user;
    if (!p->repairing)
        return master(m, &p->s);
    if (rv_master_aggregated_int64(m, AGG_OUT_OF_MEMORY) > 0) {
        rv_master_fail(m, "lcc: out of memory for a neighbour list");
        return false;
    }
    if (rv_master_superstep(m) == p->base + 2)
        p->s.waves = (uint64_t)(rv_master_aggregated_int64(m, AGG_LIST_BYTES) / WAVE_BUDGET_BYTES) + 1;
    return true;
}

/* A batch came: repair from the touched vertices on. */
static bool stream_on_batch(rv_master *m, void *user)
{
    lcc_stream_params *p = user;
    p->base = rv_master_superstep(m) + 1;
    p->repairing = true;
    p->s.restricted = true;
    /* The batch's stamp: its first superstep, which no earlier batch had, even
     * when the job was resumed from a checkpoint (user data is not saved). */
    p->s.batch = p->base;
    return false;
}

static int configure_stream(const rv_params *params, rv_program *program, char *error, size_t error_capacity)
{
    int status = configure(params, program, error, error_capacity);
    if (status != RV_OK)
        return status;
    lcc_stream_params *p = calloc(1, sizeof *p);
    if (!p) {
        free(program->user);
        program->user = NULL;
        return RV_ENOMEM;
    }
    free(program->user); /* the batch program's state, empty so far */
    p->s.all_edges = true;
    program->name = "lcc (stream)";
    program->value_size = sizeof(lcc_stream_value);
    program->edge_value_size = 2 * sizeof(uint64_t); /* the neighbour's degree; the batch it was affected in */
    program->init = stream_init;
    program->compute = stream_compute;
    program->master = stream_master;
    program->repair = stream_repair;
    program->on_batch = stream_on_batch;
    program->user = p;
    return RV_OK;
}

/* The stream program's user data starts with the batch program's. */
static void release(rv_program *program)
{
    lcc_state *s = program->user;
    if (s) {
        free(s->neighbours);
        free(s->slots);
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
    .configure_stream = configure_stream,
};
