/* list.c — `rivulet list` and the description of one algorithm's options, both built
 * from the registry so that adding an algorithm never edits the CLI. */
#include "cli.h"

#include "algorithms/registry.h"

#include <string.h>

const char *rv__cli_param_type_name(rv_param_type type)
{
    switch (type) {
    case RV_PARAM_INT64:
        return "INT";
    case RV_PARAM_DOUBLE:
        return "DOUBLE";
    case RV_PARAM_ID:
        return "ID";
    }
    return "VALUE";
}

/* The width of the `--name TYPE` column, so that the help texts line up. */
static int option_column_width(const rv_algorithm *algorithm)
{
    size_t width = 0;
    for (size_t i = 0; i < algorithm->n_params; i++) {
        const rv_param_spec *spec = &algorithm->params[i];
        const size_t w = 2 + strlen(spec->name) + 1 + strlen(rv__cli_param_type_name(spec->type));
        if (w > width)
            width = w;
    }
    return width > 64 ? 64 : (int)width;
}

void rv__cli_list_print_algorithm(FILE *out, const rv_algorithm *algorithm)
{
    if (algorithm->alias != NULL)
        fprintf(out, "%s (alias %s): %s\n", algorithm->name, algorithm->alias,
                algorithm->summary != NULL ? algorithm->summary : "");
    else
        fprintf(out, "%s: %s\n", algorithm->name, algorithm->summary != NULL ? algorithm->summary : "");

    if (algorithm->uses_weights)
        fprintf(out, "  reads edge weights%s%s%s\n",
                algorithm->needs_nonnegative_weights ? " (non-negative)" : "",
                algorithm->weight_property_key != NULL ? "; dataset key " : "",
                algorithm->weight_property_key != NULL ? algorithm->weight_property_key : "");
    if (algorithm->undirected_view)
        fprintf(out, "  reads the graph undirected (in- and out-neighbours; --directed makes no difference)\n");
    if (algorithm->n_params == 0) {
        fprintf(out, "  (no options)\n");
        return;
    }

    const int width = option_column_width(algorithm);
    for (size_t i = 0; i < algorithm->n_params; i++) {
        const rv_param_spec *spec = &algorithm->params[i];
        char column[160];
        snprintf(column, sizeof column, "--%s %s", spec->name, rv__cli_param_type_name(spec->type));
        fprintf(out, "  %-*s  %s (", width, column, spec->help != NULL ? spec->help : "");
        if (spec->default_value != NULL)
            fprintf(out, "default %s", spec->default_value);
        else
            fprintf(out, "required");
        if (spec->properties_key != NULL)
            fprintf(out, "; dataset key %s", spec->properties_key);
        fprintf(out, ")\n");
    }
}

int rv__cli_list(int *argc, char ***argv)
{
    const bool speak = rv__cli_is_launch_root();
    for (int i = 2; i < *argc; i++) {
        if (strcmp((*argv)[i], "--help") == 0 || strcmp((*argv)[i], "-h") == 0) {
            if (speak)
                printf("usage: rivulet list\n\nLists the built-in algorithms, their options and defaults.\n");
            return RV__CLI_EXIT_OK;
        }
    }
    if (*argc > 2)
        return rv__cli_fail_early(argc, argv, RV__CLI_EXIT_USAGE, "'list' takes no arguments, got '%s'",
                                  (*argv)[2]);
    if (!speak)
        return RV__CLI_EXIT_OK;

    size_t n = 0;
    const rv_algorithm *const *algorithms = rv_builtins(&n);
    if (n == 0) {
        printf("No algorithms are built in.\n");
        return RV__CLI_EXIT_OK;
    }
    printf("Algorithms (rivulet run ALGO INPUT [OPTIONS]); ALGO is a name or an alias.\n"
           "Dataset keys are read below graph.NAME. in NAME.properties; options on the\n"
           "command line override them.\n");
    for (size_t i = 0; i < n; i++) {
        printf("\n");
        rv__cli_list_print_algorithm(stdout, algorithms[i]);
    }
    return RV__CLI_EXIT_OK;
}
