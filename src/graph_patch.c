/* graph_patch.c — applying a stream batch that removes no vertex to a rank's graph in place of a rebuild.
 *
 * A rebuild (mutation.c) re-interns every edge's ids and re-sorts the CSR: the
 * price of a load, whatever the batch. Without vertex removals nothing old has to
 * move: old local vertices keep their index (so other ranks' ghosts of them stay
 * right), new vertices are appended after them, and a new ghost is merged into its
 * owner's group, which stays sorted by id; the owner merges the matching entry into
 * its mirror of that rank at the same place. The edge lists of the vertices the
 * batch touches are rebuilt aside (old edges that stay, then new ones, in the order
 * the rebuild would give), edited in place: the lists keep slack after them
 * (graph_slack.c; the first patch spreads them out once), a removal closes up its
 * list, an addition goes into the slack, the next lists shifting only when it
 * outgrows it; the ghost slots in the lists are renamed only when ghost slots
 * moved. Cost: the lists the batch touches and the few that shift, and two small
 * exchanges for new ghosts. No id is hashed.
 */
#include <stdlib.h>
#include <string.h>

#include "graph_slack.h"
#include "job.h"
#include "mutation.h"
#include "sort.h"

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
        size_t begin = pt->want_start[r];
        size_t n = rv__sort_unique_u64(grouped + begin, pt->want_start[r + 1] - begin);
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
        pt->n_new = rv__sort_unique_u64(pt->new_ids, pt->n_new);
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

/* The removals of one vertex's edges, by the old slot of their target: found once
 * per vertex, so that its edges are matched by slot, reading only its own list,
 * rather than by looking up every target's id (random reads over all ids, for the
 * hubs that batches touch most). */
typedef struct removal_slot {
    uint64_t slot;
    uint64_t copies;
} removal_slot;

static int compare_removal_slot(const void *a, const void *b)
{
    uint64_t x = ((const removal_slot *)a)->slot, y = ((const removal_slot *)b)->slot;
    return (x > y) - (x < y);
}

/* The old slot of the vertex @p id, local or ghost, or UINT32_MAX if it is neither
 * here (then no edge here leads to it). */
static uint32_t old_slot_of(const patch *pt, uint64_t id)
{
    const rv_graph *g = pt->g;
    uint32_t v = rv__graph_local_index(g, id);
    if (v != UINT32_MAX)
        return v;
    for (int r = 0; r < pt->P; r++) {
        size_t k = find_sorted(g->ghost_gid, g->ghost_rank_start[r], g->ghost_rank_start[r + 1], id);
        if (k != SIZE_MAX)
            return g->n_local + (uint32_t)k;
    }
    return UINT32_MAX;
}

/* Fills @p out (room for all removals) with old vertex @p v's removals, sorted by
 * slot; returns how many. The removals are sorted by (source, target). */
static size_t removal_slots(const patch *pt, uint32_t v, removal_slot *out)
{
    const rv__graph_delta *d = pt->d;
    uint64_t src = pt->g->gid[v];
    size_t lo = 0, hi = d->n_removals, n = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->removals[mid].src < src)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < d->n_removals && d->removals[i].src == src; i++) {
        uint32_t slot = old_slot_of(pt, d->removals[i].dst);
        if (slot != UINT32_MAX)
            out[n++] = (removal_slot){.slot = slot, .copies = d->removals[i].copies};
    }
    if (n > 1)
        qsort(out, n, sizeof *out, compare_removal_slot);
    return n;
}

/* Whether old edge @p e is among the @p n removals @p r (sorted by slot). */
static bool is_removed(const rv_graph *g, const removal_slot *r, size_t n, uint64_t e)
{
    removal_slot key = {.slot = g->targets[e]};
    const removal_slot *hit = bsearch(&key, r, n, sizeof key, compare_removal_slot);
    if (!hit)
        return false;
    /* Equal slots sit together: any of them with the right copy removes the edge. */
    uint64_t copy = g->reverse && g->reverse[e] ? RV__COPIES_REVERSE : RV__COPIES_FORWARD;
    while (hit > r && hit[-1].slot == key.slot)
        hit--;
    for (; hit < r + n && hit->slot == key.slot; hit++)
        if (hit->copies & copy)
            return true;
    return false;
}

static rv_edge_direction_kind direction_of(const rv_graph *g, uint64_t e)
{
    if (g->reverse)
        return g->reverse[e] ? RV_EDGE_IN : RV_EDGE_OUT;
    return g->undirected ? RV_EDGE_BOTH : RV_EDGE_OUT;
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

static int compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* New vertices [old n_local, @p n) get empty lists at the end of the arrays. */
static int append_vertices(rv_graph *g, uint32_t n)
{
    uint64_t *offsets = realloc(g->offsets, ((size_t)n + 1) * sizeof *offsets);
    if (offsets)
        g->offsets = offsets;
    uint64_t *ends = realloc(g->ends, ((size_t)n + 1) * sizeof *ends);
    if (ends)
        g->ends = ends;
    if (!offsets || !ends)
        return RV_ENOMEM;
    for (uint32_t v = g->n_local; v < n; v++) {
        g->offsets[v + 1] = g->offsets[v];
        g->ends[v] = g->offsets[v];
    }
    return RV_OK;
}

/* Step 4a: old vertex @p v loses the edges @p removals name: its list closes up in
 * place (keeping its order), and what it lost is recorded for repair(). */
static int close_up(patch *pt, uint32_t v, const removal_slot *removals, size_t n_removals, rv__batch_changes *changes,
                    size_t *removed_capacity)
{
    rv_job *job = pt->job;
    rv_graph *g = pt->g;
    const size_t es = job->program.edge_value_size;
    uint64_t to = g->offsets[v];
    for (uint64_t x = g->offsets[v]; x < g->ends[v]; x++) {
        if (is_removed(g, removals, n_removals, x)) {
            if (changes->n_removed == *removed_capacity) {
                *removed_capacity = *removed_capacity ? 2 * *removed_capacity : 256;
                if (grow((void **)&changes->removed, *removed_capacity, sizeof *changes->removed) != RV_OK)
                    return RV_ENOMEM;
            }
            uint32_t slot = g->targets[x];
            changes->removed[changes->n_removed++] = (rv__removed_edge_at){
                .vertex = v,
                .edge = {.target = slot < g->n_local ? g->gid[slot] : g->ghost_gid[slot - g->n_local],
                         .weight = g->weights ? g->weights[x] : 1.0,
                         .direction = direction_of(g, x)}};
            continue;
        }
        if (to != x) {
            g->targets[to] = g->targets[x];
            if (g->weights)
                g->weights[to] = g->weights[x];
            if (g->reverse)
                g->reverse[to] = g->reverse[x];
            if (es)
                memcpy(job->edge_values + to * es, job->edge_values + x * es, es);
        }
        to++;
    }
    g->m_local -= g->ends[v] - to;
    g->ends[v] = to;
    return RV_OK;
}

/* Step 4b: vertex @p v gains the added edges added[first, last) (source << 32 |
 * index into the batch's added edges) after its own, its neighbours making room
 * if its slack is too small. Their state is zero until init_edge() runs. */
static int extend(patch *pt, uint32_t v, const uint64_t *added, size_t first, size_t last, const rv__edge_arrays *e)
{
    rv_job *job = pt->job;
    rv_graph *g = pt->g;
    const size_t es = job->program.edge_value_size;
    int status = rv__graph_make_room(g, e, pt->n_local, v, g->ends[v] - g->offsets[v] + (last - first));
    for (size_t k = first; status == RV_OK && k < last; k++) {
        uint32_t i = (uint32_t)added[k];
        const rv__mutation *r = &pt->d->added_edges[i];
        uint64_t x = g->ends[v]++;
        g->targets[x] = target_slot(pt, r->b, pt->target_owner[i]);
        if (g->weights)
            g->weights[x] = r->weight;
        if (g->reverse)
            g->reverse[x] = (r->kind & RV__MUTATION_REVERSE) != 0;
        if (es)
            memset(job->edge_values + x * es, 0, es);
        g->m_local++;
    }
    return status;
}

/* Step 4: the new edge lists, edited in place: removals first (in old slots), then
 * the renaming of ghost slots, then the additions (in new slots). Touches the lists
 * of the vertices the batch names, and the lists that shift to make room. */
static int patch_edges(patch *pt, rv__batch_changes *changes)
{
    rv_job *job = pt->job;
    rv_graph *g = pt->g;
    const rv__graph_delta *d = pt->d;
    const uint32_t n_old = g->n_local, n = pt->n_local;
    rv__edge_arrays e = rv__edge_arrays_of(g, &job->edge_values, job->program.edge_value_size);
    uint64_t *added = malloc((d->n_added_edges + 1) * sizeof *added);
    uint32_t *losing = malloc((d->n_removals + 1) * sizeof *losing);
    removal_slot *removals = malloc((d->n_removals + 1) * sizeof *removals);
    changes->n_added_edges = calloc((size_t)n + 1, sizeof *changes->n_added_edges);
    int status = added && losing && removals && changes->n_added_edges ? RV_OK : RV_ENOMEM;
    if (status == RV_OK && !g->ends)
        status = rv__graph_spread(g, &e);
    if (status == RV_OK && n > n_old)
        status = append_vertices(g, n);

    /* Added edges by source, in batch order within each (the order a rebuild gives),
     * and the old vertices that lose edges, ascending (repair() reads the removed
     * edges in vertex order). */
    size_t n_losing = 0;
    for (size_t i = 0; status == RV_OK && i < d->n_added_edges; i++) {
        uint32_t v = local_index(pt, d->added_edges[i].a);
        added[i] = (uint64_t)v << 32 | i;
        changes->n_added_edges[v]++;
    }
    if (status == RV_OK && d->n_added_edges)
        qsort(added, d->n_added_edges, sizeof *added, rv__compare_u64);
    for (size_t i = 0; status == RV_OK && i < d->n_removals; i++) {
        uint32_t v = rv__graph_local_index(g, d->removals[i].src);
        if (v != UINT32_MAX && (n_losing == 0 || losing[n_losing - 1] != v))
            losing[n_losing++] = v;
    }
    if (status == RV_OK && n_losing) {
        qsort(losing, n_losing, sizeof *losing, compare_u32);
        size_t k = 0;
        for (size_t i = 0; i < n_losing; i++)
            if (k == 0 || losing[k - 1] != losing[i])
                losing[k++] = losing[i];
        n_losing = k;
    }

    size_t removed_capacity = 0;
    for (size_t k = 0; status == RV_OK && k < n_losing; k++) {
        size_t n_removals = removal_slots(pt, losing[k], removals);
        if (n_removals)
            status = close_up(pt, losing[k], removals, n_removals, changes, &removed_capacity);
    }
    if (status == RV_OK && g->n_ghost > 0 && (n > n_old || pt->n_ghost > g->n_ghost))
        for (uint32_t v = 0; v < n_old; v++)
            for (uint64_t x = g->offsets[v]; x < g->ends[v]; x++)
                g->targets[x] = remap_slot(pt, g->targets[x]);
    for (size_t i = 0; status == RV_OK && i < d->n_added_edges;) {
        uint32_t v = (uint32_t)(added[i] >> 32);
        size_t j = i;
        while (j < d->n_added_edges && (uint32_t)(added[j] >> 32) == v)
            j++;
        status = extend(pt, v, added, i, j, &e);
        i = j;
    }
    free(added);
    free(losing);
    free(removals);
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
    uint32_t *by_id = pt->n_new ? malloc(((size_t)n + 1) * sizeof *by_id) : g->by_id;
    unsigned char *values = realloc(job->values, (size_t)n * p->value_size + 1);
    if (values)
        job->values = values;
    uint64_t *halted = malloc(((size_t)n / 64 + 1) * 8);
    changes->is_new = calloc((size_t)n + 1, 1);
    if (!gid || !by_id || !values || !halted || !changes->is_new) {
        if (by_id != g->by_id)
            free(by_id);
        free(halted);
        return RV_ENOMEM;
    }
    /* Ids: new vertices after the old ones; by_id merges the two sorted runs. */
    for (size_t k = 0; k < pt->n_new; k++)
        g->gid[n_old + k] = pt->new_ids[k];
    size_t i = 0, k = 0, at = 0;
    while (pt->n_new && (i < n_old || k < pt->n_new)) {
        if (k == pt->n_new || (i < n_old && g->gid[g->by_id[i]] < pt->new_ids[k]))
            by_id[at++] = g->by_id[i++];
        else
            by_id[at++] = n_old + (uint32_t)k++;
    }
    if (by_id != g->by_id)
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
        uint64_t degree = rv__graph_edges_end(g, v) - g->offsets[v];
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
