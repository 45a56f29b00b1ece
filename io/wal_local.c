/* wal_local.c — the placeholder write-ahead log: one file in a local directory, a CRC per record, fsync after appends (see wal.h).
 *
 * File DIR/updates.wal is a sequence of records, each a header (magic, payload
 * length, sequence number, CRC32C of sequence and payload) followed by the payload.
 * A record is complete once its bytes and the header's CRC agree; opening the log
 * cuts off an incomplete last record, which no one was told about.
 */
#define _POSIX_C_SOURCE 200809L

#include "wal.h"

#include "rivulet.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WAL_MAGIC UINT32_C(0x4c575652) /* "RVWL" */

typedef struct record_header {
    uint32_t magic;
    uint32_t bytes;
    uint64_t sequence;
    uint32_t crc;
    uint32_t pad;
} record_header;

struct rv__wal {
    int fd;
    uint64_t end;           /* where the next record goes */
    uint64_t last_sequence; /* 0: empty */
    char path[4096];
};

static int fail(char *error, size_t capacity, int status, const char *format, ...) __attribute__((format(printf, 4, 5)));
static int fail(char *error, size_t capacity, int status, const char *format, ...)
{
    if (error && capacity) {
        va_list args;
        va_start(args, format);
        vsnprintf(error, capacity, format, args);
        va_end(args);
    }
    return status;
}

/* CRC32C (Castagnoli), bytewise from a table built on first use. */
static uint32_t crc32c(uint32_t crc, const void *data, size_t n)
{
    static uint32_t table[256];
    static bool ready;
    if (!ready) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1 ? (c >> 1) ^ UINT32_C(0x82f63b78) : c >> 1;
            table[i] = c;
        }
        ready = true;
    }
    const unsigned char *p = data;
    crc = ~crc;
    while (n--)
        crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static uint32_t record_crc(uint64_t sequence, const void *payload, size_t bytes)
{
    return crc32c(crc32c(0, &sequence, sizeof sequence), payload, bytes);
}

/* Reads exactly @p n bytes at @p offset; false at end of file or on error. */
static bool read_at(int fd, void *buffer, size_t n, uint64_t offset)
{
    unsigned char *p = buffer;
    while (n > 0) {
        ssize_t got = pread(fd, p, n, (off_t)offset);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return false;
        p += got;
        n -= (size_t)got;
        offset += (uint64_t)got;
    }
    return true;
}

/* Whether bytes [at, size) of the log are all zero: what a file system may leave of
 * a write that a crash interrupted. */
static bool zeros_to_end(int fd, uint64_t at, uint64_t size)
{
    unsigned char block[4096];
    while (at < size) {
        size_t n = size - at < sizeof block ? (size_t)(size - at) : sizeof block;
        if (!read_at(fd, block, n, at))
            return false;
        for (size_t i = 0; i < n; i++)
            if (block[i])
                return false;
        at += n;
    }
    return true;
}

/* How a scan of the log ended. */
typedef enum { LOG_COMPLETE, LOG_TORN_TAIL, LOG_DAMAGED } log_state;

/* Walks the records from the start; *end is where the last complete one ends. A
 * record that is incomplete or fails its CRC and reaches the end of the file (or is
 * followed only by zeros) is a torn last append; any other bad record means the log
 * is damaged. With @p visit, calls it for the complete records after @p after. */
static int scan(rv__wal *wal, uint64_t after, int (*visit)(uint64_t, const void *, size_t, void *), void *arg,
                uint64_t *end, uint64_t *last_sequence, log_state *state)
{
    struct stat st;
    if (fstat(wal->fd, &st) != 0)
        return RV_EIO;
    uint64_t size = (uint64_t)st.st_size, at = 0, last = 0;
    unsigned char *payload = NULL;
    size_t capacity = 0;
    int status = RV_OK;
    *state = LOG_COMPLETE;
    while (at < size) {
        record_header h;
        if (size - at < sizeof h || !read_at(wal->fd, &h, sizeof h, at) || h.magic != WAL_MAGIC ||
            h.bytes > size - at - sizeof h) {
            bool tail = size - at < sizeof h || zeros_to_end(wal->fd, at, size) ||
                        (h.magic == WAL_MAGIC && h.bytes > size - at - sizeof h);
            *state = tail ? LOG_TORN_TAIL : LOG_DAMAGED;
            break;
        }
        if (h.bytes + 1 > capacity) {
            unsigned char *grown = realloc(payload, h.bytes + 1);
            if (!grown) {
                status = RV_ENOMEM;
                break;
            }
            payload = grown;
            capacity = h.bytes + 1;
        }
        uint64_t next = at + sizeof h + h.bytes;
        if (!read_at(wal->fd, payload, h.bytes, at + sizeof h) || record_crc(h.sequence, payload, h.bytes) != h.crc ||
            h.sequence <= last) {
            *state = next == size || zeros_to_end(wal->fd, next, size) ? LOG_TORN_TAIL : LOG_DAMAGED;
            break;
        }
        if (visit && h.sequence > after && (status = visit(h.sequence, payload, h.bytes, arg)) != RV_OK)
            break;
        last = h.sequence;
        at = next;
    }
    free(payload);
    *end = at;
    *last_sequence = last;
    return status;
}

int rv__wal_open(const char *directory, rv__wal **out, char *error, size_t error_capacity)
{
    *out = NULL;
    if (mkdir(directory, 0777) != 0 && errno != EEXIST)
        return fail(error, error_capacity, RV_EIO, "cannot create the log directory '%s': %s", directory,
                    strerror(errno));
    rv__wal *wal = calloc(1, sizeof *wal);
    if (!wal)
        return fail(error, error_capacity, RV_ENOMEM, "out of memory opening the log");
    wal->fd = -1;
    int n = snprintf(wal->path, sizeof wal->path, "%s/updates.wal", directory);
    int status = RV_OK;
    if (n < 0 || (size_t)n >= sizeof wal->path) {
        status = fail(error, error_capacity, RV_EIO, "log directory name too long: '%s'", directory);
        goto done;
    }
    bool created = access(wal->path, F_OK) != 0;
    wal->fd = open(wal->path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (wal->fd < 0) {
        status = fail(error, error_capacity, RV_EIO, "cannot open the log '%s': %s", wal->path, strerror(errno));
        goto done;
    }
    if (created) {
        /* The new file's name must be durable too, or a crash could lose the log. */
        int dir = open(directory, O_RDONLY | O_CLOEXEC);
        if (dir >= 0) {
            fsync(dir);
            close(dir);
        }
    }
    log_state state;
    struct stat st;
    status = scan(wal, 0, NULL, NULL, &wal->end, &wal->last_sequence, &state);
    if (status == RV_OK && fstat(wal->fd, &st) != 0)
        status = RV_EIO;
    if (status != RV_OK) {
        status = fail(error, error_capacity, status, "cannot read the log '%s': %s", wal->path,
                      status == RV_ENOMEM ? "out of memory" : strerror(errno));
        goto done;
    }
    if (state == LOG_DAMAGED) {
        status = fail(error, error_capacity, RV_EPARSE,
                      "the log '%s' is damaged at byte %llu (a record in the middle fails its check)", wal->path,
                      (unsigned long long)wal->end);
    } else if (state == LOG_TORN_TAIL) {
        /* Appends are sequential and each is synced before it is acknowledged, so only
         * the last record can be incomplete, and no one was told it was kept. */
        if (ftruncate(wal->fd, (off_t)wal->end) != 0 || fsync(wal->fd) != 0)
            status = fail(error, error_capacity, RV_EIO, "cannot repair the log '%s': %s", wal->path,
                          strerror(errno));
    }
done:
    if (status != RV_OK) {
        rv__wal_close(&wal);
        return status;
    }
    *out = wal;
    return RV_OK;
}

uint64_t rv__wal_last_sequence(const rv__wal *wal) { return wal->last_sequence; }

int rv__wal_append(rv__wal *wal, uint64_t sequence, const void *record, size_t bytes, char *error,
                   size_t error_capacity)
{
    if (sequence <= wal->last_sequence || bytes > UINT32_MAX - sizeof(record_header))
        return fail(error, error_capacity, RV_EINVAL, "log record %llu out of order or too large",
                    (unsigned long long)sequence);
    record_header h = {.magic = WAL_MAGIC, .bytes = (uint32_t)bytes, .sequence = sequence,
                       .crc = record_crc(sequence, record, bytes)};
    struct iovec_like {
        const void *data;
        size_t n;
    } parts[2] = {{&h, sizeof h}, {record, bytes}};
    uint64_t at = wal->end;
    for (int k = 0; k < 2; k++) {
        const unsigned char *p = parts[k].data;
        size_t n = parts[k].n;
        while (n > 0) {
            ssize_t put = pwrite(wal->fd, p, n, (off_t)at);
            if (put < 0 && errno == EINTR)
                continue;
            if (put <= 0)
                return fail(error, error_capacity, RV_EIO, "cannot append to the log '%s': %s", wal->path,
                            put < 0 ? strerror(errno) : "no progress");
            p += put;
            n -= (size_t)put;
            at += (uint64_t)put;
        }
    }
    wal->end = at;
    wal->last_sequence = sequence;
    return RV_OK;
}

int rv__wal_sync(rv__wal *wal, char *error, size_t error_capacity)
{
    if (fdatasync(wal->fd) != 0)
        return fail(error, error_capacity, RV_EIO, "cannot make the log '%s' durable: %s", wal->path,
                    strerror(errno));
    return RV_OK;
}

int rv__wal_replay(rv__wal *wal, uint64_t after,
                   int (*visit)(uint64_t sequence, const void *record, size_t bytes, void *arg), void *arg,
                   char *error, size_t error_capacity)
{
    uint64_t end, last;
    log_state state;
    int status = scan(wal, after, visit, arg, &end, &last, &state);
    if (status == RV_EIO || status == RV_ENOMEM)
        return fail(error, error_capacity, status, "cannot read the log '%s'", wal->path);
    return status;
}

void rv__wal_close(rv__wal **handle)
{
    rv__wal *wal = handle ? *handle : NULL;
    if (!wal)
        return;
    if (wal->fd >= 0)
        close(wal->fd);
    free(wal);
    *handle = NULL;
}
