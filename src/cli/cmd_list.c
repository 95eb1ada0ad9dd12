/* SPDX-License-Identifier: MIT */
/* jailor list | df: iocage's listings, as tables, script lines or JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jail/df.h"
#include "jail/list.h"
#include "output.h"
#include "pool.h"
#include "util/cleanup.h"
#include "views.h"

/* What a CORRUPT row shows in every column but NAME and STATE (iocage). */
#define NOT_AVAILABLE "N/A"

enum list_format {
        LIST_SHORT, /* JID NAME STATE RELEASE IP4 */
        LIST_LONG,  /* JID NAME BOOT STATE TYPE RELEASE IP4 IP6 TEMPLATE BASEJAIL */
        LIST_QUICK, /* NAME IP4 */
};

static const char *const short_headers[] = {"JID", "NAME", "STATE", "RELEASE", "IP4", NULL};
static const char *const long_headers[] = {"JID",     "NAME", "BOOT", "STATE",    "TYPE",
                                           "RELEASE", "IP4",  "IP6",  "TEMPLATE", "BASEJAIL",
                                           NULL};
static const char *const quick_headers[] = {"NAME", "IP4", NULL};

static const char *or_dash(const char *s)
{
        return s && *s ? s : "-";
}

static const char *none_as_dash(const char *s)
{
        return !s || STREQ(s, "none") ? "-" : s;
}

/* The long listing's IP4: the property as set; for DHCP what can be known without the jail. */
static const char *ip4_long(const struct jail_row *r, char *buf, size_t size)
{
        if (r->address) {
                snprintf(buf, size, "vnet0|%s", r->address);
                return buf;
        }
        if (r->dhcp)
                return r->state.up ? "DHCP" : "DHCP (not running)";
        return none_as_dash(r->ip4_addr);
}

/* iocage's quick listing: the property as written, or DHCP. */
static const char *ip4_quick(const struct jail_row *r, const char *ip4_short)
{
        return r->dhcp || STREQ(ip4_short, "DHCP") ? "DHCP" : r->ip4_addr;
}

static int add_row(struct table *t, enum list_format format, const struct jail_row *r)
{
        _cleanup_free_ char *ip4 = r->corrupt ? strdup(NOT_AVAILABLE) : jail_row_ip4_short(r);
        char jid[24] = "-", lease[64];
        const char *state = r->corrupt ? "CORRUPT" : jail_state_name(&r->state);
        const char *na = NOT_AVAILABLE;

        if (!ip4)
                return -ENOMEM;
        if (r->state.up)
                snprintf(jid, sizeof(jid), "%d", (int)r->state.jid);
        switch (format) {
        case LIST_SHORT:
                return table_add_row(t, (const char *const[]){
                                                jid, r->name, state,
                                                r->corrupt ? na : or_dash(r->release), ip4});
        case LIST_QUICK:
                return table_add_row(t, (const char *const[]){
                                                r->name, r->corrupt ? na : ip4_quick(r, ip4)});
        case LIST_LONG:
                if (r->corrupt)
                        return table_add_row(t, (const char *const[]){jid, r->name, na, state, na,
                                                                       na, na, na, na, na});
                return table_add_row(
                    t, (const char *const[]){jid, r->name, r->boot ? "on" : "off", state,
                                             r->is_template ? "template" : "jail",
                                             or_dash(r->release), ip4_long(r, lease, sizeof(lease)),
                                             none_as_dash(r->ip6_addr), or_dash(r->source_template),
                                             r->basejail ? "yes" : "no"});
        }
        return -EINVAL;
}

static int print_rows(struct cli *cli, const struct jail_row *rows, size_t n,
                      enum list_format format, bool tabs)
{
        const char *const *headers = format == LIST_LONG    ? long_headers
                                     : format == LIST_QUICK ? quick_headers
                                                            : short_headers;
        struct table *t;

        if (cli->json)
                return output_json_take(jail_rows_to_json(rows, n));
        t = table_new(headers);
        if (!t)
                return EXIT_FAILED;
        for (size_t i = 0; i < n; i++) {
                if (add_row(t, format, &rows[i]) < 0) {
                        table_free(t);
                        return EXIT_FAILED;
                }
        }
        table_print(t, stdout, tabs ? TABLE_TABS : TABLE_BORDERED);
        table_free(t);
        return EXIT_OK;
}

static int cmd_list(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {{"release", no_argument, NULL, 'r'},
                                                 {"template", no_argument, NULL, 't'},
                                                 {"long", no_argument, NULL, 'l'},
                                                 {"quick", no_argument, NULL, 'q'},
                                                 {"header", no_argument, NULL, 'h'},
                                                 {"sort", required_argument, NULL, 's'},
                                                 {0}};
        bool releases = false, templates = false, long_format = false, quick = false, tabs = false;
        struct jailor_error err = {0};
        enum jail_sort sort = JAIL_SORT_NAME;
        struct jail_row *rows = NULL;
        const char *sort_name = NULL;
        struct storage *s = NULL;
        size_t n = 0;
        int c, r;

        while ((c = cli_getopt(cli, argc, argv, "rtlqhs:", longopts)) != -1) {
                switch (c) {
                case 'r': releases = true; break;
                case 't': templates = true; break;
                case 'l': long_format = true; break;
                case 'q': quick = true; break;
                case 'h': tabs = true; break;
                case 's': sort_name = optarg; break;
                default: return CLI_OPTIONS_DONE(c);
                }
        }
        if (optind != argc)
                return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
        if (releases && (templates || long_format || quick || sort_name))
                return cli_usage_error(cli, "-r lists releases: it takes only -h and --json");
        if (releases)
                return cli_list_releases(cli, tabs);
        if (quick && long_format)
                return cli_usage_error(cli, "-q and -l exclude each other");
        /* JSON rows carry every field, so they sort by every key */
        if (sort_name && jail_sort_from_name(sort_name, long_format || cli->json, &sort, &err) < 0)
                return cli_usage_error(cli, "%s", err.msg);

        if (pool_open(&cli->ctx, &s, &err) < 0)
                return cli_fail(&err);
        r = jail_list(&cli->ctx, s, templates, &rows, &n, &err);
        storage_free(s);
        if (r < 0)
                return cli_fail(&err);
        jail_rows_sort(rows, n, sort);
        r = print_rows(cli, rows, n, long_format ? LIST_LONG : quick ? LIST_QUICK : LIST_SHORT,
                       tabs);
        jail_rows_free(rows, n);
        return r;
}

/* ---- df ----------------------------------------------------------------- */

static int print_df(struct cli *cli, const struct jail_df_row *rows, size_t n, bool tabs)
{
        static const char *const headers[] = {"NAME", "CRT", "RES", "QTA", "USE", "AVA", NULL};
        struct table *t;

        if (cli->json)
                return output_json_take(jail_df_rows_to_json(rows, n));
        t = table_new(headers);
        if (!t)
                return EXIT_FAILED;
        for (size_t i = 0; i < n; i++) {
                char used[DF_SIZE_MAX], avail[DF_SIZE_MAX];
                const struct jail_df_row *r = &rows[i];

                /* CRT and RES: no backend of jailor's storage reports them */
                if (table_add_row(t, (const char *const[]){
                                         r->name, "-", "-", r->quota ? r->quota : NOT_AVAILABLE,
                                         r->has_space ? df_format_size(r->used, used) : "-",
                                         r->has_space ? df_format_size(r->avail, avail) : "-"}) <
                    0) {
                        table_free(t);
                        return EXIT_FAILED;
                }
        }
        table_print(t, stdout, tabs ? TABLE_TABS : TABLE_BORDERED);
        table_free(t);
        return EXIT_OK;
}

static int cmd_df(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {{"header", no_argument, NULL, 'h'},
                                                 {"long", no_argument, NULL, 'l'},
                                                 {"sort", required_argument, NULL, 's'},
                                                 {0}};
        enum jail_df_sort sort = JAIL_DF_SORT_NAME;
        struct jailor_error err = {0};
        struct jail_df_row *rows = NULL;
        struct storage *s = NULL;
        bool tabs = false;
        size_t n = 0;
        int c, r;

        while ((c = cli_getopt(cli, argc, argv, "hls:", longopts)) != -1) {
                switch (c) {
                case 'h': tabs = true; break;
                case 'l': break; /* a no-op in iocage too; kept for its users' hands */
                case 's':
                        if (jail_df_sort_from_name(optarg, &sort, &err) < 0)
                                return cli_usage_error(cli, "%s", err.msg);
                        break;
                default: return CLI_OPTIONS_DONE(c);
                }
        }
        if (optind != argc)
                return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
        if (pool_open(&cli->ctx, &s, &err) < 0)
                return cli_fail(&err);
        r = jail_df(&cli->ctx, s, &rows, &n, &err);
        storage_free(s);
        if (r < 0)
                return cli_fail(&err);
        jail_df_rows_sort(rows, n, sort);
        r = print_df(cli, rows, n, tabs);
        jail_df_rows_free(rows, n);
        return r;
}

const struct cli_command cli_list_commands[] = {
        {"list", cmd_list, "[-l|-q] [-t|-r] [-h] [-s FIELD]",
         "List jails (or templates, or fetched releases)",
         "  -l, --long          more columns: BOOT TYPE IP6 TEMPLATE BASEJAIL\n"
         "  -q, --quick         only NAME and IP4\n"
         "  -t, --template      list the templates instead of the jails\n"
         "  -r, --release       list the fetched releases\n"
         "  -h, --header        script format: tab-separated, no header, no borders\n"
         "  -s, --sort FIELD    jid, name (default), state, release, ip4; with -l also\n"
         "                      boot, type, ip6, template\n"},
        {"df", cmd_df, "[-h] [-s FIELD]", "Show the disk space of jails and templates",
         "  -h, --header        script format: tab-separated, no header, no borders\n"
         "  -s, --sort FIELD    name (default), crt, res, qta, use, ava\n"
         "  -l, --long          (iocage compatibility; no effect)\n"},
        {0},
};
