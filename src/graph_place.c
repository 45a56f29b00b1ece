/* graph_place.c — placing a loaded graph by a partition (METIS or a file): the parts, the directory, moving vertices and edges to their new owners, building again, and the quality report.
 *
 * Every load first places vertices by hash, which needs no knowledge of the graph.
 * A partition then starts from that hash-placed graph: METIS gets the undirected
 * structure (graph_structure.c, partitioner/metis.c), or the partition file is read
 * and checked against the vertices, which sit with their hash owners as the
 * directory's entries do. Each rank then knows the new owner of each of its
 * vertices, ships them with their out-edges there in rounds, and the CSR is built
 * again, its ghosts' owners looked up in the directory.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comm.h"
#include "graph.h"
#include "partitioner/metis.h"
#include "partitioner/partition_file.h"
#include "partitioner/quality.h"

/* Edges one rank ships per round of the move: bounds the send and receive buffers
 * (about 24 bytes an edge each, with weights) whatever the graph's size. */
enum { ROUND_EDGES = 1 << 22 };

/* METIS's default allowed imbalance. */
#define DEFAULT_IMBALANCE 1.05

/* ---- Quality ------------------------------------------------------------------- */

/* Measures the placement the graph has now: each rank is one part. */
static int measure_placement(rv_graph *g)
{
    rv_session *s = g->session;
    const int P = s->size;
    uint64_t *vertices = calloc((size_t)P, sizeof *vertices), *edges = calloc((size_t)P, sizeof *edges);
    int status = rv__session_agree(
        s, vertices && edges ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory measuring the partition"));
    if (status == RV_OK) {
        uint64_t cut = 0;
        for (uint64_t e = 0; e < g->m_local; e++)
            cut += g->targets[e] >= g->n_local;
        vertices[s->rank] = g->n_local;
        edges[s->rank] = g->m_local;
        status = rv__partition_quality(s, P, vertices, edges, cut, g->n_ghost, &g->partition_stats);
    }
    free(vertices);
    free(edges);
    return status;
}

/* Measures a partition of the graph into @p n_parts parts that has not been applied:
 * @p parts[v] of each local vertex. The parts of ghosts come from their owners, which
 * send the parts of the vertices other ranks hold as ghosts (the mirror) in those
 * ranks' ghost order. */
static int measure_parts(rv_graph *g, int n_parts, const int32_t *parts, rv_partition_stats *stats)
{
    rv_session *s = g->session;
    const int P = s->size;
    const uint32_t n = g->n_local;
    uint64_t *vertices = calloc((size_t)n_parts, sizeof *vertices), *edges = calloc((size_t)n_parts, sizeof *edges);
    uint64_t *send_bytes = calloc((size_t)P, sizeof *send_bytes), *recv_bytes = calloc((size_t)P, sizeof *recv_bytes);
    int32_t *mirror_parts = malloc(((size_t)g->mirror_rank_start[P] + 1) * sizeof *mirror_parts);
    rv__buffer ghost_parts = {0};
    int status = vertices && edges && send_bytes && recv_bytes && mirror_parts
                     ? RV_OK
                     : rv__session_fail(s, RV_ENOMEM, "out of memory measuring the partition");
    status = rv__session_agree(s, status);
    if (status != RV_OK)
        goto done;
    for (uint32_t j = 0; j < g->mirror_rank_start[P]; j++)
        mirror_parts[j] = parts[g->mirror[j]];
    for (int r = 0; r < P; r++)
        send_bytes[r] = 4 * (uint64_t)(g->mirror_rank_start[r + 1] - g->mirror_rank_start[r]);
    status = rv__session_agree(s, rv__comm_alltoallv(s, mirror_parts, send_bytes, &ghost_parts, recv_bytes));
    if (status != RV_OK)
        goto done;
    uint64_t cut = 0;
    for (uint32_t v = 0; v < n; v++) {
        vertices[parts[v]]++;
        edges[parts[v]] += g->offsets[v + 1] - g->offsets[v];
        for (uint64_t e = g->offsets[v]; e < g->offsets[v + 1]; e++) {
            uint32_t t = g->targets[e];
            int32_t target_part;
            if (t < n)
                target_part = parts[t];
            else
                memcpy(&target_part, ghost_parts.data + 4 * (size_t)(t - n), 4);
            cut += target_part != parts[v];
        }
    }
    /* Ghosts are a matter of ranks, not of parts that were never applied. */
    status = rv__partition_quality(s, n_parts, vertices, edges, cut, 0, stats);
done:
    free(vertices);
    free(edges);
    free(send_bytes);
    free(recv_bytes);
    free(mirror_parts);
    rv__buffer_destroy(&ghost_parts);
    return status;
}

/* ---- Computing parts ------------------------------------------------------------ */

static int check_imbalance(rv_session *s, double imbalance, double *out)
{
    *out = imbalance == 0 ? DEFAULT_IMBALANCE : imbalance;
    if (!(*out >= 1.0) || !isfinite(*out))
        return rv__session_fail(s, RV_EINVAL, "imbalance must be a number of at least 1 (such as 1.05), not %g",
                                imbalance);
    return RV_OK;
}

/* Runs METIS on the graph: @p parts[v] for each local vertex. RV_ELIMIT (with the
 * reason as the session's error) when METIS cannot take the graph. */
static int metis_parts(rv_graph *g, const rv__metis_settings *settings, int32_t *parts, rv_partition_stats *stats)
{
    rv_session *s = g->session;
    rv__metis_graph structure = {0};
    rv__metis_report report = {0};
    double t0 = rv__now();
    int status = rv__metis_check_vertices(s, g->n_vertices);
    if (status == RV_OK)
        status = rv__graph_metis_structure(g, &structure);
    double t1 = rv__now();
    if (status == RV_OK)
        status = rv__metis_partition(s, &structure, settings, parts, &report);
    rv__metis_graph_destroy(&structure);
    stats->structure_seconds = t1 - t0 + report.gather_seconds;
    stats->metis_seconds = report.metis_seconds;
    stats->directory_seconds = report.scatter_seconds;
    if (s->rank == 0)
        rv__log(s, RV_LOG_INFO,
                "METIS: structure %.3f s, gather %.3f s, METIS %.3f s, scatter %.3f s, cut %" PRId64 "%s", t1 - t0,
                report.gather_seconds, report.metis_seconds, report.scatter_seconds, report.objective,
                report.edge_weights_used ? "" : " (unweighted: the edge weights exceed idx_t)");
    return status;
}

/* The sorted ids of this rank's vertices. */
static uint64_t *sorted_ids(const rv_graph *g)
{
    uint64_t *ids = malloc(((size_t)g->n_local + 1) * sizeof *ids);
    for (uint32_t k = 0; ids && k < g->n_local; k++)
        ids[k] = g->gid[g->by_id[k]];
    return ids;
}

/* Reads the partition file into @p directory and the part of each local vertex into
 * @p parts. The graph is hash-placed, so this rank's vertices are exactly the ids of
 * its directory shard, and the file can be checked against them without asking. */
static int file_parts(rv_graph *g, const char *path, rv__directory *directory, int32_t *parts)
{
    rv_session *s = g->session;
    uint64_t *ids = sorted_ids(g);
    int status = rv__session_agree(s, ids ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory reading '%s'", path));
    if (status == RV_OK)
        status = rv__partition_file_read(s, path, s->size, ids, g->n_local, directory);
    free(ids);
    for (uint32_t v = 0; status == RV_OK && v < g->n_local; v++)
        parts[v] = rv__directory_find(directory, g->gid[v]);
    return status;
}

/* ---- Moving vertices to their new owners ----------------------------------------- */

/* Gives back the tail of an array beyond @p n elements. */
static void *shrink(void *array, size_t n, size_t size)
{
    void *smaller = realloc(array, (n ? n : 1) * size);
    return smaller ? smaller : array;
}

/* Ships local vertices [first, end) with their out-edges to owner[v] and takes in
 * what the other ranks ship, into @p owned. A block for one rank holds the counts
 * (vertices, edges), then the vertex ids, the edges' source ids, target ids and,
 * when the graph has them, weights. */
static int move_round(rv_graph *g, const int32_t *owner, uint32_t first, uint32_t end, rv__owned_input *owned,
                      uint64_t *send_bytes, uint64_t *recv_bytes, size_t *fill, rv__buffer *send, rv__buffer *received)
{
    rv_session *s = g->session;
    const int P = s->size;
    const uint32_t n = g->n_local;
    const size_t edge_words = g->weights ? 3 : 2;
    uint64_t *count = calloc(2 * (size_t)P, sizeof *count); /* vertices and edges per owner */
    int status = count ? RV_OK : RV_ENOMEM;
    for (uint32_t v = first; status == RV_OK && v < end; v++) {
        count[2 * owner[v]]++;
        count[2 * owner[v] + 1] += g->offsets[v + 1] - g->offsets[v];
    }
    uint64_t total = 0;
    for (int r = 0; status == RV_OK && r < P; r++) {
        fill[r] = total / 8;
        send_bytes[r] = count[2 * r] ? 8 * (2 + count[2 * r] + edge_words * count[2 * r + 1]) : 0;
        total += send_bytes[r];
    }
    if (status == RV_OK)
        status = rv__buffer_reserve(send, total + 8);
    if (status == RV_OK) {
        uint64_t *words = (uint64_t *)send->data;
        /* Each block: the header, then cursors into its four columns. */
        uint64_t *id_at = calloc(4 * (size_t)P, sizeof *id_at);
        if (!id_at) {
            status = RV_ENOMEM;
        } else {
            for (int r = 0; r < P; r++) {
                if (!count[2 * r])
                    continue;
                uint64_t *block = words + fill[r];
                block[0] = count[2 * r];
                block[1] = count[2 * r + 1];
                id_at[4 * r] = fill[r] + 2;
                id_at[4 * r + 1] = id_at[4 * r] + count[2 * r];
                id_at[4 * r + 2] = id_at[4 * r + 1] + count[2 * r + 1];
                id_at[4 * r + 3] = id_at[4 * r + 2] + count[2 * r + 1];
            }
            for (uint32_t v = first; v < end; v++) {
                uint64_t *at = id_at + 4 * owner[v];
                words[at[0]++] = g->gid[v];
                for (uint64_t e = g->offsets[v]; e < g->offsets[v + 1]; e++) {
                    uint32_t t = g->targets[e];
                    words[at[1]++] = g->gid[v];
                    /* A reverse-marked edge keeps its mark on the way (see graph.h). */
                    words[at[2]++] = (t < n ? g->gid[t] : g->ghost_gid[t - n]) |
                                     (g->reverse && g->reverse[e] ? RV__REVERSE_MARK : 0);
                    if (g->weights)
                        memcpy(&words[at[3]++], &g->weights[e], 8);
                }
            }
            free(id_at);
        }
    }
    free(count);
    if (status != RV_OK)
        memset(send_bytes, 0, (size_t)P * sizeof *send_bytes);
    int exchanged = rv__comm_alltoallv(s, send->data, send_bytes, received, recv_bytes);
    if (exchanged != RV_OK)
        return exchanged;
    uint64_t *block = (uint64_t *)received->data;
    for (int r = 0; status == RV_OK && r < P; r++) {
        if (!recv_bytes[r])
            continue;
        uint64_t nv = block[0], ne = block[1];
        uint64_t *ids = block + 2, *src = ids + nv, *dst = src + ne;
        status = rv__owned_input_add_vertices(owned, ids, nv);
        if (status == RV_OK)
            status = rv__owned_input_add_edges(owned, src, dst, g->weights ? (const double *)(dst + ne) : NULL, ne);
        block += recv_bytes[r] / 8;
    }
    return status;
}

/* Moves every local vertex v, with its out-edges, to rank @p owner[v]; returns what
 * this rank now owns, for the build. The vertices go in rounds from the last one
 * back, and after each round the CSR's tail that was sent is given back, so the old
 * and new edges never both exist in full. Collective. */
static int move_to_owners(rv_graph *g, const int32_t *owner, rv__owned_input *owned)
{
    rv_session *s = g->session;
    const int P = s->size;
    uint64_t *send_bytes = calloc((size_t)P, sizeof *send_bytes), *recv_bytes = calloc((size_t)P, sizeof *recv_bytes);
    size_t *fill = calloc((size_t)P, sizeof *fill);
    rv__buffer send = {0}, received = {0};
    *owned = (rv__owned_input){.with_weights = g->weights != NULL, .with_reverse_marks = g->reverse != NULL};
    int status = send_bytes && recv_bytes && fill && rv__idmap_init(&owned->ids, 1 << 12) == RV_OK ? RV_OK : RV_ENOMEM;
    uint32_t end = g->n_local;
    for (;;) {
        /* Everyone learns whether anyone failed (in the last round) or has more. */
        uint64_t flags[2] = {status != RV_OK, end > 0};
        if (rv__comm_allreduce_u64(s, flags, 2, RV__REDUCE_MAX) != RV_OK) {
            status = RV_EMPI;
            break;
        }
        /* A rank that failed says why in the agreement below; the others stay RV_OK. */
        if (flags[0] || !flags[1])
            break;
        uint32_t first = end;
        uint64_t edges = 0;
        while (first > 0 && (first == end || edges + (g->offsets[first] - g->offsets[first - 1]) <= ROUND_EDGES)) {
            first--;
            edges += g->offsets[first + 1] - g->offsets[first];
        }
        status = move_round(g, owner, first, end, owned, send_bytes, recv_bytes, fill, &send, &received);
        if (status == RV_EMPI)
            break;
        g->targets = shrink(g->targets, g->offsets[first], sizeof *g->targets);
        if (g->weights)
            g->weights = shrink(g->weights, g->offsets[first], sizeof *g->weights);
        end = first;
    }
    if (status == RV_ELIMIT)
        rv__session_fail(s, status,
                         "rank %d would see more than 2^32 - 2 distinct vertex ids after partitioning: "
                         "use more ranks",
                         s->rank);
    else if (status == RV_ENOMEM)
        rv__session_fail(s, status, "out of memory moving vertices to their owners");
    free(send_bytes);
    free(recv_bytes);
    free(fill);
    rv__buffer_destroy(&send);
    rv__buffer_destroy(&received);
    status = rv__session_agree(s, status);
    if (status != RV_OK)
        rv__owned_input_destroy(owned);
    return status;
}

/* Moves the vertices to @p parts and builds again; @p directory becomes the graph's. */
static int apply_parts(rv_graph *g, rv_partition_kind kind, rv__directory *directory, const int32_t *parts)
{
    rv_session *s = g->session;
    rv__owned_input owned = {0};
    rv_partition_stats *stats = &g->partition_stats;
    double t0 = rv__now();
    int status = move_to_owners(g, parts, &owned);
    double t1 = rv__now();
    stats->move_seconds = t1 - t0;
    if (status != RV_OK) {
        rv__directory_destroy(directory);
        return status;
    }
    rv__graph_clear(g);
    rv__directory *kept = malloc(sizeof *kept);
    if (kept) {
        *kept = *directory;
        rv__placement_set_directory(&g->placement, kind, kept);
    } else {
        rv__directory_destroy(directory);
    }
    *directory = (rv__directory){0};
    status = rv__session_agree(s, kept ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory for the directory"));
    if (status == RV_OK)
        status = rv__graph_build(g, &owned);
    rv__owned_input_destroy(&owned);
    stats->rebuild_seconds = rv__now() - t1;
    return status;
}

/* ---- The entry points -------------------------------------------------------------- */

/* The most stored edges `auto` hands to METIS. METIS is serial, on rank 0, and took
 * about 0.75 us per adjacency entry here (25 s for R-MAT scale 20), while on the
 * skewed graphs that size usually means it cuts few edges fewer than hash (45% for
 * 50% there): above this, auto takes hash and says why. */
#define AUTO_METIS_MAX_EDGES (UINT64_C(1) << 23)

/* Computes METIS parts for the load. With @p required false (auto), a graph METIS
 * cannot take leaves the hash placement and a notice. Sets *placed when there are
 * parts to apply. */
static int place_by_metis(rv_graph *g, const rv_load_options *o, bool required, int32_t *parts, bool *placed)
{
    rv_session *s = g->session;
    rv_partition_stats *stats = &g->partition_stats;
    rv__metis_settings settings = {.n_parts = s->size, .max_bytes = o->metis_max_bytes};
    int status = check_imbalance(s, o->imbalance, &settings.imbalance);
    if (status == RV_OK)
        status = metis_parts(g, &settings, parts, stats);
    if (status == RV_ELIMIT || status == RV_ENOMEM) {
        /* Every rank holds the same reason. */
        char reason[sizeof s->last_error];
        snprintf(reason, sizeof reason, "%s", s->last_error);
        if (required)
            return rv__session_fail(s, status,
                                    "METIS partitioning: %.400s; partition by hash instead (--partition hash)", reason);
        snprintf(stats->notice, sizeof stats->notice, "hash partitioning instead of METIS: %.200s", reason);
        s->last_error[0] = '\0';
        return RV_OK;
    }
    *placed = status == RV_OK;
    return status;
}

int rv__graph_place(rv_graph *g, const rv_load_options *o)
{
    rv_session *s = g->session;
    rv_partition_stats *stats = &g->partition_stats;
    *stats = (rv_partition_stats){.kind = RV_PARTITION_HASH, .n_parts = s->size};
    rv_partition_kind kind = o->partition;
    if (kind == RV_PARTITION_AUTO && s->size > 1 && g->n_edges > AUTO_METIS_MAX_EDGES) {
        snprintf(stats->notice, sizeof stats->notice,
                 "hash partitioning instead of METIS: %llu edges is more than auto's %llu (METIS runs on one rank, "
                 "about 1 s per million edges; --partition metis uses it anyway)",
                 (unsigned long long)g->n_edges, (unsigned long long)AUTO_METIS_MAX_EDGES);
        rv__log(s, RV_LOG_INFO, "%s", stats->notice);
        kind = RV_PARTITION_HASH;
    }
    if (kind == RV_PARTITION_AUTO)
        kind = s->size > 1 ? RV_PARTITION_METIS : RV_PARTITION_HASH;
    if ((unsigned)kind > RV_PARTITION_FILE)
        return rv__session_fail(s, RV_EINVAL, "unknown partition kind %d", (int)o->partition);
    if (kind == RV_PARTITION_FILE && !o->partition_file)
        return rv__session_fail(s, RV_EINVAL, "partition by file, but no partition file given");
    if (kind == RV_PARTITION_HASH)
        return measure_placement(g);

    int32_t *parts = malloc(((size_t)g->n_local + 1) * sizeof *parts);
    rv__directory directory = {0};
    bool placed = false;
    int status = rv__session_agree(s, parts ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory partitioning"));
    if (status == RV_OK && kind == RV_PARTITION_METIS) {
        status = place_by_metis(g, o, o->partition == RV_PARTITION_METIS, parts, &placed);
        if (status == RV_OK && placed) {
            double t0 = rv__now();
            status = rv__directory_build(s, g->gid, parts, NULL, g->n_local, &directory, NULL);
            stats->directory_seconds += rv__now() - t0;
        }
    } else if (status == RV_OK) {
        double t0 = rv__now();
        status = file_parts(g, o->partition_file, &directory, parts);
        stats->directory_seconds = rv__now() - t0;
        placed = status == RV_OK;
    }
    if (status == RV_OK && placed) {
        stats->kind = kind;
        status = apply_parts(g, kind, &directory, parts);
    }
    free(parts);
    rv__directory_destroy(&directory);
    if (status == RV_OK)
        status = measure_placement(g);
    if (status == RV_OK && stats->notice[0])
        rv__log(s, RV_LOG_INFO, "%s", stats->notice);
    return status;
}

int rv_graph_write_partition(rv_graph *g, const rv_partition_options *options, const char *path,
                             rv_partition_stats *out)
{
    rv_session *s = g->session;
    rv_partition_stats stats = {.kind = RV_PARTITION_METIS};
    rv__metis_settings settings = {.n_parts = options->n_parts ? options->n_parts : s->size,
                                   .max_bytes = options->metis_max_bytes};
    int32_t *parts = NULL, *sorted_parts = NULL;
    uint64_t *ids = NULL;
    int status = check_imbalance(s, options->imbalance, &settings.imbalance);
    if (status == RV_OK && settings.n_parts < 1)
        status = rv__session_fail(s, RV_EINVAL, "the number of parts must be at least 1, not %d", settings.n_parts);
    if (status != RV_OK)
        return status; /* the same on every rank: the arguments are */
    parts = malloc(((size_t)g->n_local + 1) * sizeof *parts);
    status = rv__session_agree(s, parts ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory partitioning"));
    if (status == RV_OK) {
        status = metis_parts(g, &settings, parts, &stats);
        if (status == RV_ELIMIT || status == RV_ENOMEM) {
            char reason[sizeof s->last_error];
            snprintf(reason, sizeof reason, "%s", s->last_error);
            rv__session_fail(s, status, "METIS partitioning: %.400s; partition by hash instead (--partition hash)",
                             reason);
        }
    }
    if (status == RV_OK)
        status = measure_parts(g, settings.n_parts, parts, &stats);
    if (status == RV_OK) {
        ids = sorted_ids(g);
        sorted_parts = malloc(((size_t)g->n_local + 1) * sizeof *sorted_parts);
        for (uint32_t k = 0; ids && sorted_parts && k < g->n_local; k++)
            sorted_parts[k] = parts[g->by_id[k]];
        status = rv__session_agree(
            s, ids && sorted_parts ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory writing the partition"));
        if (status == RV_OK)
            status = rv__partition_file_write(s, path, ids, sorted_parts, g->n_local);
    }
    stats.n_parts = settings.n_parts;
    if (status == RV_OK && out)
        *out = stats;
    free(parts);
    free(sorted_parts);
    free(ids);
    return status;
}
