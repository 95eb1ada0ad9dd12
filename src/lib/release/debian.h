/* SPDX-License-Identifier: MIT */
/*
 * Debian suites as releases: which suites exist, which the host may run
 * (none newer than the host's own Debian version, SPEC §4), and which
 * mirror the host's apt already uses.
 */
#pragma once

#include <stdbool.h>

#include "../error.h"

struct debian_suite {
        const char *name;   /* "bookworm" */
        int version;        /* 12 */
};

/* Known suites, oldest first, terminated by {NULL, 0}. */
extern const struct debian_suite debian_suites[];

const struct debian_suite *debian_suite_find(const char *name);

/*
 * The host's Debian major version from os_release_path (normally
 * /etc/os-release): 12 for bookworm; 0 when the host is not Debian (then
 * there is no limit).
 */
int debian_host_version(const char *os_release_path);

/*
 * The first Debian mirror in the host's apt sources (one-line and deb822
 * formats, under apt_dir, normally /etc/apt), or the default
 * http://deb.debian.org/debian when none is configured.
 */
int debian_host_mirror(const char *apt_dir, char **ret, struct jailor_error *err);
