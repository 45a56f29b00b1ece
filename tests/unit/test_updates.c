/* test_updates.c — unit tests of the stream's input side: update lines (io/updates.h), batch rewriting (src/update_batch.h), the write-ahead log's record files (io/wal.h) and the sources. No MPI. */
#define _POSIX_C_SOURCE 200809L

#include "io/updates.h"
#include "io/wal.h"
#include "update_batch.h"

#include "rivulet.h"
#include "suite.h"

#include <CUnit/Basic.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* xorshift64*: each test owns its generator, seeded explicitly, so failures replay. */
static uint64_t rng_next(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * UINT64_C(2685821657736338717);
}

static char tmpdir[] = "/tmp/rv_test_updates_XXXXXX";

/* ---- Parsing --------------------------------------------------------------------- */

static int parse(const char *line, rv__update *u, char *error)
{
    rv__update_format format = {.nonnegative_weights = true};
    error[0] = '\0';
    return rv__parse_update(line, strlen(line), &format, u, error, 256);
}

static void test_parse_valid(void)
{
    rv__update u;
    char error[256];
    CU_ASSERT_EQUAL(parse("+ 1 2", &u, error), RV_OK);
    CU_ASSERT(u.kind == RV__UPDATE_ADD_EDGE && u.a == 1 && u.b == 2 && u.weight == 1.0);
    CU_ASSERT_EQUAL(parse("  +\t10   20  2.5 \r", &u, error), RV_OK);
    CU_ASSERT(u.kind == RV__UPDATE_ADD_EDGE && u.a == 10 && u.b == 20 && u.weight == 2.5);
    CU_ASSERT_EQUAL(parse("+ 3 4 0", &u, error), RV_OK);
    CU_ASSERT(u.weight == 0.0);
    CU_ASSERT_EQUAL(parse("- 9223372036854775807 0", &u, error), RV_OK);
    CU_ASSERT(u.kind == RV__UPDATE_REMOVE_EDGE && u.a == UINT64_C(9223372036854775807) && u.b == 0);
    CU_ASSERT_EQUAL(parse("+v 7", &u, error), RV_OK);
    CU_ASSERT(u.kind == RV__UPDATE_ADD_VERTEX && u.a == 7);
    CU_ASSERT_EQUAL(parse("-v 0007", &u, error), RV_OK);
    CU_ASSERT(u.kind == RV__UPDATE_REMOVE_VERTEX && u.a == 7);
    CU_ASSERT_EQUAL(parse("", &u, error), RV_OK);
    CU_ASSERT(u.kind == RV__UPDATE_NONE);
    CU_ASSERT_EQUAL(parse("   \t ", &u, error), RV_OK);
    CU_ASSERT(u.kind == RV__UPDATE_NONE);
    CU_ASSERT_EQUAL(parse("# + 1 2", &u, error), RV_OK);
    CU_ASSERT(u.kind == RV__UPDATE_NONE);
    CU_ASSERT_EQUAL(parse("  #comment", &u, error), RV_OK);
    CU_ASSERT(u.kind == RV__UPDATE_NONE);
    /* Without the non-negative rule a negative weight is fine. */
    rv__update_format any = {0};
    CU_ASSERT_EQUAL(rv__parse_update("+ 1 2 -3", 8, &any, &u, error, sizeof error), RV_OK);
    CU_ASSERT(u.weight == -3.0);
}

/* Each bad line is refused with the expected reason. */
static void test_parse_errors(void)
{
    static const struct {
        const char *line, *reason;
    } cases[] = {
        {"x 1 2", "unknown operation 'x' (expected +, -, +v or -v)"},
        {"+1 2", "unknown operation '+1' (expected +, -, +v or -v)"},
        {"++ 1 2", "unknown operation '++' (expected +, -, +v or -v)"},
        {"+", "missing source id (field 2)"},
        {"+ 1", "missing target id (field 3)"},
        {"-v", "missing vertex id (field 2)"},
        {"+ a 2", "field 2 (source id): not a non-negative integer: 'a'"},
        {"+ 1 -2", "field 3 (target id): negative id: '-2'"},
        {"- 1 9223372036854775808", "field 3 (target id): id 9223372036854775808 is 2^63 or more"},
        {"+ 1 2 x", "field 4 (weight): not a number: 'x'"},
        {"+ 1 2 nan", "field 4 (weight): weight is not a finite number: 'nan'"},
        {"+ 1 2 inf", "field 4 (weight): weight is not a finite number: 'inf'"},
        {"+ 1 2 -1", "field 4 (weight): weight is negative: '-1'"},
        {"+ 1 2 3 4", "too many fields: '+' takes 4, field 5 is '4'"},
        {"- 1 2 3", "too many fields: '-' takes 3, field 4 is '3'"},
        {"+v 1 2", "too many fields: '+v' takes 2, field 3 is '2'"},
        {"-v 1.5", "field 2 (vertex id): not a non-negative integer: '1.5'"},
        {"+ 1 2\x01", "field 3 (target id): not a non-negative integer: '2\\x01'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        rv__update u;
        char error[256];
        int status = parse(cases[i].line, &u, error);
        CU_ASSERT_EQUAL(status, RV_EPARSE);
        if (strcmp(error, cases[i].reason) != 0) {
            fprintf(stderr, "\n'%s': got '%s', expected '%s'\n", cases[i].line, error, cases[i].reason);
            CU_FAIL("reason differs");
        }
    }
}

/* ---- Lines ------------------------------------------------------------------------- */

static void test_line_buffer(void)
{
    rv__line_buffer lb = {0};
    const char *line;
    size_t length;
    bool too_long;
    CU_ASSERT_EQUAL(rv__line_buffer_append(&lb, "+ 1 2\n- 3", 9), RV_OK);
    CU_ASSERT_FATAL(rv__line_buffer_next(&lb, false, &line, &length, &too_long));
    CU_ASSERT(length == 5 && memcmp(line, "+ 1 2", 5) == 0 && !too_long && lb.line == 1);
    CU_ASSERT_FALSE(rv__line_buffer_next(&lb, false, &line, &length, &too_long));
    CU_ASSERT_EQUAL(rv__line_buffer_append(&lb, " 4\n\n+v 5", 8), RV_OK);
    CU_ASSERT_FATAL(rv__line_buffer_next(&lb, false, &line, &length, &too_long));
    CU_ASSERT(length == 5 && memcmp(line, "- 3 4", 5) == 0 && lb.line == 2);
    CU_ASSERT_FATAL(rv__line_buffer_next(&lb, false, &line, &length, &too_long));
    CU_ASSERT(length == 0 && lb.line == 3);
    CU_ASSERT_FALSE(rv__line_buffer_next(&lb, false, &line, &length, &too_long));
    /* At the end, the last line needs no newline. */
    CU_ASSERT_FATAL(rv__line_buffer_next(&lb, true, &line, &length, &too_long));
    CU_ASSERT(length == 4 && memcmp(line, "+v 5", 4) == 0 && lb.line == 4);
    CU_ASSERT_FALSE(rv__line_buffer_next(&lb, true, &line, &length, &too_long));

    /* A line beyond the limit comes out once, marked, and its tail is skipped. */
    size_t big = RV__UPDATE_LINE_MAX_BYTES + 100;
    char *long_line = malloc(big);
    CU_ASSERT_FATAL(long_line != NULL);
    memset(long_line, 'x', big);
    CU_ASSERT_EQUAL(rv__line_buffer_append(&lb, long_line, big), RV_OK);
    CU_ASSERT_FATAL(rv__line_buffer_next(&lb, false, &line, &length, &too_long));
    CU_ASSERT(too_long && length == RV__UPDATE_LINE_MAX_BYTES && lb.line == 5);
    CU_ASSERT_EQUAL(rv__line_buffer_append(&lb, "xxx\n+ 8 9\n", 10), RV_OK);
    CU_ASSERT_FATAL(rv__line_buffer_next(&lb, false, &line, &length, &too_long));
    CU_ASSERT(!too_long && length == 5 && memcmp(line, "+ 8 9", 5) == 0 && lb.line == 6);
    free(long_line);
    rv__line_buffer_destroy(&lb);
}

/* ---- Batch rewriting against a sequential model ------------------------------------ */

enum { MODEL_IDS = 6, MODEL_MAX_EDGES = 512 };

/* A tiny graph: which vertices exist and whether each was created in the batch
 * (fresh: init() runs again), and a multiset of edges. */
typedef struct model {
    bool exists[MODEL_IDS], fresh[MODEL_IDS];
    uint64_t src[MODEL_MAX_EDGES], dst[MODEL_MAX_EDGES];
    size_t n_edges;
    bool undirected;
} model;

static bool same_edge(const model *m, size_t e, uint64_t u, uint64_t v)
{
    return (m->src[e] == u && m->dst[e] == v) || (m->undirected && m->src[e] == v && m->dst[e] == u);
}

static void model_create(model *m, uint64_t x)
{
    if (!m->exists[x]) {
        m->exists[x] = true;
        m->fresh[x] = true;
    }
}

static void model_remove_edges(model *m, uint64_t u, uint64_t v)
{
    size_t k = 0;
    for (size_t e = 0; e < m->n_edges; e++)
        if (!same_edge(m, e, u, v)) {
            m->src[k] = m->src[e];
            m->dst[k++] = m->dst[e];
        }
    m->n_edges = k;
}

static void model_remove_vertex(model *m, uint64_t x)
{
    if (!m->exists[x])
        return;
    m->exists[x] = false;
    size_t k = 0;
    for (size_t e = 0; e < m->n_edges; e++)
        if (m->src[e] != x && m->dst[e] != x) {
            m->src[k] = m->src[e];
            m->dst[k++] = m->dst[e];
        }
    m->n_edges = k;
}

static void model_add_edge(model *m, uint64_t u, uint64_t v)
{
    model_create(m, u);
    model_create(m, v);
    CU_ASSERT_FATAL(m->n_edges < MODEL_MAX_EDGES);
    m->src[m->n_edges] = u;
    m->dst[m->n_edges++] = v;
}

/* One update at a time, as the lines say. */
static void apply_sequentially(model *m, const rv__update *u, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (u[i].kind) {
        case RV__UPDATE_ADD_EDGE: model_add_edge(m, u[i].a, u[i].b); break;
        case RV__UPDATE_REMOVE_EDGE: model_remove_edges(m, u[i].a, u[i].b); break;
        case RV__UPDATE_ADD_VERTEX: model_create(m, u[i].a); break;
        case RV__UPDATE_REMOVE_VERTEX: model_remove_vertex(m, u[i].a); break;
        }
    }
}

/* The engine's barrier: edge removals, vertex removals, vertex additions, edge additions. */
static void apply_in_pregel_order(model *m, const rv__mutation *r, size_t n)
{
    for (int kind = RV__REMOVE_EDGE; kind <= RV__ADD_EDGE; kind++)
        for (size_t i = 0; i < n; i++) {
            if ((int)(r[i].kind & RV__MUTATION_KIND_MASK) != kind)
                continue;
            switch (kind) {
            case RV__REMOVE_EDGE: model_remove_edges(m, r[i].a, r[i].b); break;
            case RV__REMOVE_VERTEX: model_remove_vertex(m, r[i].a); break;
            case RV__ADD_VERTEX: model_create(m, r[i].a); break;
            default: model_add_edge(m, r[i].a, r[i].b); break;
            }
        }
}

static int compare_pair(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return (x[1] > y[1]) - (x[1] < y[1]);
}

/* Edges as sorted (src, dst) pairs; for an undirected graph each with its smaller end first. */
static void sorted_edges(const model *m, uint64_t *pairs)
{
    for (size_t e = 0; e < m->n_edges; e++) {
        uint64_t u = m->src[e], v = m->dst[e];
        if (m->undirected && u > v) {
            uint64_t t = u;
            u = v;
            v = t;
        }
        pairs[2 * e] = u;
        pairs[2 * e + 1] = v;
    }
    qsort(pairs, m->n_edges, 2 * sizeof *pairs, compare_pair);
}

static void check_batches(bool undirected, uint64_t seed)
{
    uint64_t state = seed;
    static uint64_t a[2 * MODEL_MAX_EDGES], b[2 * MODEL_MAX_EDGES];
    for (int round = 0; round < 3000; round++) {
        model start = {.undirected = undirected};
        /* A random starting graph over a few ids. */
        for (int x = 0; x < MODEL_IDS; x++)
            start.exists[x] = rng_next(&state) % 3 != 0;
        for (int e = 0; e < 6; e++) {
            uint64_t u = rng_next(&state) % MODEL_IDS, v = rng_next(&state) % MODEL_IDS;
            if (start.exists[u] && start.exists[v]) {
                start.src[start.n_edges] = u;
                start.dst[start.n_edges++] = v;
            }
        }
        rv__update updates[12];
        size_t n = 1 + rng_next(&state) % 12;
        for (size_t i = 0; i < n; i++) {
            uint32_t kind = 1 + (uint32_t)(rng_next(&state) % 4);
            updates[i] = (rv__update){.line = i + 1, .kind = kind, .a = rng_next(&state) % MODEL_IDS,
                                      .b = rng_next(&state) % MODEL_IDS, .weight = 1.0};
        }
        model sequential = start, pregel = start;
        apply_sequentially(&sequential, updates, n);
        rv__mutation *requests = NULL;
        size_t n_requests = 0;
        CU_ASSERT_EQUAL_FATAL(rv__update_batch_requests(updates, n, undirected, &requests, &n_requests), RV_OK);
        apply_in_pregel_order(&pregel, requests, n_requests);
        bool same = sequential.n_edges == pregel.n_edges;
        for (int x = 0; x < MODEL_IDS; x++)
            same = same && sequential.exists[x] == pregel.exists[x] &&
                   (!sequential.exists[x] || sequential.fresh[x] == pregel.fresh[x]);
        if (same) {
            sorted_edges(&sequential, a);
            sorted_edges(&pregel, b);
            same = memcmp(a, b, 2 * sequential.n_edges * sizeof *a) == 0;
        }
        if (!same) {
            fprintf(stderr, "\nround %d (%s) differs; updates:\n", round, undirected ? "undirected" : "directed");
            for (size_t i = 0; i < n; i++)
                fprintf(stderr, "  kind %u %llu %llu\n", updates[i].kind, (unsigned long long)updates[i].a,
                        (unsigned long long)updates[i].b);
            CU_FAIL("rewritten batch differs from the sequential result");
            free(requests);
            return;
        }
        /* A removal left unflagged must have had something to remove, sequentially. */
        free(requests);
    }
}

static void test_batch_directed(void) { check_batches(false, 12345); }
static void test_batch_undirected(void) { check_batches(true, 999); }

/* Removals are flagged for a report unless the batch itself made sure of what they remove. */
static void test_batch_reports(void)
{
    rv__update u[] = {
        {.line = 1, .kind = RV__UPDATE_ADD_EDGE, .a = 1, .b = 2, .weight = 1},
        {.line = 2, .kind = RV__UPDATE_REMOVE_EDGE, .a = 1, .b = 2},
        {.line = 3, .kind = RV__UPDATE_REMOVE_EDGE, .a = 3, .b = 4},
        {.line = 4, .kind = RV__UPDATE_ADD_VERTEX, .a = 5},
        {.line = 5, .kind = RV__UPDATE_REMOVE_VERTEX, .a = 5},
        {.line = 6, .kind = RV__UPDATE_REMOVE_VERTEX, .a = 6},
    };
    rv__mutation *r;
    size_t n;
    CU_ASSERT_EQUAL_FATAL(rv__update_batch_requests(u, 6, false, &r, &n), RV_OK);
    int reported = 0, removals = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t kind = r[i].kind & RV__MUTATION_KIND_MASK;
        if (kind == RV__REMOVE_EDGE || kind == RV__REMOVE_VERTEX) {
            removals++;
            if (r[i].kind & RV__MUTATION_REPORT) {
                reported++;
                CU_ASSERT(r[i].line == 3 || r[i].line == 6);
            }
        }
    }
    CU_ASSERT_EQUAL(removals, 4);
    CU_ASSERT_EQUAL(reported, 2);
    free(r);
}

/* ---- The write-ahead log's record files ------------------------------------------ */

static void test_wal(void)
{
    char dir[128], path[RV__STORE_PATH_MAX], error[512];
    snprintf(dir, sizeof dir, "%s/wal", tmpdir);
    CU_ASSERT_EQUAL_FATAL(rv__store_mkdirs(dir, error, sizeof error), RV_OK);
    CU_ASSERT_EQUAL(rv__wal_write(dir, 1, 77, "one", 3, false, error, sizeof error), RV_OK);
    CU_ASSERT_EQUAL(rv__wal_write(dir, 2, 77, "two", 3, false, error, sizeof error), RV_OK);
    CU_ASSERT_EQUAL(rv__wal_write(dir, 10, 77, "ten", 3, false, error, sizeof error), RV_OK);

    /* Listed in order, whatever the directory order. */
    uint64_t *sequences = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL_FATAL(rv__wal_list(dir, &sequences, &n), RV_OK);
    CU_ASSERT(n == 3 && sequences[0] == 1 && sequences[1] == 2 && sequences[2] == 10);
    free(sequences);

    /* Read back verified, with the writer's identity. */
    void *payload = NULL;
    size_t bytes = 0;
    uint32_t identity = 0;
    char why[RV__STORE_PATH_MAX + 128];
    CU_ASSERT_EQUAL(rv__wal_read(dir, 2, &payload, &bytes, &identity, why, sizeof why), RV__REPLICA_OK);
    CU_ASSERT(bytes == 3 && memcmp(payload, "two", 3) == 0 && identity == 77);
    free(payload);
    CU_ASSERT_EQUAL(rv__wal_read(dir, 3, &payload, &bytes, &identity, why, sizeof why), RV__REPLICA_MISSING);

    /* A torn write (half a record) and a flipped byte both fail the checksum. */
    CU_ASSERT_EQUAL(rv__wal_write(dir, 11, 77, "eleven", 6, true, error, sizeof error), RV_OK);
    CU_ASSERT_EQUAL(rv__wal_read(dir, 11, &payload, &bytes, &identity, why, sizeof why), RV__REPLICA_CORRUPT);
    CU_ASSERT(strstr(why, "corrupt") != NULL && payload == NULL);
    CU_ASSERT_EQUAL_FATAL(rv__wal_record_path(dir, 10, path), RV_OK);
    int fd = open(path, O_WRONLY);
    CU_ASSERT_FATAL(fd >= 0);
    struct stat st;
    CU_ASSERT_FATAL(fstat(fd, &st) == 0);
    CU_ASSERT(pwrite(fd, "X", 1, st.st_size - 1) == 1); /* inside the payload */
    close(fd);
    CU_ASSERT_EQUAL(rv__wal_read(dir, 10, &payload, &bytes, &identity, why, sizeof why), RV__REPLICA_CORRUPT);

    /* Removing: twice is not an error. */
    CU_ASSERT_EQUAL(rv__wal_remove(dir, 10, error, sizeof error), RV_OK);
    CU_ASSERT_EQUAL(rv__wal_remove(dir, 10, error, sizeof error), RV_OK);
    CU_ASSERT_EQUAL_FATAL(rv__wal_list(dir, &sequences, &n), RV_OK);
    CU_ASSERT(n == 3 && sequences[2] == 11);
    free(sequences);
}

/* ---- Sources ------------------------------------------------------------------------ */

/* Reads from @p source until @p want bytes came or the stream ended. */
static size_t read_all(rv__update_source *source, char *out, size_t want, bool *ended)
{
    size_t got = 0;
    char error[256];
    for (int tries = 0; tries < 200 && got < want; tries++) {
        size_t n;
        CU_ASSERT_EQUAL_FATAL(rv__update_source_read(source, 50, out + got, want - got, &n, ended, error,
                                                     sizeof error),
                              RV_OK);
        got += n;
        if (*ended)
            break;
    }
    return got;
}

static void test_source_file(void)
{
    char path[160], error[256], buffer[64];
    snprintf(path, sizeof path, "%s/updates.txt", tmpdir);
    FILE *f = fopen(path, "w");
    CU_ASSERT_FATAL(f != NULL);
    fputs("+ 1 2\n", f);
    fclose(f);

    /* Without --follow the end of the file ends the stream. */
    rv__update_source *source;
    CU_ASSERT_EQUAL_FATAL(rv__update_source_open(path, false, &source, error, sizeof error), RV_OK);
    bool ended = false;
    CU_ASSERT_EQUAL(read_all(source, buffer, sizeof buffer, &ended), 6);
    CU_ASSERT(ended);
    CU_ASSERT_EQUAL(rv__update_source_offset(source), 6);
    rv__update_source_close(&source);

    /* With --follow, what is appended later arrives too, and the end never comes. */
    CU_ASSERT_EQUAL_FATAL(rv__update_source_open(path, true, &source, error, sizeof error), RV_OK);
    CU_ASSERT_EQUAL(read_all(source, buffer, 6, &ended), 6);
    size_t n;
    CU_ASSERT_EQUAL(rv__update_source_read(source, 30, buffer, sizeof buffer, &n, &ended, error, sizeof error), RV_OK);
    CU_ASSERT(n == 0 && !ended);
    f = fopen(path, "a");
    fputs("- 1 2\n", f);
    fclose(f);
    CU_ASSERT_EQUAL(read_all(source, buffer, 6, &ended), 6);
    CU_ASSERT(memcmp(buffer, "- 1 2\n", 6) == 0 && !ended);
    rv__update_source_close(&source);

    /* Resuming skips what was logged. */
    CU_ASSERT_EQUAL_FATAL(rv__update_source_open(path, false, &source, error, sizeof error), RV_OK);
    CU_ASSERT_EQUAL(rv__update_source_seek(source, 6, error, sizeof error), RV_OK);
    CU_ASSERT_EQUAL(read_all(source, buffer, sizeof buffer, &ended), 6);
    CU_ASSERT(memcmp(buffer, "- 1 2\n", 6) == 0);
    CU_ASSERT_EQUAL(rv__update_source_seek(source, 100, error, sizeof error), RV_EIO);
    rv__update_source_close(&source);

    CU_ASSERT_EQUAL(rv__update_source_open("/nonexistent/updates", false, &source, error, sizeof error), RV_EIO);
    CU_ASSERT(strstr(error, "cannot open '/nonexistent/updates'") != NULL);
    CU_ASSERT_EQUAL(rv__update_source_open(tmpdir, false, &source, error, sizeof error), RV_EIO);
}

static void test_source_fifo(void)
{
    char path[160], error[256], buffer[64];
    snprintf(path, sizeof path, "%s/fifo", tmpdir);
    CU_ASSERT_FATAL(mkfifo(path, 0600) == 0);
    rv__update_source *source;
    CU_ASSERT_EQUAL_FATAL(rv__update_source_open(path, false, &source, error, sizeof error), RV_OK);
    /* No writer yet: nothing, and not the end. */
    size_t n;
    bool ended;
    CU_ASSERT_EQUAL(rv__update_source_read(source, 20, buffer, sizeof buffer, &n, &ended, error, sizeof error), RV_OK);
    CU_ASSERT(n == 0 && !ended);
    int writer = open(path, O_WRONLY | O_NONBLOCK);
    CU_ASSERT_FATAL(writer >= 0);
    CU_ASSERT(write(writer, "+v 3\n", 5) == 5);
    close(writer);
    CU_ASSERT_EQUAL(read_all(source, buffer, sizeof buffer, &ended), 5);
    CU_ASSERT(ended);
    rv__update_source_close(&source);
    unlink(path);
}

/* A client of the listener at @p port. */
static int connect_to(int port)
{
    int client = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    CU_ASSERT_FATAL(connect(client, (struct sockaddr *)&addr, sizeof addr) == 0);
    return client;
}

/* With --follow, one client after another; each hears the acknowledgements of its own lines. */
static void test_source_tcp_follow(void)
{
    char error[256], buffer[64], ack[16];
    rv__update_source *source;
    CU_ASSERT_EQUAL_FATAL(rv__update_source_open("tcp://127.0.0.1:0", true, &source, error, sizeof error), RV_OK);
    int port = atoi(rv__update_source_name(source) + 16);
    bool ended = false;
    for (int round = 0; round < 2; round++) {
        int client = connect_to(port);
        CU_ASSERT(write(client, "+v 1\n", 5) == 5);
        shutdown(client, SHUT_WR);
        CU_ASSERT_EQUAL(read_all(source, buffer, 5, &ended), 5);
        /* The end of this client's lines, but not of the stream. */
        size_t n = 0;
        for (int tries = 0; tries < 100 && !rv__update_source_client_left(source); tries++)
            CU_ASSERT_EQUAL(rv__update_source_read(source, 10, buffer, sizeof buffer, &n, &ended, error, sizeof error),
                            RV_OK);
        CU_ASSERT(!ended && n == 0);
        rv__update_source_reply(source, round ? "ack 2\n" : "ack 1\n", 6);
        CU_ASSERT(read(client, ack, sizeof ack) == 6);
        CU_ASSERT(memcmp(ack, round ? "ack 2\n" : "ack 1\n", 6) == 0);
        close(client);
    }
    rv__update_source_close(&source);
}

static void test_source_tcp(void)
{
    char error[256], buffer[64];
    rv__update_source *source;
    CU_ASSERT_EQUAL(rv__update_source_open("tcp://127.0.0.1", false, &source, error, sizeof error), RV_EINVAL);
    CU_ASSERT_EQUAL(rv__update_source_open("tcp://127.0.0.1:x", false, &source, error, sizeof error), RV_EINVAL);
    CU_ASSERT_EQUAL(rv__update_source_open("tcp://nowhere:80", false, &source, error, sizeof error), RV_EINVAL);
    CU_ASSERT_EQUAL_FATAL(rv__update_source_open("tcp://127.0.0.1:0", false, &source, error, sizeof error), RV_OK);
    const char *name = rv__update_source_name(source);
    CU_ASSERT(strncmp(name, "tcp://127.0.0.1:", 16) == 0);
    int port = atoi(name + 16);
    CU_ASSERT(port > 0);

    int client = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    CU_ASSERT_FATAL(connect(client, (struct sockaddr *)&addr, sizeof addr) == 0);
    CU_ASSERT(write(client, "+ 1 2\n", 6) == 6);
    bool ended = false;
    CU_ASSERT_EQUAL(read_all(source, buffer, 6, &ended), 6);
    rv__update_source_reply(source, "ack 1\n", 6);
    char ack[16] = "";
    CU_ASSERT(read(client, ack, sizeof ack) == 6);
    CU_ASSERT(memcmp(ack, "ack 1\n", 6) == 0);
    /* The client closing its side ends the stream, and still hears about its last lines. */
    shutdown(client, SHUT_WR);
    CU_ASSERT_EQUAL(read_all(source, buffer, sizeof buffer, &ended), 0);
    CU_ASSERT(ended);
    CU_ASSERT(rv__update_source_client_left(source));
    CU_ASSERT_FALSE(rv__update_source_client_left(source));
    rv__update_source_reply(source, "ack 2\n", 6);
    CU_ASSERT(read(client, ack, sizeof ack) == 6);
    CU_ASSERT(memcmp(ack, "ack 2\n", 6) == 0);
    close(client);
    rv__update_source_close(&source);
}

int main(void)
{
    static const rv_test_case tests[] = {
        {"parse: valid lines", test_parse_valid},
        {"parse: errors", test_parse_errors},
        {"line buffer", test_line_buffer},
        {"batch: directed, against a sequential model", test_batch_directed},
        {"batch: undirected, against a sequential model", test_batch_undirected},
        {"batch: removals flagged for reports", test_batch_reports},
        {"write-ahead log", test_wal},
        {"source: file, --follow, resume", test_source_file},
        {"source: FIFO", test_source_fifo},
        {"source: TCP", test_source_tcp},
        {"source: TCP, --follow", test_source_tcp_follow},
    };
    return rv_test_run_table_in(tmpdir, "updates", tests, sizeof tests / sizeof *tests);
}
