/* SPDX-License-Identifier: MIT */
/*
 * resolver-harness: the jail's resolv.conf (src/lib/jail/resolver.h) as
 * commands, for test_resolver.py, which makes the jail roots.
 *
 *   resolver-harness write ROOT          jail_write_resolv_conf with stdin as content
 *   resolver-harness apply ROOT VALUE    resolver_content(VALUE) from the host's real
 *                                        files, then written unless it says "leave"
 *
 * apply prints "written" or "left".  A failure prints "ERRNAME: message"
 * on stderr and exits 1; bad usage exits 2.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jail/resolver.h"
#include "util/cleanup.h"

static struct jailor_error E;

static int fail(int r)
{
        fprintf(stderr, "%s: %s\n", strerrorname_np(-r) ? strerrorname_np(-r) : "?", E.msg);
        return 1;
}

static char *read_stdin(void)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        char chunk[4096];
        size_t n;

        if (!f)
                return NULL;
        while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
                fwrite(chunk, 1, n, f);
        fclose(f);
        return buf;
}

int main(int argc, char **argv)
{
        _cleanup_free_ char *content = NULL;
        int r;

        if (argc == 3 && STREQ(argv[1], "write")) {
                content = read_stdin();
                if (!content)
                        return 2;
                r = jail_write_resolv_conf(argv[2], content, &E);
                return r < 0 ? fail(r) : 0;
        }
        if (argc == 4 && STREQ(argv[1], "apply")) {
                r = resolver_content(argv[3], NULL, NULL, &content, &E);
                if (r == 0 && content)
                        r = jail_write_resolv_conf(argv[2], content, &E);
                if (r < 0)
                        return fail(r);
                puts(content ? "written" : "left");
                return 0;
        }
        fprintf(stderr, "usage: resolver-harness write ROOT | apply ROOT VALUE\n");
        return 2;
}
