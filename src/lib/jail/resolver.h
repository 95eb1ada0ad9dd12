/* SPDX-License-Identifier: MIT */
/*
 * The jail's /etc/resolv.conf from its `resolver` property (SPEC §7):
 *
 *   /etc/resolv.conf   a copy of the host's file
 *   none, /dev/null    the jail's own file is left alone
 *   LINE;LINE...       those lines, one a line
 *
 * (iocage copies the host's file for `none` too; SPEC §7 says `none` leaves
 * the jail's file, as `/dev/null` does in iocage.)
 *
 * A host running systemd-resolved usually has the stub file, whose only
 * server is 127.0.0.53: a loopback address, which in a jail's own network
 * namespace is the jail's loopback, where nothing answers.  So when the
 * host's file names 127.0.0.53, the jail gets resolved's list of the real
 * upstream servers, /run/systemd/resolve/resolv.conf, when it exists (if it
 * does not, the host's file is copied as it is).  Other loopback servers
 * (a local dnsmasq or unbound on 127.0.0.1) are copied as they are: there is
 * no other list to take them from.
 *
 * DNS is never proxied: the proxy settings of proxy.h are for HTTP(S) only.
 */
#pragma once

#include "../error.h"

#define RESOLVER_HOST_FILE "/etc/resolv.conf"
#define RESOLVER_RESOLVED_UPSTREAM_FILE "/run/systemd/resolve/resolv.conf"
#define RESOLVER_RESOLVED_STUB "127.0.0.53"

/*
 * What the jail's /etc/resolv.conf must hold for the resolver property
 * value: 0 with *ret the text (the caller frees it), or 0 with *ret NULL
 * when the jail's file is to be left alone (none, /dev/null).  host_file
 * and resolved_file name the host's files (NULL: RESOLVER_HOST_FILE and
 * RESOLVER_RESOLVED_UPSTREAM_FILE; tests pass their own).  A malformed
 * value is EINVAL naming it; a host file that cannot be read is an error
 * naming the file.
 */
int resolver_content(const char *value, const char *host_file, const char *resolved_file,
                     char **ret, struct jailor_error *err);

/*
 * Writes content as root's /etc/resolv.conf, atomically, mode 0644, the
 * path resolved inside root.  A symbolic link there (Debian with resolvconf
 * or systemd-resolved points it at /run/...) is replaced by a regular file,
 * never followed: the file is the jail's, whatever the link said.
 */
int jail_write_resolv_conf(const char *root, const char *content, struct jailor_error *err);
