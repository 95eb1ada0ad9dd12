/* SPDX-License-Identifier: MIT */
/* jailor: the command table and what every command shares. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util/cleanup.h"
#include "version.h"

enum { OPT_JSON = 0x100 };

/* Each file of commands exports its table; `jailor --help` lists them in this order. */
static const struct cli_command *const command_groups[] = {
        cli_pool_commands,     cli_props_commands,    cli_release_commands, cli_jail_commands,
        cli_runtime_commands,  cli_list_commands,     cli_snapshot_commands, cli_fstab_commands,
        cli_image_commands,    cli_serve_commands,
        cli_tune_commands,
};

static const struct cli_command *find_command(const char *name)
{
        for (size_t g = 0; g < ELEMENTSOF(command_groups); g++)
                for (const struct cli_command *c = command_groups[g]; c->name; c++)
                        if (STREQ(c->name, name))
                                return c;
        return NULL;
}

static void print_main_help(void)
{
        printf("Usage: jailor [--json] COMMAND [ARGS...]\n"
               "       jailor COMMAND --help\n"
               "\n"
               "TrueNAS/iocage-style jails for Linux.\n"
               "\n"
               "Commands:\n");
        for (size_t g = 0; g < ELEMENTSOF(command_groups); g++)
                for (const struct cli_command *c = command_groups[g]; c->name; c++)
                        printf("  %-12s %s\n", c->name, c->summary);
        printf("\n"
               "Options:\n"
               "  --json          machine-readable output\n"
               "  -h, --help      show this help\n"
               "  -V, --version   show the version\n"
               "\n"
               "Environment: JAILOR_CONF_DIR (default /etc/jailor), JAILOR_RUN_DIR (default "
               "/run/jailor).\n");
}

void cli_print_command_help(const struct cli_command *cmd)
{
        printf("Usage: jailor %s%s%s\n\n%s.\n\nOptions:\n%s"
               "      --json      machine-readable output\n"
               "  -h, --help      show this help\n",
               cmd->name, *cmd->args ? " " : "", cmd->args, cmd->summary,
               cmd->options ? cmd->options : "");
}

int cli_fail(const struct jailor_error *err)
{
        fprintf(stderr, "jailor: %s\n", err->msg[0] ? err->msg : "Failed");
        return EXIT_FAILED;
}

int cli_usage_error(const struct cli *cli, const char *fmt, ...)
{
        va_list ap;

        fprintf(stderr, "jailor %s: ", cli->cmd ? cli->cmd->name : "");
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr, "; see 'jailor %s --help'\n", cli->cmd ? cli->cmd->name : "");
        return EXIT_USAGE;
}

int cli_getopt(struct cli *cli, int argc, char **argv, const char *shortopts,
               const struct option *longopts)
{
        /* every command's options plus the shared ones */
        struct option all[32];
        char spec[64];
        size_t n = 0;
        bool own_h;
        int c;

        for (; longopts && longopts[n].name && n < ELEMENTSOF(all) - 3; n++)
                all[n] = longopts[n];
        all[n++] = (struct option){"help", no_argument, NULL, OPT_HELP};
        all[n++] = (struct option){"json", no_argument, NULL, OPT_JSON};
        all[n] = (struct option){0};
        /*
         * '+': stop at the first non-option, so "set a=-1 x" is not an option.
         * -h is help unless the command gives it a meaning (list -h).
         */
        own_h = shortopts && strchr(shortopts, 'h');
        snprintf(spec, sizeof(spec), "+:%s%s", own_h ? "" : "h", shortopts ? shortopts : "");

        for (;;) {
                c = getopt_long(argc, argv, spec, all, NULL);
                if (c == OPT_JSON) {
                        cli->json = true;
                        continue;
                }
                if (c == OPT_HELP || (c == 'h' && !own_h)) {
                        cli_print_command_help(cli->cmd);
                        return OPT_HELP;
                }
                if (c == '?') {
                        if (optopt)
                                cli_usage_error(cli, "unknown option '-%c'", optopt);
                        else
                                cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
                        return '?';
                }
                if (c == ':') {
                        cli_usage_error(cli, "option '%s' needs a value", argv[optind - 1]);
                        return '?';
                }
                return c;
        }
}

static void warn_to_stderr(void *userdata, const char *msg)
{
        fprintf(stderr, "jailor: %s\n", msg);
}

int main(int argc, char **argv)
{
        struct jailor_error err = {0};
        struct cli cli = {0};
        const char *name;
        int argi = 1, r;

        for (; argi < argc && argv[argi][0] == '-'; argi++) {
                if (STREQ(argv[argi], "--json")) {
                        cli.json = true;
                } else if (STREQ(argv[argi], "-h") || STREQ(argv[argi], "--help")) {
                        print_main_help();
                        return EXIT_OK;
                } else if (STREQ(argv[argi], "-V") || STREQ(argv[argi], "--version")) {
                        printf("jailor %s\n", JAILOR_VERSION);
                        return EXIT_OK;
                } else {
                        fprintf(stderr, "jailor: unknown option '%s'; see 'jailor --help'\n",
                                argv[argi]);
                        return EXIT_USAGE;
                }
        }
        if (argi >= argc) {
                print_main_help();
                return EXIT_USAGE;
        }
        name = argv[argi];
        if (STREQ(name, "help")) {
                if (argi + 1 >= argc) {
                        print_main_help();
                        return EXIT_OK;
                }
                name = argv[argi + 1];
        }
        cli.cmd = find_command(name);
        if (!cli.cmd) {
                fprintf(stderr, "jailor: unknown command '%s'; see 'jailor --help'\n", name);
                return EXIT_USAGE;
        }
        if (STREQ(argv[argi], "help")) {
                cli_print_command_help(cli.cmd);
                return EXIT_OK;
        }

        r = jailor_ctx_init(&cli.ctx, &err);
        if (r < 0)
                return cli_fail(&err);
        cli.ctx.warn = warn_to_stderr;
        r = cli.cmd->run(&cli, argc - argi, argv + argi);
        jailor_ctx_done(&cli.ctx);
        return r;
}
