/* SPDX-License-Identifier: MIT */
/* jailor fetch | list -r | clean -d | destroy -r: releases (SPEC §4). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "pool.h"
#include "progress.h"
#include "release/release.h"
#include "util/cleanup.h"

static void print_fetchable(struct cli *cli, json_t *list)
{
        static const char *const headers[] = {"RELEASE", "DEBIAN", "FETCHED", NULL};
        struct table *t;
        size_t i;
        json_t *r;

        if (cli->json) {
                output_json(list);
                return;
        }
        t = table_new(headers);
        json_array_foreach(list, i, r) {
                char version[32];
                const char *row[4];

                snprintf(version, sizeof(version), "%d%s",
                         (int)json_integer_value(json_object_get(r, "version")),
                         json_is_true(json_object_get(r, "newer_than_host")) ? " (newer than host)"
                                                                             : "");
                row[0] = json_string_value(json_object_get(r, "name"));
                row[1] = version;
                row[2] = json_is_true(json_object_get(r, "fetched")) ? "yes" : "no";
                row[3] = NULL;
                if (t)
                        table_add_row(t, row);
        }
        if (t)
                table_print(t, stdout, TABLE_BORDERED);
        table_free(t);
}

static int cmd_fetch(struct cli *cli, int argc, char **argv)
{
        enum { OPT_URL = 1, OPT_SHA256, OPT_FORCE, OPT_LIST, OPT_ALL, OPT_TARBALL };
        static const struct option longopts[] = {
                {"release", required_argument, NULL, 'r'},
                {"file", required_argument, NULL, 'f'},
                {"url", required_argument, NULL, OPT_URL},
                {"sha256", required_argument, NULL, OPT_SHA256},
                {"force", no_argument, NULL, OPT_FORCE},
                {"list", no_argument, NULL, OPT_LIST},
                {"all", no_argument, NULL, OPT_ALL},
                {"tarball", required_argument, NULL, OPT_TARBALL},
                {0},
        };
        struct fetch_request req = {0};
        struct jailor_error err = {0};
        struct storage *s = NULL;
        bool list = false, all = false;
        int c, r;

        while ((c = cli_getopt(cli, argc, argv, "r:f:", longopts)) != -1) {
                switch (c) {
                case 'r': req.name = optarg; break;
                case 'f': req.file = optarg; break;
                case OPT_URL: req.url = optarg; break;
                case OPT_SHA256: req.sha256 = optarg; break;
                case OPT_FORCE: req.force = true; break;
                case OPT_LIST: list = true; break;
                case OPT_ALL: all = true; break;
                case OPT_TARBALL: req.tarball = optarg; break;
                default: return CLI_OPTIONS_DONE(c);
                }
        }
        if (optind != argc)
                return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
        if (list == !!req.name)
                return cli_usage_error(cli, "give either -r RELEASE or --list");
        if (all && !list)
                return cli_usage_error(cli, "--all goes with --list");
        if (pool_open(&cli->ctx, &s, &err) < 0)
                return cli_fail(&err);
        if (list) {
                json_t *fetchable = NULL;

                r = release_fetchable(s, all, &fetchable, &err);
                storage_free(s);
                if (r < 0)
                        return cli_fail(&err);
                print_fetchable(cli, fetchable);
                json_decref(fetchable);
                return EXIT_OK;
        }
        progress_attach(&cli->ctx);
        r = release_fetch(&cli->ctx, s, &req, &err);
        progress_finish(&cli->ctx);
        storage_free(s);
        if (r < 0)
                return cli_fail(&err);
        if (!cli->json)
                printf("Release '%s' fetched\n", req.name);
        return EXIT_OK;
}

static void format_size(json_t *bytes, char *buf, size_t len)
{
        double v = (double)json_integer_value(bytes);
        const char *unit = "B";

        if (v >= 1 << 30) {
                v /= 1 << 30;
                unit = "G";
        } else if (v >= 1 << 20) {
                v /= 1 << 20;
                unit = "M";
        } else if (v >= 1 << 10) {
                v /= 1 << 10;
                unit = "K";
        }
        snprintf(buf, len, "%.1f%s", v, unit);
}

static int print_releases(struct cli *cli, json_t *list, bool tabs)
{
        static const char *const headers[] = {"NAME", "OS", "ORIGIN", "SIZE", "FETCHED", NULL};
        struct table *t;
        size_t i;
        json_t *r;

        if (cli->json) {
                output_json(list);
                return EXIT_OK;
        }
        t = table_new(headers);
        if (!t)
                return EXIT_FAILED;
        json_array_foreach(list, i, r) {
                json_t *os = json_object_get(r, "os_release");
                char size[32];
                const char *row[6];

                format_size(json_object_get(r, "size"), size, sizeof(size));
                row[0] = json_string_value(json_object_get(r, "name"));
                row[1] = json_is_true(json_object_get(r, "corrupt"))
                                 ? "CORRUPT"
                                 : json_string_value(json_object_get(os, "PRETTY_NAME"));
                row[2] = json_string_value(json_object_get(json_object_get(r, "origin"), "type"));
                row[3] = json_object_get(r, "size") ? size : NULL;
                row[4] = json_string_value(json_object_get(r, "fetched_at"));
                row[5] = NULL;
                table_add_row(t, row);
        }
        table_print(t, stdout, tabs ? TABLE_TABS : TABLE_BORDERED);
        table_free(t);
        return EXIT_OK;
}

int cli_list_releases(struct cli *cli, bool tabs)
{
        struct jailor_error err = {0};
        struct storage *s = NULL;
        json_t *list = NULL;
        int r;

        if (pool_open(&cli->ctx, &s, &err) < 0)
                return cli_fail(&err);
        r = release_list(s, &list, &err);
        storage_free(s);
        if (r < 0)
                return cli_fail(&err);
        r = print_releases(cli, list, tabs);
        json_decref(list);
        return r;
}

static int cmd_clean(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {{"download", no_argument, NULL, 'd'}, {0}};
        struct jailor_error err = {0};
        struct storage *s = NULL;
        bool downloads = false;
        int c, r;

        while ((c = cli_getopt(cli, argc, argv, "d", longopts)) != -1) {
                if (c == 'd')
                        downloads = true;
                else
                        return CLI_OPTIONS_DONE(c);
        }
        if (optind != argc)
                return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
        if (!downloads)
                return cli_usage_error(cli, "say what to clean: -d (downloads)");
        if (pool_open(&cli->ctx, &s, &err) < 0)
                return cli_fail(&err);
        r = release_clean_downloads(&cli->ctx, s, &err);
        storage_free(s);
        if (r < 0)
                return cli_fail(&err);
        if (!cli->json)
                printf("Downloads removed\n");
        return EXIT_OK;
}

const struct cli_command cli_release_commands[] = {
        {"fetch", cmd_fetch, "-r RELEASE [-f FILE | --url URL --sha256 HEX] [--force] | --list [--all]",
         "Fetch a release: a Debian suite through debootstrap, or a root file system archive",
         "  -r, --release REL   the release's name (a Debian suite unless -f/--url)\n"
         "  -f, --file FILE     a local root file system archive (tar, .gz, .xz, .zst)\n"
         "      --url URL       download the archive from URL ...\n"
         "      --sha256 HEX    ... and refuse it unless its SHA-256 is HEX\n"
         "      --tarball FILE  a Debian suite from packages saved by 'debootstrap\n"
         "                      --make-tarball' (offline hosts), not from the mirror\n"
         "      --force         fetch a suite newer than the host's Debian\n"
         "      --list          the Debian suites that can be fetched\n"
         "      --all           with --list: also those newer than the host\n"},
        {"clean", cmd_clean, "-d", "Remove downloaded files; releases and jails are untouched",
         "  -d, --download      empty the download area\n"},
        {0},
};
