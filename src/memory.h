/* memory.h — resident memory of this process, as the operating system reports it. */
#ifndef RV_MEMORY_H
#define RV_MEMORY_H

#include <stdint.h>

/* Current resident set size in bytes (0 if unknown). */
uint64_t rv__rss_bytes(void);
/* Peak resident set size in bytes (0 if unknown). */
uint64_t rv__peak_rss_bytes(void);
/* Memory this process could still take, in bytes: the kernel's MemAvailable, lowered
 * to what a cgroup (v2) memory limit leaves. UINT64_MAX if unknown. */
uint64_t rv__available_bytes(void);

#endif /* RV_MEMORY_H */
