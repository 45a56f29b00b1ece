/* memory.c — reading current and peak resident memory from /proc, and combining it over ranks. */
#include "memory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comm.h"
#include "session.h"

/* Reads a "Name:   N kB" line of /proc/self/status. */
static uint64_t status_kib(const char *name)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return 0;
    char line[256];
    size_t length = strlen(name);
    uint64_t kib = 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, name, length) == 0 && line[length] == ':') {
            kib = strtoull(line + length + 1, NULL, 10);
            break;
        }
    fclose(f);
    return kib * 1024;
}

uint64_t rv__rss_bytes(void) { return status_kib("VmRSS"); }
uint64_t rv__peak_rss_bytes(void) { return status_kib("VmHWM"); }

/* The first number in file @p path, or UINT64_MAX if it has none ("max"). */
static uint64_t read_number(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return UINT64_MAX;
    unsigned long long x = 0;
    int n = fscanf(f, "%llu", &x);
    fclose(f);
    return n == 1 ? (uint64_t)x : UINT64_MAX;
}

uint64_t rv__available_bytes(void)
{
    uint64_t available = UINT64_MAX;
    FILE *f = fopen("/proc/meminfo", "r");
    if (f) {
        char line[256];
        while (fgets(line, sizeof line, f))
            if (strncmp(line, "MemAvailable:", 13) == 0) {
                available = strtoull(line + 13, NULL, 10) * 1024;
                break;
            }
        fclose(f);
    }
    /* A container's limit can be far below what the machine has free. */
    uint64_t limit = read_number("/sys/fs/cgroup/memory.max");
    uint64_t used = read_number("/sys/fs/cgroup/memory.current");
    if (limit != UINT64_MAX && used != UINT64_MAX) {
        uint64_t left = limit > used ? limit - used : 0;
        if (left < available)
            available = left;
    }
    return available;
}

int rv_session_memory(rv_session *s, rv_memory_stats *out, uint64_t *per_rank_peak)
{
    uint64_t peak = rv__peak_rss_bytes();
    uint64_t *all = malloc((size_t)s->size * sizeof *all);
    int status = all ? RV_OK : rv__session_fail(s, RV_ENOMEM, "out of memory measuring memory");
    status = rv__session_agree(s, status);
    if (status != RV_OK)
        goto done;
    uint64_t sums[2] = {peak, rv__rss_bytes()};
    status = rv__comm_allgather_u64(s, peak, all);
    if (status == RV_OK)
        status = rv__comm_allreduce_u64(s, sums, 2, RV__REDUCE_SUM);
    status = rv__session_agree(s, status);
    if (status != RV_OK)
        goto done;
    *out = (rv_memory_stats){.peak_rss_bytes_sum = sums[0], .rss_bytes_sum = sums[1]};
    for (int r = 0; r < s->size; r++)
        if (all[r] > out->peak_rss_bytes_max)
            out->peak_rss_bytes_max = all[r];
    if (per_rank_peak && s->rank == 0)
        memcpy(per_rank_peak, all, (size_t)s->size * sizeof *all);
done:
    free(all);
    return status;
}
