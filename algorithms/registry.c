/* registry.c — the built-in algorithms by name. */
#include "registry.h"

#include <string.h>

static const rv_algorithm *const builtins[] = {
    &rv_algorithm_pagerank,
    &rv_algorithm_sssp,
    &rv_algorithm_bfs,
    &rv_algorithm_wcc,
    &rv_algorithm_cdlp,
    &rv_algorithm_lcc,
};

const rv_algorithm *const *rv_builtins(size_t *n)
{
    *n = sizeof builtins / sizeof builtins[0];
    return builtins;
}

const rv_algorithm *rv_builtin_find(const char *name)
{
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (strcmp(builtins[i]->name, name) == 0 || (builtins[i]->alias && strcmp(builtins[i]->alias, name) == 0))
            return builtins[i];
    return NULL;
}
