/* console.c — the CLI's small printing helpers: which process speaks before a session
 * exists, failing the same way on every rank before the session, the one-line error
 * format, and log level names. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* Environment variables in which MPI launchers publish a process's rank, in order of
 * preference: Open MPI's mpirun, PMIx (Open MPI 5, Slurm with PMIx), PMI (MPICH,
 * Intel MPI) and Slurm's srun. Reading them needs no MPI, which is the point: `rivulet
 * --help` under mpirun should print once without initialising MPI. */
static const char *const launcher_rank_variables[] = {
    "OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID",
};

/* The launcher's value for this process's rank, or NULL when started from a shell. */
static const char *launcher_rank_text(void)
{
    for (size_t i = 0; i < sizeof launcher_rank_variables / sizeof launcher_rank_variables[0]; i++) {
        const char *value = getenv(launcher_rank_variables[i]);
        if (value != NULL && *value != '\0')
            return value;
    }
    return NULL;
}

bool rv__cli_is_launch_root(void)
{
    const char *text = launcher_rank_text();
    if (text == NULL)
        return true;
    char *end = NULL;
    const long rank = strtol(text, &end, 10);
    /* A value that is not a number tells nothing; better that every rank prints than
     * that none does. */
    return *end != '\0' || rank == 0;
}

int rv__cli_fail_early(int *argc, char ***argv, int exit_code, const char *format, ...)
{
    char line[1024];
    va_list args;
    va_start(args, format);
    vsnprintf(line, sizeof line, format, args);
    va_end(args);

    /* Started from a shell there is one process and nothing to wait for. */
    if (launcher_rank_text() == NULL) {
        rv__cli_error(true, "%s", line);
        return exit_code;
    }
    /* Under a launcher, mpirun ends the whole job as soon as one process exits with a
     * non-zero status, and a rank that got there first could cut rank 0 off before
     * its message is out (seen with Open MPI 4.1 at np=3: 1 run in 6 lost the line).
     * So the ranks meet in a session: rank 0 prints first, and closing the session is
     * collective (Open MPI's MPI_Finalize waits for every process), so nobody exits
     * before rank 0 has written its line. */
    rv_session *session = NULL;
    if (rv_session_open(&session, argc, argv) != RV_OK) {
        rv__cli_error(rv__cli_is_launch_root(), "%s", line);
        return exit_code;
    }
    rv_session_set_log(session, RV_LOG_ERROR, NULL, NULL);
    rv__cli_error(rv_session_rank(session) == 0, "%s", line);
    rv_session_close(&session);
    return exit_code;
}

void rv__cli_error(bool print, const char *format, ...)
{
    if (!print)
        return;
    /* Build the line first so it reaches stderr in one write and lines from several
     * processes sharing the terminal do not interleave mid-line. */
    char line[1024];
    va_list args;
    va_start(args, format);
    vsnprintf(line, sizeof line, format, args);
    va_end(args);
    fprintf(stderr, "rivulet: error: %s\n", line);
    fflush(stderr);
}

void rv__cli_format(char *buffer, size_t capacity, const char *format, ...)
{
    if (buffer == NULL || capacity == 0)
        return;
    va_list args;
    va_start(args, format);
    vsnprintf(buffer, capacity, format, args);
    va_end(args);
}

static const char *const log_level_names[] = {
    [RV_LOG_ERROR] = "error", [RV_LOG_WARN] = "warn", [RV_LOG_INFO] = "info", [RV_LOG_DEBUG] = "debug",
};

const char *rv__cli_log_level_name(rv_log_level level)
{
    if ((int)level < 0 || (size_t)level >= sizeof log_level_names / sizeof log_level_names[0])
        return "?";
    return log_level_names[level];
}

bool rv__cli_log_level_parse(const char *text, rv_log_level *out)
{
    for (size_t i = 0; i < sizeof log_level_names / sizeof log_level_names[0]; i++) {
        if (strcmp(text, log_level_names[i]) == 0) {
            *out = (rv_log_level)i;
            return true;
        }
    }
    return false;
}
