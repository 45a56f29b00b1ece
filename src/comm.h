/* comm.h — the communication layer: the few collective operations the engine needs, over MPI.
 *
 * Only this file's implementation, session.c and the output writer talk to MPI; the
 * rest of the engine calls these functions. All functions here are collective
 * unless said otherwise, and return RV_OK or RV_EMPI (with the session's error text
 * set) — the caller still agrees on the status with its peers where needed.
 */
#ifndef RV_COMM_H
#define RV_COMM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rivulet.h"

/* Reduction operators for the typed reductions below. */
typedef enum { RV__REDUCE_SUM, RV__REDUCE_MIN, RV__REDUCE_MAX } rv__reduce_op;

/* One cell of a mixed reduction: each slot says its own type and operator, so a
 * superstep's status, counters and aggregators travel in one MPI_Allreduce. */
typedef enum { RV__SLOT_U64, RV__SLOT_I64, RV__SLOT_F64 } rv__slot_type;
typedef struct rv__reduce_slot {
    uint8_t type; /* rv__slot_type */
    uint8_t op;   /* rv__reduce_op */
    uint8_t pad[6];
    union {
        uint64_t u;
        int64_t i;
        double d;
    } value;
} rv__reduce_slot;

/* Creates and frees the MPI datatype and operator for reduction slots (session.c). */
int rv__comm_setup(rv_session *session);
void rv__comm_teardown(rv_session *session);

/* Reduces @p n slots in place; every rank must pass the same types and operators. */
int rv__comm_allreduce_slots(rv_session *session, rv__reduce_slot *slots, size_t n);
/* Reduces @p n unsigned 64-bit values in place. */
int rv__comm_allreduce_u64(rv_session *session, uint64_t *values, size_t n, rv__reduce_op op);
int rv__comm_allreduce_f64(rv_session *session, double *values, size_t n, rv__reduce_op op);
/* Gathers one value from every rank into all[size]. */
int rv__comm_allgather_u64(rv_session *session, uint64_t value, uint64_t *all);
/* Gathers @p n_each values from every rank into all[size * n_each]. */
int rv__comm_allgather_u64s(rv_session *session, const uint64_t *values, size_t n_each, uint64_t *all);
/* Broadcasts @p n values from rank 0. The other ranks wait without spinning (they
 * may wait long, for input that rank 0 reads), at the cost of up to half a
 * millisecond of latency. */
int rv__comm_bcast_u64s_patiently(rv_session *session, uint64_t *values, size_t n);
/* Exclusive prefix sum over ranks: rank r receives the sum of ranks 0..r-1. */
int rv__comm_exscan_u64(rv_session *session, uint64_t value, uint64_t *out);

/* Gathers @p bytes bytes from every rank into all[size * bytes], in rank order. */
int rv__comm_allgather_bytes(rv_session *session, const void *mine, size_t bytes, void *all);

/* The name of the host this rank runs on (MPI_Get_processor_name), into @p out.
 * RV_HOST_NAME_OVERRIDE replaces it, for tests that play several hosts on one machine:
 * a comma-separated list whose entry (rank mod length) is used, with %r in it
 * replaced by the rank ("a,a,b,b", or "node%r"). Local. */
void rv__comm_host_name(const rv_session *session, char *out, size_t capacity);

/* Gathers @p n int32 values from every rank, in rank order, into @p all on @p root
 * (ignored elsewhere). counts[r] is rank r's n, known on every rank; the total must stay
 * below 2^31 (MPI counts are ints): callers check that before. */
int rv__comm_gatherv_i32(rv_session *session, int root, const int32_t *values, const uint64_t *counts,
                         int32_t *all);
/* The reverse: @p root holds the blocks of all ranks one after another in @p all, and
 * every rank receives its counts[rank] values into @p values. */
int rv__comm_scatterv_i32(rv_session *session, int root, const int32_t *all, const uint64_t *counts,
                          int32_t *values);

/* A growable byte buffer that an exchange fills and later exchanges reuse. */
typedef struct rv__buffer {
    unsigned char *data;
    size_t size;
    size_t capacity;
} rv__buffer;
void rv__buffer_destroy(rv__buffer *buffer);
/* Makes capacity at least @p bytes (contents kept); RV_ENOMEM on failure. */
int rv__buffer_reserve(rv__buffer *buffer, size_t bytes);

/* All-to-all personalised exchange of bytes. @p send holds the blocks for ranks
 * 0..size-1 one after another; send_bytes[r] is the size of the block for rank r.
 * On return @p recv holds the blocks from ranks 0..size-1 one after another and
 * recv_bytes[r] their sizes. Any sizes work: large blocks travel in pieces below
 * MPI's int limits. A local allocation failure is agreed on before any data moves,
 * so no rank is left waiting. */
int rv__comm_alltoallv(rv_session *session, const void *send, const uint64_t *send_bytes,
                       rv__buffer *recv, uint64_t *recv_bytes);

/* Sends root's @p buffer (size and bytes) to every rank; the others' buffers are
 * resized to receive it. A local allocation failure is agreed on first. */
int rv__comm_bcast_buffer(rv_session *session, int root, rv__buffer *buffer);

/* Writes @p bytes at byte @p offset of the shared file @p path, which every rank
 * opens (created and truncated); each rank passes its own piece. */
int rv__comm_write_file_at(rv_session *session, const char *path, uint64_t offset,
                           const void *data, size_t bytes);
/* Writes every rank's piece, in rank order, to standard output on rank 0. */
int rv__comm_write_stdout_ordered(rv_session *session, const void *data, size_t bytes);
/* The same, to a stream rank 0 holds (a device or a FIFO, which MPI-IO cannot
 * truncate or seek); @p name is for error messages. */
int rv__comm_write_ordered(rv_session *session, FILE *out, const char *name, const void *data, size_t bytes);

#endif /* RV_COMM_H */
