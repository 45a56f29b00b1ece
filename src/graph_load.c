/* graph_load.c — batch ingestion: every rank reads its byte range, parses it, and ships each edge to its source's owner.
 *
 * The load runs in rounds so that no rank ever holds more than one block of text
 * and one block of parsed edges beyond what it already owns: in each round every
 * rank parses one block of its byte range, edges travel to their owners in one
 * all-to-all, and a small reduction tells whether anyone still has text and whether
 * anyone failed. A bad line stops the rounds on every rank; the error reported is
 * the first bad line of the file, numbered as in the file, whatever the rank count.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "comm.h"
#include "graph.h"
#include "memory.h"
#include "sort.h"

enum { BLOCK_BYTES = 16 << 20 };

/* Which input a round reads: the two files are shipped differently. */
typedef enum { INPUT_VERTICES = 0, INPUT_EDGES = 1 } input_kind;

/* One rank's progress through its part of one file. */
typedef struct file_part {
    const char *path;
    input_kind kind;
    rv__range_reader *reader;
    uint64_t lines_done;     /* lines of this part parsed in earlier blocks */
    uint64_t first_with_weight, first_without_weight; /* part-relative line numbers, 0 = none */
} file_part;

/* Per-round scratch, reused across rounds. */
typedef struct round_scratch {
    rv__edge_list parsed;
    rv__id_list parsed_ids;
    int *owner;
    size_t owner_capacity;
    uint64_t *send_bytes, *recv_bytes, *cursor;
    unsigned char *send;
    size_t send_capacity;
    rv__buffer recv;
} round_scratch;

static int open_part(rv_session *s, file_part *part, const char *path, input_kind kind)
{
    char error[256];
    part->path = path;
    part->kind = kind;
    int status = rv__range_reader_open(path, s->rank, s->size, BLOCK_BYTES, &part->reader, error, sizeof error);
    if (status != RV_OK)
        return rv__session_fail(s, status, "%s", error);
    return RV_OK;
}

/* Turns a local parse error into the file's line number and agrees on the first one.
 * Every rank counts the lines of its part (what it parsed plus what is left), an
 * exclusive scan gives each part's first line, and the smallest failing line wins. */
static int report_first_bad_line(rv_session *s, file_part *part, int local_status, uint64_t block_lines,
                                 const rv__parse_error *error)
{
    char text[256];
    uint64_t remaining = 0, before = 0;
    int status = rv__range_reader_count_remaining_lines(part->reader, &remaining, text, sizeof text);
    uint64_t total = part->lines_done + block_lines + remaining;
    if (rv__comm_exscan_u64(s, total, &before) != RV_OK)
        return rv__session_agree(s, RV_EMPI);
    /* Failures other than a bad line (a read error) sort first. */
    uint64_t key = 0;
    if (local_status == RV_EPARSE) {
        uint64_t line = before + part->lines_done + error->line;
        key = (uint64_t)part->kind << 56 | line;
        rv__session_fail(s, RV_EPARSE, "%s:%" PRIu64 ": %s", part->path, line, error->message);
    } else if (local_status == RV_OK && status != RV_OK) {
        local_status = rv__session_fail(s, status, "%s", text);
    }
    return rv__session_agree_keyed(s, local_status, key);
}

static int reserve_send(round_scratch *r, size_t bytes)
{
    if (bytes <= r->send_capacity)
        return RV_OK;
    unsigned char *p = realloc(r->send, bytes);
    if (!p)
        return RV_ENOMEM;
    r->send = p;
    r->send_capacity = bytes;
    return RV_OK;
}

static int reserve_owner(round_scratch *r, size_t n)
{
    if (n <= r->owner_capacity)
        return RV_OK;
    int *p = realloc(r->owner, n * sizeof *p);
    if (!p)
        return RV_ENOMEM;
    r->owner = p;
    r->owner_capacity = n;
    return RV_OK;
}

/* Packs this round's parsed records into per-owner blocks of r->send. Edge records
 * are (src, dst[, weight]); an undirected line also yields (dst, src[, weight]) for
 * dst's owner. Vertex records are one id. */
static int pack_round(rv_graph *g, round_scratch *r, input_kind kind, bool undirected, bool weighted,
                      size_t record_bytes)
{
    const int P = g->session->size;
    rv__edge_list *e = &r->parsed;
    size_t n = kind == INPUT_EDGES ? e->n : r->parsed_ids.n;
    size_t n_records = kind == INPUT_EDGES && undirected ? 2 * n : n;
    if (reserve_owner(r, n_records) != RV_OK || reserve_send(r, n_records * record_bytes) != RV_OK)
        return RV_ENOMEM;
    int status;
    if (kind == INPUT_VERTICES) {
        status = rv__placement_owners(g->session, &g->placement, r->parsed_ids.id, n, r->owner);
    } else {
        status = rv__placement_owners(g->session, &g->placement, e->src, n, r->owner);
        if (status == RV_OK && undirected)
            status = rv__placement_owners(g->session, &g->placement, e->dst, n, r->owner + n);
    }
    if (status != RV_OK)
        return status;

    memset(r->send_bytes, 0, (size_t)P * sizeof *r->send_bytes);
    for (size_t i = 0; i < n_records; i++)
        r->send_bytes[r->owner[i]] += record_bytes;
    uint64_t offset = 0;
    for (int q = 0; q < P; q++) {
        r->cursor[q] = offset;
        offset += r->send_bytes[q];
    }
    for (size_t i = 0; i < n_records; i++) {
        unsigned char *out = r->send + r->cursor[r->owner[i]];
        r->cursor[r->owner[i]] += record_bytes;
        if (kind == INPUT_VERTICES) {
            memcpy(out, &r->parsed_ids.id[i], 8);
            continue;
        }
        /* Record i < n is the line's edge; record n + i is its reverse. */
        size_t line = i < n ? i : i - n;
        uint64_t from = i < n ? e->src[line] : e->dst[line];
        uint64_t to = i < n ? e->dst[line] : e->src[line];
        memcpy(out, &from, 8);
        memcpy(out + 8, &to, 8);
        if (weighted)
            memcpy(out + 16, &e->weight[line], 8);
    }
    return RV_OK;
}

/* Appends received records to what this rank owns. */
static int unpack_round(round_scratch *r, rv__owned_input *owned, input_kind kind, bool weighted,
                        size_t record_bytes)
{
    size_t n = r->recv.size / record_bytes;
    const unsigned char *p = r->recv.data;
    if (kind == INPUT_VERTICES) {
        for (size_t i = 0; i < n; i++) {
            uint64_t id;
            memcpy(&id, p + i * record_bytes, 8);
            if (rv__id_list_push(&owned->vertices, id) != RV_OK)
                return RV_ENOMEM;
        }
        return RV_OK;
    }
    rv__edge_list *e = &owned->edges;
    if (rv__edge_list_reserve(e, n) != RV_OK)
        return RV_ENOMEM;
    for (size_t i = 0; i < n; i++, p += record_bytes) {
        memcpy(&e->src[e->n], p, 8);
        memcpy(&e->dst[e->n], p + 8, 8);
        if (weighted)
            memcpy(&e->weight[e->n], p + 16, 8);
        e->n++;
    }
    return RV_OK;
}

/* Reads one file in rounds and ships its records to their owners. Collective. */
static int shuffle_file(rv_graph *g, const rv_load_options *o, file_part *part, const rv__edge_format *format,
                        round_scratch *r, rv__owned_input *owned, double *read_seconds, double *shuffle_seconds)
{
    rv_session *s = g->session;
    bool weighted = part->kind == INPUT_EDGES && format->keep_weights;
    size_t record_bytes = part->kind == INPUT_VERTICES ? 8 : weighted ? 24 : 16;
    bool exhausted = false;
    for (;;) {
        double t0 = rv__now();
        int status = RV_OK;
        rv__parse_error error = {0};
        rv__parse_summary summary = {0};
        r->parsed.n = 0;
        r->parsed_ids.n = 0;
        if (!exhausted) {
            const char *text;
            size_t length;
            char io_error[256];
            status = rv__range_reader_next(part->reader, &text, &length, io_error, sizeof io_error);
            if (status != RV_OK)
                rv__session_fail(s, status, "%s", io_error);
            else if (length == 0)
                exhausted = true;
            else if (part->kind == INPUT_EDGES)
                status = rv__parse_edges(text, length, format, &r->parsed, &summary, &error);
            else
                status = rv__parse_vertices(text, length, &r->parsed_ids, &summary, &error);
            if (status == RV_ENOMEM)
                rv__session_fail(s, status, "out of memory parsing '%s'", part->path);
        }
        /* Everyone learns whether anyone failed or still has text. */
        uint64_t flags[2] = {status != RV_OK, !exhausted};
        if (rv__comm_allreduce_u64(s, flags, 2, RV__REDUCE_MAX) != RV_OK)
            return rv__session_agree(s, RV_EMPI);
        if (flags[0])
            return report_first_bad_line(s, part, status, summary.n_lines, &error);
        if (summary.first_line_with_weight && !part->first_with_weight)
            part->first_with_weight = part->lines_done + summary.first_line_with_weight;
        if (summary.first_line_without_weight && !part->first_without_weight)
            part->first_without_weight = part->lines_done + summary.first_line_without_weight;
        part->lines_done += summary.n_lines;
        if (!flags[1])
            return RV_OK;
        double t1 = rv__now();
        *read_seconds += t1 - t0;

        status = pack_round(g, r, part->kind, o->undirected, weighted, record_bytes);
        if (status != RV_OK)
            status = rv__session_fail(s, status, "out of memory placing edges of '%s'", part->path);
        status = rv__session_agree(s, status);
        if (status == RV_OK)
            status = rv__comm_alltoallv(s, r->send, r->send_bytes, &r->recv, r->recv_bytes);
        if (status == RV_OK && unpack_round(r, owned, part->kind, weighted, record_bytes) != RV_OK)
            status = rv__session_fail(s, RV_ENOMEM, "out of memory receiving edges of '%s'", part->path);
        status = rv__session_agree(s, status);
        if (status != RV_OK)
            return status;
        *shuffle_seconds += rv__now() - t1;
    }
}

/* In a plain edge list the weight column is optional, but all lines must agree:
 * a file that mixes weighted and unweighted lines is refused at its first odd line. */
static int check_weight_columns(rv_session *s, const file_part *part)
{
    uint64_t before = 0, lines[2];
    if (rv__comm_exscan_u64(s, part->lines_done, &before) != RV_OK)
        return rv__session_agree(s, RV_EMPI);
    lines[0] = part->first_with_weight ? before + part->first_with_weight : UINT64_MAX;
    lines[1] = part->first_without_weight ? before + part->first_without_weight : UINT64_MAX;
    if (rv__comm_allreduce_u64(s, lines, 2, RV__REDUCE_MIN) != RV_OK)
        return rv__session_agree(s, RV_EMPI);
    if (lines[0] == UINT64_MAX || lines[1] == UINT64_MAX)
        return RV_OK;
    /* Every rank knows both lines, so every rank writes the same error. */
    if (lines[0] < lines[1])
        return rv__session_fail(s, RV_EPARSE, "%s:%" PRIu64 ": missing weight column (line %" PRIu64 " has one)",
                                part->path, lines[1], lines[0]);
    return rv__session_fail(s, RV_EPARSE,
                            "%s:%" PRIu64 ": unexpected weight column (line %" PRIu64 " has none; give every line a weight or none)",
                            part->path, lines[0], lines[1]);
}

static void destroy_scratch(round_scratch *r)
{
    rv__edge_list_destroy(&r->parsed);
    rv__id_list_destroy(&r->parsed_ids);
    free(r->owner);
    free(r->send_bytes);
    free(r->recv_bytes);
    free(r->cursor);
    free(r->send);
    rv__buffer_destroy(&r->recv);
}

int rv_graph_load(rv_session *s, const rv_load_options *o, rv_graph **out)
{
    *out = NULL;
    int status = RV_OK;
    double t_start = rv__now(), read_seconds = 0, shuffle_seconds = 0;
    file_part vertex_part = {0}, edge_part = {0};
    round_scratch r = {0};
    rv__owned_input owned = {0};
    bool weighted = o->keep_weights && o->weight_column >= 0;
    rv__edge_format format = {
        .weight_column = o->weight_column,
        .max_property_columns = o->max_property_columns > 0 ? o->max_property_columns : 1,
        .nonnegative_weights = o->nonnegative_weights,
        .keep_weights = weighted,
    };
    uint64_t rss_before = rv__rss_bytes();
    rv__edge_list_init(&r.parsed, weighted);
    rv__id_list_init(&r.parsed_ids);
    rv__edge_list_init(&owned.edges, weighted);
    rv__id_list_init(&owned.vertices);

    rv_graph *g = calloc(1, sizeof *g);
    r.send_bytes = calloc((size_t)s->size, sizeof *r.send_bytes);
    r.recv_bytes = calloc((size_t)s->size, sizeof *r.recv_bytes);
    r.cursor = calloc((size_t)s->size, sizeof *r.cursor);
    if (!g || !r.send_bytes || !r.recv_bytes || !r.cursor)
        status = rv__session_fail(s, RV_ENOMEM, "out of memory starting the load");
    else if (!o->edge_file)
        status = rv__session_fail(s, RV_EINVAL, "no edge file given");
    if (status == RV_OK) {
        g->session = s;
        rv__placement_init(&g->placement, o->partition, s->size);
        if (o->vertex_file)
            status = open_part(s, &vertex_part, o->vertex_file, INPUT_VERTICES);
        if (status == RV_OK)
            status = open_part(s, &edge_part, o->edge_file, INPUT_EDGES);
    }
    status = rv__session_agree(s, status);
    if (status == RV_OK && o->vertex_file)
        status = shuffle_file(g, o, &vertex_part, &format, &r, &owned, &read_seconds, &shuffle_seconds);
    if (status == RV_OK)
        status = shuffle_file(g, o, &edge_part, &format, &r, &owned, &read_seconds, &shuffle_seconds);
    if (status == RV_OK && weighted && o->weight_column == 0)
        status = check_weight_columns(s, &edge_part);
    uint64_t input_bytes = (vertex_part.reader ? rv__range_reader_part_bytes(vertex_part.reader) : 0) +
                           (edge_part.reader ? rv__range_reader_part_bytes(edge_part.reader) : 0);
    rv__range_reader_close(&vertex_part.reader);
    rv__range_reader_close(&edge_part.reader);
    destroy_scratch(&r);
    if (status != RV_OK)
        goto done;

    double t_build = rv__now();
    status = rv__graph_build(g, &owned);
    if (status != RV_OK)
        goto done;

    /* Statistics are reduced once here so that every rank holds the same. */
    uint64_t sums[4] = {input_bytes, rv__graph_bytes(g), rss_before, rv__rss_bytes()};
    double seconds[3] = {read_seconds, shuffle_seconds, rv__now() - t_build};
    status = rv__comm_allreduce_u64(s, sums, 4, RV__REDUCE_SUM);
    if (status == RV_OK)
        status = rv__comm_allreduce_f64(s, seconds, 3, RV__REDUCE_MAX);
    status = rv__session_agree(s, status);
    if (status != RV_OK)
        goto done;
    g->load_stats = (rv_load_stats){
        .input_bytes = sums[0],
        .read_seconds = seconds[0],
        .partition_seconds = seconds[1],
        .build_seconds = seconds[2],
        .graph_bytes_sum = sums[1],
        .rss_before_bytes_sum = sums[2],
        .rss_after_bytes_sum = sums[3],
    };
    rv__log(s, RV_LOG_DEBUG, "load took %.3f s", rv__now() - t_start);
done:
    rv__edge_list_destroy(&owned.edges);
    rv__id_list_destroy(&owned.vertices);
    if (status != RV_OK) {
        rv_graph_free(&g);
        return status;
    }
    *out = g;
    return RV_OK;
}

void rv_graph_free(rv_graph **graph)
{
    rv_graph *g = graph ? *graph : NULL;
    if (!g)
        return;
    free(g->gid);
    free(g->offsets);
    free(g->targets);
    free(g->weights);
    free(g->ghost_gid);
    free(g->ghost_remote);
    free(g->ghost_rank_start);
    free(g);
    *graph = NULL;
}

uint64_t rv_graph_n_vertices(const rv_graph *graph) { return graph->n_vertices; }
uint64_t rv_graph_n_edges(const rv_graph *graph) { return graph->n_edges; }
bool rv_graph_has_weights(const rv_graph *graph) { return graph->weights != NULL; }
void rv_graph_load_stats(const rv_graph *graph, rv_load_stats *out) { *out = graph->load_stats; }
