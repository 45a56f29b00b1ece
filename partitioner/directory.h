/* directory.h — which part each vertex is in, when a partition (METIS or a file) placed it: a map from id to part spread over the ranks by hash.
 *
 * Like the GFS master's chunk table, but sharded so that no rank holds the whole
 * map: the entry of vertex v lives on rank hash_owner(v), so each rank keeps about
 * n/P entries, and anyone learns the part of v by asking that rank. Lookups come in
 * batches and are collective (one all-to-all of questions, one of answers).
 */
#ifndef RV_PARTITIONER_DIRECTORY_H
#define RV_PARTITIONER_DIRECTORY_H

#include <stddef.h>
#include <stdint.h>

#include "rivulet.h"

/* This rank's shard: the vertices whose hash owner is this rank, ascending by id. */
typedef struct rv__directory {
    uint64_t *id;  /* [n] ascending */
    int32_t *part; /* [n] */
    size_t n;
} rv__directory;

/* Builds the directory from @p n entries (ids[i] is in part parts[i]) that any rank
 * may hold: each entry travels to the hash owner of its id, which sorts its shard by
 * id. @p tags, when not NULL, is a value per entry carried along (a line number, for
 * errors); *tags_out then receives them in the shard's order (release with free()).
 * An id given twice is kept twice, side by side in the shard: the caller decides
 * whether that is an error. Collective; returns an agreed status. */
int rv__directory_build(rv_session *session, const uint64_t *ids, const int32_t *parts, const uint64_t *tags, size_t n,
                        rv__directory *out, uint64_t **tags_out);

/* The part of @p id from this rank's shard, or -1 when the shard has no entry for it.
 * Local: meaningful only on the hash owner of @p id. */
int32_t rv__directory_find(const rv__directory *directory, uint64_t id);

/* The part of each of @p ids[n] (any ids, any rank's) into @p parts, -1 for an id the
 * directory does not know. Collective; returns an agreed status. */
int rv__directory_lookup(rv_session *session, const rv__directory *directory, const uint64_t *ids, size_t n,
                         int32_t *parts);

/* Bytes the shard holds. */
uint64_t rv__directory_bytes(const rv__directory *directory);

void rv__directory_destroy(rv__directory *directory);

#endif /* RV_PARTITIONER_DIRECTORY_H */
