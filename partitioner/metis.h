/* metis.h — partitioning with METIS: the undirected structure is gathered on rank 0, METIS_PartGraphKway runs there, and every rank gets back the parts of its own vertices.
 *
 * Not responsible for building the structure from a graph (the engine does that, in
 * src/graph_structure.c) nor for moving vertices afterwards.
 */
#ifndef RV_PARTITIONER_METIS_H
#define RV_PARTITIONER_METIS_H

#include <stdint.h>

#include "rivulet.h"

/* One rank's share of the undirected graph METIS partitions. The vertices of all
 * ranks are numbered 0..N-1, each rank's consecutively (this rank's are first ..
 * first + n - 1), and adjacency lists name neighbours by those numbers. Each edge
 * is in both of its ends' lists with the same weight; no self-loops and no repeated
 * neighbours (METIS wants neither). */
typedef struct rv__metis_graph {
    uint64_t first;
    uint64_t n;
    uint64_t *offsets;      /* [n + 1] */
    int32_t *adjacency;     /* [offsets[n]] */
    int32_t *edge_weight;   /* [offsets[n]] */
    int32_t *vertex_weight; /* [n] */
} rv__metis_graph;

void rv__metis_graph_destroy(rv__metis_graph *graph);

typedef struct rv__metis_settings {
    int n_parts;
    double imbalance;   /* the largest part's weight over the mean (> 1) */
    uint64_t max_bytes; /* memory METIS may take on rank 0; 0: what is available there */
} rv__metis_settings;

/* What one partitioning took and found. */
typedef struct rv__metis_report {
    double gather_seconds;  /* gathering the structure on rank 0 */
    double metis_seconds;   /* METIS itself */
    double scatter_seconds; /* sending the parts back */
    int64_t objective;      /* METIS's edge cut (weighted); 0 when METIS did not run */
    bool edge_weights_used; /* false when their sum exceeded what idx_t holds */
} rv__metis_report;

/* METIS's size limit (Debian builds it with a 32-bit idx_t): vertices, adjacency
 * entries and the sum of vertex weights must each stay at or below this. */
#define RV__METIS_MAX_ENTRIES INT32_MAX

/* Whether a graph of @p n_vertices vertices could be within METIS's limits at all
 * (more vertices than idx_t holds cannot be): RV_OK or RV_ELIMIT with the reason in
 * the session's last error. Local; every rank gets the same answer. */
int rv__metis_check_vertices(rv_session *session, uint64_t n_vertices);

/* Partitions @p graph into settings->n_parts parts: each rank receives the part of
 * each of its vertices in @p parts[graph->n]. First checks, on every rank alike, that
 * METIS can take the graph (RV_ELIMIT otherwise, with a one-line reason that ends by
 * suggesting the hash partitioner) and fits in the memory of rank 0. With one part,
 * or no more vertices than parts, the answer is immediate and METIS does not run.
 * Collective; returns an agreed status. */
int rv__metis_partition(rv_session *session, const rv__metis_graph *graph, const rv__metis_settings *settings,
                        int32_t *parts, rv__metis_report *report);

#endif /* RV_PARTITIONER_METIS_H */
