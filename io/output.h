/* output.h — writing `id value` lines in ascending id order from all ranks at once (the writer behind rv_job_write()). */
#ifndef RV_IO_OUTPUT_H
#define RV_IO_OUTPUT_H

#include <stddef.h>

#include "rivulet.h"

/* Writes one `id value` line per record, in ascending id order over all ranks, to
 * @p path (a shared file, written with MPI-IO) or to standard output from rank 0 when
 * @p path is NULL or "-". *@p records (malloc'd) holds this rank's @p n records, each
 * an 8-byte id followed by @p value_size bytes, ascending by id; the writer takes it
 * over, frees it as soon as it is sent, and sets *records to NULL. @p format writes a
 * value as text (less than 64 bytes). Collective; returns an agreed status. */
int rv__output_write_records(rv_session *session, unsigned char **records, size_t n, size_t value_size,
                             size_t (*format)(const void *value, char *buffer, size_t capacity, void *user), void *user,
                             const char *path);

#endif /* RV_IO_OUTPUT_H */
