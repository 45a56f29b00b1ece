/* cli.h — what the files of the `rivulet` program share: exit codes, console helpers,
 * the parsed `run` arguments, input resolution and reporting. Internal to the program;
 * like the rest of the CLI it sees only the public header and the algorithm registry. */
#ifndef RV_CLI_CLI_H
#define RV_CLI_CLI_H

#include "rivulet.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes: 0 success, 1 a runtime error (bad input, I/O, MPI), 2 a usage error
 * (the command line itself is wrong). Every rank exits with the same code. */
enum { RV__CLI_EXIT_OK = 0, RV__CLI_EXIT_RUNTIME = 1, RV__CLI_EXIT_USAGE = 2 };

#if defined(__GNUC__)
#define RV__CLI_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define RV__CLI_PRINTF(fmt, args)
#endif

/* ---- console.c: who prints, and how errors look -------------------------------- */

/* Whether this process should print before a session exists (help, list, usage
 * errors). Every rank parses the same argv and reaches the same verdict, but only one
 * should say it; without MPI the rank comes from the launcher's environment, and a
 * process started without a launcher is rank 0. */
bool rv__cli_is_launch_root(void);
/* Ends the program with an error that every rank found on its own before any session
 * existed (all ranks parse the same argv and read the same files, so they agree
 * without talking). Prints `rivulet: error: MESSAGE` once and returns @p exit_code for
 * main() to return. Under an MPI launcher this opens and closes a session, so that no
 * rank exits before rank 0 has printed; from a shell it needs no MPI. */
int rv__cli_fail_early(int *argc, char ***argv, int exit_code, const char *format, ...) RV__CLI_PRINTF(4, 5);
/* Prints `rivulet: error: MESSAGE` as one line on stderr when @p print is true. */
void rv__cli_error(bool print, const char *format, ...) RV__CLI_PRINTF(2, 3);
/* Writes into a caller's buffer (may be NULL/0), cut short rather than overrun. */
void rv__cli_format(char *buffer, size_t capacity, const char *format, ...) RV__CLI_PRINTF(3, 4);
/* The text of a log level ("warn"), and the reverse (false if @p text is none). */
const char *rv__cli_log_level_name(rv_log_level level);
bool rv__cli_log_level_parse(const char *text, rv_log_level *out);

/* ---- list.c: describing algorithms --------------------------------------------- */

/* `rivulet list`: every built-in with its options. Takes main's argc and argv by
 * address for rv__cli_fail_early(). */
int rv__cli_list(int *argc, char ***argv);
/* One algorithm's name, summary and options (`rivulet run ALGO --help`). */
void rv__cli_list_print_algorithm(FILE *out, const rv_algorithm *algorithm);
/* The type of a parameter as shown in help ("DOUBLE"). */
const char *rv__cli_param_type_name(rv_param_type type);

/* ---- plugin.c: algorithms from shared objects ------------------------------------ */

/* Whether ALGO names a plug-in file (it has a '/' or ends in ".so") rather than a
 * built-in. */
bool rv__cli_is_plugin_path(const char *arg);
/* Loads the plug-in at @p path and checks its API version. On error returns a
 * status with one line in @p error; on success release @p handle with
 * rv__cli_plugin_unload() once the algorithm is no longer used. */
int rv__cli_plugin_load(const char *path, const rv_algorithm **algorithm, void **handle, char *error,
                        size_t error_capacity);
void rv__cli_plugin_unload(void **handle);

/* ---- args.c: the `run`, `partition` and `stream` command lines ------------------ */

/* The commands whose arguments args.c parses; an option may belong to several. */
typedef enum { RV__CLI_RUN = 1, RV__CLI_PARTITION = 2, RV__CLI_STREAM = 4 } rv__cli_command;

/* Everything `rivulet run` (or `partition`, or `stream`) was asked to do. Strings
 * point into argv. */
typedef struct rv__cli_run_args {
    rv__cli_command command;
    bool help;                    /* --help/-h anywhere: print help instead of running */
    const rv_algorithm *algorithm; /* NULL when ALGO is missing or unknown (always for partition) */
    const char *input;            /* INPUT, or NULL when missing */
    const char *output;           /* --output, NULL = standard output */
    const char *stats_path;       /* --stats, NULL = no JSON */
    bool directed;                /* --directed */
    bool undirected;              /* --undirected */
    bool quiet;                   /* --quiet: no progress lines, no summary */
    uint64_t max_supersteps;      /* --max-supersteps, 0 = no limit */
    rv_log_level log_level;       /* --log-level */
    const char *checkpoint_dir;   /* --checkpoint-dir, NULL = no checkpoints */
    uint64_t checkpoint_every;    /* --checkpoint-every, 0 = never */
    int replicas;                 /* --replicas, 0 = the library's default */
    uint64_t chunk_bytes;         /* --chunk-size, 0 = the library's default */
    int keep;                     /* --keep, 0 = the library's default */
    bool resume;                  /* --resume (stream: replay the log in --log-dir) */
    rv_partition_kind partition;  /* --partition (default auto) */
    const char *partition_file;   /* --partition FILE */
    double imbalance;             /* --imbalance, 0 = the library's default */
    uint64_t metis_max_bytes;     /* --metis-memory, 0 = what is available */
    int parts;                    /* partition: --parts */
    /* The algorithm's options given on the command line, already type-checked. The
     * dataset's values fill only what is not set here, so the command line wins. */
    rv_params *params;
    void *plugin; /* the plug-in ALGO came from, or NULL for a built-in */

    /* `rivulet stream` only. */
    const char *updates;    /* --updates SOURCE */
    bool follow;            /* --follow */
    bool strict;            /* --strict */
    uint64_t batch_size;    /* --batch-size, 0 = the library's default */
    uint64_t batch_ms;      /* --batch-ms */
    rv_emit_kind emit;      /* --emit */
    const char *output_dir; /* --output-dir, NULL = standard output */
    const char *log_dir;    /* --log-dir */
} rv__cli_run_args;

/* Parses argv[first..argc-1], the arguments after `run`, `partition` or `stream`
 * (@p command). Returns RV_OK, or RV_EINVAL for a usage error (first reason in @p error), or
 * RV_ENOMEM. A help request returns RV_OK with help set, even when other arguments
 * are wrong, except that an unknown ALGO is still an error (there is no help to show
 * for it). After an error @p out holds nothing to release; after RV_OK release it
 * with rv__cli_args_destroy(). */
int rv__cli_args_parse(int argc, char **argv, int first, rv__cli_command command, rv__cli_run_args *out,
                       char *error, size_t error_capacity);
void rv__cli_args_destroy(rv__cli_run_args *args);
/* `rivulet run|partition|stream --help`, generated from the option table. */
void rv__cli_args_print_help(FILE *out, rv__cli_command command);
/* The name of a partition kind as --partition spells it ("metis"). */
const char *rv__cli_partition_name(rv_partition_kind kind);

/* ---- input.c: INPUT as a plain edge list or a Graphalytics dataset ------------- */

/* The resolved input: load options plus the strings they point to. */
typedef struct rv__cli_input {
    rv_load_options load; /* edge_file/vertex_file point into the fields below */
    char *edge_file;
    char *vertex_file;       /* NULL for a plain edge list */
    char *dataset_name;      /* NAME of NAME.properties, NULL for a plain edge list */
    char *properties_file;   /* NULL for a plain edge list */
} rv__cli_input;

/* Resolves args->input for args->algorithm: fills @p out and, for a dataset, fills
 * the algorithm's parameters that the command line did not set from the dataset's
 * keys. Without an algorithm (`rivulet partition`) no weights are read. Returns RV_OK or an error status with one line in @p error (which names the
 * properties file). Local: every rank reads the same files and reaches the same
 * verdict. On error @p out holds nothing to release beyond rv__cli_input_destroy(). */
int rv__cli_input_resolve(const rv__cli_run_args *args, rv__cli_input *out, char *error,
                          size_t error_capacity);
void rv__cli_input_destroy(rv__cli_input *input);
/* The program's parameters as one line ("iterations=20 damping=0.85") and how the
 * input was read: what a resumed job (run.c) or stream must match. */
void rv__cli_describe_parameters(const rv__cli_run_args *args, char *out, size_t capacity);
void rv__cli_describe_input(const rv__cli_input *input, char *out, size_t capacity);

/* ---- report.c: progress, summary and --stats JSON ------------------------------ */

/* The per-superstep statistics the engine hands rank 0, kept for --stats. */
typedef struct rv__cli_superstep_log {
    rv_superstep_stats *steps;
    size_t n_steps;
    size_t capacity;
    bool incomplete;     /* an entry was dropped for lack of memory */
    bool print_progress; /* print one line per superstep on stderr */
} rv__cli_superstep_log;

/* The on_superstep callback of rv_run_options; @p arg is an rv__cli_superstep_log. */
void rv__cli_report_superstep(const rv_superstep_stats *stats, void *arg);
void rv__cli_superstep_log_destroy(rv__cli_superstep_log *log);

/* Everything the summary and --stats report about one run (rank 0's view; the engine
 * makes the counts identical on every rank). */
typedef struct rv__cli_run_report {
    const char *algorithm;
    const char *input;
    int ranks;
    uint64_t vertices;
    uint64_t edges;
    rv_load_stats load;
    double load_seconds;    /* wall time of rv_graph_load() */
    double compute_seconds; /* wall time of rv_job_new() + rv_job_run() */
    double output_seconds;  /* wall time of rv_job_write() */
    double total_seconds;   /* from before the load to after the output */
    rv_run_stats run;
    rv_partition_kind partition_requested; /* what --partition asked for */
    rv_partition_stats partition;          /* what placed the vertices, and how well */
    uint64_t superstep_bytes_max;          /* the most bytes one superstep exchanged */
    bool have_memory;       /* false when rv_session_memory() failed */
    rv_memory_stats memory;
    const uint64_t *peak_rss_bytes_per_rank; /* ranks entries */
    bool checkpointing;     /* --checkpoint-dir was given */
    rv_checkpoint_stats checkpoint;
} rv__cli_run_report;

/* The human summary, several lines on @p out. */
void rv__cli_report_summary(FILE *out, const rv__cli_run_report *report);
/* Writes the --stats JSON to @p path. RV_EIO with a reason in @p error on failure. */
int rv__cli_report_write_stats(const char *path, const rv__cli_run_report *report,
                               const rv__cli_superstep_log *log, char *error, size_t error_capacity);

/* ---- store.c and supervise.c ---------------------------------------------------- */

/* `rivulet store ls|fsck|gc DIR`: the chunk store without MPI. Returns the exit code. */
int rv__cli_store(int argc, char **argv);
/* `rivulet supervise [OPTIONS] -- COMMAND...`: runs COMMAND, and after a failure runs
 * it again with --resume appended. Returns the exit code. */
int rv__cli_supervise(int argc, char **argv);

/* ---- partition.c ------------------------------------------------------------------ */

/* `rivulet partition INPUT --parts K --output FILE`; (*argv)[first] is the first
 * argument after `partition`. Returns the exit code. Works as a single process
 * (no mpirun needed) or under mpirun. */
int rv__cli_partition(int *argc, char ***argv, int first);

/* ---- stream.c ------------------------------------------------------------------- */

/* `rivulet stream ...`; (*argv)[first] is the first argument after `stream`. Returns
 * the exit code. */
int rv__cli_stream(int *argc, char ***argv, int first);

/* ---- command.c: the part `run` and `stream` share --------------------------------- */

/* What one of the two commands does differently; the shared driver does the rest. */
typedef struct rv__cli_compute_steps {
    rv__cli_command command; /* RV__CLI_RUN or RV__CLI_STREAM */
    /* --help; @p algorithm is NULL when no ALGO was given. */
    void (*print_help)(FILE *out, const rv_algorithm *algorithm);
    int (*resolve_input)(const rv__cli_run_args *args, rv__cli_input *input, char *error, size_t capacity);
    int (*configure)(const rv_algorithm *algorithm, const rv_params *params, rv_program *program, char *error,
                     size_t capacity);
    /* The collective part: opens the session, runs, closes it. Returns the exit code. */
    int (*execute)(const rv__cli_run_args *args, const rv__cli_input *input, const rv_program *program, int *argc,
                   char ***argv);
} rv__cli_compute_steps;

/* Parses the command line after `run` or `stream` ((*argv)[first] is its first
 * argument), prints help or resolves INPUT, checks the parameters and configures the
 * program, then runs @p steps->execute. Returns the exit code. */
int rv__cli_compute_command(int *argc, char ***argv, int first, const rv__cli_compute_steps *steps);

/* ---- run.c ---------------------------------------------------------------------- */

/* `rivulet run ...`; (*argv)[first] is the first argument after `run`. Returns the
 * exit code. One of the commands that open an MPI session, which is why it takes main's
 * argc and argv by address (MPI may consume arguments of its own). */
int rv__cli_run(int *argc, char ***argv, int first);

#endif /* RV_CLI_CLI_H */
