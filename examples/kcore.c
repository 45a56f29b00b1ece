/* kcore.c — k-core decomposition: the coreness of every vertex, as a plug-in and as a program of its own.
 *
 * Computes: the coreness of v, the largest k such that v belongs to the k-core, the
 * largest subgraph in which every vertex has at least k neighbours. The graph is the
 * simple undirected view of the input: a directed edge counts as undirected, and
 * parallel edges and self-loops are ignored. With --k K > 0 the value is instead 1
 * when v is in the K-core (coreness >= K) and 0 otherwise.
 *
 * How: every vertex keeps an estimate of its coreness, starting from its degree, and
 * the latest estimate it heard from each neighbour, in the per-edge state. Its new
 * estimate is the h-index of its neighbours' estimates, capped by its own: the largest
 * h such that h neighbours have an estimate of at least h. Estimates only decrease and
 * never fall below the coreness, so they settle on it; the result does not depend on
 * the order in which messages arrive, nor on the number of ranks.
 *
 * Messages: (sender id, estimate), 16 bytes, no combiner (the receiver must know whom
 * each estimate is from). A vertex that lowers its estimate tells only the neighbours
 * whose last known estimate is higher: the others cannot be affected.
 * Termination: every vertex votes to halt after each superstep; the run ends when no
 * estimate changed.
 * Reference: Montresor, De Pellegrini and Miorandi, "Distributed k-core
 * decomposition", IEEE TPDS 24(2), 2013.
 *
 * Build and run it as a plug-in:
 *     cc -shared -fPIC kcore.c $(pkg-config --cflags --libs rivulet) -o kcore.so
 *     mpirun -np 4 rivulet run ./kcore.so graph.e [--param k=3]
 * or as a program of its own:
 *     cc kcore.c $(pkg-config --cflags --libs rivulet) -o kcore
 *     mpirun -np 4 ./kcore graph.e [--k 3]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rivulet.h>

/* The per-edge state: the neighbour's latest estimate on the first edge to each
 * neighbour. A neighbour's estimate is at least 1 (it has this vertex), so 0 can mark
 * the edges that do not count: parallel edges and self-loops. */
#define NOT_A_NEIGHBOUR 0
#define UNKNOWN UINT64_MAX

typedef struct kcore_message {
    rv_id sender;
    uint64_t estimate;
} kcore_message;

/* Parameters and per-rank scratch. compute() runs one vertex at a time on a rank, so
 * the scratch is reused from vertex to vertex; every job gets its own from configure(). */
typedef struct kcore_state {
    int64_t k;       /* --k: 0 prints the coreness, K > 0 membership of the K-core */
    uint64_t *slots; /* open-addressing table of edge index + 1 (0 = empty) */
    size_t slots_capacity;
    uint64_t *counts; /* counts[h]: neighbours whose estimate, capped, is h */
    size_t counts_capacity;
    bool out_of_memory;
} kcore_state;

enum { AGG_OUT_OF_MEMORY };
static const rv_aggregator_spec kcore_aggregators[] = {{"out_of_memory", RV_AGG_SUM_INT64}};

static bool reserve(kcore_state *s, uint64_t **array, size_t *capacity, size_t n)
{
    if (n <= *capacity)
        return true;
    size_t wanted = *capacity ? *capacity : 64;
    while (wanted < n)
        wanted *= 2;
    uint64_t *grown = realloc(*array, wanted * sizeof *grown);
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

/* A hash table from neighbour id to the edge that holds its estimate. With @p mark
 * (superstep 0) it also marks parallel edges and self-loops NOT_A_NEIGHBOUR and the
 * others UNKNOWN, and returns the number of distinct neighbours; later it indexes the
 * edges so marked. Returns the table's size (a power of two), 0 when out of memory. */
static size_t index_neighbours(rv_context *ctx, kcore_state *s, bool mark, uint64_t *degree)
{
    uint64_t n_edges = rv_out_degree(ctx);
    size_t size = 16;
    while (size < 2 * n_edges)
        size *= 2;
    if (!reserve(s, &s->slots, &s->slots_capacity, size))
        return 0;
    memset(s->slots, 0, size * sizeof *s->slots);
    rv_id me = rv_vertex_id(ctx);
    *degree = 0;
    for (uint64_t i = 0; i < n_edges; i++) {
        uint64_t *estimate = rv_edge_value(ctx, i);
        rv_id target = rv_edge_target(ctx, i);
        if (!mark && *estimate == NOT_A_NEIGHBOUR)
            continue;
        size_t at = mix(target) & (size - 1);
        while (s->slots[at] && rv_edge_target(ctx, s->slots[at] - 1) != target)
            at = (at + 1) & (size - 1);
        bool counts = target != me && !s->slots[at];
        if (mark)
            *estimate = counts ? UNKNOWN : NOT_A_NEIGHBOUR;
        if (counts) {
            s->slots[at] = i + 1;
            ++*degree;
        }
    }
    return size;
}

static uint64_t *estimate_of(rv_context *ctx, const kcore_state *s, size_t size, rv_id id)
{
    for (size_t at = mix(id) & (size - 1); s->slots[at]; at = (at + 1) & (size - 1))
        if (rv_edge_target(ctx, s->slots[at] - 1) == id)
            return rv_edge_value(ctx, s->slots[at] - 1);
    return NULL; /* cannot happen: estimates come along edges */
}

/* The largest h <= cap such that at least h neighbours have an estimate >= h. */
static uint64_t capped_h_index(rv_context *ctx, kcore_state *s, uint64_t cap)
{
    if (!reserve(s, &s->counts, &s->counts_capacity, cap + 1))
        return cap;
    memset(s->counts, 0, (cap + 1) * sizeof *s->counts);
    for (uint64_t i = 0; i < rv_out_degree(ctx); i++) {
        uint64_t estimate = *(uint64_t *)rv_edge_value(ctx, i);
        if (estimate != NOT_A_NEIGHBOUR)
            s->counts[estimate < cap ? estimate : cap]++;
    }
    uint64_t at_least = 0; /* neighbours whose estimate is >= h */
    uint64_t h = cap;
    for (; h > 0; h--) {
        at_least += s->counts[h];
        if (at_least >= h)
            break;
    }
    return h;
}

/* Tells the neighbours that may still care: those whose estimate is above ours. */
static void announce(rv_context *ctx, uint64_t core)
{
    kcore_message message = {rv_vertex_id(ctx), core};
    for (uint64_t i = 0; i < rv_out_degree(ctx); i++) {
        uint64_t estimate = *(uint64_t *)rv_edge_value(ctx, i);
        if (estimate != NOT_A_NEIGHBOUR && estimate > core)
            rv_send_edge(ctx, i, &message);
    }
}

static void init(rv_context *ctx, void *value, void *user)
{
    (void)ctx;
    (void)user;
    *(uint64_t *)value = 0;
}

static void compute(rv_context *ctx, void *value, const void *messages, size_t n_messages, void *user)
{
    kcore_state *s = user;
    uint64_t *core = value;
    uint64_t degree = 0;
    if (rv_superstep(ctx) == 0) {
        if (index_neighbours(ctx, s, true, &degree)) {
            *core = degree; /* the first estimate */
            announce(ctx, *core);
        }
    } else {
        size_t size = index_neighbours(ctx, s, false, &degree);
        for (size_t m = 0; size && m < n_messages; m++) {
            kcore_message message;
            memcpy(&message, (const char *)messages + m * sizeof message, sizeof message);
            uint64_t *estimate = estimate_of(ctx, s, size, message.sender);
            if (estimate && message.estimate < *estimate)
                *estimate = message.estimate;
        }
        uint64_t h = capped_h_index(ctx, s, *core);
        if (h < *core) {
            *core = h;
            announce(ctx, *core);
        }
    }
    if (s->out_of_memory) {
        rv_aggregate_int64(ctx, AGG_OUT_OF_MEMORY, 1);
        s->out_of_memory = false;
    }
    rv_vote_to_halt(ctx);
}

/* A rank that ran out of scratch memory cannot go on alone: the master hook sees the
 * aggregate on every rank and fails the run everywhere. */
static bool master(rv_master *master, void *user)
{
    (void)user;
    if (rv_master_aggregated_int64(master, AGG_OUT_OF_MEMORY) > 0)
        rv_master_fail(master, "kcore: out of memory for a neighbour table");
    return true;
}

static size_t format(const void *value, char *buffer, size_t capacity, void *user)
{
    const kcore_state *s = user;
    uint64_t core = *(const uint64_t *)value;
    int64_t shown = s->k > 0 ? core >= (uint64_t)s->k : (int64_t)core;
    return rv_format_int64(shown, buffer, capacity);
}

static const rv_param_spec kcore_params[] = {
    {.name = "k",
     .type = RV_PARAM_INT64,
     .default_value = "0",
     .help = "0: print each vertex's coreness; K > 0: print 1 for the vertices of the K-core, else 0"},
};

static int configure(const rv_params *params, rv_program *program, char *error, size_t error_capacity)
{
    int64_t k = 0;
    int status = rv_params_get_int64(params, "k", &k);
    if (status != RV_OK)
        return status;
    if (k < 0) {
        snprintf(error, error_capacity, "--k: must be 0 or more, not %lld", (long long)k);
        return RV_EINVAL;
    }
    kcore_state *s = calloc(1, sizeof *s);
    if (!s)
        return RV_ENOMEM;
    s->k = k;
    *program = (rv_program){
        .api_version = RV_API_VERSION,
        .name = "kcore",
        .value_size = sizeof(uint64_t),
        .message_size = sizeof(kcore_message),
        .edge_value_size = sizeof(uint64_t),
        .init = init,
        .compute = compute,
        .master = master,
        .format = format,
        .aggregators = kcore_aggregators,
        .n_aggregators = sizeof kcore_aggregators / sizeof kcore_aggregators[0],
        .user = s,
    };
    return RV_OK;
}

static void release(rv_program *program)
{
    kcore_state *s = program->user;
    if (s) {
        free(s->slots);
        free(s->counts);
        free(s);
    }
    program->user = NULL;
}

static const rv_algorithm kcore = {
    .name = "kcore",
    .summary = "k-core decomposition: the coreness of every vertex of the simple undirected view",
    .params = kcore_params,
    .n_params = sizeof kcore_params / sizeof kcore_params[0],
    .configure = configure,
    .release = release,
    .undirected_view = true, /* a directed input is read as undirected */
};

RV_PLUGIN(kcore)

/* The program of its own. In the plug-in this main() is never called: rivulet has its
 * own, and looks up only rivulet_plugin(). */
int main(int argc, char **argv)
{
    return rv_main(argc, argv, &kcore);
}
