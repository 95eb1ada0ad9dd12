/* SPDX-License-Identifier: MIT */
/* jailor list */
#include <stdio.h>

#include "cli.h"

static int cmd_list(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {{"release", no_argument, NULL, 'r'},
                                                 {"header", no_argument, NULL, 'h'},
                                                 {0}};
        bool releases = false, tabs = false;
        int c;

        while ((c = cli_getopt(cli, argc, argv, "rh", longopts)) != -1) {
                if (c == 'r')
                        releases = true;
                else if (c == 'h')
                        tabs = true;
                else
                        return CLI_OPTIONS_DONE(c);
        }
        if (optind != argc)
                return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
        if (!releases)
                return cli_usage_error(cli, "give -r to list fetched releases");
        return cli_list_releases(cli, tabs);
}

const struct cli_command cli_list_commands[] = {
        {"list", cmd_list, "-r [-h]", "List fetched releases",
         "  -r, --release       list the fetched releases\n"
         "  -h, --header        script format: tab-separated, no header\n"},
        {0},
};
