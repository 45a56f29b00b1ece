/* test_chunkstore.c — unit tests of the chunk store's local half: CRC-32C, directory patterns, durable writes, replicas, manifests, and the rv_store_* administration (no MPI). */
#define _GNU_SOURCE

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/chunkstore.h"
#include "io/crc32c.h"
#include "rivulet.h"
#include "suite.h"

static char tmpdir[] = "/tmp/rv-test-chunkstore-XXXXXX";

/* ---- CRC-32C ------------------------------------------------------------------------ */

static void test_crc_known_vectors(void)
{
    /* RFC 3720 (iSCSI), appendix B.4, and the usual check value. */
    unsigned char zeros[32] = {0}, ones[32], ascending[32], descending[32];
    memset(ones, 0xff, sizeof ones);
    for (int i = 0; i < 32; i++) {
        ascending[i] = (unsigned char)i;
        descending[i] = (unsigned char)(31 - i);
    }
    CU_ASSERT_EQUAL(rv__crc32c(0, "123456789", 9), 0xE3069283u);
    CU_ASSERT_EQUAL(rv__crc32c(0, zeros, 32), 0x8A9136AAu);
    CU_ASSERT_EQUAL(rv__crc32c(0, ones, 32), 0x62A8AB43u);
    CU_ASSERT_EQUAL(rv__crc32c(0, ascending, 32), 0x46DD794Eu);
    CU_ASSERT_EQUAL(rv__crc32c(0, descending, 32), 0x113FDB5Cu);
    CU_ASSERT_EQUAL(rv__crc32c(0, "", 0), 0u);
}

/* Chaining and combining agree with one pass, at every split point and alignment. */
static void test_crc_chain_and_combine(void)
{
    enum { N = 1000 };
    unsigned char data[N + 8];
    for (int i = 0; i < N + 8; i++)
        data[i] = (unsigned char)(i * 131 + 7);
    for (int offset = 0; offset < 8; offset++) {
        uint32_t whole = rv__crc32c(0, data + offset, N);
        for (int cut = 0; cut <= N; cut += 37) {
            uint32_t a = rv__crc32c(0, data + offset, (size_t)cut);
            uint32_t b = rv__crc32c(0, data + offset + cut, (size_t)(N - cut));
            CU_ASSERT_EQUAL(rv__crc32c(a, data + offset + cut, (size_t)(N - cut)), whole);
            CU_ASSERT_EQUAL(rv__crc32c_combine(a, b, (uint64_t)(N - cut)), whole);
        }
    }
    /* Combining three parts in order, as the load does with its ranks' parts. */
    uint32_t c = 0;
    c = rv__crc32c_combine(c, rv__crc32c(0, data, 10), 10);
    c = rv__crc32c_combine(c, rv__crc32c(0, data + 10, 0), 0);
    c = rv__crc32c_combine(c, rv__crc32c(0, data + 10, 990), 990);
    CU_ASSERT_EQUAL(c, rv__crc32c(0, data, 1000));
}

/* ---- Patterns and paths -------------------------------------------------------------- */

static void test_patterns(void)
{
    rv__store_pattern p;
    char out[RV__STORE_PATH_MAX], error[256];
    CU_ASSERT_EQUAL(rv__store_pattern_init(&p, "/d/%h/x-%r", error, sizeof error), RV_OK);
    CU_ASSERT_EQUAL(rv__store_storage_dir(&p, 3, "node/7", out), RV_OK);
    CU_ASSERT_STRING_EQUAL(out, "/d/node_7/x-3");
    rv__store_pattern_destroy(&p);

    /* Without %r every rank gets its own subdirectory; %% is a percent sign. */
    CU_ASSERT_EQUAL(rv__store_pattern_init(&p, "/d/100%%", error, sizeof error), RV_OK);
    CU_ASSERT_EQUAL(rv__store_storage_dir(&p, 12, "h", out), RV_OK);
    CU_ASSERT_STRING_EQUAL(out, "/d/100%/rank-12");
    rv__store_pattern_destroy(&p);

    /* Relative patterns are made absolute, so a later `cd` changes nothing. */
    char cwd[RV__STORE_PATH_MAX], expected[RV__STORE_PATH_MAX + 32];
    CU_ASSERT_PTR_NOT_NULL(getcwd(cwd, sizeof cwd));
    snprintf(expected, sizeof expected, "%s/ck/rank-0", cwd);
    CU_ASSERT_EQUAL(rv__store_pattern_init(&p, "ck", error, sizeof error), RV_OK);
    CU_ASSERT_EQUAL(rv__store_storage_dir(&p, 0, "h", out), RV_OK);
    CU_ASSERT_STRING_EQUAL(out, expected);
    rv__store_pattern_destroy(&p);

    CU_ASSERT_EQUAL(rv__store_pattern_init(&p, "/d/%x", error, sizeof error), RV_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(error, "%x"));
    CU_ASSERT_EQUAL(rv__store_pattern_init(&p, "", error, sizeof error), RV_EINVAL);

    CU_ASSERT_EQUAL(rv__store_replica_path("/s", 42, 3, 7, out), RV_OK);
    CU_ASSERT_STRING_EQUAL(out, "/s/ckpt-000000000042/f3-c7");
    CU_ASSERT_EQUAL(rv__store_manifest_path("/s", 42, out), RV_OK);
    CU_ASSERT_STRING_EQUAL(out, "/s/ckpt-000000000042.manifest");
}

/* ---- Replicas -------------------------------------------------------------------------- */

static void test_replica_states(void)
{
    char dir[512], path[600], why[256];
    snprintf(dir, sizeof dir, "%s/replicas/a/b", tmpdir);
    CU_ASSERT_EQUAL(rv__store_mkdirs(dir, why, sizeof why), RV_OK);
    CU_ASSERT_EQUAL(rv__store_mkdirs(dir, why, sizeof why), RV_OK); /* existing is fine */
    snprintf(path, sizeof path, "%s/chunk", dir);
    unsigned char data[5000], back[5000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i ^ (i >> 8));
    rv__store_chunk c = {.bytes = sizeof data, .crc = rv__crc32c(0, data, sizeof data)};
    CU_ASSERT_EQUAL(rv__store_write_file(path, data, sizeof data, true, why, sizeof why), RV_OK);
    char temporary[700];
    snprintf(temporary, sizeof temporary, "%s.tmp", path);
    CU_ASSERT_EQUAL(access(temporary, F_OK), -1); /* renamed away */
    CU_ASSERT_EQUAL(rv__store_read_replica(path, &c, back, why, sizeof why), RV__REPLICA_OK);
    CU_ASSERT_EQUAL(memcmp(back, data, sizeof data), 0);
    CU_ASSERT_EQUAL(rv__store_check_replica(path, &c, true, why, sizeof why), RV__REPLICA_OK);

    /* One flipped bit is a checksum mismatch; a size check alone does not see it. */
    data[4000] ^= 4;
    CU_ASSERT_EQUAL(rv__store_write_file(path, data, sizeof data, false, why, sizeof why), RV_OK);
    CU_ASSERT_EQUAL(rv__store_read_replica(path, &c, back, why, sizeof why), RV__REPLICA_CORRUPT);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "checksum"));
    CU_ASSERT_EQUAL(rv__store_check_replica(path, &c, true, why, sizeof why), RV__REPLICA_CORRUPT);
    CU_ASSERT_EQUAL(rv__store_check_replica(path, &c, false, why, sizeof why), RV__REPLICA_OK);

    CU_ASSERT_EQUAL(rv__store_write_file(path, data, 100, false, why, sizeof why), RV_OK);
    CU_ASSERT_EQUAL(rv__store_check_replica(path, &c, false, why, sizeof why), RV__REPLICA_WRONG_SIZE);
    unlink(path);
    CU_ASSERT_EQUAL(rv__store_read_replica(path, &c, back, why, sizeof why), RV__REPLICA_MISSING);
    snprintf(path, sizeof path, "%s/no-such-dir/chunk", dir);
    CU_ASSERT_EQUAL(rv__store_check_replica(path, &c, true, why, sizeof why), RV__REPLICA_MISSING);
}

/* ---- Manifests ------------------------------------------------------------------------- */

/* A manifest of 2 ranks, 2 files: file 0 in chunks of 4 KiB (3 chunks), file 1 one chunk. */
static void make_manifest(rv__manifest *m)
{
    CU_ASSERT_EQUAL_FATAL(rv__manifest_init(m, 2, 2), RV_OK);
    m->superstep = 12;
    m->unix_time = 1700000000;
    m->replicas = 2;
    m->chunk_bytes = 4096;
    rv__manifest_set_host(m, 0, "node a");
    rv__manifest_set_host(m, 1, "node-b");
    m->file_bytes[0] = 10000;
    m->file_bytes[1] = 17;
    m->chunks = calloc(4, sizeof *m->chunks);
    for (uint32_t k = 0; k < 3; k++)
        m->chunks[k] = (rv__store_chunk){.file = 0, .index = k, .offset = 4096u * k,
                                         .bytes = k < 2 ? 4096 : 10000 - 8192, .crc = 0x1000u + k,
                                         .n_replicas = 2, .replica = {0, 1}};
    m->chunks[3] = (rv__store_chunk){.file = 1, .index = 0, .bytes = 17, .crc = 0xdeadbeef, .n_replicas = 2,
                                     .replica = {1, 0}};
    m->n_chunks = 4;
    rv__manifest_set(m, "program", "pagerank");
    rv__manifest_set(m, "parameters", "iterations=20\ndamping=0.85"); /* a line break becomes a space */
    rv__manifest_set(m, "program", "sssp");                          /* setting again replaces */
}

static void test_manifest_round_trip(void)
{
    rv__manifest m, back;
    char *text = NULL, *again = NULL, error[256];
    size_t length = 0, length_again = 0;
    make_manifest(&m);
    CU_ASSERT_EQUAL_FATAL(rv__manifest_format(&m, &text, &length), RV_OK);
    CU_ASSERT_EQUAL_FATAL(rv__manifest_parse(text, length, &back, error, sizeof error), RV_OK);
    CU_ASSERT_EQUAL(back.superstep, 12);
    CU_ASSERT_EQUAL(back.unix_time, 1700000000);
    CU_ASSERT_EQUAL(back.n_ranks, 2);
    CU_ASSERT_EQUAL(back.n_chunks, 4);
    CU_ASSERT_STRING_EQUAL(back.hosts[0], "node_a");
    CU_ASSERT_STRING_EQUAL(rv__manifest_get(&back, "program"), "sssp");
    CU_ASSERT_STRING_EQUAL(rv__manifest_get(&back, "parameters"), "iterations=20 damping=0.85");
    CU_ASSERT_PTR_NULL(rv__manifest_get(&back, "nothing"));
    CU_ASSERT_EQUAL(back.chunks[2].bytes, 10000 - 8192);
    CU_ASSERT_EQUAL(back.chunks[3].crc, 0xdeadbeefu);
    CU_ASSERT_EQUAL(back.chunks[3].replica[0], 1);
    /* The text form is canonical: formatting what was parsed gives the same bytes. */
    CU_ASSERT_EQUAL(rv__manifest_format(&back, &again, &length_again), RV_OK);
    CU_ASSERT_EQUAL(length_again, length);
    CU_ASSERT(again && memcmp(again, text, length) == 0);
    rv__manifest_destroy(&back);
    free(again);

    /* Any damage is caught: a flipped byte, a cut-off end, a missing line. */
    for (size_t i = 0; i < length - 1; i += 7) {
        char *bad = strdup(text);
        bad[i] ^= 1;
        CU_ASSERT_NOT_EQUAL(rv__manifest_parse(bad, length, &back, error, sizeof error), RV_OK);
        free(bad);
    }
    CU_ASSERT_EQUAL(rv__manifest_parse(text, length / 2, &back, error, sizeof error), RV_EPARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(error, "incomplete"));
    free(text);

    /* A manifest that lacks a chunk fails even with a right checksum. */
    m.n_chunks = 3;
    CU_ASSERT_EQUAL(rv__manifest_format(&m, &text, &length), RV_OK);
    CU_ASSERT_EQUAL(rv__manifest_parse(text, length, &back, error, sizeof error), RV_EPARSE);
    free(text);
    rv__manifest_destroy(&m);
}

/* ---- The store as `rivulet store` sees it ------------------------------------------- */

/* Writes a committed checkpoint of 2 ranks whose replicas hold real data. */
static void write_checkpoint(const char *pattern_text, uint64_t superstep)
{
    rv__store_pattern p;
    char error[256], storage[RV__STORE_PATH_MAX], path[RV__STORE_PATH_MAX];
    CU_ASSERT_EQUAL_FATAL(rv__store_pattern_init(&p, pattern_text, error, sizeof error), RV_OK);
    rv__manifest m;
    CU_ASSERT_EQUAL_FATAL(rv__manifest_init(&m, 2, 2), RV_OK);
    m.superstep = superstep;
    m.replicas = 2;
    m.chunk_bytes = 4096;
    rv__manifest_set_host(&m, 0, "h0");
    rv__manifest_set_host(&m, 1, "h1");
    rv__manifest_set(&m, "program", "test");
    m.chunks = calloc(2, sizeof *m.chunks);
    m.n_chunks = 2;
    unsigned char data[2][3000];
    for (uint32_t f = 0; f < 2; f++) {
        memset(data[f], (int)(f + superstep), sizeof data[f]);
        m.file_bytes[f] = sizeof data[f];
        m.chunks[f] = (rv__store_chunk){.file = f, .bytes = sizeof data[f], .crc = rv__crc32c(0, data[f], 3000),
                                        .n_replicas = 2, .replica = {(int32_t)f, (int32_t)(1 - f)}};
    }
    char *text;
    size_t length;
    CU_ASSERT_EQUAL_FATAL(rv__manifest_format(&m, &text, &length), RV_OK);
    for (int t = 0; t < 2; t++) {
        char directory[RV__STORE_PATH_MAX];
        rv__store_storage_dir(&p, t, m.hosts[t], storage);
        rv__store_checkpoint_dir(storage, superstep, directory);
        CU_ASSERT_EQUAL(rv__store_mkdirs(directory, error, sizeof error), RV_OK);
        for (uint32_t f = 0; f < 2; f++) {
            rv__store_replica_path(storage, superstep, f, 0, path);
            CU_ASSERT_EQUAL(rv__store_write_file(path, data[f], 3000, false, error, sizeof error), RV_OK);
        }
        rv__store_manifest_path(storage, superstep, path);
        CU_ASSERT_EQUAL(rv__store_write_file(path, text, length, true, error, sizeof error), RV_OK);
    }
    free(text);
    rv__manifest_destroy(&m);
    rv__store_pattern_destroy(&p);
}

static int n_lines;
static void count_line(const char *line, void *arg)
{
    (void)line;
    (void)arg;
    n_lines++;
}

static void test_store_check_repair_and_remove(void)
{
    char pattern[600], error[256], path[700];
    snprintf(pattern, sizeof pattern, "%s/store/%%h/disk-%%r", tmpdir);
    write_checkpoint(pattern, 4);
    write_checkpoint(pattern, 8);
    write_checkpoint(pattern, 6);
    /* An attempt that never committed: a directory without a manifest. */
    snprintf(path, sizeof path, "%s/store/h0/disk-0/ckpt-000000000005", tmpdir);
    CU_ASSERT_EQUAL(rv__store_mkdirs(path, error, sizeof error), RV_OK);

    rv_store *store = NULL;
    CU_ASSERT_EQUAL_FATAL(rv_store_open(pattern, &store, error, sizeof error), RV_OK);
    CU_ASSERT_EQUAL_FATAL(rv_store_count(store), 3);
    CU_ASSERT_EQUAL(rv_store_get(store, 0)->superstep, 8); /* newest first */
    CU_ASSERT_EQUAL(rv_store_get(store, 2)->superstep, 4);
    CU_ASSERT_EQUAL(rv_store_get(store, 0)->manifest_copies, 2);
    CU_ASSERT_EQUAL(rv_store_get(store, 0)->bytes, 6000);
    CU_ASSERT_STRING_EQUAL(rv_store_get(store, 0)->program, "test");

    rv_store_health h;
    CU_ASSERT_EQUAL(rv_store_check(store, 0, RV_STORE_VERIFY, &h, NULL, NULL), RV_OK);
    CU_ASSERT_EQUAL(h.replicas_expected, 4);
    CU_ASSERT_EQUAL(h.replicas_ok, 4);

    /* Damage superstep 8: corrupt one replica (same size), remove rank 1's storage. */
    snprintf(path, sizeof path, "%s/store/h0/disk-0/ckpt-000000000008/f0-c0", tmpdir);
    FILE *f = fopen(path, "r+b");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fseek(f, 1234, SEEK_SET);
    fputc(0x55, f);
    fclose(f);
    char command[800];
    snprintf(command, sizeof command, "rm -rf '%s/store/h1'", tmpdir);
    CU_ASSERT_EQUAL(system(command), 0);
    CU_ASSERT_EQUAL(rv_store_check(store, 0, 0, &h, NULL, NULL), RV_OK); /* sizes only: misses the corruption */
    CU_ASSERT_EQUAL(h.replicas_missing, 2);
    CU_ASSERT_EQUAL(h.replicas_damaged, 0);
    n_lines = 0;
    CU_ASSERT_EQUAL(rv_store_check(store, 0, RV_STORE_VERIFY, &h, count_line, NULL), RV_OK);
    CU_ASSERT_EQUAL(h.replicas_missing, 2);
    CU_ASSERT_EQUAL(h.replicas_damaged, 1);
    CU_ASSERT_EQUAL(h.chunks_lost, 1);     /* file 0: rank 0's copy corrupt, rank 1's gone */
    CU_ASSERT_EQUAL(h.chunks_degraded, 1); /* file 1: rank 0's copy intact */
    CU_ASSERT_EQUAL(h.manifests_missing, 1);
    CU_ASSERT(n_lines >= 5);

    /* Repair re-creates what an intact copy exists for, and the manifest copy. */
    CU_ASSERT_EQUAL(rv_store_check(store, 0, RV_STORE_VERIFY | RV_STORE_REPAIR, &h, NULL, NULL), RV_OK);
    CU_ASSERT_EQUAL(h.replicas_repaired, 1);
    CU_ASSERT_EQUAL(rv_store_check(store, 0, RV_STORE_VERIFY, &h, NULL, NULL), RV_OK);
    CU_ASSERT_EQUAL(h.chunks_degraded, 0);
    CU_ASSERT_EQUAL(h.chunks_lost, 1);
    CU_ASSERT_EQUAL(h.manifests_missing, 0);

    /* Keep the newest 2: superstep 4 goes, and the uncommitted 5 (older than 8). */
    CU_ASSERT_EQUAL(rv_store_remove_old(store, 0, NULL, NULL), RV_EINVAL);
    CU_ASSERT_EQUAL(rv_store_remove_old(store, 2, NULL, NULL), RV_OK);
    CU_ASSERT_EQUAL(rv_store_count(store), 2);
    snprintf(path, sizeof path, "%s/store/h0/disk-0/ckpt-000000000005", tmpdir);
    CU_ASSERT_EQUAL(access(path, F_OK), -1);
    snprintf(path, sizeof path, "%s/store/h0/disk-0/ckpt-000000000004.manifest", tmpdir);
    CU_ASSERT_EQUAL(access(path, F_OK), -1);
    snprintf(path, sizeof path, "%s/store/h0/disk-0/ckpt-000000000006.manifest", tmpdir);
    CU_ASSERT_EQUAL(access(path, F_OK), 0);
    rv_store_free(&store);
    CU_ASSERT_PTR_NULL(store);
    CU_ASSERT_EQUAL(rv_store_open(pattern, &store, error, sizeof error), RV_OK);
    CU_ASSERT_EQUAL(rv_store_count(store), 2);
    rv_store_free(&store);

    /* A pattern that matches nothing is an empty store, not an error. */
    snprintf(pattern, sizeof pattern, "%s/nothing-here", tmpdir);
    CU_ASSERT_EQUAL(rv_store_open(pattern, &store, error, sizeof error), RV_OK);
    CU_ASSERT_EQUAL(rv_store_count(store), 0);
    rv_store_free(&store);
}

int main(void)
{
    static const rv_test_case tests[] = {
        {"crc32c: known vectors", test_crc_known_vectors},
        {"crc32c: chaining and combining", test_crc_chain_and_combine},
        {"storage patterns and paths", test_patterns},
        {"replicas: write, read, verify", test_replica_states},
        {"manifest: round trip and damage", test_manifest_round_trip},
        {"store: check, repair, remove old", test_store_check_repair_and_remove},
    };
    return rv_test_run_table_in(tmpdir, "chunkstore", tests, sizeof tests / sizeof *tests);
}
