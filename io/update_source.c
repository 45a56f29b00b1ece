/* update_source.c — where update lines come from: standard input, a file (optionally followed), a FIFO, or a TCP listener.
 *
 * Every wait is a poll() with a timeout (or, for a followed regular file, which poll()
 * always reports readable, a short sleep), so the caller can close a batch by time
 * without threads.
 */
#define _POSIX_C_SOURCE 200809L

#include "updates.h"

#include "rivulet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef enum { SOURCE_STDIN, SOURCE_FILE, SOURCE_FIFO, SOURCE_TCP } source_kind;

/* How long a followed regular file sleeps between looks at its end. */
enum { FOLLOW_POLL_MS = 20 };

struct rv__update_source {
    source_kind kind;
    bool follow;
    bool ended;
    int fd;        /* what is read: stdin, the file, the FIFO, the current TCP client (-1: none) */
    int listen_fd; /* TCP: the listening socket */
    int reply_fd;  /* TCP: the client that replies go to; it may have stopped sending */
    bool client_left; /* TCP: a client finished sending since the last look */
    int keep_open; /* a followed FIFO: our own write end, so that the FIFO never reports its end */
    uint64_t offset;
    char name[160];
    char greeting[128]; /* TCP: the first line every client gets ("": none) */
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

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

/* Sleeps @p ms; false when a signal cut the sleep short. */
static bool sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    return nanosleep(&ts, NULL) == 0;
}

/* "tcp://HOST:PORT": HOST an IPv4 address or "localhost", PORT 0..65535. */
static int open_tcp(rv__update_source *src, const char *spec, char *error, size_t capacity)
{
    const char *address = spec + strlen("tcp://");
    const char *colon = strrchr(address, ':');
    char host[64];
    if (!colon || colon == address || (size_t)(colon - address) >= sizeof host)
        return fail(error, capacity, RV_EINVAL, "'%s': expected tcp://HOST:PORT, e.g. tcp://127.0.0.1:9000", spec);
    memcpy(host, address, (size_t)(colon - address));
    host[colon - address] = '\0';
    char *port_end;
    errno = 0;
    long port = strtol(colon + 1, &port_end, 10);
    if (colon[1] == '\0' || *port_end != '\0' || errno || port < 0 || port > 65535)
        return fail(error, capacity, RV_EINVAL, "'%s': the port must be a number from 0 to 65535", spec);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (strcmp(host, "localhost") == 0)
        strcpy(host, "127.0.0.1");
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1)
        return fail(error, capacity, RV_EINVAL, "'%s': '%s' is not an IPv4 address", spec, host);

    src->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int yes = 1;
    if (src->listen_fd < 0 || setsockopt(src->listen_fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) != 0 ||
        bind(src->listen_fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(src->listen_fd, 4) != 0)
        return fail(error, capacity, RV_EIO, "cannot listen on %s:%ld: %s", host, port, strerror(errno));
    socklen_t length = sizeof addr;
    if (getsockname(src->listen_fd, (struct sockaddr *)&addr, &length) != 0)
        return fail(error, capacity, RV_EIO, "cannot listen on %s:%ld: %s", host, port, strerror(errno));
    snprintf(src->name, sizeof src->name, "tcp://%s:%u", host, (unsigned)ntohs(addr.sin_port));
    return RV_OK;
}

static int open_path(rv__update_source *src, const char *path, char *error, size_t capacity)
{
    struct stat st;
    snprintf(src->name, sizeof src->name, "%s", path);
    if (stat(path, &st) != 0)
        return fail(error, capacity, RV_EIO, "cannot open '%s': %s", path, strerror(errno));
    if (S_ISFIFO(st.st_mode)) {
        /* Opened without blocking, so that the job need not wait here for a writer;
         * poll() reports nothing until one has written or gone. */
        src->kind = SOURCE_FIFO;
        src->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (src->fd >= 0 && src->follow)
            src->keep_open = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (src->fd < 0 || (src->follow && src->keep_open < 0))
            return fail(error, capacity, RV_EIO, "cannot open '%s': %s", path, strerror(errno));
        return RV_OK;
    }
    if (S_ISDIR(st.st_mode))
        return fail(error, capacity, RV_EIO, "cannot read updates from '%s': it is a directory", path);
    src->kind = S_ISREG(st.st_mode) ? SOURCE_FILE : SOURCE_STDIN; /* a device reads like standard input */
    src->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (src->fd < 0)
        return fail(error, capacity, RV_EIO, "cannot open '%s': %s", path, strerror(errno));
    return RV_OK;
}

int rv__update_source_open(const char *spec, bool follow, rv__update_source **out, char *error,
                           size_t error_capacity)
{
    *out = NULL;
    rv__update_source *src = calloc(1, sizeof *src);
    if (!src)
        return fail(error, error_capacity, RV_ENOMEM, "out of memory opening '%s'", spec);
    *src = (rv__update_source){.follow = follow, .fd = -1, .listen_fd = -1, .reply_fd = -1, .keep_open = -1};
    int status;
    if (strcmp(spec, "-") == 0) {
        src->kind = SOURCE_STDIN;
        src->fd = STDIN_FILENO;
        snprintf(src->name, sizeof src->name, "standard input");
        status = RV_OK;
    } else if (strncmp(spec, "tcp://", 6) == 0) {
        src->kind = SOURCE_TCP;
        status = open_tcp(src, spec, error, error_capacity);
    } else {
        status = open_path(src, spec, error, error_capacity);
    }
    if (status != RV_OK) {
        rv__update_source_close(&src);
        return status;
    }
    *out = src;
    return RV_OK;
}

enum { WAIT_ERROR = -1, WAIT_TIMEOUT = 0, WAIT_READY = 1, WAIT_INTERRUPTED = 2 };

/* Waits up to @p timeout_ms for @p fd to be readable (or hung up). WAIT_ERROR sets
 * errno. A signal ends the wait (WAIT_INTERRUPTED), so that the caller can look at
 * why it came: a request to stop the stream. */
static int wait_readable(int fd, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int n = poll(&p, 1, timeout_ms);
    if (n < 0)
        return errno == EINTR ? WAIT_INTERRUPTED : WAIT_ERROR;
    return n > 0 ? WAIT_READY : WAIT_TIMEOUT;
}

/* One read from fd after poll() said it is ready: >0 bytes, 0 end, -1 error. */
static ssize_t read_some(int fd, char *buffer, size_t capacity)
{
    ssize_t n;
    do
        n = read(fd, buffer, capacity);
    while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return -2; /* spurious wake-up: nothing after all */
    return n;
}

int rv__update_source_read(rv__update_source *src, int timeout_ms, char *buffer, size_t capacity,
                           size_t *n_read, bool *ended, char *error, size_t error_capacity)
{
    *n_read = 0;
    *ended = src->ended;
    if (src->ended)
        return RV_OK;
    double deadline = timeout_ms < 0 ? -1.0 : now_ms() + timeout_ms;
    for (;;) {
        int left = deadline < 0 ? -1 : (int)(deadline - now_ms() + 0.999);
        if (deadline >= 0 && left < 0)
            left = 0;
        if (src->kind == SOURCE_TCP && src->fd < 0) {
            /* No client: wait for one. */
            int ready = wait_readable(src->listen_fd, left);
            if (ready == WAIT_ERROR)
                return fail(error, error_capacity, RV_EIO, "%s: %s", src->name, strerror(errno));
            if (ready == WAIT_INTERRUPTED)
                return RV_OK;
            if (ready == WAIT_READY) {
                /* The previous client had its last acknowledgement by now. */
                if (src->reply_fd >= 0)
                    close(src->reply_fd);
                src->reply_fd = -1;
                src->fd = accept(src->listen_fd, NULL, NULL);
                src->reply_fd = src->fd;
                if (src->fd >= 0 && src->greeting[0])
                    rv__update_source_reply(src, src->greeting, strlen(src->greeting));
                if (src->fd < 0 && errno != EINTR && errno != ECONNABORTED && errno != EAGAIN)
                    return fail(error, error_capacity, RV_EIO, "%s: accepting a client: %s", src->name,
                                strerror(errno));
                if (src->fd >= 0)
                    continue;
            }
            if (left == 0)
                return RV_OK;
            continue;
        }
        ssize_t n;
        if (src->kind == SOURCE_FILE) {
            n = read_some(src->fd, buffer, capacity);
        } else {
            int ready = wait_readable(src->fd, left);
            if (ready == WAIT_ERROR)
                return fail(error, error_capacity, RV_EIO, "%s: %s", src->name, strerror(errno));
            if (ready == WAIT_INTERRUPTED)
                return RV_OK;
            n = ready == WAIT_READY ? read_some(src->fd, buffer, capacity) : -2;
        }
        if (n > 0) {
            *n_read = (size_t)n;
            src->offset += (uint64_t)n;
            return RV_OK;
        }
        if (n == -1)
            return fail(error, error_capacity, RV_EIO, "cannot read %s: %s", src->name, strerror(errno));
        if (n == 0) {
            /* The end of what is there now. A TCP client that stops sending still
             * waits for the acknowledgement of its last lines: it is closed only
             * when the next client comes, or with the source. */
            if (src->kind == SOURCE_TCP) {
                src->fd = -1;
                src->client_left = true;
                if (src->follow)
                    return RV_OK;
            }
            if (!(src->follow && src->kind == SOURCE_FILE)) {
                src->ended = *ended = true;
                return RV_OK;
            }
            if (left == 0)
                return RV_OK;
            if (!sleep_ms(left < 0 || left > FOLLOW_POLL_MS ? FOLLOW_POLL_MS : left))
                return RV_OK;
            continue;
        }
        if (left == 0)
            return RV_OK;
    }
}

bool rv__update_source_client_left(rv__update_source *src)
{
    bool left = src->client_left;
    src->client_left = false;
    return left;
}

void rv__update_source_reply(rv__update_source *src, const char *text, size_t length)
{
    if (src->kind != SOURCE_TCP || src->reply_fd < 0)
        return;
    while (length > 0) {
        ssize_t n = send(src->reply_fd, text, length, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; /* the client went away; its unacknowledged lines are its to resend */
        text += n;
        length -= (size_t)n;
    }
}

void rv__update_source_set_greeting(rv__update_source *src, const char *text)
{
    snprintf(src->greeting, sizeof src->greeting, "%s", text);
}

int rv__update_source_seek(rv__update_source *src, uint64_t offset, char *error, size_t error_capacity)
{
    if (src->kind != SOURCE_FILE)
        return fail(error, error_capacity, RV_EINVAL, "%s: only a regular file can be resumed part way", src->name);
    struct stat st;
    if (fstat(src->fd, &st) != 0 || (uint64_t)st.st_size < offset)
        return fail(error, error_capacity, RV_EIO, "%s: the file is shorter than the %llu bytes already logged",
                    src->name, (unsigned long long)offset);
    if (lseek(src->fd, (off_t)offset, SEEK_SET) < 0)
        return fail(error, error_capacity, RV_EIO, "%s: %s", src->name, strerror(errno));
    src->offset = offset;
    return RV_OK;
}

uint64_t rv__update_source_offset(const rv__update_source *src) { return src->offset; }
const char *rv__update_source_name(const rv__update_source *src) { return src->name; }
bool rv__update_source_is_tcp(const rv__update_source *src) { return src->kind == SOURCE_TCP; }
bool rv__update_source_is_regular_file(const rv__update_source *src) { return src->kind == SOURCE_FILE; }

void rv__update_source_close(rv__update_source **handle)
{
    rv__update_source *src = handle ? *handle : NULL;
    if (!src)
        return;
    if (src->reply_fd >= 0 && src->reply_fd != src->fd)
        close(src->reply_fd);
    if (src->fd >= 0 && src->fd != STDIN_FILENO)
        close(src->fd);
    if (src->listen_fd >= 0)
        close(src->listen_fd);
    if (src->keep_open >= 0)
        close(src->keep_open);
    free(src);
    *handle = NULL;
}
