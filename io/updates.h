/* updates.h — the stream's update lines (`+ src dst [weight]`, `- src dst`, `+v id`, `-v id`) and the sources they come from.
 *
 * Not responsible for: batching, logging or applying updates (src/stream.c does),
 * or anything that involves more than one process. Everything here is local.
 */
#ifndef RV_IO_UPDATES_H
#define RV_IO_UPDATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- One update ------------------------------------------------------------------ */

typedef enum {
    RV__UPDATE_NONE = 0, /* a comment or a blank line */
    RV__UPDATE_ADD_EDGE = 1,
    RV__UPDATE_REMOVE_EDGE = 2,
    RV__UPDATE_ADD_VERTEX = 3,
    RV__UPDATE_REMOVE_VERTEX = 4
} rv__update_kind;

/* A parsed update line. Vertex updates use @c a only. */
typedef struct rv__update {
    uint64_t line;   /* 1-based line number in the stream */
    uint64_t a, b;   /* the vertex, or the edge a -> b */
    double weight;   /* added edges: the weight column, 1.0 when there is none */
    uint32_t kind;   /* rv__update_kind */
    uint32_t pad;
} rv__update;

/* What update lines may contain. */
typedef struct rv__update_format {
    bool nonnegative_weights; /* refuse a negative weight (shortest paths) */
} rv__update_format;

/* Parses one line (without its '\n'; a trailing '\r' is allowed). Fields are
 * separated by blanks; the first is the operation: `+` (add the edge `src dst
 * [weight]`), `-` (remove every edge `src dst`), `+v` (add vertex `id`), `-v` (remove
 * vertex `id` with its edges). Blank lines and lines whose first non-blank character
 * is '#' give kind RV__UPDATE_NONE. Ids are decimal integers in [0, 2^63 - 1];
 * weights are finite decimal numbers. Returns RV_OK with @p out filled (its line
 * field left alone), or RV_EPARSE with a one-line reason in @p error (no line number:
 * the caller adds it). */
int rv__parse_update(const char *line, size_t length, const rv__update_format *format, rv__update *out,
                     char *error, size_t error_capacity);

/* ---- Lines out of a byte stream ------------------------------------------------- */

/* Longest line kept whole; a longer one comes out as a line of its own that
 * rv__line_buffer_next() marks too long, and the rest of it is skipped. */
#define RV__UPDATE_LINE_MAX_BYTES ((size_t)65536)

/* Bytes that arrived from a source, cut into lines. */
typedef struct rv__line_buffer {
    char *data;
    size_t start, size, capacity; /* unread bytes are data[start, size) */
    bool skipping;                /* inside the tail of a line that was too long */
    uint64_t line;                /* lines handed out so far */
} rv__line_buffer;

void rv__line_buffer_destroy(rv__line_buffer *buffer);
/* Appends @p n bytes; RV_ENOMEM on failure. */
int rv__line_buffer_append(rv__line_buffer *buffer, const char *data, size_t n);
/* The next complete line, without its '\n', valid until the next call; at the end of
 * the stream (@p at_end) also a last line without '\n'. Sets *too_long for a line
 * longer than RV__UPDATE_LINE_MAX_BYTES (then *line holds its first bytes only).
 * Returns false when no line is ready. buffer->line is then the line's number. */
bool rv__line_buffer_next(rv__line_buffer *buffer, bool at_end, const char **line, size_t *length, bool *too_long);

/* ---- Sources --------------------------------------------------------------------- */

/* Where updates come from: "-" (standard input), a regular file (read to its end;
 * with @c follow, also what is appended later, like `tail -f`), a FIFO (until every
 * writer closed it; with @c follow, for ever), or "tcp://HOST:PORT": a listener on
 * HOST (an IPv4 address; 127.0.0.1 unless the address says otherwise) that serves one
 * client at a time; the stream ends when the client closes its side (with @c follow,
 * the next client is awaited instead; the client is still answered until then). PORT 0 picks a free port. */
typedef struct rv__update_source rv__update_source;

/* Opens @p spec. On failure returns RV_EIO or RV_EINVAL (a malformed tcp:// address)
 * with a one-line reason in @p error. */
int rv__update_source_open(const char *spec, bool follow, rv__update_source **out, char *error,
                           size_t error_capacity);
/* Reads what is available, waiting at most @p timeout_ms (0: do not wait; -1: until
 * something arrives or the stream ends). *n_read is 0 when nothing came in time;
 * *ended is set once the stream is over (no more bytes will come). RV_EIO on a read
 * error, with the reason in @p error. A client that connects or goes away is not an
 * error. */
int rv__update_source_read(rv__update_source *source, int timeout_ms, char *buffer, size_t capacity,
                           size_t *n_read, bool *ended, char *error, size_t error_capacity);
/* Whether a TCP client finished sending since the last call (its lines end a batch,
 * so that their acknowledgement reaches it before the next client is served). */
bool rv__update_source_client_left(rv__update_source *source);
/* Sends @p text to the current TCP client (acknowledgements), which may have finished
 * sending but is kept until the next client connects; does nothing for other sources
 * or when there is no client. A client that has gone is not an error. */
void rv__update_source_reply(rv__update_source *source, const char *text, size_t length);
/* Sets the line (with its '\n') every TCP client gets first, when it connects; ""
 * for none. Longer than 127 bytes is cut. */
void rv__update_source_set_greeting(rv__update_source *source, const char *text);
/* Skips the first @p offset bytes of a regular file (resuming after them). RV_EINVAL
 * for other sources, RV_EIO if the file is shorter. */
int rv__update_source_seek(rv__update_source *source, uint64_t offset, char *error, size_t error_capacity);
/* Bytes read from the source so far (after any seek: counting from the file's start). */
uint64_t rv__update_source_offset(const rv__update_source *source);
/* How to name the source in messages: the path, "standard input", or
 * "tcp://127.0.0.1:PORT" with the port actually bound. */
const char *rv__update_source_name(const rv__update_source *source);
/* Whether this source can answer (a TCP listener). */
bool rv__update_source_is_tcp(const rv__update_source *source);
/* Whether it is a regular file (which a resumed stream can skip into). */
bool rv__update_source_is_regular_file(const rv__update_source *source);
void rv__update_source_close(rv__update_source **source);

#endif /* RV_IO_UPDATES_H */
