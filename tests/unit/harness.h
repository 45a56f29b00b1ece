/* harness.h — what the engine's CUnit suites share: a session with a scratch directory, and one exit status for the whole MPI job. */
#ifndef RV_TEST_HARNESS_H
#define RV_TEST_HARNESS_H

#include <CUnit/Basic.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#include "rivulet.h"
#include "suite.h"

/* Opens the session (a singleton without mpirun) and makes the scratch directory
 * @p tmpdir (a mkdtemp template). Ranks other than 0 print nothing, so a suite run
 * under mpirun reports once. Returns false on failure. */
static inline bool rv_test_open(rv_session **session, char *tmpdir, int *argc, char ***argv)
{
    if (!mkdtemp(tmpdir) || rv_session_open(session, argc, argv) != RV_OK)
        return false;
    rv_session_set_log(*session, RV_LOG_ERROR, NULL, NULL);
    return rv_session_rank(*session) == 0 || freopen("/dev/null", "w", stdout) != NULL;
}

/* Runs the registered suites verbosely and returns whether any rank saw a failure
 * (the exit status is the job's). Collective. */
static inline bool rv_test_run_all(void)
{
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    int failed = CU_get_number_of_failures() != 0, any_failed = failed;
    MPI_Allreduce(&failed, &any_failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    CU_cleanup_registry();
    return any_failed != 0;
}

/* Closes the session and removes the scratch directory; the exit status of main(). */
static inline int rv_test_close(rv_session **session, const char *tmpdir, bool failed)
{
    rv_session_close(session);
    if (!rv_test_remove_dir(tmpdir))
        return 2;
    return failed ? 1 : 0;
}

#endif /* RV_TEST_HARNESS_H */
