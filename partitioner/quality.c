/* quality.c — reducing per-rank counts into the partition quality report. */
#include "quality.h"

#include <stdlib.h>

#include "comm.h"
#include "session.h"

int rv__partition_quality(rv_session *s, int n_parts, const uint64_t *vertices, const uint64_t *edges, uint64_t cut,
                          uint64_t ghosts, rv_partition_stats *stats)
{
    /* One sum over [vertices per part, edges per part, cut, ghosts], one max of ghosts. */
    const size_t K = (size_t)n_parts;
    uint64_t *sums = malloc((2 * K + 2) * sizeof *sums);
    int status = sums ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory measuring the partition");
    status = rv__session_agree(s, status);
    if (status != RV_OK)
        return status;
    for (size_t k = 0; k < K; k++) {
        sums[k] = vertices[k];
        sums[K + k] = edges[k];
    }
    sums[2 * K] = cut;
    sums[2 * K + 1] = ghosts;
    uint64_t ghosts_max = ghosts;
    status = rv__comm_allreduce_u64(s, sums, 2 * K + 2, RV__REDUCE_SUM);
    if (status == RV_OK)
        status = rv__comm_allreduce_u64(s, &ghosts_max, 1, RV__REDUCE_MAX);
    status = rv__session_agree(s, status);
    if (status == RV_OK) {
        uint64_t n = 0, m = 0;
        stats->vertices_max = stats->edges_max = 0;
        for (size_t k = 0; k < K; k++) {
            n += sums[k];
            m += sums[K + k];
            if (sums[k] > stats->vertices_max)
                stats->vertices_max = sums[k];
            if (sums[K + k] > stats->edges_max)
                stats->edges_max = sums[K + k];
        }
        stats->n_parts = n_parts;
        stats->vertices_mean = (double)n / (double)K;
        stats->edges_mean = (double)m / (double)K;
        stats->edge_cut = sums[2 * K];
        stats->edge_cut_fraction = m ? (double)sums[2 * K] / (double)m : 0.0;
        stats->ghosts_max = ghosts_max;
        /* Ghosts are a per-rank notion: averaged over ranks, not parts. */
        stats->ghosts_mean = (double)sums[2 * K + 1] / (double)s->size;
    }
    free(sums);
    return status;
}
