/* stream_changes.c — what changed in a stream's result after a batch, and writing it: the changed vertices, or a snapshot.
 *
 * Each rank keeps its previous result, ids ascending. After batch 0, a rebuilt
 * graph or a restarted job, every vertex is compared with it by id; after a patched
 * batch (old vertices kept their index, none was removed) only the vertices that ran
 * can differ (job->dirty), and the previous result is brought up to date in place.
 * Values are compared as the program prints them, since a value may hold state the
 * output does not show (a parent, pending work).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/output.h"
#include "stream_changes.h"

void rv__stream_result_destroy(rv__stream_result *r)
{
    free(r->ids);
    free(r->values);
    free(r->scratch);
    *r = (rv__stream_result){0};
}

static void take_one(rv_id id, const void *value, void *arg)
{
    rv__stream_result *r = arg;
    r->ids[r->n] = id;
    memcpy(r->values + r->n * r->value_size, value, r->value_size);
    r->n++;
}

/* This rank's result now, in ascending id order. */
static int take(const rv_job *job, rv__stream_result *r)
{
    const rv_graph *g = job->graph;
    r->value_size = job->program.value_size;
    r->n = 0;
    r->capacity = (size_t)g->n_local + 1;
    r->ids = malloc(r->capacity * sizeof *r->ids);
    r->values = malloc(r->capacity * r->value_size);
    if (!r->ids || !r->values)
        return RV_ENOMEM;
    rv_job_foreach_local(job, take_one, r);
    return RV_OK;
}

/* A change record: the id, then a flag word (1: removed), then the value padded to 8
 * bytes, so that the value sits aligned in every record. */
static size_t change_record_bytes(size_t value_size) { return 16 + ((value_size + 7) & ~(size_t)7); }

static size_t format_change(const void *payload, char *buffer, size_t capacity, void *arg)
{
    const rv_program *p = arg;
    uint64_t removed;
    memcpy(&removed, payload, 8);
    if (removed) {
        memcpy(buffer, "removed", 7);
        return 7;
    }
    return p->format((const unsigned char *)payload + 8, buffer, capacity, p->user);
}

/* Whether two values print differently (bytes may differ in state the output does not show). */
static bool prints_differently(rv__stream_result *r, const rv_program *p, const unsigned char *old_value,
                               const unsigned char *new_value)
{
    size_t size = p->value_size;
    if (memcmp(old_value, new_value, size) == 0)
        return false;
    char a[80], b[80];
    memcpy(r->scratch, old_value, size);
    size_t na = p->format(r->scratch, a, 64, p->user);
    memcpy(r->scratch, new_value, size);
    size_t nb = p->format(r->scratch, b, 64, p->user);
    return na != nb || memcmp(a, b, na) != 0;
}

static void put_record(unsigned char *r, size_t record, uint64_t id, uint64_t removed, const unsigned char *value,
                       size_t value_size)
{
    memset(r, 0, record);
    memcpy(r, &id, 8);
    memcpy(r + 8, &removed, 8);
    if (value)
        memcpy(r + 16, value, value_size);
}

static int compare_record_id(const void *a, const void *b)
{
    uint64_t x, y;
    memcpy(&x, a, 8);
    memcpy(&y, b, 8);
    return (x > y) - (x < y);
}

/* What changed, found by comparing every vertex with the previous result by id: for
 * batch 0, and after a batch that rebuilt the graph (indices changed, vertices may be
 * gone) or restarted the job. The new result becomes the previous one. */
static int changes_by_merge(rv__stream_result *old, const rv_job *job, unsigned char **out, size_t *n_out)
{
    size_t value_size = job->program.value_size, record = change_record_bytes(value_size), n_records = 0;
    rv__stream_result now = {0};
    unsigned char *records = NULL;
    if (take(job, &now) != RV_OK || !(records = malloc((now.n + old->n + 1) * record))) {
        rv__stream_result_destroy(&now);
        return RV_ENOMEM;
    }
    for (size_t i = 0, j = 0; i < old->n || j < now.n;) {
        if (j == now.n || (i < old->n && old->ids[i] < now.ids[j])) {
            put_record(records + n_records++ * record, record, old->ids[i++], 1, NULL, value_size);
        } else if (i == old->n || now.ids[j] < old->ids[i]) {
            put_record(records + n_records++ * record, record, now.ids[j], 0, now.values + j * value_size, value_size);
            j++;
        } else {
            const unsigned char *value = now.values + j * value_size;
            if (prints_differently(old, &job->program, old->values + i * value_size, value))
                put_record(records + n_records++ * record, record, now.ids[j], 0, value, value_size);
            i++;
            j++;
        }
    }
    now.scratch = old->scratch;
    old->scratch = NULL;
    rv__stream_result_destroy(old);
    *old = now;
    *out = records;
    *n_out = n_records;
    return RV_OK;
}

/* What changed after a batch that patched the graph: old vertices kept their index
 * and none was removed, so only the vertices that ran can differ (job->dirty), and
 * the new ones. The previous result is brought up to date in place: O(vertices that
 * ran), plus a merge of the new vertices into it when there are some. */
static int changes_of_dirty(rv__stream_result *sn, const rv_job *job, unsigned char **out, size_t *n_out)
{
    const rv_graph *g = job->graph;
    size_t value_size = job->program.value_size, record = change_record_bytes(value_size);
    size_t n_dirty = 0, n_records = 0, n_added = 0;
    for (uint32_t v = 0; v < g->n_local; v++)
        n_dirty += job->dirty[v];
    unsigned char *records = malloc((n_dirty + 1) * record);
    uint64_t *added = malloc((n_dirty + 1) * sizeof *added); /* local indices of vertices new to the result */
    if (!records || !added) {
        free(records);
        free(added);
        return RV_ENOMEM;
    }
    for (uint32_t v = 0; v < g->n_local; v++) {
        if (!job->dirty[v])
            continue;
        uint64_t id = g->gid[v];
        const unsigned char *value = job->values + (size_t)v * value_size;
        size_t lo = 0, hi = sn->n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (sn->ids[mid] < id)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < sn->n && sn->ids[lo] == id) {
            if (!prints_differently(sn, &job->program, sn->values + lo * value_size, value))
                continue;
            memcpy(sn->values + lo * value_size, value, value_size);
        } else {
            added[n_added++] = v;
        }
        put_record(records + n_records++ * record, record, id, 0, value, value_size);
    }
    int status = RV_OK;
    if (n_added) {
        /* Merge the new vertices, in id order, into the previous result. */
        size_t n = sn->n + n_added;
        uint64_t *ids = malloc((n + 1) * sizeof *ids);
        unsigned char *values = malloc((n + 1) * value_size);
        uint64_t *sorted = malloc((n_added + 1) * 2 * sizeof *sorted);
        if (!ids || !values || !sorted) {
            status = RV_ENOMEM;
        } else {
            for (size_t k = 0; k < n_added; k++) {
                sorted[2 * k] = g->gid[added[k]];
                sorted[2 * k + 1] = added[k];
            }
            qsort(sorted, n_added, 2 * sizeof *sorted, compare_record_id);
            size_t i = 0, k = 0, at = 0;
            while (i < sn->n || k < n_added) {
                if (k == n_added || (i < sn->n && sn->ids[i] < sorted[2 * k])) {
                    ids[at] = sn->ids[i];
                    memcpy(values + at * value_size, sn->values + i * value_size, value_size);
                    i++;
                } else {
                    ids[at] = sorted[2 * k];
                    memcpy(values + at * value_size, job->values + sorted[2 * k + 1] * value_size, value_size);
                    k++;
                }
                at++;
            }
            free(sn->ids);
            free(sn->values);
            sn->ids = ids;
            sn->values = values;
            sn->n = sn->capacity = n;
            ids = NULL;
            values = NULL;
        }
        free(ids);
        free(values);
        free(sorted);
    }
    free(added);
    if (status != RV_OK) {
        free(records);
        return status;
    }
    /* Vertices ran in index order; the writer wants id order. */
    qsort(records, n_records, record, compare_record_id);
    *out = records;
    *n_out = n_records;
    return RV_OK;
}

int rv__stream_result_emit(rv__stream_result *result, rv_job *job, uint64_t batch, bool incremental, rv_emit_kind emit,
                           const char *output_dir, uint64_t *changed)
{
    rv_session *s = job->session;
    unsigned char *records = NULL;
    size_t record = change_record_bytes(job->program.value_size), n_records = 0;
    int status = RV_OK;
    if (!result->scratch && !(result->scratch = malloc(job->program.value_size + 8)))
        status = RV_ENOMEM;
    if (status == RV_OK)
        status = incremental && job->dirty ? changes_of_dirty(result, job, &records, &n_records)
                                           : changes_by_merge(result, job, &records, &n_records);
    if (status != RV_OK)
        rv__session_fail(s, status, "out of memory finding the changes of batch %" PRIu64, batch);
    status = rv__session_agree(s, status);
    *changed = n_records;
    if (status == RV_OK)
        status = rv__session_agree(s, rv__comm_allreduce_u64(s, changed, 1, RV__REDUCE_SUM));

    char path[4200];
    const char *target = NULL;
    if (status == RV_OK && emit != RV_EMIT_NONE) {
        if (output_dir) {
            snprintf(path, sizeof path, "%s/batch-%06" PRIu64 ".%s", output_dir, batch,
                     emit == RV_EMIT_SNAPSHOT ? "snapshot" : "changes");
            target = path;
        } else if (s->rank == 0) {
            printf("# batch %" PRIu64 "\n", batch);
        }
        if (emit == RV_EMIT_SNAPSHOT)
            status = rv_job_write(job, target);
        else
            status = rv__output_write_records(s, &records, n_records, record - 8, format_change, &job->program, target);
    }
    free(records);
    return status;
}
