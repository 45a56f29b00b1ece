/* args.c — parsing the `rivulet run`, `partition` and `stream` command lines. One
 * table describes their options, and both the parser and the commands' --help read
 * it, so they cannot disagree. */
#include "cli.h"

#include "algorithms/registry.h"

#include <math.h>
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
    OPT_CHECKPOINT_DIR,
    OPT_CHECKPOINT_EVERY,
    OPT_REPLICAS,
    OPT_CHUNK_SIZE,
    OPT_KEEP,
    OPT_RESUME,
    OPT_PARTITION,
    OPT_IMBALANCE,
    OPT_METIS_MEMORY,
    OPT_PARTS,
    OPT_PARAM,
    OPT_UPDATES,
    OPT_FOLLOW,
    OPT_BATCH_SIZE,
    OPT_BATCH_MS,
    OPT_EMIT,
    OPT_OUTPUT_DIR,
    OPT_STRICT,
    OPT_LOG_DIR
} option_id;

/* Which commands take an option. */
enum {
    RUN = RV__CLI_RUN,
    PARTITION = RV__CLI_PARTITION,
    STREAM = RV__CLI_STREAM,
    LOADS = RV__CLI_RUN | RV__CLI_PARTITION | RV__CLI_STREAM, /* every command that loads INPUT */
    COMPUTES = RV__CLI_RUN | RV__CLI_STREAM,                  /* every command that runs ALGO */
};

enum { DEFAULT_BATCH_MS = 200 };

/* One option of `rivulet run`, `partition` or `stream` (an algorithm's options come from
 * its specs). */
typedef struct run_option {
    option_id id;
    unsigned commands;      /* the rv__cli_command bits of the commands that take it */
    const char *name;       /* without the leading "--" */
    const char *value_name; /* shown in help; NULL for a flag that takes no value */
    const char *help;
} run_option;

static const run_option run_options[] = {
    {OPT_PARTS, PARTITION, "parts", "K", "the number of parts, one per rank of the runs that will use it (required)"},
    {OPT_UPDATES, STREAM, "updates", "SOURCE",
     "where updates come from: -, a file, a FIFO, or tcp://127.0.0.1:PORT (required)"},
    {OPT_FOLLOW, STREAM, "follow", NULL, "keep reading: a file as it grows, a FIFO or TCP source after its writer left"},
    {OPT_BATCH_SIZE, STREAM, "batch-size", "N", "close a batch at N accepted updates (default 1000)"},
    {OPT_BATCH_MS, STREAM, "batch-ms", "T", "or T ms after its first update arrived (default 200; 0 = no time limit)"},
    {OPT_EMIT, STREAM, "emit", "WHAT", "after each batch write: changes (default), snapshot, or none"},
    {OPT_OUTPUT_DIR, STREAM, "output-dir", "DIR",
     "write batch-N.changes / batch-N.snapshot files there (default stdout)"},
    {OPT_STRICT, STREAM, "strict", NULL, "stop at the first malformed update line instead of skipping it"},
    {OPT_LOG_DIR, STREAM, "log-dir", "DIR",
     "write-ahead log (%r = rank, %h = host): every batch is logged on R ranks and synced before it is "
     "acknowledged and applied"},
    {OPT_OUTPUT, RUN, "output", "FILE", "write `id value` lines to FILE instead of standard output"},
    {OPT_OUTPUT, PARTITION, "output", "FILE", "write `id part` lines to FILE instead of standard output"},
    {OPT_UNDIRECTED, LOADS, "undirected", NULL, "treat every edge as going both ways (overrides the dataset)"},
    {OPT_DIRECTED, LOADS, "directed", NULL, "treat edges as directed (overrides the dataset)"},
    {OPT_PARTITION, COMPUTES, "partition", "HOW",
     "which rank owns each vertex: auto (default: metis on several ranks if the graph fits, else hash), metis, "
     "hash, or a partition FILE from 'rivulet partition' (write ./metis for a file named metis)"},
    {OPT_IMBALANCE, LOADS, "imbalance", "X", "METIS: the largest part's weight over the mean (default 1.05)"},
    {OPT_METIS_MEMORY, LOADS, "metis-memory", "BYTES",
     "METIS: the most memory it may take on rank 0 (suffix K, M, G; default: what is available)"},
    {OPT_MAX_SUPERSTEPS, COMPUTES, "max-supersteps", "N", "stop after N supersteps (default 0 = no limit)"},
    {OPT_QUIET, COMPUTES, "quiet", NULL, "print no progress lines and no summary"},
    {OPT_QUIET, PARTITION, "quiet", NULL, "print no summary"},
    {OPT_STATS, RUN, "stats", "FILE", "write timings, counts, memory and the partition's quality as JSON to FILE"},
    {OPT_PARAM, COMPUTES, "param", "KEY=VALUE", "set the algorithm's option KEY (like --KEY VALUE); repeatable"},
    {OPT_LOG_LEVEL, LOADS, "log-level", "LEVEL", "library messages to show: error, warn (default), info, debug"},
    {OPT_CHECKPOINT_DIR, RUN | STREAM, "checkpoint-dir", "DIR",
     "checkpoint to DIR (%r = rank, %h = host: one directory per rank, e.g. on a local disk)"},
    {OPT_CHECKPOINT_EVERY, RUN, "checkpoint-every", "N", "checkpoint after every N supersteps"},
    {OPT_CHECKPOINT_EVERY, STREAM, "checkpoint-every", "N",
     "checkpoint after every N batches (needs --checkpoint-dir and --log-dir)"},
    {OPT_REPLICAS, RUN, "replicas", "R", "copies of every checkpoint chunk, on distinct ranks (default 3, at most P)"},
    {OPT_REPLICAS, STREAM, "replicas", "R",
     "copies of every log record and checkpoint chunk, on distinct ranks (default 3, at most P)"},
    {OPT_CHUNK_SIZE, RUN | STREAM, "chunk-size", "BYTES", "checkpoint chunk size, 4K to 1G (default 64M; suffixes K, M, G)"},
    {OPT_KEEP, RUN | STREAM, "keep", "K", "keep the newest K committed checkpoints (default 2)"},
    {OPT_RESUME, RUN, "resume", NULL, "continue from the newest checkpoint in --checkpoint-dir (if there is one)"},
    {OPT_RESUME, STREAM, "resume", NULL,
     "continue from the newest checkpoint in --checkpoint-dir (if any), replay the log in --log-dir after it, "
     "then go on after the last logged line"},
    {OPT_HELP, COMPUTES, "help", NULL, "show this help (after ALGO: the algorithm's options); also -h"},
    {OPT_HELP, PARTITION, "help", NULL, "show this help; also -h"},
};
enum { N_RUN_OPTIONS = sizeof run_options / sizeof run_options[0] };

const char *rv__cli_partition_name(rv_partition_kind kind)
{
    switch (kind) {
    case RV_PARTITION_HASH:
        return "hash";
    case RV_PARTITION_AUTO:
        return "auto";
    case RV_PARTITION_METIS:
        return "metis";
    case RV_PARTITION_FILE:
        return "file";
    }
    return "?";
}

void rv__cli_args_print_help(FILE *out, rv__cli_command command)
{
    if (command == RV__CLI_PARTITION)
        fprintf(out,
                "usage: rivulet partition INPUT --parts K [--output FILE] [OPTIONS]\n"
                "\n"
                "Partitions INPUT into K parts with METIS (on its undirected structure, vertex\n"
                "weights 1 + out-degree) and writes one `id part` line per vertex, ascending by\n"
                "id. 'mpirun -np K rivulet run ALGO INPUT --partition FILE' then reuses it.\n"
                "Needs no mpirun (it may run under one all the same).\n"
                "\n"
                "INPUT is an edge list or a Graphalytics dataset, as for 'rivulet run'.\n"
                "\n"
                "Options (as --opt VALUE or --opt=VALUE; `--` ends the options):\n");
    else if (command == RV__CLI_STREAM)
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
                "Options (after `stream`, as --opt VALUE or --opt=VALUE; `--` ends the options):\n");
    else
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
        if ((o->commands & command) && w > width)
            width = w;
    }
    for (size_t i = 0; i < N_RUN_OPTIONS; i++) {
        const run_option *o = &run_options[i];
        if (!(o->commands & command))
            continue;
        char column[64];
        snprintf(column, sizeof column, "--%s%s%s", o->name, o->value_name != NULL ? " " : "",
                 o->value_name != NULL ? o->value_name : "");
        fprintf(out, "  %-*s  %s\n", (int)width, column, o->help);
    }
    if (command != RV__CLI_PARTITION)
        fprintf(out, "\n"
                     "Algorithm options (after ALGO) are listed by 'rivulet run ALGO --help'.\n");
    fprintf(out, "Exit status: 0 success, 1 runtime error, 2 usage error.\n");
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

static const run_option *find_run_option(const char *name, size_t length, rv__cli_command command)
{
    for (size_t i = 0; i < N_RUN_OPTIONS; i++)
        if ((run_options[i].commands & command) && strlen(run_options[i].name) == length &&
            strncmp(run_options[i].name, name, length) == 0)
            return &run_options[i];
    return NULL;
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

/* A byte count with an optional binary suffix: 512, 64K, 300M, 2G. */
static bool parse_bytes(const char *text, uint64_t *out)
{
    size_t length = strlen(text);
    unsigned shift = 0;
    if (length > 0) {
        switch (text[length - 1]) {
        case 'k': case 'K': shift = 10; break;
        case 'm': case 'M': shift = 20; break;
        case 'g': case 'G': shift = 30; break;
        case 't': case 'T': shift = 40; break;
        default: break;
        }
    }
    char digits[32];
    if (shift) {
        if (length - 1 >= sizeof digits)
            return false;
        memcpy(digits, text, length - 1);
        digits[length - 1] = '\0';
        text = digits;
    }
    uint64_t x;
    if (!parse_count(text, &x) || x > UINT64_MAX >> shift)
        return false;
    *out = x << shift;
    return true;
}

static void apply_partition(parser *p, const char *value)
{
    rv__cli_run_args *args = p->args;
    args->partition_file = NULL;
    if (strcmp(value, "auto") == 0)
        args->partition = RV_PARTITION_AUTO;
    else if (strcmp(value, "metis") == 0)
        args->partition = RV_PARTITION_METIS;
    else if (strcmp(value, "hash") == 0)
        args->partition = RV_PARTITION_HASH;
    else if (*value == '\0')
        fail(p, "--partition: expected auto, metis, hash or a partition file");
    else {
        args->partition = RV_PARTITION_FILE;
        args->partition_file = value;
    }
}

static void apply_run_option(parser *p, const run_option *option, const char *value)
{
    rv__cli_run_args *args = p->args;
    switch (option->id) {
    case OPT_PARTITION:
        apply_partition(p, value);
        break;
    case OPT_IMBALANCE: {
        char *end = NULL;
        double x = strtod(value, &end);
        if (*value == '\0' || *end != '\0' || !isfinite(x) || x < 1.0)
            fail(p, "--%s: expected a number of at least 1 (such as 1.05): '%s'", option->name, value);
        else
            args->imbalance = x;
        break;
    }
    case OPT_METIS_MEMORY:
        if (!parse_bytes(value, &args->metis_max_bytes) || args->metis_max_bytes == 0)
            fail(p, "--%s: expected a positive number of bytes (suffix K, M or G allowed): '%s'", option->name,
                 value);
        break;
    case OPT_PARTS: {
        uint64_t k = 0;
        if (!parse_count(value, &k) || k == 0 || k > INT32_MAX)
            fail(p, "--%s: expected a positive integer: '%s'", option->name, value);
        else
            args->parts = (int)k;
        break;
    }
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
    case OPT_CHECKPOINT_DIR:
        if (*value == '\0')
            fail(p, "--%s: empty directory name", option->name);
        args->checkpoint_dir = value;
        break;
    case OPT_CHECKPOINT_EVERY:
        if (!parse_count(value, &args->checkpoint_every) || args->checkpoint_every == 0)
            fail(p, "--%s: not a positive integer: '%s'", option->name, value);
        break;
    case OPT_REPLICAS:
    case OPT_KEEP: {
        uint64_t n = 0;
        uint64_t limit = option->id == OPT_REPLICAS ? 16 : 1000000;
        if (!parse_count(value, &n) || n == 0 || n > limit)
            fail(p, "--%s: expected an integer from 1 to %llu: '%s'", option->name, (unsigned long long)limit, value);
        else if (option->id == OPT_REPLICAS)
            args->replicas = (int)n;
        else
            args->keep = (int)n;
        break;
    }
    case OPT_CHUNK_SIZE:
        if (!parse_bytes(value, &args->chunk_bytes) || args->chunk_bytes < (UINT64_C(1) << 12) ||
            args->chunk_bytes > (UINT64_C(1) << 30))
            fail(p, "--%s: expected a size from 4K to 1G (bytes, or with a suffix K, M or G): '%s'", option->name,
                 value);
        break;
    case OPT_RESUME:
        args->resume = true;
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
    if (args->command == RV__CLI_PARTITION) {
        if (index == 0)
            args->input = arg;
        else
            fail(p, "unexpected argument '%s' (INPUT is '%s')", arg, args->input);
        return RV_OK;
    }
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
    const run_option *option = find_run_option(name, length, args->command);
    const rv_param_spec *spec = NULL;
    if (option == NULL && args->algorithm != NULL)
        spec = find_param(args->algorithm, name, length);
    if (option == NULL && spec == NULL) {
        if (p->unknown_algorithm)
            return RV_OK; /* already reported; the option may belong to the misspelt ALGO */
        if (args->command == RV__CLI_PARTITION)
            fail(p, "unknown option '--%.*s' (see 'rivulet partition --help')", (int)length, name);
        else if (args->command == RV__CLI_STREAM && find_run_option(name, length, RV__CLI_RUN) != NULL)
            fail(p, "--%.*s is an option of 'rivulet run', not of 'rivulet stream' (see 'rivulet stream --help')",
                 (int)length, name);
        else if (args->algorithm != NULL)
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

int rv__cli_args_parse(int argc, char **argv, int first, rv__cli_command command, rv__cli_run_args *out,
                       char *error, size_t error_capacity)
{
    *out = (rv__cli_run_args){
        .command = command, .log_level = RV_LOG_WARN, .partition = RV_PARTITION_AUTO, .batch_ms = DEFAULT_BATCH_MS};
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

    if (command == RV__CLI_PARTITION && !out->help) {
        if (out->input == NULL)
            fail(&p, "missing INPUT (an edge list file or a Graphalytics dataset)");
        else if (out->parts == 0)
            fail(&p, "missing --parts K (the number of parts)");
        if (out->directed && out->undirected)
            fail(&p, "--directed and --undirected exclude each other");
    } else if (!p.unknown_algorithm && !out->help) {
        if (out->algorithm == NULL)
            fail(&p, "missing ALGO (see 'rivulet list')");
        else if (out->input == NULL)
            fail(&p, "missing INPUT (an edge list file or a Graphalytics dataset)");
        if (out->directed && out->undirected)
            fail(&p, "--directed and --undirected exclude each other");
        /* A stream's --replicas is also the log's. */
        const bool any_checkpoint_option = out->checkpoint_every || (out->replicas && command == RV__CLI_RUN) ||
                                           out->chunk_bytes || out->keep || (out->resume && command == RV__CLI_RUN);
        if (!out->checkpoint_dir && any_checkpoint_option)
            fail(&p, "--%s needs --checkpoint-dir",
                 out->checkpoint_every ? "checkpoint-every" : out->replicas ? "replicas" : out->chunk_bytes ? "chunk-size"
                 : out->keep ? "keep" : "resume");
        else if (out->checkpoint_dir && !out->checkpoint_every && !out->resume)
            fail(&p, "--checkpoint-dir needs --checkpoint-every N (or --resume)");
        if (command == RV__CLI_STREAM && out->algorithm != NULL && out->input != NULL) {
            if (out->updates == NULL)
                fail(&p, "missing --updates SOURCE (-, a file, a FIFO or tcp://127.0.0.1:PORT)");
            else if (out->resume && out->log_dir == NULL)
                fail(&p, "--resume needs --log-dir DIR, the log of the stream to resume");
            else if (out->checkpoint_dir && out->log_dir == NULL)
                fail(&p, "--checkpoint-dir needs --log-dir DIR: a stream resumes from a checkpoint plus the log after it");
            else if (out->replicas && out->log_dir == NULL)
                fail(&p, "--replicas needs --log-dir (or --checkpoint-dir)");
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
