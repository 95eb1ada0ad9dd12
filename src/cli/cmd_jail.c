/* SPDX-License-Identifier: MIT */
/* jailor create | destroy */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jail/jail.h"
#include "output.h"
#include "pool.h"
#include "progress.h"
#include "release/release.h"
#include "runtime/runtime.h"
#include "util/cleanup.h"

static int cmd_create(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {
                {"release", required_argument, NULL, 'r'},
                {"template", required_argument, NULL, 't'},
                {"empty", no_argument, NULL, 'e'},
                {"name", required_argument, NULL, 'n'},
                {"short", no_argument, NULL, 's'},
                {"basejail", no_argument, NULL, 'b'},
                {"thickjail", no_argument, NULL, 'T'},
                {"count", required_argument, NULL, 'c'},
                {0},
        };
        struct jail_create_request req = {.kind = JAIL_CLONE};
        struct jailor_error err = {0};
        _cleanup_strv_free_ char **names = NULL;
        struct storage *s = NULL;
        bool basejail = false, thick = false, empty = false;
        int c, r;

        while ((c = cli_getopt(cli, argc, argv, "r:t:en:sbTc:", longopts)) != -1) {
                switch (c) {
                case 'r': req.release = optarg; break;
                case 't': req.template_name = optarg; break;
                case 'e': empty = true; break;
                case 'n': req.name = optarg; break;
                case 's': req.short_uuid = true; break;
                case 'b': basejail = true; break;
                case 'T': thick = true; break;
                case 'c': {
                        char *end;
                        long n = strtol(optarg, &end, 10);
                        if (*end || n < 1 || n > 1000)
                                return cli_usage_error(cli, "invalid count '%s': expected 1 to 1000",
                                                       optarg);
                        req.count = (unsigned)n;
                        break;
                }
                default: return CLI_OPTIONS_DONE(c);
                }
        }
        if (basejail + thick + empty > 1)
                return cli_usage_error(cli, "-b, -T and -e exclude each other");
        req.kind = basejail ? JAIL_BASEJAIL : thick ? JAIL_THICK : empty ? JAIL_EMPTY : JAIL_CLONE;
        req.props = argv + optind;
        req.n_props = (size_t)(argc - optind);
        if (pool_open(&cli->ctx, &s, &err) < 0)
                return cli_fail(&err);
        progress_attach(&cli->ctx);
        r = jail_create(&cli->ctx, s, &req, &names, &err);
        progress_finish(&cli->ctx);
        storage_free(s);
        if (r < 0)
                return cli_fail(&err);
        if (cli->json) {
                json_t *a = json_array();
                for (size_t i = 0; names[i]; i++)
                        json_array_append_new(a, json_string(names[i]));
                output_json(a);
                json_decref(a);
        } else {
                for (size_t i = 0; names[i]; i++)
                        printf("%s successfully created!\n", names[i]);
        }
        return EXIT_OK;
}

static int cmd_destroy(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {{"release", no_argument, NULL, 'r'},
                                                 {"recursive", no_argument, NULL, 'R'},
                                                 {"force", no_argument, NULL, 'f'},
                                                 {0}};
        struct jailor_error err = {0};
        struct storage *s = NULL;
        bool releases = false, recursive = false, force = false;
        int c, r = 0;

        while ((c = cli_getopt(cli, argc, argv, "rRf", longopts)) != -1) {
                if (c == 'r')
                        releases = true;
                else if (c == 'R')
                        recursive = true;
                else if (c == 'f')
                        force = true;
                else
                        return CLI_OPTIONS_DONE(c);
        }
        if (optind >= argc)
                return cli_usage_error(cli, "expected %s", cli->cmd->args);
        if (pool_open(&cli->ctx, &s, &err) < 0)
                return cli_fail(&err);
        for (int i = optind; i < argc && r == 0; i++) {
                /* -f: a running jail is stopped first, as iocage does */
                if (!releases && force && STREQ(runtime_status(&cli->ctx, argv[i], NULL), "up"))
                        r = runtime_stop(&cli->ctx, s, argv[i], &err);
                if (r == 0)
                        r = releases ? release_destroy(&cli->ctx, s, argv[i], recursive, &err)
                                     : jail_destroy(&cli->ctx, s, argv[i], recursive, &err);
                if (r == 0 && !cli->json)
                        printf(releases ? "Release '%s' destroyed\n" : "%s destroyed\n", argv[i]);
        }
        storage_free(s);
        return r < 0 ? cli_fail(&err) : EXIT_OK;
}

const struct cli_command cli_jail_commands[] = {
        {"create", cmd_create, "-r REL|-t TEMPLATE|-e [-n NAME] [-b|-T] [-c COUNT] [-s] [PROP=VALUE...]",
         "Create jails: clones of a release (default), basejails, thick copies, from a template, or empty",
         "  -r, --release REL    make it from release REL (fetched first when missing)\n"
         "  -t, --template T     make it from template T (inherits its properties)\n"
         "  -e, --empty          an empty root, no release\n"
         "  -n, --name NAME      its name (default: a UUID)\n"
         "  -s, --short          with no name: the first 8 characters of the UUID\n"
         "  -b, --basejail       the release's system directories bound read-only\n"
         "  -T, --thickjail      a full copy of the release\n"
         "  -c, --count N        make N jails, NAME_1 ... NAME_N\n"},
        {"destroy", cmd_destroy, "[-f] [-R] JAIL... | -r [-R] RELEASE...",
         "Destroy jails, templates or releases",
         "  -r, --release        the arguments are releases\n"
         "  -R, --recursive      also destroy what depends on them\n"
         "  -f, --force          stop a running jail first\n"},
        {0},
};
