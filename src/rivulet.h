/* rivulet.h — the public API of rivulet, a Pregel/BSP graph processing framework on MPI.
 *
 * A user writes a *vertex program* (an ::rv_program descriptor plus a few callbacks),
 * loads a graph with rv_graph_load(), and runs the program with rv_job_run(). The
 * engine partitions the graph over the MPI ranks, calls the program's compute()
 * once per active vertex per superstep, moves messages between ranks in one bulk
 * exchange per superstep, and stops when no vertex is active and no message is in
 * flight.
 *
 * Ownership and lifetimes (stated once, here):
 *  - The engine owns vertex values, edges and message buffers. Every pointer the
 *    engine passes to a callback (value, messages, edge values, the context) is
 *    valid only during that call.
 *  - rv_send() and friends copy the message; the caller may reuse its buffer.
 *  - The ::rv_program descriptor, its aggregator table and its @c user pointer must
 *    outlive every job that uses them. Parameters reach a program through @c user,
 *    never through globals.
 *  - Objects made by rv_X_new()/rv_X_open()/rv_X_load() are released by the matching
 *    rv_X_free()/rv_X_close(), which take a pointer to the handle, set it to NULL and
 *    accept NULL.
 *
 * Errors: every function that can fail returns ::RV_OK (0) or a negative RV_E* code;
 * rv_strerror() names the code and rv_session_last_error() gives the detail (one line,
 * naming file and line where there is one). Functions documented as *collective*
 * must be called by every rank of the session, and return the same status on every
 * rank: an error on one rank never leaves the others waiting.
 */
#ifndef RIVULET_H
#define RIVULET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Version of this header's ABI, raised whenever a public struct changes layout. A
 *  program or plug-in built against another version is refused with a clear error. */
#define RV_API_VERSION 4

/** A vertex id: any integer in [0, 2^63 - 1]. Ids need not be dense or start at 0. */
typedef uint64_t rv_id;
/** The largest valid vertex id, 2^63 - 1. */
#define RV_ID_MAX ((rv_id)INT64_MAX)

/** Status codes. */
enum {
    RV_OK = 0,
    RV_EINVAL = -1,    /**< invalid argument, option or parameter */
    RV_ENOMEM = -2,    /**< out of memory */
    RV_EIO = -3,       /**< a file could not be opened, read or written */
    RV_EPARSE = -4,    /**< malformed input */
    RV_EMPI = -5,      /**< the MPI layer failed */
    RV_ENOTFOUND = -6, /**< unknown name (algorithm, option, vertex) */
    RV_ELIMIT = -7,    /**< a size limit of this build was exceeded */
    RV_EVERSION = -8   /**< API version mismatch */
};

/** The library's version, "MAJOR.MINOR.PATCH". */
const char *rv_version(void);

/** The name of a status code ("invalid argument", ...). Never NULL. */
const char *rv_strerror(int status);

/* ------------------------------------------------------------------------- */
/** @name Session: the MPI world a run lives in */

typedef struct rv_session rv_session;

/** Log levels for rv_session_set_log(). */
typedef enum { RV_LOG_ERROR = 0, RV_LOG_WARN = 1, RV_LOG_INFO = 2, RV_LOG_DEBUG = 3 } rv_log_level;

/** Initialises MPI (unless the caller already did) and opens a session over
 *  MPI_COMM_WORLD. Collective. */
int rv_session_open(rv_session **out, int *argc, char ***argv);
/** Closes the session; finalises MPI if rv_session_open() initialised it. Collective. */
void rv_session_close(rv_session **session);
/** This process's rank, 0 .. size-1. */
int rv_session_rank(const rv_session *session);
/** The number of ranks. */
int rv_session_size(const rv_session *session);
/** The detail of the last error, one line without a trailing newline ("" if none).
 *  After a collective call failed, every rank holds the same text. */
const char *rv_session_last_error(const rv_session *session);
/** Library messages at or below @p level go to @p sink (default: stderr, level
 *  RV_LOG_WARN, rank-prefixed). @p sink may be NULL to silence the library. */
void rv_session_set_log(rv_session *session, rv_log_level level,
                        void (*sink)(rv_log_level level, int rank, const char *line, void *arg), void *arg);

/* ------------------------------------------------------------------------- */
/** @name Graph loading */

typedef struct rv_graph rv_graph;

/** How the owner rank of each vertex is chosen. */
typedef enum {
    RV_PARTITION_HASH = 0, /**< owner = mix64(id) mod P */
    /** METIS when there are several ranks and the graph is within METIS's limits (2^31 - 1
     *  adjacency entries) and fits in the memory of rank 0, where METIS runs; otherwise
     *  hash, and rv_partition_stats.notice says why. */
    RV_PARTITION_AUTO,
    /** METIS_PartGraphKway on the undirected structure of the graph, with vertex weights
     *  1 + out-degree. A graph METIS cannot take is refused with RV_ELIMIT. */
    RV_PARTITION_METIS,
    /** The parts listed in rv_load_options.partition_file (`id part` lines, as
     *  rv_graph_write_partition() writes them). */
    RV_PARTITION_FILE
} rv_partition_kind;

/** Options for rv_graph_load(). Zero-initialise, then set what you need. */
typedef struct rv_load_options {
    /** Edge-list file: `src dst [weight]` per line. Required. */
    const char *edge_file;
    /** Optional vertex file, one id per line (further columns ignored): its ids are
     *  vertices of the graph even when no edge names them (isolated vertices). */
    const char *vertex_file;
    /** Every line is an edge in both directions. */
    bool undirected;
    /** Which column holds the weight: 0 = the third column when a line has one
     *  (plain edge lists), k > 0 = property column k (1-based, after src and dst),
     *  -1 = ignore weights (do not store them). */
    int weight_column;
    /** The largest number of property columns a line may have after src and dst
     *  (0 means the plain-edge-list default of 1). */
    int max_property_columns;
    /** Refuse negative weights (with file and line), as shortest paths need. NaN and
     *  infinite weights are always refused. */
    bool nonnegative_weights;
    /** Keep edge weights in memory (8 bytes per edge). When false, weights are
     *  validated but not stored. */
    bool keep_weights;
    rv_partition_kind partition;
    /** With RV_PARTITION_FILE: the partition file, one `id part` line per vertex with part
     *  in [0, P). A missing or unknown vertex, a part out of range, a repeated id or a
     *  malformed line is refused (RV_EPARSE, naming file and line). */
    const char *partition_file;
    /** METIS's allowed imbalance: no part's vertex weight may exceed this multiple of the
     *  mean (0 means the default, 1.05). */
    double imbalance;
    /** The most memory METIS may use on rank 0, in bytes (0: what the system reports as
     *  available there). Above it, RV_PARTITION_AUTO uses hash and RV_PARTITION_METIS fails. */
    uint64_t metis_max_bytes;
    /** With @c undirected, for a directed file read through its undirected view:
     *  remember which stored edges are the reverse of a line (the line `u v` also
     *  gives v the edge v→u), so that rv_edge_direction() tells RV_EDGE_OUT from
     *  RV_EDGE_IN. One byte per edge. */
    bool mark_reverse_edges;
} rv_load_options;

/** Loads a graph: every rank reads its own byte range of the files, edges travel to
 *  the owner of their source, and each rank builds a CSR of its vertices. Collective.
 *  On a malformed line the status is RV_EPARSE and the last error names file, line
 *  and problem. */
int rv_graph_load(rv_session *session, const rv_load_options *options, rv_graph **out);
/** Releases a graph. Collective. */
void rv_graph_free(rv_graph **graph);
/** The number of vertices of the whole graph. */
uint64_t rv_graph_n_vertices(const rv_graph *graph);
/** The number of directed edges of the whole graph (an undirected line counts twice). */
uint64_t rv_graph_n_edges(const rv_graph *graph);
/** Whether the graph stores edge weights. */
bool rv_graph_has_weights(const rv_graph *graph);

/** What a load did, the same on every rank. */
typedef struct rv_load_stats {
    uint64_t input_bytes;        /**< bytes of text read, all files, all ranks */
    double read_seconds;         /**< reading and parsing text */
    double partition_seconds;    /**< choosing owners and moving edges to them */
    double build_seconds;        /**< building the CSR and resolving edge targets */
    uint64_t graph_bytes_sum;    /**< bytes held by the graph structures, summed over ranks */
    uint64_t rss_before_bytes_sum; /**< resident memory before the load, summed over ranks */
    uint64_t rss_after_bytes_sum;  /**< resident memory after the load, summed over ranks */
} rv_load_stats;
/** Copies the load statistics of @p graph. */
void rv_graph_load_stats(const rv_graph *graph, rv_load_stats *out);

/** How a graph is partitioned and how good the partition is; the same on every rank. */
typedef struct rv_partition_stats {
    rv_partition_kind kind;   /**< what placed the vertices: HASH, METIS or FILE (never AUTO) */
    int n_parts;              /**< the number of parts */
    char notice[256];         /**< why RV_PARTITION_AUTO fell back to hash, or "" */
    double structure_seconds; /**< building the undirected structure and gathering it for METIS */
    double metis_seconds;     /**< METIS itself */
    double directory_seconds; /**< handing parts back and spreading them into the directory
                                   (for a partition file: reading and checking it) */
    double move_seconds;      /**< moving vertices and edges to their new owners */
    double rebuild_seconds;   /**< building the CSR again on the new owners */
    uint64_t edge_cut;        /**< directed edges whose two ends are in different parts */
    double edge_cut_fraction; /**< edge_cut over all directed edges (0 without edges) */
    uint64_t vertices_max;    /**< vertices of the largest part */
    double vertices_mean;
    uint64_t edges_max;       /**< out-edges of the part with the most */
    double edges_mean;
    uint64_t ghosts_max;      /**< ghost vertices (remote neighbours) of the rank with the most;
                                   0 for a partition written to a file */
    double ghosts_mean;
} rv_partition_stats;
/** Copies the partition statistics of @p graph. */
void rv_graph_partition_stats(const rv_graph *graph, rv_partition_stats *out);

/** Options for rv_graph_write_partition(). Zero-initialise, then set what you need. */
typedef struct rv_partition_options {
    int n_parts;              /**< parts to make (0: the number of ranks) */
    double imbalance;         /**< as rv_load_options.imbalance (0: 1.05) */
    uint64_t metis_max_bytes; /**< as rv_load_options.metis_max_bytes */
} rv_partition_options;
/** Partitions @p graph with METIS into options->n_parts parts and writes the partition
 *  to @p path (standard output, from rank 0, when NULL or "-") as `id part` lines in
 *  ascending id order, for a later load with RV_PARTITION_FILE on that many ranks. Does not move the graph. @p stats (may be
 *  NULL) receives the partition's quality. RV_ELIMIT when METIS cannot take the graph.
 *  Collective. */
int rv_graph_write_partition(rv_graph *graph, const rv_partition_options *options, const char *path,
                             rv_partition_stats *stats);

/* ------------------------------------------------------------------------- */
/** @name Vertex programs */

/** The engine's handle for one vertex during compute(); opaque. */
typedef struct rv_context rv_context;
/** The engine's handle for the master hook between supersteps; opaque. */
typedef struct rv_master rv_master;

/** Aggregator kinds: each reduces the contributions of one superstep over all
 *  vertices on all ranks; the result is readable during the next superstep. */
typedef enum {
    RV_AGG_SUM_DOUBLE,
    RV_AGG_MIN_DOUBLE,
    RV_AGG_MAX_DOUBLE,
    RV_AGG_SUM_INT64,
    RV_AGG_MIN_INT64,
    RV_AGG_MAX_INT64
} rv_aggregator_kind;

/** One aggregator of a program. */
typedef struct rv_aggregator_spec {
    const char *name;
    rv_aggregator_kind kind;
} rv_aggregator_spec;

/** Combiners the engine applies itself, without a function call per message: the
 *  fast path for the common cases. Each needs message_size == 8 (a double or an
 *  int64_t). */
typedef enum {
    RV_COMBINE_CUSTOM = 0, /**< use rv_program.combine (or no combiner when it is NULL) */
    RV_COMBINE_SUM_DOUBLE,
    RV_COMBINE_MIN_DOUBLE,
    RV_COMBINE_MAX_DOUBLE,
    RV_COMBINE_SUM_INT64,
    RV_COMBINE_MIN_INT64,
    RV_COMBINE_MAX_INT64
} rv_combiner;

/** rv_program.message_size for variable-size messages. */
#define RV_MESSAGE_VARIABLE ((size_t)0)

/** One variable-size message as compute() receives it: @c size bytes at @c data,
 *  which is aligned for any scalar type. */
typedef struct rv_message {
    const void *data;
    size_t size;
} rv_message;

/** What a batch of updates did to one vertex (see rv_program.repair; defined below). */
typedef struct rv_change rv_change;

/** A vertex program. Zero-initialise, then fill in. */
typedef struct rv_program {
    /** Must be RV_API_VERSION. */
    unsigned api_version;
    /** Short name, used in logs. */
    const char *name;
    /** Bytes per vertex value (> 0). */
    size_t value_size;
    /** Bytes per message, or RV_MESSAGE_VARIABLE for messages whose size varies (such
     *  a program has no combiner, and sends with the rv_send_*_bytes() functions). */
    size_t message_size;
    /** Bytes of program-defined state per out-edge (0: none). The engine keeps them
     *  for the job; compute() reads and writes them through rv_edge_value(). */
    size_t edge_value_size;
    /** Sets the initial state of out-edge @p i (optional; the state starts zeroed
     *  without it). Runs after init() for every edge; the context answers
     *  rv_vertex_id(), rv_out_degree(), rv_edge_target() and rv_edge_weight(). */
    void (*init_edge)(rv_context *ctx, uint64_t i, void *edge_value, void *user);
    /** Whether compute() reads edge weights (rv_edge_weight()); the graph must then be
     *  loaded with keep_weights. */
    bool uses_weights;
    /** Whether weights must be non-negative (checked at load, with file and line). */
    bool needs_nonnegative_weights;

    /** Sets the initial value of a vertex before superstep 0. Required. During init
     *  the context answers rv_vertex_id(), rv_out_degree(), rv_n_vertices(); sending is
     *  not allowed. */
    void (*init)(rv_context *ctx, void *value, void *user);
    /** Runs for every active vertex, and every vertex with messages, once per
     *  superstep. @p messages holds @p n_messages messages of message_size bytes each
     *  (one at most when the program has a combiner); with RV_MESSAGE_VARIABLE it is an
     *  array of @p n_messages ::rv_message instead. Every vertex is active at
     *  superstep 0. Required. */
    void (*compute)(rv_context *ctx, void *value, const void *messages, size_t n_messages, void *user);
    /** Optional combiner: folds @p message into @p accumulator. Must be commutative and
     *  associative: the engine combines on the sender and on the receiver in any order. */
    void (*combine)(void *accumulator, const void *message, void *user);
    /** A built-in combiner instead of @c combine (which is then ignored). */
    rv_combiner combiner;
    /** Optional master hook, run on every rank after each superstep's exchange, with
     *  the same inputs on every rank. Return false to stop the run. */
    bool (*master)(rv_master *master, void *user);
    /** Writes the value as text for output (no newline); returns the length, which
     *  must be less than @p capacity (64 bytes are always available). Required. */
    size_t (*format)(const void *value, char *buffer, size_t capacity, void *user);

    /** Aggregators, indexed by position in this table. */
    const rv_aggregator_spec *aggregators;
    size_t n_aggregators;
    /** The program's parameters; passed to every callback. */
    void *user;

    /** Incremental updates (rv_stream_run(), `rivulet stream`); optional. A program
     *  with repair() keeps its values from one batch of updates to the next and
     *  repairs them; without it, the stream recomputes from scratch after each batch.
     *  A batch is applied at rest: every vertex asleep and no message waiting (those
     *  a master hook left in flight are dropped). In the first superstep after it,
     *  every vertex the batch touched (added, or that gained or lost an edge) runs
     *  repair() instead of compute(), with what changed; it may send, aggregate and
     *  vote to halt as in compute(), and it is active unless it votes to halt.
     *  Supersteps then run as usual until no vertex is active and no message is in
     *  flight. */
    void (*repair)(rv_context *ctx, void *value, const rv_change *change, void *user);
    /** Optional: runs on every rank when a batch has been applied, before repair()
     *  (the same inputs everywhere; rv_master_superstep() is the last superstep run
     *  before the batch). Returning true makes every vertex run repair(), those the
     *  batch did not touch with an empty change; false, only the touched ones. */
    bool (*on_batch)(rv_master *master, void *user);
} rv_program;

/* Inside compute() (and init(), where stated). */

/** The id of the vertex being computed. */
rv_id rv_vertex_id(const rv_context *ctx);
/** Its number of out-edges. */
uint64_t rv_out_degree(const rv_context *ctx);
/** The target id of out-edge @p i (0 <= i < rv_out_degree()). */
rv_id rv_edge_target(const rv_context *ctx, uint64_t i);
/** The weight of out-edge @p i; 1.0 when the graph has no weights. */
double rv_edge_weight(const rv_context *ctx, uint64_t i);
/** Which way an input line ran for a stored edge. */
typedef enum {
    RV_EDGE_OUT = 1,  /**< this vertex → target: a directed line `this target` */
    RV_EDGE_IN = 2,   /**< target → this vertex: the reverse of the line `target this`
                           (graphs loaded undirected with mark_reverse_edges) */
    RV_EDGE_BOTH = 3  /**< an undirected line: both ways (graphs loaded undirected
                           without mark_reverse_edges) */
} rv_edge_direction_kind;
/** The direction of out-edge @p i, as a bit set: RV_EDGE_OUT, RV_EDGE_IN or both. */
rv_edge_direction_kind rv_edge_direction(const rv_context *ctx, uint64_t i);
/** An edge that a vertex lost in a batch of updates. */
typedef struct rv_removed_edge {
    rv_id target;
    double weight;                    /**< 1.0 when the graph has no weights */
    rv_edge_direction_kind direction; /**< what rv_edge_direction() said of it */
} rv_removed_edge;
/** What a batch of updates did to one vertex, as repair() sees it. Valid during the
 *  call only. */
struct rv_change {
    /** The batch added the vertex: init() has run (and init_edge() for its edges). */
    bool new_vertex;
    /** Its last n_added_edges out-edges are new (init_edge() has run for them); the
     *  others are the edges it had before, in their order. */
    uint64_t n_added_edges;
    /** The edges it lost, those into a removed vertex included. */
    const rv_removed_edge *removed;
    size_t n_removed;
};
/** The program's state for out-edge @p i (edge_value_size bytes, writable), or NULL
 *  when the program keeps none. */
void *rv_edge_value(rv_context *ctx, uint64_t i);
/** The current superstep, from 0. */
uint64_t rv_superstep(const rv_context *ctx);
/** The number of vertices of the whole graph. */
uint64_t rv_n_vertices(const rv_context *ctx);
/** Sends @p message along out-edge @p i (the fast path: no id lookup). */
void rv_send_edge(rv_context *ctx, uint64_t i, const void *message);
/** Sends @p message along every out-edge. */
void rv_send_all(rv_context *ctx, const void *message);
/** Sends @p message to any vertex by id (slower: the owner is looked up). A message to
 *  an id that is not a vertex of the graph fails the run with RV_ENOTFOUND. */
void rv_send(rv_context *ctx, rv_id target, const void *message);
/** Variable-size sends (programs with message_size RV_MESSAGE_VARIABLE; a program
 *  with fixed-size messages may use them with @p size == message_size). Up to
 *  4 GiB - 1 bytes per message; @p data is copied. */
void rv_send_edge_bytes(rv_context *ctx, uint64_t i, const void *data, size_t size);
void rv_send_all_bytes(rv_context *ctx, const void *data, size_t size);
void rv_send_bytes(rv_context *ctx, rv_id target, const void *data, size_t size);
/** Topology changes, requested by any vertex about any vertex or edge and applied at
 *  the end of the superstep, after its messages were delivered, in this order:
 *  edge removals, vertex removals, vertex additions, edge additions. Rules:
 *  removing the edge u→v removes every u→v edge that existed; removing a vertex
 *  removes its out-edges, every edge into it and the messages waiting for it;
 *  adding a vertex that exists changes nothing, but one removed in the same
 *  superstep starts afresh; adding an edge adds one edge (repeats add repeats) and
 *  creates its missing endpoints; @p weight is kept when the graph has weights.
 *  New vertices run init() (their edges init_edge()) and are active next
 *  superstep; a message by id to a vertex added in the same superstep reaches it.
 *  Everything else (values, halted state, edge state, waiting messages) stays. */
void rv_add_vertex(rv_context *ctx, rv_id id);
void rv_remove_vertex(rv_context *ctx, rv_id id);
void rv_add_edge(rv_context *ctx, rv_id source, rv_id target, double weight);
void rv_remove_edge(rv_context *ctx, rv_id source, rv_id target);
/** The vertex becomes inactive until a message arrives. */
void rv_vote_to_halt(rv_context *ctx);
/** Contributes to aggregator @p index this superstep. */
void rv_aggregate_double(rv_context *ctx, size_t index, double x);
void rv_aggregate_int64(rv_context *ctx, size_t index, int64_t x);
/** The value aggregator @p index reached in the previous superstep (the identity of
 *  its operation at superstep 0, or what the master hook set). */
double rv_aggregated_double(const rv_context *ctx, size_t index);
int64_t rv_aggregated_int64(const rv_context *ctx, size_t index);

/* Inside the master hook. */

/** The superstep that just finished. */
uint64_t rv_master_superstep(const rv_master *master);
/** The number of vertices of the whole graph. */
uint64_t rv_master_n_vertices(const rv_master *master);
/** The number of edges of the whole graph (directed: an undirected edge counts
 *  twice, as it is stored). */
uint64_t rv_master_n_edges(const rv_master *master);
/** Inside on_batch(): how many updates the batch just applied held (0 elsewhere). */
uint64_t rv_master_batch_updates(const rv_master *master);
/** Inside on_batch(): run this batch as the initial computation instead of
 *  repairing it: init() on every vertex, then compute() from superstep 0, with no
 *  repair() call. For a batch so large that repairing it would cost more than
 *  starting again; the next batch is repaired as usual. */
void rv_master_recompute(rv_master *master);
/** What aggregator @p index reached in the superstep that just finished. */
double rv_master_aggregated_double(const rv_master *master, size_t index);
int64_t rv_master_aggregated_int64(const rv_master *master, size_t index);
/** Ends the run with RV_EINVAL and @p message as the error text (the same on every
 *  rank, since the master hook sees the same inputs everywhere). */
void rv_master_fail(rv_master *master, const char *message);
/** Overrides the value vertices will read in the next superstep. */
void rv_master_set_double(rv_master *master, size_t index, double x);
void rv_master_set_int64(rv_master *master, size_t index, int64_t x);

/* ------------------------------------------------------------------------- */
/** @name Jobs: one program running on one graph */

typedef struct rv_job rv_job;

/** What one superstep did, summed over all ranks. */
typedef struct rv_superstep_stats {
    uint64_t superstep;
    uint64_t active_vertices; /**< vertices that ran compute() */
    uint64_t messages_sent;   /**< messages before combining */
    uint64_t bytes_exchanged; /**< bytes sent between ranks */
    double seconds;
} rv_superstep_stats;

/** Options for rv_job_run(). Zero-initialise, then set what you need. */
typedef struct rv_run_options {
    /** Stop after this many supersteps (0 = no limit). */
    uint64_t max_supersteps;
    /** Called on rank 0 after every superstep (may be NULL). */
    void (*on_superstep)(const rv_superstep_stats *stats, void *arg);
    void *arg;
} rv_run_options;

/** What a run did, the same on every rank. */
typedef struct rv_run_stats {
    uint64_t supersteps;
    uint64_t messages_sent;
    uint64_t bytes_exchanged;
    double seconds;
} rv_run_stats;

/** Prepares @p program on @p graph and runs init() on every vertex. Collective.
 *  Refuses a program whose api_version differs (RV_EVERSION) or that uses weights
 *  the graph does not have (RV_EINVAL). */
int rv_job_new(rv_graph *graph, const rv_program *program, rv_job **out);
/** Runs supersteps until no vertex is active and no message is in flight, the master
 *  hook says stop, or the superstep limit is reached. Collective. */
int rv_job_run(rv_job *job, const rv_run_options *options, rv_run_stats *stats);
/** Writes one `id value` line per vertex in ascending id order to @p path, or to
 *  standard output (from rank 0) when @p path is NULL or "-". Collective. */
int rv_job_write(rv_job *job, const char *path);
/** Calls @p visit for every vertex owned by this rank, in ascending id order. Local. */
void rv_job_foreach_local(const rv_job *job, void (*visit)(rv_id id, const void *value, void *arg), void *arg);
/** Releases a job. Collective. */
void rv_job_free(rv_job **job);

/* ------------------------------------------------------------------------- */
/** @name Checkpoints: a job's state in a replicated chunk store
 *
 * Every few supersteps each rank writes its share of the job's state (vertex values,
 * halted flags, the messages due next superstep, per-edge state, keyed by vertex id)
 * as chunks with a CRC-32C each, to several ranks' storage directories. The
 * aggregators, the superstep and the job's identity go into a manifest that is
 * written last, only once every replica is on disk; a crash at any moment therefore
 * leaves the previous checkpoint usable. A later job on the same graph (with any
 * number of ranks) continues from the newest one with rv_job_resume() and produces
 * what an uninterrupted run would have.
 *
 * The state is complete: after topology changes, the changed graph goes into the
 * checkpoint too. A program's own @c user data cannot be saved by the engine; but the
 * master hook depends only on its inputs, so on resume it is called again for every
 * superstep before the checkpoint, in order, with the number of vertices and the
 * aggregators it saw then: state that a master hook keeps in @c user data (PageRank's
 * base rank, LCC's number of waves) comes back. Parameters set before the run are the
 * caller's, as always.
 */

/** Where and how often a job checkpoints. Zero-initialise, then set what you need. */
typedef struct rv_checkpoint_options {
    /** Storage directory, required. May contain %r (the rank) and %h (the host name) so
     *  that every rank writes to a node-local disk; a directory without %r gets a
     *  subdirectory rank-R per rank. One job per directory at a time. */
    const char *dir;
    /** Checkpoint after every this many supersteps (0: never; resuming still works). */
    uint64_t every;
    /** Copies of every chunk, each on a different rank's storage (0: 3). Capped at the
     *  number of ranks (and at 16); with ranks on several hosts the second copy goes to
     *  another host. */
    int replicas;
    /** Bytes per chunk (0: 64 MiB). */
    uint64_t chunk_bytes;
    /** Committed checkpoints to keep (0: 2); older ones are removed after each commit. */
    int keep;
    /** One line naming the program's parameters. A resume refuses a checkpoint written
     *  with another text. May be NULL. */
    const char *parameters;
    /** One line describing how the input was loaded; compared like @c parameters. The
     *  engine adds the graph's own fingerprint (vertex and edge counts, and a CRC-32C of
     *  the input text), so the paths need not be part of it. May be NULL. */
    const char *input;
} rv_checkpoint_options;

/** What checkpoints and a resume did, the same on every rank. */
typedef struct rv_checkpoint_stats {
    uint64_t checkpoints;       /**< committed by this job */
    uint64_t last_superstep;    /**< superstep of the newest one (0 if none) */
    uint64_t state_bytes_max;   /**< the largest state of one rank, newest checkpoint */
    uint64_t state_bytes_sum;   /**< the whole state, one copy, newest checkpoint */
    uint64_t bytes_written;     /**< every replica of every checkpoint, all ranks */
    double write_seconds;       /**< wall time spent checkpointing, in all */
    double last_write_seconds;  /**< wall time of the newest checkpoint */
    bool resumed;               /**< rv_job_resume() found a checkpoint */
    uint64_t resumed_superstep; /**< the superstep the job continued from */
    int resumed_ranks;          /**< ranks of the job that wrote that checkpoint */
    uint64_t resume_bytes;      /**< state read, one copy */
    double resume_seconds;
    uint64_t replicas_bad;      /**< missing or corrupt replicas met while resuming */
    uint64_t replicas_repaired; /**< of those, re-created */
} rv_checkpoint_stats;

/** Makes @p job checkpoint as @p options say: checks the directory pattern, creates
 *  this rank's storage directory and learns the ranks' host names. Collective; call it
 *  after rv_job_new() and before rv_job_run() (RV_EINVAL after). The options' strings
 *  are copied. */
int rv_job_set_checkpoints(rv_job *job, const rv_checkpoint_options *options);
/** Continues @p job from the newest committed checkpoint in its checkpoint directory:
 *  refuses (RV_EINVAL) one written for another program, parameters or input; reads
 *  every chunk from the first replica whose checksum verifies, reports and re-creates
 *  missing or damaged replicas, and fails (RV_EIO, naming the chunk) only when every
 *  replica of a chunk is gone. The state is redistributed by vertex id, so the
 *  number of ranks may differ from the job that wrote it. When there is no checkpoint
 *  the job is left as it is, at superstep 0, and rv_job_checkpoint_stats() says
 *  resumed = false. Collective; after rv_job_set_checkpoints(), before rv_job_run(). */
int rv_job_resume(rv_job *job);
/** Copies what checkpointing and resuming did so far. */
void rv_job_checkpoint_stats(const rv_job *job, rv_checkpoint_stats *out);
/** The superstep @p job will run next (after rv_job_resume(), the one it continues from). */
uint64_t rv_job_superstep(const rv_job *job);

/** Memory use of the ranks, from the operating system (peak and current resident
 *  set size), gathered over all ranks. */
typedef struct rv_memory_stats {
    uint64_t peak_rss_bytes_max;  /**< the largest peak over ranks */
    uint64_t peak_rss_bytes_sum;  /**< peaks summed over ranks */
    uint64_t rss_bytes_sum;       /**< current RSS summed over ranks */
} rv_memory_stats;
/** Measures memory on every rank and combines it. Collective. @p per_rank_peak, when
 *  not NULL, receives every rank's peak RSS on rank 0 (size() entries). */
int rv_session_memory(rv_session *session, rv_memory_stats *out, uint64_t *per_rank_peak);

/* ------------------------------------------------------------------------- */
/** @name Graphalytics dataset descriptions */

/** The key = value pairs of a Java-style .properties file. */
typedef struct rv_properties rv_properties;
/** Reads @p path. Lines `key = value` or `key: value`; '#' and '!' start comments;
 *  blank lines are skipped. RV_EIO if unreadable, RV_EPARSE for a line without a
 *  separator (the reason, with file and line, goes to @p error). Local. */
int rv_properties_load(const char *path, rv_properties **out, char *error, size_t error_capacity);
/** The value of @p key (whitespace trimmed), or NULL. */
const char *rv_properties_get(const rv_properties *properties, const char *key);
void rv_properties_free(rv_properties **properties);

/* ------------------------------------------------------------------------- */
/** @name The chunk store on its own: listing, checking and cleaning checkpoints
 *
 * These functions need no MPI and no session: they read the storage directories
 * that a directory pattern names (%r and %h match any rank and host) on this machine.
 * With node-local storage, run them where the directories are visible. */

typedef struct rv_store rv_store;

/** One committed checkpoint. */
typedef struct rv_store_checkpoint {
    uint64_t superstep;       /**< the superstep a resumed job runs next */
    const char *program;      /**< the program's name */
    int ranks;                /**< ranks of the job that wrote it */
    int replicas;             /**< replicas wanted per chunk */
    uint64_t bytes;           /**< the state, one copy */
    uint64_t chunks;
    int64_t unix_time;        /**< when it was committed */
    int manifest_copies;      /**< intact copies of its manifest found */
} rv_store_checkpoint;

/** The health of one checkpoint's replicas. */
typedef struct rv_store_health {
    uint64_t replicas_expected;
    uint64_t replicas_ok;
    uint64_t replicas_missing;   /**< no file, or no storage directory */
    uint64_t replicas_damaged;   /**< wrong size, unreadable, or (when verified) wrong checksum */
    uint64_t replicas_repaired;
    uint64_t chunks_degraded;    /**< fewer intact replicas than wanted, but at least one */
    uint64_t chunks_lost;        /**< no intact replica */
    uint64_t manifests_missing;  /**< ranks' storage without an intact copy of the manifest */
} rv_store_health;

/** Checks for rv_store_check(). */
enum {
    RV_STORE_VERIFY = 1, /**< read every replica and verify its checksum (else sizes only) */
    RV_STORE_REPAIR = 2  /**< re-create missing or damaged replicas and manifest copies from intact ones */
};

/** Finds the committed checkpoints under directory pattern @p dir. RV_EINVAL for a
 *  bad pattern (reason in @p error). No checkpoint at all is not an error. */
int rv_store_open(const char *dir, rv_store **out, char *error, size_t error_capacity);
void rv_store_free(rv_store **store);
/** The number of checkpoints found. */
size_t rv_store_count(const rv_store *store);
/** Checkpoint @p index, newest first. */
const rv_store_checkpoint *rv_store_get(const rv_store *store, size_t index);
/** Checks every replica of checkpoint @p index (@p flags: RV_STORE_VERIFY,
 *  RV_STORE_REPAIR) and fills @p health. Every problem found, and every repair, is
 *  passed to @p report as one line (which may be NULL). Returns RV_OK unless the check
 *  itself failed (out of memory, or a repair that could not be written: RV_EIO). */
int rv_store_check(rv_store *store, size_t index, unsigned flags, rv_store_health *health,
                   void (*report)(const char *line, void *arg), void *arg);
/** Removes all but the newest @p keep checkpoints, and the remains of checkpoints that
 *  were never committed and are older than the newest one. Each removal is passed to
 *  @p report. @p keep must be at least 1. */
int rv_store_remove_old(rv_store *store, size_t keep, void (*report)(const char *line, void *arg), void *arg);

/* ------------------------------------------------------------------------- */
/** @name Helpers for programs */

/** Writes @p x so that strtod() reads back the same double, in the shortest such form
 *  ("infinity" for +inf); returns the length. @p buffer needs 32 bytes. */
size_t rv_format_double(double x, char *buffer, size_t capacity);
/** Writes a signed 64-bit integer; returns the length. @p buffer needs 21 bytes. */
size_t rv_format_int64(int64_t x, char *buffer, size_t capacity);
/** Ready-made rv_program.format callbacks for values that are one double or one
 *  int64_t: `.format = rv_format_double_value`. */
size_t rv_format_double_value(const void *value, char *buffer, size_t capacity, void *user);
size_t rv_format_int64_value(const void *value, char *buffer, size_t capacity, void *user);

/* ------------------------------------------------------------------------- */
/** @name Algorithms with parameters (built-ins and plug-ins) */

/** Parameter types of an algorithm option. */
typedef enum { RV_PARAM_INT64, RV_PARAM_DOUBLE, RV_PARAM_ID } rv_param_type;

/** One option an algorithm accepts (`--name VALUE` on the command line). */
typedef struct rv_param_spec {
    const char *name;           /**< "damping" for --damping */
    rv_param_type type;
    const char *default_value;  /**< NULL: the option is required */
    const char *properties_key; /**< Graphalytics key below graph.NAME., e.g. "pr.damping-factor"; may be NULL */
    const char *help;           /**< one line */
} rv_param_spec;

/** Parameter values, parsed and checked against an algorithm's specs. */
typedef struct rv_params rv_params;
typedef struct rv_algorithm rv_algorithm;
/** A new, empty parameter set for @p algorithm (which must outlive it). */
int rv_params_new(const rv_algorithm *algorithm, rv_params **out);
/** Sets parameter @p name from its text form, checking its type (an id must be an
 *  integer in [0, 2^63-1]). Setting it again overrides. RV_ENOTFOUND for an unknown
 *  name, RV_EINVAL for a bad value; a one-line reason goes to @p error. */
int rv_params_set(rv_params *params, const char *name, const char *text, char *error, size_t error_capacity);
/** Whether @p name was set by rv_params_set(). */
bool rv_params_is_set(const rv_params *params, const char *name);
/** Fills unset parameters from their defaults; RV_EINVAL (with a reason naming the
 *  option) if a parameter without default is still unset. */
int rv_params_finish(rv_params *params, char *error, size_t error_capacity);
void rv_params_free(rv_params **params);
/** The value of a parameter declared with that type; RV_ENOTFOUND if it has no value. */
int rv_params_get_int64(const rv_params *params, const char *name, int64_t *out);
int rv_params_get_double(const rv_params *params, const char *name, double *out);
int rv_params_get_id(const rv_params *params, const char *name, rv_id *out);

/** An algorithm: a vertex program plus its options, as the command line sees it. */
struct rv_algorithm {
    const char *name;    /**< "pagerank" */
    const char *alias;   /**< "pr", or NULL */
    const char *summary; /**< one line for `rivulet list` */
    const rv_param_spec *params;
    size_t n_params;
    /** Graph requirements the loader enforces. */
    bool uses_weights;
    bool needs_nonnegative_weights;
    /** The Graphalytics key naming the weight column, e.g. "sssp.weight-property"
     *  (NULL when the algorithm takes no weights). */
    const char *weight_property_key;
    /** Fills @p program from @p params, allocating its user data. On error returns a
     *  status and writes one line into @p error (capacity @p error_capacity). */
    int (*configure)(const rv_params *params, rv_program *program, char *error, size_t error_capacity);
    /** Releases what configure() allocated (may be NULL). */
    void (*release)(rv_program *program);
    /** The program needs every vertex's in- and out-neighbours as its edges: a
     *  directed graph is then loaded through its undirected view (each line `u v`
     *  gives u -> v and v -> u, so a pair linked both ways appears twice in each
     *  list), whatever the dataset says. Results keep the directed graph's
     *  semantics, e.g. WCC ignoring direction, CDLP counting in- and out-neighbours. */
    bool undirected_view;
    /** With undirected_view: the program also asks rv_edge_direction() which way
     *  each line ran, so the reverse edges of a directed graph are marked. */
    bool needs_edge_directions;
    /** For `rivulet stream`: fills @p program with the version of the algorithm that
     *  repairs its values after each batch of updates (rv_program.repair). NULL: the
     *  stream runs what configure() makes, which recomputes from scratch after every
     *  batch unless it has repair() itself. release() releases either. */
    int (*configure_stream)(const rv_params *params, rv_program *program, char *error, size_t error_capacity);
    /** With configure_stream: the stream program also reads its in-edges, so a
     *  directed graph is loaded through its undirected view with marks; the program
     *  follows its RV_EDGE_OUT edges for the algorithm itself and its RV_EDGE_IN edges
     *  to reach its in-neighbours. */
    bool stream_needs_in_edges;
};

/* ------------------------------------------------------------------------- */
/** @name Streams: a job that follows updates to its graph */

/** What one batch did, summed over all ranks (batch 0 is the initial computation). */
typedef struct rv_stream_batch {
    uint64_t batch;
    uint64_t first_line, last_line; /**< the source lines it covers (0, 0 for batch 0) */
    uint64_t updates;   /**< update lines accepted into the batch */
    uint64_t rejected;  /**< malformed lines (each reported through on_notice) */
    uint64_t ignored;   /**< accepted updates that changed nothing: an unknown vertex, a missing edge */
    uint64_t supersteps;
    uint64_t touched;   /**< vertices that ran repair() */
    uint64_t computed;  /**< compute() and repair() calls */
    uint64_t changed;   /**< vertices whose output changed, new and removed ones included */
    bool recomputed;    /**< the program has no repair(): recomputed from scratch */
    double latency_seconds; /**< from the arrival of its first update to its result written */
    double apply_seconds;   /**< applying the updates to the graph */
    double compute_seconds; /**< supersteps */
    double emit_seconds;    /**< finding and writing the changes or the snapshot */
} rv_stream_batch;

/** What the stream writes after every batch. */
typedef enum {
    RV_EMIT_CHANGES = 0, /**< the vertices whose output changed: `id value`, `id removed` */
    RV_EMIT_SNAPSHOT,    /**< every vertex, as rv_job_write() */
    RV_EMIT_NONE
} rv_emit_kind;

/** Options for rv_stream_run(). Zero-initialise, then set what you need. */
typedef struct rv_stream_options {
    /** Where updates come from: "-" (standard input), a file, a FIFO, or
     *  "tcp://HOST:PORT" (a listener; HOST 127.0.0.1 for loopback only). Required.
     *  Lines: `+ src dst [weight]`, `- src dst`, `+v id`, `-v id`, `#` comments. */
    const char *updates;
    /** Keep reading a file past its end (what is appended), a FIFO after its writers
     *  left, the next TCP client after one disconnected. */
    bool follow;
    /** A batch closes at this many accepted updates (0: 1000) ... */
    uint64_t batch_size;
    /** ... or this many milliseconds after its first update arrived (0: no limit). */
    uint64_t batch_ms;
    /** A malformed line ends the stream with an error (else it is reported, counted
     *  and skipped). */
    bool strict;
    rv_emit_kind emit;
    /** Directory for batch-NNNNNN.changes or batch-NNNNNN.snapshot files (created if
     *  needed); NULL: standard output, each batch after a `# batch N` line. */
    const char *output_dir;
    /** Directory pattern of the write-ahead log (NULL: none; %r = rank, %h = host,
     *  as for checkpoints): every batch is logged on @c replicas ranks and made
     *  durable there before it is acknowledged and applied. */
    const char *log_dir;
    /** Continue from the newest checkpoint (when the job has checkpoints and one
     *  exists; else from the graph as loaded), replay the logged batches after it
     *  (applied and emitted again), then go on after them; a file source continues
     *  after the last logged line. */
    bool resume;
    /** Superstep limit per batch (0: none). */
    uint64_t max_supersteps;
    /** Rank 0 ends the stream after the current batch once *stop is nonzero (a
     *  signal handler's flag). May be NULL. */
    const volatile int *stop;
    /** Rank 0: called with one line for each rejected or ignored update. */
    void (*on_notice)(const char *line, void *arg);
    /** Rank 0: called after each batch, batch 0 included. */
    void (*on_batch)(const rv_stream_batch *batch, void *arg);
    /** Rank 0: called once the source is open, with its name (for TCP, the address
     *  actually bound). */
    void (*on_ready)(const char *source, void *arg);
    void *arg;
    /** Copies of every log record, on distinct ranks (0: 3, at most the number of
     *  ranks). */
    int replicas;
    /** With checkpoints set on the job (rv_job_set_checkpoints(), its @c every left
     *  0): a checkpoint after every this many batches (0: none). */
    uint64_t checkpoint_every;
    /** One line naming the program's parameters and the input's load options: a
     *  resume refuses a log written under another. May be NULL. */
    const char *identity;
} rv_stream_options;

/** Runs @p job to the end (batch 0), writes its result, then applies the updates of
 *  options->updates batch by batch, repairing or recomputing the values and writing
 *  the changes or a snapshot after each, until the source ends or *stop is set.
 *  Rank 0 reads the source. With a TCP source, each batch is acknowledged to the
 *  client with one line `ack BATCH LAST_LINE ACCEPTED REJECTED` once it is logged
 *  (and before it is applied). The graph must have been loaded with the layout the
 *  program expects (see rv_algorithm.stream_needs_in_edges); an undirected view of a
 *  directed file needs mark_reverse_edges so that `- u v` removes the line u v only.
 *  Collective. */
int rv_stream_run(rv_job *job, const rv_stream_options *options);

/* ------------------------------------------------------------------------- */
/** @name Plug-ins: `rivulet run ./myprog.so INPUT` */

/** The function a plug-in exports: it returns the plug-in's algorithm and sets
 *  @p api_version to the RV_API_VERSION it was compiled with, which rivulet checks
 *  before it reads the descriptor. Define it with RV_PLUGIN(). */
typedef const rv_algorithm *(*rv_plugin_entry)(unsigned *api_version);
#define RV_PLUGIN_SYMBOL "rivulet_plugin"
/** Makes a shared object a rivulet plug-in: write `RV_PLUGIN(my_algorithm)` once, at
 *  file scope, after the rv_algorithm definition. */
#define RV_PLUGIN(algorithm)                                                                                   \
    const rv_algorithm *rivulet_plugin(unsigned *api_version);                                                  \
    const rv_algorithm *rivulet_plugin(unsigned *api_version)                                                   \
    {                                                                                                          \
        *api_version = RV_API_VERSION;                                                                         \
        return &(algorithm);                                                                                   \
    }

/** The whole main() of a standalone program that runs @p algorithm:
 *  `PROGRAM EDGE_FILE [--vertices FILE] [--directed | --undirected] [--output FILE]
 *  [--max-supersteps N] [--KEY VALUE | --param KEY=VALUE]...` (--NAME=VALUE works
 *  too). It opens and closes
 *  the MPI session itself. Returns the exit status: 0, 1 for a runtime error, 2 for
 *  a usage error (the message is printed once, by rank 0). */
int rv_main(int argc, char **argv, const rv_algorithm *algorithm);

#ifdef __cplusplus
}
#endif

#endif /* RIVULET_H */
