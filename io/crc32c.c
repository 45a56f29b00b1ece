/* crc32c.c — CRC-32C in software (slicing-by-8) and with SSE4.2 when the processor has it, plus CRC combination. */
#include "crc32c.h"

#include <stdbool.h>
#include <string.h>

#define POLY 0x82F63B78u /* 0x1EDC6F41 bit-reversed */

/* table[k][b] is the CRC register after feeding byte b followed by k zero bytes,
 * which lets the loop fold eight bytes with eight lookups and no dependency chain
 * between them. Built on first use: 8 KiB, a few microseconds. */
static uint32_t table[8][256];
static bool table_ready;

static void build_table(void)
{
    for (uint32_t b = 0; b < 256; b++) {
        uint32_t c = b;
        for (int i = 0; i < 8; i++)
            c = c & 1 ? (c >> 1) ^ POLY : c >> 1;
        table[0][b] = c;
    }
    for (uint32_t b = 0; b < 256; b++)
        for (int k = 1; k < 8; k++)
            table[k][b] = (table[k - 1][b] >> 8) ^ table[0][table[k - 1][b] & 0xff];
    table_ready = true;
}

static uint32_t crc_software(uint32_t c, const unsigned char *p, size_t n)
{
    if (!table_ready)
        build_table();
    while (n && ((uintptr_t)p & 7)) {
        c = (c >> 8) ^ table[0][(c ^ *p++) & 0xff];
        n--;
    }
    for (; n >= 8; n -= 8, p += 8) {
        uint64_t word;
        memcpy(&word, p, 8); /* little-endian: the first byte is the low one */
        word ^= c;
        c = table[7][word & 0xff] ^ table[6][(word >> 8) & 0xff] ^ table[5][(word >> 16) & 0xff] ^
            table[4][(word >> 24) & 0xff] ^ table[3][(word >> 32) & 0xff] ^ table[2][(word >> 40) & 0xff] ^
            table[1][(word >> 48) & 0xff] ^ table[0][word >> 56];
    }
    while (n--)
        c = (c >> 8) ^ table[0][(c ^ *p++) & 0xff];
    return c;
}

#if defined(__x86_64__) && defined(__GNUC__)
/* The crc32 instruction computes exactly this CRC, eight bytes per instruction. */
__attribute__((target("sse4.2"))) static uint32_t crc_sse42(uint32_t c, const unsigned char *p, size_t n)
{
    uint64_t c64 = c;
    while (n && ((uintptr_t)p & 7)) {
        c64 = __builtin_ia32_crc32qi((uint32_t)c64, *p++);
        n--;
    }
    for (; n >= 8; n -= 8, p += 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        c64 = __builtin_ia32_crc32di(c64, word);
    }
    while (n--)
        c64 = __builtin_ia32_crc32qi((uint32_t)c64, *p++);
    return (uint32_t)c64;
}

static bool have_sse42(void)
{
    static int known = -1;
    if (known < 0) {
        __builtin_cpu_init();
        known = __builtin_cpu_supports("sse4.2") ? 1 : 0;
    }
    return known == 1;
}
#else
static uint32_t crc_sse42(uint32_t c, const unsigned char *p, size_t n) { return crc_software(c, p, n); }
static bool have_sse42(void) { return false; }
#endif

uint32_t rv__crc32c(uint32_t crc, const void *data, size_t bytes)
{
    uint32_t c = ~crc;
    c = have_sse42() ? crc_sse42(c, data, bytes) : crc_software(c, data, bytes);
    return ~c;
}

/* ---- Combination (the method of zlib's crc32_combine) ------------------------------
 * Appending n zero bytes to a message is a linear map on the 32-bit CRC register, a
 * 32x32 matrix over GF(2). The CRC of A|B is the CRC of A|zeros(len B) xor the CRC
 * of B, with the initial and final inversions cancelling out. The matrix for n zeros
 * is built by repeated squaring, so the cost is logarithmic in the length. */

static uint32_t gf2_times(const uint32_t *matrix, uint32_t vector)
{
    uint32_t sum = 0;
    for (int i = 0; vector; i++, vector >>= 1)
        if (vector & 1)
            sum ^= matrix[i];
    return sum;
}

static void gf2_square(uint32_t *square, const uint32_t *matrix)
{
    for (int i = 0; i < 32; i++)
        square[i] = gf2_times(matrix, matrix[i]);
}

uint32_t rv__crc32c_combine(uint32_t crc_a, uint32_t crc_b, uint64_t bytes_b)
{
    if (bytes_b == 0)
        return crc_a;
    uint32_t even[32], odd[32];
    /* The operator for one zero bit. */
    odd[0] = POLY;
    for (int i = 1; i < 32; i++)
        odd[i] = UINT32_C(1) << (i - 1);
    gf2_square(even, odd); /* two zero bits */
    gf2_square(odd, even); /* four zero bits */
    /* Squaring once more gives one zero byte; apply the squares that the bits of
     * bytes_b select. */
    do {
        gf2_square(even, odd);
        if (bytes_b & 1)
            crc_a = gf2_times(even, crc_a);
        bytes_b >>= 1;
        if (!bytes_b)
            break;
        gf2_square(odd, even);
        if (bytes_b & 1)
            crc_a = gf2_times(odd, crc_a);
        bytes_b >>= 1;
    } while (bytes_b);
    return crc_a ^ crc_b;
}
