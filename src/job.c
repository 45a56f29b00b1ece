/* job.c — the superstep loop: compute on active vertices, exchange messages, reduce counters and aggregators, decide whether to go on. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "graph_slack.h"
#include "job.h"

/* Reduction slots that lead every superstep's reduction, before the aggregators. */
enum {
    SLOT_FAILED,
    SLOT_COMPUTED,
    SLOT_SENT,
    SLOT_BYTES,
    SLOT_NEXT_ACTIVE,
    SLOT_MUTATIONS,  /* topology changes requested */
    SLOT_UNRESOLVED, /* messages by id that found no vertex */
    N_FIXED_SLOTS
};

void rv__aggregate_reset(rv__reduce_slot *slot, rv_aggregator_kind kind)
{
    *slot = (rv__reduce_slot){0};
    switch (kind) {
    case RV_AGG_SUM_DOUBLE: *slot = (rv__reduce_slot){.type = RV__SLOT_F64, .op = RV__REDUCE_SUM, .value.d = 0}; break;
    case RV_AGG_MIN_DOUBLE: *slot = (rv__reduce_slot){.type = RV__SLOT_F64, .op = RV__REDUCE_MIN, .value.d = INFINITY}; break;
    case RV_AGG_MAX_DOUBLE: *slot = (rv__reduce_slot){.type = RV__SLOT_F64, .op = RV__REDUCE_MAX, .value.d = -INFINITY}; break;
    case RV_AGG_SUM_INT64: *slot = (rv__reduce_slot){.type = RV__SLOT_I64, .op = RV__REDUCE_SUM, .value.i = 0}; break;
    case RV_AGG_MIN_INT64: *slot = (rv__reduce_slot){.type = RV__SLOT_I64, .op = RV__REDUCE_MIN, .value.i = INT64_MAX}; break;
    case RV_AGG_MAX_INT64: *slot = (rv__reduce_slot){.type = RV__SLOT_I64, .op = RV__REDUCE_MAX, .value.i = INT64_MIN}; break;
    }
}

/* Checks a program descriptor; the same on every rank, so no agreement is needed
 * for the outcome, only for the text (which is identical anyway). */
static int check_program(rv_session *s, const rv_graph *g, const rv_program *p)
{
    const char *name = p->name ? p->name : "(unnamed)";
    if (p->api_version != RV_API_VERSION)
        return rv__session_fail(s, RV_EVERSION, "program '%s' was built for API version %u; this library has version %u",
                                name, p->api_version, (unsigned)RV_API_VERSION);
    if (!p->init || !p->compute || !p->format)
        return rv__session_fail(s, RV_EINVAL, "program '%s' lacks init(), compute() or format()", name);
    if (p->init_edge && p->edge_value_size == 0)
        return rv__session_fail(s, RV_EINVAL, "program '%s' has init_edge() but no edge_value_size", name);
    if (p->value_size == 0)
        return rv__session_fail(s, RV_EINVAL, "program '%s' has a zero value size", name);
    if (p->message_size == RV_MESSAGE_VARIABLE && (p->combine || p->combiner != RV_COMBINE_CUSTOM))
        return rv__session_fail(s, RV_EINVAL, "program '%s' has variable-size messages and a combiner; combiners need a fixed size", name);
    if ((unsigned)p->combiner > RV_COMBINE_MAX_INT64)
        return rv__session_fail(s, RV_EINVAL, "program '%s' names an unknown built-in combiner", name);
    if (p->combiner != RV_COMBINE_CUSTOM && p->message_size != 8)
        return rv__session_fail(s, RV_EINVAL, "program '%s': a built-in combiner needs 8-byte messages", name);
    if (p->n_aggregators && !p->aggregators)
        return rv__session_fail(s, RV_EINVAL, "program '%s' declares aggregators but no table", name);
    for (size_t k = 0; k < p->n_aggregators; k++)
        if ((unsigned)p->aggregators[k].kind > RV_AGG_MAX_INT64)
            return rv__session_fail(s, RV_EINVAL, "program '%s': aggregator %zu has an unknown kind", name, k);
    if (p->uses_weights && !g->weights)
        return rv__session_fail(s, RV_EINVAL, "program '%s' reads edge weights, but the graph was loaded without them", name);
    return RV_OK;
}

/* Runs init() on every vertex and init_edge() on every edge; returns the messages'
 * status (a send during init() fails the job). */
static int init_vertices(rv_job *job)
{
    const rv_graph *g = job->graph;
    const rv_program *p = &job->program;
    rv_context ctx = {.job = job, .in_init = true};
    for (uint32_t v = 0; v < g->n_local; v++) {
        ctx.vertex = v;
        p->init(&ctx, job->values + (size_t)v * p->value_size, p->user);
        for (uint64_t i = 0; p->init_edge && i < rv__graph_edges_end(g, v) - g->offsets[v]; i++)
            p->init_edge(&ctx, i, rv_edge_value(&ctx, i), p->user);
    }
    return job->messages.status;
}

int rv_job_new(rv_graph *g, const rv_program *p, rv_job **out)
{
    rv_session *s = g->session;
    *out = NULL;
    int status = check_program(s, g, p);
    rv_job *job = NULL;
    if (status == RV_OK && !(job = calloc(1, sizeof *job)))
        status = rv__session_fail(s, RV_ENOMEM, "out of memory for a job");
    if (status == RV_OK) {
        job->graph = g;
        job->session = s;
        job->program = *p;
        size_t n_agg = p->n_aggregators;
        job->values = malloc((size_t)g->n_local * p->value_size + 1);
        if (p->edge_value_size)
            job->edge_values = calloc(rv__graph_edge_span(g) + 1, p->edge_value_size);
        job->halted = calloc((size_t)g->n_local / 64 + 1, 8);
        job->aggregate_local = calloc(n_agg + 1, sizeof *job->aggregate_local);
        job->aggregate_visible = calloc(n_agg + 1, sizeof *job->aggregate_visible);
        if (!job->values || !job->halted || !job->aggregate_local || !job->aggregate_visible ||
            (p->edge_value_size && !job->edge_values) ||
            rv__messages_init(&job->messages, g, p) != RV_OK)
            status = rv__session_fail(s, RV_ENOMEM, "out of memory for program '%s' on %u vertices",
                                      p->name ? p->name : "?", g->n_local);
    }
    if (status == RV_OK) {
        for (size_t k = 0; k < p->n_aggregators; k++) {
            rv__aggregate_reset(&job->aggregate_local[k], p->aggregators[k].kind);
            rv__aggregate_reset(&job->aggregate_visible[k], p->aggregators[k].kind);
        }
        status = init_vertices(job);
    }
    status = rv__session_agree(s, status);
    if (status != RV_OK) {
        rv_job_free(&job);
        return status;
    }
    *out = job;
    return RV_OK;
}

void rv_job_free(rv_job **job_handle)
{
    rv_job *job = job_handle ? *job_handle : NULL;
    if (!job)
        return;
    rv__messages_destroy(&job->messages);
    rv__mutations_destroy(&job->mutations);
    rv__checkpointer_free(&job->checkpointer);
    rv__job_set_changes(job, NULL, false);
    free(job->values);
    free(job->edge_values);
    free(job->halted);
    free(job->awake);
    free(job->awake_next);
    free(job->aggregate_local);
    free(job->aggregate_visible);
    free(job);
    *job_handle = NULL;
}

void rv__job_set_changes(rv_job *job, rv__batch_changes *changes, bool everyone)
{
    if (job->changes) {
        rv__batch_changes_destroy(job->changes);
        free(job->changes);
    }
    job->changes = changes;
    job->repair_everyone = everyone;
}

int rv__job_restart(rv_job *job)
{
    rv_session *s = job->session;
    const rv_graph *g = job->graph;
    const rv_program *p = &job->program;
    rv__job_set_changes(job, NULL, false);
    job->awake_known = false;
    rv__messages_destroy(&job->messages);
    free(job->values);
    free(job->edge_values);
    free(job->halted);
    job->values = malloc((size_t)g->n_local * p->value_size + 1);
    job->edge_values = p->edge_value_size ? calloc(rv__graph_edge_span(g) + 1, p->edge_value_size) : NULL;
    job->halted = calloc((size_t)g->n_local / 64 + 1, 8);
    int status = RV_OK;
    if (!job->values || !job->halted || (p->edge_value_size && !job->edge_values) ||
        rv__messages_init(&job->messages, g, p) != RV_OK)
        status = rv__session_fail(s, RV_ENOMEM, "out of memory restarting program '%s'", p->name ? p->name : "?");
    if (status == RV_OK) {
        for (size_t k = 0; k < p->n_aggregators; k++) {
            rv__aggregate_reset(&job->aggregate_local[k], p->aggregators[k].kind);
            rv__aggregate_reset(&job->aggregate_visible[k], p->aggregators[k].kind);
        }
        job->superstep = 0;
        job->finished = false;
        status = init_vertices(job);
    }
    return rv__session_agree(s, status);
}

void rv__job_pack_edges(rv_job *job)
{
    rv__edge_arrays e = rv__edge_arrays_of(job->graph, &job->edge_values, job->program.edge_value_size);
    rv__graph_compact(job->graph, &e);
}

/* ---- Which vertices a superstep visits --------------------------------------------------
 *
 * A superstep runs every vertex that is awake or has messages. Visiting every vertex
 * to find them costs O(V) however few they are, which dominates a stream batch that
 * wakes a few hundred. So, with list-mode messages (no combiner), the loop keeps the
 * vertices that stayed awake in a list (while they are fewer than 1/64 of the
 * vertices), and when the inbox is sparse too (messages.h), the next superstep
 * visits the union of the two lists, in ascending order as a full scan would. Any
 * other change to the halted flags (a run starting, a restart, topology changes)
 * forgets the list, and the next superstep scans every vertex again. */

/* Prepares the awake list for this superstep; false when it is not kept. */
static bool awake_start(rv_job *job)
{
    if (job->messages.combining)
        return false;
    size_t limit = (size_t)job->graph->n_local / 64 + 64;
    if (job->awake_capacity < limit) {
        uint32_t *a = realloc(job->awake, limit * sizeof *a);
        if (a)
            job->awake = a;
        uint32_t *b = realloc(job->awake_next, limit * sizeof *b);
        if (b)
            job->awake_next = b;
        if (!a || !b) {
            job->awake_known = false;
            return false; /* only an optimisation: go on without it */
        }
        job->awake_capacity = limit;
    }
    return true;
}

/* The list of this superstep being built. */
typedef struct awake_list {
    bool keep; /* the list is kept and has not overflowed */
    size_t n;
} awake_list;

static inline void note_awake(rv_job *job, awake_list *next, uint32_t v)
{
    if (!next->keep || (job->halted[v >> 6] >> (v & 63) & 1))
        return;
    if (next->n == job->awake_capacity)
        next->keep = false;
    else
        job->awake_next[next->n++] = v;
}

/* The list built becomes the one the next superstep reads. */
static void awake_finish(rv_job *job, const awake_list *next)
{
    job->awake_known = next->keep;
    if (!next->keep)
        return;
    uint32_t *t = job->awake;
    job->awake = job->awake_next;
    job->awake_next = t;
    job->n_awake = next->n;
}

/* Whether this superstep may visit the two lists instead of every vertex. */
static bool frontier_known(const rv_job *job) { return job->awake_known && job->messages.inbox_sparse; }

/* Calls @p visit(job, v, arg) on every vertex awake or with messages, ascending:
 * from the two lists when they are known, else over all vertices. */
#define FOR_EACH_CANDIDATE(job, v, body)                                                                          \
    do {                                                                                                          \
        if (frontier_known(job)) {                                                                                \
            const uint32_t *a_ = (job)->awake, *b_ = (job)->messages.inbox_vertices;                              \
            size_t na_ = (job)->n_awake, nb_ = (job)->messages.n_inbox_vertices, i_ = 0, j_ = 0;                  \
            while (i_ < na_ || j_ < nb_) {                                                                        \
                uint32_t v;                                                                                       \
                if (j_ == nb_ || (i_ < na_ && a_[i_] < b_[j_]))                                                   \
                    v = a_[i_++];                                                                                 \
                else if (i_ == na_ || b_[j_] < a_[i_])                                                            \
                    v = b_[j_++];                                                                                 \
                else                                                                                              \
                    v = a_[i_++], j_++;                                                                           \
                body;                                                                                             \
            }                                                                                                     \
        } else {                                                                                                  \
            for (uint32_t v = 0; v < (job)->graph->n_local; v++) {                                                \
                body;                                                                                             \
            }                                                                                                     \
        }                                                                                                         \
    } while (0)

/* The superstep after a stream batch: the vertices it touched (or all) run repair()
 * with what changed for them, instead of compute(). Returns how many ran. */
static uint64_t repair_all(rv_job *job)
{
    const rv_graph *g = job->graph;
    const rv_program *p = &job->program;
    const rv__batch_changes *c = job->changes;
    rv_context ctx = {.job = job};
    uint64_t repaired = 0;
    size_t at = 0;
    awake_list next = {.keep = awake_start(job)};
    for (uint32_t v = 0; v < g->n_local; v++) {
        size_t first = at;
        while (at < c->n_removed && c->removed[at].vertex == v)
            at++;
        size_t n_removed = at - first;
        if (!job->repair_everyone && !c->is_new[v] && !c->n_added_edges[v] && n_removed == 0) {
            note_awake(job, &next, v);
            continue;
        }
        /* The removed edges sit in a struct with their vertex; hand repair() a plain
         * array of them. */
        rv_removed_edge removed[64], *edges = removed;
        if (n_removed > 64 && !(edges = malloc(n_removed * sizeof *edges))) {
            job->messages.status = rv__session_fail(job->session, RV_ENOMEM, "out of memory repairing a vertex");
            return repaired;
        }
        for (size_t k = 0; k < n_removed; k++)
            edges[k] = c->removed[first + k].edge;
        rv_change change = {.new_vertex = c->is_new[v], .n_added_edges = c->n_added_edges[v],
                            .removed = edges, .n_removed = n_removed};
        ctx.vertex = v;
        ctx.voted_to_halt = false;
        p->repair(&ctx, job->values + (size_t)v * p->value_size, &change, p->user);
        uint64_t bit = UINT64_C(1) << (v & 63);
        if (ctx.voted_to_halt)
            job->halted[v >> 6] |= bit;
        else
            job->halted[v >> 6] &= ~bit;
        note_awake(job, &next, v);
        if (edges != removed)
            free(edges);
        if (job->dirty)
            job->dirty[v] = 1;
        repaired++;
    }
    awake_finish(job, &next);
    job->repaired = repaired;
    rv__job_set_changes(job, NULL, false);
    return repaired;
}

/* compute_all() over every vertex with a combining inbox: the common case of a dense
 * superstep (PageRank's every one), where the loop's own cost per vertex shows.
 * Nothing a compute() call can do moves the arrays read here or the halted flags
 * (votes come back in ctx, topology changes wait for the barrier), so they are
 * read into locals once, and each word of halted flags once per 64 vertices. */
static uint64_t compute_every_combining(rv_job *job)
{
    const rv_program *p = &job->program;
    void (*compute)(rv_context *, void *, const void *, size_t, void *) = p->compute;
    void *user = p->user;
    const size_t value_size = p->value_size, message_size = job->messages.size;
    unsigned char *values = job->values;
    const unsigned char *box = job->messages.box;
    const uint8_t *has = job->messages.has;
    uint8_t *dirty = job->dirty;
    uint64_t *halted = job->halted;
    const uint32_t n = job->graph->n_local;
    rv_context ctx = {.job = job};
    uint64_t computed = 0;
    for (uint32_t first = 0; first < n; first += 64) {
        uint64_t word = halted[first >> 6];
        uint32_t end = n - first < 64 ? n : first + 64;
        for (uint32_t v = first; v < end; v++) {
            uint64_t bit = UINT64_C(1) << (v & 63);
            if ((word & bit) && !has[v])
                continue;
            ctx.vertex = v;
            ctx.voted_to_halt = false;
            compute(&ctx, values + (size_t)v * value_size, has[v] ? box + (size_t)v * message_size : NULL, has[v],
                    user);
            word = ctx.voted_to_halt ? word | bit : word & ~bit;
            if (dirty)
                dirty[v] = 1;
            computed++;
        }
        halted[first >> 6] = word;
    }
    return computed;
}

/* Runs compute() on every vertex that is active or has messages; returns how many ran. */
static uint64_t compute_all(rv_job *job)
{
    if (job->changes)
        return repair_all(job);
    if (job->messages.combining) {
        job->awake_known = false; /* no awake list is kept with a combiner (awake_start) */
        return compute_every_combining(job);
    }
    const rv_program *p = &job->program;
    rv_context ctx = {.job = job};
    uint64_t computed = 0;
    awake_list next = {.keep = awake_start(job)};
    FOR_EACH_CANDIDATE(job, v, {
        const void *messages = NULL;
        size_t n_messages = rv__messages_for(&job->messages, v, &messages);
        uint64_t bit = UINT64_C(1) << (v & 63);
        if ((job->halted[v >> 6] & bit) && n_messages == 0)
            continue;
        ctx.vertex = v;
        ctx.voted_to_halt = false;
        p->compute(&ctx, job->values + (size_t)v * p->value_size, messages, n_messages, p->user);
        if (ctx.voted_to_halt) {
            job->halted[v >> 6] |= bit;
        } else {
            job->halted[v >> 6] &= ~bit;
            note_awake(job, &next, v);
        }
        if (job->dirty)
            job->dirty[v] = 1;
        computed++;
    });
    awake_finish(job, &next);
    return computed;
}

/* Vertices that will run next superstep: not halted, or with messages waiting. */
static uint64_t count_next_active(const rv_job *job)
{
    if (job->messages.combining) {
        /* A word of halted flags at a time: the vertices awake by a popcount, and
         * only the halted ones need their inbox looked at. */
        const uint32_t n = job->graph->n_local;
        const uint8_t *has = job->messages.has;
        uint64_t count = 0;
        for (uint32_t first = 0; first < n; first += 64) {
            uint32_t left = n - first;
            uint64_t valid = left >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << left) - 1;
            uint64_t halted = job->halted[first >> 6] & valid;
            count += (uint64_t)__builtin_popcountll(~halted & valid);
            for (; halted; halted &= halted - 1)
                count += has[first + (uint32_t)__builtin_ctzll(halted)] != 0;
        }
        return count;
    }
    uint64_t n = 0;
    FOR_EACH_CANDIDATE(job, v, {
        const void *messages;
        bool halted = job->halted[v >> 6] >> (v & 63) & 1;
        n += !halted || rv__messages_for(&job->messages, v, &messages) > 0;
    });
    return n;
}

/* Applies the topology changes any rank requested (@p n_mutations over all ranks),
 * then settles the messages by id that found no vertex (@p n_unresolved): a vertex
 * added now takes them; the rest fail the run. Updates *next_active when the graph
 * changed. Collective. */
static int settle_topology(rv_job *job, uint64_t n_mutations, uint64_t n_unresolved, uint64_t *next_active)
{
    rv_session *s = job->session;
    int status = RV_OK;
    if (n_mutations > 0) {
        uint64_t left = 0;
        status = rv__mutations_apply(job, &left);
        if (status != RV_OK)
            return status;
        job->topology_changes++;
        job->awake_known = false; /* the halted flags moved with the vertices */
        uint64_t counts[2] = {left, count_next_active(job)};
        status = rv__session_agree(s, rv__comm_allreduce_u64(s, counts, 2, RV__REDUCE_SUM));
        n_unresolved = counts[0];
        *next_active = counts[1];
    }
    if (status == RV_OK && n_unresolved > 0) {
        rv__messages_fail_unresolved(&job->messages);
        status = rv__session_agree(s, job->messages.status);
    }
    return status;
}

int rv_job_run(rv_job *job, const rv_run_options *options, rv_run_stats *stats)
{
    rv_session *s = job->session;
    const rv_program *p = &job->program;
    rv_run_options none = {0};
    const rv_run_options *o = options ? options : &none;
    size_t n_slots = N_FIXED_SLOTS + p->n_aggregators;
    rv__reduce_slot *slots = calloc(n_slots, sizeof *slots);
    int status = slots ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory starting the run");
    status = rv__session_agree(s, status);
    if (status == RV_OK && job->checkpointer)
        status = rv__checkpoint_before_run(job);
    rv_run_stats total = {0};
    double t_run = rv__now();
    job->awake_known = false; /* halted flags may have changed between runs */
    uint64_t steps_this_run = 0;

    while (status == RV_OK && !job->finished && !(o->max_supersteps && steps_this_run >= o->max_supersteps)) {
        double t0 = rv__now();
        job->messages.sent = 0;
        uint64_t computed = compute_all(job);
        uint64_t sent = rv__messages_sent(&job->messages), bytes = 0;
        double t_computed = rv__now();
        status = rv__messages_exchange(&job->messages, s, &bytes);
        if (status != RV_OK)
            break;
        double t_exchanged = rv__now();

        /* One reduction carries failure, counters and aggregators. */
        slots[SLOT_FAILED] = (rv__reduce_slot){.type = RV__SLOT_U64, .op = RV__REDUCE_MAX, .value.u = job->messages.status != RV_OK};
        slots[SLOT_COMPUTED] = (rv__reduce_slot){.type = RV__SLOT_U64, .op = RV__REDUCE_SUM, .value.u = computed};
        slots[SLOT_SENT] = (rv__reduce_slot){.type = RV__SLOT_U64, .op = RV__REDUCE_SUM, .value.u = sent};
        slots[SLOT_BYTES] = (rv__reduce_slot){.type = RV__SLOT_U64, .op = RV__REDUCE_SUM, .value.u = bytes};
        slots[SLOT_NEXT_ACTIVE] = (rv__reduce_slot){.type = RV__SLOT_U64, .op = RV__REDUCE_SUM, .value.u = count_next_active(job)};
        slots[SLOT_MUTATIONS] = (rv__reduce_slot){.type = RV__SLOT_U64, .op = RV__REDUCE_SUM,
                                                  .value.u = job->mutations.n + (job->mutations.status != RV_OK)};
        slots[SLOT_UNRESOLVED] = (rv__reduce_slot){.type = RV__SLOT_U64, .op = RV__REDUCE_SUM, .value.u = job->messages.n_unresolved};
        memcpy(slots + N_FIXED_SLOTS, job->aggregate_local, p->n_aggregators * sizeof *slots);
        status = rv__comm_allreduce_slots(s, slots, n_slots);
        /* Only a failure costs a second collective: the one that shares its text. */
        if (status == RV_OK && slots[SLOT_FAILED].value.u)
            status = rv__session_agree(s, job->messages.status);
        if (status == RV_OK)
            status = settle_topology(job, slots[SLOT_MUTATIONS].value.u, slots[SLOT_UNRESOLVED].value.u,
                                     &slots[SLOT_NEXT_ACTIVE].value.u);
        if (status != RV_OK)
            break;

        rv__log(s, RV_LOG_DEBUG, "superstep %llu: compute %.4f s, exchange %.4f s, reduce %.4f s",
                (unsigned long long)job->superstep, t_computed - t0, t_exchanged - t_computed, rv__now() - t_exchanged);

        /* The reduced aggregators are what vertices read next; the master may override. */
        memcpy(job->aggregate_visible, slots + N_FIXED_SLOTS, p->n_aggregators * sizeof *slots);
        for (size_t k = 0; k < p->n_aggregators; k++)
            rv__aggregate_reset(&job->aggregate_local[k], p->aggregators[k].kind);
        bool go_on = slots[SLOT_NEXT_ACTIVE].value.u > 0;
        if (p->master) {
            rv_master master = {.job = job, .reduced = slots + N_FIXED_SLOTS};
            go_on = p->master(&master, p->user) && go_on;
            if (master.failed) {
                status = RV_EINVAL;
                break;
            }
        }

        rv_superstep_stats step = {
            .superstep = job->superstep,
            .active_vertices = slots[SLOT_COMPUTED].value.u,
            .messages_sent = slots[SLOT_SENT].value.u,
            .bytes_exchanged = slots[SLOT_BYTES].value.u,
            .seconds = rv__now() - t0,
        };
        total.messages_sent += step.messages_sent;
        total.bytes_exchanged += step.bytes_exchanged;
        total.supersteps++;
        if (o->on_superstep && s->rank == 0)
            o->on_superstep(&step, o->arg);
        job->superstep++;
        steps_this_run++;
        job->finished = !go_on;
        if (job->checkpointer && (status = rv__checkpoint_after_superstep(job, slots + N_FIXED_SLOTS)) != RV_OK)
            break;
    }
    total.seconds = rv__now() - t_run;
    if (stats)
        *stats = total;
    free(slots);
    return status;
}

uint64_t rv_job_superstep(const rv_job *job) { return job->superstep; }

void rv_job_foreach_local(const rv_job *job, void (*visit)(rv_id id, const void *value, void *arg), void *arg)
{
    const rv_graph *g = job->graph;
    for (uint32_t k = 0; k < g->n_local; k++) {
        uint32_t v = g->by_id[k];
        visit(g->gid[v], job->values + (size_t)v * job->program.value_size, arg);
    }
}
