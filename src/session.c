/* session.c — opening and closing the MPI world, error texts, logging and collective error agreement. */
#include "session.h"

#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "comm.h"

const char *rv_strerror(int status)
{
    switch (status) {
    case RV_OK: return "success";
    case RV_EINVAL: return "invalid argument";
    case RV_ENOMEM: return "out of memory";
    case RV_EIO: return "input/output error";
    case RV_EPARSE: return "malformed input";
    case RV_EMPI: return "MPI failure";
    case RV_ENOTFOUND: return "not found";
    case RV_ELIMIT: return "size limit exceeded";
    case RV_EVERSION: return "API version mismatch";
    default: return "unknown error";
    }
}

static void stderr_sink(rv_log_level level, int rank, const char *line, void *arg)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};
    (void)arg;
    fprintf(stderr, "rivulet[%d] %s: %s\n", rank, names[level], line);
}

int rv_session_open(rv_session **out, int *argc, char ***argv)
{
    *out = NULL;
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized && MPI_Init(argc, argv) != MPI_SUCCESS)
        return RV_EMPI;
    rv_session *s = calloc(1, sizeof *s);
    if (!s) {
        /* Without a session object no error text can be kept; the code says it. */
        if (!initialized)
            MPI_Finalize();
        return RV_ENOMEM;
    }
    s->owns_mpi = !initialized;
    /* Serve allocations of 1 MiB and more with mmap, and keep that threshold fixed
     * (glibc otherwise raises it after frees): the large arrays of a load are then
     * returned to the system when freed, so memory after the load is what the graph
     * really holds. */
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    s->log_level = RV_LOG_WARN;
    s->log_sink = stderr_sink;
    /* A private communicator keeps our collectives apart from the caller's. */
    MPI_Comm_dup(MPI_COMM_WORLD, &s->comm);
    /* Errors are handled by return codes, never by MPI aborting the job. */
    MPI_Comm_set_errhandler(s->comm, MPI_ERRORS_RETURN);
    MPI_Comm_rank(s->comm, &s->rank);
    MPI_Comm_size(s->comm, &s->size);
    int status = rv__comm_setup(s);
    status = rv__session_agree(s, status);
    if (status != RV_OK) {
        rv_session_close(&s);
        return status;
    }
    *out = s;
    return RV_OK;
}

void rv_session_close(rv_session **session)
{
    rv_session *s = session ? *session : NULL;
    if (!s)
        return;
    rv__comm_teardown(s);
    MPI_Comm_free(&s->comm);
    if (s->owns_mpi)
        MPI_Finalize();
    free(s);
    *session = NULL;
}

int rv_session_rank(const rv_session *session) { return session->rank; }
int rv_session_size(const rv_session *session) { return session->size; }
const char *rv_session_last_error(const rv_session *session) { return session->last_error; }

void rv_session_set_log(rv_session *session, rv_log_level level,
                        void (*sink)(rv_log_level, int, const char *, void *), void *arg)
{
    session->log_level = level;
    session->log_sink = sink;
    session->log_arg = arg;
}

int rv__session_fail(rv_session *session, int status, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    vsnprintf(session->last_error, sizeof session->last_error, format, ap);
    va_end(ap);
    return status;
}

int rv__session_agree_keyed(rv_session *s, int status, uint64_t error_key)
{
    /* One reduction finds the winning error: (failed ? key : UINT64_MAX, rank) by
     * minimum. Keys are capped below UINT64_MAX so a failure always sorts first. */
    uint64_t key = status == RV_OK ? UINT64_MAX : (error_key < UINT64_MAX - 1 ? error_key : UINT64_MAX - 1);
    if (rv__comm_allreduce_u64(s, &key, 1, RV__REDUCE_MIN) != RV_OK)
        return rv__session_fail(s, RV_EMPI, "MPI reduction failed while agreeing on an error");
    if (key == UINT64_MAX)
        return RV_OK;
    /* Ties on the key go to the lowest rank; the failure path may cost a second reduction. */
    uint64_t candidate = (status != RV_OK && (error_key < UINT64_MAX - 1 ? error_key : UINT64_MAX - 1) == key)
                             ? (uint64_t)s->rank : UINT64_MAX;
    if (rv__comm_allreduce_u64(s, &candidate, 1, RV__REDUCE_MIN) != RV_OK)
        return rv__session_fail(s, RV_EMPI, "MPI reduction failed while agreeing on an error");
    /* The winner broadcasts its code and text so every rank reports the same line. */
    int root = (int)candidate;
    int code = status;
    MPI_Bcast(&code, 1, MPI_INT, root, s->comm);
    MPI_Bcast(s->last_error, (int)sizeof s->last_error, MPI_CHAR, root, s->comm);
    return code;
}

int rv__session_agree(rv_session *session, int status)
{
    return rv__session_agree_keyed(session, status, 0);
}

void rv__log(const rv_session *session, rv_log_level level, const char *format, ...)
{
    if (!session->log_sink || level > session->log_level)
        return;
    char line[512];
    va_list ap;
    va_start(ap, format);
    vsnprintf(line, sizeof line, format, ap);
    va_end(ap);
    session->log_sink(level, session->rank, line, session->log_arg);
}

double rv__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
