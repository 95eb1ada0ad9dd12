/* SPDX-License-Identifier: MIT */
/* jailor serve | token create|list|revoke: the REST API and its tokens (src/serve). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "serve.h"
#include "static.h"
#include "tokens.h"
#include "util/cleanup.h"

static int cmd_serve(struct cli *cli, int argc, char **argv)
{
        enum { OPT_LISTEN = 1, OPT_CERT, OPT_KEY, OPT_UI };
        static const struct option longopts[] = {
                {"listen", required_argument, NULL, OPT_LISTEN},
                {"tls-cert", required_argument, NULL, OPT_CERT},
                {"tls-key", required_argument, NULL, OPT_KEY},
                {"ui", required_argument, NULL, OPT_UI},
                {0},
        };
        struct serve_options opts = {.listen = SERVE_DEFAULT_LISTEN};
        struct jailor_error err = {0};
        const char *ui = NULL;
        int c;

        while ((c = cli_getopt(cli, argc, argv, "", longopts)) != -1) {
                switch (c) {
                case OPT_UI: ui = optarg; break;
                case OPT_LISTEN: opts.listen = optarg; break;
                case OPT_CERT: opts.tls_cert = optarg; break;
                case OPT_KEY: opts.tls_key = optarg; break;
                default: return CLI_OPTIONS_DONE(c);
                }
        }
        if (optind != argc)
                return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
        if (!opts.tls_cert != !opts.tls_key)
                return cli_usage_error(cli, "--tls-cert and --tls-key go together");
        if (static_set_root(ui, &err) < 0 || serve_run(&cli->ctx, &opts, &err) < 0)
                return cli_fail(&err);
        return EXIT_OK;
}

static int token_create(struct cli *cli, const char *name)
{
        _cleanup_free_ char *secret = NULL, *id = NULL;
        struct jailor_error err = {0};

        if (tokens_create(&cli->ctx, name, &secret, &id, &err) < 0)
                return cli_fail(&err);
        if (cli->json) {
                json_t *o = json_pack("{s:s, s:s}", "id", id, "token", secret);

                output_json(o);
                json_decref(o);
        } else {
                printf("%s\n", secret);
                fprintf(stderr, "Token %s made; it is shown only now. Send it as "
                                "'Authorization: Bearer TOKEN'.\n", id);
        }
        explicit_bzero(secret, strlen(secret));
        return EXIT_OK;
}

static int token_list(struct cli *cli)
{
        static const char *const headers[] = {"ID", "NAME", "CREATED", NULL};
        struct jailor_error err = {0};
        struct table *t;
        json_t *list = NULL, *tok;
        size_t i;

        if (tokens_list(&cli->ctx, &list, &err) < 0)
                return cli_fail(&err);
        if (cli->json) {
                output_json(list);
                json_decref(list);
                return EXIT_OK;
        }
        t = table_new(headers);
        json_array_foreach(list, i, tok)
                if (t)
                        table_add_row(t, (const char *const[]){
                                json_string_value(json_object_get(tok, "id")),
                                json_string_value(json_object_get(tok, "name")),
                                json_string_value(json_object_get(tok, "created"))});
        if (t)
                table_print(t, stdout, TABLE_BORDERED);
        table_free(t);
        json_decref(list);
        return EXIT_OK;
}

static int cmd_token(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {{"name", required_argument, NULL, 'n'}, {0}};
        struct jailor_error err = {0};
        const char *name = NULL, *action;
        int c;

        while ((c = cli_getopt(cli, argc, argv, "n:", longopts)) != -1) {
                if (c != 'n')
                        return CLI_OPTIONS_DONE(c);
                name = optarg;
        }
        if (optind >= argc)
                return cli_usage_error(cli, "expected %s", cli->cmd->args);
        action = argv[optind++];
        /* "token create --name N" as well as "token --name N create" */
        while ((c = cli_getopt(cli, argc, argv, "n:", longopts)) != -1) {
                if (c != 'n')
                        return CLI_OPTIONS_DONE(c);
                name = optarg;
        }
        if (STREQ(action, "create") && optind == argc)
                return token_create(cli, name);
        if (STREQ(action, "list") && optind == argc && !name)
                return token_list(cli);
        if (STREQ(action, "revoke") && optind == argc - 1 && !name) {
                if (tokens_revoke(&cli->ctx, argv[optind], &err) < 0)
                        return cli_fail(&err);
                if (!cli->json)
                        printf("Token '%s' revoked\n", argv[optind]);
                return EXIT_OK;
        }
        return cli_usage_error(cli, "expected %s", cli->cmd->args);
}

const struct cli_command cli_serve_commands[] = {
        {"serve", cmd_serve, "[--listen ADDR:PORT] [--tls-cert FILE --tls-key FILE] [--ui DIR]",
         "Serve the REST API (docs/API.md) until stopped",
         "      --listen ADDR:PORT   where to listen (default " SERVE_DEFAULT_LISTEN ")\n"
         "      --tls-cert FILE      HTTPS with this PEM certificate ...\n"
         "      --tls-key FILE       ... and this PEM key\n"
         "      --ui DIR             the web UI's files (default: the installed ones;\n"
         "                           the source tree's web/ for a jailor in its build directory)\n"},
        {"token", cmd_token, "create [--name NAME] | list | revoke ID|NAME",
         "API tokens for clients of 'jailor serve' (shown once when made)",
         "  -n, --name NAME   with create: a name to know it by\n"},
        {0},
};
