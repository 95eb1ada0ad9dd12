/* SPDX-License-Identifier: MIT */
/* The jail's /etc/resolv.conf (see resolver.h for the choices). */
#include "resolver.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../props/parse.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

/* Whether one of text's lines is "nameserver 127.0.0.53". */
static bool names_resolved_stub(const char *text)
{
        const char *line = text;

        while (line) {
                char addr[64];

                if (sscanf(line, " nameserver %63s", addr) == 1 && STREQ(addr, RESOLVER_RESOLVED_STUB))
                        return true;
                line = strchr(line, '\n');
                if (line)
                        line++;
        }
        return false;
}

static int host_content(const char *host_file, const char *resolved_file, char **ret,
                        struct jailor_error *err)
{
        _cleanup_free_ char *text = NULL;
        int r = read_file(host_file, &text, NULL, err);

        if (r < 0)
                return jailor_error_prefix(err, "resolver=/etc/resolv.conf copies the host's file");
        /* resolved's stub is unreachable from a jail's namespace: take its upstream list */
        if (names_resolved_stub(text) && path_exists(resolved_file)) {
                free(text);
                text = NULL;
                r = read_file(resolved_file, &text, NULL, err);
                if (r < 0)
                        return jailor_error_prefix(err, "'%s' names systemd-resolved's stub",
                                                   host_file);
        }
        *ret = TAKE_PTR(text);
        return 0;
}

static char *lines_content(char *const *lines)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return NULL;
        for (size_t i = 0; lines[i]; i++)
                fprintf(f, "%s\n", lines[i]);
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

int resolver_content(const char *value, const char *host_file, const char *resolved_file,
                     char **ret, struct jailor_error *err)
{
        struct resolver res;
        int r;

        *ret = NULL;
        r = parse_resolver("resolver", value, &res, err);
        if (r < 0)
                return r;
        switch (res.kind) {
        case RESOLVER_NONE:
                r = 0;
                break;
        case RESOLVER_HOST:
                r = host_content(host_file ? host_file : RESOLVER_HOST_FILE,
                                 resolved_file ? resolved_file : RESOLVER_RESOLVED_UPSTREAM_FILE,
                                 ret, err);
                break;
        case RESOLVER_LINES:
                *ret = lines_content(res.lines);
                r = *ret ? 0 : jailor_error_set(err, ENOMEM, "Out of memory");
                break;
        }
        resolver_done(&res);
        return r;
}

int jail_write_resolv_conf(const char *root, const char *content, struct jailor_error *err)
{
        return write_file_atomic_in_root(root, "/etc/resolv.conf", content, strlen(content), 0644,
                                         err);
}
