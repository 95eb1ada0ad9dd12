/* SPDX-License-Identifier: MIT */
/*
 * offload-harness: hardware offloading (src/lib/net/offload.h) as commands,
 * for test_offload.py, which runs it inside a network namespace of its own.
 *
 *   offload-harness active IFNAME     {"on": BOOL, "which": "tso, gso"}
 *   offload-harness disable IFNAME    offload_disable
 *   offload-harness physical IFNAME   "yes" or "no"
 *
 * A failure prints "ERRNAME: message" on stderr and exits 1; bad usage exits 2.
 */
#include <stdio.h>
#include <string.h>

#include "net/offload.h"
#include "util/cleanup.h"

static struct jailor_error E;

static int fail(int r)
{
        fprintf(stderr, "%s: %s\n", strerrorname_np(-r) ? strerrorname_np(-r) : "?", E.msg);
        return 1;
}

int main(int argc, char **argv)
{
        char which[OFFLOAD_NAMES_MAX];
        bool on;
        int r;

        if (argc != 3) {
                fprintf(stderr, "usage: offload-harness active|disable|physical IFNAME\n");
                return 2;
        }
        if (STREQ(argv[1], "active")) {
                r = offload_active(argv[2], which, sizeof(which), &on, &E);
                if (r < 0)
                        return fail(r);
                printf("{\"on\": %s, \"which\": \"%s\"}\n", on ? "true" : "false", which);
                return 0;
        }
        if (STREQ(argv[1], "disable")) {
                r = offload_disable(argv[2], &E);
                return r < 0 ? fail(r) : 0;
        }
        if (STREQ(argv[1], "physical")) {
                puts(iface_is_physical(argv[2]) ? "yes" : "no");
                return 0;
        }
        fprintf(stderr, "usage: offload-harness active|disable|physical IFNAME\n");
        return 2;
}
