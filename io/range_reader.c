/* range_reader.c — reads part k of n of a plain text file as blocks of whole lines, with pread. */
#define _POSIX_C_SOURCE 200809L

#include "textio.h"

#include "crc32c.h"

#include "rivulet.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Scanning for a line boundary reads this much at a time: a boundary is usually
 * within a few bytes, and a small read keeps the cost of opening a part low. */
#define SCAN_CHUNK_BYTES 16384

struct rv__range_reader {
    int fd;
    char *path;             /* for error messages */
    uint64_t begin;         /* first byte of the part */
    uint64_t stop;          /* one past its last byte: a line start, or the file size */
    uint64_t pos;           /* the next byte to read from the file */
    bool ends_with_newline; /* whether byte stop-1 is '\n' (false for an empty part) */
    char *buffer;           /* capacity + 1 bytes: room for the '\n' supplied at end of file */
    size_t capacity;        /* grows past block_bytes only while one line does not fit */
    size_t block_bytes;     /* how much one block holds when its lines are short */
    size_t returned; /* bytes at the start of buffer handed out by the last next() */
    size_t carry;    /* bytes after them: the beginning of a line not yet complete */
    uint32_t crc;          /* CRC-32C of all the text handed out so far */
    uint64_t crc_bytes;    /* and its length */
};

static void set_error(char *error, size_t error_capacity, const char *format, ...)
{
    if (error == NULL || error_capacity == 0)
        return;
    va_list args;
    va_start(args, format);
    vsnprintf(error, error_capacity, format, args);
    va_end(args);
}

/* Reads up to @p length bytes at @p offset, retrying short reads, so that fewer bytes
 * than asked means end of file. Returns the count, or -1 with errno set. */
static ssize_t read_at(int fd, char *buffer, size_t length, uint64_t offset)
{
    size_t got = 0;
    while (got < length) {
        ssize_t r = pread(fd, buffer + got, length - got, (off_t)(offset + got));
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* Reads exactly @p length bytes at the reader's position into @p buffer. The range
 * was measured when the file was opened, so a short read means the file shrank
 * under us: an error, not an end. */
static int read_exactly(const rv__range_reader *reader, char *buffer, size_t length, char *error,
                        size_t error_capacity)
{
    ssize_t got = read_at(reader->fd, buffer, length, reader->pos);
    if (got < 0) {
        set_error(error, error_capacity, "cannot read '%s': %s", reader->path, strerror(errno));
        return RV_EIO;
    }
    if ((size_t)got < length) {
        set_error(error, error_capacity, "cannot read '%s': the file became shorter while reading", reader->path);
        return RV_EIO;
    }
    return RV_OK;
}

int rv__open_regular_file(const char *path, int *fd_out, uint64_t *size, char *error, size_t error_capacity)
{
    struct stat st;
    /* O_NONBLOCK so that opening a FIFO by mistake fails below instead of hanging;
     * it changes nothing for regular files. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0) {
        set_error(error, error_capacity, "cannot open '%s': %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return RV_EIO;
    }
    if (!S_ISREG(st.st_mode)) {
        set_error(error, error_capacity, "cannot open '%s': %s", path,
                  S_ISDIR(st.st_mode) ? strerror(EISDIR) : "not a regular file");
        close(fd);
        return RV_EIO;
    }
    *fd_out = fd;
    *size = (uint64_t)st.st_size;
    return RV_OK;
}

/* The first line start at or past @p offset: @p offset itself when it is 0 or the byte
 * before it is '\n', else the byte after the next '\n', else the file size. Part k
 * begins at line_start(k*size/n), so part k ends exactly where part k+1 begins. */
static int line_start(const rv__range_reader *reader, uint64_t offset, uint64_t size, uint64_t *out,
                      char *error, size_t error_capacity)
{
    char chunk[SCAN_CHUNK_BYTES];
    int status = RV_OK;
    uint64_t at;

    if (offset == 0 || offset >= size) {
        *out = offset == 0 ? 0 : size;
        goto done;
    }
    at = offset - 1;
    *out = size;
    while (at < size) {
        size_t want = size - at < sizeof chunk ? (size_t)(size - at) : sizeof chunk;
        ssize_t got = read_at(reader->fd, chunk, want, at);
        if (got < 0) {
            set_error(error, error_capacity, "cannot read '%s': %s", reader->path, strerror(errno));
            status = RV_EIO;
            goto done;
        }
        if (got == 0)
            break; /* the file shrank; the reader will notice when it reads */
        const char *nl = memchr(chunk, '\n', (size_t)got);
        if (nl != NULL) {
            *out = at + (uint64_t)(nl - chunk) + 1;
            break;
        }
        at += (uint64_t)got;
    }
done:
    return status;
}

/* k * size / n without overflowing 64 bits (k < n, so k * (size % n) < n * n < 2^62). */
static uint64_t split_offset(uint64_t size, int k, int n)
{
    uint64_t q = size / (uint64_t)n, r = size % (uint64_t)n;
    return (uint64_t)k * q + (uint64_t)k * r / (uint64_t)n;
}

int rv__range_reader_open(const char *path, int part, int n_parts, size_t block_bytes,
                          rv__range_reader **out, char *error, size_t error_capacity)
{
    rv__range_reader *reader = NULL;
    int status = RV_OK;

    *out = NULL;
    if (path == NULL || n_parts < 1 || part < 0 || part >= n_parts || block_bytes == 0 ||
        block_bytes > SIZE_MAX / 2) {
        set_error(error, error_capacity, "invalid range reader arguments (part %d of %d, %zu-byte blocks)",
                  part, n_parts, block_bytes);
        status = RV_EINVAL;
        goto done;
    }
    reader = calloc(1, sizeof *reader);
    if (reader != NULL)
        reader->fd = -1;
    if (reader == NULL || (reader->path = strdup(path)) == NULL ||
        (reader->buffer = malloc(block_bytes + 1)) == NULL) {
        set_error(error, error_capacity, "out of memory opening '%s'", path);
        status = RV_ENOMEM;
        goto done;
    }
    reader->capacity = block_bytes;
    reader->block_bytes = block_bytes;
    uint64_t size = 0;
    status = rv__open_regular_file(path, &reader->fd, &size, error, error_capacity);
    if (status != RV_OK)
        goto done;

    status = line_start(reader, split_offset(size, part, n_parts), size, &reader->begin, error, error_capacity);
    if (status != RV_OK)
        goto done;
    status = line_start(reader, part + 1 == n_parts ? size : split_offset(size, part + 1, n_parts), size,
                        &reader->stop, error, error_capacity);
    if (status != RV_OK)
        goto done;
    if (reader->stop < reader->begin)
        reader->stop = reader->begin; /* only if the file changed between the two scans */
    reader->pos = reader->begin;

    /* Only the last line of the file can lack its '\n'; knowing it now lets
     * count_remaining_lines() count that line without reading it twice. */
    if (reader->stop > reader->begin) {
        char last;
        ssize_t got = read_at(reader->fd, &last, 1, reader->stop - 1);
        if (got < 0) {
            set_error(error, error_capacity, "cannot read '%s': %s", path, strerror(errno));
            status = RV_EIO;
            goto done;
        }
        reader->ends_with_newline = got == 1 && last == '\n';
    }

done:
    if (status != RV_OK)
        rv__range_reader_close(&reader);
    *out = reader;
    return status;
}

/* Fills the buffer after the carried partial line up to a limit of block_bytes and
 * hands out everything up to the last '\n' in it. While one line does not fit, the
 * limit doubles (and the buffer with it); the next call starts from block_bytes again,
 * so one long line does not make every later block long. */
int rv__range_reader_next(rv__range_reader *reader, const char **text, size_t *length, char *error,
                          size_t error_capacity)
{
    int status = RV_OK;
    size_t used, scanned, limit = reader->block_bytes;

    *text = reader->buffer;
    *length = 0;
    if (reader->carry > 0 && reader->returned > 0)
        memmove(reader->buffer, reader->buffer + reader->returned, reader->carry);
    used = reader->carry;
    scanned = used; /* the carried bytes hold no '\n' */
    reader->returned = 0;
    reader->carry = 0;

    while (limit <= used)
        limit *= 2; /* cannot overflow: used is below the capacity the last call reached */

    for (;;) {
        if (limit > reader->capacity) {
            char *grown = realloc(reader->buffer, limit + 1);
            if (grown == NULL) {
                set_error(error, error_capacity, "'%s': out of memory for a line of more than %zu bytes",
                          reader->path, used);
                status = RV_ENOMEM;
                goto done;
            }
            reader->buffer = grown;
            reader->capacity = limit;
        }
        if (used < limit && reader->pos < reader->stop) {
            size_t room = limit - used;
            size_t want = reader->stop - reader->pos < room ? (size_t)(reader->stop - reader->pos) : room;
            status = read_exactly(reader, reader->buffer + used, want, error, error_capacity);
            if (status != RV_OK)
                goto done;
            used += want;
            reader->pos += want;
        }

        if (reader->pos == reader->stop) {
            /* The part ends at a line boundary, so everything left is whole lines;
             * only the file's very last line may need its '\n'. */
            if (used > 0 && reader->buffer[used - 1] != '\n')
                reader->buffer[used++] = '\n';
            reader->returned = used;
            break;
        }

        size_t last = used;
        while (last > scanned && reader->buffer[last - 1] != '\n')
            last--;
        if (last > scanned) {
            reader->returned = last;
            reader->carry = used - last;
            break;
        }
        scanned = used;

        /* One line is longer than the limit: double it and read on. */
        if (limit > SIZE_MAX / 4) {
            set_error(error, error_capacity, "'%s': a line is too long", reader->path);
            status = RV_ENOMEM;
            goto done;
        }
        limit *= 2;
    }
    *text = reader->buffer;
    *length = reader->returned;
    reader->crc = rv__crc32c(reader->crc, reader->buffer, reader->returned);
    reader->crc_bytes += reader->returned;
done:
    return status;
}

int rv__range_reader_count_remaining_lines(rv__range_reader *reader, uint64_t *n_lines, char *error,
                                           size_t error_capacity)
{
    int status = RV_OK;
    uint64_t count = 0;
    bool any = reader->carry > 0;

    /* The carried bytes are a line start without its '\n'; only the file bytes still
     * unread can hold newlines. The buffer is free for scanning once the carry is counted. */
    while (reader->pos < reader->stop) {
        size_t want = reader->stop - reader->pos < reader->capacity ? (size_t)(reader->stop - reader->pos)
                                                                    : reader->capacity;
        status = read_exactly(reader, reader->buffer, want, error, error_capacity);
        if (status != RV_OK)
            goto done;
        const char *p = reader->buffer, *end = reader->buffer + want;
        while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
            count++;
            p++;
        }
        reader->pos += want;
        any = true;
    }
    if (any && !reader->ends_with_newline)
        count++;
done:
    /* Whatever happened, the part is used up: next() now reports its end. */
    reader->pos = reader->stop;
    reader->returned = 0;
    reader->carry = 0;
    *n_lines = count;
    return status;
}

uint64_t rv__range_reader_part_bytes(const rv__range_reader *reader)
{
    return reader->stop - reader->begin;
}

void rv__range_reader_checksum(const rv__range_reader *reader, uint32_t *crc, uint64_t *bytes)
{
    *crc = reader->crc;
    *bytes = reader->crc_bytes;
}

void rv__range_reader_close(rv__range_reader **reader)
{
    if (reader == NULL || *reader == NULL)
        return;
    rv__range_reader *r = *reader;
    if (r->fd >= 0)
        close(r->fd);
    free(r->buffer);
    free(r->path);
    free(r);
    *reader = NULL;
}
