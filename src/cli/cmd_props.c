/* SPDX-License-Identifier: MIT */
/* jailor get | set: properties of jails and of the defaults. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "defaults.h"
#include "jail/jail.h"
#include "jail/list.h"
#include "jail/props_get.h"
#include "jail/props_set.h"
#include "output.h"
#include "pool.h"
#include "props/props.h"
#include "util/cleanup.h"

static int compare_strings(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* `key:value` lines, keys sorted, as iocage's `get all` prints them. */
static int print_all(struct cli *cli, json_t *values)
{
        size_t n = json_object_size(values), i = 0;
        _cleanup_free_ const char **keys = calloc(n ? n : 1, sizeof(char *));
        const char *key;
        json_t *v;

        if (!keys)
                return EXIT_FAILED;
        if (cli->json) {
                output_json(values);
                return EXIT_OK;
        }
        json_object_foreach(values, key, v)
                keys[i++] = key;
        qsort(keys, n, sizeof(char *), compare_strings);
        for (i = 0; i < n; i++)
                printf("%s:%s\n", keys[i], json_string_value(json_object_get(values, keys[i])));
        return EXIT_OK;
}

static int print_value(struct cli *cli, const char *prop, const char *value)
{
        if (cli->json) {
                json_t *o = json_pack("{s:s}", prop, value);

                if (!o)
                        return EXIT_FAILED;
                output_json(o);
                json_decref(o);
        } else {
                printf("%s\n", value);
        }
        return EXIT_OK;
}

/* get PROP|all default */
static int get_default(struct cli *cli, const char *prop)
{
        struct jailor_error err = {0};
        struct storage *s = NULL;
        json_t *values = NULL;
        const char *v;
        int r;

        if (pool_open(&cli->ctx, &s, &err) < 0)
                return cli_fail(&err);
        r = defaults_load(&cli->ctx, s, &values, &err);
        storage_free(s);
        if (r < 0)
                return cli_fail(&err);
        if (STREQ(prop, "all")) {
                r = print_all(cli, values);
        } else if ((v = json_string_value(json_object_get(values, prop)))) {
                r = print_value(cli, prop, v);
        } else {
                jailor_error_set(&err, ENOENT, "Property '%s' has no value in the defaults", prop);
                r = cli_fail(&err);
        }
        json_decref(values);
        return r;
}

/* get PROP|all|state|jid JAIL */
static int get_jail(struct cli *cli, const char *prop, const char *name)
{
        struct jailor_error err = {0};
        _cleanup_free_ char *value = NULL;
        struct storage *s = NULL;
        struct jail *j = NULL;
        json_t *values = NULL;
        int r;

        if (pool_open(&cli->ctx, &s, &err) < 0)
                return cli_fail(&err);
        r = jail_open(&cli->ctx, s, name, &j, &err);
        if (r == 0 && STREQ(prop, "jid")) {
                struct jail_state st;
                char jid[24] = "-";

                jail_state(&cli->ctx, name, &st);
                if (st.up)
                        snprintf(jid, sizeof(jid), "%d", (int)st.jid);
                value = strdup(jid);
                if (!value)
                        r = jailor_error_set(&err, ENOMEM, "Out of memory");
        } else if (r == 0 && STREQ(prop, "all")) {
                r = jail_get_all(&cli->ctx, j, &values, &err);
        } else if (r == 0) {
                r = jail_get_one(&cli->ctx, s, j, prop, &value, &err);
                if (r == 0 && !value)
                        r = jailor_error_set(&err, ENOENT,
                                             "Property '%s' has no value in jail '%s'", prop, name);
        }
        jail_free(j);
        storage_free(s);
        if (r < 0)
                return cli_fail(&err);
        if (values) {
                r = print_all(cli, values);
                json_decref(values);
                return r;
        }
        return print_value(cli, prop, value);
}

static int cmd_get(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {{"all", no_argument, NULL, 'a'},
                                                 {"state", no_argument, NULL, 's'},
                                                 {"jid", no_argument, NULL, 'j'},
                                                 {0}};
        struct jailor_error err = {0};
        const char *prop = NULL, *target;
        int c;

        while ((c = cli_getopt(cli, argc, argv, "asj", longopts)) != -1) {
                if (c == 'a' || c == 's' || c == 'j') {
                        const char *given = c == 'a' ? "all" : c == 's' ? "state" : "jid";

                        if (prop && !STREQ(prop, given))
                                return cli_usage_error(cli, "-a, -s and -j exclude each other");
                        prop = given;
                } else {
                        return CLI_OPTIONS_DONE(c);
                }
        }
        if (prop && optind == argc - 1) {
                target = argv[optind];
        } else if (!prop && optind == argc - 2) {
                prop = argv[optind];
                target = argv[optind + 1];
        } else {
                return cli_usage_error(cli, "expected %s", cli->cmd->args);
        }
        if (!STREQ(prop, "all") && !STREQ(prop, "state") && !STREQ(prop, "jid")) {
                const char *freebsd = props_freebsd_only(prop);

                if (freebsd) {
                        fprintf(stderr, "jailor: %s\n", freebsd);
                        return EXIT_FAILED;
                }
                if (!props_find(prop)) {
                        jailor_error_set(&err, EINVAL, "Unknown property '%s'", prop);
                        return cli_fail(&err);
                }
        }
        if (!STREQ(target, "default"))
                return get_jail(cli, prop, target);
        if (STREQ(prop, "state") || STREQ(prop, "jid")) {
                jailor_error_set(&err, EINVAL, "'%s' belongs to a jail, not to 'default'", prop);
                return cli_fail(&err);
        }
        return get_default(cli, prop);
}

static void print_changes(const char *target, json_t *changes)
{
        char restart[512] = "";
        json_t *change;
        size_t i;

        json_array_foreach(changes, i, change) {
                const char *name = json_string_value(json_object_get(change, "name"));

                printf("%s: %s -> %s\n", name, json_string_value(json_object_get(change, "old")),
                       json_string_value(json_object_get(change, "new")));
                if (json_is_true(json_object_get(change, "restart")))
                        snprintf(restart + strlen(restart), sizeof(restart) - strlen(restart),
                                 "%s%s", *restart ? ", " : "", name);
        }
        if (*restart)
                printf("%s is running: restart it to apply %s\n", target, restart);
}

static int cmd_set(struct cli *cli, int argc, char **argv)
{
        struct jailor_error err = {0};
        struct storage *s = NULL;
        json_t *changes = NULL;
        const char *target;
        size_t n;
        int c, r;

        while ((c = cli_getopt(cli, argc, argv, "", NULL)) != -1)
                return CLI_OPTIONS_DONE(c);
        if (argc - optind < 2)
                return cli_usage_error(cli, "expected %s", cli->cmd->args);
        target = argv[argc - 1];
        n = (size_t)(argc - 1 - optind);
        r = pool_open(&cli->ctx, &s, &err);
        if (r < 0)
                return cli_fail(&err);
        if (STREQ(target, "default"))
                r = defaults_set(&cli->ctx, s, argv + optind, n, &changes, &err);
        else
                r = jail_set(&cli->ctx, s, target, argv + optind, n, &changes, &err);
        storage_free(s);
        if (r < 0)
                return cli_fail(&err);
        if (cli->json)
                output_json(changes);
        else
                print_changes(target, changes);
        json_decref(changes);
        return EXIT_OK;
}

const struct cli_command cli_props_commands[] = {
        {"get", cmd_get, "[-a|-s|-j] PROP|all JAIL|default",
         "Print a property (or all of them) of a jail or of the defaults",
         "  -a, --all       print every property, like 'get all'\n"
         "  -s, --state     print the jail's state: up or down\n"
         "  -j, --jid       print the jail's JID (its init's PID on the host), '-' when down\n"},
        {"set", cmd_set, "PROP=VALUE... JAIL|default",
         "Change properties of a jail or of the defaults (all or nothing)", NULL},
        {0},
};
