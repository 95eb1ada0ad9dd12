/* SPDX-License-Identifier: MIT */
/*
 * Network interfaces over a netlink route socket (rtnl.h): veth pairs,
 * macvlans, bridges, and their settings.  Every function acts in the
 * namespace of the socket r.  Interfaces are named, as the user names them;
 * an unknown name fails with ENODEV and "No network interface 'NAME'", and
 * creating a name that exists fails with EEXIST naming it.
 */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rtnl.h"

struct link_info {
        int ifindex;
        char name[IFNAMSIZ];
        char kind[16];  /* "veth", "bridge", "macvlan"...; "" for physical and loopback */
        unsigned flags; /* IFF_UP, IFF_LOWER_UP... */
        unsigned mtu;
        bool has_mac; /* false for interfaces without one (loopback has zeros, tunnels none) */
        uint8_t mac[6];
        int master; /* ifindex of the bridge it is enslaved to; 0 for none */
        int parent; /* IFLA_LINK: a macvlan's parent, a veth's peer (maybe in another netns) */
};

/*
 * A veth pair: name here, peer in the namespace of peer_netns_fd (-1: here
 * too).  The peer is made in its namespace directly, so its name never
 * exists, even briefly, where it could clash with the host's interfaces.
 */
int rtnl_link_add_veth(struct rtnl *r, const char *name, const char *peer, int peer_netns_fd,
                       struct jailor_error *err);

/* A macvlan in bridge mode on parent, made in the namespace of netns_fd (-1: here). */
int rtnl_link_add_macvlan(struct rtnl *r, const char *name, const char *parent, int netns_fd,
                          struct jailor_error *err);

/* A bridge with STP off (the jail bridges are leaves: no loops to break). */
int rtnl_link_add_bridge(struct rtnl *r, const char *name, struct jailor_error *err);

/*
 * The bridge name, made when missing: 1 when made, 0 when it was there.
 * EEXIST when name is an interface of another kind.
 */
int rtnl_link_ensure_bridge(struct rtnl *r, const char *name, struct jailor_error *err);

int rtnl_link_set_up(struct rtnl *r, const char *name, bool up, struct jailor_error *err);
int rtnl_link_set_mtu(struct rtnl *r, const char *name, unsigned mtu, struct jailor_error *err);
int rtnl_link_set_mac(struct rtnl *r, const char *name, const uint8_t mac[6],
                      struct jailor_error *err);

/* Enslaves name to the bridge master; master NULL releases it. */
int rtnl_link_set_master(struct rtnl *r, const char *name, const char *master,
                         struct jailor_error *err);

/* Hairpin mode of bridge port name: frames may go back out of the port they came in by. */
int rtnl_link_set_hairpin(struct rtnl *r, const char *name, bool on, struct jailor_error *err);
/* Moves name into the namespace of netns_fd, keeping its name. */
int rtnl_link_set_netns(struct rtnl *r, const char *name, int netns_fd, struct jailor_error *err);

/* Kernels before 6.2 rename only interfaces that are down (EBUSY otherwise). */
int rtnl_link_rename(struct rtnl *r, const char *name, const char *new_name,
                     struct jailor_error *err);

/* Deletes name; deleting one end of a veth pair deletes both. */
int rtnl_link_delete(struct rtnl *r, const char *name, struct jailor_error *err);

int rtnl_link_get(struct rtnl *r, const char *name, struct link_info *ret,
                  struct jailor_error *err);
/* The ifindex (> 0) of name. */
int rtnl_link_index(struct rtnl *r, const char *name, struct jailor_error *err);
/* The name of ifindex. */
int rtnl_link_name(struct rtnl *r, int ifindex, char ret[static IFNAMSIZ],
                   struct jailor_error *err);

/* Every interface, in ifindex order; *ret is malloc'd. */
int rtnl_link_list(struct rtnl *r, struct link_info **ret, size_t *ret_n, struct jailor_error *err);

/*
 * The interface of the default route, IPv4 first, then IPv6: what `auto`
 * means for vnet_default_interface, nat_interface and ip4_addr without an
 * interface.  ENOENT when there is neither.
 */
int rtnl_link_default_route_iface(struct rtnl *r, char ret[static IFNAMSIZ],
                                  struct jailor_error *err);
