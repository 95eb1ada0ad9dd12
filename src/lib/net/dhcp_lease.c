/* SPDX-License-Identifier: MIT */
#include "dhcp_lease.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* A unicast address a host may hold: not 0/8, loopback, multicast, class E or broadcast. */
static bool usable_address(struct in_addr a)
{
        uint32_t h = ntohl(a.s_addr);

        return (h >> 24) != 0 && (h >> 24) != 127 && !IN_MULTICAST(h) && !IN_EXPERIMENTAL(h);
}

static int mask_to_prefix(struct in_addr mask, struct in_addr address, uint8_t *prefix)
{
        uint32_t m = ntohl(mask.s_addr), a = ntohl(address.s_addr);

        if (m == 0) {
                /* no mask offered: the address's class decides, as RFC 2132 §3.3 leaves it */
                *prefix = IN_CLASSA(a) ? 8 : IN_CLASSB(a) ? 16 : 24;
                return 0;
        }
        if ((~m & (~m + 1)) != 0) /* ones then zeroes only */
                return -EBADMSG;
        *prefix = (uint8_t)__builtin_popcount(m);
        return 0;
}

/*
 * The domain goes into resolv.conf: only the characters of host names, so
 * that a server cannot add lines or other directives there.
 */
static bool domain_name_ok(const char *s)
{
        if (!s[0] || s[0] == '.' || s[0] == '-')
                return false;
        for (; *s; s++)
                if (!isalnum((unsigned char)*s) && *s != '.' && *s != '-' && *s != '_')
                        return false;
        return true;
}

static void set_times(const struct dhcp_message *ack, struct dhcp_lease *lease)
{
        uint32_t t = ack->lease_time;

        lease->lease_time = t;
        if (t == DHCP_INFINITE_LEASE) {
                lease->t1 = lease->t2 = DHCP_INFINITE_LEASE;
                return;
        }
        lease->t2 = ack->t2 != 0 && ack->t2 < t ? ack->t2 : (uint32_t)((uint64_t)t * 7 / 8);
        /* keep RFC 2131's 4:7 ratio between T1 and T2 when only T2 was given */
        lease->t1 = ack->t1 != 0 && ack->t1 < lease->t2 ? ack->t1
                    : t / 2 < lease->t2                 ? t / 2
                                                        : (uint32_t)((uint64_t)lease->t2 * 4 / 7);
}

int dhcp_lease_from_ack(const struct dhcp_message *ack, struct dhcp_lease *lease)
{
        memset(lease, 0, sizeof(*lease));
        if (ack->type != DHCP_ACK || !usable_address(ack->yiaddr) || ack->server_id.s_addr == 0 ||
            ack->lease_time < DHCP_MIN_LEASE)
                return -EBADMSG;
        lease->address = ack->yiaddr;
        if (mask_to_prefix(ack->subnet_mask, ack->yiaddr, &lease->prefix) < 0)
                return -EBADMSG;
        lease->server_id = ack->server_id;
        set_times(ack, lease);
        for (size_t i = 0; i < ack->n_routers; i++)
                if (usable_address(ack->routers[i])) {
                        lease->router = ack->routers[i];
                        break;
                }
        for (size_t i = 0; i < ack->n_dns; i++)
                if (usable_address(ack->dns[i]) || ntohl(ack->dns[i].s_addr) >> 24 == 127)
                        lease->dns[lease->n_dns++] = ack->dns[i];
        if (domain_name_ok(ack->domain))
                snprintf(lease->domain, sizeof(lease->domain), "%s", ack->domain);
        return 0;
}
