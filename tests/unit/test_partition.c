/* test_partition.c — unit tests of the partitioner: the hash-spread directory, METIS's input and output, partition files, limits and fallbacks (singleton MPI, or under mpirun). */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comm.h"
#include "graph.h"
#include "harness.h"
#include "partitioner/directory.h"
#include "partitioner/metis.h"
#include "partitioner/partition_file.h"
#include "session.h"

static rv_session *session;
static char tmpdir[] = "/tmp/rv-test-partition-XXXXXX";
/* Rank 0's scratch directory, for files that every rank must name alike (MPI-IO). */
static char shared_dir[sizeof tmpdir];

static int rank(void)
{
    return rv_session_rank(session);
}
static int size(void)
{
    return rv_session_size(session);
}

/* Writes @p text to NAME in this rank's scratch directory; returns its path. */
static const char *write_file(const char *name, const char *text)
{
    static char path[4][256];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/%s", tmpdir, name);
    FILE *f = fopen(p, "w");
    fputs(text, f);
    fclose(f);
    return p;
}

/* A rows x columns grid, undirected, ids 1 + r * columns + c. */
static const char *write_grid(int rows, int columns)
{
    size_t capacity = (size_t)rows * columns * 32 + 1;
    char *text = malloc(capacity), *at = text;
    *at = '\0';
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < columns; c++) {
            int v = 1 + r * columns + c;
            if (c + 1 < columns)
                at += sprintf(at, "%d %d\n", v, v + 1);
            if (r + 1 < rows)
                at += sprintf(at, "%d %d\n", v, v + columns);
        }
    const char *path = write_file("grid.e", text);
    free(text);
    return path;
}

/* ---- Directory ------------------------------------------------------------------- */

static void test_directory_build_and_lookup(void)
{
    /* Each rank contributes ids r, r + P, r + 2P, ... below 3000, in part id % 7. */
    enum { N = 3000 };
    uint64_t ids[N];
    int32_t parts[N];
    uint64_t tags[N];
    size_t n = 0;
    for (uint64_t id = (uint64_t)rank(); id < N; id += (uint64_t)size()) {
        ids[n] = id * 1000003;
        parts[n] = (int32_t)(id % 7);
        tags[n++] = id;
    }
    rv__directory d;
    uint64_t *shard_tags = NULL;
    CU_ASSERT_EQUAL_FATAL(rv__directory_build(session, ids, parts, tags, n, &d, &shard_tags), RV_OK);
    /* The shard holds exactly the ids whose hash owner is this rank, ascending. */
    uint64_t total = d.n;
    MPI_Allreduce(MPI_IN_PLACE, &total, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    CU_ASSERT_EQUAL(total, N);
    for (size_t k = 0; k < d.n; k++) {
        CU_ASSERT_EQUAL(rv__hash_owner(d.id[k], size()), rank());
        CU_ASSERT(k == 0 || d.id[k - 1] < d.id[k]);
        CU_ASSERT_EQUAL(d.part[k], (int32_t)(d.id[k] / 1000003 % 7));
        CU_ASSERT_EQUAL(shard_tags[k], d.id[k] / 1000003);
        CU_ASSERT_EQUAL(rv__directory_find(&d, d.id[k]), d.part[k]);
    }
    free(shard_tags);

    /* Every rank asks about every id, and about ids nobody listed. */
    uint64_t *ask = malloc((N + 10) * sizeof *ask);
    int32_t *answer = malloc((N + 10) * sizeof *answer);
    for (uint64_t id = 0; id < N; id++)
        ask[id] = (N - 1 - id) * 1000003;
    for (uint64_t k = 0; k < 10; k++)
        ask[N + k] = 7 + k * 1000003;
    CU_ASSERT_EQUAL(rv__directory_lookup(session, &d, ask, N + 10, answer), RV_OK);
    for (uint64_t id = 0; id < N; id++)
        CU_ASSERT_EQUAL(answer[id], (int32_t)((N - 1 - id) % 7));
    for (uint64_t k = 0; k < 10; k++)
        CU_ASSERT_EQUAL(answer[N + k], -1);
    /* An empty question is a collective no-op. */
    CU_ASSERT_EQUAL(rv__directory_lookup(session, &d, ask, 0, answer), RV_OK);
    free(ask);
    free(answer);
    rv__directory_destroy(&d);
}

static void test_directory_keeps_repeats(void)
{
    /* Rank 0 lists id 42 twice (tags 1 and 2); every rank lists id 43 once. */
    uint64_t ids[3] = {42, 43, 42};
    int32_t parts[3] = {0, 0, 1};
    uint64_t tags[3] = {1, 100 + (uint64_t)rank(), 2};
    size_t n = rank() == 0 ? 3 : 1;
    const uint64_t *my_ids = rank() == 0 ? ids : ids + 1;
    const int32_t *my_parts = rank() == 0 ? parts : parts + 1;
    const uint64_t *my_tags = rank() == 0 ? tags : tags + 1;
    rv__directory d;
    uint64_t *shard_tags = NULL;
    CU_ASSERT_EQUAL_FATAL(rv__directory_build(session, my_ids, my_parts, my_tags, n, &d, &shard_tags), RV_OK);
    size_t n42 = 0, n43 = 0;
    for (size_t k = 0; k < d.n; k++) {
        if (d.id[k] == 42) {
            /* Repeats sit side by side, in the order they were given. */
            CU_ASSERT_EQUAL(shard_tags[k], n42 + 1);
            n42++;
        }
        n43 += d.id[k] == 43;
    }
    CU_ASSERT_EQUAL(n42, rv__hash_owner(42, size()) == rank() ? 2 : 0);
    CU_ASSERT_EQUAL(n43, rv__hash_owner(43, size()) == rank() ? (size_t)size() : 0);
    free(shard_tags);
    rv__directory_destroy(&d);
}

/* ---- METIS input ------------------------------------------------------------------ */

/* Gathers the structure's entries (vertex, neighbour, weight) of all ranks and checks
 * that it is undirected, simple and weighted by multiplicity. */
static void check_structure(const rv__metis_graph *m, uint64_t expected_weight_sum)
{
    uint64_t n = m->offsets[m->n], weight_sum = 0;
    for (uint64_t v = 0; v < m->n; v++) {
        for (uint64_t k = m->offsets[v]; k < m->offsets[v + 1]; k++) {
            CU_ASSERT_NOT_EQUAL(m->adjacency[k], (int32_t)(m->first + v));          /* no self-loop */
            CU_ASSERT(k == m->offsets[v] || m->adjacency[k - 1] < m->adjacency[k]); /* no repeat */
            weight_sum += (uint64_t)m->edge_weight[k];
        }
    }
    MPI_Allreduce(MPI_IN_PLACE, &weight_sum, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    CU_ASSERT_EQUAL(weight_sum, expected_weight_sum);
    /* Symmetry: every entry (u, v, w) has its twin (v, u, w); checked on rank 0. */
    int counts[64] = {0}, displs[64] = {0}, mine = (int)(3 * n);
    int64_t *entries = malloc((3 * n + 1) * sizeof *entries), *all = NULL;
    size_t at = 0;
    for (uint64_t v = 0; v < m->n; v++)
        for (uint64_t k = m->offsets[v]; k < m->offsets[v + 1]; k++) {
            entries[at++] = (int64_t)(m->first + v);
            entries[at++] = m->adjacency[k];
            entries[at++] = m->edge_weight[k];
        }
    MPI_Gather(&mine, 1, MPI_INT, counts, 1, MPI_INT, 0, MPI_COMM_WORLD);
    int total = 0;
    for (int r = 0; rank() == 0 && r < size(); r++) {
        displs[r] = total;
        total += counts[r];
    }
    if (rank() == 0)
        all = malloc(((size_t)total + 1) * sizeof *all);
    MPI_Gatherv(entries, mine, MPI_INT64_T, all, counts, displs, MPI_INT64_T, 0, MPI_COMM_WORLD);
    for (int i = 0; rank() == 0 && i < total; i += 3) {
        bool twin = false;
        for (int j = 0; j < total && !twin; j += 3)
            twin = all[j] == all[i + 1] && all[j + 1] == all[i] && all[j + 2] == all[i + 2];
        CU_ASSERT(twin);
    }
    free(entries);
    free(all);
}

static void test_metis_structure(void)
{
    /* Directed: 1->2 twice, 2->1, 2->3, 3->3 (a loop), 4 isolated. As undirected pairs:
     * {1,2} weight 3, {2,3} weight 1: weights sum to 2 * 4 = 8. */
    rv_load_options o = {.edge_file = write_file("s.e", "1 2\n1 2\n2 1\n2 3\n3 3\n"),
                         .vertex_file = write_file("s.v", "1\n2\n3\n4\n"),
                         .weight_column = -1};
    rv_graph *g = NULL;
    CU_ASSERT_EQUAL_FATAL(rv_graph_load(session, &o, &g), RV_OK);
    rv__metis_graph m;
    CU_ASSERT_EQUAL_FATAL(rv__graph_metis_structure(g, &m), RV_OK);
    check_structure(&m, 8);
    /* Vertex weights: 1 + out-degree (the loop counts: it is work). */
    int64_t vertex_weight = 0;
    for (uint64_t v = 0; v < m.n; v++)
        vertex_weight += m.vertex_weight[v];
    MPI_Allreduce(MPI_IN_PLACE, &vertex_weight, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
    CU_ASSERT_EQUAL(vertex_weight, 4 + 5);
    rv__metis_graph_destroy(&m);
    rv_graph_free(&g);

    /* The same lines read undirected: each is stored both ways, the loop once. */
    o.undirected = true;
    CU_ASSERT_EQUAL_FATAL(rv_graph_load(session, &o, &g), RV_OK);
    CU_ASSERT_EQUAL_FATAL(rv__graph_metis_structure(g, &m), RV_OK);
    check_structure(&m, 2 * 8);
    rv__metis_graph_destroy(&m);
    rv_graph_free(&g);
}

/* ---- METIS and partition files ----------------------------------------------------- */

static void test_metis_partitions_a_grid(void)
{
    /* 40 x 40 grid into 4 parts: METIS cuts about 2 * 40 undirected edges (each stored
     * twice); hash would cut three quarters of the 2 * 3120 stored edges. */
    rv_load_options o = {.edge_file = write_grid(40, 40), .weight_column = -1, .undirected = true};
    rv_graph *g = NULL;
    CU_ASSERT_EQUAL_FATAL(rv_graph_load(session, &o, &g), RV_OK);
    char path[300];
    snprintf(path, sizeof path, "%s/grid.part", shared_dir);
    rv_partition_options options = {.n_parts = 4};
    rv_partition_stats stats;
    CU_ASSERT_EQUAL_FATAL(rv_graph_write_partition(g, &options, path, &stats), RV_OK);
    CU_ASSERT_EQUAL(stats.kind, RV_PARTITION_METIS);
    CU_ASSERT_EQUAL(stats.n_parts, 4);
    CU_ASSERT(stats.edge_cut > 0 && stats.edge_cut <= 2 * 120);
    CU_ASSERT_DOUBLE_EQUAL(stats.vertices_mean, 400.0, 1e-9);
    CU_ASSERT(stats.vertices_max <= 420); /* imbalance 1.05 on 1 + degree, about that on vertices */
    CU_ASSERT_DOUBLE_EQUAL(stats.edges_mean, 2.0 * 3120 / 4, 1e-9);

    /* The file reads back: one line per vertex, parts below 4, accepted by the reader. */
    uint64_t *ids = malloc(((size_t)g->n_local + 1) * sizeof *ids);
    for (uint32_t k = 0; k < g->n_local; k++)
        ids[k] = g->gid[g->by_id[k]];
    rv__directory d;
    CU_ASSERT_EQUAL(rv__partition_file_read(session, path, 4, ids, g->n_local, &d), RV_OK);
    uint64_t entries = d.n, per_part[4] = {0};
    for (size_t k = 0; k < d.n; k++) {
        CU_ASSERT_FATAL(d.part[k] >= 0 && d.part[k] < 4);
        per_part[d.part[k]]++;
    }
    MPI_Allreduce(MPI_IN_PLACE, &entries, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    MPI_Allreduce(MPI_IN_PLACE, per_part, 4, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    CU_ASSERT_EQUAL(entries, 1600);
    for (int k = 0; k < 4; k++)
        CU_ASSERT(per_part[k] > 0 && per_part[k] <= stats.vertices_max);
    rv__directory_destroy(&d);
    /* Too few parts for the file is refused at the first line with a larger part. */
    if (size() < 4) {
        CU_ASSERT_EQUAL(rv__partition_file_read(session, path, size(), ids, g->n_local, &d), RV_EPARSE);
        CU_ASSERT_PTR_NOT_NULL(strstr(rv_session_last_error(session), "one part per rank"));
    }
    free(ids);

    /* A load that reuses the file places every vertex where the file says. */
    if (size() == 4) {
        rv_graph *placed = NULL;
        o.partition = RV_PARTITION_FILE;
        o.partition_file = path;
        CU_ASSERT_EQUAL_FATAL(rv_graph_load(session, &o, &placed), RV_OK);
        rv_partition_stats placed_stats;
        rv_graph_partition_stats(placed, &placed_stats);
        CU_ASSERT_EQUAL(placed_stats.kind, RV_PARTITION_FILE);
        CU_ASSERT_EQUAL(placed_stats.edge_cut, stats.edge_cut);
        CU_ASSERT_EQUAL(placed_stats.vertices_max, stats.vertices_max);
        CU_ASSERT_EQUAL(rv_graph_n_vertices(placed), 1600);
        rv_graph_free(&placed);
    }
    rv_graph_free(&g);
}

static void test_metis_limits_and_fallback(void)
{
    rv_load_options o = {
        .edge_file = write_grid(10, 10), .weight_column = -1, .undirected = true, .metis_max_bytes = 1000};
    rv_graph *g = NULL;
    rv_partition_stats stats;
    /* Auto: hash, with a notice saying why, on several ranks; plain hash on one. */
    o.partition = RV_PARTITION_AUTO;
    CU_ASSERT_EQUAL_FATAL(rv_graph_load(session, &o, &g), RV_OK);
    rv_graph_partition_stats(g, &stats);
    CU_ASSERT_EQUAL(stats.kind, RV_PARTITION_HASH);
    if (size() > 1) {
        CU_ASSERT_PTR_NOT_NULL(strstr(stats.notice, "METIS would need about"));
    } else {
        CU_ASSERT_STRING_EQUAL(stats.notice, "");
    }
    rv_graph_free(&g);
    /* METIS asked for: refused, suggesting hash. */
    o.partition = RV_PARTITION_METIS;
    CU_ASSERT_EQUAL(rv_graph_load(session, &o, &g), RV_ELIMIT);
    CU_ASSERT_PTR_NULL(g);
    CU_ASSERT_PTR_NOT_NULL(strstr(rv_session_last_error(session), "partition by hash instead"));
    /* The same for a partition file. */
    o.partition = RV_PARTITION_HASH;
    CU_ASSERT_EQUAL_FATAL(rv_graph_load(session, &o, &g), RV_OK);
    char path[300];
    snprintf(path, sizeof path, "%s/never.part", shared_dir);
    rv_partition_options options = {.n_parts = 2, .metis_max_bytes = 1000};
    CU_ASSERT_EQUAL(rv_graph_write_partition(g, &options, path, NULL), RV_ELIMIT);
    options.imbalance = 0.5;
    CU_ASSERT_EQUAL(rv_graph_write_partition(g, &options, path, NULL), RV_EINVAL);
    options = (rv_partition_options){.n_parts = -1};
    CU_ASSERT_EQUAL(rv_graph_write_partition(g, &options, path, NULL), RV_EINVAL);
    rv_graph_free(&g);
    /* More vertices than METIS's 32-bit idx_t is refused before any work. */
    CU_ASSERT_EQUAL(rv__metis_check_vertices(session, UINT64_C(1) << 31), RV_ELIMIT);
    CU_ASSERT_EQUAL(rv__metis_check_vertices(session, INT32_MAX), RV_OK);
}

static void test_metis_keeps_isolated_vertices(void)
{
    /* Two triangles, and vertices 100..109 that only the vertex file names. */
    char vertices[256] = "";
    for (int v = 1; v <= 6; v++)
        sprintf(vertices + strlen(vertices), "%d\n", v);
    for (int v = 100; v < 110; v++)
        sprintf(vertices + strlen(vertices), "%d\n", v);
    rv_load_options o = {.edge_file = write_file("t.e", "1 2\n2 3\n3 1\n4 5\n5 6\n6 4\n"),
                         .vertex_file = write_file("t.v", vertices),
                         .weight_column = -1,
                         .partition = RV_PARTITION_METIS};
    rv_graph *g = NULL;
    CU_ASSERT_EQUAL_FATAL(rv_graph_load(session, &o, &g), RV_OK);
    CU_ASSERT_EQUAL(rv_graph_n_vertices(g), 16);
    CU_ASSERT_EQUAL(rv_graph_n_edges(g), 6);
    rv_partition_stats stats;
    rv_graph_partition_stats(g, &stats);
    CU_ASSERT_EQUAL(stats.kind, RV_PARTITION_METIS);
    /* On two or more ranks, the triangles are best kept whole. */
    if (size() == 2)
        CU_ASSERT_EQUAL(stats.edge_cut, 0);
    rv_graph_free(&g);

    /* An empty graph partitions too. */
    o.edge_file = write_file("empty.e", "");
    o.vertex_file = NULL;
    CU_ASSERT_EQUAL_FATAL(rv_graph_load(session, &o, &g), RV_OK);
    CU_ASSERT_EQUAL(rv_graph_n_vertices(g), 0);
    rv_graph_free(&g);
}

int main(int argc, char **argv)
{
    if (!rv_test_open(&session, tmpdir, &argc, &argv))
        return 2;
    memcpy(shared_dir, tmpdir, sizeof tmpdir);
    MPI_Bcast(shared_dir, sizeof shared_dir, MPI_CHAR, 0, MPI_COMM_WORLD);
    CU_initialize_registry();
    CU_pSuite suite = CU_add_suite("partition", NULL, NULL);
    CU_add_test(suite, "directory: build and lookup", test_directory_build_and_lookup);
    CU_add_test(suite, "directory: repeated ids kept in order", test_directory_keeps_repeats);
    CU_add_test(suite, "METIS input: undirected, simple, weighted", test_metis_structure);
    CU_add_test(suite, "METIS: a grid, its partition file read back", test_metis_partitions_a_grid);
    CU_add_test(suite, "METIS: limits, memory and fallback", test_metis_limits_and_fallback);
    CU_add_test(suite, "METIS: isolated vertices and empty graphs", test_metis_keeps_isolated_vertices);
    bool failed = rv_test_run_all();
    return rv_test_close(&session, tmpdir, failed);
}
