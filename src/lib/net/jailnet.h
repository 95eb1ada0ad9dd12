/* SPDX-License-Identifier: MIT */
/*
 * A jail's network (SPEC §7): what its properties ask for, as a plan
 * (jailnet_plan_from_props, pure: the checks of create, set and start), and
 * the links, addresses and routes that make it real (jailnet_setup, run by
 * the supervisor between making the jail's namespaces and letting its init
 * go on), then undone (jailnet_teardown).
 *
 * The modes:
 *
 *   none     nothing set: the jail's own network namespace with only
 *            loopback up
 *   inherit  ip4=inherit or ip6=inherit: no namespace of its own, the host's
 *            stack
 *   shared   ip4_addr/ip6_addr without vnet: a macvlan of the host interface
 *            each address names (or of the default-route one), inside the
 *            jail under that interface's name
 *   vnet     vnet=on: a veth pair per vnetN of `interfaces`, the host end
 *            vnetN.JID in the named bridge, the jail end vnetN; with nat=on,
 *            vnet0 is on jailor's NAT bridge instead, with an address of
 *            nat_prefix
 *
 * Details and decisions: docs/networking.md.
 */
#pragma once

#include <jansson.h>
#include <net/if.h>
#include <stdbool.h>
#include <sys/types.h>

#include "../context.h"
#include "../error.h"
#include "../props/parse.h"

#define JAILNET_MAX_NICS 8
#define JAILNET_MAX_ADDRS 16
/* The bridge of every NAT jail's vnet0; its address is the jails' gateway. */
#define JAILNET_NAT_BRIDGE "jailor-nat"

enum jailnet_mode {
        JAILNET_NONE,
        JAILNET_INHERIT,
        JAILNET_SHARED,
        JAILNET_VNET,
};

struct jailnet_addr {
        int family;
        union inet_addr addr;
        unsigned prefix; /* /24 or /64 when the value gave none */
};

struct jailnet_nic {
        char name[IFNAMSIZ];   /* in the jail: vnetN, or the host interface's name (shared) */
        char parent[IFNAMSIZ]; /* shared: the host interface; "" until start resolves auto */
        unsigned vnet;         /* vnet: N */
        char bridge[IFNAMSIZ]; /* vnet: the host bridge */
        struct mac_pair mac;   /* vnet: host side, jail side; generated when not set */
        unsigned mtu;          /* vnet: 0 follows the bridge */
        bool dhcp;             /* vnet0 with dhcp=on */
        bool slaac;            /* IFACE|accept_rtadv */
        bool nat;              /* vnet0 with nat=on */
        struct jailnet_addr addrs[JAILNET_MAX_ADDRS];
        size_t n_addrs;
};

struct jailnet_plan {
        enum jailnet_mode mode;
        bool ipv6_off; /* ip6=disable: no IPv6 in the jail's namespace */
        struct jailnet_nic nics[JAILNET_MAX_NICS];
        size_t n_nics;
        struct router router4, router6;
        struct iface_choice default_iface; /* vnet_default_interface */
        bool offload_off;                  /* vnet_default_interface_offload=off */
        unsigned default_mtu;              /* vnet_default_mtu */
        struct mac_prefix mac_prefix;
        bool nat;
        struct nat_prefix nat_prefix;
        struct iface_choice nat_iface;
        struct nat_forwards forwards;
};

/*
 * Reads the network properties of a jail (props: name -> canonical value,
 * as jail_props makes them) into a plan, refusing what cannot work
 * whatever the host has, one line each: DHCP, NAT or SLAAC without vnet,
 * NAT with DHCP, an address on a vnetN that `interfaces` does not list, a
 * gateway outside every subnet of the jail.  Nothing is looked up on the host.
 */
int jailnet_plan_from_props(json_t *props, struct jailnet_plan *ret, struct jailor_error *err);
void jailnet_plan_done(struct jailnet_plan *p);

/*
 * What only the host can tell: the host interfaces the plan names exist
 * (shared-IP parents, vnet_default_interface, nat_interface), looked up in
 * the caller's network namespace.
 */
int jailnet_check_host(const struct jailnet_plan *p, struct jailor_error *err);

/*
 * Two jails with one address: the static addresses of plan a and plan b
 * (jail names a_name, b_name), refused with one line naming both.
 */
int jailnet_check_overlap(const char *a_name, const struct jailnet_plan *a, const char *b_name,
                          const struct jailnet_plan *b, struct jailor_error *err);

/* Whether gw is in a subnet of one of the plan's static addresses of family. */
bool jailnet_reaches(const struct jailnet_plan *p, int family, const union inet_addr *gw);

/*
 * VNET interfaces whose vnetN_mac is "none" get their stable pair (iocage's
 * scheme: mac_prefix, then a hash of the jail's and interface's names); each
 * new value is added to changes as "vnetN_mac": "HOST JAIL", for the caller
 * to store in the jail's config, so it never changes again.
 */
int jailnet_assign_macs(struct jailnet_plan *p, const char *jail, json_t *changes,
                        struct jailor_error *err);

/* ---- at start and stop: run by the supervisor ---------------------------- */

struct jailnet;

struct jailnet_start {
        const struct jailor_ctx *ctx;
        const char *jail;     /* the jail's name: NAT tags, the lease file */
        const char *hostname; /* sent to the DHCP server */
        const struct jailnet_plan *plan;
        pid_t init;           /* the jail's init (its JID): its namespace, and host-side names */
        const char *root;     /* the jail's root as the supervisor sees it: resolv.conf */
        unsigned dhcp_timeout_s;
        const char *address_file; /* DHCP, NAT: where the jail's IPv4 address goes, for list */
        /* DHCP: writes resolv.conf lines into the jail (NULL: the lease's DNS is not used) */
        int (*write_resolv_conf)(const char *root, const char *content, struct jailor_error *err);
};

/*
 * Builds the jail's network in the namespace of s->init from the caller's
 * (the host's), as the plan says; with DHCP, waits for the first lease (at
 * most dhcp_timeout_s, else ETIMEDOUT: "no DHCP lease within N s").  On
 * failure nothing is left behind.  *ret: NULL for modes none and inherit.
 */
int jailnet_setup(const struct jailnet_start *s, struct jailnet **ret, struct jailor_error *err);

/*
 * Where the jail's root is seen from now on (DHCP renewals write
 * resolv.conf there): the supervisor leaves the mount namespace it set the
 * jail up in, and then reaches the root as /proc/INIT/root.  root must
 * outlive n.
 */
void jailnet_set_root(struct jailnet *n, const char *root);

/* For the supervisor's poll loop (DHCP): the fd to poll, or -1, and the timeout. */
int jailnet_fd(const struct jailnet *n);
int jailnet_timeout_ms(const struct jailnet *n);
/* Runs what is due (renewals); never blocks.  A failure is a line for the jail's log. */
int jailnet_handle(struct jailnet *n, struct jailor_error *err);

/*
 * Undoes the network of a stopping jail: the DHCP lease released, the host
 * ends of its veths, its NAT elements, and bridges jailor made that no jail
 * uses any more.  Frees n (NULL is fine).
 */
void jailnet_teardown(struct jailnet *n);

/*
 * What a jail that died without its supervisor's teardown (a SIGKILLed
 * supervisor) may have left: its NAT elements and bridges no longer used.
 * Its veths and macvlans went with its namespace.
 */
void jailnet_forget(const struct jailor_ctx *ctx, const char *jail);
