/* graph.h — one rank's share of a distributed graph: owned vertices, their out-edges as CSR, and ghost slots. */
#ifndef RV_GRAPH_H
#define RV_GRAPH_H

#include <stdint.h>

#include "idmap.h"
#include "io/textio.h"
#include "partitioner/metis.h"
#include "partitioner/partitioner.h"
#include "session.h"

/* Edge targets are *slots*: [0, n_local) are this rank's vertices, and
 * [n_local, n_local + n_ghost) are ghosts, stand-ins for vertices owned by other
 * ranks. Ghosts are grouped by owner rank (rank r's ghosts are
 * ghost_rank_start[r] .. ghost_rank_start[r+1]-1) and sorted by id within a group, so a
 * superstep packs the messages for one rank from one contiguous range. Each ghost
 * knows its vertex's index at the owner, so the owner never hashes an id to deliver. */
struct rv_graph {
    rv_session *session;
    rv__placement placement;
    bool undirected;     /* loaded as undirected: every line is stored both ways (its
                            reverse marked when `reverse` is kept) */
    uint64_t n_vertices; /* whole graph */
    uint64_t n_edges;    /* whole graph, directed */

    /* Local vertices are numbered by out-degree, largest first (ties in id order):
     * on skewed graphs the few vertices that most edges lead from, or to, then sit
     * together at the front of every per-vertex array, where the caches keep them.
     * by_id lists the local indices in ascending id order, for lookups and output. */
    uint32_t n_local;
    uint64_t *gid;     /* [n_local] ids of local vertices */
    uint32_t *by_id;   /* [n_local] local indices, ascending by id */
    /* Vertex v's edges are [offsets[v], rv__graph_edges_end(g, v)). Packed (as
     * loaded), a list ends where the next begins and ends is NULL; once a stream
     * batch has patched the graph, each list may have slack after it, up to
     * offsets[v + 1], and ends[v] is its end (see graph_slack.c). The edge arrays
     * then span offsets[n_local] positions, of which m_local hold edges. */
    uint64_t *offsets; /* [n_local + 1] */
    uint64_t *ends;    /* [n_local], or NULL when packed */
    uint64_t m_local;  /* edges */
    uint32_t *targets; /* [offsets[n_local]] slots */
    double *weights;   /* [offsets[n_local]], or NULL */
    uint8_t *reverse;  /* [offsets[n_local]] 1 for the reverse of an input line, or NULL */

    uint32_t n_ghost;
    uint64_t *ghost_gid;       /* [n_ghost] */
    uint32_t *ghost_remote;    /* [n_ghost] the vertex's index at its owner */
    uint32_t *ghost_rank_start; /* [P + 1], relative to the first ghost */

    /* The mirror of the ghosts other ranks hold of this rank's vertices: rank r's
     * ghosts of our vertices are, in r's ghost order, the local indices
     * mirror[mirror_rank_start[r] .. mirror_rank_start[r+1]-1]. A rank that sends a
     * value for every one of its ghosts of ours can then send the values alone. */
    uint32_t *mirror;
    uint32_t *mirror_rank_start; /* [P + 1] */

    rv_load_stats load_stats;
    rv_partition_stats partition_stats;
    /* The CRC-32C and length of the whole input text, [0] edge file, [1] vertex file
     * (zero without one): the same for any number of ranks. Checkpoints record it to
     * recognise their input. */
    uint32_t input_crc[2];
    uint64_t input_text_bytes[2];
};

/* Where local vertex @p v's edges end (see offsets). */
static inline uint64_t rv__graph_edges_end(const rv_graph *g, uint32_t v)
{
    return g->ends ? g->ends[v] : g->offsets[v + 1];
}

/* The positions the edge arrays span: m_local, plus the slack of a patched graph. */
static inline uint64_t rv__graph_edge_span(const rv_graph *g) { return g->offsets[g->n_local]; }

/* What reached this rank during the load, already interned: @c ids numbers every id
 * seen here (sources, targets and the vertex file's ids) in first-seen order, and the
 * edges name their endpoints by those provisional numbers, which takes half the
 * memory of the ids and does the hashing once, as the edges arrive. */
typedef struct rv__owned_input {
    rv__idmap ids;
    uint32_t *src;  /* [n_edges] provisional numbers */
    uint32_t *dst;  /* [n_edges] provisional numbers */
    double *weight; /* [n_edges] when with_weights, else NULL */
    uint8_t *reverse; /* [n_edges] when with_reverse_marks, else NULL */
    size_t n_edges, capacity;
    bool with_weights;
    bool with_reverse_marks;
} rv__owned_input;

/* The bit of a target id that marks a shipped edge as the reverse of its input
 * line (no id uses it: ids stop at 2^63 - 1). */
#define RV__REVERSE_MARK (UINT64_C(1) << 63)

/* Interns @p n edges, given by the ids of their ends (and their weights when the
 * input keeps weights; else @p weight is ignored), into @p input. Targets may carry
 * RV__REVERSE_MARK, which is stripped in place (and kept when the input keeps
 * reverse marks). RV_ENOMEM, or RV_ELIMIT when the rank would see more than
 * 2^32 - 2 distinct ids. */
int rv__owned_input_add_edges(rv__owned_input *input, const uint64_t *src, uint64_t *dst,
                              const double *weight, size_t n);
/* Interns @p n vertex ids into @p input (vertices that may have no edge here). */
int rv__owned_input_add_vertices(rv__owned_input *input, const uint64_t *ids, size_t n);
void rv__owned_input_destroy(rv__owned_input *input);

/* Builds the CSR and ghost tables of @p graph from @p input, which it consumes: the
 * map and the edge arrays are freed as soon as they are no longer needed, so that
 * they never coexist with the whole CSR. Collective. */
int rv__graph_build(rv_graph *graph, rv__owned_input *input);

/* The owner rank of ghost @p k (ghosts are grouped by owner). */
static inline int rv__graph_ghost_owner(const rv_graph *g, uint32_t k)
{
    int lo = 0, hi = g->session->size - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (g->ghost_rank_start[mid] <= k)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* The undirected structure of @p graph for METIS (graph_structure.c): this rank's
 * vertices numbered from an exclusive prefix sum over ranks, each neighbour once
 * with the number of stored edges between the two as its weight, no self-loops;
 * vertex weight 1 + out-degree. The graph must have fewer than 2^31 vertices (see
 * rv__metis_check_vertices()). Collective; returns an agreed status. */
int rv__graph_metis_structure(const rv_graph *graph, rv__metis_graph *out);

/* Frees the CSR, ghost and mirror arrays of @p graph (not the graph, nor its
 * placement), leaving it empty for another build. */
void rv__graph_clear(rv_graph *graph);

/* Places a graph that was just built with the hash placement as @p options ask
 * (graph_place.c): for METIS or a partition file, computes every vertex's part, keeps
 * the parts in a directory, moves vertices and edges to their new owners and builds
 * again; for hash, only measures. Fills graph->partition_stats. Collective. */
int rv__graph_place(rv_graph *graph, const rv_load_options *options);

/* The local index of @p id, or UINT32_MAX if this rank does not own it. */
uint32_t rv__graph_local_index(const rv_graph *graph, uint64_t id);

/* Bytes held by the graph structures on this rank. */
uint64_t rv__graph_bytes(const rv_graph *graph);

#endif /* RV_GRAPH_H */
