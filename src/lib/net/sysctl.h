/* SPDX-License-Identifier: MIT */
/*
 * Network sysctls of the caller's own network namespace: /proc/sys/net
 * shows the namespace of whoever opens it, so a jail's settings
 * (net.ipv6.conf.vnet0.accept_ra=2) are written by a process inside the
 * jail's namespace.
 *
 * Keys are written as sysctl(8) writes them: "net.ipv4.ip_forward", or
 * with '/' separators when a component holds a dot, as an interface name
 * may: "net/ipv6/conf/eth0.5/accept_ra".  Only keys under net are taken.
 */
#pragma once

#include <stddef.h>

#include "../error.h"

int sysctl_net_write(const char *key, const char *value, struct jailor_error *err);

/* The value, without its trailing newline, into buf. */
int sysctl_net_read(const char *key, char *buf, size_t size, struct jailor_error *err);
