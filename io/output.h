/* output.h — writing `id text` lines in ascending id order from records spread over all ranks (rv_job_write() and the stream's change sets). */
#ifndef RV_IO_OUTPUT_H
#define RV_IO_OUTPUT_H

#include <stddef.h>

#include "session.h"

/* Formats one record's payload (what follows its 8-byte id) without a newline;
 * returns the length, below @p capacity (64 bytes are always given). */
typedef size_t (*rv__output_format)(const unsigned char *payload, char *buffer, size_t capacity, void *arg);

/* Writes @p n records of @p record_bytes each (an 8-byte id, then a payload), which
 * this rank holds in ascending id order, as `id text` lines: all ranks' lines in
 * ascending id order, to the file @p path (MPI-IO), a device or FIFO, or standard
 * output (NULL or "-", through rank 0). Collective. */
int rv__output_write_records(rv_session *session, const unsigned char *records, size_t n, size_t record_bytes,
                             rv__output_format format, void *arg, const char *path);

#endif /* RV_IO_OUTPUT_H */
