/* rv_oracle.c — rv-oracle: random test graphs and independent expected outputs (SSSP, PageRank, BFS, WCC) by igraph.
 *
 * Not part of rivulet: this program shares no code with the engine, so that a bug
 * in rivulet's loader or algorithms cannot hide in its own answer key.
 *
 *   rv-oracle gen --vertices N --edges M --seed S [--model gnm|powerlaw|ba]
 *                 [--undirected] [--sparse-ids] [--isolated K] [--weights]
 *                 --edges-out FILE --vertices-out FILE
 *       A random simple graph (no self-loops, no multi-edges) from igraph:
 *       gnm = igraph_erdos_renyi_game_gnm (exactly M edges), powerlaw =
 *       igraph_static_power_law_game (exactly M edges, skewed degrees), ba =
 *       igraph_barabasi_game (about M edges, one heavy in-degree hub region).
 *       K more vertices without edges are added. Ids are the igraph indices
 *       0..n-1, or with --sparse-ids a random injective map into [0, 2^63-1] that
 *       includes ids >= 2^32, 2^53+1 (not a double) and ids next to 2^63-1. Edge
 *       lines are shuffled; an undirected edge is written once, in a random
 *       orientation. With --weights every line gets a weight in [0, 10): some 0,
 *       many decimal fractions such as 0.3 whose sums are not exact in binary,
 *       some integers and some full-precision doubles. Numbers are written in the
 *       shortest of %.15g/%.16g/%.17g that reads back as the same double.
 *       The vertex file lists every id once, ascending. Prints a one-line summary.
 *
 *   rv-oracle sssp --source ID [--undirected] [--output FILE] EDGES VERTICES
 *       Shortest-path distances from ID (igraph_distances_dijkstra; out-edges on a
 *       directed graph). A line without a weight weighs 1. Unreachable: infinity.
 *
 *   rv-oracle bfs --source ID [--undirected] [--output FILE] EDGES VERTICES
 *       Hop depths from ID (igraph_distances, unweighted; out-edges on a directed
 *       graph), as integers; 9223372036854775807 where unreachable.
 *
 *   rv-oracle wcc [--undirected] [--output FILE] EDGES VERTICES
 *       Weakly connected components (igraph_connected_components, IGRAPH_WEAK),
 *       each vertex labelled with the smallest id of its component.
 *
 *   rv-oracle pagerank --iterations K --damping D [--undirected] [--output FILE]
 *                      [--tolerance EPS] EDGES VERTICES
 *       Exactly K Graphalytics PageRank iterations (start 1/n; the rank of sinks is
 *       spread over all vertices), on igraph's adjacency lists and degrees, summed
 *       in long double. With --tolerance, stops after the first iteration whose L1
 *       change (summed over all vertices) is below EPS, K being a cap, and prints
 *       `iterations N` (how many ran) on standard output; --output is then required.
 *
 *   rv-oracle pagerank --check-converged --damping D [--undirected] EDGES VERTICES
 *       Runs the same iteration until the L1 change is below 1e-15 (at most 10000
 *       iterations) and compares it with igraph_pagerank (PRPACK): exit 1 when any
 *       vertex differs by more than 1e-9 relative. This checks our iteration
 *       against an independent solver.
 *
 *   rv-oracle pagerank --compare-prpack FILE --max-l1 B --damping D [--undirected]
 *                      EDGES VERTICES
 *       Reads ranks from FILE (`id value` lines, every vertex exactly once) and
 *       compares them with igraph_pagerank (PRPACK): exit 1 when their L1 distance
 *       exceeds B. This checks a run that stopped at a tolerance.
 *
 * EDGES holds `src dst [weight]` lines (blank lines and lines starting with '#' or
 * '%' skipped); VERTICES holds one id per line (further columns ignored), or is
 * `-` to take the vertices from the edges. Ids are decimal integers in
 * [0, 2^63-1]; igraph's vertex indices stay internal (index = rank of the id).
 * Input must be a simple graph. Output: one `id value` line per vertex, ascending
 * id, values in shortest round-trip form, `infinity` for +inf.
 *
 * Exit status: 0 success, 1 check failed (--check-converged, --compare-prpack), 2 usage, input or
 * igraph error.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <igraph.h>

enum { EXIT_OK = 0, EXIT_CHECK_FAILED = 1, EXIT_ERROR = 2 };

#define ID_MAX ((uint64_t)INT64_MAX)

/* Checks an igraph call; on failure records it and jumps to the function's `done`. */
#define IG(call)                                                                                \
    do {                                                                                        \
        igraph_error_t ig_status_ = (call);                                                     \
        if (ig_status_ != IGRAPH_SUCCESS) {                                                     \
            fprintf(stderr, "rv-oracle: %s failed: %s\n", #call, igraph_strerror(ig_status_)); \
            status = EXIT_ERROR;                                                                \
            goto done;                                                                          \
        }                                                                                       \
    } while (0)

/* ---- Small helpers ------------------------------------------------------------ */

/* splitmix64: our own generator for ids, weights and shuffling, so the files do not
 * depend on how igraph consumes its random stream beyond the graph itself. */
typedef struct rng64 {
    uint64_t state;
} rng64;

static uint64_t rng64_next(rng64 *rng)
{
    uint64_t z = (rng->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, bound), bound > 0, without modulo bias. */
static uint64_t rng64_below(rng64 *rng, uint64_t bound)
{
    uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t x;
    do
        x = rng64_next(rng);
    while (x >= limit);
    return x % bound;
}

/* Uniform in [0, 1). */
static double rng64_unit(rng64 *rng)
{
    return (double)(rng64_next(rng) >> 11) * 0x1.0p-53;
}

/* Writes @p x in the shortest %.Ng form (N = 15, 16, 17) that strtod() reads back
 * as @p x; "infinity" for +inf. */
static void format_double(double x, char *buffer, size_t capacity)
{
    if (isinf(x)) {
        snprintf(buffer, capacity, "%s", x > 0 ? "infinity" : "-infinity");
        return;
    }
    for (int precision = 15; precision <= 17; precision++) {
        snprintf(buffer, capacity, "%.*g", precision, x);
        if (strtod(buffer, NULL) == x)
            return;
    }
}

/* Parses a whole string as an id in [0, 2^63-1]. */
static bool parse_id_text(const char *text, uint64_t *out)
{
    if (*text < '0' || *text > '9')
        return false;
    uint64_t v = 0;
    for (const char *p = text; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            return false;
        unsigned digit = (unsigned)(*p - '0');
        if (v > (ID_MAX - digit) / 10)
            return false;
        v = v * 10 + digit;
    }
    *out = v;
    return true;
}

static bool parse_int_text(const char *text, long long min, long long max, long long *out)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

static bool parse_double_text(const char *text, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !isfinite(v))
        return false;
    *out = v;
    return true;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : (x > y);
}

/* Index of @p id in the sorted array, or -1. */
static int64_t find_id(const uint64_t *ids, size_t n, uint64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && ids[lo] == id ? (int64_t)lo : -1;
}

/* A growable array of uint64 or double. */
typedef struct u64_array {
    uint64_t *v;
    size_t n, capacity;
} u64_array;

static bool u64_push(u64_array *a, uint64_t x)
{
    if (a->n == a->capacity) {
        size_t capacity = a->capacity ? 2 * a->capacity : 1024;
        uint64_t *bigger = realloc(a->v, capacity * sizeof *bigger);
        if (bigger == NULL)
            return false;
        a->v = bigger;
        a->capacity = capacity;
    }
    a->v[a->n++] = x;
    return true;
}

typedef struct f64_array {
    double *v;
    size_t n, capacity;
} f64_array;

static bool f64_push(f64_array *a, double x)
{
    if (a->n == a->capacity) {
        size_t capacity = a->capacity ? 2 * a->capacity : 1024;
        double *bigger = realloc(a->v, capacity * sizeof *bigger);
        if (bigger == NULL)
            return false;
        a->v = bigger;
        a->capacity = capacity;
    }
    a->v[a->n++] = x;
    return true;
}

/* ---- Reading a graph ------------------------------------------------------------ */

/* A graph read from files: igraph vertex k is ids[k] (ascending). */
typedef struct loaded_graph {
    igraph_t graph;
    bool graph_made;
    uint64_t *ids;
    size_t n;
    igraph_vector_t weights; /* one per igraph edge; 1.0 for lines without weight */
    bool weights_made;
    bool any_weight;
} loaded_graph;

static void loaded_graph_destroy(loaded_graph *g)
{
    if (g->graph_made)
        igraph_destroy(&g->graph);
    if (g->weights_made)
        igraph_vector_destroy(&g->weights);
    free(g->ids);
    memset(g, 0, sizeof *g);
}

/* Splits @p line in place into at most @p max fields separated by blanks; returns
 * the number of fields, or max + 1 when there are more. */
static int split_fields(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        if (*p == '\0')
            return n;
        if (n == max)
            return max + 1;
        fields[n++] = p;
        while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            p++;
        if (*p != '\0')
            *p++ = '\0';
    }
}

static bool skip_line(const char *line)
{
    while (*line == ' ' || *line == '\t')
        line++;
    return *line == '\0' || *line == '\n' || *line == '\r' || *line == '#' || *line == '%';
}

/* Reads a whole line of any length; returns false at end of file. */
static bool read_line(FILE *f, char **buffer, size_t *capacity)
{
    size_t n = 0;
    if (*buffer == NULL) {
        *capacity = 256;
        *buffer = malloc(*capacity);
        if (*buffer == NULL)
            return false;
    }
    for (;;) {
        if (fgets(*buffer + n, (int)(*capacity - n), f) == NULL)
            return n > 0;
        n += strlen(*buffer + n);
        if (n > 0 && (*buffer)[n - 1] == '\n')
            return true;
        if (n + 1 < *capacity) /* last line without '\n' (or a NUL byte in it) */
            return true;
        char *bigger = realloc(*buffer, *capacity * 2);
        if (bigger == NULL)
            return false;
        *buffer = bigger;
        *capacity *= 2;
    }
}

static int load_graph(const char *edges_path, const char *vertices_path, bool undirected, loaded_graph *out)
{
    int status = EXIT_ERROR;
    memset(out, 0, sizeof *out);
    u64_array src = {0}, dst = {0}, ids = {0};
    f64_array weight = {0};
    char *line = NULL;
    size_t capacity = 0;
    uint64_t line_no = 0, first_without = 0, first_with = 0;
    igraph_vector_int_t edges;
    bool edges_made = false;
    FILE *f = fopen(edges_path, "r");
    if (f == NULL) {
        fprintf(stderr, "rv-oracle: %s: %s\n", edges_path, strerror(errno));
        goto done;
    }
    while (read_line(f, &line, &capacity)) {
        line_no++;
        if (skip_line(line))
            continue;
        char *fields[3];
        int n_fields = split_fields(line, fields, 3);
        uint64_t s, d;
        double w = 1.0;
        if (n_fields < 2 || n_fields > 3) {
            fprintf(stderr, "rv-oracle: %s:%" PRIu64 ": expected 'src dst [weight]'\n", edges_path, line_no);
            goto done;
        }
        if (!parse_id_text(fields[0], &s) || !parse_id_text(fields[1], &d)) {
            fprintf(stderr, "rv-oracle: %s:%" PRIu64 ": vertex id not in [0, 2^63-1]\n", edges_path, line_no);
            goto done;
        }
        if (n_fields == 3) {
            if (!parse_double_text(fields[2], &w) || w < 0) {
                fprintf(stderr, "rv-oracle: %s:%" PRIu64 ": weight is not a finite number >= 0\n", edges_path,
                        line_no);
                goto done;
            }
            if (first_with == 0)
                first_with = line_no;
        } else if (first_without == 0)
            first_without = line_no;
        if (s == d) {
            fprintf(stderr, "rv-oracle: %s:%" PRIu64 ": self-loop (the oracle needs a simple graph)\n", edges_path,
                    line_no);
            goto done;
        }
        if (!u64_push(&src, s) || !u64_push(&dst, d) || !f64_push(&weight, w))
            goto oom;
    }
    if (ferror(f)) {
        fprintf(stderr, "rv-oracle: %s: read error\n", edges_path);
        goto done;
    }
    fclose(f);
    f = NULL;
    if (first_with != 0 && first_without != 0) {
        fprintf(stderr, "rv-oracle: %s: line %" PRIu64 " has a weight but line %" PRIu64 " has none\n", edges_path,
                first_with, first_without);
        goto done;
    }
    out->any_weight = first_with != 0;

    if (strcmp(vertices_path, "-") != 0) {
        f = fopen(vertices_path, "r");
        if (f == NULL) {
            fprintf(stderr, "rv-oracle: %s: %s\n", vertices_path, strerror(errno));
            goto done;
        }
        line_no = 0;
        while (read_line(f, &line, &capacity)) {
            line_no++;
            if (skip_line(line))
                continue;
            char *fields[1];
            uint64_t id;
            if (split_fields(line, fields, 1) < 1 || !parse_id_text(fields[0], &id)) {
                fprintf(stderr, "rv-oracle: %s:%" PRIu64 ": vertex id not in [0, 2^63-1]\n", vertices_path, line_no);
                goto done;
            }
            if (!u64_push(&ids, id))
                goto oom;
        }
        fclose(f);
        f = NULL;
        qsort(ids.v, ids.n, sizeof *ids.v, compare_u64);
        for (size_t k = 1; k < ids.n; k++)
            if (ids.v[k] == ids.v[k - 1]) {
                fprintf(stderr, "rv-oracle: %s: vertex %" PRIu64 " listed twice\n", vertices_path, ids.v[k]);
                goto done;
            }
        for (size_t k = 0; k < src.n; k++)
            if (find_id(ids.v, ids.n, src.v[k]) < 0 || find_id(ids.v, ids.n, dst.v[k]) < 0) {
                fprintf(stderr, "rv-oracle: %s: edge %" PRIu64 " -> %" PRIu64 " names a vertex missing from %s\n",
                        edges_path, src.v[k], dst.v[k], vertices_path);
                goto done;
            }
    } else {
        for (size_t k = 0; k < src.n; k++)
            if (!u64_push(&ids, src.v[k]) || !u64_push(&ids, dst.v[k]))
                goto oom;
        qsort(ids.v, ids.n, sizeof *ids.v, compare_u64);
        size_t unique = 0;
        for (size_t k = 0; k < ids.n; k++)
            if (unique == 0 || ids.v[k] != ids.v[unique - 1])
                ids.v[unique++] = ids.v[k];
        ids.n = unique;
    }

    if (igraph_vector_int_init(&edges, (igraph_integer_t)(2 * src.n)) != IGRAPH_SUCCESS)
        goto oom;
    edges_made = true;
    for (size_t k = 0; k < src.n; k++) {
        VECTOR(edges)[2 * k] = (igraph_integer_t)find_id(ids.v, ids.n, src.v[k]);
        VECTOR(edges)[2 * k + 1] = (igraph_integer_t)find_id(ids.v, ids.n, dst.v[k]);
    }
    IG(igraph_create(&out->graph, &edges, (igraph_integer_t)ids.n, !undirected));
    out->graph_made = true;
    igraph_bool_t simple = false;
    IG(igraph_is_simple(&out->graph, &simple));
    if (!simple) {
        fprintf(stderr, "rv-oracle: %s: the same edge appears twice%s (the oracle needs a simple graph)\n", edges_path,
                undirected ? " (in either orientation)" : "");
        goto done;
    }
    IG(igraph_vector_init(&out->weights, (igraph_integer_t)weight.n));
    out->weights_made = true;
    for (size_t k = 0; k < weight.n; k++)
        VECTOR(out->weights)[k] = weight.v[k];
    out->ids = ids.v;
    out->n = ids.n;
    ids.v = NULL;
    status = EXIT_OK;
    goto done;
oom:
    fprintf(stderr, "rv-oracle: out of memory\n");
done:
    if (f != NULL)
        fclose(f);
    if (edges_made)
        igraph_vector_int_destroy(&edges);
    if (status != EXIT_OK)
        loaded_graph_destroy(out);
    free(line);
    free(src.v);
    free(dst.v);
    free(ids.v);
    free(weight.v);
    return status;
}

/* ---- Output -------------------------------------------------------------------- */

static int write_values(const char *path, const uint64_t *ids, const double *values, size_t n)
{
    FILE *out = path == NULL || strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (out == NULL) {
        fprintf(stderr, "rv-oracle: %s: %s\n", path, strerror(errno));
        return EXIT_ERROR;
    }
    char text[64];
    for (size_t k = 0; k < n; k++) {
        format_double(values[k], text, sizeof text);
        fprintf(out, "%" PRIu64 " %s\n", ids[k], text);
    }
    bool failed = ferror(out) != 0;
    if (out != stdout)
        failed |= fclose(out) != 0;
    else
        failed |= fflush(out) != 0;
    if (failed) {
        fprintf(stderr, "rv-oracle: %s: write error\n", path ? path : "stdout");
        return EXIT_ERROR;
    }
    return EXIT_OK;
}

static int write_int64s(const char *path, const uint64_t *ids, const int64_t *values, size_t n)
{
    FILE *out = path == NULL || strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (out == NULL) {
        fprintf(stderr, "rv-oracle: %s: %s\n", path, strerror(errno));
        return EXIT_ERROR;
    }
    for (size_t k = 0; k < n; k++)
        fprintf(out, "%" PRIu64 " %" PRId64 "\n", ids[k], values[k]);
    bool failed = ferror(out) != 0;
    if (out != stdout)
        failed |= fclose(out) != 0;
    else
        failed |= fflush(out) != 0;
    if (failed) {
        fprintf(stderr, "rv-oracle: %s: write error\n", path ? path : "stdout");
        return EXIT_ERROR;
    }
    return EXIT_OK;
}

/* ---- Subcommand options ---------------------------------------------------------- */

typedef struct options {
    /* gen */
    long long vertices, edges, isolated;
    uint64_t seed;
    bool seed_set, sparse_ids, weights;
    const char *model, *edges_out, *vertices_out;
    /* sssp / pagerank */
    uint64_t source;
    bool source_set;
    long long iterations;
    double damping, tolerance, max_l1;
    bool damping_set, check_converged, tolerance_set, max_l1_set;
    const char *output, *compare_prpack;
    /* common */
    bool undirected;
    const char *positional[2];
    int n_positional;
} options;

static void usage(FILE *out)
{
    fprintf(out,
            "usage:\n"
            "  rv-oracle gen --vertices N --edges M --seed S [--model gnm|powerlaw|ba] [--undirected]\n"
            "                [--sparse-ids] [--isolated K] [--weights] --edges-out FILE --vertices-out FILE\n"
            "  rv-oracle sssp --source ID [--undirected] [--output FILE] EDGES VERTICES|-\n"
            "  rv-oracle bfs --source ID [--undirected] [--output FILE] EDGES VERTICES|-\n"
            "  rv-oracle wcc [--undirected] [--output FILE] EDGES VERTICES|-\n"
            "  rv-oracle pagerank --iterations K --damping D [--undirected] [--output FILE] [--tolerance EPS]\n"
            "                     EDGES VERTICES|-\n"
            "  rv-oracle pagerank --check-converged --damping D [--undirected] EDGES VERTICES|-\n"
            "  rv-oracle pagerank --compare-prpack FILE --max-l1 B --damping D [--undirected] EDGES VERTICES|-\n");
}

/* Parses argv[2..]; returns EXIT_OK or EXIT_ERROR (after a message). */
static int parse_options(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->model = "gnm";
    o->iterations = -1;
    for (int k = 2; k < argc; k++) {
        const char *a = argv[k];
        bool has_value = k + 1 < argc;
        const char *v = has_value ? argv[k + 1] : NULL;
        long long x;
        bool takes_value = true;
        bool ok = true;
        if (strcmp(a, "--undirected") == 0) {
            o->undirected = true;
            takes_value = false;
        } else if (strcmp(a, "--sparse-ids") == 0) {
            o->sparse_ids = true;
            takes_value = false;
        } else if (strcmp(a, "--weights") == 0) {
            o->weights = true;
            takes_value = false;
        } else if (strcmp(a, "--check-converged") == 0) {
            o->check_converged = true;
            takes_value = false;
        } else if (a[0] == '-' && a[1] == '-' && !has_value) {
            fprintf(stderr, "rv-oracle: option %s needs a value (or is unknown)\n", a);
            return EXIT_ERROR;
        } else if (strcmp(a, "--vertices") == 0) {
            ok = parse_int_text(v, 1, 100000000, &o->vertices);
        } else if (strcmp(a, "--edges") == 0) {
            ok = parse_int_text(v, 0, 1000000000, &o->edges);
        } else if (strcmp(a, "--isolated") == 0) {
            ok = parse_int_text(v, 0, 100000000, &o->isolated);
        } else if (strcmp(a, "--seed") == 0) {
            ok = parse_int_text(v, 0, INT64_MAX, &x);
            o->seed = (uint64_t)x;
            o->seed_set = true;
        } else if (strcmp(a, "--model") == 0) {
            o->model = v;
            ok = strcmp(v, "gnm") == 0 || strcmp(v, "powerlaw") == 0 || strcmp(v, "ba") == 0;
        } else if (strcmp(a, "--edges-out") == 0) {
            o->edges_out = v;
        } else if (strcmp(a, "--vertices-out") == 0) {
            o->vertices_out = v;
        } else if (strcmp(a, "--source") == 0) {
            ok = parse_id_text(v, &o->source);
            o->source_set = true;
        } else if (strcmp(a, "--iterations") == 0) {
            ok = parse_int_text(v, 0, 100000000, &o->iterations);
        } else if (strcmp(a, "--damping") == 0) {
            ok = parse_double_text(v, &o->damping) && o->damping >= 0 && o->damping <= 1;
            o->damping_set = true;
        } else if (strcmp(a, "--tolerance") == 0) {
            ok = parse_double_text(v, &o->tolerance) && o->tolerance > 0;
            o->tolerance_set = true;
        } else if (strcmp(a, "--max-l1") == 0) {
            ok = parse_double_text(v, &o->max_l1) && o->max_l1 >= 0;
            o->max_l1_set = true;
        } else if (strcmp(a, "--compare-prpack") == 0) {
            o->compare_prpack = v;
        } else if (strcmp(a, "--output") == 0) {
            o->output = v;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "rv-oracle: unknown option '%s'\n", a);
            return EXIT_ERROR;
        } else {
            takes_value = false;
            if (o->n_positional == 2) {
                fprintf(stderr, "rv-oracle: too many arguments ('%s')\n", a);
                return EXIT_ERROR;
            }
            o->positional[o->n_positional++] = a;
        }
        if (!ok) {
            fprintf(stderr, "rv-oracle: bad value for %s: '%s'\n", a, v);
            return EXIT_ERROR;
        }
        if (takes_value)
            k++;
    }
    return EXIT_OK;
}

/* ---- gen ------------------------------------------------------------------------ */

/* A weight in [0, 10) from a mix that exercises zero weights and inexact sums. */
static double random_weight(rng64 *rng)
{
    uint64_t kind = rng64_below(rng, 100);
    if (kind < 8)
        return 0.0;
    if (kind < 45)
        return (double)(1 + rng64_below(rng, 99)) / 10.0; /* 0.1 .. 9.9 */
    if (kind < 60)
        return (double)(1 + rng64_below(rng, 9));
    double w = rng64_unit(rng) * 10.0;
    return w < 10.0 ? w : 0.0;
}

/* Fills ids[0..n) with distinct ids: 0..n-1 in order, or (sparse) a shuffled
 * sample that includes hand-picked hard cases and values from every magnitude. */
static int make_ids(uint64_t *ids, size_t n, bool sparse, rng64 *rng)
{
    if (!sparse) {
        for (size_t k = 0; k < n; k++)
            ids[k] = k;
        return EXIT_OK;
    }
    static const uint64_t special[] = {
        ID_MAX,           ID_MAX - 1,       ID_MAX - 2,         (1ull << 32),        (1ull << 32) - 1,
        (1ull << 32) + 1, (1ull << 31),     (1ull << 31) - 1,   (1ull << 53) + 1,    (1ull << 62),
        0,                1,                (1ull << 53) - 1,    4611686018427387903ull, 1000000000000000000ull,
    };
    size_t n_special = sizeof special / sizeof special[0];
    size_t pool_capacity = 2 * n + n_special + 16;
    uint64_t *pool = malloc(pool_capacity * sizeof *pool);
    if (pool == NULL) {
        fprintf(stderr, "rv-oracle: out of memory\n");
        return EXIT_ERROR;
    }
    size_t have = 0;
    /* Hand-picked ids first (a random subset when the graph is tiny). */
    for (size_t k = 0; k < n_special; k++)
        if (n >= 2 * n_special || rng64_below(rng, 2) == 0)
            pool[have++] = special[k];
    for (;;) {
        while (have < pool_capacity) {
            uint64_t kind = rng64_below(rng, 4), id;
            if (kind == 0)
                id = rng64_below(rng, 100 * (uint64_t)n + 1000); /* small */
            else if (kind == 1)
                id = rng64_below(rng, 1ull << 32); /* fits 32 bits */
            else if (kind == 2)
                id = (1ull << 32) + rng64_below(rng, ID_MAX - (1ull << 32) + 1); /* beyond 32 bits */
            else
                id = ID_MAX - rng64_below(rng, 1000 * (uint64_t)n + 1000); /* near 2^63-1 */
            pool[have++] = id;
        }
        qsort(pool, have, sizeof *pool, compare_u64);
        size_t unique = 0;
        for (size_t k = 0; k < have; k++)
            if (unique == 0 || pool[k] != pool[unique - 1])
                pool[unique++] = pool[k];
        have = unique;
        if (have >= n)
            break;
    }
    /* Keep every special id that made it into the pool, then a random sample of the
     * rest: a partial Fisher-Yates over the pool's non-special part. */
    size_t chosen = 0;
    for (size_t k = 0; k < have && chosen < n; k++) {
        bool is_special = false;
        for (size_t s = 0; s < n_special; s++)
            is_special |= pool[k] == special[s];
        if (is_special) {
            uint64_t t = pool[chosen];
            pool[chosen] = pool[k];
            pool[k] = t;
            chosen++;
        }
    }
    for (size_t k = chosen; k < n; k++) {
        size_t pick = k + (size_t)rng64_below(rng, have - k);
        uint64_t t = pool[k];
        pool[k] = pool[pick];
        pool[pick] = t;
    }
    /* Assign in random order, so id size says nothing about degree. */
    for (size_t k = n; k > 1; k--) {
        size_t pick = (size_t)rng64_below(rng, k);
        uint64_t t = pool[k - 1];
        pool[k - 1] = pool[pick];
        pool[pick] = t;
    }
    memcpy(ids, pool, n * sizeof *ids);
    free(pool);
    return EXIT_OK;
}

static int command_gen(const options *o)
{
    int status = EXIT_ERROR;
    igraph_t graph;
    bool graph_made = false;
    igraph_vector_int_t edge_list, degree;
    bool edge_list_made = false, degree_made = false;
    uint64_t *ids = NULL, *sorted_ids = NULL;
    size_t *order = NULL;
    FILE *ef = NULL, *vf = NULL;

    if (o->vertices <= 0 || !o->seed_set || o->edges_out == NULL || o->vertices_out == NULL || o->n_positional) {
        fprintf(stderr, "rv-oracle gen: --vertices, --edges, --seed, --edges-out and --vertices-out are needed\n");
        usage(stderr);
        return EXIT_ERROR;
    }
    long long n = o->vertices, m = o->edges;
    long long max_edges = o->undirected ? n * (n - 1) / 2 : n * (n - 1);
    if (m > max_edges) {
        fprintf(stderr, "rv-oracle gen: %lld edges do not fit in a simple graph of %lld vertices\n", m, n);
        return EXIT_ERROR;
    }
    bool directed = !o->undirected;
    IG(igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)o->seed));
    if (strcmp(o->model, "gnm") == 0) {
        IG(igraph_erdos_renyi_game_gnm(&graph, n, m, directed, false));
    } else if (strcmp(o->model, "powerlaw") == 0) {
        /* Exponent 2.1: a few hubs with degree in the hundreds at these sizes. */
        IG(igraph_static_power_law_game(&graph, n, m, 2.1, directed ? 2.1 : -1, false, false, true));
    } else {
        /* Preferential attachment: new vertices point at old ones, so on a directed
         * graph the first vertices collect a large in-degree and vertex 0 is a sink. */
        igraph_integer_t per_vertex = m / n > 0 ? m / n : 1;
        IG(igraph_barabasi_game(&graph, n, 1.0, per_vertex, NULL, true, 1.0, directed, IGRAPH_BARABASI_PSUMTREE,
                                NULL));
    }
    graph_made = true;
    IG(igraph_simplify(&graph, true, true, NULL));
    if (o->isolated > 0)
        IG(igraph_add_vertices(&graph, o->isolated, NULL));

    size_t n_total = (size_t)igraph_vcount(&graph), n_edges = (size_t)igraph_ecount(&graph);
    IG(igraph_vector_int_init(&edge_list, 0));
    edge_list_made = true;
    IG(igraph_get_edgelist(&graph, &edge_list, false));

    rng64 rng = {o->seed ^ 0x5D1A0C7E3B29F481ull};
    ids = malloc(n_total * sizeof *ids);
    sorted_ids = malloc(n_total * sizeof *sorted_ids);
    order = malloc((n_edges + 1) * sizeof *order);
    if (ids == NULL || sorted_ids == NULL || order == NULL) {
        fprintf(stderr, "rv-oracle: out of memory\n");
        goto done;
    }
    if (make_ids(ids, n_total, o->sparse_ids, &rng) != EXIT_OK)
        goto done;

    ef = fopen(o->edges_out, "w");
    if (ef == NULL) {
        fprintf(stderr, "rv-oracle: %s: %s\n", o->edges_out, strerror(errno));
        goto done;
    }
    for (size_t k = 0; k < n_edges; k++)
        order[k] = k;
    for (size_t k = n_edges; k > 1; k--) {
        size_t pick = (size_t)rng64_below(&rng, k);
        size_t t = order[k - 1];
        order[k - 1] = order[pick];
        order[pick] = t;
    }
    char text[64];
    for (size_t k = 0; k < n_edges; k++) {
        size_t e = order[k];
        igraph_integer_t from = VECTOR(edge_list)[2 * e], to = VECTOR(edge_list)[2 * e + 1];
        if (o->undirected && rng64_below(&rng, 2) == 0) {
            igraph_integer_t t = from;
            from = to;
            to = t;
        }
        fprintf(ef, "%" PRIu64 " %" PRIu64, ids[from], ids[to]);
        if (o->weights) {
            format_double(random_weight(&rng), text, sizeof text);
            fprintf(ef, " %s", text);
        }
        fputc('\n', ef);
    }
    if (ferror(ef) || fclose(ef) != 0) {
        ef = NULL;
        fprintf(stderr, "rv-oracle: %s: write error\n", o->edges_out);
        goto done;
    }
    ef = NULL;

    vf = fopen(o->vertices_out, "w");
    if (vf == NULL) {
        fprintf(stderr, "rv-oracle: %s: %s\n", o->vertices_out, strerror(errno));
        goto done;
    }
    memcpy(sorted_ids, ids, n_total * sizeof *ids);
    qsort(sorted_ids, n_total, sizeof *sorted_ids, compare_u64);
    for (size_t k = 0; k < n_total; k++)
        fprintf(vf, "%" PRIu64 "\n", sorted_ids[k]);
    if (ferror(vf) || fclose(vf) != 0) {
        vf = NULL;
        fprintf(stderr, "rv-oracle: %s: write error\n", o->vertices_out);
        goto done;
    }
    vf = NULL;

    /* A summary for the test log: how skewed and how sparse the graph came out. */
    IG(igraph_vector_int_init(&degree, 0));
    degree_made = true;
    IG(igraph_degree(&graph, &degree, igraph_vss_all(), IGRAPH_OUT, IGRAPH_LOOPS));
    size_t sinks = 0;
    for (size_t k = 0; k < n_total; k++)
        sinks += VECTOR(degree)[k] == 0;
    igraph_integer_t max_out = n_total ? igraph_vector_int_max(&degree) : 0;
    IG(igraph_degree(&graph, &degree, igraph_vss_all(), IGRAPH_IN, IGRAPH_LOOPS));
    size_t isolated = 0;
    igraph_integer_t max_in = n_total ? igraph_vector_int_max(&degree) : 0;
    IG(igraph_degree(&graph, &degree, igraph_vss_all(), IGRAPH_ALL, IGRAPH_LOOPS));
    for (size_t k = 0; k < n_total; k++)
        isolated += VECTOR(degree)[k] == 0;
    printf("gen %s %s: %zu vertices, %zu edges, %zu sinks, %zu isolated, max out-degree %" IGRAPH_PRId
           ", max in-degree %" IGRAPH_PRId ", %s ids %" PRIu64 "..%" PRIu64 "\n",
           o->model, o->undirected ? "undirected" : "directed", n_total, n_edges, sinks, isolated, max_out, max_in,
           o->sparse_ids ? "sparse" : "dense", n_total ? sorted_ids[0] : 0, n_total ? sorted_ids[n_total - 1] : 0);
    status = EXIT_OK;
done:
    if (ef != NULL)
        fclose(ef);
    if (vf != NULL)
        fclose(vf);
    if (degree_made)
        igraph_vector_int_destroy(&degree);
    if (edge_list_made)
        igraph_vector_int_destroy(&edge_list);
    if (graph_made)
        igraph_destroy(&graph);
    free(order);
    free(sorted_ids);
    free(ids);
    return status;
}

/* ---- sssp ----------------------------------------------------------------------- */

static int command_sssp(const options *o)
{
    int status = EXIT_ERROR;
    loaded_graph g;
    igraph_matrix_t distances;
    bool distances_made = false;
    double *values = NULL;
    if (!o->source_set || o->n_positional != 2) {
        usage(stderr);
        return EXIT_ERROR;
    }
    if (load_graph(o->positional[0], o->positional[1], o->undirected, &g) != EXIT_OK)
        return EXIT_ERROR;
    int64_t source = find_id(g.ids, g.n, o->source);
    if (source < 0) {
        fprintf(stderr, "rv-oracle: source %" PRIu64 " is not a vertex of the graph\n", o->source);
        goto done;
    }
    IG(igraph_matrix_init(&distances, 0, 0));
    distances_made = true;
    IG(igraph_distances_dijkstra(&g.graph, &distances, igraph_vss_1((igraph_integer_t)source), igraph_vss_all(),
                                 &g.weights, IGRAPH_OUT));
    values = malloc((g.n + 1) * sizeof *values);
    if (values == NULL) {
        fprintf(stderr, "rv-oracle: out of memory\n");
        goto done;
    }
    for (size_t k = 0; k < g.n; k++)
        values[k] = MATRIX(distances, 0, (igraph_integer_t)k); /* IGRAPH_INFINITY when unreachable */
    status = write_values(o->output, g.ids, values, g.n);
done:
    free(values);
    if (distances_made)
        igraph_matrix_destroy(&distances);
    loaded_graph_destroy(&g);
    return status;
}

/* ---- bfs ------------------------------------------------------------------------- */

static int command_bfs(const options *o)
{
    int status = EXIT_ERROR;
    loaded_graph g;
    igraph_matrix_t distances;
    bool distances_made = false;
    int64_t *depths = NULL;
    if (!o->source_set || o->n_positional != 2) {
        usage(stderr);
        return EXIT_ERROR;
    }
    if (load_graph(o->positional[0], o->positional[1], o->undirected, &g) != EXIT_OK)
        return EXIT_ERROR;
    int64_t source = find_id(g.ids, g.n, o->source);
    if (source < 0) {
        fprintf(stderr, "rv-oracle: source %" PRIu64 " is not a vertex of the graph\n", o->source);
        goto done;
    }
    IG(igraph_matrix_init(&distances, 0, 0));
    distances_made = true;
    /* Unweighted distances are hop counts, exact in a double at any size we test. */
    IG(igraph_distances(&g.graph, &distances, igraph_vss_1((igraph_integer_t)source), igraph_vss_all(), IGRAPH_OUT));
    depths = malloc((g.n + 1) * sizeof *depths);
    if (depths == NULL) {
        fprintf(stderr, "rv-oracle: out of memory\n");
        goto done;
    }
    for (size_t k = 0; k < g.n; k++) {
        double d = MATRIX(distances, 0, (igraph_integer_t)k); /* IGRAPH_INFINITY when unreachable */
        depths[k] = isinf(d) ? INT64_MAX : (int64_t)d;
    }
    status = write_int64s(o->output, g.ids, depths, g.n);
done:
    free(depths);
    if (distances_made)
        igraph_matrix_destroy(&distances);
    loaded_graph_destroy(&g);
    return status;
}

/* ---- wcc ------------------------------------------------------------------------- */

static int command_wcc(const options *o)
{
    int status = EXIT_ERROR;
    loaded_graph g;
    igraph_vector_int_t membership;
    bool membership_made = false;
    int64_t *labels = NULL, *component_label = NULL;
    if (o->n_positional != 2) {
        usage(stderr);
        return EXIT_ERROR;
    }
    if (load_graph(o->positional[0], o->positional[1], o->undirected, &g) != EXIT_OK)
        return EXIT_ERROR;
    IG(igraph_vector_int_init(&membership, 0));
    membership_made = true;
    igraph_integer_t n_components = 0;
    IG(igraph_connected_components(&g.graph, &membership, NULL, &n_components, IGRAPH_WEAK));
    labels = malloc((g.n + 1) * sizeof *labels);
    component_label = malloc(((size_t)n_components + 1) * sizeof *component_label);
    if (labels == NULL || component_label == NULL) {
        fprintf(stderr, "rv-oracle: out of memory\n");
        goto done;
    }
    /* igraph's vertex k is the k-th smallest id, so the first vertex met of each
     * component has its smallest id. */
    for (igraph_integer_t c = 0; c < n_components; c++)
        component_label[c] = -1;
    for (size_t k = 0; k < g.n; k++) {
        igraph_integer_t c = VECTOR(membership)[k];
        if (component_label[c] < 0)
            component_label[c] = (int64_t)g.ids[k];
        labels[k] = component_label[c];
    }
    status = write_int64s(o->output, g.ids, labels, g.n);
done:
    free(labels);
    free(component_label);
    if (membership_made)
        igraph_vector_int_destroy(&membership);
    loaded_graph_destroy(&g);
    return status;
}

/* ---- pagerank ------------------------------------------------------------------- */

/* What the PageRank iteration works on, taken from igraph once. */
typedef struct pr_input {
    igraph_adjlist_t in; /* in-neighbours (all neighbours when undirected) */
    double *out_degree;
    size_t n;
} pr_input;

/* One Graphalytics iteration: next = (1-d)/n + d * sum_{u->v} old(u)/outdeg(u)
 * + d * S/n, S = rank held by sinks. Sums are in long double so the oracle's own
 * rounding stays far below what the comparisons tolerate. */
static void pr_step(const pr_input *in, double damping, const double *old, double *next)
{
    long double sink_sum = 0;
    for (size_t v = 0; v < in->n; v++)
        if (in->out_degree[v] == 0)
            sink_sum += old[v];
    long double base = (1.0L - damping) / (long double)in->n + damping * sink_sum / (long double)in->n;
    for (size_t v = 0; v < in->n; v++) {
        igraph_vector_int_t *neighbours = igraph_adjlist_get(&in->in, (igraph_integer_t)v);
        igraph_integer_t count = igraph_vector_int_size(neighbours);
        long double sum = 0;
        for (igraph_integer_t k = 0; k < count; k++) {
            igraph_integer_t u = VECTOR(*neighbours)[k];
            sum += (long double)old[u] / in->out_degree[u];
        }
        next[v] = (double)(base + damping * sum);
    }
}

/* The L1 distance of two rank vectors, summed in long double. */
static double l1_distance(const double *a, const double *b, size_t n)
{
    long double l1 = 0;
    for (size_t v = 0; v < n; v++)
        l1 += fabs(a[v] - b[v]);
    return (double)l1;
}

/* Reads `id value` lines from @p path into values[k] for the vertex with id
 * g->ids[k]; every vertex of @p g must appear exactly once. */
static int read_ranks(const char *path, const loaded_graph *g, double *values)
{
    int status = EXIT_ERROR;
    char *line = NULL;
    size_t capacity = 0;
    uint64_t line_no = 0;
    size_t n_read = 0;
    bool *seen = calloc(g->n + 1, sizeof *seen);
    FILE *f = fopen(path, "r");
    if (seen == NULL || f == NULL) {
        fprintf(stderr, "rv-oracle: %s: %s\n", path, seen == NULL ? "out of memory" : strerror(errno));
        goto done;
    }
    while (read_line(f, &line, &capacity)) {
        line_no++;
        if (skip_line(line))
            continue;
        char *fields[2];
        uint64_t id;
        double x;
        if (split_fields(line, fields, 2) != 2 || !parse_id_text(fields[0], &id) ||
            !parse_double_text(fields[1], &x)) {
            fprintf(stderr, "rv-oracle: %s:%" PRIu64 ": expected 'id rank'\n", path, line_no);
            goto done;
        }
        int64_t k = find_id(g->ids, g->n, id);
        if (k < 0 || seen[k]) {
            fprintf(stderr, "rv-oracle: %s:%" PRIu64 ": vertex %" PRIu64 " %s\n", path, line_no, id,
                    k < 0 ? "is not in the graph" : "appears twice");
            goto done;
        }
        seen[k] = true;
        values[k] = x;
        n_read++;
    }
    if (n_read != g->n) {
        fprintf(stderr, "rv-oracle: %s: %zu of the graph's %zu vertices are missing\n", path, g->n - n_read, g->n);
        goto done;
    }
    status = EXIT_OK;
done:
    if (f != NULL)
        fclose(f);
    free(seen);
    free(line);
    return status;
}

static int command_pagerank(const options *o)
{
    int status = EXIT_ERROR;
    loaded_graph g;
    pr_input in;
    bool adjlist_made = false, degree_made = false, prpack_made = false;
    igraph_vector_int_t degree;
    igraph_vector_t prpack;
    double *rank = NULL, *next = NULL;
    memset(&in, 0, sizeof in);
    bool iterate = !o->check_converged && o->compare_prpack == NULL;
    if (!o->damping_set || o->n_positional != 2 || (iterate && o->iterations < 0) ||
        (o->compare_prpack != NULL && !o->max_l1_set) || (o->tolerance_set && (!iterate || o->output == NULL))) {
        usage(stderr);
        return EXIT_ERROR;
    }
    if (load_graph(o->positional[0], o->positional[1], o->undirected, &g) != EXIT_OK)
        return EXIT_ERROR;
    if (g.n == 0) {
        fprintf(stderr, "rv-oracle: the graph has no vertices\n");
        goto done;
    }
    in.n = g.n;
    IG(igraph_adjlist_init(&g.graph, &in.in, IGRAPH_IN, IGRAPH_LOOPS_TWICE, IGRAPH_MULTIPLE));
    adjlist_made = true;
    IG(igraph_vector_int_init(&degree, 0));
    degree_made = true;
    IG(igraph_degree(&g.graph, &degree, igraph_vss_all(), IGRAPH_OUT, IGRAPH_LOOPS));
    in.out_degree = malloc(g.n * sizeof *in.out_degree);
    rank = malloc(g.n * sizeof *rank);
    next = malloc(g.n * sizeof *next);
    if (in.out_degree == NULL || rank == NULL || next == NULL) {
        fprintf(stderr, "rv-oracle: out of memory\n");
        goto done;
    }
    for (size_t v = 0; v < g.n; v++) {
        in.out_degree[v] = (double)VECTOR(degree)[v];
        rank[v] = 1.0 / (double)g.n;
    }

    if (iterate) {
        long long done_iterations = 0;
        double change = INFINITY;
        while (done_iterations < o->iterations && !(o->tolerance_set && change < o->tolerance)) {
            pr_step(&in, o->damping, rank, next);
            change = l1_distance(next, rank, g.n);
            double *t = rank;
            rank = next;
            next = t;
            done_iterations++;
        }
        status = write_values(o->output, g.ids, rank, g.n);
        if (status == EXIT_OK && o->tolerance_set)
            printf("iterations %lld\n", done_iterations);
        goto done;
    }

    IG(igraph_vector_init(&prpack, 0));
    prpack_made = true;
    igraph_real_t eigenvalue = 0;
    IG(igraph_pagerank(&g.graph, IGRAPH_PAGERANK_ALGO_PRPACK, &prpack, &eigenvalue, igraph_vss_all(), true,
                       o->damping, NULL, NULL));

    if (o->compare_prpack != NULL) {
        /* rank[] holds the file's ranks, next[] PRPACK's. */
        if (read_ranks(o->compare_prpack, &g, rank) != EXIT_OK)
            goto done;
        for (size_t v = 0; v < g.n; v++)
            next[v] = VECTOR(prpack)[v];
        double distance = l1_distance(rank, next, g.n);
        bool pass = distance <= o->max_l1;
        printf("%s %s vs igraph PRPACK: L1 distance %.3g over %zu vertices (at most %.3g allowed)\n",
               pass ? "PASS" : "FAIL", o->compare_prpack, distance, g.n, o->max_l1);
        status = pass ? EXIT_OK : EXIT_CHECK_FAILED;
        goto done;
    }

    /* --check-converged: iterate to a fixed point, then compare with PRPACK. */
    long long iterations = 0;
    double change = INFINITY;
    while (change >= 1e-15 && iterations < 10000) {
        pr_step(&in, o->damping, rank, next);
        change = l1_distance(next, rank, g.n);
        double *t = rank;
        rank = next;
        next = t;
        iterations++;
    }
    double worst = 0;
    size_t worst_vertex = 0, n_bad = 0;
    long double total = 0;
    for (size_t v = 0; v < g.n; v++) {
        double r = VECTOR(prpack)[v];
        double relative = r != 0 ? fabs(rank[v] - r) / fabs(r) : fabs(rank[v]);
        total += rank[v];
        if (!(relative <= 1e-9))
            n_bad++;
        if (!(relative <= worst)) {
            worst = relative;
            worst_vertex = v;
        }
    }
    bool converged = change < 1e-15 || iterations < 10000;
    bool pass = n_bad == 0 && fabs((double)total - 1.0) <= 1e-9;
    printf("%s converged PageRank vs igraph PRPACK: %zu vertices, %lld iterations (last L1 change %.3g%s), "
           "%zu differ by more than 1e-9 relative, largest relative difference %.3g at vertex %" PRIu64
           ", ranks sum to %.17g\n",
           pass ? "PASS" : "FAIL", g.n, iterations, change, converged ? "" : ", stopped at the limit", n_bad, worst,
           g.ids[worst_vertex], (double)total);
    status = pass ? EXIT_OK : EXIT_CHECK_FAILED;
done:
    if (prpack_made)
        igraph_vector_destroy(&prpack);
    if (degree_made)
        igraph_vector_int_destroy(&degree);
    if (adjlist_made)
        igraph_adjlist_destroy(&in.in);
    free(in.out_degree);
    free(rank);
    free(next);
    loaded_graph_destroy(&g);
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_ERROR : EXIT_OK;
    }
    /* Report igraph errors through return codes instead of aborting. */
    igraph_set_error_handler(igraph_error_handler_printignore);
    options o;
    if (parse_options(argc, argv, &o) != EXIT_OK)
        return EXIT_ERROR;
    if (strcmp(argv[1], "gen") == 0)
        return command_gen(&o);
    if (strcmp(argv[1], "sssp") == 0)
        return command_sssp(&o);
    if (strcmp(argv[1], "bfs") == 0)
        return command_bfs(&o);
    if (strcmp(argv[1], "wcc") == 0)
        return command_wcc(&o);
    if (strcmp(argv[1], "pagerank") == 0)
        return command_pagerank(&o);
    fprintf(stderr, "rv-oracle: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return EXIT_ERROR;
}
