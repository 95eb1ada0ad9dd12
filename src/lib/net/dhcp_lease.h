/* SPDX-License-Identifier: MIT */
/*
 * A DHCP lease: what the client hands its caller to apply (the address and
 * route through netlink, DNS into the jail's resolv.conf), made from the
 * server's ACK and checked on the way, since the server is not trusted
 * with what ends up in the jail's configuration files.
 */
#pragma once

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp_packet.h"

/*
 * Shorter leases are refused: renewing every second or two is a server's
 * mistake, and would keep the client busy for nothing.
 */
#define DHCP_MIN_LEASE 10

struct dhcp_lease {
        struct in_addr address;
        uint8_t prefix;        /* from the subnet mask; the class's when there is none */
        struct in_addr router; /* the first router offered; 0.0.0.0 when none */
        struct in_addr dns[DHCP_MAX_ADDRS];
        size_t n_dns;
        char domain[DHCP_MAX_STRING]; /* "" when none, or when it was not a domain name */
        /*
         * Seconds from when the REQUEST that got the lease was sent (RFC 2131
         * §4.4.1); DHCP_INFINITE_LEASE for all three when it never ends.
         * Always t1 < t2 < lease_time.
         */
        uint32_t lease_time, t1, t2;
        struct in_addr server_id;
};

/*
 * Fills *lease from an ACK; -EBADMSG when the ACK cannot be used (no or a
 * reserved address, no server id, no lease time or one under DHCP_MIN_LEASE,
 * a non-contiguous mask).
 * Missing or inconsistent T1/T2 become RFC 2131's 50% and 87.5%.
 */
int dhcp_lease_from_ack(const struct dhcp_message *ack, struct dhcp_lease *lease);
