/* checkpoint.c — writing a job's checkpoints: chunks with checksums, replicas on distinct ranks and hosts, a manifest committed last, and removal of old ones.
 *
 * The commit protocol. (1) Every rank serialises its state, cuts it into chunks and
 * sends each chunk to the ranks that hold its other replicas; every rank writes the
 * replicas it holds and fsyncs them. (2) One agreement: only when every rank's
 * replicas are durable does anyone go on. (3) Rank 0 gathers the chunk tables,
 * writes the manifest text, and every rank stores a copy with write-temporary, fsync,
 * rename and a directory fsync. One surviving copy is enough to resume, and none can
 * exist before step (2), so a crash at any moment leaves either the new checkpoint
 * complete or the previous one untouched. (4) After a second agreement each rank
 * removes the checkpoints beyond the newest K from its storage.
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checkpoint.h"
#include "fault.h"
#include "io/crc32c.h"

enum { DEFAULT_REPLICAS = 3, DEFAULT_KEEP = 2 };
#define DEFAULT_CHUNK_BYTES ((uint64_t)64 << 20)
enum { HOST_NAME_BYTES = 256 };

/* ---- Setting up --------------------------------------------------------------------- */

void rv__checkpointer_free(rv__checkpointer **handle)
{
    rv__checkpointer *c = handle ? *handle : NULL;
    if (!c)
        return;
    free(c->dir);
    rv__store_pattern_destroy(&c->pattern);
    free(c->parameters);
    free(c->input);
    free(c->hosts);
    free(c->host_names);
    free(c->host_id);
    free(c->graph_identity);
    free(c->stream_state);
    rv__buffer_destroy(&c->history);
    free(c);
    *handle = NULL;
}

int rv__hosts_gather(rv_session *s, char **host_names, char ***hosts, int **host_id)
{
    const int P = s->size;
    char mine[HOST_NAME_BYTES] = "";
    rv__comm_host_name(s, mine, sizeof mine);
    char *names = *host_names = calloc((size_t)P, HOST_NAME_BYTES);
    char **h = *hosts = calloc((size_t)P, sizeof *h);
    int *id = *host_id = calloc((size_t)P, sizeof *id);
    int status = names && h && id ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory");
    status = rv__session_agree(s, status);
    if (status == RV_OK)
        status = rv__session_agree(s, rv__comm_allgather_bytes(s, mine, HOST_NAME_BYTES, names));
    if (status != RV_OK)
        return status;
    for (int r = 0; r < P; r++) {
        h[r] = names + (size_t)r * HOST_NAME_BYTES;
        h[r][HOST_NAME_BYTES - 1] = '\0';
        id[r] = r;
        for (int q = 0; q < r; q++)
            if (strcmp(h[q], h[r]) == 0) {
                id[r] = id[q];
                break;
            }
    }
    return RV_OK;
}

static char *copy_or_empty(const char *text)
{
    return strdup(text ? text : "");
}

/* The newest committed checkpoint under the pattern, as far as this rank sees. */
typedef struct newest_scan {
    uint64_t newest_plus_one; /* 0: none */
} newest_scan;

static void note_manifest(uint64_t superstep, bool is_manifest, void *arg)
{
    newest_scan *scan = arg;
    if (is_manifest && superstep + 1 > scan->newest_plus_one)
        scan->newest_plus_one = superstep + 1;
}

static int visit_manifests(const char *storage, void *arg)
{
    rv__store_scan_storage(storage, note_manifest, arg);
    return 0;
}

int rv_job_set_checkpoints(rv_job *job, const rv_checkpoint_options *o)
{
    rv_session *s = job->session;
    const int P = s->size;
    char reason[512];
    int status = RV_OK;
    rv__checkpointer *c = calloc(1, sizeof *c);
    if (!c)
        status = rv__session_fail(s, RV_ENOMEM, "out of memory");
    else if (job->superstep != 0)
        status = rv__session_fail(s, RV_EINVAL, "rv_job_set_checkpoints() must come before rv_job_run()");
    else if (!o || !o->dir || !*o->dir)
        status = rv__session_fail(s, RV_EINVAL, "checkpoints need a directory");
    else if (o->replicas < 0 || o->keep < 0)
        status = rv__session_fail(s, RV_EINVAL, "checkpoints need replicas >= 1 and keep >= 1");
    else if ((status = rv__store_pattern_init(&c->pattern, o->dir, reason, sizeof reason)) != RV_OK)
        rv__session_fail(s, status, "%s", reason);
    if (status == RV_OK) {
        c->every = o->every;
        int wanted = o->replicas ? o->replicas : DEFAULT_REPLICAS;
        c->replicas = wanted < P ? wanted : P;
        if (c->replicas > RV__STORE_MAX_REPLICAS)
            c->replicas = RV__STORE_MAX_REPLICAS;
        if (o->replicas > c->replicas && s->rank == 0)
            rv__log(s, RV_LOG_WARN, "%d replicas asked for, but only %d can be placed on distinct ranks", o->replicas,
                    c->replicas);
        c->chunk_bytes = o->chunk_bytes ? o->chunk_bytes : DEFAULT_CHUNK_BYTES;
        c->keep = o->keep ? o->keep : DEFAULT_KEEP;
        c->dir = strdup(o->dir);
        c->parameters = copy_or_empty(o->parameters);
        c->input = copy_or_empty(o->input);
        /* The graph as loaded: topology changes during the run will not change what
         * the checkpoints say about their input. */
        char graph[1024];
        rv__checkpoint_describe_graph(job, graph, sizeof graph);
        c->graph_identity = strdup(graph);
        if (!c->dir || !c->parameters || !c->input || !c->graph_identity)
            status = rv__session_fail(s, RV_ENOMEM, "out of memory");
    }
    status = rv__session_agree(s, status);
    if (status == RV_OK)
        status = rv__hosts_gather(s, &c->host_names, &c->hosts, &c->host_id);
    if (status == RV_OK) {
        if (rv__store_storage_dir(&c->pattern, s->rank, c->hosts[s->rank], c->storage) != RV_OK)
            status = rv__session_fail(s, RV_ELIMIT, "checkpoint directory '%s': path too long", o->dir);
        else if ((status = rv__store_mkdirs(c->storage, reason, sizeof reason)) != RV_OK)
            rv__session_fail(s, status, "checkpoint directory: %s", reason);
        status = rv__session_agree(s, status);
    }
    if (status != RV_OK) {
        rv__checkpointer_free(&c);
        return status;
    }
    rv__checkpointer_free(&job->checkpointer);
    job->checkpointer = c;
    return RV_OK;
}

void rv_job_checkpoint_stats(const rv_job *job, rv_checkpoint_stats *out)
{
    *out = job->checkpointer ? job->checkpointer->stats : (rv_checkpoint_stats){0};
}

int rv_job_resume(rv_job *job)
{
    if (!job->checkpointer)
        return rv__session_agree(job->session, rv__session_fail(job->session, RV_EINVAL,
                                                                 "rv_job_resume() needs rv_job_set_checkpoints() first"));
    return rv__checkpoint_resume(job);
}

/* A fresh job must not mix its checkpoints with an earlier job's: the newest would
 * win a resume, and removing "old" ones could remove the new job's own. */
int rv__checkpoint_before_run(rv_job *job)
{
    rv__checkpointer *c = job->checkpointer;
    if (c->resumed || c->every == 0 || job->superstep != 0)
        return RV_OK;
    return rv__checkpoint_refuse_existing(job);
}

int rv__checkpoint_refuse_existing(rv_job *job)
{
    rv__checkpointer *c = job->checkpointer;
    rv_session *s = job->session;
    newest_scan scan = {0};
    rv__store_find_storage(&c->pattern, visit_manifests, &scan);
    uint64_t newest = scan.newest_plus_one;
    int status = rv__comm_allreduce_u64(s, &newest, 1, RV__REDUCE_MAX);
    if (status == RV_OK && newest > 0)
        status = rv__session_fail(s, RV_EINVAL,
                                  "checkpoint directory '%s' already holds checkpoints (the newest at superstep %" PRIu64
                                  "): resume from them, or remove them first",
                                  c->dir, newest - 1);
    return rv__session_agree(s, status);
}

/* ---- Moving chunks ------------------------------------------------------------------ */

int rv__parcels_exchange(rv_session *s, const rv__parcel *parcels, size_t n, rv__buffer *recv)
{
    const int P = s->size;
    uint64_t *send_bytes = calloc((size_t)P, sizeof *send_bytes);
    uint64_t *recv_bytes = calloc((size_t)P, sizeof *recv_bytes);
    uint64_t *fill = calloc((size_t)P, sizeof *fill);
    unsigned char *send = NULL;
    int status = send_bytes && recv_bytes && fill ? RV_OK : RV_ENOMEM;
    uint64_t total = 0;
    for (size_t i = 0; status == RV_OK && i < n; i++)
        send_bytes[parcels[i].to] += sizeof(rv__parcel_header) + parcels[i].bytes;
    for (int r = 0; status == RV_OK && r < P; r++) {
        fill[r] = total;
        total += send_bytes[r];
    }
    if (status == RV_OK && !(send = malloc(total + 1)))
        status = RV_ENOMEM;
    if (status != RV_OK)
        rv__session_fail(s, status, "out of memory sending %" PRIu64 " bytes of checkpoint chunks", total);
    status = rv__session_agree(s, status);
    if (status == RV_OK) {
        for (size_t i = 0; i < n; i++) {
            const rv__parcel *p = &parcels[i];
            rv__parcel_header h = {.file = p->file, .index = p->index, .storage = p->storage, .bytes = p->bytes};
            memcpy(send + fill[p->to], &h, sizeof h);
            if (p->bytes)
                memcpy(send + fill[p->to] + sizeof h, p->data, p->bytes);
            fill[p->to] += sizeof h + p->bytes;
        }
        status = rv__comm_alltoallv(s, send, send_bytes, recv, recv_bytes);
        status = rv__session_agree(s, status);
    }
    free(send);
    free(send_bytes);
    free(recv_bytes);
    free(fill);
    return status;
}

/* ---- Placement ---------------------------------------------------------------------- */

/* The ranks that hold chunk @p k of rank @p q's state: q itself first (a local write,
 * like HDFS's first replica on the writer's node), then ranks on hosts not used yet
 * (so the second copy lands on another host whenever there is one), then any rank not
 * used yet. The walk starts at a different rank for every chunk, so the copies of a
 * large state spread over many peers. */
void rv__replicas_place(const int *host_id, int replicas, int P, int q, uint64_t k, rv__store_chunk *chunk)
{
    int start = (int)(((uint64_t)q + 1 + k) % (uint64_t)P);
    chunk->replica[0] = q;
    chunk->n_replicas = 1;
    for (int pass = 0; pass < 2 && (int)chunk->n_replicas < replicas; pass++) {
        for (int i = 0; i < P && (int)chunk->n_replicas < replicas; i++) {
            int r = (start + i) % P;
            bool taken = false, host_taken = false;
            for (uint32_t j = 0; j < chunk->n_replicas; j++) {
                taken |= chunk->replica[j] == r;
                host_taken |= host_id[chunk->replica[j]] == host_id[r];
            }
            if (!taken && (pass == 1 || !host_taken))
                chunk->replica[chunk->n_replicas++] = r;
        }
    }
}

/* ---- The job's identity ------------------------------------------------------------- */

void rv__checkpoint_describe_graph(const rv_job *job, char *out, size_t capacity)
{
    const rv_graph *g = job->graph;
    snprintf(out, capacity,
             "vertices=%" PRIu64 " edges=%" PRIu64 " weights=%d edge-text=%08" PRIx32 "/%" PRIu64
             " vertex-text=%08" PRIx32 "/%" PRIu64,
             g->n_vertices, g->n_edges, g->weights != NULL, g->input_crc[0], g->input_text_bytes[0], g->input_crc[1],
             g->input_text_bytes[1]);
}

void rv__checkpoint_describe_layout(const rv_job *job, char *out, size_t capacity)
{
    const rv_program *p = &job->program;
    const uint16_t probe = 1;
    int n = snprintf(out, capacity,
                     "value-bytes=%zu message-bytes=%zu edge-value-bytes=%zu combiner=%s byte-order=%s aggregators=",
                     p->value_size, p->message_size, p->edge_value_size,
                     p->combiner != RV_COMBINE_CUSTOM ? "built-in" : p->combine ? "custom" : "none",
                     *(const uint8_t *)&probe ? "little" : "big");
    for (size_t k = 0; k < p->n_aggregators && n > 0 && (size_t)n < capacity; k++)
        n += snprintf(out + n, capacity - (size_t)n, "%s%d", k ? "," : "", (int)p->aggregators[k].kind);
}

/* The aggregators as reduced (before the master hook) and as vertices will read them,
 * by their bits, so that a resume restores them exactly. */
static char *describe_aggregators(const rv_job *job, const rv__reduce_slot *reduced)
{
    size_t n = job->program.n_aggregators;
    char *text = malloc(n * 40 + 1);
    if (!text)
        return NULL;
    size_t at = 0;
    text[0] = '\0';
    for (size_t k = 0; k < n; k++)
        at += (size_t)snprintf(text + at, 41, "%s%016" PRIx64 ":%016" PRIx64, k ? " " : "", reduced[k].value.u,
                               job->aggregate_visible[k].value.u);
    return text;
}

/* ---- Writing -------------------------------------------------------------------------- */

/* Writes one replica into this rank's storage. At the mid-chunk-write fault point the
 * first chunk is written half and the rank dies, as if the machine had. */
static int write_replica(rv_job *job, const rv__store_chunk *chunk, const void *data, uint64_t superstep,
                         char *reason, size_t reason_capacity)
{
    rv__checkpointer *c = job->checkpointer;
    char path[RV__STORE_PATH_MAX];
    if (rv__store_replica_path(c->storage, superstep, chunk->file, chunk->index, path) != RV_OK) {
        snprintf(reason, reason_capacity, "path too long in '%.400s'", c->storage);
        return RV_ELIMIT;
    }
    if (chunk->file == (uint32_t)job->session->rank && chunk->index == 0 &&
        rv__fault_armed(job->session, superstep, RV__FAULT_MID_CHUNK_WRITE, c->resumed)) {
        rv__store_write_file(path, data, (size_t)chunk->bytes / 2, false, reason, reason_capacity);
        rv__fault_fire(job->session, superstep, RV__FAULT_MID_CHUNK_WRITE);
    }
    return rv__store_write_file(path, data, (size_t)chunk->bytes, false, reason, reason_capacity);
}

/* Step 1: this rank's chunks to their holders, round by round (one chunk per rank
 * and round, so the memory in flight stays near R chunks per rank). */
static int write_chunks(rv_job *job, const rv__buffer *blob, rv__store_chunk *chunks, uint64_t n_chunks,
                        uint64_t superstep, uint64_t *bytes_written)
{
    rv__checkpointer *c = job->checkpointer;
    rv_session *s = job->session;
    char reason[512] = "";
    int local = RV_OK;
    uint64_t rounds = n_chunks;
    int status = rv__comm_allreduce_u64(s, &rounds, 1, RV__REDUCE_MAX);
    rv__buffer recv = {0};
    rv__parcel parcels[RV__STORE_MAX_REPLICAS];
    for (uint64_t j = 0; status == RV_OK && j < rounds; j++) {
        size_t n = 0;
        if (j < n_chunks)
            for (uint32_t i = 1; i < chunks[j].n_replicas; i++)
                parcels[n++] = (rv__parcel){.to = chunks[j].replica[i], .file = chunks[j].file,
                                            .index = chunks[j].index, .storage = chunks[j].replica[i],
                                            .bytes = chunks[j].bytes, .data = blob->data + chunks[j].offset};
        status = rv__parcels_exchange(s, parcels, n, &recv);
        if (status != RV_OK)
            break;
        /* Writing goes on only while nothing failed here; the rounds go on regardless,
         * so that no peer waits for a rank that gave up. */
        if (local == RV_OK && j < n_chunks) {
            local = write_replica(job, &chunks[j], blob->data + chunks[j].offset, superstep, reason, sizeof reason);
            *bytes_written += chunks[j].bytes;
        }
        for (size_t at = 0; local == RV_OK && at < recv.size;) {
            rv__parcel_header h;
            memcpy(&h, recv.data + at, sizeof h);
            rv__store_chunk chunk = {.file = h.file, .index = h.index, .bytes = h.bytes};
            local = write_replica(job, &chunk, recv.data + at + sizeof h, superstep, reason, sizeof reason);
            *bytes_written += h.bytes;
            at += sizeof h + h.bytes;
        }
    }
    rv__buffer_destroy(&recv);
    char directory[RV__STORE_PATH_MAX];
    if (status == RV_OK && local == RV_OK && rv__store_checkpoint_dir(c->storage, superstep, directory) == RV_OK)
        local = rv__store_fsync_dir(directory, reason, sizeof reason);
    if (status == RV_OK && local != RV_OK)
        status = rv__session_fail(s, local, "checkpoint at superstep %" PRIu64 ": %s", superstep, reason);
    return rv__session_agree(s, status);
}

/* Step 3 on rank 0: the manifest from everyone's chunk tables. */
static int build_manifest(rv_job *job, const rv__reduce_slot *reduced, const rv__buffer *tables, uint64_t superstep,
                          char **text, size_t *length)
{
    rv__checkpointer *c = job->checkpointer;
    const int P = job->session->size;
    rv__manifest m;
    char line[1024];
    int status = rv__manifest_init(&m, P, (uint32_t)P);
    if (status != RV_OK)
        return status;
    m.superstep = superstep;
    m.unix_time = (int64_t)time(NULL);
    m.replicas = c->replicas;
    m.chunk_bytes = c->chunk_bytes;
    for (int r = 0; status == RV_OK && r < P; r++)
        status = rv__manifest_set_host(&m, r, c->hosts[r]);
    /* Tables arrive in rank order, each with its chunks in order: the manifest's. */
    size_t n_chunks = 0;
    for (size_t at = 0; at < tables->size;) {
        rv__parcel_header h;
        memcpy(&h, tables->data + at, sizeof h);
        n_chunks += (h.bytes - 8) / sizeof(rv__store_chunk);
        at += sizeof h + h.bytes;
    }
    m.chunks = malloc((n_chunks + 1) * sizeof *m.chunks);
    if (!m.chunks)
        status = RV_ENOMEM;
    for (size_t at = 0; status == RV_OK && at < tables->size;) {
        rv__parcel_header h;
        memcpy(&h, tables->data + at, sizeof h);
        memcpy(&m.file_bytes[h.file], tables->data + at + sizeof h, 8);
        size_t n = (h.bytes - 8) / sizeof(rv__store_chunk);
        memcpy(m.chunks + m.n_chunks, tables->data + at + sizeof h + 8, n * sizeof *m.chunks);
        m.n_chunks += n;
        at += sizeof h + h.bytes;
    }
    char *aggregators = status == RV_OK ? describe_aggregators(job, reduced) : NULL;
    if (status == RV_OK && !aggregators)
        status = RV_ENOMEM;
    if (status == RV_OK)
        status = rv__manifest_set(&m, "format", "rivulet-state 1");
    if (status == RV_OK)
        status = rv__manifest_set(&m, "program", job->program.name ? job->program.name : "");
    if (status == RV_OK)
        status = rv__manifest_set(&m, "parameters", c->parameters);
    if (status == RV_OK)
        status = rv__manifest_set(&m, "input", c->input);
    if (status == RV_OK)
        status = rv__manifest_set(&m, "graph", c->graph_identity);
    rv__checkpoint_describe_layout(job, line, sizeof line);
    if (status == RV_OK)
        status = rv__manifest_set(&m, "layout", line);
    if (status == RV_OK)
        status = rv__manifest_set(&m, "aggregators", aggregators);
    /* A stream's checkpoint: where its source and log stood (see stream.c). */
    if (status == RV_OK && c->stream_state)
        status = rv__manifest_set(&m, "stream", c->stream_state);
    /* How the vertices were placed. A resume places them by its own placement (the
     * state is keyed by vertex id and routed through the placement's directory when
     * it has one), so this is a record, not a condition: a job partitioned by METIS
     * may resume under hash, or on another number of ranks. */
    const rv_partition_kind kind = job->graph->placement.kind;
    if (status == RV_OK)
        status = rv__manifest_set(&m, "partition", kind == RV_PARTITION_HASH    ? "hash"
                                                   : kind == RV_PARTITION_METIS ? "metis"
                                                   : kind == RV_PARTITION_FILE  ? "file"
                                                                                : "other");
    /* When topology changes rebuilt the graph, every state's topology section holds
     * its part of the graph as it is now. */
    snprintf(line, sizeof line, "%" PRIu64, job->topology_changes);
    if (status == RV_OK)
        status = rv__manifest_set(&m, "topology-changes", line);
    if (status == RV_OK)
        status = rv__manifest_format(&m, text, length);
    free(aggregators);
    rv__manifest_destroy(&m);
    return status;
}

/* Step 3: gather, build, share and store the manifest everywhere. */
static int commit_manifest(rv_job *job, const rv__reduce_slot *reduced, const rv__store_chunk *chunks,
                           uint64_t n_chunks, uint64_t state_bytes, uint64_t superstep)
{
    rv__checkpointer *c = job->checkpointer;
    rv_session *s = job->session;
    size_t table_bytes = 8 + n_chunks * sizeof *chunks;
    unsigned char *table = malloc(table_bytes);
    rv__buffer tables = {0}, text = {0};
    char reason[512] = "";
    int status = table ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory");
    status = rv__session_agree(s, status);
    if (status == RV_OK) {
        memcpy(table, &state_bytes, 8);
        memcpy(table + 8, chunks, n_chunks * sizeof *chunks);
        rv__parcel parcel = {.to = 0, .file = (uint32_t)s->rank, .storage = -1, .bytes = table_bytes, .data = table};
        status = rv__parcels_exchange(s, &parcel, 1, &tables);
    }
    if (status == RV_OK && s->rank == 0) {
        char *data = NULL;
        size_t length = 0;
        status = build_manifest(job, reduced, &tables, superstep, &data, &length);
        if (status != RV_OK)
            rv__session_fail(s, status, "out of memory writing a manifest");
        text.data = (unsigned char *)data;
        text.size = text.capacity = length;
    }
    status = rv__session_agree(s, status);
    if (status == RV_OK)
        status = rv__comm_bcast_buffer(s, 0, &text);
    if (status == RV_OK) {
        char path[RV__STORE_PATH_MAX];
        int local = rv__store_manifest_path(c->storage, superstep, path);
        if (local == RV_OK)
            local = rv__store_write_file(path, text.data, text.size, true, reason, sizeof reason);
        if (local != RV_OK)
            status = rv__session_fail(s, local, "checkpoint at superstep %" PRIu64 ": %s", superstep, reason);
        else
            rv__fault_check(s, superstep, RV__FAULT_AFTER_MANIFEST, c->resumed);
        status = rv__session_agree(s, status);
    }
    free(table);
    rv__buffer_destroy(&tables);
    rv__buffer_destroy(&text);
    return status;
}

/* ---- Removing old checkpoints --------------------------------------------------------- */

typedef struct storage_listing {
    uint64_t *manifests, *directories;
    size_t n_manifests, n_directories, capacity_m, capacity_d;
    bool failed;
} storage_listing;

static void push(uint64_t **array, size_t *n, size_t *capacity, uint64_t x, bool *failed)
{
    if (*n == *capacity) {
        size_t grown = *capacity ? 2 * *capacity : 16;
        uint64_t *a = realloc(*array, grown * sizeof *a);
        if (!a) {
            *failed = true;
            return;
        }
        *array = a;
        *capacity = grown;
    }
    (*array)[(*n)++] = x;
}

static void list_entry(uint64_t superstep, bool is_manifest, void *arg)
{
    storage_listing *l = arg;
    if (is_manifest)
        push(&l->manifests, &l->n_manifests, &l->capacity_m, superstep, &l->failed);
    else
        push(&l->directories, &l->n_directories, &l->capacity_d, superstep, &l->failed);
}

static int descending(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x > y ? -1 : x < y;
}

/* Removes, on rank 0, what departed ranks (those of an earlier job with more ranks)
 * left of checkpoint @p superstep, as far as this machine can see their storage. */
static void remove_departed(rv_job *job, uint64_t superstep)
{
    rv__checkpointer *c = job->checkpointer;
    char path[RV__STORE_PATH_MAX], storage[RV__STORE_PATH_MAX], reason[512];
    rv__manifest m;
    if (rv__store_manifest_path(c->storage, superstep, path) != RV_OK ||
        rv__manifest_load(path, &m, NULL, NULL, reason, sizeof reason) != RV_OK)
        return;
    for (int t = job->session->size; t < m.n_ranks; t++)
        if (rv__store_storage_dir(&c->pattern, t, m.hosts[t], storage) == RV_OK)
            rv__store_remove_checkpoint(storage, superstep, reason, sizeof reason);
    rv__manifest_destroy(&m);
}

/* Step 4: keeps the newest K committed checkpoints in this rank's storage and removes
 * the rest, and any directory without a manifest (an attempt that never committed).
 * A failure here is a warning: the checkpoint itself is committed. */
static void remove_old(rv_job *job)
{
    rv__checkpointer *c = job->checkpointer;
    storage_listing l = {0};
    char reason[512];
    rv__store_scan_storage(c->storage, list_entry, &l);
    if (!l.failed) {
        if (l.n_manifests > 1)
            qsort(l.manifests, l.n_manifests, sizeof *l.manifests, descending);
        for (size_t i = (size_t)c->keep; i < l.n_manifests; i++) {
            if (job->session->rank == 0)
                remove_departed(job, l.manifests[i]);
            if (rv__store_remove_checkpoint(c->storage, l.manifests[i], reason, sizeof reason) != RV_OK)
                rv__log(job->session, RV_LOG_WARN, "removing an old checkpoint: %s", reason);
        }
        for (size_t i = 0; i < l.n_directories; i++) {
            bool committed = false;
            for (size_t k = 0; k < l.n_manifests && !committed; k++)
                committed = l.manifests[k] == l.directories[i];
            if (!committed && rv__store_remove_checkpoint(c->storage, l.directories[i], reason, sizeof reason) != RV_OK)
                rv__log(job->session, RV_LOG_WARN, "removing an unfinished checkpoint: %s", reason);
        }
    }
    free(l.manifests);
    free(l.directories);
}

/* ---- One checkpoint ------------------------------------------------------------------- */

/* Writes checkpoint number @p superstep (a stream's batch number for a stream's). */
static int write_checkpoint(rv_job *job, const rv__reduce_slot *reduced, const uint64_t superstep)
{
    rv__checkpointer *c = job->checkpointer;
    rv_session *s = job->session;
    double t0 = rv__now();
    /* The state is written from the CSR as one block: a stream's batches may have
     * left slack in the lists. Packing only here, when a checkpoint is due, keeps
     * the slack (and cheap batches) between checkpoints. */
    rv__job_pack_edges(job);
    char directory[RV__STORE_PATH_MAX], reason[512] = "";
    rv__buffer blob = {0};
    rv__store_chunk *chunks = NULL;
    uint64_t n_chunks = 0, bytes_written = 0;

    int status = c->history_status;
    if (status == RV_OK)
        status = rv__state_save(job, s->rank == 0 ? &c->history : NULL, &blob);
    double t_saved = rv__now();
    if (status != RV_OK)
        rv__session_fail(s, status, "out of memory saving the state for a checkpoint");
    if (status == RV_OK) {
        n_chunks = (blob.size + c->chunk_bytes - 1) / c->chunk_bytes;
        chunks = calloc(n_chunks + 1, sizeof *chunks);
        if (!chunks)
            status = rv__session_fail(s, RV_ENOMEM, "out of memory");
    }
    for (uint64_t k = 0; status == RV_OK && k < n_chunks; k++) {
        rv__store_chunk *chunk = &chunks[k];
        chunk->file = (uint32_t)s->rank;
        chunk->index = (uint32_t)k;
        chunk->offset = k * c->chunk_bytes;
        chunk->bytes = blob.size - chunk->offset < c->chunk_bytes ? blob.size - chunk->offset : c->chunk_bytes;
        chunk->crc = rv__crc32c(0, blob.data + chunk->offset, (size_t)chunk->bytes);
        rv__replicas_place(c->host_id, c->replicas, s->size, s->rank, k, chunk);
    }
    /* Whatever an earlier, unfinished attempt left at this superstep goes first. */
    if (status == RV_OK)
        status = rv__store_remove_checkpoint(c->storage, superstep, reason, sizeof reason);
    if (status == RV_OK && (status = rv__store_checkpoint_dir(c->storage, superstep, directory)) != RV_OK)
        snprintf(reason, sizeof reason, "path too long in '%.400s'", c->storage);
    if (status == RV_OK)
        status = rv__store_mkdirs(directory, reason, sizeof reason);
    if (status != RV_OK && status != RV_ENOMEM)
        rv__session_fail(s, status, "checkpoint at superstep %" PRIu64 ": %s", superstep, reason);
    status = rv__session_agree(s, status);
    double t_prepared = rv__now();
    if (status == RV_OK)
        status = write_chunks(job, &blob, chunks, n_chunks, superstep, &bytes_written);
    double t_written = rv__now();
    if (status == RV_OK) {
        rv__fault_check(s, superstep, RV__FAULT_BEFORE_MANIFEST, c->resumed);
        status = commit_manifest(job, reduced, chunks, n_chunks, blob.size, superstep);
    }
    double t_committed = rv__now();
    if (status == RV_OK)
        remove_old(job);
    rv__log(s, RV_LOG_DEBUG,
            "checkpoint at superstep %" PRIu64 ": save %.3f s, checksums and directory %.3f s, replicas %.3f s, "
            "manifest %.3f s, removing old ones %.3f s",
            superstep, t_saved - t0, t_prepared - t_saved, t_written - t_prepared, t_committed - t_written,
            rv__now() - t_committed);

    uint64_t sums[2] = {blob.size, bytes_written};
    uint64_t state_max = blob.size;
    double seconds = rv__now() - t0;
    if (status == RV_OK)
        status = rv__session_agree(s, rv__comm_allreduce_u64(s, sums, 2, RV__REDUCE_SUM));
    if (status == RV_OK)
        status = rv__session_agree(s, rv__comm_allreduce_u64(s, &state_max, 1, RV__REDUCE_MAX));
    if (status == RV_OK)
        status = rv__session_agree(s, rv__comm_allreduce_f64(s, &seconds, 1, RV__REDUCE_MAX));
    if (status == RV_OK) {
        rv_checkpoint_stats *st = &c->stats;
        st->checkpoints++;
        st->last_superstep = superstep;
        st->state_bytes_max = state_max;
        st->state_bytes_sum = sums[0];
        st->bytes_written += sums[1];
        st->write_seconds += seconds;
        st->last_write_seconds = seconds;
        if (s->rank == 0)
            rv__log(s, RV_LOG_INFO,
                    "checkpoint at superstep %" PRIu64 ": %" PRIu64 " bytes of state (%" PRIu64
                    " on the largest rank), %d replicas, %.3f s, %.1f MB/s per rank",
                    superstep, sums[0], state_max, c->replicas, seconds,
                    seconds > 0 ? (double)sums[1] / s->size / seconds / 1e6 : 0.0);
    }
    free(chunks);
    rv__buffer_destroy(&blob);
    return status;
}

/* Appends the inputs the master hook had at this superstep to the history. */
static int remember_master_inputs(rv_job *job, const rv__reduce_slot *reduced)
{
    rv__checkpointer *c = job->checkpointer;
    size_t n = job->program.n_aggregators, entry = 8 * (n + 1);
    if (rv__buffer_reserve(&c->history, c->history.size + entry) != RV_OK)
        return rv__session_fail(job->session, RV_ENOMEM, "out of memory");
    unsigned char *at = c->history.data + c->history.size;
    memcpy(at, &job->graph->n_vertices, 8);
    for (size_t k = 0; k < n; k++)
        memcpy(at + 8 * (k + 1), &reduced[k].value.u, 8);
    c->history.size += entry;
    return RV_OK;
}

int rv__checkpoint_after_superstep(rv_job *job, const rv__reduce_slot *reduced)
{
    rv__checkpointer *c = job->checkpointer;
    /* Without a collective: a failure here surfaces at the next checkpoint. */
    if (c->history_status == RV_OK)
        c->history_status = remember_master_inputs(job, reduced);
    rv__fault_check(job->session, job->superstep, RV__FAULT_BEFORE_CHECKPOINT, c->resumed);
    rv__fault_check(job->session, job->superstep, RV__FAULT_STOP, c->resumed);
    if (job->finished || c->every == 0 || job->superstep % c->every != 0)
        return RV_OK;
    return write_checkpoint(job, reduced, job->superstep);
}

int rv__checkpoint_write_stream(rv_job *job, uint64_t batch, const char *stream_state)
{
    rv__checkpointer *c = job->checkpointer;
    free(c->stream_state);
    c->stream_state = strdup(stream_state);
    /* No master history: a stream's programs start their master state afresh at every
     * batch (on_batch), so a resume replays nothing. It also keeps the history from
     * growing for ever in a long-running stream. */
    c->history.size = 0;
    int status = c->stream_state ? RV_OK : rv__session_fail(job->session, RV_ENOMEM, "out of memory");
    status = rv__session_agree(job->session, status);
    if (status == RV_OK)
        status = write_checkpoint(job, job->aggregate_visible, batch);
    c->history.size = 0;
    return status;
}

int rv__checkpoint_oldest_kept(rv_job *job, uint64_t *oldest)
{
    rv__checkpointer *c = job->checkpointer;
    storage_listing l = {0};
    rv__store_scan_storage(c->storage, list_entry, &l);
    uint64_t mine = UINT64_MAX;
    for (size_t i = 0; i < l.n_manifests; i++)
        if (l.manifests[i] < mine)
            mine = l.manifests[i];
    free(l.manifests);
    free(l.directories);
    *oldest = mine;
    return rv__session_agree(job->session, rv__comm_allreduce_u64(job->session, oldest, 1, RV__REDUCE_MIN));
}
