/* textio.h — reading one rank's share of a text file and parsing edge and vertex lines.
 *
 * Not responsible for: moving edges between ranks or agreeing on errors across
 * ranks (the engine does both). Everything here is local to one process.
 */
#ifndef RV_IO_TEXTIO_H
#define RV_IO_TEXTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Opening input files ---------------------------------------------------- */

/* Opens @p path for reading and gives its size. Only regular files are accepted: a
 * directory, or a FIFO named by mistake, is refused at once rather than waited on.
 * On failure returns RV_EIO and writes "cannot open 'PATH': reason" to @p error. */
int rv__open_regular_file(const char *path, int *fd, uint64_t *size, char *error, size_t error_capacity);

/* ---- One rank's byte range of a file, as whole lines -------------------------- */

/* Part k of n of a file covers the lines that *start* in the byte range
 * [k*size/n, (k+1)*size/n): a range begins just after the first newline at or past
 * its start offset - 1 (so a line starting exactly at the offset is this part's;
 * part 0 begins at byte 0) and ends with the line that runs past its end offset.
 * Every line belongs to exactly one part, and no part needs to read more than its
 * range plus one line. A part may be empty (a file smaller than n bytes, or a range
 * inside one long line). Plain files only (no gzip). */
typedef struct rv__range_reader rv__range_reader;

/* Opens part @p part of @p n_parts of @p path. Blocks handed out by
 * rv__range_reader_next() hold at most @p block_bytes of text, unless their first
 * line is longer (then the block grows to hold it). On failure returns RV_EIO
 * ("cannot open 'PATH': reason"; also for a directory or other non-regular file),
 * RV_EINVAL for bad arguments (part outside [0, n_parts), block_bytes 0) or RV_ENOMEM,
 * and writes a one-line reason into @p error (which may be NULL). */
int rv__range_reader_open(const char *path, int part, int n_parts, size_t block_bytes,
                          rv__range_reader **out, char *error, size_t error_capacity);
/* The next block of whole lines of this part: *text points into the reader's buffer
 * and stays valid until the next call; *length is 0 at the end of the part. The last
 * line of a block always ends with '\n' (the reader supplies one at end of file).
 * RV_EIO on a read error (or a file that shrank), RV_ENOMEM when a line outgrows
 * memory; after an error the reader is only good for closing. */
int rv__range_reader_next(rv__range_reader *reader, const char **text, size_t *length,
                          char *error, size_t error_capacity);
/* Counts the lines of this part that rv__range_reader_next() has not returned yet,
 * without parsing them (used to number lines globally after an early stop). This
 * uses the part up: rv__range_reader_next() then reports the end. */
int rv__range_reader_count_remaining_lines(rv__range_reader *reader, uint64_t *n_lines,
                                           char *error, size_t error_capacity);
/* Bytes of this part in the file (for throughput reports). */
uint64_t rv__range_reader_part_bytes(const rv__range_reader *reader);
/* The CRC-32C and length of all the text rv__range_reader_next() handed out so far
 * (with the '\n' it supplies after a last line that lacks one). The parts of a file
 * follow each other, so combining their checksums in part order (rv__crc32c_combine)
 * gives the same value for any number of parts: a fingerprint of the input. */
void rv__range_reader_checksum(const rv__range_reader *reader, uint32_t *crc, uint64_t *bytes);
void rv__range_reader_close(rv__range_reader **reader);

/* ---- Parsing ------------------------------------------------------------------- */

/* A growable array of parsed edges (structure of arrays). weight is NULL unless
 * the list was initialised with_weights (it must then be parsed with a format that
 * keeps weights, and vice versa). */
typedef struct rv__edge_list {
    uint64_t *src;
    uint64_t *dst;
    double *weight;
    size_t n;
    size_t capacity;
    bool with_weights;
} rv__edge_list;

void rv__edge_list_init(rv__edge_list *list, bool with_weights);
void rv__edge_list_destroy(rv__edge_list *list);
/* Makes room for @p extra more edges; RV_ENOMEM on failure. */
int rv__edge_list_reserve(rv__edge_list *list, size_t extra);

/* A growable array of ids. */
typedef struct rv__id_list {
    uint64_t *id;
    size_t n;
    size_t capacity;
} rv__id_list;

void rv__id_list_init(rv__id_list *list);
void rv__id_list_destroy(rv__id_list *list);
int rv__id_list_push(rv__id_list *list, uint64_t id);

/* How edge lines look. */
typedef struct rv__edge_format {
    /* 0: plain edge list, the optional third column is the weight;
     * k > 0: property column k (1-based, after src and dst) is the weight;
     * -1: weights are not read. */
    int weight_column;
    /* How many property columns may follow src and dst (values below 1 mean 1; a
     * weight_column k > 0 raises it to at least k). More fields on a line is an error.
     * With k > 0, a line without property column k is an error; in the plain format a
     * line without a weight gets 1.0. */
    int max_property_columns;
    /* Refuse weights < 0 (NaN and +-inf are always refused when weights are read;
     * -0 passes). */
    bool nonnegative_weights;
    /* Store weights in the edge list (else they are only validated). Must equal the
     * list's with_weights. With weight_column -1 the stored weights are 1.0. */
    bool keep_weights;
} rv__edge_format;

/* Where and why parsing stopped. line is 1-based, counted from the start of the text
 * given to the parser; message is one line without file or line number, such as
 * "field 2 (target id): not a non-negative integer: 'abc'" (tokens are quoted, cut to
 * 32 characters, with bytes outside printable ASCII shown as \xNN). */
typedef struct rv__parse_error {
    uint64_t line;
    char message[160];
} rv__parse_error;

/* What a parse call saw, for checks that need all ranks (see the engine). The
 * parser adds to it: a line numbered i in the text is line summary->n_lines + i here
 * (n_lines as on entry), so a zeroed summary numbers lines from the text's start
 * and a summary carried across blocks numbers them from the first block's start. */
typedef struct rv__parse_summary {
    /* Lines of the text, comments and blanks included. Also after RV_EPARSE: the
     * bad line and the lines after it are counted (not parsed), so the caller can
     * number later blocks and parts without reading this one again. */
    uint64_t n_lines;
    /* Plain format (weight_column 0) only, 0 = none: the first line with a third
     * column, and the first without; each is set only while still 0. */
    uint64_t first_line_with_weight;
    uint64_t first_line_without_weight;
} rv__parse_summary;

/* Parses the whole lines in text[0, length) as edges: `src dst [props...]`, fields
 * separated by spaces or tabs, optional '\r' before '\n'; lines starting with '#'
 * or '%' (after optional blanks) and blank lines are skipped. Ids are decimal
 * integers in [0, 2^63 - 1]. In the plain format a line without a weight gets 1.0.
 * Appends to @p out and adds to @p summary. Returns RV_OK, RV_EPARSE (with @p error
 * set; edges before the bad line may have been appended) or RV_ENOMEM. */
int rv__parse_edges(const char *text, size_t length, const rv__edge_format *format,
                    rv__edge_list *out, rv__parse_summary *summary, rv__parse_error *error);

/* Parses vertex lines: the first field is an id; further fields are ignored.
 * Comments and blank lines as for edges. */
int rv__parse_vertices(const char *text, size_t length, rv__id_list *out,
                       rv__parse_summary *summary, rv__parse_error *error);

/* Parsed partition lines: the id and part of each, and its line number counted as
 * rv__parse_summary counts lines (from the first block's start). */
typedef struct rv__part_list {
    uint64_t *id;
    int32_t *part;
    uint64_t *line;
    size_t n;
    size_t capacity;
} rv__part_list;
void rv__part_list_destroy(rv__part_list *list);

/* Parses partition lines `id part` (two non-negative integers, part below @p n_parts
 * (at most 2^31), nothing else), with comments and blank lines as for edges. Appends
 * to @p out and adds to @p summary. Returns as rv__parse_edges() does; a part out of
 * range is RV_EPARSE. */
int rv__parse_parts(const char *text, size_t length, uint64_t n_parts, rv__part_list *out,
                    rv__parse_summary *summary, rv__parse_error *error);

/* Parses one decimal id at *p (digits only: no sign, no leading blanks; leading
 * zeros are fine), advancing *p past the digits; the caller checks what follows.
 * Returns false, leaving *p alone, when there is no digit or the value exceeds
 * 2^63 - 1. */
bool rv__scan_id(const char **p, const char *end, uint64_t *out);
/* Parses one decimal floating-point number at *p, advancing *p ("1", "-2.5e-3",
 * "inf", "infinity", "nan" in any case accepted syntactically; the caller decides
 * what is allowed). Consumes what strtod() would, except that hexadecimal and
 * "nan(...)" stop after the "0" or "nan". The result equals strtod()'s in the C
 * locale: '.' is the decimal point whatever LC_NUMERIC says. Returns false, leaving
 * *p alone, when no number starts at *p. */
bool rv__scan_double(const char **p, const char *end, double *out);

#endif /* RV_IO_TEXTIO_H */
