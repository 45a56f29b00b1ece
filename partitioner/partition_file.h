/* partition_file.h — partition files: one `id part` line per vertex of the graph (written in ascending id order), read back into a directory. */
#ifndef RV_PARTITIONER_PARTITION_FILE_H
#define RV_PARTITIONER_PARTITION_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "directory.h"
#include "rivulet.h"

/* Reads the partition file @p path into @p out, every rank its own byte range, each
 * entry going to the directory shard of its id's hash owner; parts must lie in
 * [0, n_parts). Then checks the file against the graph's vertices: @p vertices
 * (ascending, @p n_vertices of them) are the vertices whose hash owner is this rank.
 * Refuses, with RV_EPARSE and one line naming the file (and the line where there is
 * one): a malformed line, a part out of range, an id listed twice, an id that is not
 * a vertex, a vertex without a line. The first bad line of the file is reported,
 * whatever the number of ranks. Collective; returns an agreed status. */
int rv__partition_file_read(rv_session *session, const char *path, int n_parts, const uint64_t *vertices,
                            size_t n_vertices, rv__directory *out);

/* Writes `id part` lines in ascending id order to @p path (standard output when NULL
 * or "-"), from this rank's @p n
 * vertices @p ids (ascending) and their @p parts. Collective; returns an agreed
 * status. */
int rv__partition_file_write(rv_session *session, const char *path, const uint64_t *ids, const int32_t *parts,
                             size_t n);

#endif /* RV_PARTITIONER_PARTITION_FILE_H */
