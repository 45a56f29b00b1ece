/* test_build.c — unit tests of the graph build: id map, radix sort, hash placement, and CSR construction (singleton MPI). */
#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "graph.h"
#include "harness.h"
#include "idmap.h"
#include "partitioner/partitioner.h"
#include "sort.h"

static rv_session *session;
static char tmpdir[] = "/tmp/rv-test-build-XXXXXX";

static uint64_t next_random(uint64_t *state)
{
    *state += UINT64_C(0x9e3779b97f4a7c15);
    return rv__mix64(*state);
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static void test_sort_matches_qsort(void)
{
    uint64_t state = 1;
    for (size_t n = 0; n < 2000; n = n * 2 + 1) {
        for (int width = 8; width <= 64; width += 28) {
            uint64_t *a = malloc((n + 1) * sizeof *a), *b = malloc((n + 1) * sizeof *b);
            for (size_t i = 0; i < n; i++)
                a[i] = b[i] = next_random(&state) >> (64 - width);
            CU_ASSERT_EQUAL(rv__sort_u64(a, n), RV_OK);
            qsort(b, n, sizeof *b, compare_u64);
            CU_ASSERT_EQUAL(memcmp(a, b, n * sizeof *a), 0);
            free(a);
            free(b);
        }
    }
}

static void test_sort_pairs_is_stable(void)
{
    uint64_t state = 3;
    for (size_t n = 0; n < 5000; n = n * 3 + 1) {
        uint64_t *keys = malloc((n + 1) * sizeof *keys), *original = malloc((n + 1) * sizeof *original);
        uint32_t *values = malloc((n + 1) * sizeof *values);
        for (size_t i = 0; i < n; i++) {
            /* Few distinct keys, some large: duplicates test stability, and every byte varies. */
            original[i] = keys[i] = next_random(&state) % 97 * UINT64_C(0x0101010101010101) >> 1;
            values[i] = (uint32_t)i;
        }
        CU_ASSERT_EQUAL(rv__sort_u64_u32(keys, values, n), RV_OK);
        for (size_t i = 0; i < n; i++) {
            CU_ASSERT_EQUAL(keys[i], original[values[i]]);
            if (i > 0)
                CU_ASSERT(keys[i - 1] < keys[i] || (keys[i - 1] == keys[i] && values[i - 1] < values[i]));
        }
        free(keys);
        free(original);
        free(values);
    }
}

static void test_idmap_intern_numbers_first_seen(void)
{
    rv__idmap map;
    CU_ASSERT_EQUAL_FATAL(rv__idmap_init(&map, 1), RV_OK);
    enum { N = 200000 };
    uint64_t *keys = malloc(N * sizeof *keys);
    uint32_t *values = malloc(N * sizeof *values), *first = malloc(N * sizeof *first);
    uint64_t state = 11;
    /* Runs of one key (as in edge lists sorted by source) and keys seen again later. */
    for (uint32_t i = 0; i < N; i++)
        keys[i] = i % 3 == 0 ? next_random(&state) >> 1 : i % 3 == 1 ? keys[i - 1] : keys[i / 2];
    CU_ASSERT_EQUAL_FATAL(rv__idmap_intern_many(&map, keys, N / 2, values), RV_OK);
    CU_ASSERT_EQUAL_FATAL(rv__idmap_intern_many(&map, keys + N / 2, N - N / 2, values + N / 2), RV_OK);
    /* Values number the keys 0, 1, 2, ... in the order they first appear. */
    uint32_t next = 0;
    for (uint32_t i = 0; i < N; i++) {
        uint32_t seen = rv__idmap_find(&map, keys[i]);
        CU_ASSERT_EQUAL(values[i], seen);
        if (seen == next) {
            first[next++] = i;
        } else {
            CU_ASSERT(seen < next && first[seen] < i && keys[first[seen]] == keys[i]);
        }
    }
    CU_ASSERT_EQUAL(map.n, next);
    /* An absent key is not found; without a value array, only new keys are added. */
    CU_ASSERT_EQUAL(rv__idmap_find(&map, RV_ID_MAX), RV__IDMAP_NONE);
    uint64_t more[3] = {keys[5], RV_ID_MAX, 0};
    CU_ASSERT_EQUAL(rv__idmap_intern_many(&map, more, 3, NULL), RV_OK);
    CU_ASSERT_EQUAL(rv__idmap_find(&map, RV_ID_MAX), next);
    CU_ASSERT_EQUAL(map.n, next + 1 + (rv__idmap_find(&map, 0) == next + 1));
    free(keys);
    free(values);
    free(first);
    rv__idmap_destroy(&map);
}

static void test_hash_owner_range_and_balance(void)
{
    for (int P = 1; P <= 7; P++) {
        enum { N = 70000 };
        int count[7] = {0};
        for (uint64_t id = 0; id < N; id++) {
            int owner = rv__hash_owner(id, P);
            CU_ASSERT_FATAL(owner >= 0 && owner < P);
            CU_ASSERT_EQUAL(owner, rv__hash_owner(id, P)); /* deterministic */
            count[owner]++;
        }
        /* Consecutive ids spread evenly: every rank within 5% of its share. */
        for (int r = 0; r < P; r++)
            CU_ASSERT(fabs(count[r] - (double)N / P) < 0.05 * N / P);
    }
    CU_ASSERT(rv__hash_owner(RV_ID_MAX, 3) >= 0 && rv__hash_owner(RV_ID_MAX, 3) < 3);
}

static const char *write_file(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

/* The out-neighbour ids of @p id, in CSR order. */
static size_t neighbours(const rv_graph *g, uint64_t id, uint64_t *out, double *weights)
{
    uint32_t v = rv__graph_local_index(g, id);
    CU_ASSERT_FATAL(v != UINT32_MAX);
    size_t n = 0;
    for (uint64_t e = g->offsets[v]; e < g->offsets[v + 1]; e++) {
        uint32_t slot = g->targets[e];
        out[n] = slot < g->n_local ? g->gid[slot] : g->ghost_gid[slot - g->n_local];
        if (weights)
            weights[n] = g->weights[e];
        n++;
    }
    return n;
}

static void test_build_directed_with_isolated_vertices(void)
{
    char edges[256], vertices[256];
    snprintf(edges, sizeof edges, "%s", write_file("g.e", "# comment\n5 7 1.5\n5 9223372036854775807 2\n7 5 0\n\n% other comment\n7 7 3\n"));
    snprintf(vertices, sizeof vertices, "%s", write_file("g.v", "5\n7\n100\n9223372036854775807\n"));
    rv_load_options o = {.edge_file = edges, .vertex_file = vertices, .keep_weights = true, .weight_column = 0};
    rv_graph *g = NULL;
    CU_ASSERT_EQUAL_FATAL(rv_graph_load(session, &o, &g), RV_OK);
    CU_ASSERT_EQUAL(rv_graph_n_vertices(g), 4);
    CU_ASSERT_EQUAL(rv_graph_n_edges(g), 4);
    CU_ASSERT_EQUAL(g->n_ghost, 0); /* one rank owns everything */
    /* by_id lists the vertices in ascending id order; local numbers go by degree. */
    for (uint32_t k = 1; k < g->n_local; k++)
        CU_ASSERT(g->gid[g->by_id[k - 1]] < g->gid[g->by_id[k]]);
    for (uint32_t v = 1; v < g->n_local; v++)
        CU_ASSERT(g->offsets[v] - g->offsets[v - 1] >= (g->offsets[v + 1] - g->offsets[v]) / 2);
    uint64_t nb[8];
    double w[8];
    CU_ASSERT_EQUAL(neighbours(g, 5, nb, w), 2);
    CU_ASSERT(nb[0] == 7 && w[0] == 1.5 && nb[1] == RV_ID_MAX && w[1] == 2.0);
    CU_ASSERT_EQUAL(neighbours(g, 7, nb, w), 2);
    CU_ASSERT(nb[0] == 5 && w[0] == 0.0 && nb[1] == 7 && w[1] == 3.0);
    CU_ASSERT_EQUAL(neighbours(g, 100, nb, w), 0);
    CU_ASSERT_EQUAL(neighbours(g, RV_ID_MAX, nb, w), 0);
    rv_load_stats st;
    rv_graph_load_stats(g, &st);
    CU_ASSERT(st.input_bytes > 0 && st.graph_bytes_sum > 0);
    rv_graph_free(&g);
    CU_ASSERT_PTR_NULL(g);
}

static void test_build_undirected_doubles_edges(void)
{
    char edges[256];
    snprintf(edges, sizeof edges, "%s", write_file("u.e", "1 2\n2 3\n"));
    rv_load_options o = {.edge_file = edges, .undirected = true, .weight_column = -1};
    rv_graph *g = NULL;
    CU_ASSERT_EQUAL_FATAL(rv_graph_load(session, &o, &g), RV_OK);
    CU_ASSERT_EQUAL(rv_graph_n_vertices(g), 3);
    CU_ASSERT_EQUAL(rv_graph_n_edges(g), 4);
    CU_ASSERT_FALSE(rv_graph_has_weights(g));
    uint64_t nb[4];
    CU_ASSERT_EQUAL(neighbours(g, 2, nb, NULL), 2);
    CU_ASSERT((nb[0] == 1 && nb[1] == 3) || (nb[0] == 3 && nb[1] == 1));
    CU_ASSERT_EQUAL(neighbours(g, 1, nb, NULL), 1);
    CU_ASSERT_EQUAL(nb[0], 2);
    rv_graph_free(&g);
}

/* The undirected view of a directed graph with reverse marks: each line u v gives u
 * a forward edge to v and v a reverse edge to u; a reciprocal pair gives both. */
static void test_build_marks_reverse_edges(void)
{
    char edges[256];
    snprintf(edges, sizeof edges, "%s", write_file("r.e", "1 2\n2 1\n2 3\n9223372036854775807 3\n"));
    rv_load_options o = {.edge_file = edges, .undirected = true, .mark_reverse_edges = true, .weight_column = -1};
    rv_graph *g = NULL;
    CU_ASSERT_EQUAL_FATAL(rv_graph_load(session, &o, &g), RV_OK);
    CU_ASSERT_EQUAL(rv_graph_n_edges(g), 8);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g->reverse);
    struct { uint64_t from, to; int forward, reverse; } expect[] = {
        {1, 2, 1, 1}, {2, 1, 1, 1}, {2, 3, 1, 0}, {3, 2, 0, 1}, {3, RV_ID_MAX, 0, 1}, {RV_ID_MAX, 3, 1, 0},
    };
    for (size_t k = 0; k < sizeof expect / sizeof *expect; k++) {
        uint32_t v = rv__graph_local_index(g, expect[k].from);
        CU_ASSERT_FATAL(v != UINT32_MAX);
        int forward = 0, reverse = 0;
        for (uint64_t e = g->offsets[v]; e < g->offsets[v + 1]; e++) {
            uint32_t slot = g->targets[e];
            uint64_t to = slot < g->n_local ? g->gid[slot] : g->ghost_gid[slot - g->n_local];
            if (to == expect[k].to)
                g->reverse[e] ? reverse++ : forward++;
        }
        CU_ASSERT_EQUAL(forward, expect[k].forward);
        CU_ASSERT_EQUAL(reverse, expect[k].reverse);
    }
    rv_graph_free(&g);
    /* Without the option no marks are kept. */
    o.mark_reverse_edges = false;
    CU_ASSERT_EQUAL_FATAL(rv_graph_load(session, &o, &g), RV_OK);
    CU_ASSERT_PTR_NULL(g->reverse);
    rv_graph_free(&g);
}

static void test_build_reports_first_bad_line(void)
{
    char edges[256];
    snprintf(edges, sizeof edges, "%s", write_file("bad.e", "1 2\n3 4\n5 -6\n7 x\n"));
    rv_load_options o = {.edge_file = edges, .weight_column = -1};
    rv_graph *g = NULL;
    CU_ASSERT_EQUAL(rv_graph_load(session, &o, &g), RV_EPARSE);
    CU_ASSERT_PTR_NULL(g);
    CU_ASSERT_PTR_NOT_NULL(strstr(rv_session_last_error(session), "bad.e:3:"));
}

static void test_build_refuses_mixed_weight_columns(void)
{
    char edges[256];
    snprintf(edges, sizeof edges, "%s", write_file("mixed.e", "1 2 0.5\n2 3\n"));
    rv_load_options o = {.edge_file = edges, .weight_column = 0, .keep_weights = true};
    rv_graph *g = NULL;
    CU_ASSERT_EQUAL(rv_graph_load(session, &o, &g), RV_EPARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(rv_session_last_error(session), "mixed.e:2: missing weight"));
}

static void test_build_missing_file(void)
{
    rv_load_options o = {.edge_file = "/nonexistent/rivulet/graph.e", .weight_column = -1};
    rv_graph *g = NULL;
    CU_ASSERT_EQUAL(rv_graph_load(session, &o, &g), RV_EIO);
    CU_ASSERT_PTR_NOT_NULL(strstr(rv_session_last_error(session), "/nonexistent/rivulet/graph.e"));
}

/* Enough vertices for the CSR build to sort through many buckets: every vertex's
 * out-edges must come out in file order. */
static void test_build_keeps_file_order_per_vertex(void)
{
    enum { N_EDGES = 30000, N_IDS = 4000 };
    uint64_t state = 5, *src = malloc(N_EDGES * sizeof *src), *dst = malloc(N_EDGES * sizeof *dst);
    char path[256];
    snprintf(path, sizeof path, "%s/order.e", tmpdir);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    for (int i = 0; i < N_EDGES; i++) {
        /* Sparse, large ids, with a few heavy sources. */
        src[i] = (i % 5 ? next_random(&state) % N_IDS : 7) * UINT64_C(1000000007);
        dst[i] = next_random(&state) % N_IDS * UINT64_C(1000000007);
        fprintf(f, "%llu %llu\n", (unsigned long long)src[i], (unsigned long long)dst[i]);
    }
    fclose(f);
    rv_load_options o = {.edge_file = path, .weight_column = -1};
    rv_graph *g = NULL;
    CU_ASSERT_EQUAL_FATAL(rv_graph_load(session, &o, &g), RV_OK);
    CU_ASSERT_EQUAL(rv_graph_n_edges(g), N_EDGES);
    /* by_id lists the vertices in ascending id order; local numbers go by degree. */
    for (uint32_t k = 1; k < g->n_local; k++)
        CU_ASSERT(g->gid[g->by_id[k - 1]] < g->gid[g->by_id[k]]);
    for (uint32_t v = 1; v < g->n_local; v++)
        CU_ASSERT(g->offsets[v] - g->offsets[v - 1] >= (g->offsets[v + 1] - g->offsets[v]) / 2);
    uint64_t *seen = calloc(g->n_local, sizeof *seen);
    for (int i = 0; i < N_EDGES; i++) {
        uint32_t v = rv__graph_local_index(g, src[i]);
        CU_ASSERT_FATAL(v != UINT32_MAX);
        uint64_t e = g->offsets[v] + seen[v]++;
        CU_ASSERT_FATAL(e < g->offsets[v + 1]);
        uint32_t slot = g->targets[e];
        CU_ASSERT_EQUAL(slot < g->n_local ? g->gid[slot] : g->ghost_gid[slot - g->n_local], dst[i]);
    }
    for (uint32_t v = 0; v < g->n_local; v++)
        CU_ASSERT_EQUAL(g->offsets[v] + seen[v], g->offsets[v + 1]);
    free(seen);
    free(src);
    free(dst);
    rv_graph_free(&g);
}

static void test_format_double_round_trips(void)
{
    char buffer[64];
    uint64_t state = 7;
    for (int i = 0; i < 100000; i++) {
        uint64_t bits = next_random(&state);
        double x;
        memcpy(&x, &bits, sizeof x);
        if (!isfinite(x))
            continue;
        rv_format_double(x, buffer, sizeof buffer);
        CU_ASSERT_EQUAL(strtod(buffer, NULL), x);
    }
    rv_format_double(INFINITY, buffer, sizeof buffer);
    CU_ASSERT_STRING_EQUAL(buffer, "infinity");
    rv_format_double(0.1, buffer, sizeof buffer);
    CU_ASSERT_STRING_EQUAL(buffer, "0.1");
    rv_format_int64(INT64_MIN, buffer, sizeof buffer);
    CU_ASSERT_STRING_EQUAL(buffer, "-9223372036854775808");
    rv_format_int64(INT64_MAX, buffer, sizeof buffer);
    CU_ASSERT_STRING_EQUAL(buffer, "9223372036854775807");
    rv_format_int64(0, buffer, sizeof buffer);
    CU_ASSERT_STRING_EQUAL(buffer, "0");
}

int main(int argc, char **argv)
{
    if (!rv_test_open(&session, tmpdir, &argc, &argv))
        return 2;
    CU_initialize_registry();
    CU_pSuite suite = CU_add_suite("build", NULL, NULL);
    CU_add_test(suite, "radix sort matches qsort", test_sort_matches_qsort);
    CU_add_test(suite, "radix sort of pairs is stable", test_sort_pairs_is_stable);
    CU_add_test(suite, "id map interns in first-seen order", test_idmap_intern_numbers_first_seen);
    CU_add_test(suite, "hash owner range and balance", test_hash_owner_range_and_balance);
    CU_add_test(suite, "directed build with isolated vertices", test_build_directed_with_isolated_vertices);
    CU_add_test(suite, "reverse edges marked", test_build_marks_reverse_edges);
    CU_add_test(suite, "undirected build doubles edges", test_build_undirected_doubles_edges);
    CU_add_test(suite, "first bad line reported", test_build_reports_first_bad_line);
    CU_add_test(suite, "mixed weight columns refused", test_build_refuses_mixed_weight_columns);
    CU_add_test(suite, "missing file", test_build_missing_file);
    CU_add_test(suite, "file order kept per vertex", test_build_keeps_file_order_per_vertex);
    CU_add_test(suite, "doubles round-trip", test_format_double_round_trips);
    bool failed = rv_test_run_all();
    return rv_test_close(&session, tmpdir, failed);
}
