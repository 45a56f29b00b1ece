/* supervise.c — `rivulet supervise`: runs a job, and after a failure runs it again with --resume, a bounded number of times, for unattended runs. */
#define _POSIX_C_SOURCE 200809L /* sigaction, kill, nanosleep */

#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void print_usage(FILE *out)
{
    fprintf(out, "usage: rivulet supervise [--max-restarts N] [--delay SECONDS] -- COMMAND [ARGUMENTS...]\n"
                 "\n"
                 "Runs COMMAND (typically 'mpirun ... rivulet run ... --checkpoint-dir DIR\n"
                 "--checkpoint-every N'). When it fails, runs it again with --resume appended, so\n"
                 "that the job continues from its newest checkpoint; at most N times (default 3),\n"
                 "waiting SECONDS (default 1) before each restart. A usage error (exit status 2)\n"
                 "is not retried. SIGINT and SIGTERM are passed on to COMMAND and end the\n"
                 "supervision. The exit status is COMMAND's last (128 + the signal if a signal\n"
                 "ended it).\n");
}

/* The signal that asked us to stop, passed on to the running command. */
static volatile sig_atomic_t stop_signal;
static volatile pid_t running_child;

static void on_signal(int signal_number)
{
    stop_signal = signal_number;
    if (running_child > 0)
        kill(running_child, signal_number);
}

/* Runs @p argv and returns its exit status (128 + signal when killed), or -1 when it
 * could not be started. */
static int run_once(char **argv)
{
    pid_t child = fork();
    if (child < 0) {
        rv__cli_error(true, "supervise: cannot start '%s': %s", argv[0], strerror(errno));
        return -1;
    }
    if (child == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "rivulet: error: supervise: cannot run '%s': %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    running_child = child;
    int wstatus = 0;
    while (waitpid(child, &wstatus, 0) < 0) {
        if (errno != EINTR) {
            running_child = 0;
            return -1;
        }
    }
    running_child = 0;
    return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : WIFSIGNALED(wstatus) ? 128 + WTERMSIG(wstatus) : -1;
}

static bool parse_count(const char *text, long long max, long long *out)
{
    char *end = NULL;
    errno = 0;
    long long n = strtoll(text, &end, 10);
    if (!*text || *end || errno || n < 0 || n > max)
        return false;
    *out = n;
    return true;
}

int rv__cli_supervise(int argc, char **argv)
{
    long long max_restarts = 3, delay_seconds = 1;
    int first = -1;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            first = i + 1;
            break;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_usage(stdout);
            return RV__CLI_EXIT_OK;
        }
        bool restarts = strcmp(a, "--max-restarts") == 0, delay = strcmp(a, "--delay") == 0;
        if ((restarts || delay) && i + 1 < argc) {
            if (!parse_count(argv[i + 1], restarts ? 1000000 : 86400, restarts ? &max_restarts : &delay_seconds)) {
                rv__cli_error(true, "supervise: %s: expected a non-negative integer: '%s'", a, argv[i + 1]);
                return RV__CLI_EXIT_USAGE;
            }
            i++;
            continue;
        }
        rv__cli_error(true, "supervise: unexpected argument '%s' (the command goes after '--'; see 'rivulet "
                            "supervise --help')", a);
        return RV__CLI_EXIT_USAGE;
    }
    if (first < 0 || first >= argc) {
        rv__cli_error(true, "supervise: missing '-- COMMAND' (see 'rivulet supervise --help')");
        return RV__CLI_EXIT_USAGE;
    }

    /* The command, with room for the --resume of later attempts. */
    int n = argc - first;
    bool has_resume = false;
    char **command = calloc((size_t)n + 2, sizeof *command);
    if (!command) {
        rv__cli_error(true, "supervise: out of memory");
        return RV__CLI_EXIT_RUNTIME;
    }
    for (int i = 0; i < n; i++) {
        command[i] = argv[first + i];
        has_resume |= strcmp(command[i], "--resume") == 0;
    }

    struct sigaction action = {0};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);

    int status = -1;
    for (long long attempt = 0;; attempt++) {
        status = run_once(command);
        if (status == 0 || status == RV__CLI_EXIT_USAGE || status < 0 || stop_signal)
            break;
        if (attempt >= max_restarts) {
            fprintf(stderr, "rivulet supervise: the job failed (exit status %d) and no restart is left (--max-restarts %lld)\n",
                    status, max_restarts);
            break;
        }
        fprintf(stderr, "rivulet supervise: the job failed (exit status %d); restarting with --resume (restart %lld of %lld)\n",
                status, attempt + 1, max_restarts);
        if (!has_resume) {
            static char resume_flag[] = "--resume";
            command[n] = resume_flag;
            has_resume = true;
        }
        struct timespec pause = {.tv_sec = (time_t)delay_seconds};
        while (nanosleep(&pause, &pause) != 0 && errno == EINTR && !stop_signal) {
        }
        if (stop_signal)
            break;
    }
    free(command);
    if (status < 0)
        return RV__CLI_EXIT_RUNTIME;
    return status;
}
