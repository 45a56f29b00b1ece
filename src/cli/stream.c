/* stream.c — `rivulet stream`: load and compute as `rivulet run` does, then follow a source of updates (rv_stream_run), with one metrics line per batch and one line per rejected or ignored update on standard error. */
#define _POSIX_C_SOURCE 200809L /* sigaction() */

#include "cli.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Set by SIGINT or SIGTERM: rank 0 ends the stream after the current batch. */
static volatile int stop_requested;

static void request_stop(int signal_number)
{
    (void)signal_number;
    stop_requested = 1;
}

/* No SA_RESTART: a signal must cut rank 0's wait for input short. */
static void catch_stop_signals(void)
{
    struct sigaction action = {.sa_handler = request_stop};
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
}

static void log_sink(rv_log_level level, int rank, const char *line, void *arg)
{
    (void)arg;
    fprintf(stderr, "rivulet[%d] %s: %s\n", rank, level == RV_LOG_WARN ? "warning" : rv__cli_log_level_name(level),
            line);
}

static void print_notice(const char *line, void *arg)
{
    (void)arg;
    fprintf(stderr, "rivulet: %s\n", line);
}

static void print_ready(const char *source, void *arg)
{
    const rv__cli_run_args *args = arg;
    if (!args->quiet) {
        fprintf(stderr, "rivulet: reading updates from %s\n", source);
        fflush(stderr);
    }
}

/* One line per batch, key=value, for people and for bench/stream.sh alike. */
static void print_batch(const rv_stream_batch *b, void *arg)
{
    const rv__cli_run_args *args = arg;
    if (args->quiet)
        return;
    const char *mode = b->batch == 0 ? "initial" : b->recomputed ? "recompute" : "repair";
    fprintf(stderr,
            "rivulet: batch=%" PRIu64 " mode=%s lines=%" PRIu64 "-%" PRIu64 " updates=%" PRIu64 " rejected=%" PRIu64
            " ignored=%" PRIu64 " supersteps=%" PRIu64 " touched=%" PRIu64 " computed=%" PRIu64 " changed=%" PRIu64
            " latency_ms=%.3f apply_ms=%.3f compute_ms=%.3f emit_ms=%.3f\n",
            b->batch, mode, b->first_line, b->last_line, b->updates, b->rejected, b->ignored, b->supersteps,
            b->touched, b->computed, b->changed, b->latency_seconds * 1e3, b->apply_seconds * 1e3,
            b->compute_seconds * 1e3, b->emit_seconds * 1e3);
    fflush(stderr);
}

/* INPUT as `rivulet run` reads it, except for the layout: the stream needs to tell a
 * line `u v` from a line `v u` wherever the program reads an undirected view of a
 * directed graph, so that `- u v` removes the first only. So the input is resolved
 * for the graph as it is, and the view (with reverse marks) is added here. */
static int resolve_input(const rv__cli_run_args *args, rv__cli_input *input, char *error, size_t capacity)
{
    const rv_algorithm *algorithm = args->algorithm;
    rv_algorithm as_is = *algorithm;
    as_is.undirected_view = false;
    as_is.needs_edge_directions = false;
    rv__cli_run_args view = *args;
    view.algorithm = &as_is;
    int status = rv__cli_input_resolve(&view, input, error, capacity);
    bool needs_view =
        algorithm->undirected_view || (algorithm->configure_stream != NULL && algorithm->stream_needs_in_edges);
    if (status == RV_OK && needs_view && !input->load.undirected) {
        input->load.undirected = true;
        input->load.mark_reverse_edges = true;
    }
    return status;
}

/* The collective part. Returns the exit code. */
static int execute(const rv__cli_run_args *args, const rv__cli_input *input, const rv_program *program, int *argc,
                   char ***argv)
{
    rv_session *session = NULL;
    if (rv_session_open(&session, argc, argv) != RV_OK) {
        rv__cli_error(rv__cli_is_launch_root(), "cannot open the MPI session");
        return RV__CLI_EXIT_RUNTIME;
    }
    const bool root = rv_session_rank(session) == 0;
    rv_session_set_log(session, args->log_level, log_sink, NULL);
    catch_stop_signals();

    rv_graph *graph = NULL;
    rv_job *job = NULL;
    char parameters[2048], input_text[512], identity[2600];
    rv__cli_describe_parameters(args, parameters, sizeof parameters);
    rv__cli_describe_input(input, input_text, sizeof input_text);
    snprintf(identity, sizeof identity, "parameters=[%s] input=[%s]", parameters, input_text);
    int status = rv_graph_load(session, &input->load, &graph);
    if (status == RV_OK)
        status = rv_job_new(graph, program, &job);
    if (status == RV_OK && args->checkpoint_dir) {
        /* The stream decides when (every N batches); the superstep loop never does. */
        const rv_checkpoint_options checkpoints = {
            .dir = args->checkpoint_dir,
            .replicas = args->replicas,
            .chunk_bytes = args->chunk_bytes,
            .keep = args->keep,
            .parameters = parameters,
            .input = input_text,
        };
        status = rv_job_set_checkpoints(job, &checkpoints);
    }
    if (status == RV_OK) {
        rv_stream_options options = {
            .updates = args->updates,
            .follow = args->follow,
            .batch_size = args->batch_size,
            .batch_ms = args->batch_ms,
            .strict = args->strict,
            .emit = args->emit,
            .output_dir = args->output_dir,
            .log_dir = args->log_dir,
            .resume = args->resume,
            .max_supersteps = args->max_supersteps,
            .stop = &stop_requested,
            .on_notice = print_notice,
            .on_batch = print_batch,
            .on_ready = print_ready,
            .arg = (void *)args,
            .replicas = args->replicas,
            .checkpoint_every = args->checkpoint_every,
            .identity = identity,
        };
        status = rv_stream_run(job, &options);
    }
    int exit_code = RV__CLI_EXIT_OK;
    if (status != RV_OK) {
        const char *detail = rv_session_last_error(session);
        rv__cli_error(root, "%s", detail != NULL && detail[0] != '\0' ? detail : rv_strerror(status));
        exit_code = RV__CLI_EXIT_RUNTIME;
    }
    rv_job_free(&job);
    rv_graph_free(&graph);
    rv_session_close(&session);
    return exit_code;
}

static void print_help(FILE *out, const rv_algorithm *algorithm)
{
    rv__cli_args_print_help(out, RV__CLI_STREAM);
    if (algorithm != NULL) {
        fprintf(out, "\n");
        rv__cli_list_print_algorithm(out, algorithm);
    }
}

/* The version of the algorithm that repairs its values, when it has one. */
static int configure(const rv_algorithm *algorithm, const rv_params *params, rv_program *program, char *error,
                     size_t capacity)
{
    return algorithm->configure_stream ? algorithm->configure_stream(params, program, error, capacity)
                                       : algorithm->configure(params, program, error, capacity);
}

int rv__cli_stream(int *argc, char ***argv, int first)
{
    static const rv__cli_compute_steps steps = {
        .command = RV__CLI_STREAM,
        .print_help = print_help,
        .resolve_input = resolve_input,
        .configure = configure,
        .execute = execute,
    };
    return rv__cli_compute_command(argc, argv, first, &steps);
}
