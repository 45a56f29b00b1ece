/* chunkstore.c — storage directories, durable writes, verified replica reads, and finding and removing checkpoints on local (or shared) disks. */
#define _GNU_SOURCE /* O_CLOEXEC, glob's GLOB_ONLYDIR */

#include "chunkstore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crc32c.h"
#include "rivulet.h"

/* Large writes and reads: a chunk goes to the disk in a few system calls. */
#define IO_PIECE_BYTES ((size_t)8 << 20)

static void set_error(char *error, size_t capacity, const char *format, ...) __attribute__((format(printf, 3, 4)));
static void set_error(char *error, size_t capacity, const char *format, ...)
{
    if (!error || !capacity)
        return;
    va_list ap;
    va_start(ap, format);
    vsnprintf(error, capacity, format, ap);
    va_end(ap);
}

/* ---- Storage directories ------------------------------------------------------- */

int rv__store_pattern_init(rv__store_pattern *p, const char *dir, char *error, size_t error_capacity)
{
    *p = (rv__store_pattern){0};
    if (!dir || !*dir) {
        set_error(error, error_capacity, "empty checkpoint directory");
        return RV_EINVAL;
    }
    bool has_rank = false;
    for (const char *c = dir; *c; c++) {
        if (*c != '%')
            continue;
        c++;
        if (*c == 'r')
            has_rank = true;
        else if (*c != 'h' && *c != '%') {
            set_error(error, error_capacity,
                      "checkpoint directory '%s': unknown escape '%%%.1s' (use %%r for the rank, %%h for the host, %%%% "
                      "for a percent sign)",
                      dir, *c ? c : "");
            return RV_EINVAL;
        }
    }
    char cwd[RV__STORE_PATH_MAX] = "";
    if (dir[0] != '/' && !getcwd(cwd, sizeof cwd)) {
        set_error(error, error_capacity, "checkpoint directory '%s': cannot tell the current directory: %s", dir,
                  strerror(errno));
        return RV_EIO;
    }
    /* Room for a host name (at most 255 bytes), a rank, and the file names below. */
    size_t length = strlen(cwd) + 1 + strlen(dir) + strlen("/rank-%r");
    if (length + 256 + 20 + 64 > RV__STORE_PATH_MAX) {
        set_error(error, error_capacity, "checkpoint directory '%s': path too long", dir);
        return RV_EINVAL;
    }
    p->text = malloc(length + 1);
    if (!p->text) {
        set_error(error, error_capacity, "out of memory");
        return RV_ENOMEM;
    }
    snprintf(p->text, length + 1, "%s%s%s%s", cwd, *cwd ? "/" : "", dir, has_rank ? "" : "/rank-%r");
    return RV_OK;
}

void rv__store_pattern_destroy(rv__store_pattern *p)
{
    free(p->text);
    p->text = NULL;
}

/* Expands the pattern with @p rank_text and @p host_text; @p escape_literals escapes
 * glob's special characters in the literal parts (for a glob pattern). */
static int expand(const rv__store_pattern *p, const char *rank_text, const char *host_text, bool escape_literals,
                  char *out)
{
    size_t n = 0;
    for (const char *c = p->text; *c; c++) {
        const char *piece = NULL;
        char one[3] = {0};
        if (*c == '%' && c[1]) {
            c++;
            piece = *c == 'r' ? rank_text : *c == 'h' ? host_text : "%";
        } else if (escape_literals && strchr("*?[]\\", *c)) {
            one[0] = '\\';
            one[1] = *c;
            piece = one;
        } else {
            one[0] = *c;
            piece = one;
        }
        size_t k = strlen(piece);
        if (n + k + 1 > RV__STORE_PATH_MAX)
            return RV_ELIMIT;
        memcpy(out + n, piece, k);
        n += k;
    }
    out[n] = '\0';
    return RV_OK;
}

int rv__store_storage_dir(const rv__store_pattern *p, int rank, const char *host, char *out)
{
    char rank_text[16], host_text[256];
    snprintf(rank_text, sizeof rank_text, "%d", rank);
    snprintf(host_text, sizeof host_text, "%s", host && *host ? host : "unknown-host");
    for (char *c = host_text; *c; c++)
        if (*c == '/')
            *c = '_';
    return expand(p, rank_text, host_text, false, out);
}

static int path_printf(char *out, const char *format, ...) __attribute__((format(printf, 2, 3)));
static int path_printf(char *out, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(out, RV__STORE_PATH_MAX, format, ap);
    va_end(ap);
    return n < 0 || n >= RV__STORE_PATH_MAX ? RV_ELIMIT : RV_OK;
}

int rv__store_checkpoint_dir(const char *storage, uint64_t superstep, char *out)
{
    return path_printf(out, "%s/ckpt-%012" PRIu64, storage, superstep);
}

int rv__store_manifest_path(const char *storage, uint64_t superstep, char *out)
{
    return path_printf(out, "%s/ckpt-%012" PRIu64 ".manifest", storage, superstep);
}

int rv__store_replica_path(const char *storage, uint64_t superstep, uint32_t file, uint32_t chunk, char *out)
{
    return path_printf(out, "%s/ckpt-%012" PRIu64 "/f%" PRIu32 "-c%" PRIu32, storage, superstep, file, chunk);
}

/* ---- Durable writes --------------------------------------------------------------- */

int rv__store_fsync_dir(const char *path, char *error, size_t error_capacity)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        set_error(error, error_capacity, "cannot sync directory '%s': %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return RV_EIO;
    }
    close(fd);
    return RV_OK;
}

int rv__store_mkdirs(const char *path, char *error, size_t error_capacity)
{
    char partial[RV__STORE_PATH_MAX];
    size_t length = strlen(path);
    if (length >= sizeof partial) {
        set_error(error, error_capacity, "path too long: '%s'", path);
        return RV_ELIMIT;
    }
    memcpy(partial, path, length + 1);
    /* Walk down from the root; each directory created is made durable by syncing its
     * parent, whose entry for it is what a crash could lose. */
    for (size_t i = 1; i <= length; i++) {
        if (partial[i] != '/' && partial[i] != '\0')
            continue;
        char saved = partial[i];
        partial[i] = '\0';
        if (mkdir(partial, 0755) == 0) {
            char *slash = strrchr(partial, '/');
            char parent[RV__STORE_PATH_MAX];
            size_t parent_length = slash == partial ? 1 : (size_t)(slash - partial);
            memcpy(parent, partial, parent_length);
            parent[parent_length] = '\0';
            if (rv__store_fsync_dir(parent, error, error_capacity) != RV_OK)
                return RV_EIO;
        } else if (errno != EEXIST) {
            set_error(error, error_capacity, "cannot create directory '%s': %s", partial, strerror(errno));
            return RV_EIO;
        } else {
            struct stat st;
            if (stat(partial, &st) != 0 || !S_ISDIR(st.st_mode)) {
                set_error(error, error_capacity, "cannot create directory '%s': a file of that name exists", partial);
                return RV_EIO;
            }
        }
        partial[i] = saved;
    }
    return RV_OK;
}

/* The directory part of @p path into @p out ("." when there is none). */
static void parent_of(const char *path, char *out)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        strcpy(out, ".");
        return;
    }
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    memcpy(out, path, n);
    out[n] = '\0';
}

static int write_all(int fd, const void *data, size_t bytes)
{
    const unsigned char *p = data;
    while (bytes) {
        size_t piece = bytes < IO_PIECE_BYTES ? bytes : IO_PIECE_BYTES;
        ssize_t n = write(fd, p, piece);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        bytes -= (size_t)n;
    }
    return 0;
}

int rv__store_write_file(const char *path, const void *data, size_t bytes, bool atomic, char *error,
                         size_t error_capacity)
{
    char temporary[RV__STORE_PATH_MAX + 8];
    snprintf(temporary, sizeof temporary, "%s%s", path, atomic ? ".tmp" : "");
    int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        set_error(error, error_capacity, "cannot create '%s': %s", temporary, strerror(errno));
        return RV_EIO;
    }
    /* One fsync per file, after all its data: the data, and the size, must be on the
     * disk before anything (the manifest) can say the file is complete. */
    if (write_all(fd, data, bytes) != 0 || fsync(fd) != 0) {
        set_error(error, error_capacity, "cannot write '%s': %s", temporary, strerror(errno ? errno : EIO));
        close(fd);
        return RV_EIO;
    }
    if (close(fd) != 0) {
        set_error(error, error_capacity, "cannot write '%s': %s", temporary, strerror(errno));
        return RV_EIO;
    }
    if (!atomic)
        return RV_OK;
    if (rename(temporary, path) != 0) {
        set_error(error, error_capacity, "cannot rename '%s' to '%s': %s", temporary, path, strerror(errno));
        return RV_EIO;
    }
    char directory[RV__STORE_PATH_MAX];
    parent_of(path, directory);
    return rv__store_fsync_dir(directory, error, error_capacity);
}

int rv__store_read_file(const char *path, char **data, size_t *bytes, char *error, size_t error_capacity)
{
    *data = NULL;
    *bytes = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        set_error(error, error_capacity, "cannot open '%s': %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return RV_EIO;
    }
    size_t size = (size_t)st.st_size;
    char *buffer = malloc(size + 1);
    size_t got = 0;
    while (buffer && got < size) {
        ssize_t n = read(fd, buffer + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (!buffer || got != size) {
        set_error(error, error_capacity, buffer ? "cannot read '%s'" : "out of memory reading '%s'", path);
        free(buffer);
        return buffer ? RV_EIO : RV_ENOMEM;
    }
    buffer[size] = '\0';
    *data = buffer;
    *bytes = size;
    return RV_OK;
}

/* ---- Replicas ------------------------------------------------------------------------ */

const char *rv__replica_state_name(rv__replica_state state)
{
    switch (state) {
    case RV__REPLICA_OK: return "intact";
    case RV__REPLICA_MISSING: return "missing";
    case RV__REPLICA_WRONG_SIZE: return "truncated or too long";
    case RV__REPLICA_CORRUPT: return "corrupt";
    default: return "unreadable";
    }
}

/* Opens a replica and checks its size: the common first step of reading and checking. */
static rv__replica_state open_replica(const char *path, const rv__store_chunk *c, int *fd, char *why, size_t cap)
{
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0) {
        int e = errno;
        set_error(why, cap, "%s", strerror(e));
        return e == ENOENT || e == ENOTDIR ? RV__REPLICA_MISSING : RV__REPLICA_UNREADABLE;
    }
    struct stat st;
    if (fstat(*fd, &st) != 0) {
        set_error(why, cap, "%s", strerror(errno));
        close(*fd);
        return RV__REPLICA_UNREADABLE;
    }
    if ((uint64_t)st.st_size != c->bytes) {
        set_error(why, cap, "%" PRIu64 " bytes instead of %" PRIu64, (uint64_t)st.st_size, c->bytes);
        close(*fd);
        return RV__REPLICA_WRONG_SIZE;
    }
    return RV__REPLICA_OK;
}

/* Reads @p bytes into @p buffer; false on a read error or a file that shrank. */
static bool read_exactly(int fd, unsigned char *buffer, size_t bytes)
{
    size_t got = 0;
    while (got < bytes) {
        size_t piece = bytes - got < IO_PIECE_BYTES ? bytes - got : IO_PIECE_BYTES;
        ssize_t n = read(fd, buffer + got, piece);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        got += (size_t)n;
    }
    return true;
}

static rv__replica_state checksum_state(uint32_t crc, const rv__store_chunk *c, char *why, size_t cap)
{
    if (crc == c->crc)
        return RV__REPLICA_OK;
    set_error(why, cap, "checksum mismatch: crc32c %08" PRIx32 ", expected %08" PRIx32, crc, c->crc);
    return RV__REPLICA_CORRUPT;
}

rv__replica_state rv__store_read_replica(const char *path, const rv__store_chunk *c, void *out, char *why,
                                         size_t why_capacity)
{
    int fd;
    rv__replica_state state = open_replica(path, c, &fd, why, why_capacity);
    if (state != RV__REPLICA_OK)
        return state;
    bool ok = read_exactly(fd, out, c->bytes);
    close(fd);
    if (!ok) {
        set_error(why, why_capacity, "read error");
        return RV__REPLICA_UNREADABLE;
    }
    return checksum_state(rv__crc32c(0, out, c->bytes), c, why, why_capacity);
}

rv__replica_state rv__store_check_replica(const char *path, const rv__store_chunk *c, bool verify_checksum,
                                          char *why, size_t why_capacity)
{
    int fd;
    rv__replica_state state = open_replica(path, c, &fd, why, why_capacity);
    if (state != RV__REPLICA_OK || !verify_checksum) {
        if (state == RV__REPLICA_OK)
            close(fd);
        return state;
    }
    size_t capacity = c->bytes < IO_PIECE_BYTES ? (size_t)c->bytes + 1 : IO_PIECE_BYTES;
    unsigned char *buffer = malloc(capacity);
    uint32_t crc = 0;
    bool ok = buffer != NULL;
    for (uint64_t done = 0; ok && done < c->bytes;) {
        size_t piece = c->bytes - done < capacity ? (size_t)(c->bytes - done) : capacity;
        ok = read_exactly(fd, buffer, piece);
        crc = rv__crc32c(crc, buffer, piece);
        done += piece;
    }
    free(buffer);
    close(fd);
    if (!ok) {
        set_error(why, why_capacity, buffer ? "read error" : "out of memory");
        return RV__REPLICA_UNREADABLE;
    }
    return checksum_state(crc, c, why, why_capacity);
}

/* ---- Finding and removing checkpoints ---------------------------------------------- */

int rv__store_find_storage(const rv__store_pattern *p, int (*visit)(const char *storage, void *arg), void *arg)
{
    char pattern[RV__STORE_PATH_MAX];
    if (expand(p, "*", "*", true, pattern) != RV_OK)
        return RV_OK;
    glob_t found;
    int result = 0;
    if (glob(pattern, GLOB_ONLYDIR, NULL, &found) != 0)
        return 0; /* nothing matches: no storage at all */
    for (size_t i = 0; i < found.gl_pathc && result == 0; i++) {
        struct stat st;
        if (stat(found.gl_pathv[i], &st) == 0 && S_ISDIR(st.st_mode))
            result = visit(found.gl_pathv[i], arg);
    }
    globfree(&found);
    return result;
}

/* Parses "ckpt-" followed by exactly 12 digits and, optionally, ".manifest". */
static bool parse_entry_name(const char *name, uint64_t *superstep, bool *is_manifest)
{
    if (strncmp(name, "ckpt-", 5) != 0)
        return false;
    uint64_t s = 0;
    const char *c = name + 5;
    for (int i = 0; i < 12; i++, c++) {
        if (*c < '0' || *c > '9')
            return false;
        s = s * 10 + (uint64_t)(*c - '0');
    }
    if (*c == '\0')
        *is_manifest = false;
    else if (strcmp(c, ".manifest") == 0)
        *is_manifest = true;
    else
        return false;
    *superstep = s;
    return true;
}

int rv__store_scan_storage(const char *storage, void (*visit)(uint64_t superstep, bool is_manifest, void *arg),
                           void *arg)
{
    DIR *d = opendir(storage);
    if (!d)
        return errno == ENOENT ? RV_OK : RV_EIO;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        uint64_t superstep;
        bool is_manifest;
        if (parse_entry_name(e->d_name, &superstep, &is_manifest))
            visit(superstep, is_manifest, arg);
    }
    closedir(d);
    return RV_OK;
}

/* What rv__store_list_manifests() collects while it scans. */
typedef struct copy_list {
    rv__manifest_copy *items;
    size_t n, capacity;
    const char *storage; /* the directory being scanned */
    bool failed;
} copy_list;

static void note_copy(uint64_t superstep, bool is_manifest, void *arg)
{
    copy_list *l = arg;
    if (!is_manifest || l->failed)
        return;
    if (l->n == l->capacity) {
        size_t grown = l->capacity ? 2 * l->capacity : 16;
        rv__manifest_copy *items = realloc(l->items, grown * sizeof *items);
        if (!items) {
            l->failed = true;
            return;
        }
        l->items = items;
        l->capacity = grown;
    }
    l->items[l->n].superstep = superstep;
    l->items[l->n].storage = strdup(l->storage);
    l->failed |= l->items[l->n].storage == NULL;
    l->n++;
}

static int scan_copies(const char *storage, void *arg)
{
    copy_list *l = arg;
    l->storage = storage;
    rv__store_scan_storage(storage, note_copy, l);
    return 0;
}

static int newest_first(const void *a, const void *b)
{
    const rv__manifest_copy *x = a, *y = b;
    return x->superstep > y->superstep ? -1 : x->superstep < y->superstep;
}

int rv__store_list_manifests(const rv__store_pattern *pattern, rv__manifest_copy **out, size_t *n)
{
    copy_list l = {0};
    rv__store_find_storage(pattern, scan_copies, &l);
    if (l.failed) {
        rv__store_manifest_copies_free(l.items, l.n);
        *out = NULL;
        *n = 0;
        return RV_ENOMEM;
    }
    if (l.n > 1)
        qsort(l.items, l.n, sizeof *l.items, newest_first);
    *out = l.items;
    *n = l.n;
    return RV_OK;
}

void rv__store_manifest_copies_free(rv__manifest_copy *copies, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(copies[i].storage);
    free(copies);
}

int rv__store_remove_checkpoint(const char *storage, uint64_t superstep, char *error, size_t error_capacity)
{
    char path[RV__STORE_PATH_MAX], temporary[RV__STORE_PATH_MAX + 8];
    if (rv__store_manifest_path(storage, superstep, path) != RV_OK)
        return RV_ELIMIT;
    snprintf(temporary, sizeof temporary, "%s.tmp", path);
    if ((unlink(path) != 0 && errno != ENOENT) || (unlink(temporary) != 0 && errno != ENOENT)) {
        set_error(error, error_capacity, "cannot remove '%s': %s", path, strerror(errno));
        return RV_EIO;
    }
    /* The manifest's removal is made durable before any replica goes, so no crash
     * can leave a manifest that names replicas already deleted. */
    struct stat st;
    if (stat(storage, &st) == 0 && rv__store_fsync_dir(storage, error, error_capacity) != RV_OK)
        return RV_EIO;
    if (rv__store_checkpoint_dir(storage, superstep, path) != RV_OK)
        return RV_ELIMIT;
    DIR *d = opendir(path);
    if (!d) {
        if (errno == ENOENT)
            return RV_OK;
        set_error(error, error_capacity, "cannot open '%s': %s", path, strerror(errno));
        return RV_EIO;
    }
    struct dirent *e;
    int status = RV_OK;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char file[RV__STORE_PATH_MAX];
        if (path_printf(file, "%s/%s", path, e->d_name) != RV_OK || (unlink(file) != 0 && errno != ENOENT)) {
            set_error(error, error_capacity, "cannot remove '%s/%s': %s", path, e->d_name, strerror(errno));
            status = RV_EIO;
        }
    }
    closedir(d);
    if (status == RV_OK && rmdir(path) != 0 && errno != ENOENT) {
        set_error(error, error_capacity, "cannot remove '%s': %s", path, strerror(errno));
        status = RV_EIO;
    }
    return status;
}
