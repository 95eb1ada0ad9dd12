/* SPDX-License-Identifier: MIT */
/* jailor tune [--apply] [--jails N]: the host limits that many jails run into. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "output.h"
#include "props/parse.h"
#include "runtime/host_tuning.h"
#include "util/cleanup.h"

#define MAX_PLANNED_JAILS 1000000

static const char *limit_state(const struct host_limit *l)
{
        if (l->bites)
                return "too low";
        if (l->current < l->recommended)
                return "ok, below recommended";
        return "ok";
}

static int print_json(const struct host_limit *limits, size_t n, unsigned jails)
{
        json_t *arr = json_array();

        for (size_t i = 0; arr && i < n; i++) {
                const struct host_limit *l = &limits[i];
                json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:s, s:s, s:I}", "sysctl", l->sysctl,
                                      "current", (json_int_t)l->current, "needed", (json_int_t)l->needed,
                                      "recommended", (json_int_t)l->recommended, "state", limit_state(l),
                                      "why", l->why, "jails", (json_int_t)jails);
                if (!o || json_array_append_new(arr, o) < 0) {
                        json_decref(arr);
                        arr = NULL;
                }
        }
        if (!arr) {
                fprintf(stderr, "jailor: Out of memory\n");
                return EXIT_FAILED;
        }
        output_json(arr);
        json_decref(arr);
        return EXIT_OK;
}

static int print_table(const struct host_limit *limits, size_t n, unsigned jails, unsigned running)
{
        static const char *const headers[] = {"SYSCTL", "CURRENT", "NEEDED", "RECOMMENDED", "STATE", NULL};
        struct table *t = table_new(headers);
        int status = EXIT_OK;

        if (!t)
                return EXIT_FAILED;
        for (size_t i = 0; i < n && status == EXIT_OK; i++) {
                const struct host_limit *l = &limits[i];
                char cur[24], need[24], rec[24];
                const char *cells[] = {l->sysctl, cur, need, rec, limit_state(l), NULL};

                snprintf(cur, sizeof(cur), "%" PRIu64, l->current);
                snprintf(need, sizeof(need), "%" PRIu64, l->needed);
                snprintf(rec, sizeof(rec), "%" PRIu64, l->recommended);
                if (!l->needed)
                        snprintf(need, sizeof(need), "-");
                if (table_add_row(t, cells) < 0)
                        status = EXIT_FAILED;
        }
        printf("Host limits for %u jails (%u running now):\n", jails, running);
        table_print(t, stdout, TABLE_BORDERED);
        table_free(t);
        for (size_t i = 0; i < n; i++)
                if (limits[i].bites)
                        printf("%s: %s; set it with 'sysctl -w %s=%" PRIu64 "' or 'jailor tune --apply'\n",
                               limits[i].sysctl, limits[i].why, limits[i].sysctl, limits[i].recommended);
        return status;
}

/* --apply reports each change as the command's output, not as a warning. */
static void print_change(void *userdata, const char *msg)
{
        printf("%s\n", msg);
}

static int cmd_tune(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {
                {"apply", no_argument, NULL, 'a'},
                {"jails", required_argument, NULL, 'n'},
                {0},
        };
        struct host_limit limits[HOST_LIMITS_MAX];
        struct jailor_error err = {0};
        unsigned running = host_running_jails(&cli->ctx), jails = running;
        bool apply = false;
        size_t n = 0;
        long long v;
        int c;

        while ((c = cli_getopt(cli, argc, argv, "", longopts)) != -1) {
                if (c == 'a') {
                        apply = true;
                } else if (c == 'n') {
                        if (parse_int(NULL, optarg, 0, MAX_PLANNED_JAILS, &v, NULL) < 0)
                                return cli_usage_error(cli, "invalid number of jails '%s': expected 0 to %d",
                                                       optarg, MAX_PLANNED_JAILS);
                        jails = (unsigned)v;
                } else {
                        return CLI_OPTIONS_DONE(c);
                }
        }
        if (optind < argc)
                return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
        if (apply) {
                struct jailor_ctx ctx = cli->ctx;
                int r;

                ctx.warn = print_change;
                r = host_limits_apply(&ctx, &err);
                if (r < 0)
                        return cli_fail(&err);
                if (r == 0 && !cli->json)
                        printf("Every limit is at its recommended value or above: nothing changed\n");
        }
        if (host_limits_check(jails, limits, &n, &err) < 0)
                return cli_fail(&err);
        if (cli->json)
                return print_json(limits, n, jails);
        if (apply)
                return EXIT_OK;
        return print_table(limits, n, jails, running);
}

const struct cli_command cli_tune_commands[] = {
        {"tune", cmd_tune, "[--apply] [--jails N]",
         "Show the host limits many jails run into; --apply raises them to the recommended values",
         "  --apply      write the recommended value of every limit below it (never lowers one)\n"
         "  --jails N    judge the limits for N running jails (default: those running now)\n"},
        {0},
};
