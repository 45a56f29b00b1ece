/* format.c — printing numbers for output: doubles in their shortest round-trip form, 64-bit integers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rivulet.h"

size_t rv_format_double(double x, char *buffer, size_t capacity)
{
    if (isinf(x))
        return (size_t)snprintf(buffer, capacity, "%s", x > 0 ? "infinity" : "-infinity");
    if (isnan(x))
        return (size_t)snprintf(buffer, capacity, "nan");
    /* The shortest of 15, 16 or 17 significant digits that reads back exactly: 17
     * always does, and fewer digits are friendlier when they suffice. */
    int length = 0;
    for (int digits = 15; digits <= 17; digits++) {
        length = snprintf(buffer, capacity, "%.*g", digits, x);
        if (digits == 17 || strtod(buffer, NULL) == x)
            break;
    }
    return (size_t)length;
}

size_t rv_format_int64(int64_t x, char *buffer, size_t capacity)
{
    char digits[24];
    size_t n = 0;
    /* Work in unsigned so that INT64_MIN has a magnitude. */
    uint64_t magnitude = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
    do {
        digits[n++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude);
    size_t length = n + (x < 0);
    if (length + 1 > capacity)
        return (size_t)snprintf(buffer, capacity, "%lld", (long long)x);
    size_t at = 0;
    if (x < 0)
        buffer[at++] = '-';
    while (n)
        buffer[at++] = digits[--n];
    buffer[at] = '\0';
    return length;
}

size_t rv_format_double_value(const void *value, char *buffer, size_t capacity, void *user)
{
    (void)user;
    double x;
    memcpy(&x, value, sizeof x);
    return rv_format_double(x, buffer, capacity);
}

size_t rv_format_int64_value(const void *value, char *buffer, size_t capacity, void *user)
{
    (void)user;
    int64_t x;
    memcpy(&x, value, sizeof x);
    return rv_format_int64(x, buffer, capacity);
}
