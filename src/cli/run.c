/* run.c — `rivulet run`: parse, resolve the input and the parameters, configure the
 * program, then open the session, load, run, write and report. Everything that can be
 * refused without MPI is refused before the session opens, so a typo costs no MPI
 * start-up and every rank fails the same way without talking to the others. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime() */

#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Wall-clock seconds from an arbitrary origin, for the phase timings. */
static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The library's log lines, in the library's own default format. The CLI must install
 * a sink to change the level at all; any rank may log, so each line names its rank. */
static void log_sink(rv_log_level level, int rank, const char *line, void *arg)
{
    (void)arg;
    fprintf(stderr, "rivulet[%d] %s: %s\n", rank, level == RV_LOG_WARN ? "warning" : rv__cli_log_level_name(level),
            line);
}

static void print_algorithm_help(FILE *out, const rv_algorithm *algorithm)
{
    fprintf(out, "usage: rivulet run %s INPUT [OPTIONS] [%s OPTIONS]\n\n", algorithm->name, algorithm->name);
    rv__cli_list_print_algorithm(out, algorithm);
    fprintf(out, "\nThe run options (--output, --stats, ...) are listed by 'rivulet run --help'.\n");
}

/* The program's parameters as one line, "iterations=20 damping=0.85": what a resumed
 * run must match. Doubles are written so that they read back exactly. */
void rv__cli_describe_parameters(const rv__cli_run_args *args, char *out, size_t capacity)
{
    const rv_algorithm *algorithm = args->algorithm;
    size_t at = 0;
    out[0] = '\0';
    for (size_t i = 0; i < algorithm->n_params && at < capacity; i++) {
        const rv_param_spec *spec = &algorithm->params[i];
        int64_t i64 = 0;
        double d = 0;
        rv_id id = 0;
        int n = 0;
        const char *sep = i ? " " : "";
        if (spec->type == RV_PARAM_INT64 && rv_params_get_int64(args->params, spec->name, &i64) == RV_OK)
            n = snprintf(out + at, capacity - at, "%s%s=%lld", sep, spec->name, (long long)i64);
        else if (spec->type == RV_PARAM_DOUBLE && rv_params_get_double(args->params, spec->name, &d) == RV_OK)
            n = snprintf(out + at, capacity - at, "%s%s=%.17g", sep, spec->name, d);
        else if (spec->type == RV_PARAM_ID && rv_params_get_id(args->params, spec->name, &id) == RV_OK)
            n = snprintf(out + at, capacity - at, "%s%s=%llu", sep, spec->name, (unsigned long long)id);
        else
            n = snprintf(out + at, capacity - at, "%s%s=unset", sep, spec->name);
        at += n > 0 ? (size_t)n : 0;
    }
}

/* How the input was read, as one line. The files' contents are fingerprinted by the
 * library, so their paths are left out: a moved or copied input still matches. */
void rv__cli_describe_input(const rv__cli_input *input, char *out, size_t capacity)
{
    const rv_load_options *o = &input->load;
    snprintf(out, capacity, "undirected=%d weight-column=%d property-columns=%d nonnegative-weights=%d vertex-file=%s",
             o->undirected, o->weight_column, o->max_property_columns, o->nonnegative_weights,
             o->vertex_file ? "yes" : "no");
}

/* Sets up checkpoints and, with --resume, continues from the newest one. */
static int start_checkpoints(const rv__cli_run_args *args, const rv__cli_input *input, rv_job *job, bool root)
{
    char parameters[2048], input_text[512];
    rv__cli_describe_parameters(args, parameters, sizeof parameters);
    rv__cli_describe_input(input, input_text, sizeof input_text);
    const rv_checkpoint_options options = {
        .dir = args->checkpoint_dir,
        .every = args->checkpoint_every,
        .replicas = args->replicas,
        .chunk_bytes = args->chunk_bytes,
        .keep = args->keep,
        .parameters = parameters,
        .input = input_text,
    };
    int status = rv_job_set_checkpoints(job, &options);
    if (status != RV_OK || !args->resume)
        return status;
    status = rv_job_resume(job);
    rv_checkpoint_stats stats;
    rv_job_checkpoint_stats(job, &stats);
    if (status == RV_OK && root && !args->quiet && stats.resumed) {
        fprintf(stderr, "resumed from the checkpoint at superstep %llu (written by %d rank%s): %.1f MB read in %.3f s",
                (unsigned long long)stats.resumed_superstep, stats.resumed_ranks, stats.resumed_ranks == 1 ? "" : "s",
                (double)stats.resume_bytes / 1e6, stats.resume_seconds);
        if (stats.replicas_bad)
            fprintf(stderr, "; %llu replica%s missing or damaged, %llu re-created",
                    (unsigned long long)stats.replicas_bad, stats.replicas_bad == 1 ? "" : "s",
                    (unsigned long long)stats.replicas_repaired);
        fputc('\n', stderr);
    }
    return status;
}

/* The collective part: session, load, job, output, report. Returns the exit code. On
 * every error path each rank releases the same objects in the same order, because
 * every collective call returned the same status everywhere. */
static int execute(const rv__cli_run_args *args, const rv__cli_input *input, const rv_program *program,
                   int *argc, char ***argv)
{
    rv_session *session = NULL;
    int status = rv_session_open(&session, argc, argv);
    if (status != RV_OK) {
        /* Without a session there is no rank to ask; fall back to the launcher's. */
        rv__cli_error(rv__cli_is_launch_root(), "cannot open the MPI session: %s", rv_strerror(status));
        return RV__CLI_EXIT_RUNTIME;
    }
    const bool root = rv_session_rank(session) == 0;
    const int ranks = rv_session_size(session);
    rv_session_set_log(session, args->log_level, log_sink, NULL);

    int exit_code = RV__CLI_EXIT_OK;
    rv_graph *graph = NULL;
    rv_job *job = NULL;
    uint64_t *peak_per_rank = NULL;
    rv__cli_superstep_log log = {.print_progress = root && !args->quiet};
    rv__cli_run_report report = {
        .algorithm = args->algorithm->name,
        .input = args->input,
        .ranks = ranks,
        .partition_requested = args->partition,
    };
    rv_run_options run_options = {
        .max_supersteps = args->max_supersteps,
        .on_superstep = rv__cli_report_superstep,
        .arg = &log,
    };
    double t_loaded = 0.0, t_computed = 0.0, t_written = 0.0;

    const double t_start = now_seconds();
    status = rv_graph_load(session, &input->load, &graph);
    if (status != RV_OK)
        goto done;
    t_loaded = now_seconds();
    rv_graph_partition_stats(graph, &report.partition);
    /* Why auto did not partition with METIS is worth a line even with --quiet. */
    if (root && report.partition.notice[0] != '\0')
        fprintf(stderr, "rivulet: notice: %s\n", report.partition.notice);

    status = rv_job_new(graph, program, &job);
    if (status != RV_OK)
        goto done;
    if (args->checkpoint_dir && (status = start_checkpoints(args, input, job, root)) != RV_OK)
        goto done;
    /* --max-supersteps counts from the start of the job, also after a resume; a job
     * that already ran that many has nothing left to run. */
    const uint64_t done_before = rv_job_superstep(job);
    const bool nothing_left = args->max_supersteps && done_before >= args->max_supersteps;
    if (args->max_supersteps && !nothing_left)
        run_options.max_supersteps = args->max_supersteps - done_before;
    if (!nothing_left && (status = rv_job_run(job, &run_options, &report.run)) != RV_OK)
        goto done;
    if (args->checkpoint_dir) {
        report.checkpointing = true;
        rv_job_checkpoint_stats(job, &report.checkpoint);
    }
    t_computed = now_seconds();

    status = rv_job_write(job, args->output);
    if (status != RV_OK)
        goto done;
    t_written = now_seconds();

    /* Only rank 0 receives the per-rank peaks. If this allocation fails the summary
     * simply goes without them: a NULL array is allowed, and no rank waits on it. */
    if (root)
        peak_per_rank = calloc((size_t)ranks, sizeof *peak_per_rank);
    report.have_memory = rv_session_memory(session, &report.memory, peak_per_rank) == RV_OK;
    report.peak_rss_bytes_per_rank = peak_per_rank;

    if (!root)
        goto done;
    report.vertices = rv_graph_n_vertices(graph);
    report.edges = rv_graph_n_edges(graph);
    rv_graph_load_stats(graph, &report.load);
    report.load_seconds = t_loaded - t_start;
    report.compute_seconds = t_computed - t_loaded;
    report.output_seconds = t_written - t_computed;
    report.total_seconds = t_written - t_start;
    for (size_t i = 0; i < log.n_steps; i++)
        if (log.steps[i].bytes_exchanged > report.superstep_bytes_max)
            report.superstep_bytes_max = log.steps[i].bytes_exchanged;
    if (!args->quiet)
        rv__cli_report_summary(stderr, &report);
    if (log.incomplete)
        fprintf(stderr, "rivulet: warning: out of memory; the superstep log is incomplete\n");
    if (args->stats_path != NULL) {
        char reason[1024];
        /* Only rank 0 writes the file, so only rank 0 can fail here and exit 1; the
         * other ranks have finished their work and exit 0, and mpirun reports the 1. */
        if (rv__cli_report_write_stats(args->stats_path, &report, &log, reason, sizeof reason) != RV_OK) {
            rv__cli_error(true, "%s", reason);
            exit_code = RV__CLI_EXIT_RUNTIME;
        }
    }

done:
    if (status != RV_OK) {
        /* The failed call was collective, so every rank has the same status and text;
         * rank 0 says it once. */
        const char *detail = rv_session_last_error(session);
        rv__cli_error(root, "%s", detail != NULL && detail[0] != '\0' ? detail : rv_strerror(status));
        exit_code = RV__CLI_EXIT_RUNTIME;
    }
    rv_job_free(&job);
    rv_graph_free(&graph);
    rv_session_close(&session);
    free(peak_per_rank);
    rv__cli_superstep_log_destroy(&log);
    return exit_code;
}

static void print_help(FILE *out, const rv_algorithm *algorithm)
{
    if (algorithm != NULL)
        print_algorithm_help(out, algorithm);
    else
        rv__cli_args_print_help(out, RV__CLI_RUN);
}

static int configure(const rv_algorithm *algorithm, const rv_params *params, rv_program *program, char *error,
                     size_t capacity)
{
    return algorithm->configure(params, program, error, capacity);
}

int rv__cli_run(int *argc, char ***argv, int first)
{
    static const rv__cli_compute_steps steps = {
        .command = RV__CLI_RUN,
        .print_help = print_help,
        .resolve_input = rv__cli_input_resolve,
        .configure = configure,
        .execute = execute,
    };
    return rv__cli_compute_command(argc, argv, first, &steps);
}
