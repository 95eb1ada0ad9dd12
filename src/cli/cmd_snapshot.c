/* SPDX-License-Identifier: MIT */
/* jailor snapshot | snaplist | rollback | snapremove | rename | clone */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "jail/clone.h"
#include "jail/rename.h"
#include "jail/snapshot.h"
#include "output.h"
#include "pool.h"
#include "util/cleanup.h"
#include "views.h"

/*
 * Options may come after the arguments, as iocage takes them
 * ("snapshot JAIL -n SNAP").  Returns the next option as cli_getopt does,
 * or -1 at the end; arguments between options go to args[] (at most max),
 * counted in *n.  EXIT codes come back as negative numbers.
 */
static int next_option(struct cli *cli, int argc, char **argv, const char *shortopts,
                       const struct option *longopts, char **args, size_t max, size_t *n)
{
        for (;;) {
                int c = cli_getopt(cli, argc, argv, shortopts, longopts);
                bool rest;

                if (c != -1)
                        return c;
                /* after "--" everything is an argument, "-x" too */
                rest = optind > 1 && STREQ(argv[optind - 1], "--");
                while (rest && optind < argc && *n < max)
                        args[(*n)++] = argv[optind++];
                if (optind >= argc)
                        return -1;
                if (*n >= max) {
                        cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
                        return '?';
                }
                args[(*n)++] = argv[optind++];
        }
}

/* A size as ZFS prints one: 512B, 1.21M, 12.1M, 121M. */
static const char *human_size(uint64_t bytes, char buf[16])
{
        static const char units[] = "BKMGTPE";
        double v = (double)bytes;
        size_t u = 0;

        if (bytes < 1024) {
                snprintf(buf, 16, "%" PRIu64 "B", bytes);
                return buf;
        }
        while (v >= 1024 && u + 1 < sizeof(units) - 1) {
                v /= 1024;
                u++;
        }
        snprintf(buf, 16, v < 10 ? "%.2f%c" : v < 100 ? "%.1f%c" : "%.0f%c", v, units[u]);
        return buf;
}

static int print_done(struct cli *cli, const char *key, const char *value, const char *line)
{
        if (cli->json) {
                json_t *o = json_pack("{s:s}", key, value);

                output_json(o);
                json_decref(o);
        } else {
                puts(line);
        }
        return EXIT_OK;
}

static int cmd_snapshot(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {{"name", required_argument, NULL, 'n'}, {0}};
        struct jailor_error err = {0};
        _cleanup_free_ char *label = NULL, *line = NULL;
        struct storage *s = NULL;
        const char *snap = NULL;
        char *args[1];
        size_t n = 0;
        int c, r;

        while ((c = next_option(cli, argc, argv, "n:", longopts, args, 1, &n)) != -1) {
                if (c == 'n')
                        snap = optarg;
                else
                        return CLI_OPTIONS_DONE(c);
        }
        if (n != 1)
                return cli_usage_error(cli, "expected %s", cli->cmd->args);
        if (pool_open(&cli->ctx, &s, &err) < 0)
                return cli_fail(&err);
        r = jail_snapshot(&cli->ctx, s, args[0], snap, &label, &err);
        storage_free(s);
        if (r < 0)
                return cli_fail(&err);
        if (asprintf(&line, "Snapshot: %s created.", label) < 0)
                return EXIT_FAILED;
        return print_done(cli, "snapshot", label, line);
}

static int print_snapshots(struct cli *cli, const struct jail_snapshot *v, size_t n, bool tabs)
{
        static const char *const headers[] = {"NAME", "CREATED", "RSIZE", "USED", NULL};
        struct table *t;
        json_t *a;

        if (cli->json) {
                a = jail_snapshots_to_json(v, n);
                if (!a)
                        return EXIT_FAILED;
                output_json(a);
                json_decref(a);
                return EXIT_OK;
        }
        t = table_new(headers);
        for (size_t i = 0; t && i < n; i++) {
                char created[64] = "-", rsize[16], used[16];
                time_t when = (time_t)v[i].created;
                struct tm tm;
                const char *cells[4];

                /* as ZFS prints "creation": Mon Jan  1 12:00 2024 */
                if (localtime_r(&when, &tm))
                        strftime(created, sizeof(created), "%a %b %e %H:%M %Y", &tm);
                cells[0] = v[i].name;
                cells[1] = created;
                cells[2] = v[i].rsize < 0 ? "-" : human_size((uint64_t)v[i].rsize, rsize);
                cells[3] = human_size(v[i].used, used);
                if (table_add_row(t, cells) < 0) {
                        table_free(t);
                        t = NULL;
                }
        }
        if (!t)
                return EXIT_FAILED;
        table_print(t, stdout, tabs ? TABLE_TABS : TABLE_BORDERED);
        table_free(t);
        return EXIT_OK;
}

static int cmd_snaplist(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {{"header", no_argument, NULL, 'h'}, {0}};
        struct jailor_error err = {0};
        struct jail_snapshot *snaps = NULL;
        struct storage *s = NULL;
        bool tabs = false;
        char *args[1];
        size_t n = 0, count = 0;
        int c, r;

        while ((c = next_option(cli, argc, argv, "hH", longopts, args, 1, &n)) != -1) {
                if (c == 'h' || c == 'H')
                        tabs = true;
                else
                        return CLI_OPTIONS_DONE(c);
        }
        if (n != 1)
                return cli_usage_error(cli, "expected %s", cli->cmd->args);
        if (pool_open(&cli->ctx, &s, &err) < 0)
                return cli_fail(&err);
        r = jail_snapshot_list(&cli->ctx, s, args[0], &snaps, &count, &err);
        storage_free(s);
        if (r < 0)
                return cli_fail(&err);
        r = print_snapshots(cli, snaps, count, tabs);
        jail_snapshots_free(snaps, count);
        return r;
}

/* rollback and snapremove: JAIL -n SNAP */
static int jail_and_snap(struct cli *cli, int argc, char **argv, const char **ret_jail,
                         const char **ret_snap)
{
        static const struct option longopts[] = {
            {"name", required_argument, NULL, 'n'}, {"force", no_argument, NULL, 'f'}, {0}};
        char *args[1];
        size_t n = 0;
        int c;

        *ret_snap = NULL;
        while ((c = next_option(cli, argc, argv, "n:f", longopts, args, 1, &n)) != -1) {
                if (c == 'n')
                        *ret_snap = optarg;
                else if (c != 'f') /* nothing is asked anyway; kept for iocage's hands */
                        return CLI_OPTIONS_DONE(c);
        }
        if (n != 1 || !*ret_snap)
                return cli_usage_error(cli, "expected %s", cli->cmd->args);
        *ret_jail = args[0];
        return -1;
}

/* rollback and snapremove: JAIL -n SNAP, one library call, one line saying what was done. */
typedef int snap_op_fn(const struct jailor_ctx *ctx, struct storage *s, const char *jail,
                       const char *snap, char **ret_label, struct jailor_error *err);

static int snap_command(struct cli *cli, int argc, char **argv, snap_op_fn *op,
                        const char *json_key, const char *done_before, const char *done_after)
{
        struct jailor_error err = {0};
        _cleanup_free_ char *label = NULL, *line = NULL;
        struct storage *s = NULL;
        const char *jail = NULL, *snap = NULL;
        int r = jail_and_snap(cli, argc, argv, &jail, &snap);

        if (r != -1)
                return r;
        if (pool_open(&cli->ctx, &s, &err) < 0)
                return cli_fail(&err);
        r = op(&cli->ctx, s, jail, snap, &label, &err);
        storage_free(s);
        if (r < 0)
                return cli_fail(&err);
        if (asprintf(&line, "%s%s%s", done_before, label, done_after) < 0)
                return EXIT_FAILED;
        return print_done(cli, json_key, label, line);
}

static int cmd_rollback(struct cli *cli, int argc, char **argv)
{
        return snap_command(cli, argc, argv, jail_rollback, "rolled_back_to", "Rolled back to: ",
                            "");
}

static int cmd_snapremove(struct cli *cli, int argc, char **argv)
{
        return snap_command(cli, argc, argv, jail_snapremove, "destroyed", "Snapshot: ",
                            " destroyed.");
}

static int cmd_rename(struct cli *cli, int argc, char **argv)
{
        struct jailor_error err = {0};
        _cleanup_free_ char *line = NULL;
        struct storage *s = NULL;
        char *args[2];
        size_t n = 0;
        int c, r;

        while ((c = next_option(cli, argc, argv, "", NULL, args, 2, &n)) != -1)
                return CLI_OPTIONS_DONE(c);
        if (n != 2)
                return cli_usage_error(cli, "expected %s", cli->cmd->args);
        if (pool_open(&cli->ctx, &s, &err) < 0)
                return cli_fail(&err);
        r = jail_rename(&cli->ctx, s, args[0], args[1], &err);
        storage_free(s);
        if (r < 0)
                return cli_fail(&err);
        if (asprintf(&line, "Jail: %s renamed to %s", args[0], args[1]) < 0)
                return EXIT_FAILED;
        return print_done(cli, "renamed_to", args[1], line);
}

static int cmd_clone(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {
            {"name", required_argument, NULL, 'n'}, {"thickjail", no_argument, NULL, 'T'}, {0}};
        struct jail_clone_request req = {0};
        struct jailor_error err = {0};
        _cleanup_free_ char *line = NULL;
        struct storage *s = NULL;
        char *args[256];
        size_t n = 0;
        int c, r;

        while ((c = next_option(cli, argc, argv, "n:T", longopts, args, ELEMENTSOF(args), &n)) !=
               -1) {
                if (c == 'n')
                        req.name = optarg;
                else if (c == 'T')
                        req.thick = true;
                else
                        return CLI_OPTIONS_DONE(c);
        }
        if (n < 1 || !req.name)
                return cli_usage_error(cli, "expected %s", cli->cmd->args);
        req.source = args[0];
        req.props = args + 1;
        req.n_props = n - 1;
        if (pool_open(&cli->ctx, &s, &err) < 0)
                return cli_fail(&err);
        r = jail_clone(&cli->ctx, s, &req, &err);
        storage_free(s);
        if (r < 0)
                return cli_fail(&err);
        if (asprintf(&line, "%s successfully cloned!", req.name) < 0)
                return EXIT_FAILED;
        return print_done(cli, "name", req.name, line);
}

const struct cli_command cli_snapshot_commands[] = {
        {"snapshot", cmd_snapshot, "JAIL [-n SNAP]",
         "Snapshot a jail's root, with its config.json and fstab",
         "  -n, --name SNAP      the snapshot's name (default: the UTC time, "
         "YYYY-MM-DD_HH-MM-SS)\n"},
        {"snaplist", cmd_snaplist, "[-h] JAIL", "List the snapshots of a jail",
         "  -h, --header         tab-separated, no header (for scripts)\n"},
        {"rollback", cmd_rollback, "JAIL -n SNAP",
         "Return a stopped jail to a snapshot; later snapshots are destroyed",
         "  -n, --name SNAP      the snapshot\n"
         "  -f, --force          (iocage compatibility; nothing is asked)\n"},
        {"snapremove", cmd_snapremove, "JAIL -n SNAP",
         "Destroy a snapshot of a jail (refused while clones use it)",
         "  -n, --name SNAP      the snapshot\n"},
        {"rename", cmd_rename, "JAIL NEW",
         "Rename a stopped jail or template; a default hostname follows", NULL},
        {"clone", cmd_clone, "SRC -n NEW [-T] [PROP=VALUE...]",
         "Make a new jail from a stopped jail: a clone of its snapshot @NEW, or a copy (-T)",
         "  -n, --name NEW       the new jail's name\n"
         "  -T, --thickjail      an independent copy instead of a copy-on-write clone\n"},
        {0},
};
