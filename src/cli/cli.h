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

/* The command tables, one per file, each ending with an entry whose name is NULL. */
extern const struct cli_command cli_pool_commands[];     /* cmd_pool.c */
extern const struct cli_command cli_props_commands[];    /* cmd_props.c */
extern const struct cli_command cli_release_commands[];  /* cmd_release.c */
extern const struct cli_command cli_jail_commands[];     /* cmd_jail.c */
extern const struct cli_command cli_runtime_commands[];  /* cmd_runtime.c */
extern const struct cli_command cli_list_commands[];     /* cmd_list.c */
extern const struct cli_command cli_snapshot_commands[]; /* cmd_snapshot.c */
extern const struct cli_command cli_fstab_commands[];    /* cmd_fstab.c */
extern const struct cli_command cli_image_commands[];    /* cmd_image.c */
extern const struct cli_command cli_serve_commands[];    /* cmd_serve.c */
extern const struct cli_command cli_tune_commands[];     /* cmd_tune.c */

/* list -r, for cmd_list.c: prints the fetched releases (tabs: -h format). */
int cli_list_releases(struct cli *cli, bool tabs);
