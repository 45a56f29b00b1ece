/* args.c — parsing the `rivulet run` command line. One table describes the run options,
 * and both the parser and `rivulet run --help` read it, so they cannot disagree. */
#include "cli.h"

#include "algorithms/registry.h"

#include <stdlib.h>
#include <string.h>

typedef enum {
    OPT_HELP,
    OPT_OUTPUT,
    OPT_UNDIRECTED,
    OPT_DIRECTED,
    OPT_MAX_SUPERSTEPS,
    OPT_QUIET,
    OPT_STATS,
    OPT_LOG_LEVEL,
    OPT_PARAM,
    /* `rivulet stream` only. */
    OPT_UPDATES,
    OPT_FOLLOW,
    OPT_BATCH_SIZE,
    OPT_BATCH_MS,
    OPT_EMIT,
    OPT_OUTPUT_DIR,
    OPT_STRICT,
    OPT_LOG_DIR,
    OPT_RESUME
} option_id;

/* One option of `rivulet run` itself (the algorithm's options come from its specs). */
typedef struct run_option {
    option_id id;
    const char *name;       /* without the leading "--" */
    const char *value_name; /* shown in help; NULL for a flag that takes no value */
    const char *help;
} run_option;

static const run_option run_options[] = {
    {OPT_OUTPUT, "output", "FILE", "write `id value` lines to FILE instead of standard output"},
    {OPT_UNDIRECTED, "undirected", NULL, "treat every edge as going both ways (overrides the dataset)"},
    {OPT_DIRECTED, "directed", NULL, "treat edges as directed (overrides the dataset)"},
    {OPT_MAX_SUPERSTEPS, "max-supersteps", "N", "stop after N supersteps (default 0 = no limit)"},
    {OPT_QUIET, "quiet", NULL, "print no progress lines and no summary"},
    {OPT_STATS, "stats", "FILE", "write timings, counts and memory use as JSON to FILE"},
    {OPT_LOG_LEVEL, "log-level", "LEVEL", "library messages to show: error, warn (default), info, debug"},
    {OPT_PARAM, "param", "KEY=VALUE", "set the algorithm's option KEY (like --KEY VALUE); repeatable"},
    {OPT_HELP, "help", NULL, "show this help (after ALGO: the algorithm's options); also -h"},
};
enum { N_RUN_OPTIONS = sizeof run_options / sizeof run_options[0] };

/* The options `rivulet stream` takes besides the run options (minus --output and
 * --stats, which it refuses: a stream writes one result per batch). */
static const run_option stream_options[] = {
    {OPT_UPDATES, "updates", "SOURCE", "where updates come from: -, a file, a FIFO, or tcp://127.0.0.1:PORT (required)"},
    {OPT_FOLLOW, "follow", NULL, "keep reading: a file as it grows, a FIFO or TCP source after its writer left"},
    {OPT_BATCH_SIZE, "batch-size", "N", "close a batch at N accepted updates (default 1000)"},
    {OPT_BATCH_MS, "batch-ms", "T", "or T ms after its first update arrived (default 200; 0 = no time limit)"},
    {OPT_EMIT, "emit", "WHAT", "after each batch write: changes (default), snapshot, or none"},
    {OPT_OUTPUT_DIR, "output-dir", "DIR", "write batch-N.changes / batch-N.snapshot files there (default stdout)"},
    {OPT_STRICT, "strict", NULL, "stop at the first malformed update line instead of skipping it"},
    {OPT_LOG_DIR, "log-dir", "DIR", "write-ahead log: batches are logged and synced before they are acknowledged"},
    {OPT_RESUME, "resume", NULL, "replay the log in --log-dir first, then go on after it"},
};
enum { N_STREAM_OPTIONS = sizeof stream_options / sizeof stream_options[0] };

enum { DEFAULT_BATCH_MS = 200 };

void rv__cli_args_print_help(FILE *out)
{
    fprintf(out,
            "usage: rivulet run ALGO INPUT [OPTIONS] [ALGORITHM OPTIONS]\n"
            "\n"
            "Runs algorithm ALGO (a name or alias from 'rivulet list', or a plug-in: a\n"
            "path like ./myprog.so) on INPUT. Start it under mpirun to use several\n"
            "processes: mpirun -np 4 rivulet run ALGO INPUT\n"
            "\n"
            "INPUT is a Graphalytics dataset when INPUT.properties exists or INPUT ends in\n"
            ".properties: that file names the vertex and edge files, the directedness, the\n"
            "weight column and the algorithm's parameters. Otherwise INPUT is an edge list\n"
            "with `src dst [weight]` per line, directed unless --undirected.\n"
            "\n"
            "Options (after `run`, as --opt VALUE or --opt=VALUE; `--` ends the options):\n");
    size_t width = 0;
    for (size_t i = 0; i < N_RUN_OPTIONS; i++) {
        const run_option *o = &run_options[i];
        const size_t w = 2 + strlen(o->name) + (o->value_name != NULL ? 1 + strlen(o->value_name) : 0);
        if (w > width)
            width = w;
    }
    for (size_t i = 0; i < N_RUN_OPTIONS; i++) {
        const run_option *o = &run_options[i];
        char column[64];
        snprintf(column, sizeof column, "--%s%s%s", o->name, o->value_name != NULL ? " " : "",
                 o->value_name != NULL ? o->value_name : "");
        fprintf(out, "  %-*s  %s\n", (int)width, column, o->help);
    }
    fprintf(out, "\n"
                 "Algorithm options (after ALGO) are listed by 'rivulet run ALGO --help'.\n"
                 "Exit status: 0 success, 1 runtime error, 2 usage error.\n");
}

/* Whether a run option also belongs to `rivulet stream`. */
static bool stream_takes(const run_option *o) { return o->id != OPT_OUTPUT && o->id != OPT_STATS; }

void rv__cli_stream_print_help(FILE *out)
{
    fprintf(out,
            "usage: rivulet stream ALGO INPUT --updates SOURCE [OPTIONS] [ALGORITHM OPTIONS]\n"
            "\n"
            "Computes ALGO on INPUT (as 'rivulet run' does), then follows a stream of updates\n"
            "to the graph, one line each: `+ src dst [weight]` adds an edge, `- src dst`\n"
            "removes every edge src -> dst, `+v id` adds a vertex, `-v id` removes one with\n"
            "its edges; `#` starts a comment. Updates are applied in micro-batches between\n"
            "supersteps; sssp, bfs, wcc and pagerank repair their result, the others\n"
            "recompute it. After every batch the vertices whose value changed (or a\n"
            "snapshot) are written, and a metrics line goes to standard error. A TCP client\n"
            "gets `ack BATCH LAST_LINE ACCEPTED REJECTED` per batch and `reject LINE REASON`\n"
            "per malformed line.\n"
            "\n"
            "Options:\n");
    const run_option *tables[2] = {run_options, stream_options};
    const size_t sizes[2] = {N_RUN_OPTIONS, N_STREAM_OPTIONS};
    size_t width = 0;
    for (int t = 0; t < 2; t++)
        for (size_t i = 0; i < sizes[t]; i++) {
            const run_option *o = &tables[t][i];
            const size_t w = 2 + strlen(o->name) + (o->value_name != NULL ? 1 + strlen(o->value_name) : 0);
            if (stream_takes(o) && w > width)
                width = w;
        }
    for (int t = 1; t >= 0; t--)
        for (size_t i = 0; i < sizes[t]; i++) {
            const run_option *o = &tables[t][i];
            char column[64];
            if (!stream_takes(o))
                continue;
            snprintf(column, sizeof column, "--%s%s%s", o->name, o->value_name != NULL ? " " : "",
                     o->value_name != NULL ? o->value_name : "");
            fprintf(out, "  %-*s  %s\n", (int)width, column, o->help);
        }
    fprintf(out, "\n"
                 "Algorithm options (after ALGO) are listed by 'rivulet run ALGO --help'.\n"
                 "Exit status: 0 success, 1 runtime error, 2 usage error.\n");
}

/* The parser's state beyond what ends up in rv__cli_run_args. */
typedef struct parser {
    rv__cli_run_args *args;
    int n_positional;
    bool failed;            /* a usage error was recorded (only the first is kept) */
    bool unknown_algorithm; /* the error that even --help cannot excuse */
    char *error;
    size_t error_capacity;
} parser;

/* Records a usage error; later ones are dropped, since the first is what the user
 * needs to fix and later ones are often its consequences. */
static void fail(parser *p, const char *format, ...) RV__CLI_PRINTF(2, 3);
static void fail(parser *p, const char *format, ...)
{
    if (p->failed)
        return;
    p->failed = true;
    if (p->error == NULL || p->error_capacity == 0)
        return;
    va_list args;
    va_start(args, format);
    vsnprintf(p->error, p->error_capacity, format, args);
    va_end(args);
}

static const run_option *find_option(const run_option *table, size_t n, const char *name, size_t length)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(table[i].name) == length && strncmp(table[i].name, name, length) == 0)
            return &table[i];
    return NULL;
}

static const run_option *find_run_option(const rv__cli_run_args *args, const char *name, size_t length)
{
    const run_option *option = find_option(run_options, N_RUN_OPTIONS, name, length);
    if (option == NULL && args->stream)
        option = find_option(stream_options, N_STREAM_OPTIONS, name, length);
    return option;
}

static const rv_param_spec *find_param(const rv_algorithm *algorithm, const char *name, size_t length)
{
    for (size_t i = 0; i < algorithm->n_params; i++) {
        const char *spec_name = algorithm->params[i].name;
        if (strlen(spec_name) == length && strncmp(spec_name, name, length) == 0)
            return &algorithm->params[i];
    }
    return NULL;
}

/* A decimal count without sign, blanks or trailing text. */
static bool parse_count(const char *text, uint64_t *out)
{
    if (*text == '\0')
        return false;
    uint64_t x = 0;
    for (const char *c = text; *c != '\0'; c++) {
        if (*c < '0' || *c > '9')
            return false;
        const unsigned digit = (unsigned)(*c - '0');
        if (x > (UINT64_MAX - digit) / 10u)
            return false;
        x = x * 10u + digit;
    }
    *out = x;
    return true;
}

/* --param KEY=VALUE: an algorithm option by name, as a plug-in's users may prefer. */
static int apply_param(parser *p, const char *value)
{
    rv__cli_run_args *args = p->args;
    const char *equals = strchr(value, '=');
    if (args->algorithm == NULL) {
        if (!p->unknown_algorithm)
            fail(p, "--param goes after ALGO");
        return RV_OK;
    }
    if (equals == NULL || equals == value) {
        fail(p, "--param: expected KEY=VALUE, not '%s'", value);
        return RV_OK;
    }
    const rv_param_spec *spec = find_param(args->algorithm, value, (size_t)(equals - value));
    if (spec == NULL) {
        fail(p, "--param: %s has no option '%.*s' (see 'rivulet run %s --help')", args->algorithm->name,
             (int)(equals - value), value, args->algorithm->name);
        return RV_OK;
    }
    char reason[512];
    const int status = rv_params_set(args->params, spec->name, equals + 1, reason, sizeof reason);
    if (status == RV_ENOMEM)
        return status;
    if (status != RV_OK)
        fail(p, "%s", reason);
    return RV_OK;
}

static void apply_run_option(parser *p, const run_option *option, const char *value)
{
    rv__cli_run_args *args = p->args;
    switch (option->id) {
    case OPT_HELP:
        args->help = true;
        break;
    case OPT_OUTPUT:
    case OPT_STATS:
        if (*value == '\0') {
            fail(p, "--%s: empty file name", option->name);
            break;
        }
        if (option->id == OPT_OUTPUT)
            args->output = value;
        else
            args->stats_path = value;
        break;
    case OPT_UNDIRECTED:
        args->undirected = true;
        break;
    case OPT_DIRECTED:
        args->directed = true;
        break;
    case OPT_MAX_SUPERSTEPS:
        if (!parse_count(value, &args->max_supersteps))
            fail(p, "--%s: not a non-negative integer: '%s'", option->name, value);
        break;
    case OPT_QUIET:
        args->quiet = true;
        break;
    case OPT_LOG_LEVEL:
        if (!rv__cli_log_level_parse(value, &args->log_level))
            fail(p, "--%s: expected error, warn, info or debug: '%s'", option->name, value);
        break;
    case OPT_PARAM:
        break; /* apply_param(), which can run out of memory */
    case OPT_UPDATES:
    case OPT_OUTPUT_DIR:
    case OPT_LOG_DIR:
        if (*value == '\0')
            fail(p, "--%s: empty name", option->name);
        else if (option->id == OPT_UPDATES)
            args->updates = value;
        else if (option->id == OPT_OUTPUT_DIR)
            args->output_dir = value;
        else
            args->log_dir = value;
        break;
    case OPT_FOLLOW:
        args->follow = true;
        break;
    case OPT_STRICT:
        args->strict = true;
        break;
    case OPT_RESUME:
        args->resume = true;
        break;
    case OPT_BATCH_SIZE:
        if (!parse_count(value, &args->batch_size) || args->batch_size == 0)
            fail(p, "--%s: not a positive integer: '%s'", option->name, value);
        break;
    case OPT_BATCH_MS:
        if (!parse_count(value, &args->batch_ms))
            fail(p, "--%s: not a non-negative integer: '%s'", option->name, value);
        break;
    case OPT_EMIT:
        if (strcmp(value, "changes") == 0)
            args->emit = RV_EMIT_CHANGES;
        else if (strcmp(value, "snapshot") == 0)
            args->emit = RV_EMIT_SNAPSHOT;
        else if (strcmp(value, "none") == 0)
            args->emit = RV_EMIT_NONE;
        else
            fail(p, "--%s: expected changes, snapshot or none: '%s'", option->name, value);
        break;
    }
}

static int take_positional(parser *p, const char *arg)
{
    rv__cli_run_args *args = p->args;
    const int index = p->n_positional++;
    if (index == 0 && rv__cli_is_plugin_path(arg)) {
        char reason[1024];
        int status = rv__cli_plugin_load(arg, &args->algorithm, &args->plugin, reason, sizeof reason);
        if (status != RV_OK) {
            fail(p, "%s", reason);
            p->unknown_algorithm = true;
            return RV_OK;
        }
        return rv_params_new(args->algorithm, &args->params);
    }
    if (index == 0) {
        args->algorithm = rv_builtin_find(arg);
        if (args->algorithm == NULL) {
            fail(p, "unknown algorithm '%s' (see 'rivulet list')", arg);
            p->unknown_algorithm = true;
            return RV_OK;
        }
        return rv_params_new(args->algorithm, &args->params);
    }
    if (index == 1)
        args->input = arg;
    else
        fail(p, "unexpected argument '%s' (INPUT is '%s')", arg, args->input);
    return RV_OK;
}

/* Handles argv[*i], an argument starting with "--" or "-h"; advances *i past a value
 * taken from the next argument. */
static int take_option(parser *p, int argc, char **argv, int *i)
{
    rv__cli_run_args *args = p->args;
    const char *arg = argv[*i];
    if (strcmp(arg, "-h") == 0) {
        args->help = true;
        return RV_OK;
    }
    if (arg[1] != '-') {
        fail(p, "unknown option '%s' (options are spelled --name; see 'rivulet run --help')", arg);
        return RV_OK;
    }
    const char *name = arg + 2;
    const char *equals = strchr(name, '=');
    const size_t length = equals != NULL ? (size_t)(equals - name) : strlen(name);
    const char *inline_value = equals != NULL ? equals + 1 : NULL;

    /* The run options come first, so an algorithm option of the same name could never
     * be reached; the registry avoids such names. */
    const run_option *option = find_run_option(args, name, length);
    const rv_param_spec *spec = NULL;
    if (option == NULL && args->algorithm != NULL)
        spec = find_param(args->algorithm, name, length);
    if (option == NULL && spec == NULL) {
        if (p->unknown_algorithm)
            return RV_OK; /* already reported; the option may belong to the misspelt ALGO */
        if (args->algorithm != NULL)
            fail(p, "unknown option '--%.*s' for %s (see 'rivulet run %s --help')", (int)length, name,
                 args->algorithm->name, args->algorithm->name);
        else
            fail(p, "unknown option '--%.*s' (see 'rivulet run --help'; algorithm options go after ALGO)",
                 (int)length, name);
        return RV_OK;
    }

    const bool takes_value = spec != NULL || option->value_name != NULL;
    const char *value = inline_value;
    if (!takes_value && inline_value != NULL) {
        fail(p, "option '--%.*s' takes no value", (int)length, name);
        return RV_OK;
    }
    if (takes_value && value == NULL) {
        /* The next argument is the value whatever it looks like, so that negative
         * numbers work: --opt -1. */
        if (*i + 1 >= argc) {
            fail(p, "option '--%.*s' needs a value", (int)length, name);
            return RV_OK;
        }
        value = argv[++*i];
    }

    if (option != NULL && option->id == OPT_PARAM)
        return apply_param(p, value);
    if (option != NULL) {
        apply_run_option(p, option, value);
        return RV_OK;
    }
    char reason[512];
    const int status = rv_params_set(args->params, spec->name, value, reason, sizeof reason);
    if (status == RV_ENOMEM)
        return status;
    if (status != RV_OK)
        fail(p, "%s", reason);
    return RV_OK;
}

int rv__cli_args_parse(int argc, char **argv, int first, rv__cli_run_args *out, char *error,
                       size_t error_capacity)
{
    return rv__cli_args_parse_command(argc, argv, first, false, out, error, error_capacity);
}

int rv__cli_args_parse_command(int argc, char **argv, int first, bool stream, rv__cli_run_args *out, char *error,
                               size_t error_capacity)
{
    *out = (rv__cli_run_args){.log_level = RV_LOG_WARN, .stream = stream, .batch_ms = DEFAULT_BATCH_MS};
    if (error != NULL && error_capacity > 0)
        error[0] = '\0';
    parser p = {.args = out, .error = error, .error_capacity = error_capacity};

    /* The whole line is read even after an error, because a --help further on turns
     * the run into a help request and the error into nothing. */
    bool options_done = false;
    for (int i = first; i < argc; i++) {
        const char *arg = argv[i];
        int status = RV_OK;
        if (!options_done && strcmp(arg, "--") == 0)
            options_done = true;
        else if (options_done || arg[0] != '-' || arg[1] == '\0')
            status = take_positional(&p, arg);
        else
            status = take_option(&p, argc, argv, &i);
        if (status != RV_OK) {
            rv__cli_format(error, error_capacity, "%s", rv_strerror(status));
            rv__cli_args_destroy(out);
            return status;
        }
    }

    if (!p.unknown_algorithm && !out->help) {
        if (out->algorithm == NULL)
            fail(&p, "missing ALGO (see 'rivulet list')");
        else if (out->input == NULL)
            fail(&p, "missing INPUT (an edge list file or a Graphalytics dataset)");
        if (out->directed && out->undirected)
            fail(&p, "--directed and --undirected exclude each other");
        if (out->stream && out->algorithm != NULL && out->input != NULL) {
            if (out->updates == NULL)
                fail(&p, "missing --updates SOURCE (-, a file, a FIFO or tcp://127.0.0.1:PORT)");
            else if (out->output != NULL || out->stats_path != NULL)
                fail(&p, "--%s is an option of 'rivulet run'; a stream writes each batch to --output-dir",
                     out->output != NULL ? "output" : "stats");
            else if (out->resume && out->log_dir == NULL)
                fail(&p, "--resume needs --log-dir DIR, the log of the stream to resume");
        }
    }
    if (p.unknown_algorithm || (p.failed && !out->help)) {
        rv__cli_args_destroy(out);
        return RV_EINVAL;
    }
    return RV_OK;
}

void rv__cli_args_destroy(rv__cli_run_args *args)
{
    if (args == NULL)
        return;
    rv_params_free(&args->params);
    rv__cli_plugin_unload(&args->plugin);
}
