/* partition.c — `rivulet partition INPUT --parts K --output FILE`: load the graph, partition it
 * with METIS into K parts and write the partition file that `rivulet run --partition FILE`
 * reuses. Runs as one process from a shell (MPI starts as a singleton) or under mpirun. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime() */

#include "cli.h"

#include <inttypes.h>
#include <time.h>

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void log_sink(rv_log_level level, int rank, const char *line, void *arg)
{
    (void)arg;
    fprintf(stderr, "rivulet[%d] %s: %s\n", rank, level == RV_LOG_WARN ? "warning" : rv__cli_log_level_name(level),
            line);
}

static void print_summary(FILE *out, const rv__cli_run_args *args, const rv_graph *graph, const rv_partition_stats *p,
                          double load_seconds, double partition_seconds)
{
    fprintf(out, "partition of %s: %" PRIu64 " vertices, %" PRIu64 " edges into %d parts, written to %s\n", args->input,
            rv_graph_n_vertices(graph), rv_graph_n_edges(graph), p->n_parts,
            args->output != NULL ? args->output : "standard output");
    fprintf(out, "  %-9s%8.3f s\n", "load", load_seconds);
    fprintf(out, "  %-9s%8.3f s  (structure %.3f s, METIS %.3f s, parts back %.3f s; the rest is writing)\n",
            "partition", partition_seconds, p->structure_seconds, p->metis_seconds, p->directory_seconds);
    fprintf(out,
            "  %-9s  edge cut %" PRIu64 " of %" PRIu64 " edges (%.2f%%); per part max/mean: vertices %" PRIu64
            "/%.1f, edges %" PRIu64 "/%.1f\n",
            "", p->edge_cut, rv_graph_n_edges(graph), 100.0 * p->edge_cut_fraction, p->vertices_max, p->vertices_mean,
            p->edges_max, p->edges_mean);
}

/* The collective part. Returns the exit code. */
static int execute(const rv__cli_run_args *args, rv__cli_input *input, int *argc, char ***argv)
{
    rv_session *session = NULL;
    int status = rv_session_open(&session, argc, argv);
    if (status != RV_OK) {
        rv__cli_error(rv__cli_is_launch_root(), "cannot open the MPI session: %s", rv_strerror(status));
        return RV__CLI_EXIT_RUNTIME;
    }
    const bool root = rv_session_rank(session) == 0;
    rv_session_set_log(session, args->log_level, log_sink, NULL);
    rv_graph *graph = NULL;
    rv_partition_stats stats = {0};
    /* The graph is only read here, not placed: hash is all the load needs. */
    input->load.partition = RV_PARTITION_HASH;
    const rv_partition_options options = {
        .n_parts = args->parts, .imbalance = args->imbalance, .metis_max_bytes = args->metis_max_bytes};

    const double t0 = now_seconds();
    status = rv_graph_load(session, &input->load, &graph);
    const double t1 = now_seconds();
    if (status == RV_OK)
        status = rv_graph_write_partition(graph, &options, args->output, &stats);
    const double t2 = now_seconds();
    int exit_code = RV__CLI_EXIT_OK;
    if (status != RV_OK) {
        const char *detail = rv_session_last_error(session);
        rv__cli_error(root, "%s", detail != NULL && detail[0] != '\0' ? detail : rv_strerror(status));
        exit_code = RV__CLI_EXIT_RUNTIME;
    } else if (root && !args->quiet) {
        print_summary(stderr, args, graph, &stats, t1 - t0, t2 - t1);
    }
    rv_graph_free(&graph);
    rv_session_close(&session);
    return exit_code;
}

int rv__cli_partition(int *argc, char ***argv, int first)
{
    char error[1024] = "";
    rv__cli_run_args args;
    int status = rv__cli_args_parse(*argc, *argv, first, RV__CLI_PARTITION, &args, error, sizeof error);
    if (status != RV_OK)
        return rv__cli_fail_early(argc, argv, status == RV_EINVAL ? RV__CLI_EXIT_USAGE : RV__CLI_EXIT_RUNTIME, "%s",
                                  error);
    if (args.help) {
        if (rv__cli_is_launch_root())
            rv__cli_args_print_help(stdout, RV__CLI_PARTITION);
        rv__cli_args_destroy(&args);
        return RV__CLI_EXIT_OK;
    }
    rv__cli_input input = {0};
    int exit_code;
    status = rv__cli_input_resolve(&args, &input, error, sizeof error);
    if (status != RV_OK)
        exit_code = rv__cli_fail_early(argc, argv, RV__CLI_EXIT_RUNTIME, "%s", error);
    else
        exit_code = execute(&args, &input, argc, argv);
    rv__cli_input_destroy(&input);
    rv__cli_args_destroy(&args);
    return exit_code;
}
