/* comm.c — collective operations over MPI: typed reductions, scans, and the bulk all-to-all exchange. */
#include "comm.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "session.h"

/* The largest piece one MPI call moves: MPI counts are ints. */
#define PIECE_BYTES ((uint64_t)1 << 30)

static int mpi_fail(rv_session *s, int mpi_code, const char *what)
{
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    if (MPI_Error_string(mpi_code, text, &length) != MPI_SUCCESS)
        snprintf(text, sizeof text, "MPI error %d", mpi_code);
    return rv__session_fail(s, RV_EMPI, "%s failed: %s", what, text);
}

#define REDUCE_ONE(kind, field, a, b, op)                                             \
    do {                                                                              \
        if ((op) == RV__REDUCE_SUM) (b)->value.field += (a)->value.field;             \
        else if ((op) == RV__REDUCE_MIN) { if ((a)->value.field < (b)->value.field) (b)->value.field = (a)->value.field; } \
        else { if ((a)->value.field > (b)->value.field) (b)->value.field = (a)->value.field; } \
    } while (0)

/* The MPI operator for reduction slots: each slot carries its own type and operator. */
static void reduce_slots(void *in, void *inout, int *len, MPI_Datatype *type)
{
    (void)type;
    const rv__reduce_slot *a = in;
    rv__reduce_slot *b = inout;
    for (int k = 0; k < *len; k++, a++, b++) {
        switch (b->type) {
        case RV__SLOT_U64: REDUCE_ONE(u64, u, a, b, b->op); break;
        case RV__SLOT_I64: REDUCE_ONE(i64, i, a, b, b->op); break;
        default: REDUCE_ONE(f64, d, a, b, b->op); break;
        }
    }
}

int rv__comm_setup(rv_session *s)
{
    if (MPI_Type_contiguous((int)sizeof(rv__reduce_slot), MPI_BYTE, &s->slot_type) != MPI_SUCCESS ||
        MPI_Type_commit(&s->slot_type) != MPI_SUCCESS ||
        MPI_Op_create(reduce_slots, 1, &s->slot_op) != MPI_SUCCESS)
        return rv__session_fail(s, RV_EMPI, "cannot create the MPI reduction type");
    return RV_OK;
}

void rv__comm_teardown(rv_session *s)
{
    if (s->slot_op != MPI_OP_NULL && s->slot_op)
        MPI_Op_free(&s->slot_op);
    if (s->slot_type != MPI_DATATYPE_NULL && s->slot_type)
        MPI_Type_free(&s->slot_type);
}

int rv__comm_allreduce_slots(rv_session *s, rv__reduce_slot *slots, size_t n)
{
    int rc = MPI_Allreduce(MPI_IN_PLACE, slots, (int)n, s->slot_type, s->slot_op, s->comm);
    return rc == MPI_SUCCESS ? RV_OK : mpi_fail(s, rc, "MPI_Allreduce");
}

static MPI_Op mpi_op(rv__reduce_op op)
{
    return op == RV__REDUCE_SUM ? MPI_SUM : op == RV__REDUCE_MIN ? MPI_MIN : MPI_MAX;
}

int rv__comm_allreduce_u64(rv_session *s, uint64_t *values, size_t n, rv__reduce_op op)
{
    int rc = MPI_Allreduce(MPI_IN_PLACE, values, (int)n, MPI_UINT64_T, mpi_op(op), s->comm);
    return rc == MPI_SUCCESS ? RV_OK : mpi_fail(s, rc, "MPI_Allreduce");
}

int rv__comm_allreduce_f64(rv_session *s, double *values, size_t n, rv__reduce_op op)
{
    int rc = MPI_Allreduce(MPI_IN_PLACE, values, (int)n, MPI_DOUBLE, mpi_op(op), s->comm);
    return rc == MPI_SUCCESS ? RV_OK : mpi_fail(s, rc, "MPI_Allreduce");
}

int rv__comm_allgather_u64(rv_session *s, uint64_t value, uint64_t *all)
{
    return rv__comm_allgather_u64s(s, &value, 1, all);
}

int rv__comm_allgather_u64s(rv_session *s, const uint64_t *values, size_t n_each, uint64_t *all)
{
    int rc = MPI_Allgather(values, (int)n_each, MPI_UINT64_T, all, (int)n_each, MPI_UINT64_T, s->comm);
    return rc == MPI_SUCCESS ? RV_OK : mpi_fail(s, rc, "MPI_Allgather");
}

int rv__comm_bcast_u64s_patiently(rv_session *s, uint64_t *values, size_t n)
{
    MPI_Request request;
    int code = MPI_Ibcast(values, (int)n, MPI_UINT64_T, 0, s->comm, &request);
    if (code != MPI_SUCCESS)
        return mpi_fail(s, code, "MPI_Ibcast");
    /* Spin briefly (the usual case: rank 0 is already there), then nap between
     * tests, so that ranks waiting for input leave the cores to those that work. */
    for (long polls = 0;; polls++) {
        int done = 0;
        code = MPI_Test(&request, &done, MPI_STATUS_IGNORE);
        if (code != MPI_SUCCESS)
            return mpi_fail(s, code, "MPI_Test");
        if (done)
            return RV_OK;
        if (polls > 1000) {
            struct timespec nap = {.tv_sec = 0, .tv_nsec = 500000};
            nanosleep(&nap, NULL);
        }
    }
}

int rv__comm_exscan_u64(rv_session *s, uint64_t value, uint64_t *out)
{
    uint64_t result = 0;
    int rc = MPI_Exscan(&value, &result, 1, MPI_UINT64_T, MPI_SUM, s->comm);
    /* MPI leaves rank 0's result undefined. */
    *out = s->rank == 0 ? 0 : result;
    return rc == MPI_SUCCESS ? RV_OK : mpi_fail(s, rc, "MPI_Exscan");
}

int rv__comm_allgather_bytes(rv_session *s, const void *mine, size_t bytes, void *all)
{
    int rc = MPI_Allgather(mine, (int)bytes, MPI_BYTE, all, (int)bytes, MPI_BYTE, s->comm);
    return rc == MPI_SUCCESS ? RV_OK : mpi_fail(s, rc, "MPI_Allgather");
}

void rv__comm_host_name(const rv_session *s, char *out, size_t capacity)
{
    const char *override = getenv("RV_HOST_NAME_OVERRIDE");
    if (override && *override) {
        size_t n_entries = 1;
        for (const char *c = override; *c; c++)
            n_entries += *c == ',';
        size_t want = (size_t)s->rank % n_entries;
        const char *entry = override;
        for (size_t k = 0; k < want; k++)
            entry = strchr(entry, ',') + 1;
        size_t length = strcspn(entry, ","), n = 0;
        for (size_t i = 0; i < length && n + 1 < capacity; i++) {
            if (entry[i] == '%' && i + 1 < length && entry[i + 1] == 'r') {
                n += (size_t)snprintf(out + n, capacity - n, "%d", s->rank);
                if (n >= capacity)
                    n = capacity - 1;
                i++;
            } else {
                out[n++] = entry[i];
            }
        }
        out[n] = '\0';
        if (n > 0)
            return;
    }
    char name[MPI_MAX_PROCESSOR_NAME + 1] = "";
    int length = 0;
    if (MPI_Get_processor_name(name, &length) != MPI_SUCCESS || length <= 0)
        snprintf(name, sizeof name, "unknown-host");
    snprintf(out, capacity, "%s", name);
}

int rv__comm_bcast_buffer(rv_session *s, int root, rv__buffer *buffer)
{
    uint64_t size = s->rank == root ? buffer->size : 0;
    int rc = MPI_Bcast(&size, 1, MPI_UINT64_T, root, s->comm);
    if (rc != MPI_SUCCESS)
        return mpi_fail(s, rc, "MPI_Bcast");
    int status = RV_OK;
    if (s->rank != root && rv__buffer_reserve(buffer, size + 1) != RV_OK)
        status = rv__session_fail(s, RV_ENOMEM, "out of memory receiving %llu bytes", (unsigned long long)size);
    status = rv__session_agree(s, status);
    if (status != RV_OK)
        return status;
    buffer->size = size;
    for (uint64_t done = 0; done < size; done += PIECE_BYTES) {
        uint64_t piece = size - done < PIECE_BYTES ? size - done : PIECE_BYTES;
        rc = MPI_Bcast(buffer->data + done, (int)piece, MPI_BYTE, root, s->comm);
        if (rc != MPI_SUCCESS)
            return mpi_fail(s, rc, "MPI_Bcast");
    }
    return RV_OK;
}

/* MPI's int counts and displacements for a gather or scatter of counts[r] values per
 * rank; RV_ELIMIT when the total does not fit in an int. */
static int int_counts(rv_session *s, const uint64_t *counts, int **counts_out, int **displs_out)
{
    int *n = malloc((size_t)s->size * sizeof *n), *at = malloc((size_t)s->size * sizeof *at);
    uint64_t total = 0;
    for (int r = 0; n && at && r < s->size; r++) {
        at[r] = (int)total;
        n[r] = (int)counts[r];
        total += counts[r];
        if (total > INT_MAX) {
            free(n);
            free(at);
            return rv__session_fail(s, RV_ELIMIT, "more than 2^31 - 1 values to gather on one rank");
        }
    }
    if (!n || !at) {
        free(n);
        free(at);
        return rv__session_fail(s, RV_ENOMEM, "out of memory for a gather");
    }
    *counts_out = n;
    *displs_out = at;
    return RV_OK;
}

int rv__comm_gatherv_i32(rv_session *s, int root, const int32_t *values, const uint64_t *counts, int32_t *all)
{
    int *n = NULL, *at = NULL;
    int status = int_counts(s, counts, &n, &at);
    if (status != RV_OK)
        return status;
    int rc = MPI_Gatherv(values, n[s->rank], MPI_INT32_T, all, n, at, MPI_INT32_T, root, s->comm);
    free(n);
    free(at);
    return rc == MPI_SUCCESS ? RV_OK : mpi_fail(s, rc, "MPI_Gatherv");
}

int rv__comm_scatterv_i32(rv_session *s, int root, const int32_t *all, const uint64_t *counts, int32_t *values)
{
    int *n = NULL, *at = NULL;
    int status = int_counts(s, counts, &n, &at);
    if (status != RV_OK)
        return status;
    int rc = MPI_Scatterv(all, n, at, MPI_INT32_T, values, n[s->rank], MPI_INT32_T, root, s->comm);
    free(n);
    free(at);
    return rc == MPI_SUCCESS ? RV_OK : mpi_fail(s, rc, "MPI_Scatterv");
}

void rv__buffer_destroy(rv__buffer *buffer)
{
    free(buffer->data);
    *buffer = (rv__buffer){0};
}

int rv__buffer_reserve(rv__buffer *buffer, size_t bytes)
{
    if (bytes <= buffer->capacity)
        return RV_OK;
    size_t capacity = buffer->capacity ? buffer->capacity : 4096;
    while (capacity < bytes)
        capacity = capacity + capacity / 2;
    unsigned char *data = realloc(buffer->data, capacity);
    if (!data)
        return RV_ENOMEM;
    buffer->data = data;
    buffer->capacity = capacity;
    return RV_OK;
}

int rv__comm_alltoallv(rv_session *s, const void *send, const uint64_t *send_bytes,
                       rv__buffer *recv, uint64_t *recv_bytes)
{
    const int P = s->size;
    int status = RV_OK;
    MPI_Request *requests = NULL;
    int rc = MPI_Alltoall(send_bytes, 1, MPI_UINT64_T, recv_bytes, 1, MPI_UINT64_T, s->comm);
    if (rc != MPI_SUCCESS)
        return mpi_fail(s, rc, "MPI_Alltoall");

    uint64_t total = 0, n_pieces = 0;
    for (int r = 0; r < P; r++) {
        total += recv_bytes[r];
        if (r != s->rank)
            n_pieces += (recv_bytes[r] + PIECE_BYTES - 1) / PIECE_BYTES + (send_bytes[r] + PIECE_BYTES - 1) / PIECE_BYTES;
    }
    if (rv__buffer_reserve(recv, total) != RV_OK)
        status = rv__session_fail(s, RV_ENOMEM, "out of memory receiving %llu bytes of messages",
                                  (unsigned long long)total);
    else if (n_pieces && !(requests = malloc(n_pieces * sizeof *requests)))
        status = rv__session_fail(s, RV_ENOMEM, "out of memory for %llu MPI requests", (unsigned long long)n_pieces);
    /* Nobody may start sending while a peer could not make room to receive. */
    status = rv__session_agree(s, status);
    if (status != RV_OK)
        goto done;
    recv->size = total;

    const unsigned char *src = send;
    unsigned char *dst = recv->data;
    int n_requests = 0;
    uint64_t send_offset = 0, recv_offset = 0;
    for (int r = 0; r < P; r++) {
        if (r == s->rank) {
            recv_offset += recv_bytes[r];
            continue;
        }
        for (uint64_t done = 0, k = 0; done < recv_bytes[r]; done += PIECE_BYTES, k++) {
            uint64_t piece = recv_bytes[r] - done < PIECE_BYTES ? recv_bytes[r] - done : PIECE_BYTES;
            MPI_Irecv(dst + recv_offset + done, (int)piece, MPI_BYTE, r, (int)k, s->comm, &requests[n_requests++]);
        }
        recv_offset += recv_bytes[r];
    }
    for (int r = 0; r < P; r++) {
        if (r == s->rank) {
            /* Our own block is a copy, not a message. */
            uint64_t own_offset = 0;
            for (int q = 0; q < r; q++)
                own_offset += recv_bytes[q];
            if (send_bytes[r])
                memcpy(dst + own_offset, src + send_offset, send_bytes[r]);
            send_offset += send_bytes[r];
            continue;
        }
        for (uint64_t done = 0, k = 0; done < send_bytes[r]; done += PIECE_BYTES, k++) {
            uint64_t piece = send_bytes[r] - done < PIECE_BYTES ? send_bytes[r] - done : PIECE_BYTES;
            MPI_Isend(src + send_offset + done, (int)piece, MPI_BYTE, r, (int)k, s->comm, &requests[n_requests++]);
        }
        send_offset += send_bytes[r];
    }
    rc = MPI_Waitall(n_requests, requests, MPI_STATUSES_IGNORE);
    if (rc != MPI_SUCCESS)
        status = mpi_fail(s, rc, "message exchange (MPI_Waitall)");
done:
    free(requests);
    return status;
}

int rv__comm_write_file_at(rv_session *s, const char *path, uint64_t offset, const void *data, size_t bytes)
{
    MPI_File file;
    int status = RV_OK;
    /* Open MPI's MPI-IO fails on some bare relative names (a one-letter name such as
     * "a" is taken for something else); "./a" is the same file and always works. */
    char local[4096];
    const char *name = path;
    if (path[0] != '/' && strncmp(path, "./", 2) != 0 && strlen(path) + 3 <= sizeof local) {
        snprintf(local, sizeof local, "./%s", path);
        name = local;
    }
    int rc = MPI_File_open(s->comm, name, MPI_MODE_CREATE | MPI_MODE_WRONLY, MPI_INFO_NULL, &file);
    if (rc != MPI_SUCCESS) {
        char text[MPI_MAX_ERROR_STRING];
        int length = 0;
        MPI_Error_string(rc, text, &length);
        return rv__session_fail(s, RV_EIO, "cannot open '%s' for writing: %s", path, text);
    }
    /* Truncate: a shorter result must not keep the tail of an older file. */
    rc = MPI_File_set_size(file, 0);
    if (rc != MPI_SUCCESS)
        status = rv__session_fail(s, RV_EIO, "cannot truncate '%s'", path);
    const unsigned char *p = data;
    for (size_t done = 0; status == RV_OK && done < bytes;) {
        size_t piece = bytes - done < PIECE_BYTES ? bytes - done : PIECE_BYTES;
        rc = MPI_File_write_at(file, (MPI_Offset)(offset + done), p + done, (int)piece, MPI_BYTE, MPI_STATUS_IGNORE);
        if (rc != MPI_SUCCESS)
            status = rv__session_fail(s, RV_EIO, "cannot write '%s' (disk full?)", path);
        done += piece;
    }
    rc = MPI_File_close(&file);
    if (rc != MPI_SUCCESS && status == RV_OK)
        status = rv__session_fail(s, RV_EIO, "cannot close '%s'", path);
    return status;
}

int rv__comm_write_stdout_ordered(rv_session *s, const void *data, size_t bytes)
{
    return rv__comm_write_ordered(s, stdout, "standard output", data, bytes);
}

int rv__comm_write_ordered(rv_session *s, FILE *out, const char *name, const void *data, size_t bytes)
{
    int status = RV_OK;
    if (s->rank != 0) {
        uint64_t n = bytes;
        MPI_Send(&n, 1, MPI_UINT64_T, 0, 0, s->comm);
        for (size_t done = 0; done < bytes; done += PIECE_BYTES) {
            size_t piece = bytes - done < PIECE_BYTES ? bytes - done : PIECE_BYTES;
            MPI_Send((const unsigned char *)data + done, (int)piece, MPI_BYTE, 0, 1, s->comm);
        }
        return RV_OK;
    }
    if (bytes && fwrite(data, 1, bytes, out) != bytes)
        status = rv__session_fail(s, RV_EIO, "cannot write to %s", name);
    rv__buffer piece_buffer = {0};
    for (int r = 1; r < s->size; r++) {
        uint64_t n = 0;
        MPI_Recv(&n, 1, MPI_UINT64_T, r, 0, s->comm, MPI_STATUS_IGNORE);
        /* Receive even after a failure, so the senders are not left blocked. */
        for (uint64_t done = 0; done < n; done += PIECE_BYTES) {
            size_t piece = n - done < PIECE_BYTES ? (size_t)(n - done) : PIECE_BYTES;
            if (rv__buffer_reserve(&piece_buffer, piece) != RV_OK) {
                status = rv__session_fail(s, RV_ENOMEM, "out of memory writing output");
                MPI_Recv(NULL, 0, MPI_BYTE, r, 1, s->comm, MPI_STATUS_IGNORE);
                continue;
            }
            MPI_Recv(piece_buffer.data, (int)piece, MPI_BYTE, r, 1, s->comm, MPI_STATUS_IGNORE);
            if (status == RV_OK && fwrite(piece_buffer.data, 1, piece, out) != piece)
                status = rv__session_fail(s, RV_EIO, "cannot write to %s", name);
        }
    }
    rv__buffer_destroy(&piece_buffer);
    if (fflush(stdout) != 0 && status == RV_OK)
        status = rv__session_fail(s, RV_EIO, "cannot write to standard output");
    return status;
}
