/* max_value.c — a complete user program: every vertex learns the largest id that can reach it (Pregel's first example).
 *
 * Build against an installed rivulet:
 *     cc max_value.c $(pkg-config --cflags --libs rivulet) -o max_value
 * Run:
 *     mpirun -np 4 ./max_value EDGE_FILE [--undirected]
 * Prints `id value` lines in ascending id order. On an undirected graph the value
 * is the largest id in the vertex's connected component.
 */
#include <stdio.h>
#include <string.h>

#include <rivulet.h>

/* Start with your own id. */
static void init(rv_context *ctx, void *value, void *user)
{
    (void)user;
    *(rv_id *)value = rv_vertex_id(ctx);
}

/* Keep the largest id heard of; tell the out-neighbours when it grows. */
static void compute(rv_context *ctx, void *value, const void *messages, size_t n_messages, void *user)
{
    (void)user;
    rv_id *best = value;
    bool grew = rv_superstep(ctx) == 0;
    if (n_messages && *(const rv_id *)messages > *best) {
        *best = *(const rv_id *)messages;
        grew = true;
    }
    if (grew)
        rv_send_all(ctx, best);
    rv_vote_to_halt(ctx);
}

/* Many messages to one vertex fold into their maximum before they travel. */
static void combine(void *accumulator, const void *message, void *user)
{
    (void)user;
    if (*(const rv_id *)message > *(rv_id *)accumulator)
        *(rv_id *)accumulator = *(const rv_id *)message;
}

static size_t format(const void *value, char *buffer, size_t capacity, void *user)
{
    (void)user;
    return rv_format_int64((int64_t)*(const rv_id *)value, buffer, capacity);
}

int main(int argc, char **argv)
{
    rv_session *session = NULL;
    rv_graph *graph = NULL;
    rv_job *job = NULL;
    if (rv_session_open(&session, &argc, &argv) != RV_OK)
        return 1;
    int status = RV_EINVAL;
    if (argc < 2) {
        if (rv_session_rank(session) == 0)
            fprintf(stderr, "usage: max_value EDGE_FILE [--undirected]\n");
        goto done;
    }
    rv_load_options load = {
        .edge_file = argv[1],
        .undirected = argc > 2 && strcmp(argv[2], "--undirected") == 0,
        .weight_column = -1, /* weights, if any, are not needed */
    };
    rv_program program = {
        .api_version = RV_API_VERSION,
        .name = "max_value",
        .value_size = sizeof(rv_id),
        .message_size = sizeof(rv_id),
        .init = init,
        .compute = compute,
        .combine = combine,
        .format = format,
    };
    /* Every call below is collective and returns the same status on every rank. */
    status = rv_graph_load(session, &load, &graph);
    if (status == RV_OK)
        status = rv_job_new(graph, &program, &job);
    if (status == RV_OK)
        status = rv_job_run(job, NULL, NULL);
    if (status == RV_OK)
        status = rv_job_write(job, NULL);
    if (status != RV_OK && rv_session_rank(session) == 0)
        fprintf(stderr, "max_value: %s\n", rv_session_last_error(session));
done:
    rv_job_free(&job);
    rv_graph_free(&graph);
    rv_session_close(&session);
    return status == RV_OK ? 0 : 1;
}
