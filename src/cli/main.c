/* main.c — the `rivulet` program's entry point: dispatches to a command, prints the
 * top-level help and the version. Knows no algorithm by name (they come from the
 * registry) and no MPI (only `run`, `partition` and `stream` open a session; `store`
 * and `supervise` need none). */
#include "cli.h"

#include <string.h>

/* The commands, in help order. Each handler gets main's argc and argv (the command is
 * argv[1]) and returns the exit code. */
typedef struct command {
    const char *name;
    const char *arguments;
    const char *summary;
    int (*handler)(int *argc, char ***argv);
} command;

static int run_command(int *argc, char ***argv)
{
    return rv__cli_run(argc, argv, 2);
}

static int stream_command(int *argc, char ***argv)
{
    return rv__cli_stream(argc, argv, 2);
}

static int list_command(int *argc, char ***argv)
{
    return rv__cli_list(argc, argv);
}

static int partition_command(int *argc, char ***argv)
{
    return rv__cli_partition(argc, argv, 2);
}

static int store_command(int *argc, char ***argv)
{
    return rv__cli_store(*argc, *argv);
}

static int supervise_command(int *argc, char ***argv)
{
    return rv__cli_supervise(*argc, *argv);
}

static const command commands[] = {
    {"run", "ALGO INPUT [OPTIONS]", "run an algorithm on a graph (start it with mpirun)", run_command},
    {"partition", "INPUT --parts K [OPTIONS]", "write a METIS partition file for later runs (no mpirun needed)",
     partition_command},
    {"stream", "ALGO INPUT [OPTIONS]", "run it, then follow --updates to the graph in micro-batches", stream_command},
    {"list", "", "list the algorithms with their options and defaults", list_command},
    {"store", "ls|fsck|gc DIR", "list, verify or clean the checkpoints in DIR", store_command},
    {"supervise", "[OPTS] -- COMMAND", "run COMMAND, re-running it with --resume after a failure",
     supervise_command},
};
enum { N_COMMANDS = sizeof commands / sizeof commands[0] };

static void print_help(FILE *out)
{
    fprintf(out, "usage: rivulet COMMAND [ARGUMENTS]\n"
                 "       rivulet --help | --version\n"
                 "\n"
                 "rivulet runs vertex programs (Pregel/BSP) on graphs partitioned over MPI ranks.\n"
                 "\n"
                 "Commands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++) {
        char column[64];
        snprintf(column, sizeof column, "%s %s", commands[i].name, commands[i].arguments);
        fprintf(out, "  %-28s  %s\n", column, commands[i].summary);
    }
    fprintf(out, "\n"
                 "Options:\n"
                 "  %-28s  %s\n"
                 "  %-28s  %s\n"
                 "\n"
                 "Example: mpirun -np 4 rivulet run ALGO graph.e --output ranks.txt\n"
                 "See 'rivulet run --help' for the run options and 'rivulet list' for the algorithms.\n",
            "-h, --help", "show this help", "--version", "show the version");
}

int main(int argc, char **argv)
{
    const bool speak = rv__cli_is_launch_root();
    if (argc < 2)
        return rv__cli_fail_early(&argc, &argv, RV__CLI_EXIT_USAGE, "missing command (see 'rivulet --help')");
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        if (speak)
            print_help(stdout);
        return RV__CLI_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0) {
        if (speak)
            printf("rivulet %s (API version %d)\n", rv_version(), RV_API_VERSION);
        return RV__CLI_EXIT_OK;
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(name, commands[i].name) == 0)
            return commands[i].handler(&argc, &argv);

    return rv__cli_fail_early(&argc, &argv, RV__CLI_EXIT_USAGE, "unknown %s '%s' (see 'rivulet --help')",
                              name[0] == '-' ? "option" : "command", name);
}
