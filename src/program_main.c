/* program_main.c — rv_main(): the whole main() of a user's standalone program, so that
 * one source file can be both a plug-in (RV_PLUGIN) and a program of its own.
 *
 * Written against the public API only, like a user would write it. It takes a plain
 * edge list; the `rivulet` command adds Graphalytics datasets, statistics and the
 * rest on top of the same calls. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rivulet.h"

typedef struct main_args {
    const char *edge_file;
    const char *vertex_file;
    const char *output;
    bool undirected;
    uint64_t max_supersteps;
} main_args;

static void usage(FILE *out, const char *program, const rv_algorithm *algorithm)
{
    fprintf(out,
            "usage: %s EDGE_FILE [--vertices FILE] [--directed | --undirected] [--output FILE]\n"
            "       %*s [--max-supersteps N] [--KEY VALUE | --param KEY=VALUE]...\n"
            "Runs %s (start it under mpirun for several processes). Options of %s:\n",
            program, (int)strlen(program), "", algorithm->name, algorithm->name);
    for (size_t i = 0; i < algorithm->n_params; i++) {
        const rv_param_spec *s = &algorithm->params[i];
        fprintf(out, "  --%-20s %s%s%s%s\n", s->name, s->help ? s->help : "", s->default_value ? " (default " : " (required",
                s->default_value ? s->default_value : "", ")");
    }
}

/* Parses the command line; returns 0, or 2 with one line in @p error. The same on
 * every rank, since every rank parses the same argv. */
static int parse(int argc, char **argv, const rv_algorithm *algorithm, rv_params *params, main_args *out,
                 bool *help, char *error, size_t capacity)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            *help = true;
            return 0;
        }
        if (strncmp(arg, "--", 2) != 0) {
            if (out->edge_file) {
                snprintf(error, capacity, "unexpected argument '%s' (EDGE_FILE is '%s')", arg, out->edge_file);
                return 2;
            }
            out->edge_file = arg;
            continue;
        }
        /* --NAME VALUE or --NAME=VALUE */
        char name_buffer[128];
        const char *name = arg + 2, *value = NULL;
        const char *equals = strchr(name, '=');
        if (equals) {
            if ((size_t)(equals - name) >= sizeof name_buffer) {
                snprintf(error, capacity, "unknown option '%s' (see --help)", arg);
                return 2;
            }
            snprintf(name_buffer, sizeof name_buffer, "%.*s", (int)(equals - name), name);
            name = name_buffer;
            value = equals + 1;
        }
        if (strcmp(name, "undirected") == 0 || strcmp(name, "directed") == 0) {
            if (value) {
                snprintf(error, capacity, "option '--%s' takes no value", name);
                return 2;
            }
            out->undirected = strcmp(name, "undirected") == 0;
            continue;
        }
        if (!value && i + 1 >= argc) {
            snprintf(error, capacity, "option '%s' needs a value", arg);
            return 2;
        }
        if (!value)
            value = argv[++i];
        char key[128];
        if (strcmp(name, "vertices") == 0) {
            out->vertex_file = value;
        } else if (strcmp(name, "output") == 0) {
            out->output = value;
        } else if (strcmp(name, "max-supersteps") == 0) {
            char *end;
            out->max_supersteps = strtoull(value, &end, 10);
            if (*value == '\0' || *value == '-' || *end != '\0') {
                snprintf(error, capacity, "--max-supersteps: not a non-negative integer: '%s'", value);
                return 2;
            }
        } else {
            /* --KEY VALUE, or --param KEY=VALUE */
            const char *equals = strchr(value, '=');
            if (strcmp(name, "param") == 0) {
                if (!equals || equals == value || (size_t)(equals - value) >= sizeof key) {
                    snprintf(error, capacity, "--param: expected KEY=VALUE, not '%s'", value);
                    return 2;
                }
                snprintf(key, sizeof key, "%.*s", (int)(equals - value), value);
                name = key;
                value = equals + 1;
            }
            int status = rv_params_set(params, name, value, error, capacity);
            if (status == RV_ENOTFOUND)
                snprintf(error, capacity, "unknown option '--%s' for %s (see --help)", name, algorithm->name);
            if (status != RV_OK)
                return 2;
        }
    }
    if (!out->edge_file) {
        snprintf(error, capacity, "missing EDGE_FILE (see --help)");
        return 2;
    }
    return rv_params_finish(params, error, capacity) == RV_OK ? 0 : 2;
}

/* Loads, runs and writes; returns RV_OK or the failed call's status. Collective. */
static int run(rv_session *session, const rv_algorithm *algorithm, const rv_program *program, const main_args *a)
{
    rv_load_options load = {
        .edge_file = a->edge_file,
        .vertex_file = a->vertex_file,
        .undirected = a->undirected || algorithm->undirected_view,
        .mark_reverse_edges = !a->undirected && algorithm->undirected_view && algorithm->needs_edge_directions,
        .weight_column = algorithm->uses_weights ? 0 : -1,
        .keep_weights = algorithm->uses_weights,
        .nonnegative_weights = algorithm->needs_nonnegative_weights,
    };
    rv_run_options options = {.max_supersteps = a->max_supersteps};
    rv_graph *graph = NULL;
    rv_job *job = NULL;
    int status = rv_graph_load(session, &load, &graph);
    if (status == RV_OK)
        status = rv_job_new(graph, program, &job);
    if (status == RV_OK)
        status = rv_job_run(job, &options, NULL);
    if (status == RV_OK)
        status = rv_job_write(job, a->output);
    rv_job_free(&job);
    rv_graph_free(&graph);
    return status;
}

int rv_main(int argc, char **argv, const rv_algorithm *algorithm)
{
    const char *program_name = argc > 0 && argv[0] ? argv[0] : algorithm->name;
    const char *slash = strrchr(program_name, '/');
    program_name = slash ? slash + 1 : program_name;
    rv_session *session = NULL;
    if (rv_session_open(&session, &argc, &argv) != RV_OK) {
        fprintf(stderr, "%s: error: cannot open the MPI session\n", program_name);
        return 1;
    }
    const bool root = rv_session_rank(session) == 0;
    rv_params *params = NULL;
    rv_program program = {0};
    main_args args = {0};
    bool help = false, configured = false;
    char error[1024] = "";
    int exit_code = 0;
    if (rv_params_new(algorithm, &params) != RV_OK) {
        snprintf(error, sizeof error, "out of memory");
        exit_code = 1;
    } else {
        exit_code = parse(argc, argv, algorithm, params, &args, &help, error, sizeof error);
    }
    if (exit_code == 0 && help) {
        if (root)
            usage(stdout, program_name, algorithm);
    } else if (exit_code == 0) {
        int status = algorithm->configure(params, &program, error, sizeof error);
        configured = status == RV_OK;
        if (!configured) {
            if (!error[0])
                snprintf(error, sizeof error, "%s", rv_strerror(status));
            exit_code = status == RV_EINVAL ? 2 : 1;
        } else if ((status = run(session, algorithm, &program, &args)) != RV_OK) {
            snprintf(error, sizeof error, "%s", rv_session_last_error(session)[0] ? rv_session_last_error(session)
                                                                                  : rv_strerror(status));
            exit_code = 1;
        }
    }
    if (exit_code != 0 && root)
        fprintf(stderr, "%s: error: %s\n", program_name, error);
    if (configured && algorithm->release)
        algorithm->release(&program);
    rv_params_free(&params);
    rv_session_close(&session);
    return exit_code;
}
