/* stream_log.h — the stream's write-ahead log in the replicated chunk store: appending a batch on R ranks before it is acknowledged, and recovering the log on resume.
 *
 * Every batch is one record (io/wal.h) with R replicas in the storage directories of
 * distinct ranks (the writer, rank 0, first; the second on another host when there
 * is one: the checkpoints' placement). Appending is collective: every rank is at the
 * batch boundary anyway, and a record counts as logged (may be acknowledged) only
 * once every replica is durable. Recovery reads every record after a given batch
 * from the first replica that verifies, re-creates missing or damaged replicas, cuts
 * off a torn last record (its writer died before all replicas were durable, so it
 * was never acknowledged), and refuses a log written by another job.
 */
#ifndef RV_STREAM_LOG_H
#define RV_STREAM_LOG_H

#include <stdbool.h>
#include <stdint.h>

#include "comm.h"
#include "session.h"

typedef struct rv__stream_log rv__stream_log;

/* Opens the log under directory pattern @p dir (%r, %h as for checkpoints), with
 * @p replicas copies per record (0: 3; capped at the number of ranks), for the job
 * described by @p identity (algorithm, parameters, input: a log of another job is
 * refused). Collective; agreed status. */
int rv__stream_log_open(rv_session *s, const char *dir, int replicas, const char *identity, rv__stream_log **out);
void rv__stream_log_free(rv__stream_log **log);

/* The highest batch number found in any replica (before recovery: unverified). */
uint64_t rv__stream_log_last(const rv__stream_log *log);

/* Logs batch @p sequence (the record is rank 0's; the others pass NULL, 0) and makes
 * every replica durable. @p resumed turns fault injection off. Collective. */
int rv__stream_log_append(rv__stream_log *log, rv_session *s, uint64_t sequence, const void *record, size_t bytes,
                          bool resumed);

/* Recovers the records after batch @p after: on rank 0, @p records receives them in
 * order, each as u64 sequence, u64 bytes, then the bytes. Repairs replicas, cuts off
 * a torn last record, and fails (agreed) on a record lost in every replica, a gap,
 * or a record of another job. Collective. */
int rv__stream_log_recover(rv__stream_log *log, rv_session *s, uint64_t after, rv__buffer *records);

/* Removes the records up to batch @p upto (a checkpoint covers them) from this
 * rank's storage. Collective (it only agrees). */
int rv__stream_log_forget(rv__stream_log *log, rv_session *s, uint64_t upto);

#endif /* RV_STREAM_LOG_H */
