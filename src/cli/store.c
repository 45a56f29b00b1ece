/* store.c — `rivulet store ls|fsck|gc DIR`: lists, verifies (and repairs) and cleans the checkpoints in a chunk store, without MPI. */
#include "cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void print_usage(FILE *out)
{
    fprintf(out, "usage: rivulet store ls DIR\n"
                 "       rivulet store fsck DIR [--repair]\n"
                 "       rivulet store gc DIR [--keep K]\n"
                 "\n"
                 "The checkpoints a job wrote with --checkpoint-dir DIR (give DIR exactly as the job\n"
                 "did, %%r and %%h included; they match any rank and host here).\n"
                 "\n"
                 "  ls    the committed checkpoints: superstep, program, state size, replica health\n"
                 "        (presence and size of every replica)\n"
                 "  fsck  reads every replica and verifies its checksum; exits 1 when a chunk has\n"
                 "        fewer intact replicas than wanted, or none. --repair re-creates missing\n"
                 "        and damaged replicas (and manifest copies) from intact ones.\n"
                 "  gc    removes all but the newest K checkpoints (default 2), and the remains of\n"
                 "        checkpoints that were never committed\n"
                 "\n"
                 "With node-local storage, run these where the storage directories are visible.\n");
}

static void print_line(const char *line, void *arg)
{
    fprintf(arg, "  %s\n", line);
}

/* "12.3 MB" */
static void format_size(uint64_t bytes, char *out, size_t capacity)
{
    if (bytes < 1000)
        snprintf(out, capacity, "%" PRIu64 " B", bytes);
    else if (bytes < 1000 * 1000)
        snprintf(out, capacity, "%.1f kB", (double)bytes / 1e3);
    else if (bytes < UINT64_C(1000) * 1000 * 1000)
        snprintf(out, capacity, "%.1f MB", (double)bytes / 1e6);
    else
        snprintf(out, capacity, "%.1f GB", (double)bytes / 1e9);
}

static bool healthy(const rv_store_health *h)
{
    return h->chunks_lost == 0 && h->chunks_degraded == 0 && h->manifests_missing == 0;
}

static int list(rv_store *store, const char *dir)
{
    size_t n = rv_store_count(store);
    if (n == 0) {
        printf("no committed checkpoint in %s\n", dir);
        return RV__CLI_EXIT_OK;
    }
    printf("%10s  %-12s %5s %8s %10s %7s  %-19s  %s\n", "superstep", "program", "ranks", "replicas", "state", "chunks",
           "committed", "health");
    int exit_code = RV__CLI_EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        const rv_store_checkpoint *c = rv_store_get(store, i);
        rv_store_health h;
        char size[32], when[32] = "?", health[160];
        format_size(c->bytes, size, sizeof size);
        time_t t = (time_t)c->unix_time;
        struct tm tm;
        if (localtime_r(&t, &tm))
            strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        if (rv_store_check(store, i, 0, &h, NULL, NULL) != RV_OK) {
            snprintf(health, sizeof health, "cannot check");
            exit_code = RV__CLI_EXIT_RUNTIME;
        } else if (healthy(&h)) {
            snprintf(health, sizeof health, "ok (%" PRIu64 "/%" PRIu64 " replicas)", h.replicas_ok,
                     h.replicas_expected);
        } else {
            snprintf(health, sizeof health,
                     "%s: %" PRIu64 "/%" PRIu64 " replicas (%" PRIu64 " missing, %" PRIu64 " damaged), %" PRIu64
                     " chunks degraded, %" PRIu64 " lost, %" PRIu64 " manifest copies missing",
                     h.chunks_lost ? "LOST" : "degraded", h.replicas_ok, h.replicas_expected, h.replicas_missing,
                     h.replicas_damaged, h.chunks_degraded, h.chunks_lost, h.manifests_missing);
        }
        printf("%10" PRIu64 "  %-12s %5d %8d %10s %7" PRIu64 "  %-19s  %s\n", c->superstep, c->program, c->ranks,
               c->replicas, size, c->chunks, when, health);
    }
    return exit_code;
}

static int fsck(rv_store *store, const char *dir, bool repair)
{
    size_t n = rv_store_count(store);
    if (n == 0) {
        printf("no committed checkpoint in %s\n", dir);
        return RV__CLI_EXIT_OK;
    }
    int exit_code = RV__CLI_EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        const rv_store_checkpoint *c = rv_store_get(store, i);
        rv_store_health h;
        printf("superstep %" PRIu64 " (%s, %d ranks, %" PRIu64 " chunks, %d replicas each):\n", c->superstep,
               c->program, c->ranks, c->chunks, c->replicas);
        int status = rv_store_check(store, i, RV_STORE_VERIFY | (repair ? RV_STORE_REPAIR : 0), &h, print_line, stdout);
        /* After --repair, a degraded chunk whose bad replicas were all re-created is fine. */
        bool fixed = repair && h.chunks_lost == 0 && h.replicas_repaired == h.replicas_missing + h.replicas_damaged &&
                     status == RV_OK;
        bool ok = healthy(&h) || fixed;
        printf("  %s: %" PRIu64 " of %" PRIu64 " replicas intact, %" PRIu64 " missing, %" PRIu64 " damaged; %" PRIu64
               " chunks degraded, %" PRIu64 " lost; %" PRIu64 " manifest copies missing",
               ok ? "ok" : h.chunks_lost ? "LOST" : "degraded", h.replicas_ok, h.replicas_expected, h.replicas_missing,
               h.replicas_damaged, h.chunks_degraded, h.chunks_lost, h.manifests_missing);
        if (repair)
            printf("; %" PRIu64 " replicas re-created", h.replicas_repaired);
        printf("\n");
        if (!ok || status != RV_OK)
            exit_code = RV__CLI_EXIT_RUNTIME;
    }
    return exit_code;
}

static int gc(rv_store *store, size_t keep)
{
    size_t before = rv_store_count(store);
    int status = rv_store_remove_old(store, keep, print_line, stdout);
    printf("kept %zu of %zu committed checkpoints\n", rv_store_count(store), before);
    return status == RV_OK ? RV__CLI_EXIT_OK : RV__CLI_EXIT_RUNTIME;
}

int rv__cli_store(int argc, char **argv)
{
    /* argv[1] is "store". */
    if (argc >= 3 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
        print_usage(stdout);
        return RV__CLI_EXIT_OK;
    }
    if (argc < 4) {
        rv__cli_error(true, "%s (see 'rivulet store --help')", argc < 3 ? "missing ls, fsck or gc" : "missing DIR");
        return RV__CLI_EXIT_USAGE;
    }
    const char *action = argv[2], *dir = argv[3];
    bool repair = false;
    uint64_t keep = 2;
    bool is_ls = strcmp(action, "ls") == 0, is_fsck = strcmp(action, "fsck") == 0, is_gc = strcmp(action, "gc") == 0;
    if (!is_ls && !is_fsck && !is_gc) {
        rv__cli_error(true, "unknown store action '%s': ls, fsck or gc (see 'rivulet store --help')", action);
        return RV__CLI_EXIT_USAGE;
    }
    for (int i = 4; i < argc; i++) {
        if (is_fsck && strcmp(argv[i], "--repair") == 0) {
            repair = true;
        } else if (is_gc && (strcmp(argv[i], "--keep") == 0 || strncmp(argv[i], "--keep=", 7) == 0)) {
            const char *value = argv[i][6] == '=' ? argv[i] + 7 : i + 1 < argc ? argv[++i] : "";
            char *end = NULL;
            keep = strtoull(value, &end, 10);
            if (!*value || *end || keep < 1 || value[0] == '-') {
                rv__cli_error(true, "--keep: expected a positive integer: '%s'", value);
                return RV__CLI_EXIT_USAGE;
            }
        } else {
            rv__cli_error(true, "unexpected argument '%s' for 'store %s' (see 'rivulet store --help')", argv[i], action);
            return RV__CLI_EXIT_USAGE;
        }
    }
    char error[1024] = "";
    rv_store *store = NULL;
    int status = rv_store_open(dir, &store, error, sizeof error);
    if (status != RV_OK) {
        rv__cli_error(true, "%s", error[0] ? error : rv_strerror(status));
        return status == RV_EINVAL ? RV__CLI_EXIT_USAGE : RV__CLI_EXIT_RUNTIME;
    }
    int exit_code = is_ls ? list(store, dir) : is_fsck ? fsck(store, dir, repair) : gc(store, (size_t)keep);
    rv_store_free(&store);
    return exit_code;
}
