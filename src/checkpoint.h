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
    char *graph_identity;      /* the input graph's fingerprint, taken before any topology change */
    /* The master hook's inputs at every superstep so far (see rv__state_save): what a
     * resume replays so that a program's own state comes back. */
    rv__buffer history;
    int history_status;        /* RV_ENOMEM once the history could not grow */
    /* A stream's position ("batch=N line=L offset=O superstep=S"): written into its
     * checkpoints, and set by a resume from one (NULL otherwise). */
    char *stream_state;
    rv_checkpoint_stats stats;
} rv__checkpointer;

void rv__checkpointer_free(rv__checkpointer **c);

/* The engine's hook before the first superstep: a job that does not resume refuses a
 * directory that already holds checkpoints. Collective. */
int rv__checkpoint_before_run(rv_job *job);

/* Fails (agreed) when the checkpoint directory already holds checkpoints: a job that
 * does not resume must not mix its checkpoints with an earlier job's. Collective. */
int rv__checkpoint_refuse_existing(rv_job *job);

/* A stream's checkpoint at a batch boundary, numbered by the batch (the chunk store's
 * "superstep" is the batch number in a stream's directory), with @p stream_state
 * (rank 0's matters) recorded in the manifest. Collective. */
int rv__checkpoint_write_stream(rv_job *job, uint64_t batch, const char *stream_state);
/* The number of the oldest checkpoint kept (UINT64_MAX: none), agreed. Collective. */
int rv__checkpoint_oldest_kept(rv_job *job, uint64_t *oldest);

/* Every rank's host name (@p hosts point into @p host_names); ranks with the same
 * name get the same id in @p host_id. Collective. */
int rv__hosts_gather(rv_session *s, char **host_names, char ***hosts, int **host_id);
/* The ranks that hold chunk @p k of rank @p q's data, @p replicas of them on distinct
 * ranks, the second on another host when there is one, into chunk->replica. */
void rv__replicas_place(const int *host_id, int replicas, int P, int q, uint64_t k, rv__store_chunk *chunk);

/* The engine's hook at the end of every superstep (after job->superstep was advanced):
 * fault injection, and a checkpoint when one is due and the job goes on. @p reduced
 * are the aggregators as reduced, before the master hook changed anything. Collective;
 * returns the agreed status. */
int rv__checkpoint_after_superstep(rv_job *job, const rv__reduce_slot *reduced);

/* ---- The state of one rank (checkpoint_state.c) ------------------------------------
 * A blob: a header, then one self-contained record per vertex (id, halted flag,
 * value, pending messages, per-edge state) in the rank's local order, keyed by
 * vertex id so that records can be routed to whichever rank owns the vertex in the
 * resuming job; then the topology section, empty unless topology changes rebuilt
 * the graph since the load (it then holds every local vertex's out-edges); then, in
 * rank 0's blob only, the master hook's history (its inputs at every superstep). */

/* Serialises this rank's share of @p job into @p out, with @p history (may be NULL)
 * as the history section. RV_ENOMEM. */
int rv__state_save(const rv_job *job, const rv__buffer *history, rv__buffer *out);

/* A blob's sections. */
typedef struct rv__state_sections {
    const unsigned char *records;
    size_t records_bytes;
    uint64_t n_records;
    const unsigned char *topology;
    size_t topology_bytes;
    uint64_t n_topology_vertices; /* 0 when the graph was the input's */
    const unsigned char *history;
    size_t history_bytes;
} rv__state_sections;

/* Checks a blob's header against @p job and finds its sections. RV_EPARSE with the
 * session's error set (@p what names the blob). */
int rv__state_open(const rv_job *job, const unsigned char *blob, size_t bytes, const char *what,
                   rv__state_sections *out);

/* One record found in a blob. */
typedef struct rv__state_record {
    uint64_t id;
    const unsigned char *data; /* the whole record */
    size_t bytes;
} rv__state_record;

/* Calls @p visit for each record of a blob. RV_EPARSE (or the first non-zero status
 * from @p visit) with the session's error set. */
int rv__state_records(const rv_job *job, const rv__state_sections *sections, const char *what,
                      int (*visit)(const rv__state_record *record, void *arg), void *arg);

/* Replaces @p job's graph by the one that the topology sections of the blobs this
 * rank parsed describe (@p n of them), routing every vertex to its owner; the job's
 * per-vertex arrays and message store are made anew for it (a restore fills them).
 * Collective: every rank calls it, with its own sections. (checkpoint_topology.c) */
int rv__topology_rebuild(rv_job *job, const rv__state_sections *sections, size_t n);

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

/* The engine's part of a checkpoint's identity, compared on resume: the input
 * graph's fingerprint (counts and input checksums, as loaded) and the program's
 * layout (sizes, combiner, aggregator kinds, byte order). */
void rv__checkpoint_describe_graph(const rv_job *job, char *out, size_t capacity);
void rv__checkpoint_describe_layout(const rv_job *job, char *out, size_t capacity);

#endif /* RV_CHECKPOINT_H */
