/* directory.c — the id -> part map spread over the ranks by hash: building the shards, and batched collective lookups. */
#include "directory.h"

#include <stdlib.h>
#include <string.h>

#include "comm.h"
#include "partitioner.h"
#include "session.h"
#include "sort.h"

/* Orders the indices 0..n-1 of @p ids by the hash owner of the id (stably, so that
 * entries keep their order within one owner) into @p order, and counts them per
 * owner into @p count[P]. RV_ENOMEM on failure. */
static int order_by_owner(const uint64_t *ids, size_t n, int P, size_t *order, uint64_t *count)
{
    uint64_t *start = malloc((size_t)P * sizeof *start);
    if (!start)
        return RV_ENOMEM;
    memset(count, 0, (size_t)P * sizeof *count);
    for (size_t i = 0; i < n; i++)
        count[rv__hash_owner(ids[i], P)]++;
    uint64_t at = 0;
    for (int r = 0; r < P; r++) {
        start[r] = at;
        at += count[r];
    }
    for (size_t i = 0; i < n; i++)
        order[start[rv__hash_owner(ids[i], P)]++] = i;
    free(start);
    return RV_OK;
}

int rv__directory_build(rv_session *s, const uint64_t *ids, const int32_t *parts, const uint64_t *tags, size_t n,
                        rv__directory *out, uint64_t **tags_out)
{
    const int P = s->size;
    const size_t words = tags ? 3 : 2; /* id, part[, tag] per entry */
    *out = (rv__directory){0};
    if (tags_out)
        *tags_out = NULL;
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    uint64_t *send = malloc((n ? n : 1) * words * 8);
    uint64_t *send_bytes = calloc((size_t)P, sizeof *send_bytes);
    uint64_t *recv_bytes = calloc((size_t)P, sizeof *recv_bytes);
    uint32_t *index = NULL;
    uint64_t *tag = NULL;
    rv__buffer recv = {0};
    int status = RV_OK;
    if (!order || !send || !send_bytes || !recv_bytes || order_by_owner(ids, n, P, order, send_bytes) != RV_OK) {
        status = rv__session_fail(s, RV_ENOMEM, "out of memory building the partition directory");
        goto agree;
    }
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        send[k * words] = ids[i];
        send[k * words + 1] = (uint64_t)(uint32_t)parts[i];
        if (tags)
            send[k * words + 2] = tags[i];
    }
    for (int r = 0; r < P; r++)
        send_bytes[r] *= 8 * words;
agree:
    status = rv__session_agree(s, status);
    if (status != RV_OK)
        goto done;
    status = rv__session_agree(s, rv__comm_alltoallv(s, send, send_bytes, &recv, recv_bytes));
    if (status != RV_OK)
        goto done;
    free(send);
    send = NULL;

    /* Sort the shard by id; the sort is stable, so repeated ids keep arrival order. */
    const uint64_t *record = (const uint64_t *)recv.data;
    size_t m = recv.size / (8 * words);
    out->id = malloc((m ? m : 1) * sizeof *out->id);
    out->part = malloc((m ? m : 1) * sizeof *out->part);
    index = malloc((m ? m : 1) * sizeof *index);
    if (tags)
        tag = malloc((m ? m : 1) * sizeof *tag);
    if (m >= UINT32_MAX)
        status = rv__session_fail(s, RV_ELIMIT,
                                  "rank %d would hold more than 2^32 - 2 directory entries: use more ranks", s->rank);
    else if (!out->id || !out->part || !index || (tags && !tag))
        status = rv__session_fail(s, RV_ENOMEM, "out of memory building the partition directory");
    if (status == RV_OK) {
        for (size_t k = 0; k < m; k++) {
            out->id[k] = record[k * words];
            index[k] = (uint32_t)k;
        }
        if (rv__sort_u64_u32(out->id, index, m) != RV_OK)
            status = rv__session_fail(s, RV_ENOMEM, "out of memory sorting the partition directory");
    }
    if (status == RV_OK) {
        for (size_t k = 0; k < m; k++) {
            out->part[k] = (int32_t)(uint32_t)record[(size_t)index[k] * words + 1];
            if (tag)
                tag[k] = record[(size_t)index[k] * words + 2];
        }
        out->n = m;
    }
    status = rv__session_agree(s, status);
done:
    free(order);
    free(send);
    free(send_bytes);
    free(recv_bytes);
    free(index);
    rv__buffer_destroy(&recv);
    if (status != RV_OK) {
        free(tag);
        rv__directory_destroy(out);
    } else if (tags_out) {
        *tags_out = tag;
    } else {
        free(tag);
    }
    return status;
}

int32_t rv__directory_find(const rv__directory *d, uint64_t id)
{
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->id[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->n && d->id[lo] == id ? d->part[lo] : -1;
}

int rv__directory_lookup(rv_session *s, const rv__directory *d, const uint64_t *ids, size_t n, int32_t *parts)
{
    const int P = s->size;
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    uint64_t *questions = malloc((n ? n : 1) * sizeof *questions);
    uint64_t *send_bytes = calloc((size_t)P, sizeof *send_bytes);
    uint64_t *recv_bytes = calloc((size_t)P, sizeof *recv_bytes);
    rv__buffer asked = {0}, answered = {0};
    int32_t *answers = NULL;
    int status = order && questions && send_bytes && recv_bytes && order_by_owner(ids, n, P, order, send_bytes) == RV_OK
                     ? RV_OK
                     : rv__session_fail(s, RV_ENOMEM, "out of memory looking up owners");
    status = rv__session_agree(s, status);
    if (status != RV_OK)
        goto done;
    for (size_t k = 0; k < n; k++)
        questions[k] = ids[order[k]];
    for (int r = 0; r < P; r++)
        send_bytes[r] *= 8;
    status = rv__session_agree(s, rv__comm_alltoallv(s, questions, send_bytes, &asked, recv_bytes));
    if (status != RV_OK)
        goto done;

    /* Answer what was asked here, in the order asked, then send the answers back. */
    size_t n_asked = asked.size / 8;
    answers = malloc((n_asked ? n_asked : 1) * sizeof *answers);
    if (!answers)
        status = rv__session_fail(s, RV_ENOMEM, "out of memory answering owner lookups");
    for (size_t k = 0; answers && k < n_asked; k++) {
        uint64_t id;
        memcpy(&id, asked.data + 8 * k, 8);
        answers[k] = rv__directory_find(d, id);
    }
    for (int r = 0; r < P; r++) {
        recv_bytes[r] /= 2; /* each 8-byte question gets a 4-byte answer */
        send_bytes[r] /= 2;
    }
    status = rv__session_agree(s, status);
    if (status == RV_OK)
        status = rv__session_agree(s, rv__comm_alltoallv(s, answers, recv_bytes, &answered, send_bytes));
    if (status != RV_OK)
        goto done;
    for (size_t k = 0; k < n; k++)
        memcpy(&parts[order[k]], answered.data + 4 * k, 4);
done:
    free(order);
    free(questions);
    free(send_bytes);
    free(recv_bytes);
    free(answers);
    rv__buffer_destroy(&asked);
    rv__buffer_destroy(&answered);
    return status;
}

uint64_t rv__directory_bytes(const rv__directory *d)
{
    return (uint64_t)d->n * (sizeof *d->id + sizeof *d->part);
}

void rv__directory_destroy(rv__directory *d)
{
    free(d->id);
    free(d->part);
    *d = (rv__directory){0};
}
