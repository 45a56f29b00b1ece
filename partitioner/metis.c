/* metis.c — METIS_PartGraphKway on rank 0: the limit and memory checks, the gather of the structure, METIS itself, and the scatter of the parts. */
#include "metis.h"

#include <inttypes.h>
#include <metis.h>
#include <stdlib.h>
#include <string.h>

#include "comm.h"
#include "memory.h"
#include "session.h"

/* Where METIS runs. */
enum { ROOT = 0 };

/* METIS is seeded, so that one input always gives one partition. */
enum { METIS_SEED = 1 };

_Static_assert(sizeof(idx_t) == sizeof(int32_t), "this build expects METIS with a 32-bit idx_t (as Debian builds it)");

void rv__metis_graph_destroy(rv__metis_graph *g)
{
    free(g->offsets);
    free(g->adjacency);
    free(g->edge_weight);
    free(g->vertex_weight);
    *g = (rv__metis_graph){0};
}

int rv__metis_check_vertices(rv_session *s, uint64_t n_vertices)
{
    if (n_vertices <= RV__METIS_MAX_ENTRIES)
        return RV_OK;
    return rv__session_fail(s, RV_ELIMIT,
                            "the graph has %" PRIu64 " vertices, more than METIS can take (2^31 - 1 with its "
                            "32-bit idx_t)",
                            n_vertices);
}

/* What rank 0 holds while METIS runs: its input arrays (xadj, vertex weights, parts,
 * adjacency and edge weights) and METIS's own work space. Measured with Debian's
 * METIS 5.1 on lattices and R-MAT graphs, the work space stays below the input's
 * size; twice the input leaves a margin. */
static uint64_t metis_bytes_needed(uint64_t n, uint64_t n_adjacency, bool edge_weights)
{
    uint64_t input = 4 * (n + 1) + 4 * n + 4 * n + 4 * n_adjacency + (edge_weights ? 4 * n_adjacency : 0);
    return 3 * input;
}

/* Checks the totals against METIS's limits and rank 0's memory. Every rank reaches
 * the same verdict: the totals are reduced, and rank 0's available memory travels in
 * the same reduction. */
static int check_limits(rv_session *s, const uint64_t *totals, const rv__metis_settings *settings, bool edge_weights)
{
    const uint64_t n = totals[0], n_adjacency = totals[1], vertex_weight = totals[2];
    if (rv__metis_check_vertices(s, n) != RV_OK)
        return RV_ELIMIT;
    if (n_adjacency > RV__METIS_MAX_ENTRIES)
        return rv__session_fail(s, RV_ELIMIT,
                                "the graph has %" PRIu64 " adjacency entries (undirected, without repeats), more "
                                "than METIS can take (2^31 - 1 with its 32-bit idx_t)",
                                n_adjacency);
    if (vertex_weight > RV__METIS_MAX_ENTRIES)
        return rv__session_fail(s, RV_ELIMIT,
                                "the vertex weights (1 + out-degree) sum to %" PRIu64 ", more than METIS can take "
                                "(2^31 - 1 with its 32-bit idx_t)",
                                vertex_weight);
    uint64_t available = 0;
    if (s->rank == ROOT)
        available = settings->max_bytes ? settings->max_bytes : rv__available_bytes();
    if (rv__comm_allreduce_u64(s, &available, 1, RV__REDUCE_MAX) != RV_OK)
        return RV_EMPI;
    uint64_t needed = metis_bytes_needed(n, n_adjacency, edge_weights);
    if (needed > available)
        return rv__session_fail(s, RV_ELIMIT, "METIS would need about %.1f MB on rank 0, which has %.1f MB %s",
                                needed / 1e6, available / 1e6, settings->max_bytes ? "allowed" : "available");
    return RV_OK;
}

/* Gathers the structure on rank 0 into the arrays METIS takes. */
typedef struct gathered {
    idx_t *xadj, *adjncy, *adjwgt, *vwgt, *part;
} gathered;

static void gathered_destroy(gathered *g)
{
    free(g->xadj);
    free(g->adjncy);
    free(g->adjwgt);
    free(g->vwgt);
    free(g->part);
    *g = (gathered){0};
}

static int gather(rv_session *s, const rv__metis_graph *graph, bool edge_weights, const uint64_t *totals,
                  const uint64_t *vertex_counts, const uint64_t *adjacency_counts, gathered *out)
{
    const uint64_t n = totals[0], n_adjacency = totals[1];
    int status = RV_OK;
    int32_t *degree = malloc((graph->n ? graph->n : 1) * sizeof *degree);
    if (!degree)
        status = rv__session_fail(s, RV_ENOMEM, "out of memory preparing the graph for METIS");
    for (uint64_t v = 0; degree && v < graph->n; v++)
        degree[v] = (int32_t)(graph->offsets[v + 1] - graph->offsets[v]);
    if (s->rank == ROOT) {
        out->xadj = malloc((n + 1) * sizeof *out->xadj);
        out->vwgt = malloc((n ? n : 1) * sizeof *out->vwgt);
        out->part = malloc((n ? n : 1) * sizeof *out->part);
        out->adjncy = malloc((n_adjacency ? n_adjacency : 1) * sizeof *out->adjncy);
        if (edge_weights)
            out->adjwgt = malloc((n_adjacency ? n_adjacency : 1) * sizeof *out->adjwgt);
        if (!out->xadj || !out->vwgt || !out->part || !out->adjncy || (edge_weights && !out->adjwgt))
            status = rv__session_fail(s, RV_ENOMEM, "out of memory on rank 0 gathering the graph for METIS");
    }
    status = rv__session_agree(s, status);
    if (status == RV_OK)
        status = rv__comm_gatherv_i32(s, ROOT, degree, vertex_counts, out->xadj ? out->xadj + 1 : NULL);
    if (status == RV_OK)
        status = rv__comm_gatherv_i32(s, ROOT, graph->vertex_weight, vertex_counts, out->vwgt);
    if (status == RV_OK)
        status = rv__comm_gatherv_i32(s, ROOT, graph->adjacency, adjacency_counts, out->adjncy);
    if (status == RV_OK && edge_weights)
        status = rv__comm_gatherv_i32(s, ROOT, graph->edge_weight, adjacency_counts, out->adjwgt);
    if (status == RV_OK && s->rank == ROOT) {
        out->xadj[0] = 0;
        for (uint64_t v = 0; v < n; v++)
            out->xadj[v + 1] += out->xadj[v];
    }
    free(degree);
    return rv__session_agree(s, status);
}

/* Runs METIS on rank 0. */
static int run_metis(rv_session *s, gathered *g, uint64_t n, const rv__metis_settings *settings, int64_t *objective)
{
    if (s->rank != ROOT)
        return RV_OK;
    idx_t nvtxs = (idx_t)n, ncon = 1, nparts = settings->n_parts, objval = 0;
    real_t ubvec[1] = {(real_t)settings->imbalance};
    idx_t options[METIS_NOPTIONS];
    METIS_SetDefaultOptions(options);
    options[METIS_OPTION_SEED] = METIS_SEED;
    options[METIS_OPTION_NUMBERING] = 0;
    /* METIS prints to standard output, which may be the job's result stream. */
    options[METIS_OPTION_NOOUTPUT] = 1;
    int rc = METIS_PartGraphKway(&nvtxs, &ncon, g->xadj, g->adjncy, g->vwgt, NULL, g->adjwgt, &nparts, NULL, ubvec,
                                 options, &objval, g->part);
    *objective = objval;
    if (rc == METIS_OK)
        return RV_OK;
    if (rc == METIS_ERROR_MEMORY)
        return rv__session_fail(s, RV_ENOMEM, "METIS ran out of memory on rank 0");
    return rv__session_fail(s, RV_EINVAL, "METIS_PartGraphKway failed (code %d) on a graph of %" PRIu64 " vertices", rc,
                            n);
}

int rv__metis_partition(rv_session *s, const rv__metis_graph *graph, const rv__metis_settings *settings, int32_t *parts,
                        rv__metis_report *report)
{
    const int P = s->size;
    *report = (rv__metis_report){0};
    gathered g = {0};
    uint64_t *counts = malloc(2 * (size_t)P * sizeof *counts);
    uint64_t *vertex_counts = malloc((size_t)P * sizeof *vertex_counts);
    uint64_t *adjacency_counts = malloc((size_t)P * sizeof *adjacency_counts);
    int status = counts && vertex_counts && adjacency_counts
                     ? RV_OK
                     : rv__session_fail(s, RV_ENOMEM, "out of memory preparing METIS");
    status = rv__session_agree(s, status);
    if (status != RV_OK)
        goto done;

    /* Totals: vertices, adjacency entries, vertex weight, edge weight. */
    const uint64_t n_adjacency_here = graph->offsets[graph->n];
    uint64_t totals[4] = {graph->n, n_adjacency_here, 0, 0};
    for (uint64_t v = 0; v < graph->n; v++)
        totals[2] += (uint64_t)graph->vertex_weight[v];
    for (uint64_t k = 0; k < n_adjacency_here; k++)
        totals[3] += (uint64_t)graph->edge_weight[k];
    status = rv__session_agree(s, rv__comm_allreduce_u64(s, totals, 4, RV__REDUCE_SUM));
    if (status != RV_OK)
        goto done;
    /* Edge weights make the cut count edges as the engine stores them; but METIS sums
     * them in idx_t, so past its range it partitions by adjacency alone. */
    report->edge_weights_used = totals[3] <= RV__METIS_MAX_ENTRIES;
    status = rv__session_agree(s, check_limits(s, totals, settings, report->edge_weights_used));
    if (status != RV_OK)
        goto done;

    /* Trivial cases: METIS would divide by zero for one part, and print complaints for
     * more parts than vertices. */
    if (settings->n_parts == 1 || totals[0] <= (uint64_t)settings->n_parts) {
        for (uint64_t v = 0; v < graph->n; v++)
            parts[v] = settings->n_parts == 1 ? 0 : (int32_t)(graph->first + v);
        goto done;
    }

    double t0 = rv__now();
    uint64_t mine[2] = {graph->n, n_adjacency_here};
    status = rv__session_agree(s, rv__comm_allgather_u64s(s, mine, 2, counts));
    if (status != RV_OK)
        goto done;
    for (int r = 0; r < P; r++) {
        vertex_counts[r] = counts[2 * r];
        adjacency_counts[r] = counts[2 * r + 1];
    }
    status = gather(s, graph, report->edge_weights_used, totals, vertex_counts, adjacency_counts, &g);
    double t1 = rv__now();
    report->gather_seconds = t1 - t0;
    if (status != RV_OK)
        goto done;
    status = rv__session_agree(s, run_metis(s, &g, totals[0], settings, &report->objective));
    double t2 = rv__now();
    report->metis_seconds = t2 - t1;
    if (status != RV_OK)
        goto done;
    int64_t objective = report->objective;
    status = rv__comm_allreduce_u64(s, (uint64_t *)&objective, 1, RV__REDUCE_MAX);
    if (status == RV_OK)
        status = rv__comm_scatterv_i32(s, ROOT, g.part, vertex_counts, parts);
    status = rv__session_agree(s, status);
    report->objective = objective;
    report->scatter_seconds = rv__now() - t2;
done:
    gathered_destroy(&g);
    free(counts);
    free(vertex_counts);
    free(adjacency_counts);
    return status;
}
