/* suite.h — what every CUnit test program shares, with MPI or without: one suite run from a table of tests, and a scratch directory made before it and removed after it. */
#ifndef RV_TEST_SUITE_H
#define RV_TEST_SUITE_H

#include <CUnit/Basic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

/* One test of a table: the name CUnit reports it under, and the test. */
typedef struct rv_test_case {
    const char *name;
    CU_TestFunc function;
} rv_test_case;

/* Registers the @p n_tests tests of @p tests as the suite @p suite_name, runs them
 * verbosely and empties the registry again. Returns the exit status of main(): 0 if
 * every test passed, 1 if one failed, 2 if CUnit could not be set up. */
static inline int rv_test_run_table(const char *suite_name, const rv_test_case *tests, size_t n_tests)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite suite = CU_add_suite(suite_name, NULL, NULL);
    bool registered = suite != NULL;
    for (size_t i = 0; registered && i < n_tests; i++)
        registered = CU_add_test(suite, tests[i].name, tests[i].function) != NULL;
    if (!registered) {
        CU_cleanup_registry();
        return 2;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures ? 1 : 0;
}

/* Removes the scratch directory @p dir and everything in it. Returns false if that
 * failed. */
static inline bool rv_test_remove_dir(const char *dir)
{
    char command[300];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    return system(command) == 0;
}

/* rv_test_run_table() with the scratch directory @p tmpdir (a mkdtemp template)
 * made before the tests and removed after them; 2 if either failed. */
static inline int rv_test_run_table_in(char *tmpdir, const char *suite_name, const rv_test_case *tests,
                                       size_t n_tests)
{
    if (!mkdtemp(tmpdir))
        return 2;
    int status = rv_test_run_table(suite_name, tests, n_tests);
    return rv_test_remove_dir(tmpdir) ? status : 2;
}

#endif /* RV_TEST_SUITE_H */
