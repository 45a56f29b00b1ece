/* stream_log.c — the stream's write-ahead log made collective: records replicated on distinct ranks before acknowledgement, and read back, repaired and trimmed on resume (see stream_log.h). */
#define _POSIX_C_SOURCE 200809L

#include "stream_log.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "fault.h"
#include "io/crc32c.h"
#include "io/wal.h"

enum { DEFAULT_REPLICAS = 3, LISTED = 4 };

struct rv__stream_log {
    char *dir; /* as the user gave it, for messages */
    rv__store_pattern pattern;
    int replicas;
    uint32_t identity; /* CRC-32C of the job's identity text */
    char *host_names;
    char **hosts;
    int *host_id;
    char storage[RV__STORE_PATH_MAX]; /* this rank's storage directory */
    uint64_t last;
};

void rv__stream_log_free(rv__stream_log **handle)
{
    rv__stream_log *log = handle ? *handle : NULL;
    if (!log)
        return;
    free(log->dir);
    rv__store_pattern_destroy(&log->pattern);
    free(log->host_names);
    free(log->hosts);
    free(log->host_id);
    free(log);
    *handle = NULL;
}

uint64_t rv__stream_log_last(const rv__stream_log *log) { return log->last; }

/* ---- The storage directories this rank reads ------------------------------------------ */

/* Its own, and on rank 0 every one it can see (on a shared file system: all of them,
 * also those of ranks an earlier job had and this one has not). */
typedef struct storages {
    char **paths;
    size_t n;
    bool failed;
} storages;

static int add_storage(const char *path, void *arg)
{
    storages *list = arg;
    for (size_t i = 0; i < list->n; i++)
        if (strcmp(list->paths[i], path) == 0)
            return 0;
    char **grown = realloc(list->paths, (list->n + 1) * sizeof *grown);
    char *copy = strdup(path);
    if (!grown || !copy) {
        free(copy);
        if (grown)
            list->paths = grown;
        list->failed = true;
        return 1;
    }
    list->paths = grown;
    list->paths[list->n++] = copy;
    return 0;
}

static void storages_destroy(storages *list)
{
    for (size_t i = 0; i < list->n; i++)
        free(list->paths[i]);
    free(list->paths);
}

static int find_storages(rv__stream_log *log, rv_session *s, storages *list)
{
    add_storage(log->storage, list);
    if (s->rank == 0)
        rv__store_find_storage(&log->pattern, add_storage, list);
    return list->failed ? rv__session_fail(s, RV_ENOMEM, "out of memory listing the log") : RV_OK;
}

/* ---- Opening ---------------------------------------------------------------------------- */

int rv__stream_log_open(rv_session *s, const char *dir, int replicas, const char *identity, rv__stream_log **out)
{
    const int P = s->size;
    char reason[512];
    *out = NULL;
    rv__stream_log *log = calloc(1, sizeof *log);
    int status = log ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory");
    if (status == RV_OK && replicas < 0)
        status = rv__session_fail(s, RV_EINVAL, "the log needs replicas >= 1");
    if (status == RV_OK && (status = rv__store_pattern_init(&log->pattern, dir, reason, sizeof reason)) != RV_OK)
        rv__session_fail(s, status, "log directory: %s", reason);
    if (status == RV_OK) {
        int wanted = replicas ? replicas : DEFAULT_REPLICAS;
        log->replicas = wanted < P ? wanted : P;
        if (log->replicas > RV__STORE_MAX_REPLICAS)
            log->replicas = RV__STORE_MAX_REPLICAS;
        log->identity = rv__crc32c(0, identity, strlen(identity));
        if (!(log->dir = strdup(dir)))
            status = rv__session_fail(s, RV_ENOMEM, "out of memory");
    }
    status = rv__session_agree(s, status);
    if (status == RV_OK)
        status = rv__hosts_gather(s, &log->host_names, &log->hosts, &log->host_id);
    if (status == RV_OK) {
        if (rv__store_storage_dir(&log->pattern, s->rank, log->hosts[s->rank], log->storage) != RV_OK)
            status = rv__session_fail(s, RV_ELIMIT, "log directory '%s': path too long", dir);
        else if ((status = rv__store_mkdirs(log->storage, reason, sizeof reason)) != RV_OK)
            rv__session_fail(s, status, "log directory: %s", reason);
        status = rv__session_agree(s, status);
    }
    /* The newest record anywhere, whole or not: a fresh stream refuses a log that
     * holds any. */
    storages list = {0};
    if (status == RV_OK)
        status = rv__session_agree(s, find_storages(log, s, &list));
    uint64_t last = 0;
    for (size_t i = 0; status == RV_OK && i < list.n; i++) {
        uint64_t *sequences;
        size_t n;
        if (rv__wal_list(list.paths[i], &sequences, &n) != RV_OK)
            status = rv__session_fail(s, RV_ENOMEM, "out of memory listing the log");
        else if (n && sequences[n - 1] > last)
            last = sequences[n - 1];
        free(sequences);
    }
    storages_destroy(&list);
    status = rv__session_agree(s, status);
    if (status == RV_OK)
        status = rv__session_agree(s, rv__comm_allreduce_u64(s, &last, 1, RV__REDUCE_MAX));
    if (status != RV_OK) {
        rv__stream_log_free(&log);
        return status;
    }
    log->last = last;
    *out = log;
    return RV_OK;
}

/* ---- Appending ---------------------------------------------------------------------------- */

static bool holds(const rv__stream_log *log, int P, int rank, uint64_t sequence)
{
    rv__store_chunk placement;
    rv__replicas_place(log->host_id, log->replicas, P, 0, sequence, &placement);
    for (uint32_t j = 0; j < placement.n_replicas; j++)
        if (placement.replica[j] == rank)
            return true;
    return false;
}

int rv__stream_log_append(rv__stream_log *log, rv_session *s, uint64_t sequence, const void *record, size_t bytes,
                          bool resumed)
{
    rv__buffer shared = {0};
    int status = RV_OK;
    if (s->rank == 0) {
        status = rv__buffer_reserve(&shared, bytes + 1);
        if (status == RV_OK) {
            memcpy(shared.data, record, bytes);
            shared.size = bytes;
        } else {
            rv__session_fail(s, status, "out of memory logging batch %" PRIu64, sequence);
        }
    }
    status = rv__session_agree(s, status);
    if (status == RV_OK)
        status = rv__comm_bcast_buffer(s, 0, &shared);
    if (status == RV_OK && holds(log, s->size, s->rank, sequence)) {
        char reason[RV__STORE_PATH_MAX + 128];
        bool torn = rv__fault_armed(s, sequence, RV__FAULT_MID_LOG_WRITE, resumed);
        status = rv__wal_write(log->storage, sequence, log->identity, shared.data, shared.size, torn, reason,
                               sizeof reason);
        if (torn)
            rv__fault_fire(s, sequence, RV__FAULT_MID_LOG_WRITE);
        if (status != RV_OK)
            rv__session_fail(s, status, "logging batch %" PRIu64 ": %s", sequence, reason);
    }
    rv__buffer_destroy(&shared);
    status = rv__session_agree(s, status);
    if (status == RV_OK)
        log->last = sequence;
    return status;
}

/* ---- Recovering ---------------------------------------------------------------------------- */

/* What this rank found of the records after the checkpoint. */
typedef struct found {
    uint64_t after, n;   /* records after+1 .. after+n */
    void **payload;      /* [n] a verified copy, when this rank read one */
    size_t *bytes;       /* [n] */
    uint8_t *own_ok;     /* [n] this rank's own storage holds a verified copy */
    bool foreign;        /* a verified record of another job */
    uint64_t foreign_sequence;
    uint64_t problems;
} found;

static void found_destroy(found *f)
{
    for (uint64_t i = 0; f->payload && i < f->n; i++)
        free(f->payload[i]);
    free(f->payload);
    free(f->bytes);
    free(f->own_ok);
}

/* Reads every record after f->after in every storage this rank reads; removes the
 * copies that fail their checksum (a torn write or damage: useless either way). */
static int read_records(rv__stream_log *log, rv_session *s, const storages *list, found *f)
{
    for (size_t k = 0; k < list->n; k++) {
        uint64_t *sequences;
        size_t n;
        if (rv__wal_list(list->paths[k], &sequences, &n) != RV_OK)
            return rv__session_fail(s, RV_ENOMEM, "out of memory listing the log");
        bool own = strcmp(list->paths[k], log->storage) == 0;
        for (size_t i = 0; i < n; i++) {
            if (sequences[i] <= f->after || sequences[i] > f->after + f->n)
                continue;
            uint64_t at = sequences[i] - f->after - 1;
            void *payload;
            size_t bytes;
            uint32_t identity = 0;
            char why[RV__STORE_PATH_MAX + 128], reason[512];
            rv__replica_state state = rv__wal_read(list->paths[k], sequences[i], &payload, &bytes, &identity, why,
                                                   sizeof why);
            if (state == RV__REPLICA_OK && identity != log->identity) {
                f->foreign = true;
                f->foreign_sequence = sequences[i];
                free(payload);
                continue;
            }
            if (state == RV__REPLICA_OK) {
                if (own)
                    f->own_ok[at] = 1;
                if (!f->payload[at]) {
                    f->payload[at] = payload;
                    f->bytes[at] = bytes;
                } else {
                    free(payload);
                }
                continue;
            }
            if (f->problems++ < LISTED)
                rv__log(s, RV_LOG_WARN, "log: batch %" PRIu64 ": %s (removed; another replica is used)",
                        sequences[i], why);
            if (state == RV__REPLICA_CORRUPT && rv__wal_remove(list->paths[k], sequences[i], reason, sizeof reason) != RV_OK)
                rv__log(s, RV_LOG_WARN, "log: %s", reason);
        }
        free(sequences);
    }
    return RV_OK;
}

/* Rank 0 gets one verified copy of every record: from the lowest rank holding one. */
static int gather_records(rv_session *s, found *f, const uint64_t *holder, uint64_t n_good, rv__buffer *records)
{
    rv__parcel *parcels = calloc(n_good + 1, sizeof *parcels);
    size_t n_parcels = 0;
    int status = parcels ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory reading the log");
    status = rv__session_agree(s, status);
    for (uint64_t i = 0; status == RV_OK && i < n_good; i++)
        if (holder[i] == (uint64_t)s->rank)
            parcels[n_parcels++] = (rv__parcel){.to = 0, .file = (uint32_t)i, .storage = -1, .bytes = f->bytes[i],
                                                .data = f->payload[i]};
    rv__buffer received = {0};
    if (status == RV_OK)
        status = rv__parcels_exchange(s, parcels, n_parcels, &received);
    free(parcels);
    if (status == RV_OK && s->rank == 0) {
        /* Parcels arrive by rank: put each where it belongs. */
        const unsigned char **where = calloc(n_good + 1, sizeof *where);
        uint64_t *sizes = calloc(n_good + 1, sizeof *sizes);
        size_t total = 0;
        status = where && sizes ? RV_OK : RV_ENOMEM;
        for (size_t at = 0; status == RV_OK && at < received.size;) {
            rv__parcel_header h;
            memcpy(&h, received.data + at, sizeof h);
            where[h.file] = received.data + at + sizeof h;
            sizes[h.file] = h.bytes;
            total += 16 + h.bytes;
            at += sizeof h + h.bytes;
        }
        if (status == RV_OK)
            status = rv__buffer_reserve(records, total + 1);
        for (uint64_t i = 0; status == RV_OK && i < n_good; i++) {
            uint64_t sequence = f->after + 1 + i;
            memcpy(records->data + records->size, &sequence, 8);
            memcpy(records->data + records->size + 8, &sizes[i], 8);
            memcpy(records->data + records->size + 16, where[i], sizes[i]);
            records->size += 16 + sizes[i];
        }
        free(where);
        free(sizes);
        if (status != RV_OK)
            rv__session_fail(s, status, "out of memory reading the log");
    }
    rv__buffer_destroy(&received);
    return rv__session_agree(s, status);
}

/* Every rank that should hold a record (under this job's placement) and has no
 * verified copy in its storage writes one. */
static int repair_records(rv__stream_log *log, rv_session *s, const found *f, const rv__buffer *records,
                          uint64_t n_good)
{
    int status = RV_OK;
    uint64_t repaired = 0;
    char reason[RV__STORE_PATH_MAX + 128];
    for (size_t at = 0, i = 0; status == RV_OK && i < n_good; i++) {
        uint64_t sequence, bytes;
        memcpy(&sequence, records->data + at, 8);
        memcpy(&bytes, records->data + at + 8, 8);
        if (!f->own_ok[i] && holds(log, s->size, s->rank, sequence)) {
            status = rv__wal_write(log->storage, sequence, log->identity, records->data + at + 16, (size_t)bytes, false,
                                   reason, sizeof reason);
            if (status != RV_OK)
                rv__session_fail(s, status, "repairing the log: %s", reason);
            else if (repaired++ < LISTED)
                rv__log(s, RV_LOG_WARN, "log: batch %" PRIu64 ": re-created the replica in %s", sequence, log->storage);
        }
        at += 16 + bytes;
    }
    return rv__session_agree(s, status);
}

int rv__stream_log_recover(rv__stream_log *log, rv_session *s, uint64_t after, rv__buffer *records)
{
    const int P = s->size;
    found f = {.after = after, .n = log->last > after ? log->last - after : 0};
    storages list = {0};
    uint64_t *holder = NULL;
    records->size = 0;
    f.payload = calloc(f.n + 1, sizeof *f.payload);
    f.bytes = calloc(f.n + 1, sizeof *f.bytes);
    f.own_ok = calloc(f.n + 1, 1);
    holder = calloc(f.n + 1, sizeof *holder);
    int status = f.payload && f.bytes && f.own_ok && holder ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory");
    status = rv__session_agree(s, status);
    if (status == RV_OK)
        status = rv__session_agree(s, find_storages(log, s, &list));
    if (status == RV_OK)
        status = rv__session_agree(s, read_records(log, s, &list, &f));

    uint64_t foreign = f.foreign ? f.foreign_sequence : 0;
    if (status == RV_OK)
        status = rv__session_agree(s, rv__comm_allreduce_u64(s, &foreign, 1, RV__REDUCE_MAX));
    if (status == RV_OK && foreign)
        status = rv__session_agree(s, rv__session_fail(s, RV_EINVAL,
                                   "the log in '%s' was written by another job (batch %" PRIu64
                                   " has another algorithm, parameters or input): give this job a log directory of its own",
                                   log->dir, foreign));

    for (uint64_t i = 0; i < f.n; i++)
        holder[i] = f.payload[i] ? (uint64_t)s->rank : (uint64_t)P;
    if (status == RV_OK)
        status = rv__session_agree(s, rv__comm_allreduce_u64(s, holder, f.n, RV__REDUCE_MIN));
    /* Only the last record may be lost everywhere: appends are one at a time, and a
     * batch is acknowledged only after every replica of it is durable. */
    uint64_t n_good = 0;
    while (n_good < f.n && holder[n_good] < (uint64_t)P)
        n_good++;
    if (status == RV_OK && n_good + 1 < f.n)
        status = rv__session_agree(s, rv__session_fail(s, RV_EPARSE,
                                   "the log in '%s' has lost batch %" PRIu64
                                   ": every replica of it is missing or damaged, and later batches follow it",
                                   log->dir, after + n_good + 1));
    if (status == RV_OK && n_good < f.n) {
        /* A torn last record: never acknowledged, so it is cut off everywhere. */
        char reason[512];
        for (size_t k = 0; k < list.n; k++)
            rv__wal_remove(list.paths[k], after + f.n, reason, sizeof reason);
        if (s->rank == 0)
            rv__log(s, RV_LOG_WARN, "log: batch %" PRIu64 " was not logged completely (never acknowledged): cut off",
                    after + f.n);
    }
    if (status == RV_OK)
        status = gather_records(s, &f, holder, n_good, records);
    if (status == RV_OK)
        status = rv__comm_bcast_buffer(s, 0, records);
    if (status == RV_OK)
        status = repair_records(log, s, &f, records, n_good);
    if (status == RV_OK)
        log->last = after + n_good;
    if (s->rank != 0)
        records->size = 0;
    storages_destroy(&list);
    found_destroy(&f);
    free(holder);
    return status;
}

int rv__stream_log_forget(rv__stream_log *log, rv_session *s, uint64_t upto)
{
    uint64_t *sequences;
    size_t n;
    char reason[512];
    int status = rv__wal_list(log->storage, &sequences, &n);
    for (size_t i = 0; status == RV_OK && i < n && sequences[i] <= upto; i++)
        if (rv__wal_remove(log->storage, sequences[i], reason, sizeof reason) != RV_OK)
            rv__log(s, RV_LOG_WARN, "log: %s", reason);
    free(sequences);
    return rv__session_agree(s, status == RV_OK ? RV_OK : rv__session_fail(s, status, "out of memory"));
}
