/* fault.c — RV_FAULT: kills or stops one rank at a chosen superstep and point, for the checkpoint tests (see fault.h). */
#define _POSIX_C_SOURCE 200809L /* kill() */

#include "fault.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const point_names[] = {
    [RV__FAULT_BEFORE_CHECKPOINT] = "before-checkpoint",
    [RV__FAULT_MID_CHUNK_WRITE] = "mid-chunk-write",
    [RV__FAULT_BEFORE_MANIFEST] = "before-manifest",
    [RV__FAULT_AFTER_MANIFEST] = "after-manifest",
    [RV__FAULT_STOP] = "stop",
    [RV__FAULT_MID_LOG_WRITE] = "mid-log-write",
    [RV__FAULT_BEFORE_ACK] = "before-ack",
    [RV__FAULT_MID_APPLY] = "mid-apply",
};

bool rv__fault_armed(const rv_session *s, uint64_t superstep, rv__fault_point point, bool resumed)
{
    const char *spec = getenv("RV_FAULT");
    if (!spec || !*spec || resumed)
        return false;
    char *end;
    long rank = strtol(spec, &end, 10);
    if (end == spec || *end != ':' || rank != s->rank)
        return false;
    const char *at = end + 1;
    unsigned long long step = strtoull(at, &end, 10);
    if (end == at || step != superstep)
        return false;
    const char *name = *end == ':' ? end + 1 : point_names[RV__FAULT_BEFORE_CHECKPOINT];
    if (*end != ':' && *end != '\0')
        return false;
    return strcmp(name, point_names[point]) == 0;
}

void rv__fault_fire(const rv_session *s, uint64_t superstep, rv__fault_point point)
{
    /* One write, straight to the descriptor: nothing buffered is lost to the kill. */
    char line[160];
    int n = snprintf(line, sizeof line, "rivulet[%d] fault injection (RV_FAULT): %s rank %d at superstep %llu, %s\n",
                     s->rank, point == RV__FAULT_STOP ? "stopping" : "killing", s->rank,
                     (unsigned long long)superstep, point_names[point]);
    if (n > 0 && write(STDERR_FILENO, line, (size_t)n) < 0) {
        /* Nothing to do: the process is about to end anyway. */
    }
    kill(getpid(), point == RV__FAULT_STOP ? SIGSTOP : SIGKILL);
}

void rv__fault_check(const rv_session *s, uint64_t superstep, rv__fault_point point, bool resumed)
{
    if (rv__fault_armed(s, superstep, point, resumed))
        rv__fault_fire(s, superstep, point);
}
