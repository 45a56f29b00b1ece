/* report.c — what `rivulet run` tells the user: one progress line per superstep, the
 * summary at the end, and the --stats JSON that the benchmark scripts parse. Called on
 * rank 0 only; nothing here communicates. */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Bytes in decimal units ("12.3 MB"), short enough for a progress line. */
static void format_bytes(uint64_t bytes, char *buffer, size_t capacity)
{
    static const char *const units[] = {"kB", "MB", "GB", "TB", "PB", "EB"};
    if (bytes < 1000) {
        snprintf(buffer, capacity, "%" PRIu64 " B", bytes);
        return;
    }
    double x = (double)bytes / 1000.0;
    size_t unit = 0;
    while (x >= 999.95 && unit + 1 < sizeof units / sizeof units[0]) {
        x /= 1000.0;
        unit++;
    }
    snprintf(buffer, capacity, "%.1f %s", x, units[unit]);
}

void rv__cli_report_superstep(const rv_superstep_stats *stats, void *arg)
{
    rv__cli_superstep_log *log = arg;
    if (log->print_progress) {
        char bytes[32];
        format_bytes(stats->bytes_exchanged, bytes, sizeof bytes);
        fprintf(stderr, "superstep %" PRIu64 ": %" PRIu64 " active, %" PRIu64 " messages, %s exchanged, %.3f s\n",
                stats->superstep, stats->active_vertices, stats->messages_sent, bytes, stats->seconds);
    }

    if (log->n_steps == log->capacity) {
        /* The callback cannot fail the run, and a run should not die for want of a
         * statistics entry: drop it and say so at the end. */
        const size_t capacity = log->capacity == 0 ? 64 : log->capacity * 2;
        rv_superstep_stats *steps = capacity > SIZE_MAX / sizeof *steps
                                        ? NULL
                                        : realloc(log->steps, capacity * sizeof *steps);
        if (steps == NULL) {
            log->incomplete = true;
            return;
        }
        log->steps = steps;
        log->capacity = capacity;
    }
    log->steps[log->n_steps++] = *stats;
}

void rv__cli_superstep_log_destroy(rv__cli_superstep_log *log)
{
    if (log == NULL)
        return;
    free(log->steps);
    *log = (rv__cli_superstep_log){0};
}

/* The partition lines of the summary: what placed the vertices, what it took, and the
 * quality (edge cut, balance, ghosts, traffic). */
static void report_partition(FILE *out, const rv__cli_run_report *r)
{
    const rv_partition_stats *p = &r->partition;
    const double placing = p->structure_seconds + p->metis_seconds + p->directory_seconds + p->move_seconds +
                           p->rebuild_seconds;
    fprintf(out, "  %-9s%8.3f s  (%s", "partition", placing, rv__cli_partition_name(p->kind));
    if (r->partition_requested == RV_PARTITION_AUTO)
        fprintf(out, ", chosen by auto");
    if (p->kind == RV_PARTITION_METIS)
        fprintf(out, ": structure %.3f s, METIS %.3f s, directory %.3f s, move %.3f s, rebuild %.3f s",
                p->structure_seconds, p->metis_seconds, p->directory_seconds, p->move_seconds, p->rebuild_seconds);
    else if (p->kind == RV_PARTITION_FILE)
        fprintf(out, ": reading the file %.3f s, move %.3f s, rebuild %.3f s", p->directory_seconds,
                p->move_seconds, p->rebuild_seconds);
    fprintf(out, ")\n");
    fprintf(out, "  %-9s  edge cut %" PRIu64 " of %" PRIu64 " edges (%.2f%%); per rank max/mean: vertices %" PRIu64
                 "/%.1f, edges %" PRIu64 "/%.1f, ghosts %" PRIu64 "/%.1f\n",
            "", p->edge_cut, r->edges, 100.0 * p->edge_cut_fraction, p->vertices_max, p->vertices_mean,
            p->edges_max, p->edges_mean, p->ghosts_max, p->ghosts_mean);
    if (r->run.supersteps > 0) {
        char mean[32], max[32];
        format_bytes(r->run.bytes_exchanged / r->run.supersteps, mean, sizeof mean);
        format_bytes(r->superstep_bytes_max, max, sizeof max);
        fprintf(out, "  %-9s  exchanged between ranks per superstep: %s mean, %s max\n", "", mean, max);
    }
}

void rv__cli_report_summary(FILE *out, const rv__cli_run_report *r)
{
    char text[32], exchanged[32], peak_max[32], peak_mean[32], graph[32];
    format_bytes(r->load.input_bytes, text, sizeof text);
    format_bytes(r->run.bytes_exchanged, exchanged, sizeof exchanged);
    format_bytes(r->load.graph_bytes_sum, graph, sizeof graph);

    fprintf(out, "%s on %s: %" PRIu64 " vertices, %" PRIu64 " edges, %d rank%s\n", r->algorithm, r->input,
            r->vertices, r->edges, r->ranks, r->ranks == 1 ? "" : "s");
    fprintf(out, "  %-9s%8.3f s  (read %.3f s, partition %.3f s, build %.3f s; %s of text)\n",
            "load", r->load_seconds, r->load.read_seconds, r->load.partition_seconds, r->load.build_seconds, text);
    report_partition(out, r);
    fprintf(out, "  %-9s%8.3f s  (%" PRIu64 " superstep%s, %" PRIu64 " messages, %s exchanged)\n",
            "compute", r->compute_seconds, r->run.supersteps, r->run.supersteps == 1 ? "" : "s",
            r->run.messages_sent, exchanged);
    if (r->checkpointing) {
        const rv_checkpoint_stats *c = &r->checkpoint;
        char state[32], written[32];
        format_bytes(c->state_bytes_max, state, sizeof state);
        format_bytes(c->bytes_written, written, sizeof written);
        const double per_rank = c->write_seconds > 0 && r->ranks > 0
                                    ? (double)c->bytes_written / (double)r->ranks / c->write_seconds / 1e6
                                    : 0.0;
        fprintf(out, "  %-9s%8.3f s  (%" PRIu64 " written, the last at superstep %" PRIu64
                     "; state up to %s per rank; %s written, %.0f MB/s per rank)\n",
                "checkpoint", c->write_seconds, c->checkpoints, c->last_superstep, state, written, per_rank);
        if (c->resumed)
            fprintf(out, "  %-9s%8.3f s  (from superstep %" PRIu64 ", written by %d rank%s)\n", "resume",
                    c->resume_seconds, c->resumed_superstep, c->resumed_ranks, c->resumed_ranks == 1 ? "" : "s");
    }
    fprintf(out, "  %-9s%8.3f s\n", "output", r->output_seconds);
    fprintf(out, "  %-9s%8.3f s\n", "total", r->total_seconds);
    if (r->have_memory) {
        format_bytes(r->memory.peak_rss_bytes_max, peak_max, sizeof peak_max);
        format_bytes(r->ranks > 0 ? r->memory.peak_rss_bytes_sum / (uint64_t)r->ranks : 0, peak_mean,
                     sizeof peak_mean);
        fprintf(out, "  %-9s  peak RSS per rank %s max, %s mean; graph %s in all\n", "memory", peak_max, peak_mean,
                graph);
    } else {
        fprintf(out, "  %-9s  peak RSS not measured; graph %s in all\n", "memory", graph);
    }
}

/* ---- JSON ------------------------------------------------------------------------ */

/* A JSON string literal: quotes, backslashes and control characters escaped; other
 * bytes (UTF-8 included) pass through unchanged. */
static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)s; *c != '\0'; c++) {
        switch (*c) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\b':
            fputs("\\b", out);
            break;
        case '\f':
            fputs("\\f", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        default:
            if (*c < 0x20)
                fprintf(out, "\\u%04x", (unsigned)*c);
            else
                fputc(*c, out);
        }
    }
    fputc('"', out);
}

/* A JSON number from a double; JSON has no infinity or NaN, so those become null
 * (timings are never either, but the file must parse whatever happens). */
static void json_double(FILE *out, double x)
{
    if (isfinite(x))
        fprintf(out, "%.9g", x);
    else
        fputs("null", out);
}

static void write_stats(FILE *out, const rv__cli_run_report *r, const rv__cli_superstep_log *log)
{
    fputs("{\"algorithm\":", out);
    json_string(out, r->algorithm);
    fprintf(out, ",\"ranks\":%d,\"vertices\":%" PRIu64 ",\"edges\":%" PRIu64 ",\"input_bytes\":%" PRIu64 ",\n",
            r->ranks, r->vertices, r->edges, r->load.input_bytes);

    const struct {
        const char *key;
        double value;
    } seconds[] = {
        {"load", r->load_seconds},       {"read", r->load.read_seconds},
        {"partition", r->load.partition_seconds}, {"build", r->load.build_seconds},
        {"compute", r->compute_seconds}, {"output", r->output_seconds},
        {"total", r->total_seconds},
    };
    fputs(" \"seconds\":{", out);
    for (size_t i = 0; i < sizeof seconds / sizeof seconds[0]; i++) {
        fprintf(out, "%s\"%s\":", i > 0 ? "," : "", seconds[i].key);
        json_double(out, seconds[i].value);
    }
    fputs("},\n", out);

    fprintf(out, " \"supersteps\":%" PRIu64 ",\"messages\":%" PRIu64 ",\"bytes_exchanged\":%" PRIu64 ",\n",
            r->run.supersteps, r->run.messages_sent, r->run.bytes_exchanged);

    fputs(" \"memory\":{\"peak_rss_bytes_per_rank\":[", out);
    if (r->have_memory && r->peak_rss_bytes_per_rank != NULL)
        for (int i = 0; i < r->ranks; i++)
            fprintf(out, "%s%" PRIu64, i > 0 ? "," : "", r->peak_rss_bytes_per_rank[i]);
    fprintf(out,
            "],\"peak_rss_bytes_max\":%" PRIu64 ",\"rss_before_load_bytes_sum\":%" PRIu64
            ",\"rss_after_load_bytes_sum\":%" PRIu64 ",\"graph_bytes_sum\":%" PRIu64 "},\n",
            r->have_memory ? r->memory.peak_rss_bytes_max : 0, r->load.rss_before_bytes_sum,
            r->load.rss_after_bytes_sum, r->load.graph_bytes_sum);

    const rv_partition_stats *p = &r->partition;
    fputs(" \"partition\":{\"requested\":", out);
    json_string(out, rv__cli_partition_name(r->partition_requested));
    fputs(",\"kind\":", out);
    json_string(out, rv__cli_partition_name(p->kind));
    fprintf(out, ",\"parts\":%d,\"notice\":", p->n_parts);
    json_string(out, p->notice);
    const struct {
        const char *key;
        double value;
    } steps[] = {
        {"structure", p->structure_seconds}, {"metis", p->metis_seconds}, {"directory", p->directory_seconds},
        {"move", p->move_seconds},           {"rebuild", p->rebuild_seconds},
    };
    fputs(",\n  \"seconds\":{", out);
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        fprintf(out, "%s\"%s\":", i > 0 ? "," : "", steps[i].key);
        json_double(out, steps[i].value);
    }
    fprintf(out, "},\n  \"edge_cut\":%" PRIu64 ",\"edge_cut_fraction\":", p->edge_cut);
    json_double(out, p->edge_cut_fraction);
    const struct {
        const char *key;
        uint64_t max;
        double mean;
    } per_rank[] = {
        {"vertices_per_rank", p->vertices_max, p->vertices_mean},
        {"edges_per_rank", p->edges_max, p->edges_mean},
        {"ghosts_per_rank", p->ghosts_max, p->ghosts_mean},
        {"bytes_per_superstep", r->superstep_bytes_max,
         r->run.supersteps ? (double)r->run.bytes_exchanged / (double)r->run.supersteps : 0.0},
    };
    for (size_t i = 0; i < sizeof per_rank / sizeof per_rank[0]; i++) {
        fprintf(out, ",\"%s\":{\"max\":%" PRIu64 ",\"mean\":", per_rank[i].key, per_rank[i].max);
        json_double(out, per_rank[i].mean);
        fputc('}', out);
    }
    fputs("},\n", out);
    if (r->checkpointing) {
        const rv_checkpoint_stats *c = &r->checkpoint;
        fprintf(out,
                " \"checkpoint\":{\"checkpoints\":%" PRIu64 ",\"last_superstep\":%" PRIu64
                ",\"state_bytes_max\":%" PRIu64 ",\"state_bytes_sum\":%" PRIu64 ",\"bytes_written\":%" PRIu64
                ",\"write_seconds\":",
                c->checkpoints, c->last_superstep, c->state_bytes_max, c->state_bytes_sum, c->bytes_written);
        json_double(out, c->write_seconds);
        fputs(",\"last_write_seconds\":", out);
        json_double(out, c->last_write_seconds);
        fprintf(out, ",\"resumed\":%s,\"resumed_superstep\":%" PRIu64 ",\"resumed_ranks\":%d,\"resume_bytes\":%" PRIu64
                     ",\"resume_seconds\":",
                c->resumed ? "true" : "false", c->resumed_superstep, c->resumed_ranks, c->resume_bytes);
        json_double(out, c->resume_seconds);
        fprintf(out, ",\"replicas_bad\":%" PRIu64 ",\"replicas_repaired\":%" PRIu64 "},\n", c->replicas_bad,
                c->replicas_repaired);
    }

    fputs(" \"superstep_log\":[", out);
    for (size_t i = 0; log != NULL && i < log->n_steps; i++) {
        const rv_superstep_stats *s = &log->steps[i];
        fprintf(out,
                "%s\n  {\"superstep\":%" PRIu64 ",\"active\":%" PRIu64 ",\"messages\":%" PRIu64
                ",\"bytes\":%" PRIu64 ",\"seconds\":",
                i > 0 ? "," : "", s->superstep, s->active_vertices, s->messages_sent, s->bytes_exchanged);
        json_double(out, s->seconds);
        fputc('}', out);
    }
    fputs("]}\n", out);
}

int rv__cli_report_write_stats(const char *path, const rv__cli_run_report *report,
                               const rv__cli_superstep_log *log, char *error, size_t error_capacity)
{
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        rv__cli_format(error, error_capacity, "cannot write stats file '%s': %s", path, strerror(errno));
        return RV_EIO;
    }
    errno = 0;
    write_stats(out, report, log);
    /* Both checks: ferror() catches a failed write, fclose() a failed final flush
     * (a full disk often shows up only there). */
    const bool write_failed = ferror(out) != 0;
    const bool close_failed = fclose(out) != 0;
    if (write_failed || close_failed) {
        rv__cli_format(error, error_capacity, "cannot write stats file '%s': %s", path,
                       errno != 0 ? strerror(errno) : "write error");
        return RV_EIO;
    }
    return RV_OK;
}
