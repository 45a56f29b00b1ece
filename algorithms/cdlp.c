/* cdlp.c — community detection by synchronous label propagation (Graphalytics semantics).
 *
 * Computes: exactly K rounds of label propagation from label(v) = id(v). In each
 * round every vertex takes the label that is most frequent among its in- and
 * out-neighbours' labels of the previous round (a neighbour linked both ways counts
 * twice), the smallest such label on a tie; a vertex without neighbours keeps its
 * label.
 * Graph: the undirected view (rv_algorithm.undirected_view): a vertex's edges are
 * its out-neighbours plus its in-neighbours, and a pair linked both ways is two
 * edges, which is exactly the counting rule above.
 * Message: an int64_t label, one per edge. No combiner: a vertex needs every label
 * to find the most frequent one. It copies them into a scratch array, sorts it and
 * takes the longest run; the array lives in the program's user data and only grows,
 * so the hot loop allocates nothing once it has seen the largest degree.
 * Supersteps: superstep 0 sends the initial labels; supersteps 1..K each compute
 * one round, and all but the last send the new label on; every vertex votes to
 * halt after round K. Synchronous label propagation can oscillate, so the round
 * count is never cut short.
 * Reference: Raghavan, Albert, Kumara, "Near linear time algorithm to detect
 * community structures in large-scale networks" (Phys. Rev. E 76, 2007); LDBC
 * Graphalytics specification, section "CDLP".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rivulet.h"

typedef struct cdlp_params {
    int64_t iterations;
    /* Scratch for one vertex's received labels. compute() runs one vertex at a time
     * on a rank, so one array serves them all. */
    int64_t *labels;
    size_t capacity;
} cdlp_params;

enum { AGG_OUT_OF_MEMORY };

static const rv_aggregator_spec aggregators[] = {
    {"out_of_memory", RV_AGG_MAX_INT64},
};

static void init(rv_context *ctx, void *value, void *user)
{
    (void)user;
    *(int64_t *)value = (int64_t)rv_vertex_id(ctx);
}

static void insertion_sort(int64_t *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        int64_t x = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1] > x; j--)
            a[j] = a[j - 1];
        a[j] = x;
    }
}

/* Sorts @p a ascending: quicksort with a three-way partition, because after a few
 * rounds most of a vertex's labels are equal, and a two-way partition would go
 * quadratic on them. Recurses into the smaller side only, so the stack stays
 * O(log n) deep. */
static void sort_labels(int64_t *a, size_t n)
{
    while (n > 16) {
        int64_t x = a[0], y = a[n / 2], z = a[n - 1];
        int64_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        /* a[0, lt) < pivot, a[lt, i) == pivot, a[gt, n) > pivot. */
        size_t lt = 0, i = 0, gt = n;
        while (i < gt) {
            int64_t v = a[i];
            if (v < pivot) {
                a[i++] = a[lt];
                a[lt++] = v;
            } else if (v > pivot) {
                a[i] = a[--gt];
                a[gt] = v;
            } else {
                i++;
            }
        }
        if (lt < n - gt) {
            sort_labels(a, lt);
            a += gt;
            n -= gt;
        } else {
            sort_labels(a + gt, n - gt);
            n = lt;
        }
    }
    insertion_sort(a, n);
}

/* The most frequent value of @p a (sorted), the smallest one on a tie: scanning
 * ascending and replacing the winner only on a strictly longer run keeps the first,
 * smallest, of equally long runs. */
static int64_t most_frequent(const int64_t *a, size_t n)
{
    int64_t best = a[0];
    size_t best_count = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && a[j] == a[i])
            j++;
        if (j - i > best_count) {
            best_count = j - i;
            best = a[i];
        }
        i = j;
    }
    return best;
}

/* Makes the scratch array hold at least @p n labels; false when memory runs out. */
static bool reserve(cdlp_params *params, size_t n)
{
    if (n <= params->capacity)
        return true;
    size_t capacity = params->capacity ? params->capacity : 64;
    while (capacity < n)
        capacity *= 2;
    int64_t *bigger = realloc(params->labels, capacity * sizeof *bigger);
    if (!bigger)
        return false;
    params->labels = bigger;
    params->capacity = capacity;
    return true;
}

static void compute(rv_context *ctx, void *value, const void *messages, size_t n_messages, void *user)
{
    cdlp_params *params = user;
    int64_t *label = value;
    uint64_t step = rv_superstep(ctx);
    if (step > 0 && n_messages > 0) {
        if (n_messages == 1) {
            memcpy(label, messages, sizeof *label);
        } else if (reserve(params, n_messages)) {
            /* The engine's messages are read-only: sort a copy. */
            memcpy(params->labels, messages, n_messages * sizeof *params->labels);
            sort_labels(params->labels, n_messages);
            *label = most_frequent(params->labels, n_messages);
        } else {
            /* compute() cannot fail the run itself: it raises the flag, and the
             * master hook fails the run on every rank at once. */
            rv_aggregate_int64(ctx, AGG_OUT_OF_MEMORY, 1);
        }
    }
    if (step < (uint64_t)params->iterations)
        rv_send_all(ctx, label);
    else
        rv_vote_to_halt(ctx);
}

/* Sees the same reduced flag on every rank, so all of them stop with the same error. */
static bool master(rv_master *master, void *user)
{
    (void)user;
    if (rv_master_aggregated_int64(master, AGG_OUT_OF_MEMORY) > 0) {
        rv_master_fail(master, "cdlp: out of memory for a vertex's labels");
        return false;
    }
    return true;
}

static int configure(const rv_params *params, rv_program *program, char *error, size_t error_capacity)
{
    cdlp_params *p = calloc(1, sizeof *p);
    if (!p)
        return RV_ENOMEM;
    if (rv_params_get_int64(params, "iterations", &p->iterations) != RV_OK) {
        free(p);
        return RV_EINVAL;
    }
    if (p->iterations < 0) {
        snprintf(error, error_capacity, "cdlp needs --iterations >= 0");
        free(p);
        return RV_EINVAL;
    }
    *program = (rv_program){
        .api_version = RV_API_VERSION,
        .name = "cdlp",
        .value_size = sizeof(int64_t),
        .message_size = sizeof(int64_t),
        .init = init,
        .compute = compute,
        .master = master,
        .format = rv_format_int64_value,
        .aggregators = aggregators,
        .n_aggregators = sizeof aggregators / sizeof aggregators[0],
        .user = p,
    };
    return RV_OK;
}

static void release(rv_program *program)
{
    cdlp_params *p = program->user;
    if (p)
        free(p->labels);
    free(p);
    program->user = NULL;
}

static const rv_param_spec params[] = {
    {"iterations", RV_PARAM_INT64, "10", "cdlp.max-iterations", "number of rounds, run exactly"},
};

const rv_algorithm rv_algorithm_cdlp = {
    .name = "cdlp",
    .alias = NULL,
    .summary = "community detection by synchronous label propagation, a fixed number of rounds (Graphalytics "
               "semantics)",
    .params = params,
    .n_params = sizeof params / sizeof params[0],
    .configure = configure,
    .release = release,
    .undirected_view = true,
};
