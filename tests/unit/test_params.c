/* test_params.c — CUnit tests of the parameter module (src/params.c): parsing by type,
 * defaults, overrides and the error contract. Needs no MPI. */
#include "rivulet.h"
#include "suite.h"

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* A made-up algorithm with one parameter of each type; "source" has no default, so
 * it is required. */
static const rv_param_spec test_specs[] = {
    {"iterations", RV_PARAM_INT64, "20", "t.num-iterations", "number of iterations"},
    {"damping", RV_PARAM_DOUBLE, "0.85", "t.damping-factor", "damping factor"},
    {"source", RV_PARAM_ID, NULL, "t.source-vertex", "source vertex"},
};
static const rv_algorithm test_algorithm = {
    .name = "testalgo",
    .summary = "an algorithm for tests",
    .params = test_specs,
    .n_params = sizeof test_specs / sizeof test_specs[0],
};
static const rv_algorithm no_params_algorithm = {.name = "plain", .summary = "no options"};

/* A fresh parameter set for each test, so the tests do not depend on each other's
 * order; released by the caller. */
static rv_params *make(void)
{
    rv_params *params = NULL;
    CU_ASSERT_EQUAL_FATAL(rv_params_new(&test_algorithm, &params), RV_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(params);
    return params;
}

/* rv_params_set() with an error buffer that is ignored. */
static int set(rv_params *params, const char *name, const char *text)
{
    char error[256];
    return rv_params_set(params, name, text, error, sizeof error);
}

static void test_new_and_free(void)
{
    rv_params *params = NULL;
    CU_ASSERT_EQUAL(rv_params_new(NULL, &params), RV_EINVAL);
    CU_ASSERT_PTR_NULL(params);
    CU_ASSERT_EQUAL(rv_params_new(&test_algorithm, NULL), RV_EINVAL);

    params = make();
    rv_params_free(&params);
    CU_ASSERT_PTR_NULL(params);
    rv_params_free(&params); /* freeing NULL is allowed */
    rv_params_free(NULL);

    CU_ASSERT_EQUAL(rv_params_new(&no_params_algorithm, &params), RV_OK);
    char error[128] = "";
    CU_ASSERT_EQUAL(rv_params_finish(params, error, sizeof error), RV_OK);
    CU_ASSERT_EQUAL(rv_params_set(params, "x", "1", error, sizeof error), RV_ENOTFOUND);
    rv_params_free(&params);
}

static void test_int64(void)
{
    rv_params *params = make();
    int64_t x = 0;
    CU_ASSERT_EQUAL(set(params, "iterations", "42"), RV_OK);
    CU_ASSERT_EQUAL(rv_params_get_int64(params, "iterations", &x), RV_OK);
    CU_ASSERT_EQUAL(x, 42);
    CU_ASSERT_EQUAL(set(params, "iterations", "-7"), RV_OK);
    CU_ASSERT_EQUAL(rv_params_get_int64(params, "iterations", &x), RV_OK);
    CU_ASSERT_EQUAL(x, -7);
    CU_ASSERT_EQUAL(set(params, "iterations", "+8"), RV_OK);
    CU_ASSERT_EQUAL(rv_params_get_int64(params, "iterations", &x), RV_OK);
    CU_ASSERT_EQUAL(x, 8);
    CU_ASSERT_EQUAL(set(params, "iterations", "9223372036854775807"), RV_OK);
    CU_ASSERT_EQUAL(rv_params_get_int64(params, "iterations", &x), RV_OK);
    CU_ASSERT_EQUAL(x, INT64_MAX);
    CU_ASSERT_EQUAL(set(params, "iterations", "-9223372036854775808"), RV_OK);
    CU_ASSERT_EQUAL(rv_params_get_int64(params, "iterations", &x), RV_OK);
    CU_ASSERT_EQUAL(x, INT64_MIN);

    /* Refused, and the previous value survives. */
    const char *bad[] = {"9223372036854775808", "-9223372036854775809", "99999999999999999999999",
                         "", "-", "+", " 1", "1 ", "12x", "0x10", "1.5", "1e3", "--1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CU_ASSERT_EQUAL(set(params, "iterations", bad[i]), RV_EINVAL);
        CU_ASSERT_EQUAL(rv_params_get_int64(params, "iterations", &x), RV_OK);
        CU_ASSERT_EQUAL(x, INT64_MIN);
    }
    rv_params_free(&params);
}

static void test_double(void)
{
    rv_params *params = make();
    double x = 0.0;
    CU_ASSERT_EQUAL(set(params, "damping", "0.5"), RV_OK);
    CU_ASSERT_EQUAL(rv_params_get_double(params, "damping", &x), RV_OK);
    CU_ASSERT_DOUBLE_EQUAL(x, 0.5, 0.0);
    CU_ASSERT_EQUAL(set(params, "damping", "-1e-3"), RV_OK);
    CU_ASSERT_EQUAL(rv_params_get_double(params, "damping", &x), RV_OK);
    CU_ASSERT_DOUBLE_EQUAL(x, -1e-3, 0.0);
    CU_ASSERT_EQUAL(set(params, "damping", "7"), RV_OK);
    CU_ASSERT_EQUAL(rv_params_get_double(params, "damping", &x), RV_OK);
    CU_ASSERT_DOUBLE_EQUAL(x, 7.0, 0.0);

    const char *bad[] = {"", "x", " 0.5", "0.5 ", "0.5x", "inf", "-infinity", "nan", "1e999", "--1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CU_ASSERT_EQUAL(set(params, "damping", bad[i]), RV_EINVAL);
        CU_ASSERT_EQUAL(rv_params_get_double(params, "damping", &x), RV_OK);
        CU_ASSERT_DOUBLE_EQUAL(x, 7.0, 0.0);
    }
    rv_params_free(&params);
}

static void test_id(void)
{
    rv_params *params = make();
    rv_id id = 0;
    CU_ASSERT_EQUAL(set(params, "source", "0"), RV_OK);
    CU_ASSERT_EQUAL(rv_params_get_id(params, "source", &id), RV_OK);
    CU_ASSERT_EQUAL(id, 0);
    CU_ASSERT_EQUAL(set(params, "source", "9223372036854775807"), RV_OK);
    CU_ASSERT_EQUAL(rv_params_get_id(params, "source", &id), RV_OK);
    CU_ASSERT_EQUAL(id, RV_ID_MAX);

    const char *bad[] = {"-1", "9223372036854775808", "18446744073709551615", "abc", "", "1.0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CU_ASSERT_EQUAL(set(params, "source", bad[i]), RV_EINVAL);
        CU_ASSERT_EQUAL(rv_params_get_id(params, "source", &id), RV_OK);
        CU_ASSERT_EQUAL(id, RV_ID_MAX);
    }
    rv_params_free(&params);
}

static void test_error_text(void)
{
    rv_params *params = make();
    char error[256] = "";
    CU_ASSERT_EQUAL(rv_params_set(params, "damping", "x", error, sizeof error), RV_EINVAL);
    CU_ASSERT_STRING_EQUAL(error, "--damping: not a number: 'x'");
    CU_ASSERT_EQUAL(rv_params_set(params, "iterations", "1.5", error, sizeof error), RV_EINVAL);
    CU_ASSERT_STRING_EQUAL(error, "--iterations: not an integer: '1.5'");
    CU_ASSERT_EQUAL(rv_params_set(params, "source", "-3", error, sizeof error), RV_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(error, "--source"));
    CU_ASSERT_PTR_NOT_NULL(strstr(error, "'-3'"));
    CU_ASSERT_EQUAL(rv_params_set(params, "nope", "1", error, sizeof error), RV_ENOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(error, "--nope"));

    /* A tiny or missing buffer is cut short, never overrun. */
    char tiny[8];
    memset(tiny, 'z', sizeof tiny);
    CU_ASSERT_EQUAL(rv_params_set(params, "damping", "x", tiny, 5), RV_EINVAL);
    CU_ASSERT_STRING_EQUAL(tiny, "--da");
    CU_ASSERT_EQUAL(tiny[5], 'z');
    CU_ASSERT_EQUAL(rv_params_set(params, "damping", "x", NULL, 0), RV_EINVAL);
    rv_params_free(&params);
}

static void test_defaults_and_finish(void)
{
    rv_params *params = make();
    char error[256] = "";
    int64_t n = 0;
    double d = 0.0;
    rv_id id = 0;

    /* Nothing has a value before finish, not even options with defaults. */
    CU_ASSERT_EQUAL(rv_params_get_int64(params, "iterations", &n), RV_ENOTFOUND);
    CU_ASSERT_FALSE(rv_params_is_set(params, "iterations"));

    /* The required option is reported by name. */
    CU_ASSERT_EQUAL(rv_params_finish(params, error, sizeof error), RV_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(error, "--source"));

    CU_ASSERT_EQUAL(set(params, "source", "5"), RV_OK);
    CU_ASSERT_EQUAL(set(params, "iterations", "3"), RV_OK);
    CU_ASSERT_EQUAL(set(params, "iterations", "4"), RV_OK); /* setting again overrides */
    CU_ASSERT_EQUAL(rv_params_finish(params, error, sizeof error), RV_OK);
    CU_ASSERT_EQUAL(rv_params_finish(params, error, sizeof error), RV_OK); /* idempotent */

    CU_ASSERT_EQUAL(rv_params_get_int64(params, "iterations", &n), RV_OK);
    CU_ASSERT_EQUAL(n, 4);
    CU_ASSERT_EQUAL(rv_params_get_double(params, "damping", &d), RV_OK);
    CU_ASSERT_DOUBLE_EQUAL(d, 0.85, 0.0);
    CU_ASSERT_EQUAL(rv_params_get_id(params, "source", &id), RV_OK);
    CU_ASSERT_EQUAL(id, 5);

    /* A default does not count as set. */
    CU_ASSERT_TRUE(rv_params_is_set(params, "iterations"));
    CU_ASSERT_TRUE(rv_params_is_set(params, "source"));
    CU_ASSERT_FALSE(rv_params_is_set(params, "damping"));
    CU_ASSERT_FALSE(rv_params_is_set(params, "unknown"));
    CU_ASSERT_FALSE(rv_params_is_set(NULL, "damping"));
    rv_params_free(&params);
}

static void test_getter_types(void)
{
    rv_params *params = make();
    char error[256] = "";
    CU_ASSERT_EQUAL(set(params, "source", "1"), RV_OK);
    CU_ASSERT_EQUAL(rv_params_finish(params, error, sizeof error), RV_OK);

    int64_t n = 0;
    double d = 0.0;
    rv_id id = 0;
    CU_ASSERT_EQUAL(rv_params_get_double(params, "iterations", &d), RV_EINVAL);
    CU_ASSERT_EQUAL(rv_params_get_id(params, "iterations", &id), RV_EINVAL);
    CU_ASSERT_EQUAL(rv_params_get_int64(params, "damping", &n), RV_EINVAL);
    CU_ASSERT_EQUAL(rv_params_get_int64(params, "source", &n), RV_EINVAL);
    CU_ASSERT_EQUAL(rv_params_get_int64(params, "missing", &n), RV_ENOTFOUND);
    CU_ASSERT_EQUAL(rv_params_get_int64(params, "iterations", NULL), RV_EINVAL);
    CU_ASSERT_EQUAL(rv_params_get_int64(NULL, "iterations", &n), RV_EINVAL);
    rv_params_free(&params);
}

static void test_bad_default(void)
{
    static const rv_param_spec specs[] = {{"k", RV_PARAM_INT64, "ten", NULL, "broken default"}};
    static const rv_algorithm broken = {.name = "broken", .params = specs, .n_params = 1};
    rv_params *params = NULL;
    char error[256] = "";
    CU_ASSERT_EQUAL_FATAL(rv_params_new(&broken, &params), RV_OK);
    CU_ASSERT_EQUAL(rv_params_finish(params, error, sizeof error), RV_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(error, "--k"));
    /* A valid value set explicitly means the broken default is never needed. */
    CU_ASSERT_EQUAL(rv_params_set(params, "k", "10", error, sizeof error), RV_OK);
    CU_ASSERT_EQUAL(rv_params_finish(params, error, sizeof error), RV_OK);
    rv_params_free(&params);
}

int main(void)
{
    static const rv_test_case tests[] = {
        {"new and free", test_new_and_free},
        {"int64 values", test_int64},
        {"double values", test_double},
        {"id values", test_id},
        {"error text", test_error_text},
        {"defaults and finish", test_defaults_and_finish},
        {"getter types", test_getter_types},
        {"bad default", test_bad_default},
    };
    return rv_test_run_table("params", tests, sizeof tests / sizeof *tests);
}
