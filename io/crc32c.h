/* crc32c.h — CRC-32C (Castagnoli), the checksum of every chunk in the chunk store and of the input text.
 *
 * The same CRC as iSCSI, ext4 and GFS-style stores use: polynomial 0x1EDC6F41
 * (reflected 0x82F63B78), initial value and final xor 0xFFFFFFFF. Computed with the
 * SSE4.2 instruction when the processor has it, else with a slicing-by-8 table; both
 * give the same result.
 */
#ifndef RV_IO_CRC32C_H
#define RV_IO_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Extends @p crc (0 to start) over @p bytes bytes of @p data; chains, so that
 * rv__crc32c(rv__crc32c(0, a, n), b, m) is the CRC of a followed by b. */
uint32_t rv__crc32c(uint32_t crc, const void *data, size_t bytes);

/* The CRC of A followed by B, from the CRC of A, the CRC of B and the length of B,
 * without the data: what lets every rank checksum its own part of a file and the
 * parts be joined into the whole file's CRC. O(log bytes_b). */
uint32_t rv__crc32c_combine(uint32_t crc_a, uint32_t crc_b, uint64_t bytes_b);

#endif /* RV_IO_CRC32C_H */
