/* mutation.c — applying topology changes at the barrier: exchange the requests, rebuild the rank's graph, carry the job's state over by vertex id. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"
#include "mutation.h"
#include "sort.h"

void rv__mutations_destroy(rv__mutations *m)
{
    rv__buffer_destroy(&m->pending);
    *m = (rv__mutations){0};
}

void rv__mutations_request(rv_job *job, rv__mutation_kind kind, uint64_t a, uint64_t b, double weight)
{
    rv__mutations *m = &job->mutations;
    if (a > RV_ID_MAX || ((kind == RV__ADD_EDGE || kind == RV__REMOVE_EDGE) && b > RV_ID_MAX)) {
        rv__session_fail(job->session, RV_EINVAL, "program '%s' asked to change a vertex id above 2^63-1",
                         job->program.name ? job->program.name : "?");
        if (job->messages.status == RV_OK)
            job->messages.status = RV_EINVAL;
        return;
    }
    rv__buffer *to = &m->pending;
    if (rv__buffer_reserve(to, to->size + sizeof(rv__mutation)) != RV_OK) {
        m->status = RV_ENOMEM;
        return;
    }
    rv__mutation request = {.kind = kind, .a = a, .b = b, .weight = weight};
    memcpy(to->data + to->size, &request, sizeof request);
    to->size += sizeof request;
    m->n++;
}

int rv__mutations_request_tagged(rv_job *job, const rv__mutation *request)
{
    rv__mutations *m = &job->mutations;
    rv__buffer *to = &m->pending; /* routed to the owners at the barrier, as compute()'s are */
    if (rv__buffer_reserve(to, to->size + sizeof *request) != RV_OK)
        return RV_ENOMEM;
    memcpy(to->data + to->size, request, sizeof *request);
    to->size += sizeof *request;
    m->n++;
    return RV_OK;
}

/* ---- What this rank must do, sorted for lookups ---------------------------------- */

/* Which copies of an edge a removal takes: forward ones (not marked reverse), reverse
 * ones, or both (a removal from compute(), or any removal in a graph without marks,
 * whose copies all count as forward). */
enum { COPIES_FORWARD = RV__COPIES_FORWARD, COPIES_REVERSE = RV__COPIES_REVERSE, COPIES_ALL = RV__COPIES_ALL };

typedef rv__edge_removal edge_key;

static uint64_t copies_of(uint64_t kind)
{
    return kind & RV__MUTATION_REVERSE ? COPIES_REVERSE : kind & RV__MUTATION_FORWARD ? COPIES_FORWARD : COPIES_ALL;
}

/* The copy an edge of the old graph is: COPIES_REVERSE or COPIES_FORWARD. */
static uint64_t copy_of(const rv_graph *g, uint64_t e)
{
    return g->reverse && g->reverse[e] ? COPIES_REVERSE : COPIES_FORWARD;
}

typedef struct plan {
    uint64_t *removed_vertices; /* every rank's removals of existing vertices, sorted */
    size_t n_removed_vertices;
    edge_key *removed_edges; /* sorted */
    size_t n_removed_edges;
    uint64_t *added_vertices; /* ids owned here */
    size_t n_added_vertices;
    rv__mutation *added_edges; /* sources owned here, sorted for a result that no rank count changes */
    size_t n_added_edges;
    rv__mutation_notice *notices; /* flagged requests that change nothing */
    size_t n_notices;
} plan;

static void plan_destroy(plan *p)
{
    free(p->removed_vertices);
    free(p->removed_edges);
    free(p->added_vertices);
    free(p->added_edges);
    free(p->notices);
    *p = (plan){0};
}

static int compare_edge_key(const void *a, const void *b)
{
    const edge_key *x = a, *y = b;
    if (x->src != y->src)
        return (x->src > y->src) - (x->src < y->src);
    return (x->dst > y->dst) - (x->dst < y->dst);
}

static int compare_added_edge(const void *a, const void *b)
{
    const rv__mutation *x = a, *y = b;
    if (x->a != y->a)
        return (x->a > y->a) - (x->a < y->a);
    if (x->b != y->b)
        return (x->b > y->b) - (x->b < y->b);
    if (x->weight != y->weight)
        return (x->weight > y->weight) - (x->weight < y->weight);
    return (x->kind > y->kind) - (x->kind < y->kind);
}

static bool contains_u64(const uint64_t *sorted, size_t n, uint64_t x)
{
    return n && bsearch(&x, sorted, n, sizeof *sorted, rv__compare_u64) != NULL;
}

/* Whether local vertex @p v has an edge to @p target among the copies @p copies. */
static bool has_edge(const rv_graph *g, uint32_t v, uint64_t target, uint64_t copies)
{
    for (uint64_t e = g->offsets[v], end = rv__graph_edges_end(g, v); e < end; e++) {
        uint32_t slot = g->targets[e];
        rv_id id = slot < g->n_local ? g->gid[slot] : g->ghost_gid[slot - g->n_local];
        if (id == target && (copies & copy_of(g, e)))
            return true;
    }
    return false;
}

/* Notes a flagged request that will change nothing: a removal naming a vertex this
 * rank does not have, or an edge its source does not have. */
static void check_report(const rv_graph *g, const rv__mutation *r, plan *p)
{
    if (!(r->kind & RV__MUTATION_REPORT))
        return;
    uint64_t kind = r->kind & RV__MUTATION_KIND_MASK;
    uint32_t v = rv__graph_local_index(g, r->a);
    bool unknown = v == UINT32_MAX;
    if (!unknown && (kind != RV__REMOVE_EDGE || has_edge(g, v, r->b, copies_of(r->kind))))
        return;
    p->notices[p->n_notices++] = (rv__mutation_notice){
        .line = r->line, .kind = kind, .a = r->a, .b = r->b, .unknown_vertex = unknown};
}

/* Sorts the requests this rank received into a plan; the removed vertices are
 * those of this rank only until share_removals() has run. */
static int make_plan(const rv_graph *g, const rv__mutation *requests, size_t n, plan *p)
{
    size_t counts[4] = {0};
    for (size_t i = 0; i < n; i++)
        counts[requests[i].kind & 3]++;
    p->removed_edges = malloc((counts[RV__REMOVE_EDGE] + 1) * sizeof *p->removed_edges);
    p->removed_vertices = malloc((counts[RV__REMOVE_VERTEX] + 1) * sizeof *p->removed_vertices);
    p->added_vertices = malloc((counts[RV__ADD_VERTEX] + 1) * sizeof *p->added_vertices);
    p->added_edges = malloc((counts[RV__ADD_EDGE] + 1) * sizeof *p->added_edges);
    p->notices = malloc((counts[RV__REMOVE_EDGE] + counts[RV__REMOVE_VERTEX] + 1) * sizeof *p->notices);
    if (!p->removed_edges || !p->removed_vertices || !p->added_vertices || !p->added_edges || !p->notices)
        return RV_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const rv__mutation *r = &requests[i];
        switch (r->kind & RV__MUTATION_KIND_MASK) {
        case RV__REMOVE_EDGE:
            check_report(g, r, p);
            p->removed_edges[p->n_removed_edges++] = (edge_key){r->a, r->b, copies_of(r->kind)};
            break;
        case RV__REMOVE_VERTEX:
            check_report(g, r, p);
            /* Removing a vertex that does not exist changes nothing. */
            if (rv__graph_local_index(g, r->a) != UINT32_MAX)
                p->removed_vertices[p->n_removed_vertices++] = r->a;
            break;
        case RV__ADD_VERTEX: p->added_vertices[p->n_added_vertices++] = r->a; break;
        default: p->added_edges[p->n_added_edges++] = *r; break;
        }
    }
    /* One key per edge, taking the union of the copies its removals name. */
    qsort(p->removed_edges, p->n_removed_edges, sizeof *p->removed_edges, compare_edge_key);
    size_t k = 0;
    for (size_t i = 0; i < p->n_removed_edges; i++) {
        if (k > 0 && compare_edge_key(&p->removed_edges[k - 1], &p->removed_edges[i]) == 0)
            p->removed_edges[k - 1].copies |= p->removed_edges[i].copies;
        else
            p->removed_edges[k++] = p->removed_edges[i];
    }
    p->n_removed_edges = k;
    p->n_removed_vertices = rv__sort_unique_u64(p->removed_vertices, p->n_removed_vertices);
    p->n_added_vertices = rv__sort_unique_u64(p->added_vertices, p->n_added_vertices);
    qsort(p->added_edges, p->n_added_edges, sizeof *p->added_edges, compare_added_edge);
    return RV_OK;
}

/* Every rank must drop its edges into removed vertices, wherever those live: each
 * rank sends its removals to all. Collective. */
static int share_removals(rv_session *s, plan *p)
{
    const int P = s->size;
    uint64_t *send_bytes = calloc((size_t)P, sizeof *send_bytes), *recv_bytes = calloc((size_t)P, sizeof *recv_bytes);
    size_t mine = p->n_removed_vertices * 8;
    rv__buffer send = {0}, recv = {0};
    int status = send_bytes && recv_bytes && rv__buffer_reserve(&send, mine * (size_t)P + 8) == RV_OK ? RV_OK : RV_ENOMEM;
    for (int r = 0; status == RV_OK && r < P; r++) {
        memcpy(send.data + (size_t)r * mine, p->removed_vertices, mine);
        send_bytes[r] = mine;
    }
    if (status != RV_OK && send_bytes)
        memset(send_bytes, 0, (size_t)P * sizeof *send_bytes);
    int exchanged = send_bytes && recv_bytes ? rv__comm_alltoallv(s, send.data, send_bytes, &recv, recv_bytes) : RV_ENOMEM;
    status = status != RV_OK ? status : exchanged;
    if (status == RV_OK) {
        uint64_t total = 0;
        for (int r = 0; r < P; r++)
            total += recv_bytes[r];
        uint64_t *all = malloc(total + 8);
        if (!all) {
            status = RV_ENOMEM;
        } else {
            if (total)
                memcpy(all, recv.data, total);
            free(p->removed_vertices);
            p->removed_vertices = all;
            p->n_removed_vertices = rv__sort_unique_u64(all, total / 8);
        }
    }
    free(send_bytes);
    free(recv_bytes);
    rv__buffer_destroy(&send);
    rv__buffer_destroy(&recv);
    return status;
}

/* ---- The new graph's input, in the order the build keeps ------------------------- */

/* The edges of the rebuilt graph, in supply order: for each surviving vertex (in old
 * local order) its surviving edges in CSR order, then the added edges. The build
 * keeps this order within each source, which is how edge state finds its edge. */
typedef struct supply {
    uint64_t *vertex_ids; /* survivors and added vertices */
    size_t n_vertices;
    uint64_t *src, *dst; /* ids */
    double *weight;      /* when the graph has weights */
    uint8_t *reverse;    /* when the graph has reverse marks */
    uint64_t *old_edge;  /* position in the old CSR, or UINT64_MAX for an added edge */
    size_t n_edges;
    /* For a stream batch: the edges surviving vertices lost, by old local index. */
    rv__removed_edge_at *removed;
    size_t n_removed, removed_capacity;
} supply;

static void supply_destroy(supply *s)
{
    free(s->vertex_ids);
    free(s->src);
    free(s->dst);
    free(s->weight);
    free(s->reverse);
    free(s->old_edge);
    free(s->removed);
    *s = (supply){0};
}

/* The direction rv_edge_direction() gives old edge @p e. */
static rv_edge_direction_kind direction_of(const rv_graph *g, uint64_t e)
{
    if (g->reverse)
        return g->reverse[e] ? RV_EDGE_IN : RV_EDGE_OUT;
    return g->undirected ? RV_EDGE_BOTH : RV_EDGE_OUT;
}

static int note_removed(supply *sp, const rv_graph *g, uint32_t v, uint64_t e, uint64_t target)
{
    if (sp->n_removed == sp->removed_capacity) {
        size_t capacity = sp->removed_capacity ? 2 * sp->removed_capacity : 256;
        rv__removed_edge_at *grown = realloc(sp->removed, capacity * sizeof *grown);
        if (!grown)
            return RV_ENOMEM;
        sp->removed = grown;
        sp->removed_capacity = capacity;
    }
    sp->removed[sp->n_removed++] = (rv__removed_edge_at){
        .vertex = v,
        .edge = {.target = target, .weight = g->weights ? g->weights[e] : 1.0, .direction = direction_of(g, e)}};
    return RV_OK;
}

static rv_id slot_id(const rv_graph *g, uint32_t slot)
{
    return slot < g->n_local ? g->gid[slot] : g->ghost_gid[slot - g->n_local];
}

static int make_supply(const rv_graph *g, const plan *p, bool note_removals, supply *out)
{
    size_t max_edges = g->m_local + p->n_added_edges + 1;
    out->vertex_ids = malloc(((size_t)g->n_local + p->n_added_vertices + 1) * sizeof *out->vertex_ids);
    out->src = malloc(max_edges * sizeof *out->src);
    out->dst = malloc(max_edges * sizeof *out->dst);
    out->old_edge = malloc(max_edges * sizeof *out->old_edge);
    if (g->weights)
        out->weight = malloc(max_edges * sizeof *out->weight);
    if (g->reverse)
        out->reverse = malloc(max_edges);
    if (!out->vertex_ids || !out->src || !out->dst || !out->old_edge || (g->weights && !out->weight) ||
        (g->reverse && !out->reverse))
        return RV_ENOMEM;
    for (uint32_t v = 0; v < g->n_local; v++) {
        uint64_t id = g->gid[v];
        if (contains_u64(p->removed_vertices, p->n_removed_vertices, id))
            continue;
        out->vertex_ids[out->n_vertices++] = id;
        for (uint64_t e = g->offsets[v]; e < g->offsets[v + 1]; e++) {
            uint64_t target = slot_id(g, g->targets[e]);
            edge_key key = {id, target, 0};
            const edge_key *removal =
                p->n_removed_edges ? bsearch(&key, p->removed_edges, p->n_removed_edges, sizeof key, compare_edge_key)
                                   : NULL;
            if (contains_u64(p->removed_vertices, p->n_removed_vertices, target) ||
                (removal && (removal->copies & copy_of(g, e)))) {
                if (note_removals && note_removed(out, g, v, e, target) != RV_OK)
                    return RV_ENOMEM;
                continue;
            }
            size_t k = out->n_edges++;
            out->src[k] = id;
            out->dst[k] = target;
            out->old_edge[k] = e;
            if (out->weight)
                out->weight[k] = g->weights[e];
            if (out->reverse)
                out->reverse[k] = g->reverse[e];
        }
    }
    for (size_t i = 0; i < p->n_added_vertices; i++)
        out->vertex_ids[out->n_vertices++] = p->added_vertices[i];
    for (size_t i = 0; i < p->n_added_edges; i++) {
        size_t k = out->n_edges++;
        out->src[k] = p->added_edges[i].a;
        out->dst[k] = p->added_edges[i].b;
        out->old_edge[k] = UINT64_MAX;
        if (out->weight)
            out->weight[k] = p->added_edges[i].weight;
        if (out->reverse)
            out->reverse[k] = (p->added_edges[i].kind & RV__MUTATION_REVERSE) != 0;
    }
    return RV_OK;
}

/* Builds a new graph from the supply (interning its ids as the loader does).
 * Collective: every rank calls it, with RV_OK or not in @p status. */
static int build_graph(const rv_graph *old, const supply *sp, int status, rv_graph **out)
{
    rv_session *s = old->session;
    rv__owned_input in = {.with_weights = old->weights != NULL, .with_reverse_marks = old->reverse != NULL};
    rv_graph *g = calloc(1, sizeof *g);
    size_t m = sp->n_edges;
    if (status == RV_OK && (!g || rv__idmap_init(&in.ids, sp->n_vertices + 16) != RV_OK))
        status = RV_ENOMEM;
    if (status == RV_OK) {
        in.src = malloc((m + 1) * sizeof *in.src);
        in.dst = malloc((m + 1) * sizeof *in.dst);
        in.weight = in.with_weights ? malloc((m + 1) * sizeof *in.weight) : NULL;
        in.reverse = in.with_reverse_marks ? malloc(m + 1) : NULL;
        if (!in.src || !in.dst || (in.with_weights && !in.weight) || (in.with_reverse_marks && !in.reverse))
            status = RV_ENOMEM;
    }
    if (status == RV_OK)
        status = rv__idmap_intern_many(&in.ids, sp->vertex_ids, sp->n_vertices, NULL);
    if (status == RV_OK)
        status = rv__idmap_intern_many(&in.ids, sp->src, m, in.src);
    if (status == RV_OK)
        status = rv__idmap_intern_many(&in.ids, sp->dst, m, in.dst);
    if (status == RV_OK) {
        if (in.weight)
            memcpy(in.weight, sp->weight, m * sizeof *in.weight);
        if (in.reverse)
            memcpy(in.reverse, sp->reverse, m);
        in.n_edges = in.capacity = m;
    }
    if (status != RV_OK)
        rv__session_fail(s, status, "out of memory rebuilding the graph after topology changes");
    status = rv__session_agree(s, status);
    if (status == RV_OK) {
        g->session = s;
        /* The placement, and its directory, now belong to the new graph. */
        g->placement = old->placement;
        g->undirected = old->undirected;
        g->load_stats = old->load_stats;
        status = rv__graph_build(g, &in);
    }
    rv__idmap_destroy(&in.ids);
    free(in.src);
    free(in.dst);
    free(in.weight);
    free(in.reverse);
    if (status != RV_OK) {
        if (g)
            g->placement.directory = NULL; /* still the old graph's */
        rv_graph_free(&g);
        return status;
    }
    *out = g;
    return RV_OK;
}

/* ---- Carrying the job over ------------------------------------------------------- */

/* Values, halted flags and edge state of survivors move to their new places; new
 * vertices and edges are initialised. @p old is the graph before, job->graph after. */
static int carry_state(rv_job *job, const rv_graph *old, const plan *p, const supply *sp, uint32_t *new_index,
                       uint8_t **is_new_out)
{
    const rv_graph *g = job->graph;
    const rv_program *prog = &job->program;
    const size_t vs = prog->value_size, es = prog->edge_value_size;
    unsigned char *values = malloc((size_t)g->n_local * vs + 1);
    uint64_t *halted = calloc((size_t)g->n_local / 64 + 1, 8);
    unsigned char *edge_values = es ? calloc(g->m_local + 1, es) : NULL;
    uint64_t *cursor = es ? malloc(((size_t)g->n_local + 1) * sizeof *cursor) : NULL;
    if (!values || !halted || (es && (!edge_values || !cursor))) {
        free(values);
        free(halted);
        free(edge_values);
        free(cursor);
        return RV_ENOMEM;
    }
    for (uint32_t v = 0; v < old->n_local; v++)
        new_index[v] = contains_u64(p->removed_vertices, p->n_removed_vertices, old->gid[v])
                           ? UINT32_MAX : rv__graph_local_index(g, old->gid[v]);
    uint8_t *is_new = calloc((size_t)g->n_local + 1, 1);
    if (!is_new) {
        free(values);
        free(halted);
        free(edge_values);
        free(cursor);
        return RV_ENOMEM;
    }
    memset(is_new, 1, g->n_local);
    for (uint32_t v = 0; v < old->n_local; v++) {
        uint32_t nv = new_index[v];
        if (nv == UINT32_MAX)
            continue;
        is_new[nv] = 0;
        memcpy(values + (size_t)nv * vs, job->values + (size_t)v * vs, vs);
        if (job->halted[v >> 6] >> (v & 63) & 1)
            halted[nv >> 6] |= UINT64_C(1) << (nv & 63);
    }
    unsigned char *old_edge_values = job->edge_values;
    job->values = values;
    job->edge_values = edge_values;
    free(job->halted);
    job->halted = halted;

    /* The new vertices start like every vertex did, before their edges' state. */
    rv_context ctx = {.job = job, .in_init = true};
    for (uint32_t v = 0; v < g->n_local; v++) {
        if (!is_new[v])
            continue;
        ctx.vertex = v;
        prog->init(&ctx, values + (size_t)v * vs, prog->user);
    }
    if (es) {
        memcpy(cursor, g->offsets, (size_t)g->n_local * sizeof *cursor);
        for (size_t k = 0; k < sp->n_edges; k++) {
            uint32_t v = rv__graph_local_index(g, sp->src[k]);
            uint64_t at = cursor[v]++;
            if (sp->old_edge[k] != UINT64_MAX && !is_new[v]) {
                memcpy(edge_values + at * es, old_edge_values + sp->old_edge[k] * es, es);
            } else if (prog->init_edge) {
                ctx.vertex = v;
                prog->init_edge(&ctx, at - g->offsets[v], edge_values + at * es, prog->user);
            }
        }
    }
    free(old_edge_values);
    free(cursor);
    if (is_new_out)
        *is_new_out = is_new;
    else
        free(is_new);
    return job->messages.status == RV_OK ? RV_OK : job->messages.status;
}

/* Exchanges the requests: each rank gets those for the vertices it owns. Collective. */
static int exchange_requests(rv_job *job, rv__buffer *recv, uint64_t *n_received)
{
    rv_session *s = job->session;
    const int P = s->size;
    rv__mutations *m = &job->mutations;
    const rv__mutation *requests = (const rv__mutation *)m->pending.data;
    size_t n = m->status == RV_OK ? m->n : 0;
    uint64_t *send_bytes = calloc((size_t)P, sizeof *send_bytes), *recv_bytes = calloc((size_t)P, sizeof *recv_bytes);
    uint64_t *keys = calloc(n + 1, sizeof *keys);
    int *owners = malloc((n + 1) * sizeof *owners);
    size_t *at = calloc((size_t)P + 1, sizeof *at);
    rv__buffer send = {0};
    int status = send_bytes && recv_bytes && keys && owners && at && m->status == RV_OK ? RV_OK : RV_ENOMEM;
    if (status != RV_OK)
        n = 0;
    for (size_t i = 0; i < n; i++)
        keys[i] = requests[i].a;
    /* Every rank asks, with its requests or none: a directory answers collectively. */
    int placed = rv__placement_owners(s, &job->graph->placement, keys, n, owners);
    status = status != RV_OK ? status : placed;
    if (status == RV_OK && rv__buffer_reserve(&send, n * sizeof(rv__mutation) + 8) != RV_OK)
        status = RV_ENOMEM;
    if (status == RV_OK) {
        for (size_t i = 0; i < n; i++)
            send_bytes[owners[i]] += sizeof(rv__mutation);
        for (int r = 0; r < P; r++)
            at[r + 1] = at[r] + send_bytes[r];
        for (size_t i = 0; i < n; i++) {
            memcpy(send.data + at[owners[i]], &requests[i], sizeof requests[i]);
            at[owners[i]] += sizeof requests[i];
        }
    } else if (send_bytes) {
        memset(send_bytes, 0, (size_t)P * sizeof *send_bytes);
    }
    m->pending.size = 0;
    m->n = 0;
    m->status = RV_OK;
    int exchanged = send_bytes && recv_bytes ? rv__comm_alltoallv(s, send.data, send_bytes, recv, recv_bytes) : RV_ENOMEM;
    status = status != RV_OK ? status : exchanged;
    uint64_t bytes = 0;
    for (int r = 0; status == RV_OK && r < P; r++)
        bytes += recv_bytes[r];
    *n_received = bytes / sizeof(rv__mutation);
    free(send_bytes);
    free(recv_bytes);
    free(keys);
    free(owners);
    free(at);
    rv__buffer_destroy(&send);
    return status;
}

void rv__batch_changes_destroy(rv__batch_changes *c)
{
    free(c->is_new);
    free(c->n_added_edges);
    free(c->removed);
    free(c->notices);
    *c = (rv__batch_changes){0};
}

static int compare_removed_at(const void *a, const void *b)
{
    const rv__removed_edge_at *x = a, *y = b;
    return (x->vertex > y->vertex) - (x->vertex < y->vertex);
}

/* Fills @p c from what the batch did; takes over @p is_new and the plan's notices. A
 * batch starts from rest: every vertex asleep. */
static int describe_batch(rv_job *job, plan *p, supply *sp, const uint32_t *new_index, uint8_t *is_new,
                          rv__batch_changes *c)
{
    const rv_graph *g = job->graph;
    c->is_new = is_new;
    c->notices = p->notices;
    c->n_notices = p->n_notices;
    p->notices = NULL;
    p->n_notices = 0;
    c->n_added_edges = calloc((size_t)g->n_local + 1, sizeof *c->n_added_edges);
    if (!c->n_added_edges)
        return RV_ENOMEM;
    for (size_t i = 0; i < p->n_added_edges; i++)
        c->n_added_edges[rv__graph_local_index(g, p->added_edges[i].a)]++;
    for (size_t i = 0; i < sp->n_removed; i++)
        sp->removed[i].vertex = new_index[sp->removed[i].vertex];
    /* Stable enough: a vertex's removed edges keep no promised order. (None: the
     * array may be NULL, which qsort() must not see.) */
    if (sp->n_removed)
        qsort(sp->removed, sp->n_removed, sizeof *sp->removed, compare_removed_at);
    c->removed = sp->removed;
    c->n_removed = sp->n_removed;
    sp->removed = NULL;
    sp->n_removed = 0;
    memset(job->halted, 0xff, ((size_t)g->n_local / 64 + 1) * 8);
    c->renumbered = true;
    return RV_OK;
}

/* Applies the requests of all ranks. @p changes is NULL for requests from compute()
 * (the inbox moves with the vertices), or receives what a stream batch did (the inbox
 * is dropped). */
static int apply(rv_job *job, uint64_t *n_unresolved, rv__batch_changes *changes)
{
    rv_session *s = job->session;
    rv_graph *g = job->graph;
    rv__buffer received = {0};
    plan p = {0};
    supply sp = {0};
    rv_graph *built = NULL, *old = NULL;
    uint32_t *new_index = NULL;
    uint8_t *is_new = NULL;
    rv__messages moved = {0};
    *n_unresolved = 0;

    uint64_t n = 0;
    int status = exchange_requests(job, &received, &n);
    if (status == RV_OK)
        status = make_plan(g, (const rv__mutation *)received.data, n, &p);
    status = rv__session_agree(s, status != RV_OK ? rv__session_fail(s, status, "out of memory for topology changes")
                                                  : RV_OK);
    if (status == RV_OK)
        status = share_removals(s, &p);
    if (status == RV_OK && changes && p.n_removed_vertices == 0) {
        /* A stream batch that removes no vertex: patch the graph instead (the same
         * decision on every rank: the removals were just shared). */
        rv__graph_delta delta = {.added_vertices = p.added_vertices, .n_added_vertices = p.n_added_vertices,
                                 .added_edges = p.added_edges, .n_added_edges = p.n_added_edges,
                                 .removals = p.removed_edges, .n_removals = p.n_removed_edges};
        status = rv__graph_patch(job, &delta, changes);
        rv__log(s, RV_LOG_DEBUG, "batch applied in place: %zu edges added, %zu removal keys here", p.n_added_edges,
                p.n_removed_edges);
        if (status == RV_OK) {
            rv__messages_destroy(&job->messages);
            status = rv__messages_init(&job->messages, g, &job->program);
            if (status != RV_OK)
                rv__session_fail(s, status, "out of memory for messages after a batch of updates");
            status = rv__session_agree(s, status);
        }
        if (status == RV_OK) {
            changes->notices = p.notices;
            changes->n_notices = p.n_notices;
            p.notices = NULL;
            p.n_notices = 0;
        }
        goto done;
    }
    if (status == RV_OK)
        rv__job_pack_edges(job); /* the rebuild reads the CSR as one block */
    if (status == RV_OK && make_supply(g, &p, changes != NULL, &sp) != RV_OK)
        status = RV_ENOMEM;
    status = build_graph(g, &sp, status, &built);
    if (status != RV_OK)
        goto done;

    /* The job's graph object stays (the caller holds it); its contents become the new
     * graph's, and the old contents live on in @c old until the state has moved. */
    old = malloc(sizeof *old);
    new_index = malloc(((size_t)g->n_local + 1) * sizeof *new_index);
    if (old && new_index) {
        *old = *g;
        old->placement.directory = NULL; /* the new graph holds it now */
        *g = *built;
        free(built);
        built = NULL;
        job->messages.graph = old;
        status = carry_state(job, old, &p, &sp, new_index, changes ? &is_new : NULL);
        if (status == RV_OK)
            status = rv__messages_init(&moved, g, &job->program);
        if (status == RV_OK && !changes)
            status = rv__messages_move_inbox(&moved, &job->messages, new_index, n_unresolved);
        if (status == RV_OK && changes) {
            status = describe_batch(job, &p, &sp, new_index, is_new, changes);
            is_new = NULL;
        }
        rv__messages_destroy(&job->messages);
        job->messages = moved;
        moved = (rv__messages){0};
    } else {
        status = RV_ENOMEM;
    }
    if (status != RV_OK)
        rv__session_fail(s, status, "out of memory carrying the job over to the changed graph");
    status = rv__session_agree(s, status);
done:
    if (status != RV_OK && changes)
        rv__batch_changes_destroy(changes);
    rv__buffer_destroy(&received);
    plan_destroy(&p);
    supply_destroy(&sp);
    rv_graph_free(&built);
    rv_graph_free(&old);
    free(new_index);
    free(is_new);
    rv__messages_destroy(&moved);
    return status;
}

int rv__mutations_apply(rv_job *job, uint64_t *n_unresolved)
{
    return apply(job, n_unresolved, NULL);
}

int rv__mutations_apply_batch(rv_job *job, rv__batch_changes *changes)
{
    uint64_t n_unresolved;
    *changes = (rv__batch_changes){0};
    return apply(job, &n_unresolved, changes);
}
