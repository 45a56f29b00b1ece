/* graph_structure.c — the undirected structure METIS partitions, built from a rank's CSR: neighbours in a global numbering, without self-loops or repeats, weighted by multiplicity.
 *
 * Global numbers need no lookup: each rank numbers its vertices consecutively from
 * an exclusive prefix sum (first), so local vertex v is first + v, and a ghost is
 * first[owner] + its index at the owner, which the ghost already knows. A directed
 * edge u -> v must appear in both u's and v's lists; v's share travels to v's owner
 * as (index there, global number of u). An undirected graph stores both directions
 * already, so it needs no exchange.
 *
 * The weight of neighbour v in u's list is the number of stored edges between u and
 * v in either direction, so METIS's edge cut counts the edges the engine stores,
 * which are what turn into messages. A vertex weighs 1 + its out-degree: the work of
 * a superstep follows the edges.
 */
#include <stdlib.h>
#include <string.h>

#include "comm.h"
#include "graph.h"
#include "partitioner/metis.h"
#include "sort.h"

/* The owner rank of each ghost and its global number, from the ranks' first numbers. */
static int32_t *ghost_numbers(const rv_graph *g, const uint64_t *first)
{
    int32_t *number = malloc(((size_t)g->n_ghost + 1) * sizeof *number);
    if (!number)
        return NULL;
    for (int r = 0; r < g->session->size; r++)
        for (uint32_t k = g->ghost_rank_start[r]; k < g->ghost_rank_start[r + 1]; k++)
            number[k] = (int32_t)(first[r] + g->ghost_remote[k]);
    return number;
}

/* Keys (local vertex << 32 | neighbour's global number) for every stored edge seen
 * from its source, and, for directed graphs, from its target: those of local targets
 * directly, those of ghosts through one exchange. */
static int collect_pairs(const rv_graph *g, uint64_t first, const int32_t *ghost_number, uint64_t **keys_out,
                         size_t *n_out)
{
    rv_session *s = g->session;
    const int P = s->size;
    const uint32_t n = g->n_local;
    size_t n_keys = 0, n_remote = 0;
    for (uint64_t e = 0; e < g->m_local; e++)
        n_remote += g->targets[e] >= n;
    size_t capacity = g->undirected ? g->m_local : 2 * g->m_local - n_remote;
    uint64_t *keys = malloc((capacity ? capacity : 1) * sizeof *keys);
    uint64_t *send = NULL, *send_bytes = calloc((size_t)P, sizeof *send_bytes);
    uint64_t *recv_bytes = calloc((size_t)P, sizeof *recv_bytes), *cursor = calloc((size_t)P, sizeof *cursor);
    rv__buffer received = {0};
    int status = keys && send_bytes && recv_bytes && cursor ? RV_OK : RV_ENOMEM;
    if (status == RV_OK && !g->undirected && !(send = malloc((n_remote ? n_remote : 1) * sizeof *send)))
        status = RV_ENOMEM;
    if (status == RV_OK) {
        /* Reverse keys for ghosts, in blocks per owner: count, then place. */
        if (!g->undirected) {
            for (uint64_t e = 0; e < g->m_local; e++)
                if (g->targets[e] >= n)
                    send_bytes[rv__graph_ghost_owner(g, g->targets[e] - n)] += 8;
            for (int r = 1; r < P; r++)
                cursor[r] = cursor[r - 1] + send_bytes[r - 1] / 8;
        }
        for (uint32_t v = 0; v < n; v++) {
            for (uint64_t e = g->offsets[v]; e < g->offsets[v + 1]; e++) {
                uint32_t t = g->targets[e];
                if (t == v)
                    continue; /* self-loops are no part of a cut */
                uint64_t neighbour = t < n ? first + t : (uint64_t)ghost_number[t - n];
                keys[n_keys++] = (uint64_t)v << 32 | neighbour;
                if (g->undirected)
                    continue;
                if (t < n) {
                    keys[n_keys++] = (uint64_t)t << 32 | (first + v);
                } else {
                    uint32_t k = t - n;
                    send[cursor[rv__graph_ghost_owner(g, k)]++] = (uint64_t)g->ghost_remote[k] << 32 | (first + v);
                }
            }
        }
    }
    status = rv__session_agree(
        s, status == RV_OK ? RV_OK : rv__session_fail(s, status, "out of memory preparing METIS's input"));
    if (status == RV_OK && !g->undirected)
        status = rv__session_agree(s, rv__comm_alltoallv(s, send, send_bytes, &received, recv_bytes));
    free(send);
    send = NULL;
    if (status == RV_OK && received.size) {
        size_t n_received = received.size / 8;
        uint64_t *grown = realloc(keys, (n_keys + n_received) * sizeof *keys);
        if (grown) {
            keys = grown;
            memcpy(keys + n_keys, received.data, received.size);
            n_keys += n_received;
        } else {
            status = rv__session_fail(s, RV_ENOMEM, "out of memory preparing METIS's input");
        }
    }
    status = rv__session_agree(s, status);
    rv__buffer_destroy(&received);
    free(send_bytes);
    free(recv_bytes);
    free(cursor);
    if (status != RV_OK) {
        free(keys);
        keys = NULL;
        n_keys = 0;
    }
    *keys_out = keys;
    *n_out = n_keys;
    return status;
}

/* Turns sorted keys into adjacency lists: repeats of one (vertex, neighbour) pair
 * become one entry whose weight counts them. */
static int fill_lists(const rv_graph *g, const uint64_t *keys, size_t n_keys, rv__metis_graph *out)
{
    const uint32_t n = g->n_local;
    const int32_t repeat = g->undirected ? 2 : 1; /* an undirected edge is stored both ways */
    size_t n_entries = 0;
    for (size_t i = 0; i < n_keys; i++)
        n_entries += i == 0 || keys[i] != keys[i - 1];
    out->n = n;
    out->offsets = calloc((size_t)n + 1, sizeof *out->offsets);
    out->vertex_weight = malloc(((size_t)n + 1) * sizeof *out->vertex_weight);
    out->adjacency = malloc((n_entries ? n_entries : 1) * sizeof *out->adjacency);
    out->edge_weight = malloc((n_entries ? n_entries : 1) * sizeof *out->edge_weight);
    if (!out->offsets || !out->vertex_weight || !out->adjacency || !out->edge_weight)
        return RV_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n_keys; i++) {
        if (i > 0 && keys[i] == keys[i - 1]) {
            /* Saturate: a weight past idx_t's range makes the total fail METIS's check. */
            if (out->edge_weight[k - 1] <= INT32_MAX - repeat)
                out->edge_weight[k - 1] += repeat;
            continue;
        }
        out->offsets[(keys[i] >> 32) + 1]++;
        out->adjacency[k] = (int32_t)(uint32_t)keys[i];
        out->edge_weight[k++] = repeat;
    }
    for (uint32_t v = 0; v < n; v++) {
        out->offsets[v + 1] += out->offsets[v];
        uint64_t degree = g->offsets[v + 1] - g->offsets[v];
        out->vertex_weight[v] = degree < INT32_MAX ? (int32_t)(1 + degree) : INT32_MAX;
    }
    return RV_OK;
}

int rv__graph_metis_structure(const rv_graph *g, rv__metis_graph *out)
{
    rv_session *s = g->session;
    const int P = s->size;
    *out = (rv__metis_graph){0};
    uint64_t *first = malloc((size_t)P * sizeof *first), *keys = NULL;
    int32_t *ghost_number = NULL;
    size_t n_keys = 0;
    int status =
        rv__session_agree(s, first ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory preparing METIS's input"));
    if (status != RV_OK)
        goto done;
    status = rv__comm_exscan_u64(s, g->n_local, &out->first);
    if (status == RV_OK)
        status = rv__comm_allgather_u64(s, out->first, first);
    status = rv__session_agree(s, status);
    if (status == RV_OK && !(ghost_number = ghost_numbers(g, first)))
        status = rv__session_fail(s, RV_ENOMEM, "out of memory preparing METIS's input");
    status = rv__session_agree(s, status);
    if (status == RV_OK)
        status = collect_pairs(g, out->first, ghost_number, &keys, &n_keys);
    free(ghost_number);
    ghost_number = NULL;
    if (status == RV_OK && rv__sort_u64(keys, n_keys) != RV_OK)
        status = rv__session_fail(s, RV_ENOMEM, "out of memory sorting METIS's input");
    if (status == RV_OK && fill_lists(g, keys, n_keys, out) != RV_OK)
        status = rv__session_fail(s, RV_ENOMEM, "out of memory preparing METIS's input");
    status = rv__session_agree(s, status);
done:
    free(first);
    free(keys);
    free(ghost_number);
    if (status != RV_OK)
        rv__metis_graph_destroy(out);
    return status;
}
