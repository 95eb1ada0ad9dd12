/* SPDX-License-Identifier: MIT */
/* jailor start | stop | restart | exec | console */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pool.h"
#include "runtime/boot_order.h"
#include "runtime/host_tuning.h"
#include "runtime/runtime.h"
#include "util/cleanup.h"

typedef int (*jail_action)(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                           struct jailor_error *err);

static void print_boot_result(void *userdata, const struct boot_result *res)
{
        const char *done = userdata;

        if (!res->ok)
                fprintf(stderr, "jailor: %s: %s\n", res->name, res->why);
        else if (res->unchanged)
                printf("%s was already %s\n", res->name, done);
        else
                printf("%s %s\n", res->name, done);
        fflush(stdout); /* each line as its jail is done, also into a pipe or log */
}

/* start --rc / stop --rc: every boot=on jail, in the boot order. */
static int run_boot_order(struct cli *cli, enum boot_action action, const char *done)
{
        struct jailor_error err = {0};
        struct storage *s = NULL;
        int r;

        if (pool_open(&cli->ctx, &s, &err) < 0)
                return cli_fail(&err);
        r = boot_order_run(&cli->ctx, s, action, print_boot_result, (void *)done, &err);
        storage_free(s);
        return r < 0 ? cli_fail(&err) : EXIT_OK;
}

/*
 * start/stop/restart JAIL...: each jail on its own; the first failure sets
 * the exit status.  start and stop also take --rc (rc_action >= 0).
 */
static int for_each_jail(struct cli *cli, int argc, char **argv, jail_action action,
                         const char *done, int rc_action)
{
        static const struct option rc_options[] = {{"rc", no_argument, NULL, 'r'}, {0}};
        struct jailor_error err = {0};
        struct storage *s = NULL;
        bool rc = false;
        int c, status = EXIT_OK;

        while ((c = cli_getopt(cli, argc, argv, "", rc_action >= 0 ? rc_options : NULL)) != -1) {
                if (c != 'r')
                        return CLI_OPTIONS_DONE(c);
                rc = true;
        }
        if (rc && optind < argc)
                return cli_usage_error(cli, "--rc takes no jail names: it acts on the boot=on jails");
        if (rc) {
                status = run_boot_order(cli, (enum boot_action)rc_action, done);
                /* which jails the boot order starts is known once it ran: judge what runs now */
                if (action == runtime_start)
                        host_limits_warn(&cli->ctx, 0);
                return status;
        }
        if (optind >= argc)
                return cli_usage_error(cli, "expected %s", cli->cmd->args);
        if (action == runtime_start)
                host_limits_warn(&cli->ctx, (unsigned)(argc - optind));
        if (pool_open(&cli->ctx, &s, &err) < 0)
                return cli_fail(&err);
        for (int i = optind; i < argc; i++) {
                jailor_error_clear(&err);
                if (action(&cli->ctx, s, argv[i], &err) < 0) {
                        status = cli_fail(&err);
                        continue;
                }
                if (!cli->json)
                        printf("%s %s\n", argv[i], done);
        }
        storage_free(s);
        return status;
}

static int restart_one(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                       struct jailor_error *err)
{
        int r = runtime_stop(ctx, s, name, err);

        if (r < 0 && r != -EALREADY)
                return r;
        jailor_error_clear(err);
        return runtime_start(ctx, s, name, err);
}

static int cmd_start(struct cli *cli, int argc, char **argv)
{
        return for_each_jail(cli, argc, argv, runtime_start, "started", BOOT_START);
}

static int cmd_stop(struct cli *cli, int argc, char **argv)
{
        return for_each_jail(cli, argc, argv, runtime_stop, "stopped", BOOT_STOP);
}

static int cmd_restart(struct cli *cli, int argc, char **argv)
{
        return for_each_jail(cli, argc, argv, restart_one, "restarted", -1);
}

static int run_in_jail(struct cli *cli, struct exec_request *req)
{
        struct jailor_error err = {0};
        struct storage *s = NULL;
        int status = 0, r;

        if (pool_open(&cli->ctx, &s, &err) < 0)
                return cli_fail(&err);
        r = runtime_exec(&cli->ctx, s, req, &status, &err);
        storage_free(s);
        if (r < 0)
                return cli_fail(&err);
        return status;
}

static int cmd_exec(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {{"jail_user", required_argument, NULL, 'U'}, {0}};
        struct exec_request req = {0};
        char *shell[] = {"/bin/sh", "-c", NULL, NULL};
        int c;

        while ((c = cli_getopt(cli, argc, argv, "U:", longopts)) != -1) {
                if (c == 'U')
                        req.user = optarg;
                else
                        return CLI_OPTIONS_DONE(c);
        }
        if (argc - optind < 2)
                return cli_usage_error(cli, "expected %s", cli->cmd->args);
        req.name = argv[optind];
        req.argv = argv + optind + 1;
        /* as iocage: one word with spaces is a shell command line */
        if (argc - optind == 2 && strchr(argv[optind + 1], ' ')) {
                shell[2] = argv[optind + 1];
                req.argv = shell;
        }
        return run_in_jail(cli, &req);
}

static int cmd_console(struct cli *cli, int argc, char **argv)
{
        struct exec_request req = {.console = true};
        int c;

        while ((c = cli_getopt(cli, argc, argv, "", NULL)) != -1)
                return CLI_OPTIONS_DONE(c);
        if (argc - optind != 1)
                return cli_usage_error(cli, "expected %s", cli->cmd->args);
        req.name = argv[optind];
        return run_in_jail(cli, &req);
}

const struct cli_command cli_runtime_commands[] = {
        {"start", cmd_start, "JAIL... | --rc", "Start jails",
         "  --rc   start every boot=on jail (and what it depends on) in priority order\n"},
        {"stop", cmd_stop, "JAIL... | --rc", "Stop jails: their init shuts down, stragglers are killed",
         "  --rc   stop the boot=on jails in the reverse order\n"},
        {"restart", cmd_restart, "JAIL...", "Stop, then start jails", NULL},
        {"exec", cmd_exec, "[-U USER] JAIL CMD [ARG...]",
         "Run a command inside a running jail; its exit status is jailor's",
         "  -U, --jail_user USER   run as USER of the jail (default root)\n"},
        {"console", cmd_console, "JAIL", "A login shell inside a running jail", NULL},
        {0},
};
