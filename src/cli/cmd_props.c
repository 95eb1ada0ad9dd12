/* SPDX-License-Identifier: MIT */
/* jailor get | set: properties of jails and of the defaults. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "defaults.h"
#include "output.h"
#include "pool.h"
#include "props/props.h"
#include "util/cleanup.h"

static int compare_strings(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Loads the property values of target: "default", or a jail name. */
static int load_values(struct cli *cli, const char *target, json_t **ret,
                       struct jailor_error *err)
{
        struct storage *s = NULL;
        int r;

        if (!STREQ(target, "default"))
                return jailor_error_set(err, ENOENT, "Jail '%s' not found", target);
        r = pool_open(&cli->ctx, &s, err);
        if (r < 0)
                return r;
        r = defaults_load(&cli->ctx, s, ret, err);
        storage_free(s);
        return r;
}

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

static int cmd_get(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {{"all", no_argument, NULL, 'a'}, {0}};
        struct jailor_error err = {0};
        const char *prop, *target;
        bool all = false;
        json_t *values = NULL, *v;
        int c, r;

        while ((c = cli_getopt(cli, argc, argv, "a", longopts)) != -1) {
                if (c == 'a')
                        all = true;
                else
                        return CLI_OPTIONS_DONE(c);
        }
        if (all && optind == argc - 1) {
                prop = "all";
                target = argv[optind];
        } else if (!all && optind == argc - 2) {
                prop = argv[optind];
                target = argv[optind + 1];
        } else {
                return cli_usage_error(cli, "expected %s", cli->cmd->args);
        }
        if (!STREQ(prop, "all")) {
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
        if (load_values(cli, target, &values, &err) < 0)
                return cli_fail(&err);
        if (STREQ(prop, "all")) {
                r = print_all(cli, values);
                json_decref(values);
                return r;
        }
        v = json_object_get(values, prop);
        if (!v) {
                jailor_error_set(&err, ENOENT, "Property '%s' has no value in %s", prop,
                                 STREQ(target, "default") ? "the defaults" : target);
                json_decref(values);
                return cli_fail(&err);
        }
        if (cli->json) {
                json_t *o = json_pack("{s:O}", prop, v);
                output_json(o);
                json_decref(o);
        } else {
                printf("%s\n", json_string_value(v));
        }
        json_decref(values);
        return EXIT_OK;
}

static int cmd_set(struct cli *cli, int argc, char **argv)
{
        struct jailor_error err = {0};
        struct storage *s = NULL;
        json_t *changes = NULL, *change;
        const char *target;
        size_t i;
        int c, r;

        while ((c = cli_getopt(cli, argc, argv, "", NULL)) != -1)
                return CLI_OPTIONS_DONE(c);
        if (argc - optind < 2)
                return cli_usage_error(cli, "expected %s", cli->cmd->args);
        target = argv[argc - 1];
        if (!STREQ(target, "default")) {
                jailor_error_set(&err, ENOENT, "Jail '%s' not found", target);
                return cli_fail(&err);
        }
        r = pool_open(&cli->ctx, &s, &err);
        if (r < 0)
                return cli_fail(&err);
        r = defaults_set(&cli->ctx, s, argv + optind, (size_t)(argc - 1 - optind), &changes, &err);
        storage_free(s);
        if (r < 0)
                return cli_fail(&err);
        if (cli->json) {
                output_json(changes);
        } else {
                json_array_foreach(changes, i, change)
                        printf("%s: %s -> %s\n", json_string_value(json_object_get(change, "name")),
                               json_string_value(json_object_get(change, "old")),
                               json_string_value(json_object_get(change, "new")));
        }
        json_decref(changes);
        return EXIT_OK;
}

const struct cli_command cli_props_commands[] = {
        {"get", cmd_get, "[-a] PROP|all JAIL|default",
         "Print a property (or all of them) of a jail or of the defaults",
         "  -a, --all       print every property, like 'get all'\n"},
        {"set", cmd_set, "PROP=VALUE... JAIL|default",
         "Change properties of a jail or of the defaults (all or nothing)", NULL},
        {0},
};
