/* SPDX-License-Identifier: MIT */
/*
 * The jailor command line: a table of commands (main.c), one file per group
 * of commands, one output layer (output.c).  Each command parses its own
 * options, calls the library, and prints the result or the error once.
 */
#pragma once

#include <getopt.h>
#include <stdbool.h>

#include "context.h"
#include "error.h"

/* Exit statuses. */
enum {
        EXIT_OK = 0,
        EXIT_FAILED = 1, /* the operation failed */
        EXIT_USAGE = 2,  /* the command line was wrong */
};

struct cli {
        struct jailor_ctx ctx;
        bool json;                    /* --json: machine-readable output */
        const struct cli_command *cmd;
};

struct cli_command {
        const char *name;
        int (*run)(struct cli *cli, int argc, char **argv);
        const char *args;     /* "POOL", "PROP|all JAIL|default" */
        const char *summary;  /* one line for `jailor --help` */
        const char *options;  /* option lines for `jailor COMMAND --help`, or NULL */
};

/* Prints "jailor: <message>" for a library error; returns EXIT_FAILED. */
int cli_fail(const struct jailor_error *err);

/* Prints "jailor COMMAND: <message>" and a hint; returns EXIT_USAGE. */
int cli_usage_error(const struct cli *cli, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

void cli_print_command_help(const struct cli_command *cmd);

/*
 * Parses the options every command shares (--help, --json; -h is help unless
 * the command's shortopts claim it) together with the command's own.
 * Returns the option character, -1 at the end, OPT_HELP after printing help
 * (the caller returns EXIT_OK), or '?' after printing a usage error.
 */
enum { OPT_HELP = 0x101 };
#define CLI_OPTIONS_DONE(c) ((c) == OPT_HELP ? EXIT_OK : EXIT_USAGE)

int cli_getopt(struct cli *cli, int argc, char **argv, const char *shortopts,
               const struct option *longopts);

/* Commands, grouped by file. */
int cmd_activate(struct cli *cli, int argc, char **argv);
int cmd_deactivate(struct cli *cli, int argc, char **argv);
int cmd_pools(struct cli *cli, int argc, char **argv);
int cmd_get(struct cli *cli, int argc, char **argv);
int cmd_set(struct cli *cli, int argc, char **argv);
int cmd_fetch(struct cli *cli, int argc, char **argv);
int cmd_list(struct cli *cli, int argc, char **argv);
int cmd_clean(struct cli *cli, int argc, char **argv);
int cmd_destroy(struct cli *cli, int argc, char **argv);
