/* SPDX-License-Identifier: MIT */
/* What a running jail's network holds; shared by jailnet_setup.c and jailnet_dhcp.c. */
#pragma once

#include "dhcp_client.h"
#include "dhcp_lease.h"
#include "jailnet.h"
#include "rtnl.h"

struct jailnet {
        struct jailnet_start s;
        int netns_fd;         /* the jail's network namespace */
        struct rtnl *host;    /* a route socket in the caller's (host's) namespace */
        struct rtnl *jail;    /* one in the jail's */
        char host_ends[JAILNET_MAX_NICS][IFNAMSIZ]; /* veths made, host side */
        size_t n_host_ends;
        bool nat_added;
        struct dhcp_client *dhcp;
        const struct jailnet_nic *dhcp_nic;
        struct dhcp_lease lease; /* applied, when has_lease */
        bool has_lease;
};

/* Writes "ADDR/PREFIX" to the address file, or removes it for addr NULL. */
void jailnet_write_address(struct jailnet *n, const struct in_addr *addr, unsigned prefix);

/* Starts the DHCP client on n->dhcp_nic in the jail and waits for its first lease. */
int jailnet_dhcp_start(struct jailnet *n, struct jailor_error *err);
int jailnet_dhcp_handle(struct jailnet *n, struct jailor_error *err);
/* Releases the lease (with RELEASE) and frees the client. */
void jailnet_dhcp_stop(struct jailnet *n);
