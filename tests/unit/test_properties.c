/* test_properties.c — unit tests of rv_properties_load/get/free (io/properties.c). */
#define _POSIX_C_SOURCE 200809L

#include "rivulet.h"
#include "suite.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct temp_file {
    char dir[64];
    char path[96];
} temp_file;

/* Writes @p text to a file "p" in a new temporary directory. */
static void temp_file_write(temp_file *file, const char *text, size_t length)
{
    snprintf(file->dir, sizeof file->dir, "/tmp/rv_test_properties_XXXXXX");
    CU_ASSERT_FATAL(mkdtemp(file->dir) != NULL);
    snprintf(file->path, sizeof file->path, "%s/p", file->dir);
    FILE *f = fopen(file->path, "wb");
    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT_FATAL(length == 0 || fwrite(text, 1, length, f) == length);
    CU_ASSERT_FATAL(fclose(f) == 0);
}

static void temp_file_remove(temp_file *file)
{
    CU_ASSERT(unlink(file->path) == 0);
    CU_ASSERT(rmdir(file->dir) == 0);
}

/* Loads @p text as a properties file; returns the status, error text in @p error. */
static int load_text(const char *text, rv_properties **out, char *error, size_t capacity, temp_file *file)
{
    temp_file_write(file, text, strlen(text));
    int status = rv_properties_load(file->path, out, error, capacity);
    temp_file_remove(file);
    return status;
}

static void test_graphalytics_file(void)
{
    const char *text = "# Properties file describing the example-directed dataset\n"
                       "\n"
                       "# Filenames of graph on local filesystem\n"
                       "graph.example-directed.vertex-file = example-directed.v\n"
                       "graph.example-directed.edge-file = example-directed.e\n"
                       "graph.example-directed.meta.vertices = 10\n"
                       "graph.example-directed.directed = true\n"
                       "graph.example-directed.edge-properties.names = weight\n"
                       "graph.example-directed.algorithms = bfs, cdlp, lcc, pr, sssp, wcc\n"
                       "#\n"
                       "# Parameters for BFS\n"
                       "graph.example-directed.bfs.source-vertex = 1\n"
                       "graph.example-directed.pr.damping-factor = 0.85\n";
    rv_properties *p = NULL;
    char error[256] = "";
    temp_file file;
    CU_ASSERT_EQUAL_FATAL(load_text(text, &p, error, sizeof error, &file), RV_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_STRING_EQUAL(rv_properties_get(p, "graph.example-directed.vertex-file"), "example-directed.v");
    CU_ASSERT_STRING_EQUAL(rv_properties_get(p, "graph.example-directed.meta.vertices"), "10");
    CU_ASSERT_STRING_EQUAL(rv_properties_get(p, "graph.example-directed.algorithms"), "bfs, cdlp, lcc, pr, sssp, wcc");
    CU_ASSERT_STRING_EQUAL(rv_properties_get(p, "graph.example-directed.pr.damping-factor"), "0.85");
    CU_ASSERT_PTR_NULL(rv_properties_get(p, "graph.example-directed.sssp.source-vertex"));
    CU_ASSERT_PTR_NULL(rv_properties_get(p, "graph.example-directed"));
    CU_ASSERT_PTR_NULL(rv_properties_get(p, ""));
    CU_ASSERT_PTR_NULL(rv_properties_get(p, NULL));
    rv_properties_free(&p);
    CU_ASSERT_PTR_NULL(p);
}

static void test_syntax(void)
{
    const char *text = "  a = 1  \n"
                       "b:2\n"
                       "c\t=\tvalue with  inner  blanks \t\n"
                       "d =\n"
                       "e = x = y : z\n"
                       "f: g = h\n"
                       "   # indented comment\n"
                       "! bang comment\n"
                       "\t!also\n"
                       "   \t  \n"
                       "crlf = yes\r\n"
                       "\r\n"
                       "dup = first\n"
                       "dup = second\n"
                       "with space = 5\n"
                       "last=no newline";
    rv_properties *p = NULL;
    char error[256] = "";
    temp_file file;
    CU_ASSERT_EQUAL_FATAL(load_text(text, &p, error, sizeof error, &file), RV_OK);
    CU_ASSERT_STRING_EQUAL(rv_properties_get(p, "a"), "1");
    CU_ASSERT_STRING_EQUAL(rv_properties_get(p, "b"), "2");
    CU_ASSERT_STRING_EQUAL(rv_properties_get(p, "c"), "value with  inner  blanks");
    CU_ASSERT_STRING_EQUAL(rv_properties_get(p, "d"), "");
    CU_ASSERT_STRING_EQUAL(rv_properties_get(p, "e"), "x = y : z");
    CU_ASSERT_STRING_EQUAL(rv_properties_get(p, "f"), "g = h");
    CU_ASSERT_STRING_EQUAL(rv_properties_get(p, "crlf"), "yes");
    CU_ASSERT_STRING_EQUAL(rv_properties_get(p, "dup"), "second");
    CU_ASSERT_STRING_EQUAL(rv_properties_get(p, "with space"), "5");
    CU_ASSERT_STRING_EQUAL(rv_properties_get(p, "last"), "no newline");
    CU_ASSERT_PTR_NULL(rv_properties_get(p, "# indented comment"));
    CU_ASSERT_PTR_NULL(rv_properties_get(p, "!also"));
    rv_properties_free(&p);

    /* An empty file and a file of comments only are fine, and hold nothing. */
    CU_ASSERT_EQUAL(load_text("", &p, error, sizeof error, &file), RV_OK);
    CU_ASSERT_PTR_NOT_NULL(p);
    CU_ASSERT_PTR_NULL(rv_properties_get(p, "a"));
    rv_properties_free(&p);
    CU_ASSERT_EQUAL(load_text("# only\n\n! comments\n", &p, error, sizeof error, &file), RV_OK);
    rv_properties_free(&p);

    /* Many keys (the array grows). */
    char *many = malloc(100000);
    size_t used = 0;
    CU_ASSERT_FATAL(many != NULL);
    for (int i = 0; i < 2000; i++)
        used += (size_t)sprintf(many + used, "key.%d = value %d\n", i, i * 7);
    CU_ASSERT_EQUAL(load_text(many, &p, error, sizeof error, &file), RV_OK);
    CU_ASSERT_STRING_EQUAL(rv_properties_get(p, "key.0"), "value 0");
    CU_ASSERT_STRING_EQUAL(rv_properties_get(p, "key.1999"), "value 13993");
    rv_properties_free(&p);
    free(many);

    rv_properties_free(&p); /* NULL handle is fine */
    rv_properties_free(NULL);
    CU_ASSERT_PTR_NULL(rv_properties_get(NULL, "a"));
}

static void test_errors(void)
{
    rv_properties *p = (rv_properties *)&p; /* must be set to NULL */
    char error[256], want[256];
    temp_file file;

    temp_file_write(&file, "a = 1\n# c\njust words\nb = 2\n", 27);
    CU_ASSERT_EQUAL(rv_properties_load(file.path, &p, error, sizeof error), RV_EPARSE);
    CU_ASSERT_PTR_NULL(p);
    snprintf(want, sizeof want, "%s:3: expected 'key = value'", file.path);
    CU_ASSERT_STRING_EQUAL(error, want);
    temp_file_remove(&file);

    temp_file_write(&file, "\n = value\n", 10);
    CU_ASSERT_EQUAL(rv_properties_load(file.path, &p, error, sizeof error), RV_EPARSE);
    snprintf(want, sizeof want, "%s:2: expected 'key = value', found no key before '='", file.path);
    CU_ASSERT_STRING_EQUAL(error, want);
    temp_file_remove(&file);

    temp_file_write(&file, "a = 1\nb = x\0y\n", 14);
    CU_ASSERT_EQUAL(rv_properties_load(file.path, &p, error, sizeof error), RV_EPARSE);
    snprintf(want, sizeof want, "%s:2: unexpected NUL byte", file.path);
    CU_ASSERT_STRING_EQUAL(error, want);

    /* A small error buffer is cut, not overrun; none at all is fine. */
    char tiny[8];
    CU_ASSERT_EQUAL(rv_properties_load(file.path, &p, tiny, sizeof tiny), RV_EPARSE);
    CU_ASSERT_EQUAL(strlen(tiny), sizeof tiny - 1);
    CU_ASSERT_EQUAL(rv_properties_load(file.path, &p, NULL, 0), RV_EPARSE);
    temp_file_remove(&file);

    CU_ASSERT_EQUAL(rv_properties_load("/nonexistent/dir/x.properties", &p, error, sizeof error), RV_EIO);
    snprintf(want, sizeof want, "cannot open '/nonexistent/dir/x.properties': %s", strerror(ENOENT));
    CU_ASSERT_STRING_EQUAL(error, want);
    CU_ASSERT_PTR_NULL(p);

    CU_ASSERT_EQUAL(rv_properties_load("/tmp", &p, error, sizeof error), RV_EIO);
    snprintf(want, sizeof want, "cannot open '/tmp': %s", strerror(EISDIR));
    CU_ASSERT_STRING_EQUAL(error, want);
}

int main(void)
{
    static const rv_test_case tests[] = {
        {"Graphalytics dataset file", test_graphalytics_file},
        {"separators, blanks, comments, CRLF", test_syntax},
        {"errors", test_errors},
    };
    return rv_test_run_table("properties", tests, sizeof tests / sizeof *tests);
}
