/* SPDX-License-Identifier: MIT */
/* jailor activate | deactivate | pools */
#include <stdio.h>

#include "cli.h"
#include "output.h"
#include "pool.h"
#include "util/cleanup.h"
#include "views.h"

/* Commands whose whole command line is one POOL argument. */
static int parse_pool_arg(struct cli *cli, int argc, char **argv, const char **ret)
{
        int c;

        while ((c = cli_getopt(cli, argc, argv, "", NULL)) != -1)
                return CLI_OPTIONS_DONE(c);
        if (optind != argc - 1)
                return cli_usage_error(cli, "expected exactly one POOL argument");
        *ret = argv[optind];
        return -1;
}

/* activate and deactivate: one POOL, one library call, one line when not --json. */
static int pool_command(struct cli *cli, int argc, char **argv,
                        int (*op)(const struct jailor_ctx *, const char *, struct jailor_error *),
                        const char *done)
{
        struct jailor_error err = {0};
        const char *pool = NULL;
        int r;

        r = parse_pool_arg(cli, argc, argv, &pool);
        if (r >= 0)
                return r;
        if (op(&cli->ctx, pool, &err) < 0)
                return cli_fail(&err);
        if (!cli->json)
                printf("Pool '%s' %s\n", pool, done);
        return EXIT_OK;
}

static int cmd_activate(struct cli *cli, int argc, char **argv)
{
        return pool_command(cli, argc, argv, pool_activate, "activated");
}

static int cmd_deactivate(struct cli *cli, int argc, char **argv)
{
        return pool_command(cli, argc, argv, pool_deactivate, "deactivated");
}

static void format_bytes(uint64_t bytes, char *buf, size_t len)
{
        static const char units[] = "BKMGTP";
        double v = (double)bytes;
        size_t u = 0;

        if (bytes == 0) {
                snprintf(buf, len, "-");
                return;
        }
        while (v >= 1024 && u + 1 < sizeof(units) - 1) {
                v /= 1024;
                u++;
        }
        snprintf(buf, len, u ? "%.1f%c" : "%.0f%c", v, units[u]);
}

static const char *candidate_note(const struct pool_candidate *c)
{
        if (c->holds_host_root)
                return "holds the host's root; not auto-selected";
        if (c->embedded)
                return "embedded default";
        return "";
}

static int cmd_pools(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {"POOL", "BACKEND", "ACTIVE", "FREE", "NOTE", NULL};
        struct jailor_error err = {0};
        struct pool_candidate *list = NULL;
        struct table *t;
        size_t n = 0;
        int c;

        while ((c = cli_getopt(cli, argc, argv, "", NULL)) != -1)
                return CLI_OPTIONS_DONE(c);
        if (optind != argc)
                return cli_usage_error(cli, "takes no arguments");
        if (pool_candidates(&cli->ctx, &list, &n, &err) < 0)
                return cli_fail(&err);

        if (cli->json) {
                json_t *a = pool_candidates_to_json(list, n);

                output_json(a);
                json_decref(a);
                pool_candidates_free(list, n);
                return EXIT_OK;
        }
        t = table_new(headers);
        for (size_t i = 0; t && i < n; i++) {
                char free_space[32];
                const char *row[6];

                format_bytes(list[i].avail, free_space, sizeof(free_space));
                row[0] = list[i].name;
                row[1] = storage_backend_name(list[i].backend);
                row[2] = list[i].active ? "*" : "";
                row[3] = free_space;
                row[4] = candidate_note(&list[i]);
                row[5] = NULL;
                table_add_row(t, row);
        }
        if (t)
                table_print(t, stdout, TABLE_BORDERED);
        table_free(t);
        pool_candidates_free(list, n);
        return EXIT_OK;
}

const struct cli_command cli_pool_commands[] = {
        {"activate", cmd_activate, "POOL",
         "Make POOL (a ZFS pool name or a directory path) the pool jails live in", NULL},
        {"deactivate", cmd_deactivate, "POOL", "Stop using POOL; the next command selects one again",
         NULL},
        {"pools", cmd_pools, "", "List the pools jailor can use, the active one marked", NULL},
        {0},
};
