/* partition_file.c — reading a partition file into the directory (with its checks against the graph), and writing one. */
#include "partition_file.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "comm.h"
#include "io/output.h"
#include "io/textio.h"
#include "session.h"

/* Text per read: a partition file is small next to the graph, and is read once. */
enum { BLOCK_BYTES = 4 << 20 };

/* Errors without a line (a vertex missing from the file) sort after every line. */
#define MISSING_VERTEX_KEY (UINT64_C(1) << 63)

/* Reads this rank's part of the file into @p lines; line numbers become the file's.
 * The first bad line of the file wins, as in the graph load. */
static int read_lines(rv_session *s, const char *path, int n_parts, rv__part_list *lines)
{
    char text_error[256] = "";
    rv__range_reader *reader = NULL;
    rv__parse_summary summary = {0};
    rv__parse_error error = {0};
    uint64_t remaining = 0, before = 0, key = 0;
    int status = rv__range_reader_open(path, s->rank, s->size, BLOCK_BYTES, &reader, text_error, sizeof text_error);
    uint64_t error_base = 0; /* lines before the block that failed */
    while (status == RV_OK) {
        const char *text;
        size_t length;
        status = rv__range_reader_next(reader, &text, &length, text_error, sizeof text_error);
        if (status != RV_OK || length == 0)
            break;
        error_base = summary.n_lines;
        status = rv__parse_parts(text, length, (uint64_t)n_parts, lines, &summary, &error);
    }
    /* After a bad line, the rest of the part still counts for later parts' numbering. */
    if (status == RV_EPARSE &&
        rv__range_reader_count_remaining_lines(reader, &remaining, text_error, sizeof text_error) != RV_OK)
        status = RV_EIO;
    rv__range_reader_close(&reader);
    if (rv__comm_exscan_u64(s, summary.n_lines + remaining, &before) != RV_OK)
        return rv__session_agree(s, RV_EMPI);
    if (status == RV_EPARSE) {
        uint64_t line = before + error_base + error.line;
        key = line;
        rv__session_fail(s, status, "%s:%" PRIu64 ": %s", path, line, error.message);
    } else if (status == RV_ENOMEM) {
        rv__session_fail(s, status, "out of memory reading partition file '%s'", path);
    } else if (status != RV_OK) {
        rv__session_fail(s, status, "%s", text_error);
    }
    status = rv__session_agree_keyed(s, status, key);
    for (size_t i = 0; status == RV_OK && i < lines->n; i++)
        lines->line[i] += before;
    return status;
}

/* Compares this rank's shard (ascending, repeats side by side, @p line of each entry)
 * with the vertices it is the hash owner of. Records the first problem it sees, by
 * line, in the session's error text and returns its key for the agreement. */
static int check_against_vertices(rv_session *s, const char *path, const rv__directory *d, const uint64_t *line,
                                  const uint64_t *vertices, size_t n_vertices, uint64_t *key)
{
    int status = RV_OK;
    *key = UINT64_MAX;
    size_t v = 0;
    for (size_t k = 0; k < d->n; k++) {
        uint64_t id = d->id[k];
        while (v < n_vertices && vertices[v] < id) {
            if (MISSING_VERTEX_KEY + vertices[v] < *key) {
                *key = MISSING_VERTEX_KEY + vertices[v];
                status = rv__session_fail(s, RV_EPARSE,
                                          "%s: vertex %" PRIu64 " has no line (a partition file lists "
                                          "every vertex of the graph)",
                                          path, vertices[v]);
            }
            v++;
        }
        if (k > 0 && d->id[k - 1] == id) {
            if (line[k] < *key) {
                *key = line[k];
                status = rv__session_fail(s, RV_EPARSE,
                                          "%s:%" PRIu64 ": vertex %" PRIu64 " is listed again (first "
                                          "on line %" PRIu64 ")",
                                          path, line[k], id, line[k - 1]);
            }
        } else if (v == n_vertices || vertices[v] != id) {
            if (line[k] < *key) {
                *key = line[k];
                status = rv__session_fail(s, RV_EPARSE, "%s:%" PRIu64 ": vertex %" PRIu64 " is not in the graph", path,
                                          line[k], id);
            }
        } else {
            v++;
        }
    }
    if (v < n_vertices && MISSING_VERTEX_KEY + vertices[v] < *key) {
        *key = MISSING_VERTEX_KEY + vertices[v];
        status = rv__session_fail(s, RV_EPARSE,
                                  "%s: vertex %" PRIu64 " has no line (a partition file lists every "
                                  "vertex of the graph)",
                                  path, vertices[v]);
    }
    return status;
}

int rv__partition_file_read(rv_session *s, const char *path, int n_parts, const uint64_t *vertices, size_t n_vertices,
                            rv__directory *out)
{
    rv__part_list lines = {0};
    uint64_t *line = NULL, key = 0;
    *out = (rv__directory){0};
    int status = read_lines(s, path, n_parts, &lines);
    if (status == RV_OK)
        status = rv__directory_build(s, lines.id, lines.part, lines.line, lines.n, out, &line);
    rv__part_list_destroy(&lines);
    if (status != RV_OK)
        return status;
    status = check_against_vertices(s, path, out, line, vertices, n_vertices, &key);
    free(line);
    status = rv__session_agree_keyed(s, status, key);
    if (status != RV_OK)
        rv__directory_destroy(out);
    return status;
}

static size_t format_part(const void *value, char *buffer, size_t capacity, void *user)
{
    (void)user;
    int32_t part;
    memcpy(&part, value, sizeof part);
    return rv_format_int64(part, buffer, capacity);
}

int rv__partition_file_write(rv_session *s, const char *path, const uint64_t *ids, const int32_t *parts, size_t n)
{
    enum { RECORD = 8 + sizeof(int32_t) };
    unsigned char *records = malloc(n * RECORD + 1);
    int status = records ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory writing the partition");
    status = rv__session_agree(s, status);
    if (status != RV_OK)
        return status;
    for (size_t k = 0; k < n; k++) {
        memcpy(records + k * RECORD, &ids[k], 8);
        memcpy(records + k * RECORD + 8, &parts[k], sizeof parts[k]);
    }
    return rv__output_write_records(s, &records, n, sizeof(int32_t), format_part, NULL, path);
}
