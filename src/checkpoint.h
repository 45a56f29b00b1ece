/* checkpoint.h — a job's checkpoints in the chunk store: writing one every N supersteps (checkpoint.c), the state format (checkpoint_state.c), and resuming (resume.c).
 *
 * Who does what. io/chunkstore.h knows directories, files, manifests and checksums,
 * locally. This module makes it collective: it turns the job into per-rank state
 * blobs, cuts them into chunks, places the replicas on distinct ranks (and hosts),
 * moves them over MPI, agrees that all are durable before rank 0's manifest is
 * written everywhere, and on resume reads, verifies, repairs and redistributes them.
 */
#ifndef RV_CHECKPOINT_H
#define RV_CHECKPOINT_H

#include "comm.h"
#include "io/chunkstore.h"
#include "job.h"

/* Everything a job needs to checkpoint and resume; lives in rv_job.checkpointer. */
typedef struct rv__checkpointer {
    char *dir;                 /* as the user gave it, for messages */
    rv__store_pattern pattern;
    uint64_t every;
    int replicas;              /* already capped at P */
    uint64_t chunk_bytes;
    int keep;
    char *parameters, *input;  /* the caller's identity lines ("" when not given) */
    char **hosts;              /* [P] each rank's host name, pointing into host_names */
    char *host_names;
    int *host_id;              /* [P] ranks with the same host name share an id */
    char storage[RV__STORE_PATH_MAX]; /* this rank's storage directory */
    bool resumed;              /* the job continued from a checkpoint (fault injection skips it) */
    rv_checkpoint_stats stats;
} rv__checkpointer;

void rv__checkpointer_free(rv__checkpointer **c);

/* The engine's hook before the first superstep: a job that does not resume refuses a
 * directory that already holds checkpoints. Collective. */
int rv__checkpoint_before_run(rv_job *job);

/* The engine's hook at the end of every superstep (after job->superstep was advanced):
 * fault injection, and a checkpoint when one is due and the job goes on. @p reduced
 * are the aggregators as reduced, before the master hook changed anything. Collective;
 * returns the agreed status. */
int rv__checkpoint_after_superstep(rv_job *job, const rv__reduce_slot *reduced);

/* ---- The state of one rank (checkpoint_state.c) ------------------------------------
 * A blob: a header, then one self-contained record per vertex (id, halted flag,
 * value, pending messages, per-edge state) in the rank's local order, then a
 * topology section. Records are
 * keyed by vertex id, so they can be routed to whichever rank owns the vertex in the
 * resuming job. The topology section carries the graph changes made since the load;
 * the engine cannot change topology yet, so it is always empty, and a non-empty one
 * is refused. */

/* Serialises this rank's share of @p job into @p out. RV_ENOMEM. */
int rv__state_save(const rv_job *job, rv__buffer *out);

/* One record found in a blob. */
typedef struct rv__state_record {
    uint64_t id;
    const unsigned char *data; /* the whole record */
    size_t bytes;
} rv__state_record;

/* Checks a blob's header against @p job and calls @p visit for each of its records.
 * RV_EPARSE (or the first non-zero status from @p visit) with the session's error set. */
int rv__state_records(const rv_job *job, const unsigned char *blob, size_t bytes, const char *what,
                      int (*visit)(const rv__state_record *record, void *arg), void *arg);

/* Applies records to @p job: the vertex must be local and seen once. @p seen has a
 * byte per local vertex; @p hint (start at 0) speeds up records that come in this
 * rank's local order. RV_EPARSE with the session's error set. */
int rv__state_apply(rv_job *job, const unsigned char *record, size_t bytes, uint8_t *seen, size_t *hint);
/* Finishes a restore: every local vertex must have been seen; the inbox is rebuilt. */
int rv__state_apply_done(rv_job *job, const uint8_t *seen);

/* ---- Moving chunks between ranks ---------------------------------------------------- */

/* A parcel: bytes for one rank, with what they are. */
typedef struct rv__parcel {
    int to;                 /* destination rank */
    uint32_t file, index;   /* which chunk */
    int32_t storage;        /* whose storage it is for (repairs), or -1 */
    uint64_t bytes;
    const void *data;
} rv__parcel;

/* What arrives: a header followed by the bytes. */
typedef struct rv__parcel_header {
    uint32_t file, index;
    int32_t storage;
    uint32_t pad;
    uint64_t bytes;
} rv__parcel_header;

/* Sends every parcel to its rank in one all-to-all; @p recv receives the parcels for
 * this rank (headers and bytes, one after another). Collective. */
int rv__parcels_exchange(rv_session *s, const rv__parcel *parcels, size_t n, rv__buffer *recv);

/* ---- Resuming (resume.c) ------------------------------------------------------------ */

/* rv_job_resume(). */
int rv__checkpoint_resume(rv_job *job);

/* The engine's part of a checkpoint's identity, compared on resume: the graph's
 * fingerprint (counts and input checksums) and the program's layout (sizes, combiner,
 * aggregator kinds, byte order). */
void rv__checkpoint_describe_graph(const rv_job *job, char *out, size_t capacity);
void rv__checkpoint_describe_layout(const rv_job *job, char *out, size_t capacity);

#endif /* RV_CHECKPOINT_H */
