/* output.c — writing `id value` lines in ascending id order from all ranks at once: a job's result, a partition file, or a stream batch's changes.
 *
 * Vertices are spread over ranks by hash (or by a partition), so no rank holds a
 * contiguous id range.
 * The writer first moves every (id, value) to the rank that owns its id *range*
 * (splitters from a sample of ids), merges the sorted runs it receives, formats
 * them, and then writes the ranks' texts one after another: into a shared file at
 * offsets from a prefix sum, or through rank 0 to standard output. No rank ever
 * holds more than its share of the output.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "comm.h"
#include "io/output.h"
#include "job.h"
#include "sort.h"

enum { SAMPLES_PER_RANK = 128 };

/* Splitters: rank r receives ids in [split[r], split[r+1]). Sampled from the ids of
 * the @p n records (ascending) of @p record bytes each. */
static int choose_splitters(rv_session *s, const unsigned char *records, size_t n, size_t record, uint64_t *split)
{
    const int P = s->size;
    uint64_t sample[SAMPLES_PER_RANK];
    for (int k = 0; k < SAMPLES_PER_RANK; k++) {
        sample[k] = UINT64_MAX;
        if (n)
            memcpy(&sample[k], records + (uint64_t)k * n / SAMPLES_PER_RANK * record, 8);
    }
    uint64_t *all = malloc((size_t)P * SAMPLES_PER_RANK * sizeof *all);
    int status = all ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory writing output");
    status = rv__session_agree(s, status);
    if (status == RV_OK)
        status = rv__session_agree(s, rv__comm_allgather_u64s(s, sample, SAMPLES_PER_RANK, all));
    if (status == RV_OK)
        status = rv__session_agree(s, rv__sort_u64(all, (size_t)P * SAMPLES_PER_RANK) == RV_OK
                                          ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory writing output"));
    if (status == RV_OK) {
        size_t valid = 0;
        while (valid < (size_t)P * SAMPLES_PER_RANK && all[valid] != UINT64_MAX)
            valid++;
        split[0] = 0;
        for (int r = 1; r < P; r++)
            split[r] = valid ? all[valid * (size_t)r / (size_t)P] : UINT64_MAX;
        split[P] = UINT64_MAX;
    }
    free(all);
    return status;
}

/* A min-heap of run cursors, for merging the sorted runs that arrive from each rank. */
typedef struct run {
    const unsigned char *at, *end;
} run;

static uint64_t run_id(const run *r)
{
    uint64_t id;
    memcpy(&id, r->at, 8);
    return id;
}

static void sift_down(run *heap, size_t n, size_t i)
{
    for (;;) {
        size_t smallest = i, l = 2 * i + 1, r = l + 1;
        if (l < n && run_id(&heap[l]) < run_id(&heap[smallest]))
            smallest = l;
        if (r < n && run_id(&heap[r]) < run_id(&heap[smallest]))
            smallest = r;
        if (smallest == i)
            return;
        run t = heap[i];
        heap[i] = heap[smallest];
        heap[smallest] = t;
        i = smallest;
    }
}

/* What the lines say about each value. */
typedef struct value_format {
    size_t size;
    size_t (*format)(const void *value, char *buffer, size_t capacity, void *user);
    void *user;
} value_format;

/* Merges the received runs and formats them as text. */
static int format_lines(rv_session *s, const value_format *f, const rv__buffer *received, const uint64_t *recv_bytes,
                        rv__buffer *text)
{
    size_t record = 8 + f->size;
    run *heap = malloc((size_t)s->size * sizeof *heap);
    if (!heap)
        return RV_ENOMEM;
    size_t n_runs = 0;
    const unsigned char *at = received->data;
    for (int r = 0; r < s->size; r++) {
        if (recv_bytes[r])
            heap[n_runs++] = (run){at, at + recv_bytes[r]};
        at += recv_bytes[r];
    }
    for (size_t i = n_runs; i-- > 0;)
        sift_down(heap, n_runs, i);
    int status = RV_OK;
    /* A value line never exceeds the id, a space, the program's 64 bytes and a newline. */
    enum { LINE_MAX_BYTES = 24 + 64 + 2 };
    while (n_runs && status == RV_OK) {
        if (rv__buffer_reserve(text, text->size + LINE_MAX_BYTES + 64) != RV_OK) {
            status = RV_ENOMEM;
            break;
        }
        char *line = (char *)text->data + text->size;
        uint64_t id = run_id(&heap[0]);
        size_t n = rv_format_int64((int64_t)id, line, 24);
        line[n++] = ' ';
        size_t v = f->format(heap[0].at + 8, line + n, 64, f->user);
        n += v < 64 ? v : 63;
        line[n++] = '\n';
        text->size += n;
        heap[0].at += record;
        if (heap[0].at == heap[0].end)
            heap[0] = heap[--n_runs];
        sift_down(heap, n_runs, 0);
    }
    free(heap);
    return status;
}

/* Whether @p path is an existing file that is not a regular one (a device such as
 * /dev/null, or a FIFO): MPI-IO can neither truncate nor seek it, so the text goes
 * through rank 0 in rank order, as for standard output. Rank 0 looks; every rank
 * follows its answer. Collective. */
static bool is_stream(rv_session *s, const char *path)
{
    uint64_t stream = 0;
    struct stat st;
    if (s->rank == 0 && stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        stream = 1;
    if (rv__comm_allreduce_u64(s, &stream, 1, RV__REDUCE_MAX) != RV_OK)
        return false; /* the MPI-IO path reports the failure */
    return stream != 0;
}

/* Writes @p text to the stream @p path, from rank 0, in rank order. Collective. */
static int write_stream(rv_session *s, const char *path, const rv__buffer *text)
{
    FILE *out = NULL;
    int status = RV_OK;
    if (s->rank == 0 && !(out = fopen(path, "w")))
        status = rv__session_fail(s, RV_EIO, "cannot open '%s' for writing: %s", path, strerror(errno));
    status = rv__session_agree(s, status);
    if (status != RV_OK)
        return status;
    status = rv__comm_write_ordered(s, out, path, text->data, text->size);
    if (out && fclose(out) != 0 && status == RV_OK)
        status = rv__session_fail(s, RV_EIO, "cannot close '%s': %s", path, strerror(errno));
    return status;
}

int rv__output_write_records(rv_session *s, unsigned char **taken_records, size_t n, size_t value_size,
                             size_t (*format)(const void *value, char *buffer, size_t capacity, void *user),
                             void *user, const char *path)
{
    const int P = s->size;
    unsigned char *records = *taken_records;
    *taken_records = NULL;
    const value_format f = {.size = value_size, .format = format, .user = user};
    size_t record = 8 + value_size;
    uint64_t *split = calloc((size_t)P + 1, sizeof *split);
    uint64_t *send_bytes = calloc((size_t)P, sizeof *send_bytes);
    uint64_t *recv_bytes = calloc((size_t)P, sizeof *recv_bytes);
    rv__buffer received = {0}, text = {0};
    int status = split && send_bytes && recv_bytes ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory writing output");
    status = rv__session_agree(s, status);
    if (status == RV_OK)
        status = choose_splitters(s, records, n, record, split);
    if (status != RV_OK)
        goto done;

    /* The records are in id order, so each destination's records are one contiguous run. */
    for (size_t k = 0, r = 0; k < n; k++) {
        uint64_t id;
        memcpy(&id, records + k * record, 8);
        while (id >= split[r + 1])
            r++;
        send_bytes[r] += record;
    }
    status = rv__comm_alltoallv(s, records, send_bytes, &received, recv_bytes);
    if (status != RV_OK)
        goto done;
    /* Sent: the text is built from what arrived. */
    free(records);
    records = NULL;
    if (format_lines(s, &f, &received, recv_bytes, &text) != RV_OK)
        status = rv__session_fail(s, RV_ENOMEM, "out of memory formatting output");
    rv__buffer_destroy(&received);
    status = rv__session_agree(s, status);
    if (status != RV_OK)
        goto done;

    if (path && strcmp(path, "-") != 0 && !is_stream(s, path)) {
        uint64_t offset = 0;
        status = rv__comm_exscan_u64(s, text.size, &offset);
        if (status == RV_OK)
            status = rv__comm_write_file_at(s, path, offset, text.data, text.size);
    } else if (path && strcmp(path, "-") != 0) {
        status = write_stream(s, path, &text);
    } else {
        status = rv__comm_write_stdout_ordered(s, text.data, text.size);
    }
    status = rv__session_agree(s, status);
done:
    free(records);
    free(split);
    free(send_bytes);
    free(recv_bytes);
    rv__buffer_destroy(&received);
    rv__buffer_destroy(&text);
    return status;
}

int rv_job_write(rv_job *job, const char *path)
{
    rv_session *s = job->session;
    const rv_graph *g = job->graph;
    size_t value_size = job->program.value_size, record = 8 + value_size;
    unsigned char *records = malloc((size_t)g->n_local * record + 1);
    int status = records ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory writing output");
    status = rv__session_agree(s, status);
    if (status != RV_OK)
        return status;
    for (uint32_t k = 0; k < g->n_local; k++) {
        uint32_t v = g->by_id[k];
        memcpy(records + (size_t)k * record, &g->gid[v], 8);
        memcpy(records + (size_t)k * record + 8, job->values + (size_t)v * value_size, value_size);
    }
    return rv__output_write_records(s, &records, g->n_local, value_size, job->program.format, job->program.user, path);
}
