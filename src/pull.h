/* pull.h — the in-edge index of a rank's out-edges, grouped by in-degree, and the pull that folds broadcast values along it.
 *
 * When many vertices broadcast (rv_send_all) with a built-in combiner, every slot
 * (local vertex or ghost) folds the values of its in-neighbours: random reads of a
 * small array and one write per slot, instead of a random read-modify-write per edge.
 *
 * On skewed graphs most slots have one, two or three in-edges, and a loop over a
 * short list ends with a mispredicted branch that costs more than its reads. So the
 * index cuts the slots into blocks of RV__PULL_BLOCK consecutive slots and, inside
 * a block, groups them by in-degree into runs: the run of in-degree d <=
 * RV__PULL_SHORT_MAX is pulled by a loop specialised for d, whose slots have d
 * consecutive sources each and need no offsets; the run of longer lists is summed
 * with four accumulators, since one would wait on each fold in turn. A block's
 * cells stay in cache while its runs visit them one after another.
 *
 * Order of folding: a short list folds its sources in ascending local order onto
 * the cell's current value, as one accumulator would. A long list folds into four
 * accumulators (edge i into accumulator i mod 4), then combines them pairwise onto
 * the cell: the same order every run for a given graph and partition. Sums of
 * doubles therefore differ, in the last bits, from a sequential sum; the built-in
 * min and max, and integer sums, do not depend on the order.
 *
 * Memory: 4 bytes per local out-edge, 4 per slot with in-edges and 4 more per slot
 * with a long list; built once, on the first pull, and kept until the topology
 * changes (the message store is then rebuilt).
 */
#ifndef RV_PULL_H
#define RV_PULL_H

#include <stdbool.h>
#include <stdint.h>

#include "graph.h"

enum {
    RV__PULL_SHORT_MAX = 8,                   /* longest list pulled by a specialised loop */
    RV__PULL_RUNS = RV__PULL_SHORT_MAX + 1,   /* runs per block: in-degree 1..8, then long */
    RV__PULL_BLOCK = 4096                     /* slots per block: 32 KiB of 8-byte cells */
};

typedef struct rv__pull_index {
    bool built;
    size_t n_slots;
    uint64_t n_runs; /* RV__PULL_RUNS per block */
    /* Run r (block r / RV__PULL_RUNS; in-degree r % RV__PULL_RUNS + 1, or long for
     * the last of a block) holds slots[run_slot[r] .. run_slot[r + 1]), ascending,
     * and their sources from run_edge[r] on, list after list. */
    uint64_t *run_slot, *run_edge; /* [n_runs + 1] */
    uint64_t *run_long;            /* [n_runs + 1]: long lists before run r */
    uint32_t *slots;
    uint32_t *sources;     /* local indices of the sources, ascending per list */
    uint32_t *long_degree; /* in-degree of each long list, in the order of slots[] */
} rv__pull_index;

/* Builds the index of @p g's out-edges. RV_OK or RV_ENOMEM (nothing is then kept). */
int rv__pull_index_build(rv__pull_index *x, const rv_graph *g);
void rv__pull_index_destroy(rv__pull_index *x);

/* Folds into @p box (8-byte cells, one per slot) the value[s] of every in-neighbour s
 * that broadcast, with built-in combiner @p kind, and sets has[] for each slot that
 * got one. flag[s] says whether s broadcast (value[s] is stale otherwise); with
 * @p everyone every vertex with out-edges did, and the flags are not read.
 * With @p reset, box and has hold nothing yet (not even the identity): each block's
 * cells are set to the identity and its flags cleared just before its runs fold
 * into them, while they are in cache, instead of in a pass of their own over the
 * whole box. */
void rv__pull(const rv__pull_index *x, rv_combiner kind, bool everyone, bool reset, const unsigned char *value,
              const uint8_t *flag, unsigned char *box, uint8_t *has);

#endif
