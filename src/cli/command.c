/* command.c — what `rivulet run` and `rivulet stream` share before and after their MPI session: parse, help, resolve INPUT, check the parameters, configure the program, release it. */
#include "cli.h"

int rv__cli_compute_command(int *argc, char ***argv, int first, const rv__cli_compute_steps *steps)
{
    /* Before the session, every rank parses the same argv and reads the same files, so
     * all reach the same verdict; rv__cli_fail_early() makes one of them say it. */
    const bool speak = rv__cli_is_launch_root();
    char error[1024] = "";
    rv__cli_run_args args;
    int status = rv__cli_args_parse(*argc, *argv, first, steps->command, &args, error, sizeof error);
    if (status != RV_OK)
        return rv__cli_fail_early(argc, argv, status == RV_EINVAL ? RV__CLI_EXIT_USAGE : RV__CLI_EXIT_RUNTIME,
                                  "%s", error);
    if (args.help) {
        if (speak)
            steps->print_help(stdout, args.algorithm);
        rv__cli_args_destroy(&args);
        return RV__CLI_EXIT_OK;
    }

    int exit_code = RV__CLI_EXIT_OK;
    rv__cli_input input = {0};
    rv_program program = {0};
    bool configured = false;
    const rv_algorithm *algorithm = args.algorithm;

    /* A dataset that cannot be read is a runtime error (exit 1); a parameter that is
     * missing or refused by the algorithm is a usage error (exit 2). */
    status = steps->resolve_input(&args, &input, error, sizeof error);
    if (status != RV_OK) {
        exit_code = rv__cli_fail_early(argc, argv, RV__CLI_EXIT_RUNTIME, "%s", error);
        goto done;
    }
    status = rv_params_finish(args.params, error, sizeof error);
    if (status != RV_OK) {
        exit_code = rv__cli_fail_early(argc, argv, RV__CLI_EXIT_USAGE, "%s (see 'rivulet run %s --help')", error,
                                       algorithm->name);
        goto done;
    }
    /* configure() needs only the parameters, so it runs before the load: a value the
     * algorithm refuses should not cost a graph load first. */
    error[0] = '\0';
    status = steps->configure(algorithm, args.params, &program, error, sizeof error);
    if (status != RV_OK) {
        exit_code = rv__cli_fail_early(argc, argv, status == RV_EINVAL ? RV__CLI_EXIT_USAGE : RV__CLI_EXIT_RUNTIME,
                                       "%s", error[0] != '\0' ? error : rv_strerror(status));
        goto done;
    }
    configured = true;

    exit_code = steps->execute(&args, &input, &program, argc, argv);

done:
    /* configure() ran before the session opened, so its release comes after the
     * session closed: the program outlived every job that used it. */
    if (configured && algorithm->release != NULL)
        algorithm->release(&program);
    rv__cli_input_destroy(&input);
    rv__cli_args_destroy(&args);
    return exit_code;
}
