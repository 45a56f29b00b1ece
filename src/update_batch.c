/* update_batch.c — rewriting a micro-batch in arrival order into requests whose Pregel-order application gives the same graph (see update_batch.h). */
#include "update_batch.h"

#include <stdlib.h>
#include <string.h>

#include "rivulet.h"

/* A chained hash index from a key (a vertex, or an edge's two ends) to the requests
 * registered under it. Entries are never removed: a request that no longer matches
 * its key (it was rewritten, or dropped) is skipped when the chain is read. */
typedef struct index_entry {
    uint64_t a, b;
    size_t request;
    size_t next; /* SIZE_MAX ends the chain */
} index_entry;

typedef struct hash_index {
    size_t *head; /* [mask + 1] */
    size_t mask;
    index_entry *entries;
    size_t n, capacity;
} hash_index;

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    x *= UINT64_C(0xc4ceb9fe1a85ec53);
    x ^= x >> 33;
    return x;
}

static int index_init(hash_index *ix, size_t capacity)
{
    size_t buckets = 16;
    while (buckets < 2 * capacity)
        buckets *= 2;
    ix->head = malloc(buckets * sizeof *ix->head);
    ix->entries = malloc((capacity + 1) * sizeof *ix->entries);
    if (!ix->head || !ix->entries)
        return RV_ENOMEM;
    memset(ix->head, 0xff, buckets * sizeof *ix->head);
    ix->mask = buckets - 1;
    ix->capacity = capacity;
    return RV_OK;
}

static void index_destroy(hash_index *ix)
{
    free(ix->head);
    free(ix->entries);
}

static size_t bucket(const hash_index *ix, uint64_t a, uint64_t b)
{
    return (size_t)(mix64(a ^ mix64(b + 0x9e3779b97f4a7c15)) & ix->mask);
}

static void index_add(hash_index *ix, uint64_t a, uint64_t b, size_t request)
{
    size_t h = bucket(ix, a, b);
    ix->entries[ix->n] = (index_entry){.a = a, .b = b, .request = request, .next = ix->head[h]};
    ix->head[h] = ix->n++;
}

/* The rewriting in progress. */
typedef struct batch {
    rv__mutation *requests;
    bool *dropped;
    size_t n;
    hash_index by_edge;   /* added edges, by their (ordered, or for undirected sorted) ends */
    hash_index by_vertex; /* added edges by each end, added vertices by themselves */
    bool undirected;
} batch;

static uint64_t kind_of(const rv__mutation *r) { return r->kind & RV__MUTATION_KIND_MASK; }

/* The key of the edge a -> b in by_edge. */
static void edge_key(const batch *b, uint64_t *x, uint64_t *y)
{
    if (b->undirected && *x > *y) {
        uint64_t t = *x;
        *x = *y;
        *y = t;
    }
}

static size_t append(batch *b, uint64_t kind, uint64_t x, uint64_t y, double weight, uint64_t line)
{
    size_t k = b->n++;
    b->requests[k] = (rv__mutation){.kind = kind, .a = x, .b = y, .weight = weight, .line = line};
    b->dropped[k] = false;
    return k;
}

static void add_vertex(batch *b, uint64_t x, uint64_t line)
{
    index_add(&b->by_vertex, x, 0, append(b, RV__ADD_VERTEX, x, 0, 0.0, line));
}

/* Request k was an added edge that a later update undoes: keep only the vertex it
 * created at @p keep (the request itself becomes that addition, still indexed under
 * it), or nothing when @p keep is none. */
static void reduce_to_vertex(batch *b, size_t k, bool has_keep, uint64_t keep)
{
    rv__mutation *r = &b->requests[k];
    if (!has_keep) {
        b->dropped[k] = true;
        return;
    }
    r->kind = RV__ADD_VERTEX;
    r->a = keep;
    r->b = 0;
}

/* `- u v`: earlier additions of the edge shrink to their endpoints. Returns whether
 * there was one (then the edge surely existed, and the removal needs no report). */
static bool undo_added_edges(batch *b, uint64_t u, uint64_t v, uint64_t line)
{
    uint64_t x = u, y = v;
    edge_key(b, &x, &y);
    bool found = false;
    for (size_t e = b->by_edge.head[bucket(&b->by_edge, x, y)]; e != SIZE_MAX; e = b->by_edge.entries[e].next) {
        const index_entry *entry = &b->by_edge.entries[e];
        size_t k = entry->request;
        rv__mutation *r = &b->requests[k];
        if (entry->a != x || entry->b != y || b->dropped[k] || kind_of(r) != RV__ADD_EDGE)
            continue;
        uint64_t rx = r->a, ry = r->b;
        edge_key(b, &rx, &ry);
        if (rx != x || ry != y)
            continue;
        uint64_t source = r->a, target = r->b;
        reduce_to_vertex(b, k, true, source);
        if (target != source)
            add_vertex(b, target, line);
        found = true;
    }
    return found;
}

/* `-v x`: earlier additions of x vanish, and earlier edges at x shrink to their other
 * end. Returns whether there was one (x surely existed). */
static bool undo_vertex(batch *b, uint64_t x)
{
    bool found = false;
    for (size_t e = b->by_vertex.head[bucket(&b->by_vertex, x, 0)]; e != SIZE_MAX;
         e = b->by_vertex.entries[e].next) {
        const index_entry *entry = &b->by_vertex.entries[e];
        size_t k = entry->request;
        rv__mutation *r = &b->requests[k];
        if (entry->a != x || b->dropped[k])
            continue;
        if (kind_of(r) == RV__ADD_VERTEX && r->a == x) {
            b->dropped[k] = true;
            found = true;
        } else if (kind_of(r) == RV__ADD_EDGE && (r->a == x || r->b == x)) {
            uint64_t other = r->a == x ? r->b : r->a;
            reduce_to_vertex(b, k, other != x, other);
            found = true;
        }
    }
    return found;
}

int rv__update_batch_requests(const rv__update *updates, size_t n, bool undirected, rv__mutation **out,
                              size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    batch b = {.undirected = undirected};
    /* Each update appends one request, and undoing an added edge one more. */
    size_t capacity = 2 * n + 1;
    b.requests = malloc(capacity * sizeof *b.requests);
    b.dropped = malloc(capacity * sizeof *b.dropped);
    int status = b.requests && b.dropped ? RV_OK : RV_ENOMEM;
    if (status == RV_OK)
        status = index_init(&b.by_edge, n + 1);
    if (status == RV_OK)
        status = index_init(&b.by_vertex, 3 * n + 1);
    for (size_t i = 0; status == RV_OK && i < n; i++) {
        const rv__update *u = &updates[i];
        uint64_t x, y;
        size_t k;
        switch (u->kind) {
        case RV__UPDATE_ADD_EDGE:
            k = append(&b, RV__ADD_EDGE, u->a, u->b, u->weight, u->line);
            x = u->a;
            y = u->b;
            edge_key(&b, &x, &y);
            index_add(&b.by_edge, x, y, k);
            index_add(&b.by_vertex, u->a, 0, k);
            if (u->b != u->a)
                index_add(&b.by_vertex, u->b, 0, k);
            break;
        case RV__UPDATE_ADD_VERTEX: add_vertex(&b, u->a, u->line); break;
        case RV__UPDATE_REMOVE_EDGE: {
            bool known = undo_added_edges(&b, u->a, u->b, u->line);
            append(&b, RV__REMOVE_EDGE | (known ? 0 : RV__MUTATION_REPORT), u->a, u->b, 0.0, u->line);
            break;
        }
        case RV__UPDATE_REMOVE_VERTEX: {
            bool known = undo_vertex(&b, u->a);
            append(&b, RV__REMOVE_VERTEX | (known ? 0 : RV__MUTATION_REPORT), u->a, 0, 0.0, u->line);
            break;
        }
        default: break;
        }
    }
    if (status == RV_OK) {
        size_t k = 0;
        for (size_t i = 0; i < b.n; i++)
            if (!b.dropped[i])
                b.requests[k++] = b.requests[i];
        *out = b.requests;
        *n_out = k;
        b.requests = NULL;
    }
    free(b.requests);
    free(b.dropped);
    index_destroy(&b.by_edge);
    index_destroy(&b.by_vertex);
    return status;
}
