/* SPDX-License-Identifier: MIT */
/*
 * Routes of the main table over a netlink route socket (rtnl.h), in the
 * namespace of the socket: a jail's default routes and subnet routes, and
 * reading the host's default gateway (defaultrouter=auto, the interface
 * behind `auto`).
 */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "../props/parse.h"
#include "rtnl.h"

struct route {
        int family;          /* AF_INET or AF_INET6 */
        union inet_addr dst; /* the subnet; ignored for prefix 0 */
        unsigned prefix;     /* 0: the default route */
        bool has_gateway;    /* false: the subnet is on the link dev */
        union inet_addr gateway;
        char dev[IFNAMSIZ]; /* "" : the kernel picks it from the gateway (add, delete) */
        int ifindex;        /* filled by rtnl_route_default */
        uint32_t metric;    /* 0: the kernel's default (delete: any) */
        uint8_t protocol;   /* who made it (RTPROT_BOOT, RTPROT_RA...); 0 adds RTPROT_STATIC */
};

/* Adds rt to the main table; EEXIST when the same route is there. */
int rtnl_route_add(struct rtnl *r, const struct route *rt, struct jailor_error *err);

/* Deletes the route matching rt's family, subnet, and gateway, dev and metric when given. */
int rtnl_route_delete(struct rtnl *r, const struct route *rt, struct jailor_error *err);

/*
 * The default route of family (the one of lowest metric when there are
 * several; the first hop of a multipath one): gateway, ifindex and dev.
 * ENOENT when there is none.
 */
int rtnl_route_default(struct rtnl *r, int family, struct route *ret, struct jailor_error *err);
