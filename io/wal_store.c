/* wal_store.c — the stream's log records as files in a storage directory: written durably, read back verified, listed and removed (see wal.h). */
#define _POSIX_C_SOURCE 200809L

#include "wal.h"

#include "crc32c.h"
#include "rivulet.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RECORD_MAGIC "RVLG"
enum { RECORD_VERSION = 1 };

/* What precedes the payload in a record file. The CRC covers the header (with crc
 * zero) and the payload, so a record cut short or damaged anywhere fails it. */
typedef struct record_header {
    char magic[4];
    uint32_t version;
    uint64_t sequence;
    uint64_t bytes;
    uint32_t identity;
    uint32_t crc;
} record_header;

static uint32_t record_crc(record_header h, const void *payload)
{
    h.crc = 0;
    return rv__crc32c(rv__crc32c(0, &h, sizeof h), payload, (size_t)h.bytes);
}

int rv__wal_record_path(const char *storage, uint64_t sequence, char *out)
{
    int n = snprintf(out, RV__STORE_PATH_MAX, "%s/log-%012" PRIu64 ".rec", storage, sequence);
    return n > 0 && n < RV__STORE_PATH_MAX ? RV_OK : RV_ELIMIT;
}

int rv__wal_write(const char *storage, uint64_t sequence, uint32_t identity, const void *payload, size_t bytes,
                  bool torn, char *error, size_t error_capacity)
{
    char path[RV__STORE_PATH_MAX];
    if (rv__wal_record_path(storage, sequence, path) != RV_OK) {
        snprintf(error, error_capacity, "path too long in '%.400s'", storage);
        return RV_ELIMIT;
    }
    record_header h = {.version = RECORD_VERSION, .sequence = sequence, .bytes = bytes,
                       .identity = identity};
    memcpy(h.magic, RECORD_MAGIC, 4);
    h.crc = record_crc(h, payload);
    unsigned char *file = malloc(sizeof h + bytes);
    if (!file) {
        snprintf(error, error_capacity, "out of memory logging batch %" PRIu64, sequence);
        return RV_ENOMEM;
    }
    memcpy(file, &h, sizeof h);
    if (bytes)
        memcpy(file + sizeof h, payload, bytes);
    /* Written in place, not renamed: a crash leaves a file whose checksum fails, which
     * a resume recognises (and that batch was not acknowledged). */
    int status = rv__store_write_file(path, file, torn ? (sizeof h + bytes) / 2 : sizeof h + bytes, false, error,
                                      error_capacity);
    free(file);
    if (status == RV_OK && !torn)
        status = rv__store_fsync_dir(storage, error, error_capacity);
    return status;
}

rv__replica_state rv__wal_read(const char *storage, uint64_t sequence, void **payload, size_t *bytes,
                               uint32_t *identity, char *why, size_t why_capacity)
{
    char path[RV__STORE_PATH_MAX], reason[RV__STORE_PATH_MAX + 128];
    *payload = NULL;
    *bytes = 0;
    if (rv__wal_record_path(storage, sequence, path) != RV_OK) {
        snprintf(why, why_capacity, "path too long in '%.400s'", storage);
        return RV__REPLICA_UNREADABLE;
    }
    if (access(path, F_OK) != 0) {
        snprintf(why, why_capacity, "%s: missing", path);
        return RV__REPLICA_MISSING;
    }
    char *data = NULL;
    size_t n = 0;
    if (rv__store_read_file(path, &data, &n, reason, sizeof reason) != RV_OK) {
        snprintf(why, why_capacity, "%s", reason);
        return RV__REPLICA_UNREADABLE;
    }
    record_header h;
    bool intact = n >= sizeof h;
    if (intact) {
        memcpy(&h, data, sizeof h);
        intact = memcmp(h.magic, RECORD_MAGIC, 4) == 0 && h.version == RECORD_VERSION && h.sequence == sequence &&
                 h.bytes == n - sizeof h && record_crc(h, data + sizeof h) == h.crc;
    }
    if (!intact) {
        free(data);
        snprintf(why, why_capacity, "%s: corrupt (cut short or damaged: its checksum fails)", path);
        return RV__REPLICA_CORRUPT;
    }
    memmove(data, data + sizeof h, (size_t)h.bytes);
    *payload = data;
    *bytes = (size_t)h.bytes;
    *identity = h.identity;
    return RV__REPLICA_OK;
}

static int ascending(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int rv__wal_list(const char *storage, uint64_t **sequences, size_t *n)
{
    *sequences = NULL;
    *n = 0;
    DIR *dir = opendir(storage);
    if (!dir)
        return RV_OK;
    size_t capacity = 0;
    int status = RV_OK;
    struct dirent *e;
    while (status == RV_OK && (e = readdir(dir)) != NULL) {
        unsigned long long sequence;
        int used = 0;
        if (sscanf(e->d_name, "log-%12llu.rec%n", &sequence, &used) != 1 || e->d_name[used] != '\0' ||
            strlen(e->d_name) != 20)
            continue;
        if (*n == capacity) {
            capacity = capacity ? 2 * capacity : 64;
            uint64_t *grown = realloc(*sequences, capacity * sizeof *grown);
            if (!grown) {
                status = RV_ENOMEM;
                break;
            }
            *sequences = grown;
        }
        (*sequences)[(*n)++] = sequence;
    }
    closedir(dir);
    if (status != RV_OK) {
        free(*sequences);
        *sequences = NULL;
        *n = 0;
        return status;
    }
    if (*n > 1)
        qsort(*sequences, *n, sizeof **sequences, ascending);
    return RV_OK;
}

int rv__wal_remove(const char *storage, uint64_t sequence, char *error, size_t error_capacity)
{
    char path[RV__STORE_PATH_MAX];
    if (rv__wal_record_path(storage, sequence, path) != RV_OK)
        return RV_ELIMIT;
    if (unlink(path) != 0 && errno != ENOENT) {
        snprintf(error, error_capacity, "cannot remove '%s': %s", path, strerror(errno));
        return RV_EIO;
    }
    return RV_OK;
}
