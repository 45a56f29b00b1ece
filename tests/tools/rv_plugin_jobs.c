/* rv_plugin_jobs.c — two jobs of one plug-in with different parameters, alive at once (a test tool for plugins.sh).
 *
 * usage: rv-plugin-jobs PLUGIN.so EDGE_FILE OUT_A KEY=VALUE OUT_B KEY=VALUE
 *
 * Both programs are configured before either job starts, and both jobs exist while
 * the first one runs; each writes its output to its file. A plug-in that kept its
 * parameters in globals would give both jobs the second value. Written against the
 * public API only (plus dlopen), like a user's host program.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rivulet.h>

/* Configures @p algorithm's program from one KEY=VALUE; returns 0 or prints why not. */
static int configure(const rv_algorithm *algorithm, const char *assignment, rv_program *program)
{
    char error[512] = "", key[128];
    const char *equals = strchr(assignment, '=');
    if (!equals || (size_t)(equals - assignment) >= sizeof key) {
        fprintf(stderr, "rv-plugin-jobs: expected KEY=VALUE, not '%s'\n", assignment);
        return 1;
    }
    snprintf(key, sizeof key, "%.*s", (int)(equals - assignment), assignment);
    rv_params *params = NULL;
    int status = rv_params_new(algorithm, &params);
    if (status == RV_OK)
        status = rv_params_set(params, key, equals + 1, error, sizeof error);
    if (status == RV_OK)
        status = rv_params_finish(params, error, sizeof error);
    if (status == RV_OK)
        status = algorithm->configure(params, program, error, sizeof error);
    rv_params_free(&params);
    if (status != RV_OK)
        fprintf(stderr, "rv-plugin-jobs: %s: %s\n", assignment, error[0] ? error : rv_strerror(status));
    return status == RV_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: rv-plugin-jobs PLUGIN.so EDGE_FILE OUT_A KEY=VALUE OUT_B KEY=VALUE\n");
        return 2;
    }
    void *library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    void *symbol = library ? dlsym(library, RV_PLUGIN_SYMBOL) : NULL;
    if (!symbol) {
        fprintf(stderr, "rv-plugin-jobs: %s: %s\n", argv[1], dlerror());
        return 1;
    }
    rv_plugin_entry entry;
    memcpy(&entry, &symbol, sizeof entry);
    unsigned version = 0;
    const rv_algorithm *algorithm = entry(&version);
    if (version != RV_API_VERSION || !algorithm) {
        fprintf(stderr, "rv-plugin-jobs: %s: API version %u, not %d\n", argv[1], version, RV_API_VERSION);
        return 1;
    }

    rv_program a = {0}, b = {0};
    int failed = configure(algorithm, argv[4], &a);
    if (!failed && configure(algorithm, argv[6], &b) != 0) {
        failed = 1;
        algorithm->release(&a);
    }
    if (failed)
        return 2;

    rv_session *session = NULL;
    rv_graph *graph = NULL;
    rv_job *job_a = NULL, *job_b = NULL;
    /* Taken before MPI sees argv, which it may rewrite. */
    const char *out_a = argv[3], *out_b = argv[5];
    rv_load_options load = {.edge_file = argv[2], .undirected = algorithm->undirected_view, .weight_column = -1};
    int status = rv_session_open(&session, &argc, &argv);
    if (status == RV_OK)
        status = rv_graph_load(session, &load, &graph);
    if (status == RV_OK)
        status = rv_job_new(graph, &a, &job_a);
    if (status == RV_OK)
        status = rv_job_new(graph, &b, &job_b);
    if (status == RV_OK)
        status = rv_job_run(job_a, NULL, NULL);
    if (status == RV_OK)
        status = rv_job_run(job_b, NULL, NULL);
    if (status == RV_OK)
        status = rv_job_write(job_a, out_a);
    if (status == RV_OK)
        status = rv_job_write(job_b, out_b);
    if (status != RV_OK && session && rv_session_rank(session) == 0)
        fprintf(stderr, "rv-plugin-jobs: %s\n", rv_session_last_error(session));
    rv_job_free(&job_a);
    rv_job_free(&job_b);
    rv_graph_free(&graph);
    rv_session_close(&session);
    algorithm->release(&a);
    algorithm->release(&b);
    dlclose(library);
    return status == RV_OK ? 0 : 1;
}
