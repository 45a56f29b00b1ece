/* triangles.c — triangle counting: the triangles through every vertex and their total; a plug-in and a program.
 *
 * Computes: for every vertex v, the number of triangles {u, v, w} of the simple
 * undirected view of the input (a directed edge counts as undirected; parallel edges
 * and self-loops are ignored). The total number of triangles goes to an aggregator;
 * with --expect-total N the master hook fails the run unless the total is N.
 *
 * How: vertices are ranked by (degree, id), and each triangle a < b < c (by rank) is
 * found once, at its middle vertex b: a sends b the list of its neighbours that rank
 * above b, and b looks each of them up among its own neighbours. No vertex sends more
 * than its higher-ranked neighbours, at most sqrt(2|E|) of them, so a hub never ships
 * its long list.
 *
 * Supersteps (variable-size messages, no combiner):
 *   0: every vertex of degree >= 2 tells its neighbours its degree.
 *   1: each vertex keeps its neighbours' degrees in the per-edge state, and sends
 *      every higher-ranked neighbour b the (a, c1, c2, ...) list described above.
 *   2: each vertex b intersects the lists with its neighbours; a triangle found adds
 *      one to b, and a credit to a and to c, which travel as one count per neighbour.
 *   3: the credits are added up.
 * Vertices stay active until superstep 2, so that the master hook sees the total
 * after superstep 2 even on a graph without triangles; then they vote to halt.
 * algorithms/lcc.c builds the local clustering coefficient on the same scheme, and
 * sends the lists in waves to bound memory on large graphs; this example does not.
 * Reference: Schank and Wagner, "Finding, counting and listing all triangles in large
 * graphs, an experimental study" (WEA 2005), the "forward" algorithm.
 *
 * Build and run it as a plug-in:
 *     cc -shared -fPIC triangles.c $(pkg-config --cflags --libs rivulet) -o triangles.so
 *     mpirun -np 4 rivulet run ./triangles.so graph.e [--param expect-total=N]
 * or as a program of its own:
 *     cc triangles.c $(pkg-config --cflags --libs rivulet) -o triangles
 *     mpirun -np 4 ./triangles graph.e [--expect-total N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rivulet.h>

/* The per-edge state: the neighbour's degree, on the first edge to each neighbour.
 * Parallel edges and self-loops are marked NOT_A_NEIGHBOUR; a neighbour that did not
 * announce a degree (it has fewer than 2 neighbours) stays UNKNOWN and is on no
 * triangle. */
#define NOT_A_NEIGHBOUR 0
#define UNKNOWN UINT64_MAX

typedef struct triangles_value {
    uint64_t degree;    /* distinct neighbours */
    uint64_t triangles; /* triangles through this vertex */
} triangles_value;

/* A higher-ranked neighbour, as the list senders sort them. */
typedef struct ranked {
    uint64_t degree;
    rv_id id;
    uint64_t edge;
} ranked;

/* Parameters and per-rank scratch (compute() runs one vertex at a time on a rank). */
typedef struct triangles_state {
    int64_t expect_total; /* --expect-total, -1 for no check */
    uint64_t *slots;      /* open-addressing table of edge index + 1 (0 = empty) */
    size_t slots_capacity;
    uint64_t *credits; /* per slot: the triangles this vertex found for that neighbour */
    size_t credits_capacity;
    ranked *higher;
    size_t higher_capacity;
    rv_id *list;
    size_t list_capacity;
    bool out_of_memory;
} triangles_state;

enum { AGG_TRIANGLES, AGG_OUT_OF_MEMORY };
static const rv_aggregator_spec triangles_aggregators[] = {
    {"triangles", RV_AGG_SUM_INT64},
    {"out_of_memory", RV_AGG_SUM_INT64},
};

static bool reserve(triangles_state *s, void **array, size_t *capacity, size_t n, size_t size)
{
    if (n <= *capacity)
        return true;
    size_t wanted = *capacity ? *capacity : 64;
    while (wanted < n)
        wanted *= 2;
    void *grown = realloc(*array, wanted * size);
    if (!grown) {
        s->out_of_memory = true;
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

/* A hash table from neighbour id to its first edge, with a zeroed credit per slot.
 * With @p mark (superstep 0) it also marks parallel edges and self-loops
 * NOT_A_NEIGHBOUR and the others UNKNOWN; later it indexes the edges so marked.
 * Returns the table's size (a power of two), 0 when out of memory; *degree receives
 * the number of distinct neighbours. */
static size_t index_neighbours(rv_context *ctx, triangles_state *s, bool mark, uint64_t *degree)
{
    uint64_t n_edges = rv_out_degree(ctx);
    size_t size = 16;
    while (size < 2 * n_edges)
        size *= 2;
    if (!reserve(s, (void **)&s->slots, &s->slots_capacity, size, sizeof *s->slots) ||
        !reserve(s, (void **)&s->credits, &s->credits_capacity, size, sizeof *s->credits))
        return 0;
    memset(s->slots, 0, size * sizeof *s->slots);
    memset(s->credits, 0, size * sizeof *s->credits);
    rv_id me = rv_vertex_id(ctx);
    *degree = 0;
    for (uint64_t i = 0; i < n_edges; i++) {
        uint64_t *state = rv_edge_value(ctx, i);
        rv_id target = rv_edge_target(ctx, i);
        if (!mark && *state == NOT_A_NEIGHBOUR)
            continue;
        size_t at = mix(target) & (size - 1);
        while (s->slots[at] && rv_edge_target(ctx, s->slots[at] - 1) != target)
            at = (at + 1) & (size - 1);
        bool counts = target != me && !s->slots[at];
        if (mark)
            *state = counts ? UNKNOWN : NOT_A_NEIGHBOUR;
        if (counts) {
            s->slots[at] = i + 1;
            ++*degree;
        }
    }
    return size;
}

/* The slot of neighbour @p id, or SIZE_MAX when @p id is not a neighbour. */
static size_t slot_of(rv_context *ctx, const triangles_state *s, size_t size, rv_id id)
{
    for (size_t at = mix(id) & (size - 1); s->slots[at]; at = (at + 1) & (size - 1))
        if (rv_edge_target(ctx, s->slots[at] - 1) == id)
            return at;
    return SIZE_MAX;
}

/* Vertices ranked by degree, then id: a total order every vertex computes alike. */
static bool ranks_above(uint64_t degree_a, rv_id id_a, uint64_t degree_b, rv_id id_b)
{
    return degree_a != degree_b ? degree_a > degree_b : id_a > id_b;
}

static int by_rank(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    return ranks_above(x->degree, x->id, y->degree, y->id) - ranks_above(y->degree, y->id, x->degree, x->id);
}

/* Superstep 0. */
static void announce_degree(rv_context *ctx, triangles_value *v, triangles_state *s)
{
    if (!index_neighbours(ctx, s, true, &v->degree) || v->degree < 2)
        return; /* a vertex with fewer than 2 neighbours is on no triangle */
    uint64_t announcement[2] = {rv_vertex_id(ctx), v->degree};
    for (uint64_t i = 0; i < rv_out_degree(ctx); i++)
        if (*(uint64_t *)rv_edge_value(ctx, i) != NOT_A_NEIGHBOUR)
            rv_send_edge_bytes(ctx, i, announcement, sizeof announcement);
}

/* Superstep 1: record the degrees, then send each higher-ranked neighbour b the
 * higher-ranked neighbours above b. */
static void send_lists(rv_context *ctx, triangles_value *v, const rv_message *messages, size_t n_messages,
                       triangles_state *s)
{
    uint64_t degree;
    size_t size = v->degree >= 2 ? index_neighbours(ctx, s, false, &degree) : 0;
    if (!size)
        return;
    rv_id me = rv_vertex_id(ctx);
    if (!reserve(s, (void **)&s->higher, &s->higher_capacity, v->degree, sizeof *s->higher))
        return;
    size_t n_higher = 0;
    for (size_t m = 0; m < n_messages; m++) {
        uint64_t announcement[2];
        memcpy(announcement, messages[m].data, sizeof announcement);
        size_t at = slot_of(ctx, s, size, announcement[0]);
        if (at == SIZE_MAX)
            continue; /* cannot happen: announcements come along edges */
        uint64_t edge = s->slots[at] - 1;
        *(uint64_t *)rv_edge_value(ctx, edge) = announcement[1];
        if (ranks_above(announcement[1], announcement[0], v->degree, me))
            s->higher[n_higher++] = (ranked){.degree = announcement[1], .id = announcement[0], .edge = edge};
    }
    qsort(s->higher, n_higher, sizeof *s->higher, by_rank);
    /* The first list is the longest: room for it serves them all. */
    if (!reserve(s, (void **)&s->list, &s->list_capacity, n_higher + 1, sizeof *s->list))
        return;
    s->list[0] = me;
    for (size_t k = 0; k + 1 < n_higher; k++) {
        size_t n_above = n_higher - k - 1;
        for (size_t j = 0; j < n_above; j++)
            s->list[1 + j] = s->higher[k + 1 + j].id;
        rv_send_edge_bytes(ctx, s->higher[k].edge, s->list, (1 + n_above) * sizeof *s->list);
    }
}

/* Superstep 2: every c of a list from a that is also a neighbour closes the triangle
 * a, b (this vertex), c. */
static void count_triangles(rv_context *ctx, triangles_value *v, const rv_message *messages, size_t n_messages,
                            triangles_state *s)
{
    uint64_t degree;
    size_t size = n_messages ? index_neighbours(ctx, s, false, &degree) : 0;
    if (!size)
        return;
    uint64_t found = 0;
    for (size_t m = 0; m < n_messages; m++) {
        size_t n_ids = messages[m].size / sizeof(rv_id);
        const rv_id *list = messages[m].data; /* the engine aligns message data */
        size_t a = slot_of(ctx, s, size, list[0]);
        if (a == SIZE_MAX)
            continue; /* cannot happen: a sent along an edge between us */
        for (size_t j = 1; j < n_ids; j++) {
            size_t c = slot_of(ctx, s, size, list[j]);
            if (c == SIZE_MAX)
                continue;
            found++;
            s->credits[a]++;
            s->credits[c]++;
        }
    }
    v->triangles += found;
    rv_aggregate_int64(ctx, AGG_TRIANGLES, (int64_t)found);
    for (size_t at = 0; at < size; at++)
        if (s->credits[at])
            rv_send_edge_bytes(ctx, s->slots[at] - 1, &s->credits[at], sizeof s->credits[at]);
}

/* Superstep 3. */
static void add_credits(triangles_value *v, const rv_message *messages, size_t n_messages)
{
    for (size_t m = 0; m < n_messages; m++) {
        uint64_t credit;
        memcpy(&credit, messages[m].data, sizeof credit);
        v->triangles += credit;
    }
}

static void init(rv_context *ctx, void *value, void *user)
{
    (void)ctx;
    (void)user;
    *(triangles_value *)value = (triangles_value){0};
}

static void compute(rv_context *ctx, void *value, const void *messages, size_t n_messages, void *user)
{
    triangles_state *s = user;
    triangles_value *v = value;
    const rv_message *received = messages; /* variable-size messages arrive as rv_message */
    switch (rv_superstep(ctx)) {
    case 0:
        announce_degree(ctx, v, s);
        break;
    case 1:
        send_lists(ctx, v, received, n_messages, s);
        break;
    case 2:
        count_triangles(ctx, v, received, n_messages, s);
        break;
    default:
        add_credits(v, received, n_messages);
        break;
    }
    if (s->out_of_memory) {
        rv_aggregate_int64(ctx, AGG_OUT_OF_MEMORY, 1);
        s->out_of_memory = false;
    }
    if (rv_superstep(ctx) >= 2)
        rv_vote_to_halt(ctx);
}

/* Runs on every rank with the same aggregates, so every rank reaches the same verdict. */
static bool master(rv_master *master, void *user)
{
    const triangles_state *s = user;
    if (rv_master_aggregated_int64(master, AGG_OUT_OF_MEMORY) > 0) {
        rv_master_fail(master, "triangles: out of memory for a neighbour table");
        return false;
    }
    if (rv_master_superstep(master) == 2 && s->expect_total >= 0) {
        int64_t total = rv_master_aggregated_int64(master, AGG_TRIANGLES);
        if (total != s->expect_total) {
            char message[128];
            snprintf(message, sizeof message, "triangles: counted %lld triangles, expected %lld", (long long)total,
                     (long long)s->expect_total);
            rv_master_fail(master, message);
            return false;
        }
    }
    return true;
}

static size_t format(const void *value, char *buffer, size_t capacity, void *user)
{
    (void)user;
    return rv_format_int64((int64_t)((const triangles_value *)value)->triangles, buffer, capacity);
}

static const rv_param_spec triangles_params[] = {
    {.name = "expect-total",
     .type = RV_PARAM_INT64,
     .default_value = "-1",
     .help = "fail the run unless the graph has exactly this many triangles (-1: no check)"},
};

static int configure(const rv_params *params, rv_program *program, char *error, size_t error_capacity)
{
    int64_t expect_total = -1;
    int status = rv_params_get_int64(params, "expect-total", &expect_total);
    if (status != RV_OK)
        return status;
    if (expect_total < -1) {
        snprintf(error, error_capacity, "--expect-total: must be -1 or a count, not %lld", (long long)expect_total);
        return RV_EINVAL;
    }
    triangles_state *s = calloc(1, sizeof *s);
    if (!s)
        return RV_ENOMEM;
    s->expect_total = expect_total;
    *program = (rv_program){
        .api_version = RV_API_VERSION,
        .name = "triangles",
        .value_size = sizeof(triangles_value),
        .message_size = RV_MESSAGE_VARIABLE,
        .edge_value_size = sizeof(uint64_t),
        .init = init,
        .compute = compute,
        .master = master,
        .format = format,
        .aggregators = triangles_aggregators,
        .n_aggregators = sizeof triangles_aggregators / sizeof triangles_aggregators[0],
        .user = s,
    };
    return RV_OK;
}

static void release(rv_program *program)
{
    triangles_state *s = program->user;
    if (s) {
        free(s->slots);
        free(s->credits);
        free(s->higher);
        free(s->list);
        free(s);
    }
    program->user = NULL;
}

static const rv_algorithm triangles = {
    .name = "triangles",
    .summary = "triangles through every vertex of the simple undirected view, and their total",
    .params = triangles_params,
    .n_params = sizeof triangles_params / sizeof triangles_params[0],
    .configure = configure,
    .release = release,
    .undirected_view = true, /* a directed input is read as undirected */
};

RV_PLUGIN(triangles)

/* The program of its own. In the plug-in this main() is never called: rivulet has its
 * own, and looks up only rivulet_plugin(). */
int main(int argc, char **argv)
{
    return rv_main(argc, argv, &triangles);
}
