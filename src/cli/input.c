/* input.c — turning INPUT into rv_load_options: a plain edge list, or a Graphalytics
 * dataset described by NAME.properties (files, directedness, weight column, and the
 * algorithm's parameters). Local: reads only the properties file and checks that the
 * files it names exist; the graph itself is read by rv_graph_load(). */
#define _POSIX_C_SOURCE 200809L /* stat() */

#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char properties_suffix[] = ".properties";

/* A new string: @p a followed by the first @p b_length bytes of @p b. NULL when out of
 * memory. */
static char *concat(const char *a, const char *b, size_t b_length)
{
    const size_t a_length = strlen(a);
    char *s = malloc(a_length + b_length + 1);
    if (s == NULL)
        return NULL;
    memcpy(s, a, a_length);
    memcpy(s + a_length, b, b_length);
    s[a_length + b_length] = '\0';
    return s;
}

static char *copy(const char *s)
{
    return concat("", s, strlen(s));
}

static bool is_regular_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Checks that @p path names a regular file; otherwise one line saying why. */
static int check_file(const char *path, const char *what, char *error, size_t error_capacity)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        rv__cli_format(error, error_capacity, "%s'%s': %s", what, path, strerror(errno));
        return RV_EIO;
    }
    if (!S_ISREG(st.st_mode)) {
        rv__cli_format(error, error_capacity, "%s'%s': not a regular file", what, path);
        return RV_EIO;
    }
    return RV_OK;
}

/* The dataset being resolved: where its keys live and how to name them in errors. */
typedef struct dataset {
    const char *file;      /* the .properties path, for error messages */
    const char *name;      /* NAME in graph.NAME.* */
    size_t directory_length; /* bytes of file up to and including the last '/' */
    rv_properties *properties;
} dataset;

/* The value of graph.NAME.@p suffix, or NULL. *oom is set when the key could not even
 * be built. */
static const char *dataset_get(const dataset *d, const char *suffix, bool *oom)
{
    const size_t length = strlen("graph.") + strlen(d->name) + 1 + strlen(suffix) + 1;
    char *key = malloc(length);
    if (key == NULL) {
        *oom = true;
        return NULL;
    }
    snprintf(key, length, "graph.%s.%s", d->name, suffix);
    const char *value = rv_properties_get(d->properties, key);
    free(key);
    return value;
}

/* Like dataset_get(), but a missing key is an error naming the file and the key. */
static int dataset_require(const dataset *d, const char *suffix, const char *why, const char **out,
                           char *error, size_t error_capacity)
{
    bool oom = false;
    *out = dataset_get(d, suffix, &oom);
    if (oom)
        return RV_ENOMEM;
    if (*out == NULL || **out == '\0') {
        rv__cli_format(error, error_capacity, "%s: missing key graph.%s.%s (%s)", d->file, d->name, suffix,
                       why);
        return RV_EPARSE;
    }
    return RV_OK;
}

/* A file named by key graph.NAME.@p suffix, relative to the properties file's
 * directory unless absolute; it must exist. */
static int dataset_file(const dataset *d, const char *suffix, const char *why, char **out, char *error,
                        size_t error_capacity)
{
    const char *value = NULL;
    int status = dataset_require(d, suffix, why, &value, error, error_capacity);
    if (status != RV_OK)
        return status;
    char *path = value[0] == '/' ? copy(value) : concat("", d->file, d->directory_length);
    if (path != NULL && value[0] != '/') {
        char *joined = concat(path, value, strlen(value));
        free(path);
        path = joined;
    }
    if (path == NULL)
        return RV_ENOMEM;
    char what[512];
    snprintf(what, sizeof what, "%s: graph.%s.%s: ", d->file, d->name, suffix);
    status = check_file(path, what, error, error_capacity);
    if (status != RV_OK) {
        free(path);
        return status;
    }
    *out = path;
    return RV_OK;
}

/* The 1-based position of @p wanted in the comma-separated @p names (blanks around
 * names ignored), 0 if absent; *count receives the number of names. */
static int property_position(const char *names, const char *wanted, int *count)
{
    int position = 0;
    int index = 0;
    const size_t wanted_length = wanted != NULL ? strlen(wanted) : 0;
    const char *p = names;
    while (*p != '\0') {
        while (isspace((unsigned char)*p))
            p++;
        const char *start = p;
        while (*p != '\0' && *p != ',')
            p++;
        const char *end = p;
        while (end > start && isspace((unsigned char)end[-1]))
            end--;
        if (end > start) {
            index++;
            if (wanted != NULL && position == 0 && (size_t)(end - start) == wanted_length &&
                strncmp(start, wanted, wanted_length) == 0)
                position = index;
        }
        if (*p == ',')
            p++;
    }
    *count = index;
    return position;
}

static int parse_bool(const char *text, bool *out)
{
    /* Java's Boolean.parseBoolean ignores case; so do we, but refuse anything that is
     * neither word rather than read it as false. */
    if (strcasecmp(text, "true") == 0)
        *out = true;
    else if (strcasecmp(text, "false") == 0)
        *out = false;
    else
        return RV_EPARSE;
    return RV_OK;
}

/* Directedness, the weight column and the property column count of a dataset. */
static int resolve_graph_shape(const rv__cli_run_args *args, const dataset *d, rv__cli_input *out,
                               char *error, size_t error_capacity)
{
    const rv_algorithm *algorithm = args->algorithm;
    if (algorithm != NULL && algorithm->undirected_view && !algorithm->needs_edge_directions) {
        /* The algorithm reads in- and out-neighbours alike, so the graph is loaded
         * undirected and the dataset's directedness does not matter. (One that asks
         * which way each edge ran needs it: see rv__cli_input_resolve.) */
        out->load.undirected = true;
    } else if (args->directed || args->undirected) {
        out->load.undirected = args->undirected;
    } else {
        const char *text = NULL;
        int status = dataset_require(d, "directed", "true or false; or pass --directed/--undirected", &text,
                                     error, error_capacity);
        if (status != RV_OK)
            return status;
        bool directed = true;
        if (parse_bool(text, &directed) != RV_OK) {
            rv__cli_format(error, error_capacity, "%s: graph.%s.directed must be true or false, not '%s'",
                           d->file, d->name, text);
            return RV_EPARSE;
        }
        out->load.undirected = !directed;
    }

    bool oom = false;
    const char *names = dataset_get(d, "edge-properties.names", &oom);
    if (oom)
        return RV_ENOMEM;
    const char *weight_name = NULL;
    const bool uses_weights = algorithm != NULL && algorithm->uses_weights;
    if (uses_weights && algorithm->weight_property_key != NULL && names != NULL) {
        /* A dataset with edge properties must say which one is the weight; one
         * without any (an unweighted graph) gets weight 1 on every edge, as a plain
         * edge list without a weight column does. */
        int status = dataset_require(d, algorithm->weight_property_key, "the edge property holding the weights",
                                     &weight_name, error, error_capacity);
        if (status != RV_OK)
            return status;
    }
    int n_columns = 0;
    const int weight_position = property_position(names != NULL ? names : "", weight_name, &n_columns);
    /* 0 would mean "the plain-edge-list default" to the loader, which is the most
     * lenient reading of a dataset that declares no properties. */
    out->load.max_property_columns = n_columns;

    if (!uses_weights) {
        out->load.weight_column = -1;
    } else if (weight_name != NULL) {
        if (names == NULL) {
            rv__cli_format(error, error_capacity,
                           "%s: missing key graph.%s.edge-properties.names (needed to find the weight "
                           "column '%s')",
                           d->file, d->name, weight_name);
            return RV_EPARSE;
        }
        if (weight_position == 0) {
            rv__cli_format(error, error_capacity,
                           "%s: graph.%s.%s is '%s', which is not in graph.%s.edge-properties.names ('%s')",
                           d->file, d->name, algorithm->weight_property_key, weight_name, d->name,
                           names != NULL ? names : "");
            return RV_EPARSE;
        }
        out->load.weight_column = weight_position;
    } else {
        /* An algorithm that takes weights but names no key: the first property column
         * when there is one, else the loader's default of 1.0. */
        out->load.weight_column = n_columns >= 1 ? 1 : 0;
    }
    return RV_OK;
}

/* Fills the algorithm parameters that the command line left unset from the dataset's
 * keys. Doing it in this order is the same as "dataset first, command line overrides",
 * except that a bad dataset value the user has overridden is not an error. */
static int resolve_parameters(const rv__cli_run_args *args, const dataset *d, char *error,
                              size_t error_capacity)
{
    const rv_algorithm *algorithm = args->algorithm;
    for (size_t i = 0; algorithm != NULL && i < algorithm->n_params; i++) {
        const rv_param_spec *spec = &algorithm->params[i];
        if (spec->properties_key == NULL || rv_params_is_set(args->params, spec->name))
            continue;
        bool oom = false;
        const char *value = dataset_get(d, spec->properties_key, &oom);
        if (oom)
            return RV_ENOMEM;
        if (value == NULL)
            continue;
        char reason[512];
        const int status = rv_params_set(args->params, spec->name, value, reason, sizeof reason);
        if (status != RV_OK) {
            rv__cli_format(error, error_capacity, "%s: graph.%s.%s: %s", d->file, d->name,
                           spec->properties_key, reason);
            return status;
        }
    }
    return RV_OK;
}

static int resolve_dataset(const rv__cli_run_args *args, rv__cli_input *out, char *error,
                           size_t error_capacity)
{
    const char *file = out->properties_file;
    const char *slash = strrchr(file, '/');
    const char *base = slash != NULL ? slash + 1 : file;
    const size_t name_length = strlen(base) - (sizeof properties_suffix - 1);
    if (name_length == 0) {
        rv__cli_format(error, error_capacity, "'%s': no dataset name before %s", file, properties_suffix);
        return RV_EINVAL;
    }
    out->dataset_name = concat("", base, name_length);
    if (out->dataset_name == NULL)
        return RV_ENOMEM;

    dataset d = {
        .file = file,
        .name = out->dataset_name,
        .directory_length = slash != NULL ? (size_t)(slash - file) + 1 : 0,
    };
    char reason[512] = "";
    int status = rv_properties_load(file, &d.properties, reason, sizeof reason);
    if (status != RV_OK) {
        if (reason[0] != '\0')
            rv__cli_format(error, error_capacity, "%s", reason);
        else
            rv__cli_format(error, error_capacity, "%s: %s", file, rv_strerror(status));
        return status;
    }

    status = dataset_file(&d, "edge-file", "the edge list", &out->edge_file, error, error_capacity);
    if (status == RV_OK)
        status = dataset_file(&d, "vertex-file", "the vertex list", &out->vertex_file, error, error_capacity);
    if (status == RV_OK)
        status = resolve_graph_shape(args, &d, out, error, error_capacity);
    if (status == RV_OK)
        status = resolve_parameters(args, &d, error, error_capacity);
    rv_properties_free(&d.properties);
    return status;
}

int rv__cli_input_resolve(const rv__cli_run_args *args, rv__cli_input *out, char *error,
                          size_t error_capacity)
{
    *out = (rv__cli_input){0};
    const rv_algorithm *algorithm = args->algorithm;
    const char *input = args->input;
    out->load.keep_weights = algorithm != NULL && algorithm->uses_weights;
    out->load.nonnegative_weights = algorithm != NULL && algorithm->needs_nonnegative_weights;
    out->load.partition = args->partition;
    out->load.partition_file = args->partition_file;
    out->load.imbalance = args->imbalance;
    out->load.metis_max_bytes = args->metis_max_bytes;

    int status = RV_OK;
    const size_t length = strlen(input);
    const size_t suffix_length = sizeof properties_suffix - 1;
    if (length >= suffix_length && strcmp(input + length - suffix_length, properties_suffix) == 0) {
        out->properties_file = copy(input);
        if (out->properties_file == NULL)
            status = RV_ENOMEM;
    } else {
        char *candidate = concat(input, properties_suffix, suffix_length);
        if (candidate == NULL)
            status = RV_ENOMEM;
        else if (is_regular_file(candidate))
            out->properties_file = candidate;
        else
            free(candidate);
    }

    if (status == RV_OK && out->properties_file != NULL) {
        status = resolve_dataset(args, out, error, error_capacity);
    } else if (status == RV_OK) {
        /* A plain edge list. Checking here, rather than leaving it to the loader,
         * lets the message mention the dataset form the user may have meant. */
        struct stat st;
        if (stat(input, &st) != 0) {
            rv__cli_format(error, error_capacity, "'%s': %s (and there is no '%s%s')", input, strerror(errno),
                           input, properties_suffix);
            status = RV_EIO;
        } else if (!S_ISREG(st.st_mode)) {
            rv__cli_format(error, error_capacity, "'%s': not a regular file", input);
            status = RV_EIO;
        } else if ((out->edge_file = copy(input)) == NULL) {
            status = RV_ENOMEM;
        } else {
            out->load.undirected = args->undirected;
            out->load.weight_column = out->load.keep_weights ? 0 : -1;
            out->load.max_property_columns = 1;
        }
    }

    if (status == RV_ENOMEM)
        rv__cli_format(error, error_capacity, "out of memory while resolving '%s'", input);
    if (status != RV_OK) {
        rv__cli_input_destroy(out);
        return status;
    }
    out->load.edge_file = out->edge_file;
    out->load.vertex_file = out->vertex_file;
    /* A program that reads in- and out-neighbours sees a directed graph through its
     * undirected view, with the reverse edges marked when it asks which way they ran. */
    if (algorithm != NULL && algorithm->undirected_view && !out->load.undirected) {
        out->load.undirected = true;
        out->load.mark_reverse_edges = algorithm->needs_edge_directions;
    }
    return RV_OK;
}

void rv__cli_input_destroy(rv__cli_input *input)
{
    if (input == NULL)
        return;
    free(input->edge_file);
    free(input->vertex_file);
    free(input->dataset_name);
    free(input->properties_file);
    *input = (rv__cli_input){0};
}
