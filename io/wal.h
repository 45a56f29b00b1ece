/* wal.h — the stream's write-ahead log: batches of accepted updates, made durable before they are acknowledged and replayed on resume.
 *
 * The interface the stream driver uses: append a record under a sequence number,
 * make everything appended durable, replay the records after a sequence number.
 * Records are opaque bytes to the log.
 *
 * PLACEHOLDER. The design wants this log in the replicated chunk store (io/chunkstore,
 * the checkpoint work), so that it survives the loss of a node. Until that lands,
 * io/wal_local.c implements the interface with one local file, fsync'd after every
 * append: it survives a killed job (kill -9), not a lost disk. Replacing it means
 * implementing these six functions; the driver does not change.
 */
#ifndef RV_IO_WAL_H
#define RV_IO_WAL_H

#include <stddef.h>
#include <stdint.h>

typedef struct rv__wal rv__wal;

/* Opens (creating it and its directory if needed) the log kept in @p directory, and
 * checks its records: a torn last record (a crash in the middle of an append, which
 * was therefore never acknowledged) is cut off. RV_EIO with a one-line reason in
 * @p error when the directory or log cannot be used; RV_EPARSE when a record in the
 * middle is damaged. */
int rv__wal_open(const char *directory, rv__wal **out, char *error, size_t error_capacity);
/* The sequence number of the last record, 0 for an empty log. */
uint64_t rv__wal_last_sequence(const rv__wal *wal);
/* Appends one record; @p sequence must be larger than every earlier one. Not durable
 * until rv__wal_sync(). RV_EIO on failure. */
int rv__wal_append(rv__wal *wal, uint64_t sequence, const void *record, size_t bytes, char *error,
                   size_t error_capacity);
/* Makes every appended record durable. RV_EIO on failure. */
int rv__wal_sync(rv__wal *wal, char *error, size_t error_capacity);
/* Calls @p visit for every record with a sequence number above @p after, in order;
 * stops early with @p visit's status when it is not RV_OK. */
int rv__wal_replay(rv__wal *wal, uint64_t after,
                   int (*visit)(uint64_t sequence, const void *record, size_t bytes, void *arg), void *arg,
                   char *error, size_t error_capacity);
void rv__wal_close(rv__wal **wal);

#endif /* RV_IO_WAL_H */
