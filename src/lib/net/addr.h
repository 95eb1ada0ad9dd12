/* SPDX-License-Identifier: MIT */
/*
 * IPv4 and IPv6 addresses of interfaces over a netlink route socket
 * (rtnl.h), in the namespace of the socket.  Addresses come parsed: from
 * ip4_addr/ip6_addr by parse_addr_list() (props/parse.h), which already
 * refuses what cannot be an interface's address.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../props/parse.h"
#include "rtnl.h"

struct addr_info {
        int ifindex;
        int family; /* AF_INET or AF_INET6 */
        union inet_addr addr;
        unsigned prefix;
        unsigned scope; /* RT_SCOPE_UNIVERSE, RT_SCOPE_LINK (fe80::), RT_SCOPE_HOST */
        uint32_t flags; /* IFA_F_NODAD, IFA_F_TENTATIVE, IFA_F_PERMANENT... */
};

enum {
        /*
         * IPv6: usable at once, without duplicate address detection; for
         * addresses that are the jail's alone (a jail starting must not
         * wait a second or more for DAD before its services can bind).
         */
        RTNL_ADDR_NODAD = 1 << 0,
};

/* Adds addr/prefix of family to ifname; EEXIST when it has it already. flags: RTNL_ADDR_*. */
int rtnl_addr_add(struct rtnl *r, const char *ifname, int family, const union inet_addr *addr,
                  unsigned prefix, unsigned flags, struct jailor_error *err);

/* Removes addr/prefix from ifname; EADDRNOTAVAIL when it does not have it. */
int rtnl_addr_delete(struct rtnl *r, const char *ifname, int family, const union inet_addr *addr,
                     unsigned prefix, struct jailor_error *err);

/*
 * The addresses of ifname (NULL: of every interface) of family (AF_UNSPEC:
 * both); *ret is malloc'd.
 */
int rtnl_addr_list(struct rtnl *r, const char *ifname, int family, struct addr_info **ret,
                   size_t *ret_n, struct jailor_error *err);
