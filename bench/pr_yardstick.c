/* pr_yardstick.c — rv-pr-yardstick: a tight single-process pull-based CSR PageRank (OpenMP), the benchmark's yardstick.
 *
 * Usage: rv-pr-yardstick FILE --iterations K [--damping D] [--threads T] [--runs R] [--output FILE]
 *
 * It computes exactly what rivulet's `pagerank` computes (Graphalytics semantics) so
 * that its time per iteration is a fair bar for the engine:
 *
 *   n = number of distinct ids named by an edge; rank_0(v) = 1/n;
 *   rank_{i+1}(v) = (1-d)/n + d * sum_{u->v} rank_i(u)/outdeg(u) + d * S_i/n,
 *   S_i = sum of rank_i(w) over sinks w (outdeg(w) = 0); exactly K iterations.
 *
 * Edges are directed as listed; duplicate lines are parallel edges and self-loops are
 * kept (both count in the out-degree). Lines are `src dst [anything]`; blank lines and
 * lines starting with '#' or '%' are skipped, like rivulet's reader.
 *
 * Structure: the ids are relabelled to 0..n-1 in ascending id order, the in-edges are
 * stored as a CSR (offsets + 32-bit source indices, so n < 2^32; each list sorted by
 * source), and every iteration is two parallel loops: contrib[u] = rank[u]/outdeg[u]
 * with a reduction for the sink sum, then the pull rank[v] = base + d * sum
 * contrib[in(v)]. Only those loops are timed for the per-iteration figure; the load
 * (read, parse, relabel, build, each parallel where it pays) is timed separately.
 *
 * Prints key=value lines on standard output (see the end of main()). With --output it
 * writes `id value` lines in ascending id order with "%.17g", for comparison with
 * rivulet's output.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <omp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "rv-pr-yardstick: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void *xmalloc(size_t bytes)
{
    void *p = malloc(bytes ? bytes : 1);
    if (!p) die("out of memory (%zu bytes)", bytes);
    return p;
}

static void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size);
    if (!p) die("out of memory (%zu x %zu bytes)", count, size);
    return p;
}

/* ---- Reading the file ---------------------------------------------------------------- */

/* The whole file in memory, with a '\n' guaranteed at the end so the parser never has
 * to check for a last line without newline. */
static char *read_file(const char *path, size_t *size_out)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) die("cannot open %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) die("cannot stat %s: %s", path, strerror(errno));
    size_t size = (size_t)st.st_size;
    char *text = xmalloc(size + 1);
    size_t done = 0;
    while (done < size) {
        ssize_t k = read(fd, text + done, size - done);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) die("cannot read %s: %s", path, strerror(errno));
        if (k == 0) break; /* the file shrank; use what we got */
        done += (size_t)k;
    }
    close(fd);
    size = done;
    if (size == 0 || text[size - 1] != '\n') text[size++] = '\n';
    *size_out = size;
    return text;
}

/* ---- Parsing ------------------------------------------------------------------------- */

static inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Parses a decimal id at *p; returns false (and leaves *p) when there is none. */
static inline bool scan_id(const char **p, uint64_t *out)
{
    const char *s = *p;
    if ((unsigned)(*s - '0') > 9) return false;
    uint64_t v = 0;
    while ((unsigned)(*s - '0') <= 9) {
        unsigned digit = (unsigned)(*s - '0');
        if (v > (UINT64_C(0x7fffffffffffffff) - digit) / 10) return false; /* > 2^63 - 1 */
        v = v * 10 + digit;
        s++;
    }
    *p = s;
    *out = v;
    return true;
}

static uint64_t count_lines(const char *p, const char *end)
{
    uint64_t lines = 0;
    while ((p = memchr(p, '\n', (size_t)(end - p)))) {
        lines++;
        p++;
    }
    return lines;
}

/* Parses the lines of text[begin, end) into src[], dst[] and returns how many edges
 * it found. @p first_line numbers the first line for error messages. */
static uint64_t parse_chunk(const char *path, const char *p, const char *end, uint64_t first_line, uint64_t *src,
                            uint64_t *dst)
{
    uint64_t m = 0;
    for (uint64_t line = first_line; p < end; line++) {
        while (is_blank(*p)) p++;
        if (*p == '\n' || *p == '#' || *p == '%') { /* blank line or comment */
            p = (const char *)memchr(p, '\n', (size_t)(end - p)) + 1;
            continue;
        }
        if (!scan_id(&p, &src[m]) || !is_blank(*p)) die("%s:%" PRIu64 ": expected 'src dst', ids in [0, 2^63 - 1]", path, line);
        while (is_blank(*p)) p++;
        if (!scan_id(&p, &dst[m]) || !(is_blank(*p) || *p == '\n')) die("%s:%" PRIu64 ": expected 'src dst', ids in [0, 2^63 - 1]", path, line);
        /* Further columns (weights, properties) are ignored, as PageRank ignores them. */
        if (*p != '\n') p = (const char *)memchr(p, '\n', (size_t)(end - p));
        p++;
        m++;
    }
    return m;
}

/* Parses the whole file (which ends with '\n') into raw ids, one chunk of whole lines
 * per thread. Returns the number of edges. */
static uint64_t parse_edges(const char *path, const char *text, size_t size, uint64_t **src_out, uint64_t **dst_out)
{
    int chunks = omp_get_max_threads();
    const char **begin = xmalloc((size_t)(chunks + 1) * sizeof *begin);
    uint64_t *lines = xcalloc((size_t)chunks + 1, sizeof *lines); /* then: lines before chunk k */
    uint64_t *found = xcalloc((size_t)chunks, sizeof *found);
    /* Chunk k starts after the first newline at or past byte k*size/chunks. */
    begin[0] = text;
    for (int k = 1; k < chunks; k++) {
        const char *p = text + (size_t)((double)size * k / chunks);
        if (p < begin[k - 1]) p = begin[k - 1]; /* a line longer than a chunk */
        /* The text ends with '\n', so any p before the end finds one. */
        begin[k] = p < text + size ? (const char *)memchr(p, '\n', (size_t)(text + size - p)) + 1 : text + size;
    }
    begin[chunks] = text + size;

    /* Lines bound the number of edges; counting them first lets each thread parse
     * straight into its place in one array. */
#pragma omp parallel for schedule(static, 1)
    for (int k = 0; k < chunks; k++) lines[k + 1] = count_lines(begin[k], begin[k + 1]);
    for (int k = 0; k < chunks; k++) lines[k + 1] += lines[k];
    uint64_t *src = xmalloc(lines[chunks] * sizeof *src);
    uint64_t *dst = xmalloc(lines[chunks] * sizeof *dst);
#pragma omp parallel for schedule(static, 1)
    for (int k = 0; k < chunks; k++)
        found[k] = parse_chunk(path, begin[k], begin[k + 1], lines[k] + 1, src + lines[k], dst + lines[k]);

    /* Close the gaps left by comment and blank lines. */
    uint64_t m = found[0];
    for (int k = 1; k < chunks; k++) {
        memmove(src + m, src + lines[k], found[k] * sizeof *src);
        memmove(dst + m, dst + lines[k], found[k] * sizeof *dst);
        m += found[k];
    }
    free(begin);
    free(lines);
    free(found);
    *src_out = src;
    *dst_out = dst;
    return m;
}

/* ---- Relabelling: id -> dense index, through an open-addressing hash map ------------ */

#define EMPTY_KEY UINT64_MAX /* never a valid id: ids are at most 2^63 - 1 */

/* Key and index share a slot so a probe touches one cache line. */
typedef struct {
    uint64_t key;
    uint64_t index;
} slot;

typedef struct {
    slot *slots;
    uint64_t mask;  /* capacity - 1, capacity a power of two */
    uint64_t count; /* ids inserted; indices are 0 .. count-1 in order of first appearance */
} id_map;

static inline uint64_t mix64(uint64_t x)
{
    /* The splitmix64 finaliser: sequential ids must not fall into sequential slots. */
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static void id_map_alloc(id_map *m, uint64_t capacity)
{
    m->mask = capacity - 1;
    m->slots = xmalloc(capacity * sizeof *m->slots);
    for (uint64_t i = 0; i < capacity; i++) m->slots[i].key = EMPTY_KEY;
}

static void id_map_grow(id_map *m)
{
    slot *old = m->slots;
    uint64_t old_capacity = m->mask + 1;
    id_map_alloc(m, old_capacity * 2);
    for (uint64_t i = 0; i < old_capacity; i++) {
        if (old[i].key == EMPTY_KEY) continue;
        uint64_t s = mix64(old[i].key) & m->mask;
        while (m->slots[s].key != EMPTY_KEY) s = (s + 1) & m->mask;
        m->slots[s] = old[i];
    }
    free(old);
}

/* The index of @p id, inserting it (as the next index) when new. */
static inline uint64_t id_map_index(id_map *m, uint64_t id)
{
    uint64_t s = mix64(id) & m->mask;
    for (;;) {
        if (m->slots[s].key == id) return m->slots[s].index;
        if (m->slots[s].key == EMPTY_KEY) break;
        s = (s + 1) & m->mask;
    }
    /* Keep the load factor at most 1/2 so probes stay short. */
    if ((m->count + 1) * 2 > m->mask + 1) {
        id_map_grow(m);
        return id_map_index(m, id);
    }
    m->slots[s].key = id;
    m->slots[s].index = m->count;
    return m->count++;
}

/* Replaces every id of src[] and dst[] by its provisional index (order of first
 * appearance), as 32-bit indices in src_out[] and dst_out[]. Random probes into a table larger than the cache
 * are the cost here, so the slot of an id a few places ahead is prefetched. */
static void relabel_provisional(id_map *map, const uint64_t *src, const uint64_t *dst, uint64_t m, uint32_t *src_out,
                                uint32_t *dst_out)
{
    enum { AHEAD = 16 };
    for (uint64_t e = 0; e < m; e++) {
        if (e + AHEAD < m) {
            __builtin_prefetch(&map->slots[mix64(src[e + AHEAD]) & map->mask]);
            __builtin_prefetch(&map->slots[mix64(dst[e + AHEAD]) & map->mask]);
        }
        uint64_t a = id_map_index(map, src[e]);
        uint64_t b = id_map_index(map, dst[e]);
        if (b > UINT32_MAX - 1 || a > UINT32_MAX - 1)
            die("more than 2^32 - 1 vertices; this yardstick uses 32-bit indices");
        src_out[e] = (uint32_t)a;
        dst_out[e] = (uint32_t)b;
    }
}

/* ---- The graph ----------------------------------------------------------------------- */

typedef struct {
    uint64_t n, m;
    uint64_t *ids;       /* ids[v]: the original id of dense vertex v, ascending */
    uint64_t *in_offset; /* n + 1 offsets into in_source */
    uint32_t *in_source; /* in-neighbours of v: in_source[in_offset[v] .. in_offset[v+1]) */
    uint32_t *out_degree;
} graph;

typedef struct { uint64_t id; uint32_t provisional; } id_pair;

static int compare_pairs(const void *x, const void *y)
{
    uint64_t a = ((const id_pair *)x)->id, b = ((const id_pair *)y)->id;
    return (a > b) - (a < b);
}

/* A stable counting sort, parallel over edges: out[] receives value[e] grouped by
 * key[e] in ascending key order, in edge order within a key; offset[k] .. offset[k+1]
 * is key k's group. Each thread counts its own contiguous range of edges, so thread
 * t's slots of a group come right after those of threads 0..t-1 (stability). */
static void group_by_key(const uint32_t *key, const uint32_t *value, uint64_t m, uint64_t n, uint64_t *offset,
                         uint32_t *out)
{
    const int threads = omp_get_max_threads();
    uint64_t *count = xcalloc((size_t)threads * n, sizeof *count); /* count[t*n + k] */
#pragma omp parallel num_threads(threads)
    {
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        const uint64_t begin = m * (uint64_t)t / (uint64_t)nt, end = m * (uint64_t)(t + 1) / (uint64_t)nt;
        uint64_t *mine = count + (size_t)t * n;
        for (uint64_t e = begin; e < end; e++) mine[key[e]]++;
#pragma omp barrier
#pragma omp for schedule(static)
        for (uint64_t k = 0; k < n; k++) {
            uint64_t total = 0;
            for (int u = 0; u < nt; u++) total += count[(size_t)u * n + k];
            offset[k + 1] = total;
        }
#pragma omp single
        {
            offset[0] = 0;
            for (uint64_t k = 0; k < n; k++) offset[k + 1] += offset[k];
        }
        /* The implicit barrier of `single` publishes offset[]. Turn counts into cursors. */
#pragma omp for schedule(static)
        for (uint64_t k = 0; k < n; k++) {
            uint64_t position = offset[k];
            for (int u = 0; u < nt; u++) {
                uint64_t c = count[(size_t)u * n + k];
                count[(size_t)u * n + k] = position;
                position += c;
            }
        }
        for (uint64_t e = begin; e < end; e++) out[mine[key[e]]++] = value[e];
    }
    free(count);
}

/* Relabels to ascending-id order and builds the in-edge CSR. Frees src and dst. */
static void build_graph(id_map *map, uint32_t *src, uint32_t *dst, uint64_t m, graph *g)
{
    const uint64_t n = map->count;
    g->n = n;
    g->m = m;

    /* Dense labels in ascending id order make the output loop trivial and match the
     * order rivulet writes in. */
    id_pair *pairs = xmalloc(n * sizeof *pairs);
    for (uint64_t s = 0, k = 0; s <= map->mask; s++)
        if (map->slots[s].key != EMPTY_KEY) pairs[k++] = (id_pair){map->slots[s].key, (uint32_t)map->slots[s].index};
    qsort(pairs, n, sizeof *pairs, compare_pairs);
    uint32_t *relabel = xmalloc(n * sizeof *relabel);
    g->ids = xmalloc(n * sizeof *g->ids);
    for (uint64_t i = 0; i < n; i++) {
        relabel[pairs[i].provisional] = (uint32_t)i;
        g->ids[i] = pairs[i].id;
    }
    free(pairs);
#pragma omp parallel for schedule(static)
    for (uint64_t e = 0; e < m; e++) {
        src[e] = relabel[src[e]];
        dst[e] = relabel[dst[e]];
    }
    free(relabel);

    /* Group the edges by source, then (stably) by target: every in-list ends up sorted
     * by source, so the pull loop reads contrib[] in ascending address order. */
    uint64_t *out_offset = xmalloc((n + 1) * sizeof *out_offset);
    uint32_t *dst_by_src = xmalloc(m * sizeof *dst_by_src);
    group_by_key(src, dst, m, n, out_offset, dst_by_src);
    free(dst);
    g->out_degree = xmalloc(n * sizeof *g->out_degree);
    uint32_t *src_by_src = src; /* reuse: the sources of dst_by_src[], i.e. out_offset expanded */
#pragma omp parallel for schedule(dynamic, 1024)
    for (uint64_t u = 0; u < n; u++) {
        g->out_degree[u] = (uint32_t)(out_offset[u + 1] - out_offset[u]);
        for (uint64_t e = out_offset[u]; e < out_offset[u + 1]; e++) src_by_src[e] = (uint32_t)u;
    }
    free(out_offset);
    g->in_offset = xmalloc((n + 1) * sizeof *g->in_offset);
    g->in_source = xmalloc(m * sizeof *g->in_source);
    group_by_key(dst_by_src, src_by_src, m, n, g->in_offset, g->in_source);
    free(dst_by_src);
    free(src_by_src);
}

/* ---- PageRank ------------------------------------------------------------------------ */

/* Runs K iterations from 1/n into rank[]; contrib[] is scratch. Returns the seconds
 * the iterations took. */
static double pagerank(const graph *g, int iterations, double d, double *rank, double *contrib)
{
    const int64_t n = (int64_t)g->n;
    const double inv_n = 1.0 / (double)g->n;
    const uint64_t *restrict in_offset = g->in_offset;
    const uint32_t *restrict in_source = g->in_source;
    const uint32_t *restrict out_degree = g->out_degree;

#pragma omp parallel for schedule(static)
    for (int64_t v = 0; v < n; v++) rank[v] = inv_n; /* also first-touches the pages on the thread that uses them */

    double t0 = omp_get_wtime();
    for (int it = 0; it < iterations; it++) {
        double sink = 0.0;
#pragma omp parallel for schedule(static) reduction(+ : sink)
        for (int64_t u = 0; u < n; u++) {
            if (out_degree[u]) {
                contrib[u] = rank[u] / out_degree[u];
            } else {
                contrib[u] = 0.0;
                sink += rank[u];
            }
        }
        /* rank[] is no longer read this iteration, so the pull writes it in place. */
        const double base = (1.0 - d) * inv_n + d * sink * inv_n;
        /* R-MAT in-degrees are very skewed: dynamic chunks balance the threads. */
#pragma omp parallel for schedule(dynamic, 1024)
        for (int64_t v = 0; v < n; v++) {
            double sum = 0.0;
            for (uint64_t e = in_offset[v], end = in_offset[v + 1]; e < end; e++) sum += contrib[in_source[e]];
            rank[v] = base + d * sum;
        }
    }
    return omp_get_wtime() - t0;
}

/* ---- Command line -------------------------------------------------------------------- */

static void usage(FILE *to)
{
    fprintf(to, "usage: rv-pr-yardstick FILE --iterations K [--damping D] [--threads T] [--runs R] [--output FILE]\n"
                "  single-process pull-based CSR PageRank (OpenMP; threads from OMP_NUM_THREADS or --threads);\n"
                "  --runs R repeats the K iterations R times and reports the fastest run\n");
}

static long parse_long(const char *option, const char *text, long lo, long hi)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || !*text || *end || v < lo || v > hi) die("%s must be an integer in %ld..%ld, not '%s'", option, lo, hi, text);
    return v;
}

int main(int argc, char **argv)
{
    const char *path = NULL, *output = NULL;
    long iterations = -1, runs = 1, threads = 0;
    double damping = 0.85;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        if (!strcmp(a, "--iterations") && has_value) {
            iterations = parse_long(a, argv[++i], 0, 1000000);
        } else if (!strcmp(a, "--damping") && has_value) {
            char *end;
            damping = strtod(argv[++i], &end);
            if (*end || !(damping >= 0.0 && damping <= 1.0)) die("--damping must be a number in [0, 1]");
        } else if (!strcmp(a, "--threads") && has_value) {
            threads = parse_long(a, argv[++i], 1, 4096);
        } else if (!strcmp(a, "--runs") && has_value) {
            runs = parse_long(a, argv[++i], 1, 1000);
        } else if (!strcmp(a, "--output") && has_value) {
            output = argv[++i];
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (a[0] == '-' && a[1]) {
            usage(stderr);
            die("unknown or incomplete option '%s'", a);
        } else if (!path) {
            path = a;
        } else {
            usage(stderr);
            die("unexpected argument '%s'", a);
        }
    }
    if (!path || iterations < 0) {
        usage(stderr);
        return 2;
    }
    if (threads > 0) omp_set_num_threads((int)threads);

    /* Load: read, parse, relabel, build — the same phases rivulet's load covers. */
    double t_load = omp_get_wtime();
    size_t size;
    char *text = read_file(path, &size);
    double t_read = omp_get_wtime() - t_load;
    uint64_t *raw_src, *raw_dst;
    uint64_t m = parse_edges(path, text, size, &raw_src, &raw_dst);
    free(text);
    double t_parse = omp_get_wtime() - t_load - t_read;
    id_map map = {0};
    id_map_alloc(&map, 1u << 16);
    uint32_t *src = xmalloc(m * sizeof *src), *dst = xmalloc(m * sizeof *dst);
    relabel_provisional(&map, raw_src, raw_dst, m, src, dst);
    free(raw_src);
    free(raw_dst);
    double t_relabel = omp_get_wtime() - t_load - t_read - t_parse;
    graph g;
    build_graph(&map, src, dst, m, &g);
    free(map.slots);
    t_load = omp_get_wtime() - t_load;
    double t_build = t_load - t_read - t_parse - t_relabel;
    if (g.n == 0) die("%s has no edges", path);

    double *rank = xmalloc(g.n * sizeof *rank);
    double *contrib = xmalloc(g.n * sizeof *contrib);
    double best = 0.0;
    for (long r = 0; r < runs; r++) {
        double s = pagerank(&g, (int)iterations, damping, rank, contrib);
        if (r == 0 || s < best) best = s;
    }

    double rank_sum = 0.0;
    for (uint64_t v = 0; v < g.n; v++) rank_sum += rank[v];
    uint64_t sinks = 0;
    for (uint64_t v = 0; v < g.n; v++) sinks += g.out_degree[v] == 0;

    if (output) {
        FILE *f = strcmp(output, "-") ? fopen(output, "w") : stdout;
        if (!f) die("cannot open %s: %s", output, strerror(errno));
        static char buffer[1 << 20];
        setvbuf(f, buffer, _IOFBF, sizeof buffer);
        for (uint64_t v = 0; v < g.n; v++) fprintf(f, "%" PRIu64 " %.17g\n", g.ids[v], rank[v]);
        if (fflush(f) != 0 || (f != stdout && fclose(f) != 0)) die("cannot write %s: %s", output, strerror(errno));
    }

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double per_iteration = iterations ? best / (double)iterations : 0.0;
    printf("threads=%d\n", omp_get_max_threads());
    printf("vertices=%" PRIu64 "\n", g.n);
    printf("edges=%" PRIu64 "\n", g.m);
    printf("sinks=%" PRIu64 "\n", sinks);
    printf("input_bytes=%zu\n", size);
    printf("load_seconds=%.6f\n", t_load);
    printf("read_seconds=%.6f\n", t_read);
    printf("parse_seconds=%.6f\n", t_parse);
    printf("relabel_seconds=%.6f\n", t_relabel);
    printf("build_seconds=%.6f\n", t_build);
    printf("load_mb_per_s=%.1f\n", (double)size / 1e6 / t_load);
    printf("iterations=%ld\n", iterations);
    printf("runs=%ld\n", runs);
    printf("iterations_seconds=%.6f\n", best);
    printf("seconds_per_iteration=%.6f\n", per_iteration);
    printf("edges_per_second=%.4g\n", per_iteration > 0 ? (double)g.m / per_iteration : 0.0);
    printf("peak_rss_bytes=%ld\n", ru.ru_maxrss * 1024L); /* Linux reports KiB */
    printf("rank_sum=%.17g\n", rank_sum);

    free(rank);
    free(contrib);
    free(g.ids);
    free(g.in_offset);
    free(g.in_source);
    free(g.out_degree);
    return 0;
}
