/* SPDX-License-Identifier: MIT */
/* Stable private addresses for NAT jails (see nat.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "nat.h"

#define HOSTS (1u << 16) /* host parts of a /16 */

void nat_subnet(const struct nat_prefix *prefix, struct nat_subnet *ret)
{
        uint32_t net = (uint32_t)prefix->a << 24 | (uint32_t)prefix->b << 16;

        ret->network.s_addr = htonl(net);
        ret->gateway.s_addr = htonl(net | 1);
        ret->prefixlen = 16;
}

/*
 * 32-bit FNV-1a.  Never change it: every NAT jail's address derives from
 * it, and a different hash would move them all.
 */
static uint32_t fnv1a(const char *s)
{
        uint32_t h = 2166136261u;

        for (; *s; s++) {
                h ^= (uint8_t)*s;
                h *= 16777619u;
        }
        return h;
}

static bool usable(uint32_t host)
{
        uint8_t low = host & 0xff;

        /* .0 and .255 are valid in a /16 but look like network/broadcast to people and to
         * some software; host 1 is the gateway */
        return host != 1 && low != 0 && low != 255;
}

int nat_pick_address(const struct nat_prefix *prefix, const char *name, const struct in_addr *taken,
                     size_t n_taken, struct in_addr *ret, struct jailor_error *err)
{
        uint8_t used[HOSTS / 8] = {0}; /* 8 KiB: a bitmap beats sorting the taken list */
        struct nat_subnet sn;
        uint32_t net, h, start;

        nat_subnet(prefix, &sn);
        net = ntohl(sn.network.s_addr);
        for (size_t i = 0; i < n_taken; i++) {
                uint32_t a = ntohl(taken[i].s_addr);

                if ((a & 0xffff0000u) == net)
                        used[(a & 0xffff) / 8] |= (uint8_t)(1u << (a & 7));
        }
        h = fnv1a(name);
        start = ((h >> 16) ^ h) & 0xffff;
        for (uint32_t i = 0; i < HOSTS; i++) {
                uint32_t host = (start + i) & 0xffff;

                if (!usable(host) || used[host / 8] & (1u << (host & 7)))
                        continue;
                ret->s_addr = htonl(net | host);
                return 0;
        }
        return jailor_error_set(err, EADDRNOTAVAIL,
                                "No free address for NAT jail '%s' in %u.%u.0.0/16: every one is "
                                "taken; set another nat_prefix",
                                name, prefix->a, prefix->b);
}
