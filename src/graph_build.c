/* graph_build.c — turning the edges a rank owns into a CSR whose targets are resolved to local or ghost slots.
 *
 * The load has already interned every id this rank saw: each has a provisional
 * number (first-seen order) and the edges are pairs of those numbers. Steps (all
 * ranks together):
 *  0. The owner of every id seen here, asked of the placement in one batch (for a
 *     partition, that is one collective lookup in the directory).
 *  1. Ids owned elsewhere are ghosts. They are ordered by (owner, id) and sent to
 *     their owners, which intern them too: a vertex that only appears as a target
 *     is still a vertex.
 *  2. Owners sort their ids, number them, and answer each ghost request with the
 *     vertex's index, so later supersteps address remote vertices by index.
 *  3. A table from provisional number to final slot renames every edge end, and a
 *     counting sort scatters the edges into the CSR.
 * No id is hashed after the load: renaming is an array lookup.
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
    int *owner;        /* [n_known] owner rank of each provisional number */
    size_t n_known;    /* provisional numbers whose owner was asked; later ones are ids
                          other ranks asked this rank about, which it owns */
    uint32_t *ghost_number; /* [n_ghost] provisional number of each ghost, in ghost order */
    uint32_t *local_number; /* [n_local] provisional number of each local vertex, in gid order */
    uint32_t *asked_number; /* provisional numbers of the ids other ranks asked about */
    size_t n_asked;
    uint32_t *slot; /* provisional number -> final slot */
    uint64_t *request_bytes, *answer_bytes, *asked_bytes;
    rv__buffer requests; /* ids other ranks asked this rank about */
    rv__buffer answers;  /* their indices here, for the other ranks */
    rv__buffer replies;  /* indices of this rank's ghosts at their owners */
} build;

/* Step 0: asks the placement for the owner of every id seen here, in provisional
 * number order. Collective. */
static int find_owners(build *b, const rv__idmap *ids)
{
    rv_graph *g = b->g;
    rv_session *s = g->session;
    uint64_t *keys = malloc((ids->n ? ids->n : 1) * sizeof *keys);
    b->owner = malloc((ids->n ? ids->n : 1) * sizeof *b->owner);
    b->n_known = ids->n;
    int status = keys && b->owner ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory placing vertices");
    for (size_t i = 0; status == RV_OK && i <= ids->mask; i++)
        if (ids->cells[i].key != RV__IDMAP_EMPTY)
            keys[ids->cells[i].value] = ids->cells[i].key;
    status = rv__session_agree(s, status);
    if (status == RV_OK)
        status = rv__placement_owners(s, &g->placement, keys, b->n_known, b->owner);
    /* Every id seen is a vertex, and every vertex has a place: an unknown one is a bug. */
    for (size_t i = 0; status == RV_OK && i < b->n_known; i++)
        if (b->owner[i] < 0 || b->owner[i] >= s->size)
            status = rv__session_fail(s, RV_EINVAL, "vertex %llu has no owner in the partition",
                                      (unsigned long long)keys[i]);
    free(keys);
    return rv__session_agree(s, status);
}

/* Whether this rank owns the id with provisional number @p number. */
static bool owns(const build *b, uint32_t number)
{
    return number >= b->n_known || b->owner[number] == b->g->session->rank;
}

/* Collects the ids of @p ids that this rank owns (@p mine) or that others own, with
 * their provisional numbers, sorted by id into *keys_out and *numbers_out[*n_out]
 * (arrays of at least one element). */
static int collect_sorted(const build *b, const rv__idmap *ids, bool mine, uint64_t **keys_out,
                          uint32_t **numbers_out, size_t *n_out)
{
    size_t n = 0;
    for (size_t i = 0; i <= ids->mask; i++) {
        uint64_t id = ids->cells[i].key;
        n += id != RV__IDMAP_EMPTY && owns(b, ids->cells[i].value) == mine;
    }
    uint64_t *keys = malloc((n ? n : 1) * sizeof *keys);
    uint32_t *numbers = malloc((n ? n : 1) * sizeof *numbers);
    int status = RV_OK;
    if (!keys || !numbers) {
        status = RV_ENOMEM;
        goto done;
    }
    size_t k = 0;
    for (size_t i = 0; i <= ids->mask; i++) {
        uint64_t id = ids->cells[i].key;
        if (id != RV__IDMAP_EMPTY && owns(b, ids->cells[i].value) == mine) {
            keys[k] = id;
            numbers[k++] = ids->cells[i].value;
        }
    }
    status = rv__sort_u64_u32(keys, numbers, n);
done:
    if (status != RV_OK) {
        free(keys);
        free(numbers);
        keys = NULL;
        numbers = NULL;
        n = 0;
    }
    *keys_out = keys;
    *numbers_out = numbers;
    *n_out = n;
    return status;
}

/* Step 1: orders the ghosts by (owner, id): the ghost ids sorted by id, then a stable
 * counting sort by owner. */
static int order_ghosts(build *b, const rv__idmap *ids)
{
    rv_graph *g = b->g;
    const int P = g->session->size;
    size_t n = 0;
    uint64_t *sorted = NULL;
    uint32_t *sorted_number = NULL;
    int status = collect_sorted(b, ids, false, &sorted, &sorted_number, &n);
    uint32_t *cursor = malloc((size_t)P * sizeof *cursor);
    g->ghost_gid = malloc((n ? n : 1) * sizeof *g->ghost_gid);
    b->ghost_number = malloc((n ? n : 1) * sizeof *b->ghost_number);
    g->ghost_rank_start = calloc((size_t)P + 1, sizeof *g->ghost_rank_start);
    if (status != RV_OK || !cursor || !g->ghost_gid || !b->ghost_number || !g->ghost_rank_start) {
        status = RV_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        g->ghost_rank_start[b->owner[sorted_number[i]] + 1]++;
    for (int r = 0; r < P; r++)
        g->ghost_rank_start[r + 1] += g->ghost_rank_start[r];
    memcpy(cursor, g->ghost_rank_start, (size_t)P * sizeof *cursor);
    for (size_t i = 0; i < n; i++) {
        uint32_t k = cursor[b->owner[sorted_number[i]]]++;
        g->ghost_gid[k] = sorted[i];
        b->ghost_number[k] = sorted_number[i];
    }
    g->n_ghost = (uint32_t)n;
done:
    free(sorted);
    free(sorted_number);
    free(cursor);
    return status;
}

/* Step 2, first half: sends each ghost id to its owner and interns the ids this rank
 * is asked about, remembering their provisional numbers for the answers. */
static int ask_owners(build *b, rv__idmap *ids)
{
    rv_graph *g = b->g;
    rv_session *s = g->session;
    const int P = s->size;
    for (int r = 0; r < P; r++)
        b->request_bytes[r] = 8 * (uint64_t)(g->ghost_rank_start[r + 1] - g->ghost_rank_start[r]);
    int status = rv__comm_alltoallv(s, g->ghost_gid, b->request_bytes, &b->requests, b->asked_bytes);
    if (status != RV_OK)
        goto done;
    b->n_asked = b->requests.size / 8;
    b->asked_number = malloc((b->n_asked ? b->n_asked : 1) * sizeof *b->asked_number);
    status = b->asked_number ? rv__idmap_intern_many(ids, (const uint64_t *)b->requests.data, b->n_asked,
                                                     b->asked_number)
                             : RV_ENOMEM;
    /* Slots are 32-bit: the local vertices and ghosts of one rank must fit. */
    if (status == RV_ELIMIT || (status == RV_OK && ids->n >= UINT32_MAX))
        status = rv__session_fail(s, RV_ELIMIT,
                                  "rank %d would hold more than 2^32 - 2 vertices and ghosts (%u ghosts); at most "
                                  "2^32 - 1 slots per rank: use more ranks",
                                  s->rank, g->n_ghost);
    else if (status != RV_OK)
        status = rv__session_fail(s, status, "out of memory adding vertices");
done:
    rv__buffer_destroy(&b->requests);
    return rv__session_agree(s, status);
}

/* Step 2, second half: numbers the local vertices (by degree, see
 * number_by_degree()), builds the slot of every provisional number, frees the id map
 * (no id is hashed from here on) and answers the requests. */
/* Numbers the local vertices by out-degree, largest first: a stable counting sort
 * on the bit length of the degree, which is enough to put the hubs together while
 * keeping id order among vertices of similar degree. On entry g->gid is ascending
 * and b->slot maps each provisional number of a local vertex to its position in
 * it; on return g->gid is in the new order and g->by_id[k] is the new index of the
 * k-th smallest id. */
static int number_by_degree(build *b, const rv__owned_input *in)
{
    rv_graph *g = b->g;
    const uint32_t n = g->n_local;
    uint32_t *degree_class = calloc((size_t)n + 1, sizeof *degree_class);
    uint64_t *count = calloc((size_t)n + 1, sizeof *count);
    uint64_t *sorted_gid = g->gid;
    g->by_id = malloc(((size_t)n + 1) * sizeof *g->by_id);
    g->gid = malloc(((size_t)n + 1) * sizeof *g->gid);
    if (!degree_class || !count || !g->by_id || !g->gid) {
        free(degree_class);
        free(count);
        free(g->gid);
        g->gid = sorted_gid;
        return RV_ENOMEM;
    }
    for (uint32_t k = 0; k < n; k++)
        b->slot[b->local_number[k]] = k;
    for (size_t i = 0; i < in->n_edges; i++)
        count[b->slot[in->src[i]]]++;
    uint64_t start[66] = {0};
    for (uint32_t k = 0; k < n; k++) {
        degree_class[k] = (uint32_t)(count[k] ? 64 - __builtin_clzll(count[k]) : 0);
        start[65 - degree_class[k]]++;
    }
    for (int c = 1; c < 66; c++)
        start[c] += start[c - 1];
    for (uint32_t k = 0; k < n; k++) {
        uint32_t v = (uint32_t)start[64 - degree_class[k]]++;
        g->by_id[k] = v;
        g->gid[v] = sorted_gid[k];
    }
    free(sorted_gid);
    free(degree_class);
    free(count);
    return RV_OK;
}

static int number_and_answer(build *b, rv__idmap *ids, const rv__owned_input *in)
{
    rv_graph *g = b->g;
    rv_session *s = g->session;
    const int P = s->size;
    size_t n_seen = ids->n, n_local = 0;
    int status = collect_sorted(b, ids, true, &g->gid, &b->local_number, &n_local);
    g->n_local = (uint32_t)n_local;
    rv__idmap_destroy(ids);
    b->slot = malloc((n_seen ? n_seen : 1) * sizeof *b->slot);
    if (status != RV_OK || !b->slot || rv__buffer_reserve(&b->answers, 4 * b->n_asked + 4) != RV_OK)
        status = rv__session_fail(s, RV_ENOMEM, "out of memory numbering vertices");
    if (status == RV_OK && number_by_degree(b, in) != RV_OK)
        status = rv__session_fail(s, RV_ENOMEM, "out of memory numbering vertices");
    if (status == RV_OK) {
        for (uint32_t k = 0; k < g->n_local; k++)
            b->slot[b->local_number[k]] = g->by_id[k];
        for (uint32_t k = 0; k < g->n_ghost; k++)
            b->slot[b->ghost_number[k]] = g->n_local + k;
        uint32_t *answer = (uint32_t *)b->answers.data;
        for (size_t i = 0; i < b->n_asked; i++)
            answer[i] = b->slot[b->asked_number[i]];
        for (int r = 0; r < P; r++)
            b->answer_bytes[r] = b->asked_bytes[r] / 2;
    }
    /* The slot table now says all they did. */
    free(b->local_number);
    free(b->ghost_number);
    free(b->asked_number);
    b->local_number = b->ghost_number = b->asked_number = NULL;
    status = rv__session_agree(s, status);
    if (status == RV_OK)
        status = rv__comm_alltoallv(s, b->answers.data, b->answer_bytes, &b->replies, b->asked_bytes);
    if (status == RV_OK) {
        g->ghost_remote = malloc(((size_t)g->n_ghost + 1) * sizeof *g->ghost_remote);
        g->mirror_rank_start = calloc((size_t)P + 1, sizeof *g->mirror_rank_start);
        if (!g->ghost_remote || !g->mirror_rank_start)
            status = rv__session_fail(s, RV_ENOMEM, "out of memory for ghosts");
        else if (g->n_ghost > 0)
            memcpy(g->ghost_remote, b->replies.data, (size_t)g->n_ghost * sizeof *g->ghost_remote);
    }
    if (status == RV_OK) {
        /* The answers, grouped by asking rank in its ghost order, are the mirror. */
        for (int r = 0; r < P; r++)
            g->mirror_rank_start[r + 1] = g->mirror_rank_start[r] + (uint32_t)(b->answer_bytes[r] / 4);
        g->mirror = (uint32_t *)b->answers.data;
        b->answers = (rv__buffer){0};
    }
    return rv__session_agree(s, status);
}

/* Step 3: renames every edge end to its slot and sorts the edges into the CSR by
 * source, keeping the order in which they arrived.
 *
 * A direct counting sort would store each edge at a random place among all the
 * targets, a cache (and TLB) miss per edge once they outgrow the caches. So the edges
 * go through buckets of consecutive sources first: the first pass writes them, as
 * (source, target) pairs, to a few hundred buckets (a few hundred write streams,
 * which the caches follow), and the second places each bucket's edges within the
 * bucket's own stretch of the targets, which fits in cache.
 *
 * Memory: the owned arrays (8 bytes an edge) and the pairs (8) coexist; then the
 * source array, spent, holds the targets. Weights add 8 bytes an edge to each stage. */
enum { MAX_BUCKETS = 256, PREFETCH_DISTANCE = 16 };

/* Gives back the unused tail of an array grown by doubling; large blocks shrink in
 * place. Keeps the array when the system will not shrink it. */
static void *shrink(void *array, size_t n, size_t size)
{
    void *smaller = array && n ? realloc(array, n * size) : NULL;
    return smaller ? smaller : array;
}

static int fill_csr(build *b, rv__owned_input *in)
{
    rv_graph *g = b->g;
    const size_t m = in->n_edges;
    const uint32_t n = g->n_local;
    uint32_t *src = in->src;
    const uint32_t *dst = in->dst, *slot = b->slot;
    uint64_t *pair = NULL, *cursor = malloc(((size_t)n + 1) * sizeof *cursor);
    double *pair_weight = NULL;
    uint8_t *pair_reverse = NULL;
    int status = RV_OK;
    g->offsets = calloc((size_t)n + 1, sizeof *g->offsets);
    if (!cursor || !g->offsets) {
        status = RV_ENOMEM;
        goto done;
    }
    /* Sources are local, so their slot is their index. */
    for (size_t i = 0; i < m; i++) {
        src[i] = slot[src[i]];
        g->offsets[src[i] + 1]++;
    }
    for (uint32_t v = 0; v < n; v++)
        g->offsets[v + 1] += g->offsets[v];

    /* Bucket k holds the sources [k << shift, (k + 1) << shift). */
    int shift = 0;
    while (n > 0 && ((n - 1) >> shift) >= MAX_BUCKETS)
        shift++;
    size_t bucket_at[MAX_BUCKETS];
    uint32_t n_buckets = n ? ((n - 1) >> shift) + 1 : 0;
    for (uint32_t k = 0; k < n_buckets; k++)
        bucket_at[k] = g->offsets[(size_t)k << shift];
    pair = malloc((m ? m : 1) * sizeof *pair);
    if (in->with_weights)
        pair_weight = malloc((m ? m : 1) * sizeof *pair_weight);
    if (in->with_reverse_marks)
        pair_reverse = malloc(m ? m : 1);
    if (!pair || (in->with_weights && !pair_weight) || (in->with_reverse_marks && !pair_reverse)) {
        status = RV_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < m; i++) {
        /* Targets' slots are looked up at random: start the load a few edges early. */
        if (i + PREFETCH_DISTANCE < m)
            __builtin_prefetch(&slot[dst[i + PREFETCH_DISTANCE]]);
        size_t at = bucket_at[src[i] >> shift]++;
        pair[at] = (uint64_t)src[i] << 32 | slot[dst[i]];
        if (pair_weight)
            pair_weight[at] = in->weight[i];
        if (pair_reverse)
            pair_reverse[at] = in->reverse[i];
    }
    /* The owned arrays are spent: the sources' array becomes the targets and the
     * weights' array the CSR weights, which saves faulting in fresh pages. */
    g->targets = shrink(in->src, m, sizeof *g->targets);
    g->weights = shrink(in->weight, m, sizeof *g->weights);
    g->reverse = shrink(in->reverse, m, 1);
    in->src = NULL;
    in->weight = NULL;
    in->reverse = NULL;
    free(in->dst);
    in->dst = NULL;
    /* with_weights, not in->weight: a rank that received no edge has no array, but
     * its graph must still say it is weighted, like every other rank's. */
    if (!g->targets)
        g->targets = malloc(sizeof *g->targets);
    if (in->with_weights && !g->weights)
        g->weights = malloc(sizeof *g->weights);
    if (in->with_reverse_marks && !g->reverse)
        g->reverse = malloc(1);
    if (!g->targets || (in->with_weights && !g->weights) || (in->with_reverse_marks && !g->reverse)) {
        status = RV_ENOMEM;
        goto done;
    }
    memcpy(cursor, g->offsets, (size_t)n * sizeof *cursor);
    for (size_t k = 0; k < m; k++) {
        uint64_t at = cursor[pair[k] >> 32]++;
        g->targets[at] = (uint32_t)pair[k];
        if (pair_weight)
            g->weights[at] = pair_weight[k];
        if (pair_reverse)
            g->reverse[at] = pair_reverse[k];
    }
    g->m_local = m;
done:
    free(cursor);
    free(pair);
    free(pair_weight);
    free(pair_reverse);
    free(in->src);
    free(in->dst);
    free(in->weight);
    free(in->reverse);
    in->src = in->dst = NULL;
    in->weight = NULL;
    in->reverse = NULL;
    in->n_edges = in->capacity = 0;
    return status;
}

int rv__graph_build(rv_graph *g, rv__owned_input *in)
{
    rv_session *s = g->session;
    const size_t P = (size_t)s->size;
    build b = {.g = g};
    int status = RV_OK;
    b.request_bytes = calloc(P, sizeof *b.request_bytes);
    b.answer_bytes = calloc(P, sizeof *b.answer_bytes);
    b.asked_bytes = calloc(P, sizeof *b.asked_bytes);
    double t[5];
    t[0] = rv__now();
    status = find_owners(&b, &in->ids);
    if (status == RV_OK &&
        (!b.request_bytes || !b.answer_bytes || !b.asked_bytes || order_ghosts(&b, &in->ids) != RV_OK))
        status = rv__session_fail(s, RV_ENOMEM, "out of memory building the graph");
    status = rv__session_agree(s, status);
    t[1] = rv__now();
    if (status == RV_OK)
        status = ask_owners(&b, &in->ids);
    t[2] = rv__now();
    if (status == RV_OK)
        status = number_and_answer(&b, &in->ids, in);
    t[3] = rv__now();
    if (status == RV_OK && fill_csr(&b, in) != RV_OK)
        status = rv__session_fail(s, RV_ENOMEM, "out of memory building the CSR");
    t[4] = rv__now();
    status = rv__session_agree(s, status);
    rv__log(s, RV_LOG_DEBUG, "build: ghosts %.3f s, requests %.3f s, numbering %.3f s, CSR %.3f s", t[1] - t[0],
            t[2] - t[1], t[3] - t[2], t[4] - t[3]);
    if (status == RV_OK) {
        uint64_t totals[2] = {g->n_local, g->m_local};
        status = rv__session_agree(s, rv__comm_allreduce_u64(s, totals, 2, RV__REDUCE_SUM));
        g->n_vertices = totals[0];
        g->n_edges = totals[1];
    }
    free(b.owner);
    free(b.ghost_number);
    free(b.local_number);
    free(b.asked_number);
    free(b.slot);
    free(b.request_bytes);
    free(b.answer_bytes);
    free(b.asked_bytes);
    rv__buffer_destroy(&b.requests);
    rv__buffer_destroy(&b.answers);
    rv__buffer_destroy(&b.replies);
    return status;
}

uint32_t rv__graph_local_index(const rv_graph *g, uint64_t id)
{
    size_t lo = 0, hi = g->n_local;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->gid[g->by_id[mid]] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < g->n_local && g->gid[g->by_id[lo]] == id ? g->by_id[lo] : UINT32_MAX;
}

uint64_t rv__graph_bytes(const rv_graph *g)
{
    const int P = g->session->size;
    return (uint64_t)g->n_local * (8 + 8 + 4) + 8 + g->m_local * (4 + (g->weights ? 8 : 0) + (g->reverse ? 1 : 0)) +
           (uint64_t)g->n_ghost * (8 + 4) + 4 * (uint64_t)g->mirror_rank_start[P] + 8 * ((uint64_t)P + 1) +
           (g->placement.directory ? rv__directory_bytes(g->placement.directory) : 0);
}
