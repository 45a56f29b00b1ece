/* properties.c — reads the `key = value` lines of Java-style .properties files (Graphalytics dataset descriptions). */
#define _POSIX_C_SOURCE 200809L

#include "rivulet.h"
#include "io/textio.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Supported: `key = value` and `key: value` (the first '=' or ':' separates), blanks
 * around key and value trimmed, '#' and '!' comment lines, blank lines, LF or CRLF.
 * Not supported: Java's backslash escapes and continuation lines, and a blank as the
 * separator; Graphalytics files use none of them. A key defined twice keeps its last value. */

typedef struct entry {
    char *key; /* key and value share one allocation, owned through key */
    char *value;
} entry;

struct rv_properties {
    entry *entries;
    size_t n;
    size_t capacity;
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

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Reads the whole file into a NUL-terminated buffer: properties files are small. */
static int read_file(const char *path, char **out, size_t *length, char *error, size_t error_capacity)
{
    int status = RV_OK;
    int fd = -1;
    char *text = NULL;
    size_t used = 0, capacity = 4096;
    uint64_t size = 0;

    status = rv__open_regular_file(path, &fd, &size, error, error_capacity);
    if (status != RV_OK)
        goto done;
    /* Sized from fstat, but grown if the file is longer by the time it is read. */
    if (size < SIZE_MAX / 2 && (size_t)size + 1 > capacity)
        capacity = (size_t)size + 1;
    text = malloc(capacity);
    for (;;) {
        if (text != NULL && used + 1 == capacity) {
            char *grown = capacity > SIZE_MAX / 2 ? NULL : realloc(text, capacity * 2);
            if (grown == NULL)
                free(text);
            text = grown;
            capacity *= 2;
        }
        if (text == NULL) {
            set_error(error, error_capacity, "out of memory reading '%s'", path);
            status = RV_ENOMEM;
            goto done;
        }
        ssize_t got = read(fd, text + used, capacity - 1 - used);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            set_error(error, error_capacity, "cannot read '%s': %s", path, strerror(errno));
            status = RV_EIO;
            goto done;
        }
        if (got == 0)
            break;
        used += (size_t)got;
    }
    text[used] = '\0';
done:
    if (fd >= 0)
        close(fd);
    if (status != RV_OK) {
        free(text);
        text = NULL;
    }
    *out = text;
    *length = used;
    return status;
}

/* Appends key [k, k + k_len) and value [v, v + v_len) as one allocation. */
static int append(rv_properties *properties, const char *k, size_t k_len, const char *v, size_t v_len)
{
    if (properties->n == properties->capacity) {
        size_t capacity = properties->capacity == 0 ? 32 : properties->capacity * 2;
        entry *grown = realloc(properties->entries, capacity * sizeof *grown);
        if (grown == NULL)
            return RV_ENOMEM;
        properties->entries = grown;
        properties->capacity = capacity;
    }
    char *both = malloc(k_len + v_len + 2);
    if (both == NULL)
        return RV_ENOMEM;
    memcpy(both, k, k_len);
    both[k_len] = '\0';
    memcpy(both + k_len + 1, v, v_len);
    both[k_len + 1 + v_len] = '\0';
    properties->entries[properties->n].key = both;
    properties->entries[properties->n].value = both + k_len + 1;
    properties->n++;
    return RV_OK;
}

int rv_properties_load(const char *path, rv_properties **out, char *error, size_t error_capacity)
{
    int status = RV_OK;
    char *text = NULL;
    size_t length = 0;
    rv_properties *properties = NULL;
    unsigned long line = 0;

    *out = NULL;
    if (path == NULL) {
        set_error(error, error_capacity, "no properties file given");
        status = RV_EINVAL;
        goto done;
    }
    status = read_file(path, &text, &length, error, error_capacity);
    if (status != RV_OK)
        goto done;
    properties = calloc(1, sizeof *properties);
    if (properties == NULL) {
        set_error(error, error_capacity, "out of memory reading '%s'", path);
        status = RV_ENOMEM;
        goto done;
    }

    for (const char *p = text, *end = text + length; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl == NULL ? end : nl;
        const char *next = nl == NULL ? end : nl + 1;
        line++;

        if (memchr(p, '\0', (size_t)(line_end - p)) != NULL) {
            set_error(error, error_capacity, "%s:%lu: unexpected NUL byte", path, line);
            status = RV_EPARSE;
            goto done;
        }
        while (p < line_end && is_blank(*p))
            p++;
        while (line_end > p && is_blank(line_end[-1]))
            line_end--;
        if (p == line_end || *p == '#' || *p == '!') {
            p = next;
            continue;
        }

        const char *sep = p;
        while (sep < line_end && *sep != '=' && *sep != ':')
            sep++;
        if (sep == line_end) {
            set_error(error, error_capacity, "%s:%lu: expected 'key = value'", path, line);
            status = RV_EPARSE;
            goto done;
        }
        const char *key_end = sep, *value = sep + 1;
        while (key_end > p && is_blank(key_end[-1]))
            key_end--;
        while (value < line_end && is_blank(*value))
            value++;
        if (key_end == p) {
            set_error(error, error_capacity, "%s:%lu: expected 'key = value', found no key before '%c'", path,
                      line, *sep);
            status = RV_EPARSE;
            goto done;
        }
        if (append(properties, p, (size_t)(key_end - p), value, (size_t)(line_end - value)) != RV_OK) {
            set_error(error, error_capacity, "out of memory reading '%s'", path);
            status = RV_ENOMEM;
            goto done;
        }
        p = next;
    }

done:
    free(text);
    if (status != RV_OK)
        rv_properties_free(&properties);
    *out = properties;
    return status;
}

const char *rv_properties_get(const rv_properties *properties, const char *key)
{
    if (properties == NULL || key == NULL)
        return NULL;
    /* From the end, so that the last definition of a key wins, as in Java. */
    for (size_t i = properties->n; i-- > 0;)
        if (strcmp(properties->entries[i].key, key) == 0)
            return properties->entries[i].value;
    return NULL;
}

void rv_properties_free(rv_properties **properties)
{
    if (properties == NULL || *properties == NULL)
        return;
    for (size_t i = 0; i < (*properties)->n; i++)
        free((*properties)->entries[i].key);
    free((*properties)->entries);
    free(*properties);
    *properties = NULL;
}
