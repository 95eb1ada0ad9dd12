/* SPDX-License-Identifier: MIT */
/* jailor fstab -a|-r|-e|-l JAIL ... (iocage fstab) */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jail/fstab.h"
#include "output.h"
#include "pool.h"
#include "util/cleanup.h"
#include "views.h"

#define FSTAB_MAX_ARGS 8 /* JAIL and at most SRC DST TYPE OPTIONS DUMP PASS */

enum fstab_action { FSTAB_NONE, FSTAB_ADD, FSTAB_REMOVE, FSTAB_EDIT, FSTAB_LIST };

static bool is_index(const char *s)
{
        if (!*s)
                return false;
        for (; *s; s++)
                if (!isdigit((unsigned char)*s))
                        return false;
        return true;
}

static int parse_index(struct cli *cli, const char *s, size_t *ret)
{
        char *end;

        errno = 0;
        *ret = is_index(s) ? strtoul(s, &end, 10) : 0;
        if (!is_index(s) || errno)
                return cli_usage_error(cli, "invalid index '%s': expected a number from 'fstab -l'",
                                       s);
        return 0;
}

/* [ro|rw]: read-only unless rw is asked for. */
static int parse_access(struct cli *cli, char **args, size_t n, size_t at, bool *rw)
{
        *rw = false;
        if (n <= at)
                return 0;
        if (n > at + 1)
                return cli_usage_error(cli, "unexpected argument '%s'", args[at + 1]);
        if (!STREQ(args[at], "ro") && !STREQ(args[at], "rw"))
                return cli_usage_error(cli, "invalid access '%s': expected ro or rw", args[at]);
        *rw = STREQ(args[at], "rw");
        return 0;
}

static void print_json_entry(const struct fstab_entry *e, size_t index)
{
        json_t *o = fstab_entry_to_json(e, index);

        output_json(o);
        json_decref(o);
}

/* iocage's -h lines: idx, src, dst, type, options, dump, pass, paths escaped as in the file. */
static void print_tabs(const struct fstab_entry *v, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *line = fstab_format(&v[i]);
                char *comment = line ? strstr(line, "\t#") : NULL;

                /* the file's line without its comment */
                if (comment)
                        strcpy(comment, "\n");
                if (line)
                        printf("%zu\t%s", i, line);
        }
}

static int list(struct cli *cli, struct storage *s, const char *name, bool tabs)
{
        struct fstab_entry *v = NULL;
        struct jailor_error err = {0};
        size_t n = 0;
        int r;

        r = jail_fstab_list(&cli->ctx, s, name, &v, &n, &err);
        if (r < 0)
                return cli_fail(&err);
        if (cli->json) {
                json_t *a = fstab_entries_to_json(v, n);

                output_json(a);
                json_decref(a);
        } else if (tabs) {
                print_tabs(v, n);
        } else {
                static const char *const headers[] = {"INDEX", "SRC",     "DST",
                                                      "TYPE",  "OPTIONS", NULL};
                struct table *t = table_new(headers);

                for (size_t i = 0; t && i < n; i++) {
                        char index[24];

                        snprintf(index, sizeof(index), "%zu", i);
                        table_add_row(t, (const char *const[]){index, v[i].src, v[i].dst, v[i].type,
                                                               v[i].options});
                }
                if (t)
                        table_print(t, stdout, TABLE_BORDERED);
                table_free(t);
        }
        fstab_entries_free(v, n);
        return EXIT_OK;
}

static int add(struct cli *cli, struct storage *s, char **args, size_t n)
{
        struct fstab_mount m = {0};
        struct jailor_error err = {0};
        size_t index = 0;
        int r;

        if (n < 3)
                return cli_usage_error(cli, "-a expects JAIL SRC DST [ro|rw]");
        r = parse_access(cli, args, n, 3, &m.rw);
        if (r != 0)
                return r;
        m.src = args[1];
        m.dst = args[2];
        if (jail_fstab_add(&cli->ctx, s, args[0], &m, &index, &err) < 0)
                return cli_fail(&err);
        if (cli->json) {
                struct fstab_entry *v = NULL;
                size_t count = 0;

                if (jail_fstab_list(&cli->ctx, s, args[0], &v, &count, &err) < 0)
                        return cli_fail(&err);
                if (index < count)
                        print_json_entry(&v[index], index);
                fstab_entries_free(v, count);
        } else {
                printf("Successfully added mount to %s's fstab\n", args[0]);
        }
        return EXIT_OK;
}

static int edit(struct cli *cli, struct storage *s, char **args, size_t n)
{
        struct fstab_mount m = {0};
        struct jailor_error err = {0};
        size_t index;
        int r;

        if (n < 4)
                return cli_usage_error(cli, "-e expects JAIL INDEX SRC DST [ro|rw]");
        r = parse_index(cli, args[1], &index);
        if (r == 0)
                r = parse_access(cli, args, n, 4, &m.rw);
        if (r != 0)
                return r;
        m.src = args[2];
        m.dst = args[3];
        if (jail_fstab_edit(&cli->ctx, s, args[0], index, &m, &err) < 0)
                return cli_fail(&err);
        if (cli->json) {
                json_t *o = json_pack("{s:I}", "replaced", (json_int_t)index);

                output_json(o);
                json_decref(o);
        } else {
                printf("Index %zu replaced.\n", index);
        }
        return EXIT_OK;
}

static int remove_entry(struct cli *cli, struct storage *s, char **args, size_t n)
{
        _cleanup_strv_free_ char **split = NULL;
        struct fstab_match m = {0};
        struct fstab_entry removed = {0};
        struct jailor_error err = {0};
        int r;

        if (n < 2)
                return cli_usage_error(cli, "-r expects JAIL INDEX or JAIL SRC DST [...]");
        if (n == 2 && is_index(args[1])) {
                m.by_index = true;
                r = parse_index(cli, args[1], &m.index);
                if (r != 0)
                        return r;
        } else if (n == 2) {
                /* one quoted line, as in the file */
                if (fstab_split(args[1], &split, &m.n_fields, NULL) < 0)
                        return cli_fail(&(struct jailor_error){ENOMEM, "Out of memory"});
                m.fields = split;
        } else {
                m.fields = args + 1;
                m.n_fields = n - 1;
        }
        if (jail_fstab_remove(&cli->ctx, s, args[0], &m, &removed, &err) < 0)
                return cli_fail(&err);
        if (cli->json) {
                json_t *o = fstab_entry_to_json(&removed, m.index);

                /* matched by its fields: where it was does not matter any more */
                if (!m.by_index)
                        json_object_del(o, "index");
                output_json(o);
                json_decref(o);
        } else {
                printf("Successfully removed mount from %s's fstab\n", args[0]);
        }
        fstab_entry_done(&removed);
        return EXIT_OK;
}

static int cmd_fstab(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {
            {"add", no_argument, NULL, 'a'},
            {"remove", no_argument, NULL, 'r'},
            {"edit", no_argument, NULL, 'e'},
            {"replace", no_argument, NULL, 'R'},
            {"list", no_argument, NULL, 'l'},
            {"header", no_argument, NULL, 'h'},
            {0},
        };
        enum fstab_action action = FSTAB_NONE, chosen;
        struct jailor_error err = {0};
        char *args[FSTAB_MAX_ARGS];
        struct storage *s = NULL;
        bool tabs = false;
        size_t n = 0;
        int c, r;

        /* options may come anywhere: "fstab -l web -h" */
        for (;;) {
                c = cli_getopt(cli, argc, argv, "areRlhH", longopts);
                if (c == -1) {
                        if (optind >= argc)
                                break;
                        if (n == FSTAB_MAX_ARGS)
                                return cli_usage_error(cli, "unexpected argument '%s'",
                                                       argv[optind]);
                        args[n++] = argv[optind++];
                        continue;
                }
                switch (c) {
                case 'a':
                        chosen = FSTAB_ADD;
                        break;
                case 'r':
                        chosen = FSTAB_REMOVE;
                        break;
                case 'e':
                case 'R':
                        chosen = FSTAB_EDIT;
                        break;
                case 'l':
                        chosen = FSTAB_LIST;
                        break;
                case 'h':
                case 'H':
                        tabs = true;
                        continue;
                default:
                        return CLI_OPTIONS_DONE(c);
                }
                if (action != FSTAB_NONE && action != chosen)
                        return cli_usage_error(cli, "-a, -r, -e and -l exclude each other");
                action = chosen;
        }
        if (action == FSTAB_NONE)
                return cli_usage_error(cli, "expected one of -a, -r, -e or -l");
        if (n == 0)
                return cli_usage_error(cli, "expected a jail");
        if (action == FSTAB_LIST && n > 1)
                return cli_usage_error(cli, "unexpected argument '%s'", args[1]);
        if (pool_open(&cli->ctx, &s, &err) < 0)
                return cli_fail(&err);
        switch (action) {
        case FSTAB_ADD:
                r = add(cli, s, args, n);
                break;
        case FSTAB_REMOVE:
                r = remove_entry(cli, s, args, n);
                break;
        case FSTAB_EDIT:
                r = edit(cli, s, args, n);
                break;
        default:
                r = list(cli, s, args[0], tabs);
                break;
        }
        storage_free(s);
        return r;
}

const struct cli_command cli_fstab_commands[] = {
    {"fstab", cmd_fstab, "-a|-r|-e|-l JAIL [INDEX] [SRC DST [ro|rw]]",
     "Add, remove, replace or list a jail's mount points (bind mounts from the host)",
     "  -a, --add            JAIL SRC DST [ro|rw]: bind host path SRC at DST in the jail\n"
     "                       (read-only unless rw; DST is made when missing)\n"
     "  -r, --remove         JAIL INDEX, or JAIL SRC DST [...]: remove that entry\n"
     "  -e, --edit           JAIL INDEX SRC DST [ro|rw]: replace entry INDEX (also -R)\n"
     "  -l, --list           JAIL: list the entries\n"
     "  -h, -H, --header     with -l: tab-separated, no header (for scripts)\n"},
    {0},
};
