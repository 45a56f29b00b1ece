/* checkpoint_topology.c — on resume, rebuilding the graph that topology changes had made, from the checkpoint's topology sections (see checkpoint.h).
 *
 * A job that added or removed vertices or edges no longer runs on its input. Its
 * checkpoints then carry every vertex's out-edges; a resume loads the input as
 * usual (to check that it is the right one), then replaces the graph by the saved
 * one: each vertex, with its edges in their saved order, travels to its owner in
 * this job, and the loader's build makes the CSR, as topology changes do
 * (mutation.c). The job's per-vertex arrays are made anew for the new graph; the
 * restore that follows fills them.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"

/* One vertex entry of a topology section, as it is packed there. */
typedef struct topology_entry {
    uint64_t id, degree;
    const unsigned char *at; /* the entry */
    size_t bytes;
} topology_entry;

static size_t entry_bytes(const rv_graph *g, uint64_t degree)
{
    return 16 + (size_t)degree * (8 + (g->weights ? 8 : 0) + (g->reverse ? 1 : 0));
}

/* Splits the sections into entries; RV_EPARSE when one does not parse. */
static int list_entries(const rv_job *job, const rv__state_sections *sections, size_t n, topology_entry **out,
                        size_t *n_out)
{
    const rv_graph *g = job->graph;
    size_t total = 0;
    for (size_t k = 0; k < n; k++)
        total += (size_t)sections[k].n_topology_vertices;
    topology_entry *entries = malloc((total + 1) * sizeof *entries);
    if (!entries)
        return rv__session_fail(job->session, RV_ENOMEM, "out of memory rebuilding the graph");
    size_t count = 0;
    for (size_t k = 0; k < n; k++) {
        const unsigned char *at = sections[k].topology, *end = at + sections[k].topology_bytes;
        for (uint64_t i = 0; i < sections[k].n_topology_vertices; i++) {
            topology_entry e = {.at = at};
            if (end - at < 16) {
                free(entries);
                return rv__session_fail(job->session, RV_EPARSE, "the checkpoint's topology is cut short");
            }
            memcpy(&e.id, at, 8);
            memcpy(&e.degree, at + 8, 8);
            e.bytes = entry_bytes(g, e.degree);
            if (e.degree > (uint64_t)(end - at) || e.bytes > (size_t)(end - at)) {
                free(entries);
                return rv__session_fail(job->session, RV_EPARSE, "the checkpoint's topology is cut short");
            }
            entries[count++] = e;
            at += e.bytes;
        }
    }
    *out = entries;
    *n_out = count;
    return RV_OK;
}

/* Turns the entries this rank received into the build's input. */
static int make_input(const rv_graph *g, const unsigned char *data, size_t bytes, rv__owned_input *in)
{
    size_t n_vertices = 0, n_edges = 0;
    for (size_t at = 0; at < bytes;) {
        uint64_t degree;
        memcpy(&degree, data + at + 8, 8);
        n_vertices++;
        n_edges += (size_t)degree;
        at += entry_bytes(g, degree);
    }
    *in = (rv__owned_input){.with_weights = g->weights != NULL, .with_reverse_marks = g->reverse != NULL};
    uint64_t *ids = malloc((n_vertices + 1) * sizeof *ids), *targets = malloc((n_edges + 1) * sizeof *targets);
    uint64_t *sources = malloc((n_edges + 1) * sizeof *sources);
    in->src = malloc((n_edges + 1) * sizeof *in->src);
    in->dst = malloc((n_edges + 1) * sizeof *in->dst);
    in->weight = in->with_weights ? malloc((n_edges + 1) * sizeof *in->weight) : NULL;
    in->reverse = in->with_reverse_marks ? malloc(n_edges + 1) : NULL;
    int status = ids && targets && sources && in->src && in->dst && (!in->with_weights || in->weight) &&
                         (!in->with_reverse_marks || in->reverse) && rv__idmap_init(&in->ids, n_vertices + 16) == RV_OK
                     ? RV_OK
                     : RV_ENOMEM;
    size_t v = 0, e = 0;
    for (size_t at = 0; status == RV_OK && at < bytes; v++) {
        uint64_t degree;
        memcpy(&ids[v], data + at, 8);
        memcpy(&degree, data + at + 8, 8);
        const unsigned char *p = data + at + 16;
        memcpy(targets + e, p, (size_t)degree * 8);
        for (uint64_t i = 0; i < degree; i++)
            sources[e + i] = ids[v];
        p += degree * 8;
        if (in->weight) {
            memcpy(in->weight + e, p, (size_t)degree * 8);
            p += degree * 8;
        }
        if (in->reverse)
            memcpy(in->reverse + e, p, (size_t)degree);
        e += (size_t)degree;
        at += entry_bytes(g, degree);
    }
    /* Every vertex first (some have no edge), then the edges in their saved order,
     * which the build keeps within each source. */
    if (status == RV_OK)
        status = rv__idmap_intern_many(&in->ids, ids, n_vertices, NULL);
    if (status == RV_OK)
        status = rv__idmap_intern_many(&in->ids, sources, n_edges, in->src);
    if (status == RV_OK)
        status = rv__idmap_intern_many(&in->ids, targets, n_edges, in->dst);
    in->n_edges = in->capacity = n_edges;
    free(ids);
    free(targets);
    free(sources);
    return status;
}

static void destroy_input(rv__owned_input *in)
{
    rv__idmap_destroy(&in->ids);
    free(in->src);
    free(in->dst);
    free(in->weight);
    free(in->reverse);
    *in = (rv__owned_input){0};
}

/* The job's per-vertex arrays and message store, fresh for its (new) graph. */
static int remake_job_arrays(rv_job *job)
{
    const rv_graph *g = job->graph;
    const rv_program *p = &job->program;
    free(job->values);
    free(job->edge_values);
    free(job->halted);
    rv__messages_destroy(&job->messages);
    job->values = malloc((size_t)g->n_local * p->value_size + 1);
    job->edge_values = p->edge_value_size ? calloc(g->m_local + 1, p->edge_value_size) : NULL;
    job->halted = calloc((size_t)g->n_local / 64 + 1, 8);
    if (!job->values || !job->halted || (p->edge_value_size && !job->edge_values) ||
        rv__messages_init(&job->messages, g, p) != RV_OK)
        return RV_ENOMEM;
    return RV_OK;
}

int rv__topology_rebuild(rv_job *job, const rv__state_sections *sections, size_t n)
{
    rv_session *s = job->session;
    rv_graph *g = job->graph;
    const int P = s->size;
    topology_entry *entries = NULL;
    size_t n_entries = 0;
    uint64_t *ids = NULL, *send_bytes = calloc((size_t)P, sizeof *send_bytes);
    uint64_t *recv_bytes = calloc((size_t)P, sizeof *recv_bytes), *fill = calloc((size_t)P, sizeof *fill);
    int *owners = NULL;
    unsigned char *send = NULL;
    rv__buffer recv = {0};
    rv__owned_input in = {0};
    rv_graph *built = NULL;

    int status = send_bytes && recv_bytes && fill ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory");
    if (status == RV_OK)
        status = list_entries(job, sections, n, &entries, &n_entries);
    if (status == RV_OK && (!(ids = malloc((n_entries + 1) * sizeof *ids)) ||
                            !(owners = malloc((n_entries + 1) * sizeof *owners))))
        status = rv__session_fail(s, RV_ENOMEM, "out of memory rebuilding the graph");
    for (size_t i = 0; status == RV_OK && i < n_entries; i++)
        ids[i] = entries[i].id;
    status = rv__session_agree(s, status);
    if (status == RV_OK)
        status = rv__session_agree(s, rv__placement_owners(s, &g->placement, ids, n_entries, owners));
    if (status == RV_OK) {
        uint64_t total = 0;
        for (size_t i = 0; i < n_entries; i++)
            send_bytes[owners[i]] += entries[i].bytes;
        for (int r = 0; r < P; r++) {
            fill[r] = total;
            total += send_bytes[r];
        }
        if (!(send = malloc(total + 1)))
            status = rv__session_fail(s, RV_ENOMEM, "out of memory rebuilding the graph");
        for (size_t i = 0; status == RV_OK && i < n_entries; i++) {
            memcpy(send + fill[owners[i]], entries[i].at, entries[i].bytes);
            fill[owners[i]] += entries[i].bytes;
        }
        status = rv__session_agree(s, status);
    }
    if (status == RV_OK)
        status = rv__session_agree(s, rv__comm_alltoallv(s, send, send_bytes, &recv, recv_bytes));
    free(send);
    send = NULL;
    if (status == RV_OK && make_input(g, recv.data, recv.size, &in) != RV_OK)
        status = rv__session_fail(s, RV_ENOMEM, "out of memory rebuilding the graph");
    rv__buffer_destroy(&recv);
    if (status == RV_OK && !(built = calloc(1, sizeof *built)))
        status = rv__session_fail(s, RV_ENOMEM, "out of memory rebuilding the graph");
    status = rv__session_agree(s, status);
    if (status == RV_OK) {
        built->session = s;
        /* The placement, and its directory if it has one, go to the rebuilt graph. */
        built->placement = g->placement;
        built->undirected = g->undirected;
        built->load_stats = g->load_stats;
        built->partition_stats = g->partition_stats;
        memcpy(built->input_crc, g->input_crc, sizeof g->input_crc);
        memcpy(built->input_text_bytes, g->input_text_bytes, sizeof g->input_text_bytes);
        status = rv__graph_build(built, &in);
    }
    if (status == RV_OK) {
        /* The caller holds the graph object: its contents become the rebuilt graph's,
         * and the old contents, freed below, no longer own the directory. */
        rv_graph old = *g;
        old.placement.directory = NULL;
        *g = *built;
        *built = old;
        if (remake_job_arrays(job) != RV_OK)
            status = rv__session_fail(s, RV_ENOMEM, "out of memory for the job on the rebuilt graph");
        status = rv__session_agree(s, status);
    } else if (built) {
        built->placement.directory = NULL; /* still the loaded graph's */
    }
    rv_graph_free(&built);
    destroy_input(&in);
    free(entries);
    free(ids);
    free(owners);
    free(send_bytes);
    free(recv_bytes);
    free(fill);
    return status;
}
