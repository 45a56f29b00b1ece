/* graph_load.c — batch ingestion: every rank reads its byte range, parses it, and ships each edge to its source's owner.
 *
 * The load runs in rounds so that no rank ever holds more than one block of text
 * and one block of parsed edges beyond what it already owns: in each round every
 * rank parses one block of its byte range, edges travel to their owners in one
 * all-to-all, and one small reduction tells whether anyone still has text and
 * whether anyone failed. Owners intern the ids of the edges they receive at once
 * (see rv__owned_input in graph.h), so what a rank keeps is 8 bytes an edge. A bad
 * line stops the rounds on every rank; the error reported is the first bad line of
 * the file, numbered as in the file, whatever the rank count.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "comm.h"
#include "graph.h"
#include "io/crc32c.h"
#include "memory.h"

/* Text per round and rank. Small enough that a round's scratch (text, parsed edges,
 * send and receive blocks: about five times this) stays well below what the build
 * needs at its peak; large enough that rounds are few, since every round's
 * collectives wait for the slowest rank, which costs most when ranks share cores
 * with other work. */
enum { BLOCK_BYTES = 8 << 20 };


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

/* Per-round scratch, reused across rounds so that later rounds touch no fresh pages.
 *
 * A round's records travel as one block per owner rank, each block a structure of
 * arrays: the block of c records holds c source ids, then c target ids, then c
 * weights (vertex records: c ids), 8 bytes each. The block for this rank itself is
 * kept out of the exchange: it sits after all others in the send buffer and is
 * interned from there, which saves copying a 1/P share of the edges. */
typedef struct round_scratch {
    rv__edge_list parsed;
    rv__id_list parsed_ids;
    int *owner;
    size_t owner_capacity;
    uint64_t *send_bytes, *recv_bytes;
    size_t *count;    /* [P] records per owner this round */
    size_t *fill;     /* [P] records packed so far per owner */
    uint64_t **block; /* [P] where each owner's block starts in send */
    uint64_t *send;
    size_t send_capacity; /* in 8-byte words */
    rv__buffer recv;
    double intern_seconds; /* hashing ids as they arrive: counted as build time */
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

static int reserve_send(round_scratch *r, size_t words)
{
    if (words <= r->send_capacity)
        return RV_OK;
    if (words > SIZE_MAX / 8)
        return RV_ENOMEM;
    uint64_t *p = realloc(r->send, words * 8);
    if (!p)
        return RV_ENOMEM;
    r->send = p;
    r->send_capacity = words;
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

/* Grows one array of the owned edges to @p capacity elements; untouched on failure. */
static int grow_array(void **array, size_t capacity, size_t size)
{
    if (capacity > SIZE_MAX / size)
        return RV_ENOMEM;
    void *grown = realloc(*array, capacity * size);
    if (!grown)
        return RV_ENOMEM;
    *array = grown;
    return RV_OK;
}

/* Makes room for @p extra more owned edges. Capacity doubles, and large blocks are
 * mapped memory that realloc moves by remapping, so growing neither copies the edges
 * nor touches pages before they are written. */
static int reserve_edges(rv__owned_input *in, size_t extra)
{
    if (extra > SIZE_MAX - in->n_edges)
        return RV_ENOMEM;
    if (in->n_edges + extra <= in->capacity)
        return RV_OK;
    size_t capacity = in->capacity < 4096 ? 4096 : in->capacity;
    while (capacity < in->n_edges + extra)
        capacity = capacity <= SIZE_MAX / 2 ? 2 * capacity : in->n_edges + extra;
    /* The arrays grow one by one and capacity moves only once all have grown, so a
     * failure leaves the input consistent. */
    int status = grow_array((void **)&in->src, capacity, sizeof *in->src);
    if (status == RV_OK)
        status = grow_array((void **)&in->dst, capacity, sizeof *in->dst);
    if (status == RV_OK && in->with_weights)
        status = grow_array((void **)&in->weight, capacity, sizeof *in->weight);
    if (status == RV_OK && in->with_reverse_marks)
        status = grow_array((void **)&in->reverse, capacity, sizeof *in->reverse);
    if (status == RV_OK)
        in->capacity = capacity;
    return status;
}

/* Packs this round's parsed records into per-owner blocks of r->send (see
 * round_scratch). Edge records are (src, dst[, weight]); an undirected line also
 * yields (dst, src[, weight]) for dst's owner. Vertex records are one id. Leaves
 * r->send_bytes ready for the exchange, with this rank's own block left out.
 * Every rank calls this every round, with no records when it has @p failed (or
 * cannot make room), because a placement with a directory answers
 * rv__placement_owners() collectively. */
static int pack_round(rv_graph *g, round_scratch *r, input_kind kind, bool undirected, size_t n_columns,
                      bool failed)
{
    const int P = g->session->size, me = g->session->rank;
    const rv__edge_list *e = &r->parsed;
    size_t n = failed ? 0 : kind == INPUT_EDGES ? e->n : r->parsed_ids.n;
    size_t n_records = kind == INPUT_EDGES && undirected ? 2 * n : n;
    int status = RV_OK;
    /* At least one word, so that block pointers are never offsets from NULL. */
    if (n_records > SIZE_MAX / n_columns - 1 || reserve_owner(r, n_records) != RV_OK ||
        reserve_send(r, n_records * n_columns + 1) != RV_OK) {
        status = RV_ENOMEM;
        n = n_records = 0;
    }
    const uint64_t *first = kind == INPUT_VERTICES ? r->parsed_ids.id : e->src;
    int placed = rv__placement_owners(g->session, &g->placement, first, n, r->owner);
    if (kind == INPUT_EDGES && undirected) {
        int reverse = rv__placement_owners(g->session, &g->placement, e->dst, n, r->owner + n);
        placed = placed != RV_OK ? placed : reverse;
    }
    status = status != RV_OK ? status : placed;
    if (status != RV_OK || failed)
        return status;

    memset(r->count, 0, (size_t)P * sizeof *r->count);
    for (size_t i = 0; i < n_records; i++)
        r->count[r->owner[i]]++;
    /* Blocks in rank order, then this rank's own, which the exchange skips. */
    uint64_t *at = r->send;
    for (int q = 0; q < P; q++) {
        r->send_bytes[q] = q == me ? 0 : 8 * r->count[q] * n_columns;
        if (q != me) {
            r->block[q] = at;
            at += r->count[q] * n_columns;
        }
    }
    r->block[me] = at;

    /* Column c of block q starts c * count[q] words in. */
    const size_t *stride = r->count;
    size_t *fill = r->fill;
    memset(fill, 0, (size_t)P * sizeof *fill);
    if (kind == INPUT_VERTICES) {
        for (size_t i = 0; i < n; i++)
            r->block[r->owner[i]][fill[r->owner[i]]++] = r->parsed_ids.id[i];
        return RV_OK;
    }
    for (size_t i = 0; i < n_records; i++) {
        int q = r->owner[i];
        uint64_t *out = r->block[q] + fill[q]++;
        /* Record i < n is the line's edge; record n + i is its reverse, marked in
         * the target's top bit, which no id uses (ids stop at 2^63 - 1). */
        size_t line = i < n ? i : i - n;
        out[0] = i < n ? e->src[line] : e->dst[line];
        out[stride[q]] = i < n ? e->dst[line] : e->src[line] | RV__REVERSE_MARK;
        if (n_columns == 3)
            memcpy(&out[2 * stride[q]], &e->weight[line], 8);
    }
    return RV_OK;
}

int rv__owned_input_add_vertices(rv__owned_input *owned, const uint64_t *ids, size_t n)
{
    return rv__idmap_intern_many(&owned->ids, ids, n, NULL);
}

int rv__owned_input_add_edges(rv__owned_input *owned, const uint64_t *src, uint64_t *dst, const double *weight,
                              size_t n)
{
    if (n == 0)
        return RV_OK;
    if (reserve_edges(owned, n) != RV_OK)
        return RV_ENOMEM;
    /* The targets lose their reverse marks here (kept when the input wants them). */
    for (size_t i = 0; i < n; i++) {
        if (owned->with_reverse_marks)
            owned->reverse[owned->n_edges + i] = (uint8_t)(dst[i] >> 63);
        dst[i] &= ~RV__REVERSE_MARK;
    }
    int status = rv__idmap_intern_many(&owned->ids, src, n, owned->src + owned->n_edges);
    if (status == RV_OK)
        status = rv__idmap_intern_many(&owned->ids, dst, n, owned->dst + owned->n_edges);
    if (status == RV_OK && owned->with_weights)
        memcpy(owned->weight + owned->n_edges, weight, n * sizeof *owned->weight);
    if (status == RV_OK)
        owned->n_edges += n;
    return status;
}

/* Interns the records of one block (from the exchange, or this rank's own) into what
 * this rank owns. */
static int unpack_block(rv__owned_input *owned, input_kind kind, uint64_t *block, size_t n, size_t n_columns)
{
    if (kind == INPUT_VERTICES)
        return rv__owned_input_add_vertices(owned, block, n);
    return rv__owned_input_add_edges(owned, block, block + n, n_columns == 3 ? (const double *)(block + 2 * n) : NULL,
                                     n);
}

/* Takes in this round's blocks in rank order, so that edges reach the CSR in the
 * same order whether or not they crossed the network. */
static int unpack_round(rv_session *s, round_scratch *r, rv__owned_input *owned, input_kind kind, size_t n_columns)
{
    double t0 = rv__now();
    int status = RV_OK;
    uint64_t *received = (uint64_t *)r->recv.data;
    for (int q = 0; q < s->size && status == RV_OK; q++) {
        if (q == s->rank) {
            status = unpack_block(owned, kind, r->block[q], r->count[q], n_columns);
            continue;
        }
        size_t n = r->recv_bytes[q] / (8 * n_columns);
        status = unpack_block(owned, kind, received, n, n_columns);
        received += n * n_columns;
    }
    r->intern_seconds += rv__now() - t0;
    return status;
}

/* Reads one file in rounds and ships its records to their owners. Collective.
 *
 * A round is one reduction and one exchange. The reduction tells everyone whether
 * anyone failed (parsing or packing this round's block, or taking in the previous
 * round's) and whether anyone still has text; failing to take in the last round's
 * records is caught by the final round's reduction, which no rank skips. Keeping the
 * collectives per round few matters when ranks share cores with other work: each one
 * waits for the slowest rank. */
static int shuffle_file(rv_graph *g, const rv_load_options *o, file_part *part, const rv__edge_format *format,
                        round_scratch *r, rv__owned_input *owned, double *read_seconds, double *shuffle_seconds)
{
    rv_session *s = g->session;
    bool weighted = part->kind == INPUT_EDGES && format->keep_weights;
    size_t n_columns = part->kind == INPUT_VERTICES ? 1 : weighted ? 3 : 2;
    bool exhausted = false;
    int status = RV_OK; /* carries a failure to take in a round's records to the next round */
    for (;;) {
        double t0 = rv__now();
        rv__parse_error error = {0};
        rv__parse_summary summary = {0};
        r->parsed.n = 0;
        r->parsed_ids.n = 0;
        if (status == RV_OK && !exhausted) {
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
        double t1 = rv__now();
        *read_seconds += t1 - t0;
        int packed = pack_round(g, r, part->kind, o->undirected, n_columns, status != RV_OK);
        if (status == RV_OK && (status = packed) == RV_ENOMEM)
            rv__session_fail(s, status, "out of memory placing %s of '%s'",
                             part->kind == INPUT_EDGES ? "edges" : "vertices", part->path);

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

        status = rv__comm_alltoallv(s, r->send, r->send_bytes, &r->recv, r->recv_bytes);
        *shuffle_seconds += rv__now() - t1;
        if (status == RV_OK) {
            status = unpack_round(s, r, owned, part->kind, n_columns);
            if (status == RV_ELIMIT)
                rv__session_fail(s, status,
                                 "rank %d sees more than 2^32 - 2 distinct vertex ids (its vertices and their "
                                 "neighbours): use more ranks",
                                 s->rank);
            else if (status != RV_OK)
                rv__session_fail(s, status, "out of memory receiving %s of '%s'",
                                 part->kind == INPUT_EDGES ? "edges" : "vertices", part->path);
        }
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

/* The checksum of a whole file from every rank's part (see rv__range_reader_checksum). */
static int text_checksum(rv_session *s, const file_part *part, uint32_t *crc, uint64_t *bytes)
{
    uint32_t mine_crc = 0;
    uint64_t mine[2] = {0, 0};
    if (part->reader)
        rv__range_reader_checksum(part->reader, &mine_crc, &mine[1]);
    mine[0] = mine_crc;
    uint64_t *all = malloc(2 * (size_t)s->size * sizeof *all);
    int status = all ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory");
    status = rv__session_agree(s, status);
    if (status == RV_OK)
        status = rv__session_agree(s, rv__comm_allgather_u64s(s, mine, 2, all));
    *crc = 0;
    *bytes = 0;
    for (int r = 0; status == RV_OK && r < s->size; r++) {
        *crc = rv__crc32c_combine(*crc, (uint32_t)all[2 * r], all[2 * r + 1]);
        *bytes += all[2 * r + 1];
    }
    free(all);
    return status;
}

static void destroy_scratch(round_scratch *r)
{
    rv__edge_list_destroy(&r->parsed);
    rv__id_list_destroy(&r->parsed_ids);
    free(r->owner);
    free(r->send_bytes);
    free(r->recv_bytes);
    free(r->count);
    free(r->fill);
    free(r->block);
    free(r->send);
    rv__buffer_destroy(&r->recv);
}

void rv__owned_input_destroy(rv__owned_input *in)
{
    rv__idmap_destroy(&in->ids);
    free(in->src);
    free(in->dst);
    free(in->weight);
    free(in->reverse);
    in->src = in->dst = NULL;
    in->weight = NULL;
    in->reverse = NULL;
    in->n_edges = in->capacity = 0;
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
    owned.with_weights = weighted;
    owned.with_reverse_marks = o->undirected && o->mark_reverse_edges;

    rv_graph *g = calloc(1, sizeof *g);
    const size_t P = (size_t)s->size;
    r.send_bytes = calloc(P, sizeof *r.send_bytes);
    r.recv_bytes = calloc(P, sizeof *r.recv_bytes);
    r.count = calloc(P, sizeof *r.count);
    r.fill = calloc(P, sizeof *r.fill);
    r.block = calloc(P, sizeof *r.block);
    /* The id map starts small and doubles as ids arrive: nothing known before the
     * load bounds the number of distinct ids well, and a table sized from the edge
     * count would be mostly empty and miss the caches on every probe. */
    if (!g || !r.send_bytes || !r.recv_bytes || !r.count || !r.fill || !r.block ||
        rv__idmap_init(&owned.ids, 1 << 12) != RV_OK)
        status = rv__session_fail(s, RV_ENOMEM, "out of memory starting the load");
    else if (!o->edge_file)
        status = rv__session_fail(s, RV_EINVAL, "no edge file given");
    if (status == RV_OK) {
        g->session = s;
        g->undirected = o->undirected;
        /* Every load starts by hash; a partition moves the vertices afterwards. */
        rv__placement_init(&g->placement, s->size);
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
    if (status == RV_OK)
        status = text_checksum(s, &edge_part, &g->input_crc[0], &g->input_text_bytes[0]);
    if (status == RV_OK && o->vertex_file)
        status = text_checksum(s, &vertex_part, &g->input_crc[1], &g->input_text_bytes[1]);
    uint64_t input_bytes = (vertex_part.reader ? rv__range_reader_part_bytes(vertex_part.reader) : 0) +
                           (edge_part.reader ? rv__range_reader_part_bytes(edge_part.reader) : 0);
    rv__range_reader_close(&vertex_part.reader);
    rv__range_reader_close(&edge_part.reader);
    /* Interning the ids as they arrived was the first step of the build. */
    double intern_seconds = r.intern_seconds;
    destroy_scratch(&r);
    if (status != RV_OK)
        goto done;

    double t_build = rv__now();
    status = rv__graph_build(g, &owned);
    double build_seconds = rv__now() - t_build + intern_seconds;
    if (status == RV_OK)
        status = rv__graph_place(g, o);
    if (status != RV_OK)
        goto done;
    /* Placing by a partition is part of partitioning, building again part of the build. */
    const rv_partition_stats *placed = &g->partition_stats;
    shuffle_seconds += placed->structure_seconds + placed->metis_seconds + placed->directory_seconds +
                       placed->move_seconds;
    build_seconds += placed->rebuild_seconds;

    /* Statistics are reduced once here so that every rank holds the same. */
    uint64_t sums[4] = {input_bytes, rv__graph_bytes(g), rss_before, rv__rss_bytes()};
    double seconds[3] = {read_seconds, shuffle_seconds, build_seconds};
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
    rv__log(s, RV_LOG_DEBUG, "load took %.3f s (here: reading %.3f s, shipping %.3f s, interning %.3f s)",
            rv__now() - t_start, read_seconds, shuffle_seconds, intern_seconds);
done:
    rv__owned_input_destroy(&owned);
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
    rv__graph_clear(g);
    rv__placement_destroy(&g->placement);
    free(g);
    *graph = NULL;
}

void rv__graph_clear(rv_graph *g)
{
    free(g->gid);
    free(g->by_id);
    free(g->offsets);
    free(g->ends);
    free(g->targets);
    free(g->weights);
    free(g->reverse);
    free(g->ghost_gid);
    free(g->ghost_remote);
    free(g->ghost_rank_start);
    free(g->mirror);
    free(g->mirror_rank_start);
    g->gid = NULL;
    g->by_id = NULL;
    g->offsets = NULL;
    g->targets = NULL;
    g->weights = NULL;
    g->reverse = NULL;
    g->ghost_gid = NULL;
    g->ghost_remote = NULL;
    g->ghost_rank_start = NULL;
    g->mirror = NULL;
    g->mirror_rank_start = NULL;
    g->n_local = g->n_ghost = 0;
    g->m_local = 0;
}

uint64_t rv_graph_n_vertices(const rv_graph *graph) { return graph->n_vertices; }
uint64_t rv_graph_n_edges(const rv_graph *graph) { return graph->n_edges; }
bool rv_graph_has_weights(const rv_graph *graph) { return graph->weights != NULL; }
void rv_graph_load_stats(const rv_graph *graph, rv_load_stats *out) { *out = graph->load_stats; }
void rv_graph_partition_stats(const rv_graph *graph, rv_partition_stats *out) { *out = graph->partition_stats; }
