/* sort.h — radix sorts of 64-bit keys (alone or with a 32-bit payload), used to order vertex ids during the build and the output; a sort-and-unique for small id arrays. */
#ifndef RV_SORT_H
#define RV_SORT_H

#include <stddef.h>
#include <stdint.h>

/* Sorts @p keys ascending. LSD radix sort, 8 bits per pass, skipping the passes in
 * which every key has the same byte (small ids need few passes). Returns RV_ENOMEM
 * if the scratch array cannot be allocated. */
int rv__sort_u64(uint64_t *keys, size_t n);

/* Sorts @p keys ascending as rv__sort_u64() does, moving @p values[i] along with
 * keys[i]; equal keys keep their order. RV_ENOMEM if scratch cannot be allocated. */
int rv__sort_u64_u32(uint64_t *keys, uint32_t *values, size_t n);

/* qsort()/bsearch() comparison of two uint64_t, ascending. */
int rv__compare_u64(const void *a, const void *b);

/* Sorts @p a ascending and drops repeated values; returns how many remain. @p a may
 * be NULL when @p n is 0. For the small arrays of a batch or a mutation plan. */
size_t rv__sort_unique_u64(uint64_t *a, size_t n);

#endif /* RV_SORT_H */
