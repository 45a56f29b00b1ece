/* update_parse.c — parsing update lines, and cutting the bytes a source delivers into lines. */
#include "updates.h"

#include "rivulet.h"
#include "textio.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Error messages show at most this many bytes of the offending token. */
enum { TOKEN_SHOWN_BYTES = 32 };

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

static const char *skip_blanks(const char *p, const char *end)
{
    while (p < end && is_blank(*p))
        p++;
    return p;
}

static const char *token_end(const char *p, const char *end)
{
    while (p < end && !is_blank(*p))
        p++;
    return p;
}

/* Writes the token [s, e) for a message: printable ASCII as is, other bytes as \xNN,
 * cut with "..." after TOKEN_SHOWN_BYTES. */
static void show_token(char *out, size_t capacity, const char *s, const char *e)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    for (; s < e && n + 8 < capacity; s++) {
        unsigned char c = (unsigned char)*s;
        if (n >= TOKEN_SHOWN_BYTES) {
            memcpy(out + n, "...", 3);
            n += 3;
            break;
        }
        if (c >= 0x20 && c < 0x7f) {
            out[n++] = (char)c;
        } else {
            out[n++] = '\\';
            out[n++] = 'x';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 15];
        }
    }
    out[n] = '\0';
}

static int refuse(char *error, size_t capacity, const char *format, ...) __attribute__((format(printf, 3, 4)));
static int refuse(char *error, size_t capacity, const char *format, ...)
{
    if (error && capacity) {
        va_list args;
        va_start(args, format);
        vsnprintf(error, capacity, format, args);
        va_end(args);
    }
    return RV_EPARSE;
}

/* Reads the id in field @p field (named @p name for messages) at *p. */
static int read_id(const char **p, const char *end, int field, const char *name, uint64_t *out, char *error,
                   size_t capacity)
{
    const char *s = *p, *e = token_end(s, end);
    char shown[TOKEN_SHOWN_BYTES * 4 + 8];
    if (s == end)
        return refuse(error, capacity, "missing %s (field %d)", name, field);
    const char *q = s;
    if (rv__scan_id(&q, e, out) && q == e) {
        *p = e;
        return RV_OK;
    }
    show_token(shown, sizeof shown, s, e);
    bool digits = e > s;
    for (const char *c = *s == '-' ? s + 1 : s; c < e; c++)
        digits = digits && *c >= '0' && *c <= '9';
    if (digits && *s == '-' && e > s + 1)
        return refuse(error, capacity, "field %d (%s): negative id: '%s'", field, name, shown);
    if (digits && *s != '-')
        return refuse(error, capacity, "field %d (%s): id %s is 2^63 or more", field, name, shown);
    return refuse(error, capacity, "field %d (%s): not a non-negative integer: '%s'", field, name, shown);
}

int rv__parse_update(const char *line, size_t length, const rv__update_format *format, rv__update *out,
                     char *error, size_t error_capacity)
{
    const char *end = line + length;
    char shown[TOKEN_SHOWN_BYTES * 4 + 8];
    if (end > line && end[-1] == '\r')
        end--;
    const char *p = skip_blanks(line, end);
    out->kind = RV__UPDATE_NONE;
    out->a = out->b = 0;
    out->weight = 1.0;
    if (p == end || *p == '#')
        return RV_OK;

    const char *op = p, *op_end = token_end(p, end);
    size_t op_length = (size_t)(op_end - op);
    rv__update_kind kind;
    if (op_length == 1 && *op == '+')
        kind = RV__UPDATE_ADD_EDGE;
    else if (op_length == 1 && *op == '-')
        kind = RV__UPDATE_REMOVE_EDGE;
    else if (op_length == 2 && op[0] == '+' && op[1] == 'v')
        kind = RV__UPDATE_ADD_VERTEX;
    else if (op_length == 2 && op[0] == '-' && op[1] == 'v')
        kind = RV__UPDATE_REMOVE_VERTEX;
    else {
        show_token(shown, sizeof shown, op, op_end);
        return refuse(error, error_capacity, "unknown operation '%s' (expected +, -, +v or -v)", shown);
    }
    bool is_edge = kind == RV__UPDATE_ADD_EDGE || kind == RV__UPDATE_REMOVE_EDGE;
    p = skip_blanks(op_end, end);

    int status = read_id(&p, end, 2, is_edge ? "source id" : "vertex id", &out->a, error, error_capacity);
    if (status != RV_OK)
        return status;
    p = skip_blanks(p, end);
    int fields = 2;
    if (is_edge) {
        if ((status = read_id(&p, end, 3, "target id", &out->b, error, error_capacity)) != RV_OK)
            return status;
        p = skip_blanks(p, end);
        fields = 3;
    }
    if (kind == RV__UPDATE_ADD_EDGE && p < end) {
        const char *w = p, *w_end = token_end(p, end);
        double weight;
        const char *q = w;
        const char *problem = NULL;
        if (!rv__scan_double(&q, w_end, &weight) || q != w_end)
            problem = "not a number";
        else if (!isfinite(weight))
            problem = "weight is not a finite number";
        else if (format && format->nonnegative_weights && weight < 0)
            problem = "weight is negative";
        if (problem) {
            show_token(shown, sizeof shown, w, w_end);
            return refuse(error, error_capacity, "field 4 (weight): %s: '%s'", problem, shown);
        }
        out->weight = weight;
        p = skip_blanks(w_end, end);
        fields = 4;
    }
    if (p < end) {
        show_token(shown, sizeof shown, p, token_end(p, end));
        return refuse(error, error_capacity, "too many fields: '%.*s' takes %d, field %d is '%s'", (int)op_length, op,
                      fields, fields + 1, shown);
    }
    out->kind = kind;
    return RV_OK;
}

/* ---- Lines ----------------------------------------------------------------------- */

void rv__line_buffer_destroy(rv__line_buffer *buffer)
{
    free(buffer->data);
    *buffer = (rv__line_buffer){0};
}

int rv__line_buffer_append(rv__line_buffer *buffer, const char *data, size_t n)
{
    /* Move the unread tail to the front before growing, so the buffer holds about one
     * line plus one read however long the stream runs. */
    if (buffer->start > 0) {
        memmove(buffer->data, buffer->data + buffer->start, buffer->size - buffer->start);
        buffer->size -= buffer->start;
        buffer->start = 0;
    }
    if (buffer->size + n > buffer->capacity) {
        size_t capacity = buffer->capacity ? buffer->capacity : 4096;
        while (capacity < buffer->size + n)
            capacity *= 2;
        char *grown = realloc(buffer->data, capacity);
        if (!grown)
            return RV_ENOMEM;
        buffer->data = grown;
        buffer->capacity = capacity;
    }
    if (n)
        memcpy(buffer->data + buffer->size, data, n);
    buffer->size += n;
    return RV_OK;
}

bool rv__line_buffer_next(rv__line_buffer *buffer, bool at_end, const char **line, size_t *length, bool *too_long)
{
    for (;;) {
        char *begin = buffer->data + buffer->start;
        size_t available = buffer->size - buffer->start;
        char *newline = available ? memchr(begin, '\n', available) : NULL;
        if (buffer->skipping) {
            /* The tail of a line already reported as too long: drop it. */
            if (!newline) {
                buffer->start = buffer->size;
                if (at_end)
                    buffer->skipping = false;
                return false;
            }
            buffer->start += (size_t)(newline - begin) + 1;
            buffer->skipping = false;
            continue;
        }
        size_t n = newline ? (size_t)(newline - begin) : available;
        *too_long = n > RV__UPDATE_LINE_MAX_BYTES;
        if (!newline && !*too_long && !(at_end && available > 0))
            return false;
        *line = begin;
        *length = *too_long ? RV__UPDATE_LINE_MAX_BYTES : n;
        buffer->line++;
        if (newline) {
            buffer->start += n + 1;
        } else {
            buffer->start = buffer->size;
            buffer->skipping = *too_long;
        }
        return true;
    }
}
