/* graph_patch.c — applying a stream batch that removes no vertex to a rank's graph in place of a rebuild.
 *
 * A rebuild (mutation.c) re-interns every edge's ids and re-sorts the CSR: the
 * price of a load, whatever the batch. Without vertex removals nothing old has to
 * move: old local vertices keep their index (so other ranks' ghosts of them stay
 * right), new vertices are appended after them, and a new ghost is merged into its
 * owner's group, which stays sorted by id; the owner merges the matching entry into
 * its mirror of that rank at the same place. The edge lists of the vertices the
 * batch touches are rebuilt aside (old edges that stay, then new ones, in the order
 * the rebuild would give), and the CSR is changed in place: the untouched lists in
 * between shift as whole runs (memmove), and their ghost slots are renamed only when
 * ghost slots moved. Cost: the batch, the memmove of the runs that shift, an O(V)
 * pass for the offsets, and two small exchanges for new ghosts. No id is hashed.
 */
#include <stdlib.h>
#include <string.h>

#include "job.h"
#include "mutation.h"

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int compare_removal(const void *a, const void *b)
{
    const rv__edge_removal *x = a, *y = b;
    if (x->src != y->src)
        return (x->src > y->src) - (x->src < y->src);
    return (x->dst > y->dst) - (x->dst < y->dst);
}

/* Sorts and removes duplicates; returns the new count. */
static size_t sort_unique(uint64_t *a, size_t n)
{
    if (n == 0)
        return 0; /* a may be NULL then, which qsort() must not see */
    qsort(a, n, sizeof *a, compare_u64);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || a[k - 1] != a[i])
            a[k++] = a[i];
    return k;
}

/* Position of @p id in the sorted a[lo, hi), or SIZE_MAX. */
static size_t find_sorted(const uint64_t *a, size_t lo, size_t hi, uint64_t id)
{
    const size_t end = hi;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < end && a[lo] == id ? lo : SIZE_MAX;
}

/* Everything the patch builds before it swaps the new graph in. */
typedef struct patch {
    rv_job *job;
    rv_graph *g;
    const rv__graph_delta *d;
    int P, me;
    /* New local vertices, sorted by id; their index is old n_local + position. */
    uint64_t *new_ids;
    size_t n_new, new_capacity;
    /* New ghosts wanted here, grouped by owner and sorted: [want_start[r], want_start[r+1]). */
    int *target_owner; /* [n_added_edges] the owner of each added edge's target */
    uint64_t *want;
    uint64_t *want_bytes, *asked_bytes, *answer_bytes, *reply_bytes;
    size_t *want_start;
    uint32_t *want_remote; /* their index at the owner, from the answers */
    rv__buffer asked;      /* ids other ranks want as ghosts of our vertices */
    rv__buffer answers;    /* our answers, then (received) the owners' answers to us */
    rv__buffer replies;
    /* The new layout. */
    uint32_t n_local, n_ghost;
    uint64_t *ghost_gid;
    uint32_t *ghost_remote, *ghost_rank_start, *ghost_remap; /* remap: old ghost -> new ghost */
    uint32_t *mirror, *mirror_rank_start;
} patch;

static void patch_destroy(patch *pt)
{
    free(pt->new_ids);
    free(pt->target_owner);
    free(pt->want);
    free(pt->want_bytes);
    free(pt->asked_bytes);
    free(pt->answer_bytes);
    free(pt->reply_bytes);
    free(pt->want_start);
    free(pt->want_remote);
    rv__buffer_destroy(&pt->asked);
    rv__buffer_destroy(&pt->answers);
    rv__buffer_destroy(&pt->replies);
    free(pt->ghost_gid);
    free(pt->ghost_remote);
    free(pt->ghost_rank_start);
    free(pt->ghost_remap);
    free(pt->mirror);
    free(pt->mirror_rank_start);
}

static int push_new(patch *pt, uint64_t id)
{
    if (pt->n_new == pt->new_capacity) {
        size_t capacity = pt->new_capacity ? 2 * pt->new_capacity : 64;
        uint64_t *grown = realloc(pt->new_ids, capacity * sizeof *grown);
        if (!grown)
            return RV_ENOMEM;
        pt->new_ids = grown;
        pt->new_capacity = capacity;
    }
    pt->new_ids[pt->n_new++] = id;
    return RV_OK;
}

/* Whether @p id is a ghost here now. */
static bool is_ghost(const rv_graph *g, int owner, uint64_t id)
{
    return find_sorted(g->ghost_gid, g->ghost_rank_start[owner], g->ghost_rank_start[owner + 1], id) != SIZE_MAX;
}

/* Step 0: who owns the target of each added edge. Collective: under a METIS
 * directory the owners are asked; an id the directory does not know (a vertex an
 * earlier batch added) lives at its hash owner, as everywhere else. */
static int find_target_owners(patch *pt)
{
    const rv__graph_delta *d = pt->d;
    uint64_t *ids = malloc((d->n_added_edges + 1) * sizeof *ids);
    pt->target_owner = malloc((d->n_added_edges + 1) * sizeof *pt->target_owner);
    int status = ids && pt->target_owner ? RV_OK : RV_ENOMEM;
    size_t n = status == RV_OK ? d->n_added_edges : 0;
    for (size_t i = 0; i < n; i++)
        ids[i] = d->added_edges[i].b;
    int placed = rv__placement_owners(pt->g->session, &pt->g->placement, ids, n, pt->target_owner);
    free(ids);
    return status != RV_OK ? status : placed;
}

/* Step 1: the vertices this rank must create for itself, and the ghosts it must ask
 * other ranks for (grouped by owner, sorted, unique). */
static int collect_wants(patch *pt)
{
    const rv__graph_delta *d = pt->d;
    const rv_graph *g = pt->g;
    for (size_t i = 0; i < d->n_added_vertices; i++)
        if (rv__graph_local_index(g, d->added_vertices[i]) == UINT32_MAX && push_new(pt, d->added_vertices[i]) != RV_OK)
            return RV_ENOMEM;
    size_t n_want = 0;
    pt->want = malloc((d->n_added_edges + 1) * sizeof *pt->want);
    uint64_t *owner_of = malloc((d->n_added_edges + 1) * sizeof *owner_of);
    if (!pt->want || !owner_of) {
        free(owner_of);
        return RV_ENOMEM;
    }
    for (size_t i = 0; i < d->n_added_edges; i++) {
        uint64_t a = d->added_edges[i].a, b = d->added_edges[i].b;
        if (rv__graph_local_index(g, a) == UINT32_MAX && push_new(pt, a) != RV_OK)
            goto oom;
        int owner = pt->target_owner[i];
        if (owner == pt->me) {
            if (rv__graph_local_index(g, b) == UINT32_MAX && push_new(pt, b) != RV_OK)
                goto oom;
        } else if (!is_ghost(g, owner, b)) {
            owner_of[n_want] = (uint64_t)owner;
            pt->want[n_want++] = b;
        }
    }
    /* Group by owner (counting sort), then sort and unique each group. */
    pt->want_start = calloc((size_t)pt->P + 1, sizeof *pt->want_start);
    uint64_t *grouped = malloc((n_want + 1) * sizeof *grouped);
    if (!pt->want_start || !grouped) {
        free(grouped);
        goto oom;
    }
    size_t *count = pt->want_start + 1;
    for (size_t i = 0; i < n_want; i++)
        count[owner_of[i]]++;
    for (int r = 0; r < pt->P; r++)
        pt->want_start[r + 1] += pt->want_start[r];
    size_t *fill = malloc(((size_t)pt->P + 1) * sizeof *fill);
    if (!fill) {
        free(grouped);
        goto oom;
    }
    memcpy(fill, pt->want_start, (size_t)pt->P * sizeof *fill);
    for (size_t i = 0; i < n_want; i++)
        grouped[fill[owner_of[i]]++] = pt->want[i];
    size_t k = 0;
    for (int r = 0; r < pt->P; r++) {
        size_t begin = pt->want_start[r], n = sort_unique(grouped + begin, pt->want_start[r + 1] - begin);
        memmove(grouped + k, grouped + begin, n * sizeof *grouped);
        pt->want_start[r] = k;
        k += n;
    }
    pt->want_start[pt->P] = k;
    free(fill);
    free(pt->want);
    pt->want = grouped;
    free(owner_of);
    return RV_OK;
oom:
    free(owner_of);
    return RV_ENOMEM;
}

/* Step 2: ghosts are asked of their owners, which create the vertices they do not
 * have; then every new local vertex is known and numbered, and the owners answer
 * with the indices. Collective. */
static int ask_for_ghosts(patch *pt, int status)
{
    rv_session *s = pt->g->session;
    const int P = pt->P;
    pt->want_bytes = calloc((size_t)P, sizeof *pt->want_bytes);
    pt->asked_bytes = calloc((size_t)P, sizeof *pt->asked_bytes);
    pt->answer_bytes = calloc((size_t)P, sizeof *pt->answer_bytes);
    pt->reply_bytes = calloc((size_t)P, sizeof *pt->reply_bytes);
    if (!pt->want_bytes || !pt->asked_bytes || !pt->answer_bytes || !pt->reply_bytes || !pt->want_start)
        status = RV_ENOMEM;
    for (int r = 0; status == RV_OK && r < P; r++)
        pt->want_bytes[r] = 8 * (uint64_t)(pt->want_start[r + 1] - pt->want_start[r]);
    status = rv__session_agree(s, status != RV_OK ? rv__session_fail(s, status, "out of memory patching the graph")
                                                  : RV_OK);
    if (status != RV_OK)
        return status;
    status = rv__comm_alltoallv(s, pt->want, pt->want_bytes, &pt->asked, pt->asked_bytes);
    if (status != RV_OK)
        return status;
    size_t n_asked = pt->asked.size / 8;
    const uint64_t *asked = (const uint64_t *)pt->asked.data;
    for (size_t i = 0; status == RV_OK && i < n_asked; i++)
        if (rv__graph_local_index(pt->g, asked[i]) == UINT32_MAX)
            status = push_new(pt, asked[i]);
    if (status == RV_OK) {
        pt->n_new = sort_unique(pt->new_ids, pt->n_new);
        if ((uint64_t)pt->g->n_local + pt->n_new + pt->g->n_ghost + pt->want_start[P] >= UINT32_MAX)
            status = rv__session_fail(s, RV_ELIMIT, "rank %d would hold more than 2^32 - 2 vertices and ghosts", s->rank);
    }
    if (status == RV_OK && rv__buffer_reserve(&pt->answers, 4 * n_asked + 4) != RV_OK)
        status = rv__session_fail(s, RV_ENOMEM, "out of memory patching the graph");
    if (status == RV_OK) {
        uint32_t *answer = (uint32_t *)pt->answers.data;
        for (size_t i = 0; i < n_asked; i++) {
            uint32_t v = rv__graph_local_index(pt->g, asked[i]);
            answer[i] = v != UINT32_MAX ? v : pt->g->n_local + (uint32_t)find_sorted(pt->new_ids, 0, pt->n_new, asked[i]);
        }
        for (int r = 0; r < P; r++)
            pt->answer_bytes[r] = pt->asked_bytes[r] / 2;
    }
    status = rv__session_agree(s, status);
    if (status == RV_OK)
        status = rv__comm_alltoallv(s, pt->answers.data, pt->answer_bytes, &pt->replies, pt->reply_bytes);
    if (status == RV_OK) {
        pt->want_remote = malloc((pt->want_start[P] + 1) * sizeof *pt->want_remote);
        if (!pt->want_remote)
            status = rv__session_fail(s, RV_ENOMEM, "out of memory patching the graph");
        else if (pt->want_start[P])
            memcpy(pt->want_remote, pt->replies.data, pt->want_start[P] * sizeof *pt->want_remote);
    }
    return rv__session_agree(s, status);
}

/* Step 3: the new ghost groups (old and new ghosts of each owner merged by id) and
 * the new mirrors (old entries and the entries other ranks just asked for, merged
 * by id the same way, so that each rank's ghost order and its owner's mirror agree). */
static int lay_out_ghosts(patch *pt)
{
    const rv_graph *g = pt->g;
    const int P = pt->P;
    size_t n_ghost = (size_t)g->n_ghost + pt->want_start[P];
    pt->ghost_gid = malloc((n_ghost + 1) * sizeof *pt->ghost_gid);
    pt->ghost_remote = malloc((n_ghost + 1) * sizeof *pt->ghost_remote);
    pt->ghost_rank_start = calloc((size_t)P + 1, sizeof *pt->ghost_rank_start);
    pt->ghost_remap = malloc(((size_t)g->n_ghost + 1) * sizeof *pt->ghost_remap);
    size_t n_asked = pt->asked.size / 8;
    size_t n_mirror = (size_t)g->mirror_rank_start[P] + n_asked;
    pt->mirror = malloc((n_mirror + 1) * sizeof *pt->mirror);
    pt->mirror_rank_start = calloc((size_t)P + 1, sizeof *pt->mirror_rank_start);
    if (!pt->ghost_gid || !pt->ghost_remote || !pt->ghost_rank_start || !pt->ghost_remap || !pt->mirror ||
        !pt->mirror_rank_start)
        return RV_ENOMEM;
    size_t at = 0;
    for (int r = 0; r < P; r++) {
        size_t i = g->ghost_rank_start[r], i_end = g->ghost_rank_start[r + 1];
        size_t j = pt->want_start[r], j_end = pt->want_start[r + 1];
        pt->ghost_rank_start[r] = (uint32_t)at;
        while (i < i_end || j < j_end) {
            if (j == j_end || (i < i_end && g->ghost_gid[i] < pt->want[j])) {
                pt->ghost_remap[i] = (uint32_t)at;
                pt->ghost_gid[at] = g->ghost_gid[i];
                pt->ghost_remote[at++] = g->ghost_remote[i++];
            } else {
                pt->ghost_gid[at] = pt->want[j];
                pt->ghost_remote[at++] = pt->want_remote[j++];
            }
        }
    }
    pt->ghost_rank_start[P] = (uint32_t)at;
    pt->n_ghost = (uint32_t)at;

    /* The mirror: rank q's section merges our old entries of q with q's requests. */
    const uint64_t *asked = (const uint64_t *)pt->asked.data;
    const uint32_t *answer = (const uint32_t *)pt->answers.data;
    size_t a = 0;
    at = 0;
    for (int q = 0; q < P; q++) {
        size_t i = g->mirror_rank_start[q], i_end = g->mirror_rank_start[q + 1];
        size_t a_end = a + pt->asked_bytes[q] / 8;
        pt->mirror_rank_start[q] = (uint32_t)at;
        while (i < i_end || a < a_end) {
            if (a == a_end || (i < i_end && g->gid[g->mirror[i]] < asked[a]))
                pt->mirror[at++] = g->mirror[i++];
            else
                pt->mirror[at++] = answer[a++];
        }
    }
    pt->mirror_rank_start[P] = (uint32_t)at;
    return RV_OK;
}

/* The new slot of an old edge target. */
static inline uint32_t remap_slot(const patch *pt, uint32_t slot)
{
    const rv_graph *g = pt->g;
    return slot < g->n_local ? slot : pt->n_local + pt->ghost_remap[slot - g->n_local];
}

/* The new slot of the target @p id (owned by @p owner) of an added edge. */
static uint32_t target_slot(const patch *pt, uint64_t id, int owner)
{
    const rv_graph *g = pt->g;
    if (owner == pt->me) {
        uint32_t v = rv__graph_local_index(g, id);
        return v != UINT32_MAX ? v : g->n_local + (uint32_t)find_sorted(pt->new_ids, 0, pt->n_new, id);
    }
    return pt->n_local +
           (uint32_t)find_sorted(pt->ghost_gid, pt->ghost_rank_start[owner], pt->ghost_rank_start[owner + 1], id);
}

/* The new local index of a vertex owned here (old or new). */
static uint32_t local_index(const patch *pt, uint64_t id)
{
    uint32_t v = rv__graph_local_index(pt->g, id);
    return v != UINT32_MAX ? v : pt->g->n_local + (uint32_t)find_sorted(pt->new_ids, 0, pt->n_new, id);
}

/* The removal that takes old edge @p e of old local vertex @p v, or NULL. */
static const rv__edge_removal *removal_of(const patch *pt, uint32_t v, uint64_t e)
{
    const rv_graph *g = pt->g;
    const rv__graph_delta *d = pt->d;
    uint32_t slot = g->targets[e];
    rv__edge_removal key = {.src = g->gid[v],
                            .dst = slot < g->n_local ? g->gid[slot] : g->ghost_gid[slot - g->n_local]};
    const rv__edge_removal *r = bsearch(&key, d->removals, d->n_removals, sizeof key, compare_removal);
    uint64_t copy = g->reverse && g->reverse[e] ? RV__COPIES_REVERSE : RV__COPIES_FORWARD;
    return r && (r->copies & copy) ? r : NULL;
}

static rv_edge_direction_kind direction_of(const rv_graph *g, uint64_t e)
{
    if (g->reverse)
        return g->reverse[e] ? RV_EDGE_IN : RV_EDGE_OUT;
    return g->undirected ? RV_EDGE_BOTH : RV_EDGE_OUT;
}

/* The new edge lists of the vertices a batch changes, built aside before they take
 * their place: for each, the old edges that stay (targets in new slots), then the
 * new ones. */
typedef struct aside {
    uint32_t *vertex; /* [n_blocks] the changed vertices, ascending */
    uint64_t *start;  /* [n_blocks + 1] where each one's edges begin below */
    size_t n_blocks;
    uint32_t *targets;
    double *weights;
    uint8_t *reverse;
    unsigned char *edge_values;
} aside;

static void aside_destroy(aside *a)
{
    free(a->vertex);
    free(a->start);
    free(a->targets);
    free(a->weights);
    free(a->reverse);
    free(a->edge_values);
}

/* Grows *array (of @p size-byte elements) to hold @p n, keeping its contents. */
static int grow(void **array, size_t n, size_t size)
{
    void *grown = realloc(*array, (n + 1) * size);
    if (!grown)
        return RV_ENOMEM;
    *array = grown;
    return RV_OK;
}

/* The four arrays indexed by edge, with their element sizes; NULL ones are skipped. */
typedef struct edge_arrays {
    unsigned char *array[4];
    size_t size[4];
} edge_arrays;

static edge_arrays arrays_of(rv_job *job)
{
    rv_graph *g = job->graph;
    return (edge_arrays){.array = {(unsigned char *)g->targets, (unsigned char *)g->weights, g->reverse,
                                   job->edge_values},
                         .size = {sizeof *g->targets, sizeof *g->weights, 1, job->program.edge_value_size}};
}

/* Moves the edges [from, from + n) to [to, to + n) in every edge array. */
static void move_edges(const edge_arrays *e, uint64_t from, uint64_t to, uint64_t n)
{
    for (int k = 0; k < 4; k++)
        if (e->array[k] && n)
            memmove(e->array[k] + to * e->size[k], e->array[k] + from * e->size[k], n * e->size[k]);
}

/* Step 4a: the changed vertices' new edge lists, aside, and what they lost. */
static int build_aside(patch *pt, aside *a, const uint64_t *added_start, const uint32_t *added_order,
                       const uint8_t *has_removal, rv__batch_changes *changes)
{
    rv_job *job = pt->job;
    const rv_graph *g = pt->g;
    const rv__graph_delta *d = pt->d;
    const size_t es = job->program.edge_value_size;
    const uint32_t n_old = g->n_local, n = pt->n_local;
    size_t n_blocks = 0, n_edges = 0, n_removed = 0, removed_capacity = 0;
    for (uint32_t v = 0; v < n; v++)
        if (v >= n_old || has_removal[v] || added_start[v + 1] > added_start[v]) {
            n_blocks++;
            n_edges += (v < n_old ? g->offsets[v + 1] - g->offsets[v] : 0) + (added_start[v + 1] - added_start[v]);
        }
    a->vertex = malloc((n_blocks + 1) * sizeof *a->vertex);
    a->start = malloc((n_blocks + 1) * sizeof *a->start);
    a->targets = malloc((n_edges + 1) * sizeof *a->targets);
    a->weights = g->weights ? malloc((n_edges + 1) * sizeof *a->weights) : NULL;
    a->reverse = g->reverse ? malloc(n_edges + 1) : NULL;
    a->edge_values = es ? calloc(n_edges + 1, es) : NULL;
    if (!a->vertex || !a->start || !a->targets || (g->weights && !a->weights) || (g->reverse && !a->reverse) ||
        (es && !a->edge_values))
        return RV_ENOMEM;
    uint64_t at = 0;
    for (uint32_t v = 0; v < n; v++) {
        if (!(v >= n_old || has_removal[v] || added_start[v + 1] > added_start[v]))
            continue;
        a->vertex[a->n_blocks] = v;
        a->start[a->n_blocks++] = at;
        for (uint64_t e = v < n_old ? g->offsets[v] : 0; v < n_old && e < g->offsets[v + 1]; e++) {
            if (has_removal[v] && removal_of(pt, v, e)) {
                if (n_removed == removed_capacity) {
                    removed_capacity = removed_capacity ? 2 * removed_capacity : 256;
                    if (grow((void **)&changes->removed, removed_capacity, sizeof *changes->removed) != RV_OK)
                        return RV_ENOMEM;
                }
                uint32_t slot = g->targets[e];
                changes->removed[n_removed++] = (rv__removed_edge_at){
                    .vertex = v,
                    .edge = {.target = slot < n_old ? g->gid[slot] : g->ghost_gid[slot - n_old],
                             .weight = g->weights ? g->weights[e] : 1.0,
                             .direction = direction_of(g, e)}};
                changes->n_removed = n_removed;
                continue;
            }
            a->targets[at] = remap_slot(pt, g->targets[e]);
            if (a->weights)
                a->weights[at] = g->weights[e];
            if (a->reverse)
                a->reverse[at] = g->reverse[e];
            if (es)
                memcpy(a->edge_values + at * es, job->edge_values + e * es, es);
            at++;
        }
        for (uint64_t k = added_start[v]; k < added_start[v + 1]; k++) {
            const rv__mutation *r = &d->added_edges[added_order[k]];
            a->targets[at] = target_slot(pt, r->b, pt->target_owner[added_order[k]]);
            if (a->weights)
                a->weights[at] = r->weight;
            if (a->reverse)
                a->reverse[at] = (r->kind & RV__MUTATION_REVERSE) != 0;
            at++; /* its state is zero until init_edge() runs, after the swap */
        }
    }
    a->start[a->n_blocks] = at;
    return RV_OK;
}

/* Step 4b: the CSR is changed in place. The edges of the unchanged vertices between
 * two changed ones form a run that keeps its order and shifts as a whole; runs that
 * move left are moved left to right, then those that move right, right to left, so
 * that no run overwrites one that has not moved yet (a run's new place never
 * reaches into the old place of a run moving the other way). Then the ghost slots in
 * the runs are renamed, if they shifted, and the changed lists are copied in. */
static int patch_in_place(patch *pt, aside *a, uint64_t **new_offsets_out)
{
    rv_job *job = pt->job;
    rv_graph *g = pt->g;
    const uint32_t n_old = g->n_local, n = pt->n_local;
    const size_t es = job->program.edge_value_size;
    uint64_t *offsets = malloc(((size_t)n + 1) * sizeof *offsets);
    if (!offsets)
        return RV_ENOMEM;
    offsets[0] = 0;
    for (uint32_t v = 0, b = 0; v < n; v++) {
        uint64_t degree;
        if (b < a->n_blocks && a->vertex[b] == v) {
            degree = a->start[b + 1] - a->start[b];
            b++;
        } else {
            degree = g->offsets[v + 1] - g->offsets[v];
        }
        offsets[v + 1] = offsets[v] + degree;
    }
    uint64_t m_old = g->m_local, m = offsets[n], capacity = m > m_old ? m : m_old;
    if (grow((void **)&g->targets, capacity, sizeof *g->targets) != RV_OK ||
        (g->weights && grow((void **)&g->weights, capacity, sizeof *g->weights) != RV_OK) ||
        (g->reverse && grow((void **)&g->reverse, capacity, 1) != RV_OK) ||
        (es && grow((void **)&job->edge_values, capacity, es) != RV_OK)) {
        free(offsets);
        return RV_ENOMEM;
    }
    edge_arrays e = arrays_of(job);

    /* Run k lies after changed vertex k (the run before the first changed vertex
     * never moves); its old place starts at old offsets[vertex + 1]. */
    size_t n_runs = 0;
    while (n_runs < a->n_blocks && a->vertex[n_runs] < n_old)
        n_runs++;
#define RUN_FROM(k) (g->offsets[a->vertex[k] + 1])
#define RUN_END(k) ((k) + 1 < n_runs ? g->offsets[a->vertex[(k) + 1]] : m_old)
#define RUN_TO(k) (offsets[a->vertex[k] + 1])
    for (size_t k = 0; k < n_runs; k++)
        if (RUN_TO(k) < RUN_FROM(k))
            move_edges(&e, RUN_FROM(k), RUN_TO(k), RUN_END(k) - RUN_FROM(k));
    for (size_t k = n_runs; k-- > 0;)
        if (RUN_TO(k) > RUN_FROM(k))
            move_edges(&e, RUN_FROM(k), RUN_TO(k), RUN_END(k) - RUN_FROM(k));

    /* Rename ghost slots in the runs (the changed lists are renamed already). */
    bool shifted = g->n_ghost > 0 && (n > n_old || pt->n_ghost > g->n_ghost);
    for (size_t k = 0; shifted && k <= n_runs; k++) {
        uint64_t from = k == 0 ? 0 : RUN_TO(k - 1), to = k == 0 ? (n_runs ? g->offsets[a->vertex[0]] : m_old)
                                                               : RUN_TO(k - 1) + RUN_END(k - 1) - RUN_FROM(k - 1);
        for (uint64_t x = from; x < to; x++)
            g->targets[x] = remap_slot(pt, g->targets[x]);
    }
#undef RUN_FROM
#undef RUN_END
#undef RUN_TO

    for (size_t b = 0; b < a->n_blocks; b++) {
        uint64_t at = offsets[a->vertex[b]], from = a->start[b], count = a->start[b + 1] - from;
        memcpy(g->targets + at, a->targets + from, count * sizeof *g->targets);
        if (g->weights)
            memcpy(g->weights + at, a->weights + from, count * sizeof *g->weights);
        if (g->reverse)
            memcpy(g->reverse + at, a->reverse + from, count);
        if (es)
            memcpy(job->edge_values + at * es, a->edge_values + from * es, count * es);
    }
    g->m_local = m;
    *new_offsets_out = offsets;
    return RV_OK;
}

/* Step 4: the new edge lists. */
static int patch_edges(patch *pt, rv__batch_changes *changes)
{
    const rv_graph *g = pt->g;
    const rv__graph_delta *d = pt->d;
    const uint32_t n_old = g->n_local, n = pt->n_local;
    uint32_t *source = malloc((d->n_added_edges + 1) * sizeof *source);
    uint32_t *added_order = malloc((d->n_added_edges + 1) * sizeof *added_order);
    uint64_t *added_start = calloc((size_t)n + 2, sizeof *added_start);
    uint64_t *cursor = malloc(((size_t)n + 1) * sizeof *cursor);
    uint8_t *has_removal = calloc((size_t)n_old + 1, 1);
    uint64_t *offsets = NULL;
    changes->n_added_edges = calloc((size_t)n + 1, sizeof *changes->n_added_edges);
    aside a = {0};
    int status = RV_OK;
    if (!source || !added_order || !added_start || !cursor || !has_removal || !changes->n_added_edges) {
        status = RV_ENOMEM;
        goto done;
    }
    /* Added edges by source, keeping their order within each source. */
    for (size_t i = 0; i < d->n_added_edges; i++) {
        source[i] = local_index(pt, d->added_edges[i].a);
        added_start[source[i] + 1]++;
        changes->n_added_edges[source[i]]++;
    }
    for (uint32_t v = 0; v < n; v++)
        added_start[v + 1] += added_start[v];
    memcpy(cursor, added_start, (size_t)n * sizeof *cursor);
    for (size_t i = 0; i < d->n_added_edges; i++)
        added_order[cursor[source[i]]++] = (uint32_t)i;
    for (size_t i = 0; i < d->n_removals; i++) {
        uint32_t v = rv__graph_local_index(g, d->removals[i].src);
        if (v != UINT32_MAX)
            has_removal[v] = 1;
    }
    status = build_aside(pt, &a, added_start, added_order, has_removal, changes);
    if (status == RV_OK)
        status = patch_in_place(pt, &a, &offsets);
    if (status == RV_OK) {
        free(pt->g->offsets);
        pt->g->offsets = offsets;
    }
done:
    aside_destroy(&a);
    free(source);
    free(added_order);
    free(added_start);
    free(cursor);
    free(has_removal);
    return status;
}

/* Step 5: the new vertices and ghosts join the graph; the job's values follow (new
 * vertices run init(), new edges init_edge()). Every vertex ends asleep. */
static int swap_in(patch *pt, rv__batch_changes *changes)
{
    rv_job *job = pt->job;
    rv_graph *g = pt->g;
    const rv_program *p = &job->program;
    const uint32_t n_old = g->n_local, n = pt->n_local;
    uint64_t *gid = realloc(g->gid, ((size_t)n + 1) * sizeof *gid);
    if (gid)
        g->gid = gid;
    uint32_t *by_id = malloc(((size_t)n + 1) * sizeof *by_id);
    unsigned char *values = realloc(job->values, (size_t)n * p->value_size + 1);
    if (values)
        job->values = values;
    uint64_t *halted = malloc(((size_t)n / 64 + 1) * 8);
    changes->is_new = calloc((size_t)n + 1, 1);
    if (!gid || !by_id || !values || !halted || !changes->is_new) {
        free(by_id);
        free(halted);
        return RV_ENOMEM;
    }
    /* Ids: new vertices after the old ones; by_id merges the two sorted runs. */
    for (size_t k = 0; k < pt->n_new; k++)
        g->gid[n_old + k] = pt->new_ids[k];
    size_t i = 0, k = 0, at = 0;
    while (i < n_old || k < pt->n_new) {
        if (k == pt->n_new || (i < n_old && g->gid[g->by_id[i]] < pt->new_ids[k]))
            by_id[at++] = g->by_id[i++];
        else
            by_id[at++] = n_old + (uint32_t)k++;
    }
    free(g->by_id);
    g->by_id = by_id;
    free(g->ghost_gid);
    free(g->ghost_remote);
    free(g->ghost_rank_start);
    free(g->mirror);
    free(g->mirror_rank_start);
    g->n_local = n;
    g->n_ghost = pt->n_ghost;
    g->ghost_gid = pt->ghost_gid;
    g->ghost_remote = pt->ghost_remote;
    g->ghost_rank_start = pt->ghost_rank_start;
    g->mirror = pt->mirror;
    g->mirror_rank_start = pt->mirror_rank_start;
    pt->ghost_gid = NULL;
    pt->ghost_remote = NULL;
    pt->ghost_rank_start = pt->mirror_rank_start = pt->mirror = NULL;
    free(job->halted);
    memset(halted, 0xff, ((size_t)n / 64 + 1) * 8);
    job->halted = halted;

    rv_context ctx = {.job = job, .in_init = true};
    for (uint32_t v = n_old; v < n; v++) {
        changes->is_new[v] = 1;
        ctx.vertex = v;
        p->init(&ctx, job->values + (size_t)v * p->value_size, p->user);
    }
    for (uint32_t v = 0; p->init_edge && v < n; v++) {
        ctx.vertex = v;
        uint64_t degree = g->offsets[v + 1] - g->offsets[v];
        for (uint64_t e = degree - changes->n_added_edges[v]; e < degree; e++)
            p->init_edge(&ctx, e, rv_edge_value(&ctx, e), p->user);
    }
    return job->messages.status;
}

int rv__graph_patch(rv_job *job, const rv__graph_delta *delta, rv__batch_changes *changes)
{
    rv_graph *g = job->graph;
    rv_session *s = g->session;
    patch pt = {.job = job, .g = g, .d = delta, .P = s->size, .me = s->rank};
    double t[5];
    t[0] = rv__now();
    int status = find_target_owners(&pt);
    if (status == RV_OK)
        status = collect_wants(&pt);
    status = ask_for_ghosts(&pt, status);
    if (status != RV_OK)
        goto done;
    t[1] = rv__now();
    pt.n_local = g->n_local + (uint32_t)pt.n_new;
    status = lay_out_ghosts(&pt);
    t[2] = rv__now();
    if (status == RV_OK)
        status = patch_edges(&pt, changes);
    t[3] = rv__now();
    if (status == RV_OK)
        status = swap_in(&pt, changes);
    t[4] = rv__now();
    rv__log(s, RV_LOG_DEBUG, "patch: new vertices and ghosts %.4f s, ghost layout %.4f s, CSR %.4f s, swap %.4f s",
            t[1] - t[0], t[2] - t[1], t[3] - t[2], t[4] - t[3]);
    if (status != RV_OK)
        rv__session_fail(s, status, "out of memory patching the graph for a batch of updates");
    status = rv__session_agree(s, status);
    if (status == RV_OK) {
        uint64_t totals[2] = {g->n_local, g->m_local};
        status = rv__session_agree(s, rv__comm_allreduce_u64(s, totals, 2, RV__REDUCE_SUM));
        g->n_vertices = totals[0];
        g->n_edges = totals[1];
    }
done:
    patch_destroy(&pt);
    return status;
}
