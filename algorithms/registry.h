/* registry.h — the table of built-in algorithms that the command line reads; adding an algorithm never edits the CLI. */
#ifndef RV_ALGORITHMS_REGISTRY_H
#define RV_ALGORITHMS_REGISTRY_H

#include <stddef.h>

#include "rivulet.h"

/* The built-in algorithms, in the order `rivulet list` shows them. */
const rv_algorithm *const *rv_builtins(size_t *n);
/* The built-in called @p name_or_alias, or NULL. */
const rv_algorithm *rv_builtin_find(const char *name_or_alias);

/* Each algorithm file defines one of these. */
extern const rv_algorithm rv_algorithm_pagerank;
extern const rv_algorithm rv_algorithm_sssp;
extern const rv_algorithm rv_algorithm_bfs;
extern const rv_algorithm rv_algorithm_wcc;
extern const rv_algorithm rv_algorithm_cdlp;
extern const rv_algorithm rv_algorithm_lcc;

#endif /* RV_ALGORITHMS_REGISTRY_H */
