/* wal.h — the local half of the stream's write-ahead log: one file per logged batch in a storage directory, with a CRC-32C, written durably and read back verified.
 *
 * The log is kept in the chunk store's storage directories (chunkstore.h: a
 * directory pattern with %r and %h, one storage directory per rank). Every batch is
 * a *record*: sequence number (the batch number), the identity of the job that wrote
 * it, and an opaque payload, with a CRC-32C over all of it. A record is one file,
 *     STORAGE/log-SSSSSSSSSSSS.rec
 * and has R replicas in the storage of distinct ranks. A file whose checksum fails
 * was being written when its writer died (it cannot have been acknowledged) or was
 * damaged since; either way another replica is used.
 *
 * Not responsible for: choosing which ranks hold a record, moving records between
 * ranks, or agreeing (src/stream_log.c does). Nothing here uses MPI.
 */
#ifndef RV_IO_WAL_H
#define RV_IO_WAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chunkstore.h"

/* The path of record @p sequence in @p storage, into @p out (RV__STORE_PATH_MAX
 * bytes). RV_ELIMIT when too long. */
int rv__wal_record_path(const char *storage, uint64_t sequence, char *out);

/* Writes record @p sequence into @p storage and makes it durable (file and
 * directory fsync'd). With @p torn, only half of it is written and it is not synced
 * (fault injection: the writer dies there). RV_EIO with a reason in @p error. */
int rv__wal_write(const char *storage, uint64_t sequence, uint32_t identity, const void *payload, size_t bytes,
                  bool torn, char *error, size_t error_capacity);

/* Reads and verifies record @p sequence from @p storage: on RV__REPLICA_OK,
 * *payload (a new buffer, free() it), *bytes and *identity are set; otherwise @p why
 * says what is wrong (missing, corrupt: a wrong size or checksum, unreadable). */
rv__replica_state rv__wal_read(const char *storage, uint64_t sequence, void **payload, size_t *bytes,
                               uint32_t *identity, char *why, size_t why_capacity);

/* The sequence numbers of the record files in @p storage (verified or not), sorted,
 * in a new array (*n may be 0; free() it). A missing directory has none. RV_ENOMEM. */
int rv__wal_list(const char *storage, uint64_t **sequences, size_t *n);

/* Removes record @p sequence from @p storage; one that is already gone is not an
 * error. The directory is synced afterwards by rv__store_fsync_dir() if wanted. */
int rv__wal_remove(const char *storage, uint64_t sequence, char *error, size_t error_capacity);

#endif /* RV_IO_WAL_H */
