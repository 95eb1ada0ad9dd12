/* SPDX-License-Identifier: MIT */
/* jailor export JAIL | import IMAGE [-n NAME] (iocage export/import) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "jail/image.h"
#include "output.h"
#include "pool.h"
#include "progress.h"
#include "util/cleanup.h"

static int print_result(struct cli *cli, const char *name, const char *image, const char *line)
{
        if (cli->json) {
                json_t *o = json_pack("{s:s, s:s}", "name", name, "image", image);

                output_json(o);
                json_decref(o);
        } else {
                puts(line);
        }
        return EXIT_OK;
}

static int cmd_export(struct cli *cli, int argc, char **argv)
{
        _cleanup_free_ char *image = NULL, *line = NULL;
        struct jailor_error err = {0};
        struct storage *s = NULL;
        int c, r;

        while ((c = cli_getopt(cli, argc, argv, "", NULL)) != -1)
                return CLI_OPTIONS_DONE(c);
        if (argc - optind != 1)
                return cli_usage_error(cli, "expected %s", cli->cmd->args);
        if (pool_open(&cli->ctx, &s, &err) < 0)
                return cli_fail(&err);
        progress_attach(&cli->ctx);
        r = jail_export(&cli->ctx, s, argv[optind], &image, &err);
        progress_finish(&cli->ctx);
        storage_free(s);
        if (r < 0)
                return cli_fail(&err);
        if (asprintf(&line, "Exported: %s", image) < 0)
                return cli_fail(&(struct jailor_error){ENOMEM, "Out of memory"});
        return print_result(cli, argv[optind], image, line);
}

static int cmd_import(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {{"name", required_argument, NULL, 'n'}, {0}};
        _cleanup_free_ char *name = NULL, *line = NULL;
        struct jailor_error err = {0};
        struct storage *s = NULL;
        const char *image = NULL, *wanted = NULL;
        int c, r;

        /* "import IMAGE -n NAME", as iocage takes it, or "-n NAME IMAGE" */
        for (;;) {
                c = cli_getopt(cli, argc, argv, "n:", longopts);
                if (c == 'n') {
                        wanted = optarg;
                        continue;
                }
                if (c != -1)
                        return CLI_OPTIONS_DONE(c);
                if (optind >= argc)
                        break;
                if (image)
                        return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
                image = argv[optind++];
        }
        if (!image)
                return cli_usage_error(cli, "expected %s", cli->cmd->args);
        if (pool_open(&cli->ctx, &s, &err) < 0)
                return cli_fail(&err);
        progress_attach(&cli->ctx);
        r = jail_import(&cli->ctx, s, image, wanted, &name, &err);
        progress_finish(&cli->ctx);
        storage_free(s);
        if (r < 0)
                return cli_fail(&err);
        if (asprintf(&line, "Imported: %s", name) < 0)
                return cli_fail(&(struct jailor_error){ENOMEM, "Out of memory"});
        return print_result(cli, name, image, line);
}

const struct cli_command cli_image_commands[] = {
    {"export", cmd_export, "JAIL",
     "Export a stopped jail to images/NAME_DATE.tar.zst, with a .sha256 beside it", NULL},
    {"import", cmd_import, "IMAGE [-n NAME]",
     "Import an exported jail (a file, or a name matched in images/) after checking its "
     "checksum",
     "  -n, --name NAME      the new jail's name (default: the name in the image)\n"},
    {0},
};
