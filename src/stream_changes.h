/* stream_changes.h — what changed in a stream's result after a batch, and writing it (see stream_changes.c). */
#ifndef RV_STREAM_CHANGES_H
#define RV_STREAM_CHANGES_H

#include <stdbool.h>
#include <stdint.h>

#include "job.h"

/* This rank's result after the last batch: ids ascending, with their values. */
typedef struct rv__stream_result {
    uint64_t *ids;
    unsigned char *values;
    size_t n, capacity;
    size_t value_size;
    unsigned char *scratch; /* an aligned value, for formatting an old one */
} rv__stream_result;

void rv__stream_result_destroy(rv__stream_result *result);

/* Compares the job's result with @p result (every vertex, or with @p incremental
 * only those marked in job->dirty), makes @p result the new one, and writes what
 * @p emit asks for: the changed vertices (`id value`, `id removed`) or a snapshot, to
 * OUTPUT_DIR/batch-NNNNNN.changes or .snapshot, or to standard output after a
 * `# batch N` line when @p output_dir is NULL. *changed receives the number of
 * vertices whose output changed, over all ranks. Collective. */
int rv__stream_result_emit(rv__stream_result *result, rv_job *job, uint64_t batch, bool incremental, rv_emit_kind emit,
                           const char *output_dir, uint64_t *changed);

#endif /* RV_STREAM_CHANGES_H */
