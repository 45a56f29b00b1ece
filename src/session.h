/* session.h — the MPI world of a run, the last-error text, logging, and collective error agreement. */
#ifndef RV_SESSION_H
#define RV_SESSION_H

#include <mpi.h>
#include <stdarg.h>

#include "rivulet.h"

struct rv_session {
    MPI_Comm comm;
    int rank;
    int size;
    bool owns_mpi;       /* rv_session_open() called MPI_Init, so close finalises */
    MPI_Datatype slot_type; /* one reduction slot (see comm.c) */
    MPI_Op slot_op;
    rv_log_level log_level;
    void (*log_sink)(rv_log_level level, int rank, const char *line, void *arg);
    void *log_arg;
    char last_error[512];
};

/* Records a local error: formats the detail into the session's last-error text and
 * returns @p status, so that `return rv__session_fail(s, RV_EIO, "...")` reads well.
 * Local: the other ranks learn of it at the next rv__session_agree(). */
int rv__session_fail(rv_session *session, int status, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Agrees on one status across all ranks. Every rank passes its local status; when any
 * rank failed, every rank returns the same failure code and holds the same
 * last-error text: the error with the smallest @p error_key wins (ties: lowest rank),
 * so that, for example, the first bad line of a file is the one reported whatever
 * the number of ranks. Collective. */
int rv__session_agree_keyed(rv_session *session, int status, uint64_t error_key);
int rv__session_agree(rv_session *session, int status);

/* Logs one line through the session's sink if @p level is enabled. */
void rv__log(const rv_session *session, rv_log_level level, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Seconds from a monotonic clock. */
double rv__now(void);

#endif /* RV_SESSION_H */
