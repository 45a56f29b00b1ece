/* rmat.c — rv-rmat: writes an R-MAT graph (Graph500 parameters, scrambled ids) as a text edge list.
 *
 * Usage: rv-rmat SCALE EDGEFACTOR [--seed S] [--output FILE] [--quiet]
 *
 * Writes m = EDGEFACTOR * 2^SCALE lines `src dst\n`. Each edge picks one of the four
 * quadrants of the adjacency matrix SCALE times, with probabilities a = 0.57, b = 0.19,
 * c = 0.19, d = 0.05 (the Graph500 values), which gives the skewed, power-law-like
 * degree distribution benchmarks want.
 *
 * Raw R-MAT puts the high-degree vertices at small ids (quadrant a is the top-left
 * one), so ids would be correlated with degree and any partitioner or cache that
 * looks at id order would be flattered. Every id therefore goes through a bijective,
 * seed-keyed permutation of [0, 2^SCALE) (see scramble()) before it is written.
 *
 * Self-loops and duplicate edges are KEPT, as in the Graph500 generator: the
 * benchmark treats the list as a directed multigraph (parallel edges count twice in
 * the out-degree, a self-loop sends rank to its own vertex), and both rivulet and the
 * yardstick read it with exactly these semantics. Vertex ids that no edge names are
 * not part of the graph, so the graph usually has fewer than 2^SCALE vertices.
 *
 * Output is deterministic for a given (SCALE, EDGEFACTOR, seed) on every platform:
 * the generator uses only 64-bit integer arithmetic (no floating point, no libc rand).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- Random numbers: xoshiro256** seeded through splitmix64 ------------------------ */

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

typedef struct { uint64_t s[4]; } rng;

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* ---- The id permutation ------------------------------------------------------------ */

/* A bijection of [0, 2^bits): each round xors a key, multiplies by an odd constant
 * modulo 2^bits and xor-shifts right. Each step is invertible on bits-bit values
 * (xor: self-inverse; odd multiplier: has an inverse mod 2^bits; x ^ (x >> s) with
 * s >= 1: recoverable from the top bits down), so the composition is a permutation.
 * Multiplication carries low bits upward and the shift carries high bits downward, so
 * four rounds mix every input bit into every output bit. */
#define PERM_ROUNDS 4
typedef struct {
    uint64_t mask;
    unsigned shift;
    uint64_t key[PERM_ROUNDS];
    uint64_t mult[PERM_ROUNDS];
} permutation;

static void permutation_init(permutation *p, unsigned bits, uint64_t seed)
{
    p->mask = bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
    p->shift = (bits + 1) / 2; /* >= 1 whenever bits >= 1, which keeps the xorshift invertible */
    uint64_t state = seed ^ 0x5ca1ab1e0ddba11ULL; /* a stream distinct from the edge generator's */
    for (int r = 0; r < PERM_ROUNDS; r++) {
        p->key[r] = splitmix64(&state) & p->mask;
        p->mult[r] = splitmix64(&state) | 1; /* odd */
    }
}

static inline uint64_t scramble(const permutation *p, uint64_t x)
{
    for (int r = 0; r < PERM_ROUNDS; r++) {
        x ^= p->key[r];
        x = (x * p->mult[r]) & p->mask;
        x ^= x >> p->shift;
    }
    return x;
}

/* ---- Buffered output with our own integer formatting ------------------------------- */

#define OUT_CAPACITY (4u << 20)
typedef struct {
    int fd;
    char *buffer;
    size_t used;
    uint64_t total;
    const char *path;
} writer;

static void die(const char *fmt, const char *arg, int err)
{
    fprintf(stderr, "rv-rmat: ");
    fprintf(stderr, fmt, arg);
    if (err) fprintf(stderr, ": %s", strerror(err));
    fputc('\n', stderr);
    exit(1);
}

static void writer_flush(writer *w)
{
    size_t done = 0;
    while (done < w->used) {
        ssize_t k = write(w->fd, w->buffer + done, w->used - done);
        if (k < 0) {
            if (errno == EINTR) continue;
            die("cannot write %s", w->path, errno);
        }
        done += (size_t)k;
    }
    w->total += w->used;
    w->used = 0;
}

/* Appends the decimal digits of x; the caller guarantees 20 bytes of room. */
static inline void put_u64(writer *w, uint64_t x)
{
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + x % 10);
        x /= 10;
    } while (x);
    char *out = w->buffer + w->used;
    for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    w->used += (size_t)n;
}

/* ---- Command line ------------------------------------------------------------------ */

static void usage(FILE *to)
{
    fprintf(to, "usage: rv-rmat SCALE EDGEFACTOR [--seed S] [--output FILE] [--quiet]\n"
                "  writes EDGEFACTOR*2^SCALE lines 'src dst' (R-MAT a=0.57 b=0.19 c=0.19 d=0.05,\n"
                "  ids scrambled in [0, 2^SCALE), self-loops and duplicates kept) to FILE or stdout\n");
}

static bool parse_u64(const char *text, uint64_t *out)
{
    if (!text || !*text || *text == '-') return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end) return false;
    *out = (uint64_t)v;
    return true;
}

int main(int argc, char **argv)
{
    uint64_t scale = 0, edge_factor = 0, seed = 1;
    const char *output = NULL;
    bool quiet = false;
    int positional = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--seed") && i + 1 < argc) {
            if (!parse_u64(argv[++i], &seed)) die("bad --seed '%s'", argv[i], 0);
        } else if (!strcmp(a, "--output") && i + 1 < argc) {
            output = argv[++i];
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            quiet = true;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (a[0] == '-' && a[1]) {
            usage(stderr);
            die("unknown or incomplete option '%s'", a, 0);
        } else if (positional == 0) {
            if (!parse_u64(a, &scale) || scale < 1 || scale > 40) die("SCALE must be an integer in 1..40, not '%s'", a, 0);
            positional++;
        } else if (positional == 1) {
            if (!parse_u64(a, &edge_factor) || edge_factor < 1 || edge_factor > 1024)
                die("EDGEFACTOR must be an integer in 1..1024, not '%s'", a, 0);
            positional++;
        } else {
            usage(stderr);
            die("unexpected argument '%s'", a, 0);
        }
    }
    if (positional != 2) {
        usage(stderr);
        return 2;
    }

    const uint64_t n = UINT64_C(1) << scale;
    const uint64_t m = edge_factor * n;

    writer w = {.fd = STDOUT_FILENO, .path = "standard output"};
    if (output && strcmp(output, "-")) {
        w.fd = open(output, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (w.fd < 0) die("cannot open %s", output, errno);
        w.path = output;
    }
    w.buffer = malloc(OUT_CAPACITY);
    if (!w.buffer) die("out of memory%s", "", 0);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    /* Quadrant thresholds as 32-bit fixed point; each level uses 32 random bits. With
     * u uniform in [0, 2^32): u < A -> a (0,0); u < AB -> b (0,1); u < ABC -> c (1,0);
     * else d (1,1). So the source bit is u >= AB and the destination bit is
     * (A <= u < AB) or u >= ABC; computing them as comparisons avoids a branch per level. */
    const uint64_t ONE = UINT64_C(1) << 32;
    const uint32_t A = (uint32_t)(ONE * 57 / 100);
    const uint32_t AB = (uint32_t)(ONE * (57 + 19) / 100);
    const uint32_t ABC = (uint32_t)(ONE * (57 + 19 + 19) / 100);

    rng r;
    uint64_t state = seed;
    for (int i = 0; i < 4; i++) r.s[i] = splitmix64(&state);
    permutation perm;
    permutation_init(&perm, (unsigned)scale, seed);

    uint64_t self_loops = 0;
    for (uint64_t e = 0; e < m; e++) {
        uint64_t src = 0, dst = 0, bits = 0;
        for (uint64_t level = 0; level < scale; level++) {
            /* One 64-bit draw serves two levels. */
            if ((level & 1) == 0) bits = rng_next(&r);
            uint32_t u = (uint32_t)bits;
            bits >>= 32;
            uint64_t s = u >= AB;
            uint64_t d = (u >= A && u < AB) | (u >= ABC);
            src = (src << 1) | s;
            dst = (dst << 1) | d;
        }
        src = scramble(&perm, src);
        dst = scramble(&perm, dst);
        self_loops += src == dst;
        if (w.used > OUT_CAPACITY - 48) writer_flush(&w);
        put_u64(&w, src);
        w.buffer[w.used++] = ' ';
        put_u64(&w, dst);
        w.buffer[w.used++] = '\n';
    }
    writer_flush(&w);
    if (w.fd != STDOUT_FILENO && close(w.fd) != 0) die("cannot close %s", output, errno);
    free(w.buffer);

    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    if (!quiet)
        fprintf(stderr,
                "rv-rmat: scale=%" PRIu64 " edgefactor=%" PRIu64 " seed=%" PRIu64 " edges=%" PRIu64
                " self_loops=%" PRIu64 " bytes=%" PRIu64 " seconds=%.3f\n",
                scale, edge_factor, seed, m, self_loops, w.total, seconds);
    return 0;
}
