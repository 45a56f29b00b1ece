/* fault.h — deterministic fault injection for the tests of checkpoints and resume: RV_FAULT makes one rank die at a chosen point.
 *
 * RV_FAULT=RANK:SUPERSTEP[:POINT] kills rank RANK (with SIGKILL: no clean-up, no MPI
 * finalisation, like a machine that dies) when the job reaches POINT at superstep
 * SUPERSTEP, where superstep S means "after S supersteps completed", the numbering of
 * checkpoints. Points:
 *   before-checkpoint  at the end of the superstep, where a checkpoint would start (default)
 *   mid-chunk-write    half-way through writing this rank's first chunk of checkpoint S
 *   before-manifest    after every replica of checkpoint S is durable, before any manifest
 *   after-manifest     after this rank wrote its copy of the manifest, before old checkpoints go
 *   stop               like before-checkpoint, but the rank stops itself (SIGSTOP), so that
 *                      a test can kill it from outside with a real `kill -9`
 * In a stream (src/stream.c, src/stream_log.c) the number is a batch number, and its
 * checkpoints are numbered by batch too, so the checkpoint points above name them.
 * Its own points:
 *   mid-log-write      half-way through writing this rank's replica of batch S's log record
 *   before-ack         rank 0, once every replica of batch S is durable, before the ack
 *   mid-apply          after batch S's updates were applied to the graph, before its supersteps
 * A job that resumed from a checkpoint never injects: a supervised restart must not
 * die again at the same place.
 */
#ifndef RV_FAULT_H
#define RV_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include "session.h"

typedef enum {
    RV__FAULT_BEFORE_CHECKPOINT,
    RV__FAULT_MID_CHUNK_WRITE,
    RV__FAULT_BEFORE_MANIFEST,
    RV__FAULT_AFTER_MANIFEST,
    RV__FAULT_STOP,
    RV__FAULT_MID_LOG_WRITE,
    RV__FAULT_BEFORE_ACK,
    RV__FAULT_MID_APPLY
} rv__fault_point;

/* Whether RV_FAULT names this rank, @p superstep and @p point (never when @p resumed). */
bool rv__fault_armed(const rv_session *session, uint64_t superstep, rv__fault_point point, bool resumed);
/* Says what it does on stderr and kills (or stops) this process. */
void rv__fault_fire(const rv_session *session, uint64_t superstep, rv__fault_point point);
/* Both: fires when armed. */
void rv__fault_check(const rv_session *session, uint64_t superstep, rv__fault_point point, bool resumed);

#endif /* RV_FAULT_H */
