/* store.c — the chunk store on its own, for `rivulet store`: listing committed checkpoints, checking and repairing their replicas, removing old ones. Local; no MPI. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chunkstore.h"
#include "rivulet.h"

typedef struct store_entry {
    rv_store_checkpoint info;
    rv__manifest m;
    char *text; /* an intact copy of the manifest, to restore lost copies verbatim */
    size_t text_length;
} store_entry;

struct rv_store {
    rv__store_pattern pattern;
    store_entry *entries; /* newest first */
    size_t n;
};

static void entry_destroy(store_entry *e)
{
    rv__manifest_destroy(&e->m);
    free(e->text);
}

int rv_store_open(const char *dir, rv_store **out, char *error, size_t error_capacity)
{
    *out = NULL;
    rv_store *store = calloc(1, sizeof *store);
    rv__manifest_copy *copies = NULL;
    size_t n_copies = 0;
    int status = store ? rv__store_pattern_init(&store->pattern, dir, error, error_capacity) : RV_ENOMEM;
    if (status == RV_OK)
        status = rv__store_list_manifests(&store->pattern, &copies, &n_copies);
    if (status == RV_OK) {
        store->entries = calloc(n_copies + 1, sizeof *store->entries);
        if (!store->entries)
            status = RV_ENOMEM;
    }
    /* One entry per superstep with at least one intact manifest copy. */
    for (size_t i = 0; status == RV_OK && i < n_copies;) {
        size_t j = i;
        store_entry e = {0};
        int intact = 0;
        for (; j < n_copies && copies[j].superstep == copies[i].superstep; j++) {
            char path[RV__STORE_PATH_MAX];
            rv__manifest m;
            char *text;
            size_t length;
            if (rv__store_manifest_path(copies[j].storage, copies[j].superstep, path) != RV_OK ||
                rv__manifest_load(path, &m, &text, &length, NULL, 0) != RV_OK)
                continue;
            if (intact++ == 0) {
                e.m = m;
                e.text = text;
                e.text_length = length;
            } else {
                rv__manifest_destroy(&m);
                free(text);
            }
        }
        if (intact > 0) {
            const char *program = rv__manifest_get(&e.m, "program");
            e.info = (rv_store_checkpoint){.superstep = e.m.superstep, .program = program ? program : "?",
                                           .ranks = e.m.n_ranks, .replicas = e.m.replicas, .chunks = e.m.n_chunks,
                                           .unix_time = e.m.unix_time, .manifest_copies = intact};
            for (uint32_t f = 0; f < e.m.n_files; f++)
                e.info.bytes += e.m.file_bytes[f];
            store->entries[store->n++] = e;
        }
        i = j;
    }
    rv__store_manifest_copies_free(copies, n_copies);
    if (status == RV_ENOMEM && error && error_capacity)
        snprintf(error, error_capacity, "out of memory");
    if (status != RV_OK) {
        rv_store_free(&store);
        return status;
    }
    *out = store;
    return RV_OK;
}

void rv_store_free(rv_store **handle)
{
    rv_store *store = handle ? *handle : NULL;
    if (!store)
        return;
    for (size_t i = 0; i < store->n; i++)
        entry_destroy(&store->entries[i]);
    free(store->entries);
    rv__store_pattern_destroy(&store->pattern);
    free(store);
    *handle = NULL;
}

size_t rv_store_count(const rv_store *store) { return store->n; }

const rv_store_checkpoint *rv_store_get(const rv_store *store, size_t index)
{
    return index < store->n ? &store->entries[index].info : NULL;
}

/* ---- Checking ------------------------------------------------------------------------- */

typedef struct reporter {
    void (*report)(const char *line, void *arg);
    void *arg;
} reporter;

static void say(const reporter *r, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void say(const reporter *r, const char *format, ...)
{
    if (!r->report)
        return;
    char line[RV__STORE_PATH_MAX + 512];
    va_list ap;
    va_start(ap, format);
    vsnprintf(line, sizeof line, format, ap);
    va_end(ap);
    r->report(line, r->arg);
}

static int replica_path(const rv_store *store, const rv__manifest *m, const rv__store_chunk *c, int t, char *out)
{
    char storage[RV__STORE_PATH_MAX];
    int status = rv__store_storage_dir(&store->pattern, t, m->hosts[t], storage);
    return status == RV_OK ? rv__store_replica_path(storage, m->superstep, c->file, c->index, out) : status;
}

/* Re-creates the replicas of chunk @p c marked in @p bad from replica @p good. */
static int repair_chunk(const rv_store *store, const rv__manifest *m, const rv__store_chunk *c, uint32_t good,
                        uint64_t bad, rv_store_health *h, const reporter *rep)
{
    char path[RV__STORE_PATH_MAX], why[512];
    unsigned char *data = malloc(c->bytes ? c->bytes : 1);
    if (!data)
        return RV_ENOMEM;
    if (replica_path(store, m, c, c->replica[good], path) != RV_OK ||
        rv__store_read_replica(path, c, data, why, sizeof why) != RV__REPLICA_OK) {
        say(rep, "superstep %" PRIu64 ": chunk %" PRIu32 " of rank %" PRIu32 "'s state: the intact replica changed "
                 "while being repaired: %s", m->superstep, c->index, c->file, path);
        free(data);
        return RV_EIO;
    }
    int status = RV_OK;
    for (uint32_t j = 0; j < c->n_replicas && status == RV_OK; j++) {
        if (!(bad >> j & 1))
            continue;
        char storage[RV__STORE_PATH_MAX], directory[RV__STORE_PATH_MAX];
        status = rv__store_storage_dir(&store->pattern, c->replica[j], m->hosts[c->replica[j]], storage);
        if (status == RV_OK)
            status = rv__store_checkpoint_dir(storage, m->superstep, directory);
        if (status == RV_OK)
            status = replica_path(store, m, c, c->replica[j], path);
        if (status == RV_OK)
            status = rv__store_mkdirs(directory, why, sizeof why);
        if (status == RV_OK)
            status = rv__store_write_file(path, data, (size_t)c->bytes, true, why, sizeof why);
        if (status == RV_OK) {
            h->replicas_repaired++;
            say(rep, "superstep %" PRIu64 ": chunk %" PRIu32 " of rank %" PRIu32 "'s state: re-created the replica "
                     "on rank %" PRId32 "'s storage: %s", m->superstep, c->index, c->file, c->replica[j], path);
        } else {
            say(rep, "superstep %" PRIu64 ": chunk %" PRIu32 " of rank %" PRIu32 "'s state: cannot re-create the "
                     "replica on rank %" PRId32 "'s storage: %s", m->superstep, c->index, c->file, c->replica[j], why);
        }
    }
    free(data);
    return status;
}

/* Every rank's storage should hold an intact copy of the manifest. */
static int check_manifest_copies(rv_store *store, const store_entry *e, bool repair, rv_store_health *h,
                                 const reporter *rep)
{
    int status = RV_OK;
    for (int t = 0; t < e->m.n_ranks; t++) {
        char storage[RV__STORE_PATH_MAX], path[RV__STORE_PATH_MAX], why[1024];
        rv__manifest m;
        if (rv__store_storage_dir(&store->pattern, t, e->m.hosts[t], storage) != RV_OK ||
            rv__store_manifest_path(storage, e->m.superstep, path) != RV_OK)
            continue;
        if (rv__manifest_load(path, &m, NULL, NULL, why, sizeof why) == RV_OK) {
            rv__manifest_destroy(&m);
            continue;
        }
        h->manifests_missing++;
        say(rep, "superstep %" PRIu64 ": rank %d's storage has no intact manifest: %s", e->m.superstep, t, why);
        if (!repair)
            continue;
        if (rv__store_mkdirs(storage, why, sizeof why) == RV_OK &&
            rv__store_write_file(path, e->text, e->text_length, true, why, sizeof why) == RV_OK)
            say(rep, "superstep %" PRIu64 ": re-created the manifest on rank %d's storage: %s", e->m.superstep, t, path);
        else {
            say(rep, "superstep %" PRIu64 ": cannot re-create the manifest on rank %d's storage: %s", e->m.superstep,
                t, why);
            status = RV_EIO;
        }
    }
    return status;
}

int rv_store_check(rv_store *store, size_t index, unsigned flags, rv_store_health *health,
                   void (*report)(const char *line, void *arg), void *arg)
{
    *health = (rv_store_health){0};
    if (index >= store->n)
        return RV_EINVAL;
    const store_entry *e = &store->entries[index];
    const rv__manifest *m = &e->m;
    const reporter rep = {report, arg};
    const bool verify = flags & RV_STORE_VERIFY, repair = flags & RV_STORE_REPAIR;
    int status = RV_OK;
    for (size_t i = 0; i < m->n_chunks; i++) {
        const rv__store_chunk *c = &m->chunks[i];
        uint64_t bad = 0;
        uint32_t good = 0, first_good = 0;
        for (uint32_t j = 0; j < c->n_replicas; j++) {
            char path[RV__STORE_PATH_MAX], why[256] = "";
            rv__replica_state state = RV__REPLICA_UNREADABLE;
            health->replicas_expected++;
            if (replica_path(store, m, c, c->replica[j], path) == RV_OK)
                state = rv__store_check_replica(path, c, verify, why, sizeof why);
            if (state == RV__REPLICA_OK) {
                if (good++ == 0)
                    first_good = j;
                health->replicas_ok++;
                continue;
            }
            bad |= UINT64_C(1) << j;
            if (state == RV__REPLICA_MISSING)
                health->replicas_missing++;
            else
                health->replicas_damaged++;
            say(&rep, "superstep %" PRIu64 ": chunk %" PRIu32 " of rank %" PRIu32 "'s state: the replica on rank %" PRId32
                      "'s storage is %s (%s): %s",
                m->superstep, c->index, c->file, c->replica[j], rv__replica_state_name(state), why, path);
        }
        if (good == 0) {
            health->chunks_lost++;
            say(&rep, "superstep %" PRIu64 ": chunk %" PRIu32 " of rank %" PRIu32 "'s state is LOST: no intact replica",
                m->superstep, c->index, c->file);
        } else if (bad) {
            health->chunks_degraded++;
            if (repair) {
                int st = repair_chunk(store, m, c, first_good, bad, health, &rep);
                if (st != RV_OK && status == RV_OK)
                    status = st;
            }
        }
    }
    int st = check_manifest_copies(store, e, repair, health, &rep);
    return status != RV_OK ? status : st;
}

/* ---- Removing old checkpoints ----------------------------------------------------------- */

typedef struct sweep {
    const rv_store *store;
    size_t keep;
    uint64_t newest; /* superstep of the newest committed checkpoint */
    bool any;
    const reporter *rep;
    uint64_t *doomed; /* supersteps found in this storage to remove */
    size_t n_doomed, capacity;
    bool failed;
    int status;
} sweep;

/* Whether a checkpoint entry found on disk should go: committed but beyond the newest
 * `keep`, or never committed and older than the newest committed one (a newer one
 * may be a checkpoint being written right now). */
static bool doomed(const sweep *w, uint64_t superstep)
{
    for (size_t i = 0; i < w->store->n; i++)
        if (w->store->entries[i].info.superstep == superstep)
            return i >= w->keep;
    return w->any && superstep < w->newest;
}

static void note_entry(uint64_t superstep, bool is_manifest, void *arg)
{
    (void)is_manifest;
    sweep *w = arg;
    if (w->failed || !doomed(w, superstep))
        return;
    for (size_t i = 0; i < w->n_doomed; i++)
        if (w->doomed[i] == superstep)
            return;
    if (w->n_doomed == w->capacity) {
        size_t grown = w->capacity ? 2 * w->capacity : 16;
        uint64_t *d = realloc(w->doomed, grown * sizeof *d);
        if (!d) {
            w->failed = true;
            return;
        }
        w->doomed = d;
        w->capacity = grown;
    }
    w->doomed[w->n_doomed++] = superstep;
}

static int sweep_storage(const char *storage, void *arg)
{
    sweep *w = arg;
    w->n_doomed = 0;
    rv__store_scan_storage(storage, note_entry, w);
    for (size_t i = 0; i < w->n_doomed; i++) {
        char why[1024];
        if (rv__store_remove_checkpoint(storage, w->doomed[i], why, sizeof why) == RV_OK)
            say(w->rep, "removed superstep %" PRIu64 " from %s", w->doomed[i], storage);
        else {
            say(w->rep, "cannot remove superstep %" PRIu64 " from %s: %s", w->doomed[i], storage, why);
            w->status = RV_EIO;
        }
    }
    return 0;
}

int rv_store_remove_old(rv_store *store, size_t keep, void (*report)(const char *line, void *arg), void *arg)
{
    if (keep < 1)
        return RV_EINVAL;
    const reporter rep = {report, arg};
    sweep w = {.store = store, .keep = keep, .rep = &rep, .any = store->n > 0,
               .newest = store->n ? store->entries[0].info.superstep : 0};
    /* Every storage directory the pattern matches, so that the storage of ranks a
     * later, smaller job no longer has is cleaned too. */
    rv__store_find_storage(&store->pattern, sweep_storage, &w);
    free(w.doomed);
    if (w.failed)
        return RV_ENOMEM;
    for (size_t i = keep; i < store->n; i++)
        entry_destroy(&store->entries[i]);
    if (store->n > keep)
        store->n = keep;
    return w.status;
}
