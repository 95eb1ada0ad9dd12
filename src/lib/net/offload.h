/* SPDX-License-Identifier: MIT */
/*
 * Hardware offloading of an interface joining a jail bridge (SPEC §7:
 * jailor warns that it is on and turns it off with
 * vnet_default_interface_offload=off).
 *
 * The offloads that matter for bridged traffic, named as `ethtool -K`
 * names them, each a group of the kernel's features:
 *   tso  tx-tcp*-segmentation: tx-tcp-segmentation, tx-tcp-ecn-segmentation,
 *        tx-tcp-mangleid-segmentation, tx-tcp6-segmentation, and those
 *        newer kernels add (tx-tcp-accecn-segmentation)
 *   gso  tx-generic-segmentation
 *   gro  rx-gro
 *   lro  rx-lro
 * Spoken through the ethtool ioctl (SIOCETHTOOL) with the feature-string
 * interface (ETHTOOL_GSSET_INFO/GSTRINGS for ETH_SS_FEATURES, then
 * ETHTOOL_GFEATURES/SFEATURES): one read gives every feature with whether
 * it can change, one write changes them all; the legacy per-offload
 * commands (ETHTOOL_GTSO, STSO, ...) need a call each and cannot tell a
 * fixed feature from a changeable one.  The ioctl socket is made in the
 * caller's network namespace, so these act there: a physical interface
 * lives in the host's.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "../error.h"

/* Room for the longest list of names: "tso, gso, gro, lro". */
#define OFFLOAD_NAMES_MAX 32

/*
 * Whether any of the offloads above is on for ifname: *ret_on, and the
 * ones that are on in which ("tso, gso", "" when none).  ENODEV "No
 * network interface 'NAME'" for an unknown interface.
 */
int offload_active(const char *ifname, char *which, size_t len, bool *ret_on,
                   struct jailor_error *err);

/*
 * Turns every offload above off.  Features the driver does not let change
 * are left; if one of them stays on, EOPNOTSUPP naming the offloads still
 * on (everything that could be turned off is off by then).
 */
int offload_disable(const char *ifname, struct jailor_error *err);

/* Whether ifname is backed by a device (/sys/class/net/NAME/device): a NIC, not veth/bridge/lo. */
bool iface_is_physical(const char *ifname);
