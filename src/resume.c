/* resume.c — continuing a job from the newest committed checkpoint: find it, check that it is this job's, read every chunk from an intact replica, re-create the bad ones, and give every vertex's state to its owner.
 *
 * Reading. Ranks first learn which storage directories each of them can see (all of
 * them on a shared file system; with node-local disks, their own host's). Then, in
 * rounds, every chunk not yet read is given to one rank that sees its next untried
 * replica, preferably the rank whose storage it is; that rank reads it and checks its
 * checksum. Only when every replica of a chunk has failed is the chunk lost. Replicas
 * that were not needed are checked for presence and size (not read), so that a
 * storage directory that disappeared is noticed and rebuilt; `rivulet store fsck`
 * verifies every checksum.
 *
 * Redistribution. The chunks of each old rank's state are assembled on one rank,
 * which routes every vertex record to the vertex's owner in this job, so the number
 * of ranks may differ from the job that wrote the checkpoint.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checkpoint.h"

typedef struct resume {
    rv_job *job;
    rv__checkpointer *c;
    rv_session *s;
    rv__manifest m;
    char *text;              /* the manifest, as stored */
    size_t text_length;
    int P, P0;               /* ranks now, ranks of the job that wrote it */
    uint64_t words;          /* 64-bit words per rank in sees */
    uint64_t *sees;          /* [P * words]: bit t of rank r: r can see rank t's old storage */
    uint64_t *ok, *bad, *tried; /* [n_chunks] replica positions as bits */
    int *holder;             /* [n_chunks] the rank holding the chunk's verified bytes */
    unsigned char **data;    /* [n_chunks] those bytes, on the holder */
    uint64_t repaired;
    uint64_t topology_changes; /* the manifest's count: when not 0, the graph is rebuilt */
    rv__buffer history;        /* the master hook's inputs, from rank 0's state */
    uint64_t n_problems, n_repairs; /* warnings about replicas, counted to cap them */
} resume;

/* A lost disk can make every chunk's replica bad: each rank lists the first few
 * problems and repairs one by one, then only counts them. */
enum { LISTED = 4 };

static void warn(resume *r, uint64_t *counter, const char *format, ...) __attribute__((format(printf, 3, 4)));
static void warn(resume *r, uint64_t *counter, const char *format, ...)
{
    if ((*counter)++ >= LISTED)
        return;
    char line[RV__STORE_PATH_MAX + 512];
    va_list ap;
    va_start(ap, format);
    vsnprintf(line, sizeof line, format, ap);
    va_end(ap);
    rv__log(r->s, RV_LOG_WARN, "checkpoint at superstep %" PRIu64 ": %s", r->m.superstep, line);
}

static void warn_unlisted(resume *r)
{
    if (r->n_problems > LISTED)
        rv__log(r->s, RV_LOG_WARN, "checkpoint at superstep %" PRIu64 ": %" PRIu64 " more missing or damaged replicas "
                "found here (not listed; 'rivulet store fsck' lists them all)", r->m.superstep, r->n_problems - LISTED);
    if (r->n_repairs > LISTED)
        rv__log(r->s, RV_LOG_WARN, "checkpoint at superstep %" PRIu64 ": %" PRIu64 " more replicas re-created here",
                r->m.superstep, r->n_repairs - LISTED);
}

static bool sees(const resume *r, int rank, int t)
{
    return r->sees[(size_t)rank * r->words + (size_t)t / 64] >> (t % 64) & 1;
}

static int storage_of(const resume *r, int t, char *out)
{
    return rv__store_storage_dir(&r->c->pattern, t, r->m.hosts[t], out);
}

/* "chunk 3 of rank 1's state" */
static void chunk_name(const rv__store_chunk *chunk, char *out, size_t capacity)
{
    snprintf(out, capacity, "chunk %" PRIu32 " of rank %" PRIu32 "'s state", chunk->index, chunk->file);
}

/* ---- Finding the newest checkpoint --------------------------------------------------- */

/* The newest manifest this rank can see whose copy is intact: its superstep + 1 in
 * *@p best (0 when there is none) and its text. Damaged copies are skipped, with a
 * warning: another copy, here or on another rank, may be whole. */
static int find_newest(resume *r, uint64_t *best)
{
    rv__manifest_copy *copies;
    size_t n_copies;
    *best = 0;
    if (rv__store_list_manifests(&r->c->pattern, &copies, &n_copies) != RV_OK)
        return rv__session_fail(r->s, RV_ENOMEM, "out of memory looking for checkpoints");
    for (size_t i = 0; i < n_copies && *best == 0; i++) {
        char path[RV__STORE_PATH_MAX], reason[1024];
        if (rv__store_manifest_path(copies[i].storage, copies[i].superstep, path) != RV_OK)
            continue;
        rv__manifest m;
        if (rv__manifest_load(path, &m, &r->text, &r->text_length, reason, sizeof reason) == RV_OK) {
            *best = m.superstep + 1;
            rv__manifest_destroy(&m);
        } else {
            rv__log(r->s, RV_LOG_WARN, "skipping a manifest copy: %s", reason);
        }
    }
    rv__store_manifest_copies_free(copies, n_copies);
    return RV_OK;
}

/* ---- Is it this job's? -------------------------------------------------------------- */

static int refuse(resume *r, const char *what, const char *then, const char *now)
{
    return rv__session_fail(r->s, RV_EINVAL,
                            "cannot resume from the checkpoint at superstep %" PRIu64 " in '%s': it was written %s "
                            "(checkpoint: '%s'; this run: '%s')",
                            r->m.superstep, r->c->dir, what, then ? then : "", now);
}

static int check_identity(resume *r)
{
    const rv_job *job = r->job;
    char layout[1024];
    rv__checkpoint_describe_layout(job, layout, sizeof layout);
    const struct {
        const char *key, *now, *what;
    } checks[] = {
        {"format", "rivulet-state 1", "in a format this version cannot read"},
        {"program", job->program.name ? job->program.name : "", "by another program"},
        {"parameters", r->c->parameters, "with other parameters"},
        {"input", r->c->input, "for another input or load options"},
        {"graph", r->c->graph_identity, "for another input graph (its size or text checksum differs)"},
        {"layout", layout, "by a program with another value, message or aggregator layout"},
    };
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
        const char *then = rv__manifest_get(&r->m, checks[i].key);
        if (!then || strcmp(then, checks[i].now) != 0)
            return refuse(r, checks[i].what, then, checks[i].now);
    }
    const char *changes = rv__manifest_get(&r->m, "topology-changes");
    char *end = NULL;
    r->topology_changes = changes ? strtoull(changes, &end, 10) : 0;
    if (!changes || end == changes || *end)
        return rv__session_fail(r->s, RV_EPARSE, "checkpoint manifest: no count of topology changes");
    return RV_OK;
}

/* ---- Reading the chunks ------------------------------------------------------------- */

/* Which rank can see which old storage directory. */
static int learn_visibility(resume *r)
{
    uint64_t *mine = calloc(r->words, sizeof *mine);
    r->sees = calloc((size_t)r->P * r->words, sizeof *r->sees);
    int status = mine && r->sees ? RV_OK : rv__session_fail(r->s, RV_ENOMEM, "out of memory");
    for (int t = 0; status == RV_OK && t < r->P0; t++) {
        char storage[RV__STORE_PATH_MAX];
        struct stat st;
        if (storage_of(r, t, storage) == RV_OK && stat(storage, &st) == 0 && S_ISDIR(st.st_mode))
            mine[t / 64] |= UINT64_C(1) << (t % 64);
    }
    status = rv__session_agree(r->s, status);
    if (status == RV_OK)
        status = rv__session_agree(r->s, rv__comm_allgather_u64s(r->s, mine, r->words, r->sees));
    free(mine);
    return status;
}

/* The rank to read or check something in rank @p t's old storage: rank t itself when
 * it can, else the least loaded rank that can; -1 when none can. */
static int choose_rank(const resume *r, int t, const uint64_t *load)
{
    if (t < r->P && sees(r, t, t))
        return t;
    int best = -1;
    for (int q = 0; q < r->P; q++)
        if (sees(r, q, t) && (best < 0 || (load && load[q] < load[best])))
            best = q;
    return best;
}

/* Reads replica @p j of chunk @p i here; on success keeps the bytes. */
static bool read_replica(resume *r, size_t i, uint32_t j)
{
    const rv__store_chunk *chunk = &r->m.chunks[i];
    char storage[RV__STORE_PATH_MAX], path[RV__STORE_PATH_MAX], why[256] = "", name[64];
    unsigned char *buffer = malloc(chunk->bytes ? chunk->bytes : 1);
    rv__replica_state state = RV__REPLICA_UNREADABLE;
    if (!buffer)
        snprintf(why, sizeof why, "out of memory");
    else if (storage_of(r, chunk->replica[j], storage) != RV_OK ||
             rv__store_replica_path(storage, r->m.superstep, chunk->file, chunk->index, path) != RV_OK)
        snprintf(why, sizeof why, "path too long");
    else
        state = rv__store_read_replica(path, chunk, buffer, why, sizeof why);
    if (state == RV__REPLICA_OK) {
        r->data[i] = buffer;
        return true;
    }
    free(buffer);
    chunk_name(chunk, name, sizeof name);
    warn(r, &r->n_problems, "%s: the replica on rank %" PRId32 "'s storage is %s (%s): %s", name, chunk->replica[j],
         rv__replica_state_name(state), why, path);
    return false;
}

/* Rounds of reading until every chunk is read or has no replica left to try. */
static int read_chunks(resume *r)
{
    const size_t n = r->m.n_chunks;
    uint64_t *load = calloc((size_t)r->P, sizeof *load);
    uint64_t *found = calloc(2 * n + 1, sizeof *found); /* this round: [0, n) ok bits, [n, 2n) bad bits */
    int *reader = malloc((n + 1) * sizeof *reader);
    uint32_t *position = malloc((n + 1) * sizeof *position);
    int status = load && found && reader && position ? RV_OK : rv__session_fail(r->s, RV_ENOMEM, "out of memory");
    status = rv__session_agree(r->s, status);
    while (status == RV_OK) {
        /* Every rank makes the same assignment from the same agreed facts. */
        bool any = false;
        for (size_t i = 0; i < n; i++) {
            const rv__store_chunk *chunk = &r->m.chunks[i];
            reader[i] = -1;
            for (uint32_t j = 0; !r->ok[i] && j < chunk->n_replicas && reader[i] < 0; j++) {
                if (r->tried[i] >> j & 1)
                    continue;
                r->tried[i] |= UINT64_C(1) << j;
                int q = choose_rank(r, chunk->replica[j], load);
                if (q < 0) {
                    /* Nobody sees this storage directory: the replica counts as missing. */
                    r->bad[i] |= UINT64_C(1) << j;
                    if (r->s->rank == 0) {
                        char name[64];
                        chunk_name(chunk, name, sizeof name);
                        warn(r, &r->n_problems, "%s: the replica on rank %" PRId32 "'s storage is missing (no rank "
                             "can see that storage directory)", name, chunk->replica[j]);
                    }
                    continue;
                }
                reader[i] = q;
                position[i] = j;
                load[q] += chunk->bytes;
                any = true;
            }
        }
        if (!any)
            break;
        memset(found, 0, 2 * n * sizeof *found);
        for (size_t i = 0; i < n; i++) {
            if (reader[i] != r->s->rank)
                continue;
            if (read_replica(r, i, position[i]))
                found[i] = UINT64_C(1) << position[i];
            else
                found[n + i] = UINT64_C(1) << position[i];
        }
        /* Each replica was tried by one rank only, so the sum is a bitwise or. */
        status = rv__session_agree(r->s, rv__comm_allreduce_u64(r->s, found, 2 * n, RV__REDUCE_SUM));
        for (size_t i = 0; status == RV_OK && i < n; i++) {
            if (found[i]) {
                r->ok[i] = found[i];
                r->holder[i] = reader[i];
            }
            r->bad[i] |= found[n + i];
        }
    }
    for (size_t i = 0; status == RV_OK && i < n; i++) {
        if (r->ok[i])
            continue;
        const rv__store_chunk *chunk = &r->m.chunks[i];
        char name[64], ranks[256] = "";
        chunk_name(chunk, name, sizeof name);
        for (uint32_t j = 0, at = 0; j < chunk->n_replicas && at < sizeof ranks; j++)
            at += (uint32_t)snprintf(ranks + at, sizeof ranks - at, "%s%" PRId32, j ? ", " : "", chunk->replica[j]);
        status = rv__session_fail(r->s, RV_EIO,
                                  "cannot resume from the checkpoint at superstep %" PRIu64 " in '%s': %s is lost: "
                                  "none of its %" PRIu32 " replicas (on the storage of ranks %s) is intact",
                                  r->m.superstep, r->c->dir, name, chunk->n_replicas, ranks);
    }
    free(load);
    free(found);
    free(reader);
    free(position);
    return rv__session_agree(r->s, status);
}

/* The replicas no reader needed: is each there, with the right size? */
static int check_untried(resume *r)
{
    const size_t n = r->m.n_chunks;
    uint64_t *bad = calloc(n + 1, sizeof *bad);
    int status = bad ? RV_OK : rv__session_fail(r->s, RV_ENOMEM, "out of memory");
    status = rv__session_agree(r->s, status);
    for (size_t i = 0; status == RV_OK && i < n; i++) {
        const rv__store_chunk *chunk = &r->m.chunks[i];
        for (uint32_t j = 0; j < chunk->n_replicas; j++) {
            if (r->tried[i] >> j & 1)
                continue;
            int t = chunk->replica[j];
            int q = choose_rank(r, t, NULL);
            char name[64], storage[RV__STORE_PATH_MAX], path[RV__STORE_PATH_MAX], why[256] = "";
            chunk_name(chunk, name, sizeof name);
            if (q < 0) {
                bad[i] |= r->s->rank == 0 ? UINT64_C(1) << j : 0;
                if (r->s->rank == 0)
                    warn(r, &r->n_problems, "%s: the replica on rank %d's storage is missing (no rank can see that "
                         "storage directory)", name, t);
                continue;
            }
            if (q != r->s->rank)
                continue;
            rv__replica_state state = RV__REPLICA_UNREADABLE;
            if (storage_of(r, t, storage) == RV_OK &&
                rv__store_replica_path(storage, r->m.superstep, chunk->file, chunk->index, path) == RV_OK)
                state = rv__store_check_replica(path, chunk, false, why, sizeof why);
            if (state != RV__REPLICA_OK) {
                bad[i] |= UINT64_C(1) << j;
                warn(r, &r->n_problems, "%s: the replica on rank %d's storage is %s (%s): %s", name, t,
                     rv__replica_state_name(state), why, path);
            }
        }
    }
    if (status == RV_OK)
        status = rv__session_agree(r->s, rv__comm_allreduce_u64(r->s, bad, n, RV__REDUCE_SUM));
    for (size_t i = 0; status == RV_OK && i < n; i++)
        r->bad[i] |= bad[i];
    free(bad);
    return status;
}

/* Re-creates every bad replica from the verified copy: the holder sends it to a rank
 * that can write into the replica's storage directory (the directory's own rank when
 * it still exists in this job, which may have to create the directory anew). */
static int repair(resume *r)
{
    const size_t n = r->m.n_chunks;
    rv__parcel *parcels = NULL;
    size_t n_parcels = 0, capacity = 0;
    rv__buffer recv = {0};
    int status = RV_OK;
    for (size_t i = 0; i < n && status == RV_OK; i++) {
        const rv__store_chunk *chunk = &r->m.chunks[i];
        for (uint32_t j = 0; j < chunk->n_replicas; j++) {
            if (!(r->bad[i] >> j & 1))
                continue;
            int t = chunk->replica[j];
            int writer = t < r->P ? t : choose_rank(r, t, NULL);
            if (writer < 0) {
                if (r->s->rank == 0) {
                    char name[64];
                    chunk_name(chunk, name, sizeof name);
                    rv__log(r->s, RV_LOG_WARN, "checkpoint at superstep %" PRIu64 ": %s: cannot re-create the replica "
                            "on rank %d's storage: no rank of this job can reach it", r->m.superstep, name, t);
                }
                continue;
            }
            if (r->holder[i] != r->s->rank)
                continue;
            if (n_parcels == capacity) {
                capacity = capacity ? 2 * capacity : 16;
                rv__parcel *grown = realloc(parcels, capacity * sizeof *grown);
                if (!grown) {
                    status = rv__session_fail(r->s, RV_ENOMEM, "out of memory");
                    break;
                }
                parcels = grown;
            }
            parcels[n_parcels++] = (rv__parcel){.to = writer, .file = chunk->file, .index = chunk->index,
                                                .storage = t, .bytes = chunk->bytes, .data = r->data[i]};
        }
    }
    status = rv__session_agree(r->s, status);
    if (status == RV_OK)
        status = rv__parcels_exchange(r->s, parcels, n_parcels, &recv);
    int local = RV_OK;
    char reason[512] = "";
    for (size_t at = 0; status == RV_OK && local == RV_OK && at < recv.size;) {
        rv__parcel_header h;
        memcpy(&h, recv.data + at, sizeof h);
        char storage[RV__STORE_PATH_MAX], directory[RV__STORE_PATH_MAX], path[RV__STORE_PATH_MAX];
        if (storage_of(r, h.storage, storage) != RV_OK ||
            rv__store_checkpoint_dir(storage, r->m.superstep, directory) != RV_OK ||
            rv__store_replica_path(storage, r->m.superstep, h.file, h.index, path) != RV_OK) {
            local = RV_ELIMIT;
            snprintf(reason, sizeof reason, "path too long");
        }
        if (local == RV_OK)
            local = rv__store_mkdirs(directory, reason, sizeof reason);
        if (local == RV_OK)
            local = rv__store_write_file(path, recv.data + at + sizeof h, (size_t)h.bytes, true, reason, sizeof reason);
        if (local == RV_OK) {
            r->repaired++;
            warn(r, &r->n_repairs, "re-created the replica of chunk %" PRIu32 " of rank %" PRIu32 "'s state on rank %"
                 PRId32 "'s storage: %s", h.index, h.file, h.storage, path);
        }
        at += sizeof h + h.bytes;
    }
    /* A replica that cannot be rewritten costs redundancy, not the resume: the state
     * itself was read. Say so and go on. */
    if (local != RV_OK)
        rv__log(r->s, RV_LOG_WARN, "checkpoint at superstep %" PRIu64 ": a replica could not be re-created: %s",
                r->m.superstep, reason);
    free(parcels);
    rv__buffer_destroy(&recv);
    return status;
}

/* ---- Giving every vertex its state ---------------------------------------------------- */

typedef struct record_list {
    rv__state_record *items;
    size_t n, capacity;
} record_list;

static int collect_record(const rv__state_record *record, void *arg)
{
    record_list *l = arg;
    if (l->n == l->capacity) {
        size_t grown = l->capacity ? 2 * l->capacity : 1024;
        rv__state_record *items = realloc(l->items, grown * sizeof *items);
        if (!items)
            return RV_ENOMEM;
        l->items = items;
        l->capacity = grown;
    }
    l->items[l->n++] = *record;
    return RV_OK;
}

/* The rank that assembles and parses old rank @p q's state. */
static int parser_of(const resume *r, uint32_t q)
{
    return (int)(q % (uint32_t)r->P);
}

/* Gathers the chunks of every state this rank parses into whole blobs: chunks read
 * elsewhere arrive by an exchange; a state of one chunk read here is used as it is.
 * blobs[q] is set for the states this rank parses. */
static int assemble(resume *r, unsigned char **blobs)
{
    rv_session *s = r->s;
    const size_t n = r->m.n_chunks;
    rv__parcel *parcels = calloc(n + 1, sizeof *parcels);
    size_t *first_chunk = calloc((size_t)r->P0 + 1, sizeof *first_chunk);
    rv__buffer received = {0};
    size_t n_parcels = 0;
    int status = parcels && first_chunk ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory");
    /* Chunks of state f are consecutive in the manifest, from first_chunk[f] on. */
    for (size_t i = n; status == RV_OK && i > 0; i--)
        first_chunk[r->m.chunks[i - 1].file] = i - 1;
    for (size_t i = 0; status == RV_OK && i < n; i++) {
        const rv__store_chunk *chunk = &r->m.chunks[i];
        if (r->holder[i] == s->rank && parser_of(r, chunk->file) != s->rank)
            parcels[n_parcels++] = (rv__parcel){.to = parser_of(r, chunk->file), .file = chunk->file,
                                                .index = chunk->index, .storage = -1, .bytes = chunk->bytes,
                                                .data = r->data[i]};
    }
    status = rv__session_agree(s, status);
    if (status == RV_OK)
        status = rv__parcels_exchange(s, parcels, n_parcels, &received);
    for (uint32_t q = (uint32_t)s->rank; status == RV_OK && q < (uint32_t)r->P0; q += (uint32_t)r->P) {
        size_t i = first_chunk[q];
        if (r->m.file_bytes[q] == r->m.chunks[i].bytes && r->holder[i] == s->rank) {
            blobs[q] = r->data[i]; /* the whole state in one chunk, read here */
            r->data[i] = NULL;
            continue;
        }
        if (!(blobs[q] = malloc(r->m.file_bytes[q] + 1))) {
            status = rv__session_fail(s, RV_ENOMEM, "out of memory assembling the state of rank %" PRIu32, q);
            break;
        }
        for (; i < n && r->m.chunks[i].file == q; i++)
            if (r->holder[i] == s->rank)
                memcpy(blobs[q] + r->m.chunks[i].offset, r->data[i], (size_t)r->m.chunks[i].bytes);
    }
    for (size_t at = 0; status == RV_OK && at < received.size;) {
        rv__parcel_header h;
        memcpy(&h, received.data + at, sizeof h);
        memcpy(blobs[h.file] + r->m.chunks[first_chunk[h.file] + h.index].offset, received.data + at + sizeof h,
               (size_t)h.bytes);
        at += sizeof h + h.bytes;
    }
    for (size_t i = 0; i < n; i++) {
        free(r->data[i]);
        r->data[i] = NULL;
    }
    free(parcels);
    free(first_chunk);
    rv__buffer_destroy(&received);
    return rv__session_agree(s, status);
}

/* Assembles each old rank's state on one rank, which applies the records of its own
 * vertices at once and sends every other record to the owner of its vertex. With as
 * many ranks as the job that wrote the checkpoint, every record stays where it is
 * read and nothing is copied. */
static int redistribute(resume *r)
{
    rv_session *s = r->s;
    rv_job *job = r->job;
    unsigned char **blobs = calloc((size_t)r->P0 + 1, sizeof *blobs);
    record_list records = {0};
    rv__buffer recv = {0};
    uint64_t *ids = NULL, *send_bytes = NULL, *recv_bytes = NULL, *fill = NULL;
    int *owners = NULL;
    unsigned char *send = NULL;
    rv__state_sections *sections = calloc((size_t)r->P0 + 1, sizeof *sections);
    size_t n_sections = 0;
    uint8_t *seen = NULL;
    int status = blobs && sections ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory");
    status = rv__session_agree(s, status);
    if (status == RV_OK)
        status = assemble(r, blobs);
    for (int q = s->rank; status == RV_OK && q < r->P0; q += r->P) {
        char what[96];
        snprintf(what, sizeof what, "the checkpoint's state of rank %d", q);
        status = rv__state_open(job, blobs[q], (size_t)r->m.file_bytes[q], what, &sections[n_sections++]);
        /* Rank 0's state carries the master hook's history, for everyone. */
        if (status == RV_OK && q == 0 && sections[0].history_bytes) {
            if (rv__buffer_reserve(&r->history, sections[0].history_bytes) != RV_OK)
                status = rv__session_fail(s, RV_ENOMEM, "out of memory");
            else {
                memcpy(r->history.data, sections[0].history, sections[0].history_bytes);
                r->history.size = sections[0].history_bytes;
            }
        }
    }
    status = rv__session_agree(s, status);
    if (status == RV_OK && r->topology_changes)
        status = rv__topology_rebuild(job, sections, n_sections);
    if (status == RV_OK && !(seen = calloc((size_t)job->graph->n_local + 1, 1)))
        status = rv__session_fail(s, RV_ENOMEM, "out of memory");
    for (size_t k = 0; status == RV_OK && k < n_sections; k++) {
        status = rv__state_records(job, &sections[k], "the checkpoint's state", collect_record, &records);
        if (status == RV_ENOMEM)
            rv__session_fail(s, status, "out of memory reading the checkpoint's state");
    }
    status = rv__session_agree(s, status);

    /* Owners are asked for all records at once: a placement with a directory answers
     * collectively. */
    if (status == RV_OK) {
        ids = malloc((records.n + 1) * sizeof *ids);
        owners = malloc((records.n + 1) * sizeof *owners);
        send_bytes = calloc((size_t)r->P, sizeof *send_bytes);
        recv_bytes = calloc((size_t)r->P, sizeof *recv_bytes);
        fill = calloc((size_t)r->P, sizeof *fill);
        if (!ids || !owners || !send_bytes || !recv_bytes || !fill)
            status = rv__session_fail(s, RV_ENOMEM, "out of memory");
        for (size_t i = 0; status == RV_OK && i < records.n; i++)
            ids[i] = records.items[i].id;
        status = rv__session_agree(s, status);
    }
    if (status == RV_OK)
        status = rv__session_agree(s, rv__placement_owners(s, &job->graph->placement, ids, records.n, owners));
    size_t hint = 0;
    if (status == RV_OK) {
        uint64_t total = 0;
        for (size_t i = 0; i < records.n; i++)
            if (owners[i] != s->rank)
                send_bytes[owners[i]] += records.items[i].bytes;
        for (int q = 0; q < r->P; q++) {
            fill[q] = total;
            total += send_bytes[q];
        }
        if (!(send = malloc(total + 1)))
            status = rv__session_fail(s, RV_ENOMEM, "out of memory sending the state");
        for (size_t i = 0; status == RV_OK && i < records.n; i++) {
            const rv__state_record *record = &records.items[i];
            if (owners[i] == s->rank) {
                status = rv__state_apply(job, record->data, record->bytes, seen, &hint);
                continue;
            }
            memcpy(send + fill[owners[i]], record->data, record->bytes);
            fill[owners[i]] += record->bytes;
        }
        status = rv__session_agree(s, status);
    }
    for (int q = 0; q < r->P0 && blobs; q++) {
        free(blobs[q]);
        blobs[q] = NULL;
    }
    if (status == RV_OK)
        status = rv__session_agree(s, rv__comm_alltoallv(s, send, send_bytes, &recv, recv_bytes));
    hint = 0;
    for (size_t at = 0; status == RV_OK && at < recv.size;) {
        uint64_t bytes;
        memcpy(&bytes, recv.data + at, 8);
        status = rv__state_apply(job, recv.data + at, (size_t)bytes, seen, &hint);
        at += bytes;
    }
    if (status == RV_OK)
        status = rv__state_apply_done(job, seen);
    status = rv__session_agree(s, status);
    free(blobs);
    free(sections);
    free(records.items);
    free(ids);
    free(owners);
    free(send_bytes);
    free(recv_bytes);
    free(fill);
    free(send);
    free(seen);
    rv__buffer_destroy(&recv);
    return status;
}

/* ---- The job's counters and the master hook ---------------------------------------- */

/* Restores the superstep, the aggregators and the program's own state. The master
 * hook keeps what it computes in the program's user data, which the engine cannot
 * save; but the hook's output depends only on its inputs (the superstep, the number
 * of vertices, the reduced aggregators: rivulet.h asks for that), so calling it
 * again with the inputs of every superstep so far, in order, rebuilds that state,
 * whatever it accumulates (PageRank's base rank, LCC's number of waves). */
static int restore_globals(resume *r)
{
    rv_job *job = r->job;
    rv_session *s = r->s;
    const rv_program *p = &job->program;
    const size_t n = p->n_aggregators, entry = 8 * (n + 1);
    const uint64_t superstep = r->m.superstep;
    /* A stream's checkpoint has no master history (see rv__checkpoint_write_stream). */
    const char *stream_state = rv__manifest_get(&r->m, "stream");
    const uint64_t replayed = stream_state ? 0 : superstep;
    rv__reduce_slot *reduced = calloc(n + 1, sizeof *reduced);
    rv__reduce_slot *visible = calloc(n + 1, sizeof *visible);
    int status = reduced && visible ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory");
    status = rv__session_agree(s, status);
    if (status == RV_OK)
        status = rv__comm_bcast_buffer(s, 0, &r->history);
    if (status == RV_OK && r->history.size != replayed * entry)
        status = rv__session_fail(s, RV_EPARSE, "the checkpoint's master history holds %zu bytes, not %" PRIu64,
                                  r->history.size, replayed * entry);

    /* What vertices will read next, as the master hook left it. */
    const char *text = rv__manifest_get(&r->m, "aggregators");
    const char *at = text ? text : "";
    for (size_t k = 0; k < n && status == RV_OK; k++) {
        unsigned long long before, after;
        int used = 0;
        if (sscanf(at, " %16llx:%16llx%n", &before, &after, &used) != 2) {
            status = rv__session_fail(s, RV_EPARSE, "the checkpoint's manifest has no value for aggregator %zu", k);
            break;
        }
        at += used;
        rv__aggregate_reset(&visible[k], p->aggregators[k].kind);
        visible[k].value.u = after;
    }

    const uint64_t n_vertices = job->graph->n_vertices;
    for (uint64_t step = 0; status == RV_OK && p->master && step < replayed; step++) {
        const unsigned char *inputs = r->history.data + step * entry;
        for (size_t k = 0; k < n; k++) {
            rv__aggregate_reset(&reduced[k], p->aggregators[k].kind);
            memcpy(&reduced[k].value.u, inputs + 8 * (k + 1), 8);
        }
        /* Topology changes may have changed the count since; the hook sees its own. */
        memcpy(&job->graph->n_vertices, inputs, 8);
        memcpy(job->aggregate_visible, reduced, n * sizeof *reduced);
        job->superstep = step;
        rv_master master = {.job = job, .reduced = reduced};
        p->master(&master, p->user);
        if (master.failed)
            status = RV_EINVAL; /* the hook set the error text, the same on every rank */
    }
    job->graph->n_vertices = n_vertices;
    job->superstep = superstep;
    job->topology_changes = r->topology_changes;
    if (status == RV_OK) {
        memcpy(job->aggregate_visible, visible, n * sizeof *visible);
        /* The history goes on from here. */
        rv__buffer_destroy(&r->c->history);
        r->c->history = r->history;
        r->history = (rv__buffer){0};
        free(r->c->stream_state);
        r->c->stream_state = stream_state ? strdup(stream_state) : NULL;
        if (stream_state && !r->c->stream_state)
            status = rv__session_fail(s, RV_ENOMEM, "out of memory");
    }
    free(reduced);
    free(visible);
    return status;
}

/* A rank whose storage lost its copy of the manifest gets it back. */
static void restore_manifest_copy(resume *r)
{
    int t = r->s->rank;
    char storage[RV__STORE_PATH_MAX], path[RV__STORE_PATH_MAX], reason[512];
    struct stat st;
    if (t >= r->P0 || storage_of(r, t, storage) != RV_OK ||
        rv__store_manifest_path(storage, r->m.superstep, path) != RV_OK || stat(path, &st) == 0)
        return;
    if (rv__store_mkdirs(storage, reason, sizeof reason) != RV_OK ||
        rv__store_write_file(path, r->text, r->text_length, true, reason, sizeof reason) != RV_OK)
        rv__log(r->s, RV_LOG_WARN, "cannot re-create a manifest copy: %s", reason);
    else
        rv__log(r->s, RV_LOG_WARN, "checkpoint at superstep %" PRIu64 ": re-created the manifest copy %s",
                r->m.superstep, path);
}

/* ---- rv_job_resume() -------------------------------------------------------------------- */

static void resume_destroy(resume *r)
{
    for (size_t i = 0; r->data && i < r->m.n_chunks; i++)
        free(r->data[i]);
    free(r->data);
    free(r->sees);
    free(r->ok);
    free(r->bad);
    free(r->tried);
    free(r->holder);
    free(r->text);
    rv__buffer_destroy(&r->history);
    rv__manifest_destroy(&r->m);
}

static uint64_t popcount_all(const uint64_t *bits, size_t n)
{
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += (uint64_t)__builtin_popcountll(bits[i]);
    return total;
}

int rv__checkpoint_resume(rv_job *job)
{
    rv_session *s = job->session;
    resume r = {.job = job, .c = job->checkpointer, .s = s, .P = s->size};
    double t0 = rv__now();
    uint64_t mine = 0, best = 0;
    int status = job->superstep == 0 ? RV_OK
                                     : rv__session_fail(s, RV_EINVAL, "rv_job_resume() must come before rv_job_run()");
    if (status == RV_OK)
        status = find_newest(&r, &mine);
    status = rv__session_agree(s, status);
    best = mine;
    if (status == RV_OK)
        status = rv__session_agree(s, rv__comm_allreduce_u64(s, &best, 1, RV__REDUCE_MAX));
    if (status != RV_OK || best == 0) {
        if (status == RV_OK && s->rank == 0)
            rv__log(s, RV_LOG_WARN, "no checkpoint in '%s': starting from superstep 0", r.c->dir);
        resume_destroy(&r);
        return status;
    }

    /* The lowest rank that holds an intact copy of the newest manifest shares it. */
    uint64_t root = mine == best ? (uint64_t)s->rank : (uint64_t)s->size;
    status = rv__session_agree(s, rv__comm_allreduce_u64(s, &root, 1, RV__REDUCE_MIN));
    rv__buffer shared = {0};
    if (status == RV_OK && (uint64_t)s->rank == root) {
        shared.data = (unsigned char *)r.text;
        shared.size = shared.capacity = r.text_length;
        r.text = NULL;
    }
    if (status == RV_OK)
        status = rv__comm_bcast_buffer(s, (int)root, &shared);
    if (status == RV_OK) {
        free(r.text);
        r.text = (char *)shared.data;
        r.text_length = shared.size;
        shared = (rv__buffer){0};
        char reason[512];
        if (rv__manifest_parse(r.text, r.text_length, &r.m, reason, sizeof reason) != RV_OK)
            status = rv__session_fail(s, RV_EPARSE, "checkpoint manifest: %s", reason);
    }
    rv__buffer_destroy(&shared);
    if (status == RV_OK)
        status = check_identity(&r);
    status = rv__session_agree(s, status);

    if (status == RV_OK) {
        size_t n = r.m.n_chunks;
        r.P0 = r.m.n_ranks;
        r.words = ((uint64_t)r.P0 + 63) / 64;
        r.ok = calloc(n + 1, sizeof *r.ok);
        r.bad = calloc(n + 1, sizeof *r.bad);
        r.tried = calloc(n + 1, sizeof *r.tried);
        r.holder = calloc(n + 1, sizeof *r.holder);
        r.data = calloc(n + 1, sizeof *r.data);
        if (!r.ok || !r.bad || !r.tried || !r.holder || !r.data)
            status = rv__session_fail(s, RV_ENOMEM, "out of memory");
        status = rv__session_agree(s, status);
    }
    double t_found = rv__now();
    if (status == RV_OK)
        status = learn_visibility(&r);
    if (status == RV_OK)
        status = read_chunks(&r);
    double t_read = rv__now();
    if (status == RV_OK)
        status = check_untried(&r);
    if (status == RV_OK)
        status = repair(&r);
    double t_repaired = rv__now();
    if (status == RV_OK)
        status = redistribute(&r);
    double t_redistributed = rv__now();
    if (status == RV_OK)
        status = rv__session_agree(s, restore_globals(&r));
    rv__log(s, RV_LOG_DEBUG,
            "resume: manifest %.3f s, reading %.3f s, checking and repairing %.3f s, redistributing %.3f s, "
            "the rest %.3f s",
            t_found - t0, t_read - t_found, t_repaired - t_read, t_redistributed - t_repaired, rv__now() - t_redistributed);
    if (status == RV_OK)
        restore_manifest_copy(&r);
    warn_unlisted(&r);

    uint64_t repaired = r.repaired;
    double seconds = rv__now() - t0;
    if (status == RV_OK)
        status = rv__session_agree(s, rv__comm_allreduce_u64(s, &repaired, 1, RV__REDUCE_SUM));
    if (status == RV_OK)
        status = rv__session_agree(s, rv__comm_allreduce_f64(s, &seconds, 1, RV__REDUCE_MAX));
    if (status == RV_OK) {
        rv_checkpoint_stats *st = &r.c->stats;
        r.c->resumed = true;
        st->resumed = true;
        st->resumed_superstep = r.m.superstep;
        st->resumed_ranks = r.P0;
        st->resume_bytes = 0;
        for (uint32_t f = 0; f < r.m.n_files; f++)
            st->resume_bytes += r.m.file_bytes[f];
        st->resume_seconds = seconds;
        st->replicas_bad = popcount_all(r.bad, r.m.n_chunks);
        st->replicas_repaired = repaired;
    }
    resume_destroy(&r);
    return status;
}
