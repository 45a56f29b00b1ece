/* manifest.c — the manifest of a checkpoint: building it, its text form (closed by its own CRC-32C), and parsing it back strictly. */
#include "chunkstore.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "rivulet.h"

#define MAGIC "rivulet-manifest 1"

int rv__manifest_init(rv__manifest *m, int n_ranks, uint32_t n_files)
{
    *m = (rv__manifest){.n_ranks = n_ranks, .n_files = n_files};
    m->hosts = calloc((size_t)n_ranks + 1, sizeof *m->hosts);
    m->file_bytes = calloc((size_t)n_files + 1, sizeof *m->file_bytes);
    if (!m->hosts || !m->file_bytes) {
        rv__manifest_destroy(m);
        return RV_ENOMEM;
    }
    return RV_OK;
}

void rv__manifest_destroy(rv__manifest *m)
{
    for (int r = 0; m->hosts && r < m->n_ranks; r++)
        free(m->hosts[r]);
    free(m->hosts);
    free(m->file_bytes);
    free(m->chunks);
    for (size_t i = 0; i < m->n_attributes; i++) {
        free(m->keys[i]);
        free(m->values[i]);
    }
    free(m->keys);
    free(m->values);
    *m = (rv__manifest){0};
}

/* A copy of @p text that fits on one manifest line: line breaks become spaces, and
 * with @p one_word blanks become '_' too. */
static char *one_line(const char *text, bool one_word)
{
    char *copy = strdup(text ? text : "");
    for (char *c = copy; c && *c; c++)
        if (*c == '\n' || *c == '\r' || (one_word && (*c == ' ' || *c == '\t')))
            *c = one_word ? '_' : ' ';
    return copy;
}

int rv__manifest_set_host(rv__manifest *m, int rank, const char *host)
{
    char *copy = one_line(host && *host ? host : "unknown-host", true);
    if (!copy)
        return RV_ENOMEM;
    free(m->hosts[rank]);
    m->hosts[rank] = copy;
    return RV_OK;
}

int rv__manifest_set(rv__manifest *m, const char *key, const char *value)
{
    char *v = one_line(value, false);
    if (!v)
        return RV_ENOMEM;
    for (size_t i = 0; i < m->n_attributes; i++) {
        if (strcmp(m->keys[i], key) == 0) {
            free(m->values[i]);
            m->values[i] = v;
            return RV_OK;
        }
    }
    char **keys = realloc(m->keys, (m->n_attributes + 1) * sizeof *keys);
    if (keys)
        m->keys = keys;
    char **values = keys ? realloc(m->values, (m->n_attributes + 1) * sizeof *values) : NULL;
    if (values)
        m->values = values;
    char *k = values ? one_line(key, true) : NULL;
    if (!k) {
        free(v);
        return RV_ENOMEM;
    }
    m->keys[m->n_attributes] = k;
    m->values[m->n_attributes] = v;
    m->n_attributes++;
    return RV_OK;
}

const char *rv__manifest_get(const rv__manifest *m, const char *key)
{
    for (size_t i = 0; i < m->n_attributes; i++)
        if (strcmp(m->keys[i], key) == 0)
            return m->values[i];
    return NULL;
}

/* ---- Text ------------------------------------------------------------------------ */

typedef struct text_buffer {
    char *data;
    size_t length, capacity;
    bool failed;
} text_buffer;

static void append(text_buffer *t, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void append(text_buffer *t, const char *format, ...)
{
    if (t->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, format);
        int n = vsnprintf(t->data + t->length, t->capacity - t->length, format, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = true;
            return;
        }
        if ((size_t)n < t->capacity - t->length) {
            t->length += (size_t)n;
            return;
        }
        size_t capacity = (t->capacity + (size_t)n + 1) * 2;
        char *data = realloc(t->data, capacity);
        if (!data) {
            t->failed = true;
            return;
        }
        t->data = data;
        t->capacity = capacity;
    }
}

int rv__manifest_format(const rv__manifest *m, char **text, size_t *length)
{
    text_buffer t = {.data = malloc(4096), .capacity = 4096};
    if (!t.data)
        return RV_ENOMEM;
    t.data[0] = '\0';
    append(&t, MAGIC "\nsuperstep %" PRIu64 "\ntime %" PRId64 "\nranks %d\nreplicas %d\nchunk-bytes %" PRIu64
               "\nfiles %" PRIu32 "\n",
           m->superstep, m->unix_time, m->n_ranks, m->replicas, m->chunk_bytes, m->n_files);
    for (int r = 0; r < m->n_ranks; r++)
        append(&t, "host %d %s\n", r, m->hosts[r] ? m->hosts[r] : "unknown-host");
    for (size_t i = 0; i < m->n_attributes; i++)
        append(&t, "attr %s %s\n", m->keys[i], m->values[i]);
    size_t k = 0;
    for (uint32_t f = 0; f < m->n_files; f++) {
        size_t first = k;
        while (k < m->n_chunks && m->chunks[k].file == f)
            k++;
        append(&t, "file %" PRIu32 " bytes %" PRIu64 " chunks %zu\n", f, m->file_bytes[f], k - first);
        for (size_t i = first; i < k; i++) {
            const rv__store_chunk *c = &m->chunks[i];
            append(&t, "chunk %" PRIu32 " %" PRIu32 " offset %" PRIu64 " bytes %" PRIu64 " crc32c %08" PRIx32
                       " replicas",
                   c->file, c->index, c->offset, c->bytes, c->crc);
            for (uint32_t j = 0; j < c->n_replicas; j++)
                append(&t, " %" PRId32, c->replica[j]);
            append(&t, "\n");
        }
    }
    if (!t.failed)
        append(&t, "end crc32c %08" PRIx32 "\n", rv__crc32c(0, t.data, t.length));
    if (t.failed) {
        free(t.data);
        return RV_ENOMEM;
    }
    *text = t.data;
    *length = t.length;
    return RV_OK;
}

/* ---- Parsing ----------------------------------------------------------------------- */

typedef struct parser {
    const char *p, *end;
    uint64_t line;
    char *error;
    size_t error_capacity;
    bool failed;
} parser;

static int parse_fail(parser *ps, const char *format, ...) __attribute__((format(printf, 2, 3)));
static int parse_fail(parser *ps, const char *format, ...)
{
    if (!ps->failed && ps->error && ps->error_capacity) {
        int n = snprintf(ps->error, ps->error_capacity, "line %" PRIu64 ": ", ps->line);
        if (n > 0 && (size_t)n < ps->error_capacity) {
            va_list ap;
            va_start(ap, format);
            vsnprintf(ps->error + n, ps->error_capacity - (size_t)n, format, ap);
            va_end(ap);
        }
    }
    ps->failed = true;
    return RV_EPARSE;
}

/* The next line into @p line (NUL-terminated, without its '\n'). */
static bool next_line(parser *ps, char *line, size_t capacity)
{
    if (ps->failed || ps->p >= ps->end)
        return false;
    const char *nl = memchr(ps->p, '\n', (size_t)(ps->end - ps->p));
    size_t n = nl ? (size_t)(nl - ps->p) : (size_t)(ps->end - ps->p);
    ps->line++;
    if (!nl || n >= capacity) {
        parse_fail(ps, nl ? "line too long" : "no line end (the file is cut short)");
        return false;
    }
    memcpy(line, ps->p, n);
    line[n] = '\0';
    ps->p = nl + 1;
    return true;
}

/* Reads "KEY VALUE" with an unsigned integer value from the next line. */
static bool expect_u64(parser *ps, char *line, size_t capacity, const char *key, uint64_t *out)
{
    if (!next_line(ps, line, capacity)) {
        if (!ps->failed)
            parse_fail(ps, "missing '%s'", key);
        return false;
    }
    size_t k = strlen(key);
    char *end = NULL;
    if (strncmp(line, key, k) != 0 || line[k] != ' ' || line[k + 1] < '0' || line[k + 1] > '9') {
        parse_fail(ps, "expected '%s N'", key);
        return false;
    }
    *out = strtoull(line + k + 1, &end, 10);
    if (*end != '\0') {
        parse_fail(ps, "expected '%s N'", key);
        return false;
    }
    return true;
}

/* Parses the fields of a "chunk" line after the word "chunk". */
static bool parse_chunk(parser *ps, const char *fields, const rv__manifest *m, rv__store_chunk *c)
{
    unsigned long long file, index, offset, bytes;
    unsigned crc;
    int consumed = 0;
    *c = (rv__store_chunk){0};
    if (sscanf(fields, "%llu %llu offset %llu bytes %llu crc32c %8x replicas%n", &file, &index, &offset, &bytes,
               &crc, &consumed) != 5 || consumed == 0) {
        parse_fail(ps, "malformed chunk line");
        return false;
    }
    c->file = (uint32_t)file;
    c->index = (uint32_t)index;
    c->offset = offset;
    c->bytes = bytes;
    c->crc = crc;
    const char *p = fields + consumed;
    while (*p == ' ') {
        char *end;
        long r = strtol(p + 1, &end, 10);
        if (end == p + 1 || r < 0 || r >= m->n_ranks || c->n_replicas == RV__STORE_MAX_REPLICAS) {
            parse_fail(ps, "chunk %llu of file %llu: bad replica list", index, file);
            return false;
        }
        for (uint32_t j = 0; j < c->n_replicas; j++)
            if (c->replica[j] == (int32_t)r) {
                parse_fail(ps, "chunk %llu of file %llu: rank %ld named twice", index, file, r);
                return false;
            }
        c->replica[c->n_replicas++] = (int32_t)r;
        p = end;
    }
    if (*p != '\0' || c->n_replicas == 0) {
        parse_fail(ps, "chunk %llu of file %llu: bad replica list", index, file);
        return false;
    }
    return true;
}

int rv__manifest_parse(const char *text, size_t length, rv__manifest *out, char *error, size_t error_capacity)
{
    *out = (rv__manifest){0};
    parser ps = {.p = text, .end = text + length, .error = error, .error_capacity = error_capacity};
    char *line = malloc(RV__STORE_PATH_MAX * 2);
    rv__manifest m = {0};
    int status = RV_OK;
    size_t line_capacity = RV__STORE_PATH_MAX * 2;
    if (!line)
        return RV_ENOMEM;

    /* The closing line first: if the checksum fails, nothing else is worth reading. */
    const char *last = length >= 2 ? text + length - 2 : text;
    while (last > text && *last != '\n')
        last--;
    if (last > text)
        last++;
    unsigned crc = 0;
    int consumed = 0;
    if (length == 0 || text[length - 1] != '\n' || sscanf(last, "end crc32c %8x%n", &crc, &consumed) != 1 ||
        last + consumed != text + length - 1) {
        status = parse_fail(&ps, "no closing 'end crc32c' line: the manifest is incomplete");
        goto done;
    }
    if (rv__crc32c(0, text, (size_t)(last - text)) != crc) {
        status = parse_fail(&ps, "checksum mismatch: the manifest is damaged");
        goto done;
    }
    ps.end = last;
    ps.line = 0;

    uint64_t superstep, unix_time, ranks, replicas, chunk_bytes, files;
    if (!next_line(&ps, line, line_capacity) || strcmp(line, MAGIC) != 0) {
        status = parse_fail(&ps, "not a rivulet manifest (expected '" MAGIC "')");
        goto done;
    }
    if (!expect_u64(&ps, line, line_capacity, "superstep", &superstep) ||
        !expect_u64(&ps, line, line_capacity, "time", &unix_time) ||
        !expect_u64(&ps, line, line_capacity, "ranks", &ranks) ||
        !expect_u64(&ps, line, line_capacity, "replicas", &replicas) ||
        !expect_u64(&ps, line, line_capacity, "chunk-bytes", &chunk_bytes) ||
        !expect_u64(&ps, line, line_capacity, "files", &files)) {
        status = RV_EPARSE;
        goto done;
    }
    if (ranks == 0 || ranks > (1u << 24) || files > (1u << 24) || replicas == 0 ||
        replicas > RV__STORE_MAX_REPLICAS || chunk_bytes == 0) {
        status = parse_fail(&ps, "implausible ranks, files, replicas or chunk size");
        goto done;
    }
    if ((status = rv__manifest_init(&m, (int)ranks, (uint32_t)files)) != RV_OK)
        goto done;
    m.superstep = superstep;
    m.unix_time = (int64_t)unix_time;
    m.replicas = (int)replicas;
    m.chunk_bytes = chunk_bytes;

    size_t chunk_capacity = 0;
    uint32_t file = 0;            /* the file whose chunks come next */
    uint64_t chunks_left = 0, offset = 0, next_index = 0;
    bool in_file = false;
    while (status == RV_OK && next_line(&ps, line, line_capacity)) {
        if (strncmp(line, "host ", 5) == 0) {
            char *end;
            long r = strtol(line + 5, &end, 10);
            if (end == line + 5 || *end != ' ' || r < 0 || r >= (long)ranks || m.hosts[r] || !end[1])
                status = parse_fail(&ps, "malformed or repeated host line");
            else if (rv__manifest_set_host(&m, (int)r, end + 1) != RV_OK)
                status = RV_ENOMEM;
        } else if (strncmp(line, "attr ", 5) == 0) {
            char *space = strchr(line + 5, ' ');
            if (!space || space == line + 5)
                status = parse_fail(&ps, "malformed attribute line");
            else {
                *space = '\0';
                if (rv__manifest_set(&m, line + 5, space + 1) != RV_OK)
                    status = RV_ENOMEM;
            }
        } else if (strncmp(line, "file ", 5) == 0) {
            unsigned long long f, bytes, n;
            int end = 0;
            if (sscanf(line, "file %llu bytes %llu chunks %llu%n", &f, &bytes, &n, &end) != 3 || line[end] != '\0' ||
                f != (in_file ? file + 1 : 0) || chunks_left != 0 || f >= files)
                status = parse_fail(&ps, "malformed or out-of-order file line");
            else if (n != (bytes + chunk_bytes - 1) / chunk_bytes && !(bytes == 0 && n == 0))
                status = parse_fail(&ps, "file %llu: %llu chunks cannot hold %llu bytes", f, n, bytes);
            else {
                file = (uint32_t)f;
                in_file = true;
                m.file_bytes[f] = bytes;
                chunks_left = n;
                offset = 0;
                next_index = 0;
            }
        } else if (strncmp(line, "chunk ", 6) == 0) {
            rv__store_chunk c;
            if (!in_file || chunks_left == 0)
                status = parse_fail(&ps, "chunk line outside its file");
            else if (!parse_chunk(&ps, line + 6, &m, &c))
                status = RV_EPARSE;
            else if (c.file != file || c.index != next_index || c.offset != offset || c.bytes == 0 ||
                     c.bytes > chunk_bytes || c.offset + c.bytes > m.file_bytes[file])
                status = parse_fail(&ps, "chunk %" PRIu32 " of file %" PRIu32 " does not follow the previous one",
                                    c.index, c.file);
            else {
                if (m.n_chunks == chunk_capacity) {
                    chunk_capacity = chunk_capacity ? 2 * chunk_capacity : 64;
                    rv__store_chunk *grown = realloc(m.chunks, chunk_capacity * sizeof *grown);
                    if (!grown) {
                        status = RV_ENOMEM;
                        break;
                    }
                    m.chunks = grown;
                }
                m.chunks[m.n_chunks++] = c;
                chunks_left--;
                next_index++;
                offset += c.bytes;
            }
        } else {
            status = parse_fail(&ps, "unknown line '%.40s'", line);
        }
    }
    if (status == RV_OK && ps.failed)
        status = RV_EPARSE;
    if (status == RV_OK && (chunks_left != 0 || (files > 0 && (!in_file || file + 1 != files))))
        status = parse_fail(&ps, "the manifest lists fewer files or chunks than it announces");
    for (int r = 0; status == RV_OK && r < m.n_ranks; r++)
        if (!m.hosts[r])
            status = parse_fail(&ps, "no host line for rank %d", r);
done:
    free(line);
    if (status == RV_ENOMEM && error && error_capacity)
        snprintf(error, error_capacity, "out of memory reading a manifest");
    if (status != RV_OK) {
        rv__manifest_destroy(&m);
        return status;
    }
    *out = m;
    return RV_OK;
}

int rv__manifest_load(const char *path, rv__manifest *out, char **text, size_t *length, char *error,
                      size_t error_capacity)
{
    char *data;
    size_t bytes;
    char why[512];
    *out = (rv__manifest){0};
    int status = rv__store_read_file(path, &data, &bytes, error, error_capacity);
    if (status != RV_OK)
        return status;
    status = rv__manifest_parse(data, bytes, out, why, sizeof why);
    if (status != RV_OK) {
        if (error && error_capacity)
            snprintf(error, error_capacity, "%s: %s", path, why);
        free(data);
        return status;
    }
    if (text) {
        *text = data;
        *length = bytes;
    } else {
        free(data);
    }
    return RV_OK;
}
