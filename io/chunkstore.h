/* chunkstore.h — the local half of the chunk store: where replicas live, durable writes, verified reads, manifests, finding and removing checkpoints.
 *
 * A checkpoint of superstep S is a set of files (one per rank of the job that wrote
 * it: that rank's state), each cut into chunks. Every chunk carries a CRC-32C and has
 * R replicas, each in the *storage directory* of a different rank. A manifest lists
 * the files, the chunks, their checksums and the ranks holding their replicas, plus
 * attributes the writer attaches (the chunk store keeps them but does not read them).
 * A checkpoint exists once one copy of its manifest exists: manifests are written
 * last, by write-to-temporary, fsync, rename and directory fsync, after every chunk
 * is durable.
 *
 * On disk, with STORAGE the storage directory of a rank:
 *     STORAGE/ckpt-SSSSSSSSSSSS.manifest      a copy of the manifest of superstep S
 *     STORAGE/ckpt-SSSSSSSSSSSS/fF-cK         a replica of chunk K of file F
 * STORAGE comes from the directory pattern the user gives: %r is the rank, %h the
 * host name; a pattern without %r gets "/rank-%r" appended, so ranks never share a
 * storage directory.
 *
 * Not responsible for: choosing replica ranks, moving replicas between ranks, or
 * agreeing on errors (the engine's checkpoint code does that). Nothing here uses MPI:
 * `rivulet store` calls it directly, without mpirun.
 */
#ifndef RV_IO_CHUNKSTORE_H
#define RV_IO_CHUNKSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most replicas one chunk can have. */
enum { RV__STORE_MAX_REPLICAS = 16 };
/* Room for any path the store builds; patterns that could exceed it are refused. */
enum { RV__STORE_PATH_MAX = 4096 };

/* ---- Storage directories ------------------------------------------------------- */

/* A directory pattern made ready for use: absolute, with "/rank-%r" appended when the
 * user's pattern has no %r. */
typedef struct rv__store_pattern {
    char *text;
} rv__store_pattern;

/* Checks @p dir (only %r, %h and %% may follow a '%') and prepares it. RV_EINVAL or
 * RV_ENOMEM with one line in @p error. */
int rv__store_pattern_init(rv__store_pattern *pattern, const char *dir, char *error, size_t error_capacity);
void rv__store_pattern_destroy(rv__store_pattern *pattern);

/* The storage directory of @p rank on @p host into @p out (RV__STORE_PATH_MAX bytes).
 * A '/' in the host name becomes '_'. RV_ELIMIT when the path is too long. */
int rv__store_storage_dir(const rv__store_pattern *pattern, int rank, const char *host, char *out);

/* Paths inside a storage directory, into @p out (RV__STORE_PATH_MAX bytes). */
int rv__store_checkpoint_dir(const char *storage, uint64_t superstep, char *out);
int rv__store_manifest_path(const char *storage, uint64_t superstep, char *out);
int rv__store_replica_path(const char *storage, uint64_t superstep, uint32_t file, uint32_t chunk, char *out);

/* ---- Durable writes --------------------------------------------------------------- */

/* Creates @p path and its missing parents (mode 0755), syncing each parent that got a
 * new entry, so the directories survive a crash. RV_EIO with a reason in @p error. */
int rv__store_mkdirs(const char *path, char *error, size_t error_capacity);
/* Makes the entries of directory @p path durable. */
int rv__store_fsync_dir(const char *path, char *error, size_t error_capacity);
/* Writes @p bytes of @p data to @p path in large writes and fsyncs it. With @p atomic
 * the data goes to PATH.tmp first, which is then renamed over @p path and the
 * directory synced: a reader sees the old file or the whole new one, never a part. */
int rv__store_write_file(const char *path, const void *data, size_t bytes, bool atomic, char *error,
                         size_t error_capacity);
/* Reads the whole of a small file (a manifest) into a new NUL-terminated buffer. */
int rv__store_read_file(const char *path, char **data, size_t *bytes, char *error, size_t error_capacity);

/* ---- Manifests ---------------------------------------------------------------------- */

/* One chunk: bytes [offset, offset + bytes) of file @c file. */
typedef struct rv__store_chunk {
    uint32_t file;
    uint32_t index;
    uint64_t offset;
    uint64_t bytes;
    uint32_t crc;
    uint32_t n_replicas;
    int32_t replica[RV__STORE_MAX_REPLICAS]; /* ranks whose storage holds a copy, preferred first */
} rv__store_chunk;

/* What a manifest says. The text form is one item per line ("superstep 10", "host 2
 * node-b", "chunk 1 0 offset 0 bytes 4096 crc32c 89abcdef replicas 1 2 0", "attr
 * program pagerank"), ending with "end crc32c XXXXXXXX" over everything before it,
 * so a torn or damaged copy is recognised and another copy used. */
typedef struct rv__manifest {
    uint64_t superstep;
    int64_t unix_time;      /* when it was committed */
    int n_ranks;            /* ranks of the job that wrote it */
    int replicas;           /* replicas wanted per chunk */
    uint64_t chunk_bytes;
    char **hosts;           /* [n_ranks] host of each rank */
    uint32_t n_files;
    uint64_t *file_bytes;   /* [n_files] */
    rv__store_chunk *chunks; /* sorted by file, then index */
    size_t n_chunks;
    char **keys, **values;  /* attributes, in the order set */
    size_t n_attributes;
} rv__manifest;

/* Starts an empty manifest for @p n_ranks ranks and @p n_files files. RV_ENOMEM. */
int rv__manifest_init(rv__manifest *m, int n_ranks, uint32_t n_files);
void rv__manifest_destroy(rv__manifest *m);
/* Sets the host of rank @p rank, or attribute @p key (a word without blanks); the
 * value is copied, with line breaks turned into spaces. RV_ENOMEM. */
int rv__manifest_set_host(rv__manifest *m, int rank, const char *host);
int rv__manifest_set(rv__manifest *m, const char *key, const char *value);
/* The value of attribute @p key, or NULL. */
const char *rv__manifest_get(const rv__manifest *m, const char *key);
/* The manifest as text, in a new buffer. RV_ENOMEM. */
int rv__manifest_format(const rv__manifest *m, char **text, size_t *length);
/* Parses and checks a manifest's text (its closing checksum, and that every chunk of
 * every file is there, in order, with replicas on ranks that exist). RV_EPARSE with
 * one line in @p error. */
int rv__manifest_parse(const char *text, size_t length, rv__manifest *out, char *error, size_t error_capacity);
/* Reads and parses the manifest file @p path; @p text (may be NULL) receives the
 * file's text, for copying it elsewhere verbatim. */
int rv__manifest_load(const char *path, rv__manifest *out, char **text, size_t *length, char *error,
                      size_t error_capacity);

/* ---- Replicas ------------------------------------------------------------------------ */

typedef enum {
    RV__REPLICA_OK,
    RV__REPLICA_MISSING,    /* no file (or no storage directory) */
    RV__REPLICA_WRONG_SIZE, /* the file is shorter or longer than the chunk */
    RV__REPLICA_CORRUPT,    /* the right size, the wrong checksum */
    RV__REPLICA_UNREADABLE  /* an I/O error */
} rv__replica_state;

/* "missing", "truncated or too long", "corrupt", "unreadable". */
const char *rv__replica_state_name(rv__replica_state state);

/* Reads the replica of @p chunk at @p path into @p out (chunk->bytes bytes) and
 * verifies its size and checksum. Anything but RV__REPLICA_OK comes with a reason in
 * @p why. */
rv__replica_state rv__store_read_replica(const char *path, const rv__store_chunk *chunk, void *out, char *why,
                                         size_t why_capacity);
/* Checks a replica without keeping it: with @p verify_checksum it is read and
 * checksummed (in pieces, so any size works), else only its size is checked. */
rv__replica_state rv__store_check_replica(const char *path, const rv__store_chunk *chunk, bool verify_checksum,
                                          char *why, size_t why_capacity);

/* ---- Finding and removing checkpoints ---------------------------------------------- */

/* Calls @p visit for every storage directory that matches @p pattern, %r and %h acting
 * as wildcards (and so also finds the storage of ranks a later job no longer has).
 * Stops early if @p visit returns non-zero and returns that value. */
int rv__store_find_storage(const rv__store_pattern *pattern, int (*visit)(const char *storage, void *arg),
                           void *arg);
/* Calls @p visit for each checkpoint entry of one storage directory: a checkpoint
 * directory (is_manifest false) or a manifest copy (true), with its superstep. A
 * missing directory has no entries. */
int rv__store_scan_storage(const char *storage, void (*visit)(uint64_t superstep, bool is_manifest, void *arg),
                           void *arg);
/* One manifest copy: its checkpoint's superstep and the storage directory holding it. */
typedef struct rv__manifest_copy {
    uint64_t superstep;
    char *storage;
} rv__manifest_copy;
/* Every manifest copy under @p pattern (storage of any rank or host), newest first.
 * RV_OK, or RV_ENOMEM with nothing to release. Release with
 * rv__store_manifest_copies_free(). */
int rv__store_list_manifests(const rv__store_pattern *pattern, rv__manifest_copy **out, size_t *n);
void rv__store_manifest_copies_free(rv__manifest_copy *copies, size_t n);
/* Removes checkpoint @p superstep from @p storage: the manifest copy first (so a crash
 * half-way leaves no manifest naming missing chunks), then the replicas and their
 * directory. What is already gone is not an error. */
int rv__store_remove_checkpoint(const char *storage, uint64_t superstep, char *error, size_t error_capacity);

#endif /* RV_IO_CHUNKSTORE_H */
