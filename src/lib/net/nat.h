/* SPDX-License-Identifier: MIT */
/*
 * NAT for jails (SPEC §7, nat=on): masquerade of a jail's private address
 * out of nat_interface, and nat_forwards (host ports DNATed to the jail).
 *
 * Everything lives in jailor's own nftables table, `table ip jailor`, in
 * the network namespace of the caller (the host's).  jailor never reads,
 * changes or flushes any other table.  The table's chains and rules are the
 * same for every jail; what belongs to a jail is only set and map elements,
 * each with the comment "jailor:NAME" (layout in nat_script.c and
 * docs/ARCHITECTURE.md, "Networking: NAT").  So:
 *
 *   - adding or removing a jail is one nftables transaction (libnftables
 *     runs a whole buffer at once): all of it happens, or nothing;
 *   - the kernel refuses a host port or an address claimed twice (the
 *     elements are created with `create element`), and the state that
 *     conflicts are judged on is read back from the kernel, never from a
 *     file a killed jailor could leave stale;
 *   - the table is made by the first jail's add and deleted with the last
 *     jail's elements, so a host without NAT jails has no jailor table.
 *
 * Changes are serialised among jailor processes by the lock "nat"
 * ($JAILOR_RUN_DIR/locks/nat.lock).
 *
 * Forwarding: masquerade and DNAT need net.ipv4.ip_forward=1 in the
 * namespace where NAT happens.  The caller sets it (sysctl_net_write() in
 * sysctl.c): it is a host-wide policy, not a side effect of nat_add_jail.
 */
#pragma once

#include <netinet/in.h>
#include <stddef.h>

#include "../context.h"
#include "../error.h"
#include "../props/parse.h"

#define NAT_TABLE "jailor" /* table ip jailor */
#define NAT_TAG "jailor:"  /* every element's comment: jailor:NAME */

struct nat_jail {
        const char *name;                    /* the jail; tags every element */
        struct in_addr addr;                 /* its private address */
        const char *out_iface;               /* nat_interface, resolved: masquerade out of it */
        const struct nat_forwards *forwards; /* NULL or empty: no forwards */
};

/*
 * Masquerades jail->addr out of jail->out_iface and forwards its
 * nat_forwards, replacing whatever the table held for jail->name (a stale
 * claim of a killed run of the same jail).  A host port (per protocol) or
 * an address that another jail holds fails with -EADDRINUSE and a message
 * naming both jails and the port, changing nothing.
 */
int nat_add_jail(const struct jailor_ctx *ctx, const struct nat_jail *jail,
                 struct jailor_error *err);

/*
 * Removes every element of the jail, and the table when nothing else is
 * left in it.  Nothing there (never added, already removed, no table) is
 * success: a killed supervisor's cleanup may call it blindly.
 */
int nat_remove_jail(const struct jailor_ctx *ctx, const char *name, struct jailor_error *err);

/*
 * The jails that hold elements in the table, sorted, as a NULL-terminated
 * vector (empty when there is no table).  A caller that knows which jails
 * run can remove the claims of those that do not.
 */
int nat_list_jails(char ***ret_names, struct jailor_error *err);

/*
 * The private addresses the table gives jails other than except (for
 * nat_pick_address); *ret is malloc'd.
 */
int nat_taken_addresses(const char *except, struct in_addr **ret, size_t *ret_n,
                        struct jailor_error *err);

/* ---- private addresses (nat_addr.c, pure) ----------------------------- */

/*
 * The NAT subnet of nat_prefix X.Y, as iocage draws from: X.Y.0.0/16, one
 * bridge for every NAT jail, the host's end (the jails' gateway) X.Y.0.1.
 */
struct nat_subnet {
        struct in_addr network, gateway;
        unsigned prefixlen;
};

void nat_subnet(const struct nat_prefix *prefix, struct nat_subnet *ret);

/*
 * A jail's address in the subnet, derived from its name alone, so a jail
 * keeps its address from start to start whatever else runs (iocage hands
 * out the first free /30 instead, which moves with start order).  An
 * address in taken (n_taken of them, any others ignored), the gateway, the
 * network and broadcast addresses, and X.Y.Z.0/X.Y.Z.255 are skipped by
 * probing onwards.  -EADDRNOTAVAIL when every address is taken.
 */
int nat_pick_address(const struct nat_prefix *prefix, const char *name, const struct in_addr *taken,
                     size_t n_taken, struct in_addr *ret, struct jailor_error *err);
