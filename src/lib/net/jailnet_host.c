/* SPDX-License-Identifier: MIT */
/* What a jail's network plan needs from the host: its interfaces, and MACs (jailnet.h). */
#include "jailnet.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../util/cleanup.h"
#include "link.h"
#include "rtnl.h"

static int check_iface(struct rtnl *r, const char *what, const char *name,
                       struct jailor_error *err)
{
        struct link_info info;
        int k = rtnl_link_get(r, name, &info, err);

        if (k == -ENODEV)
                return jailor_error_set(err, ENODEV, "%s names '%s': no such network interface "
                                                     "on the host",
                                        what, name);
        return k < 0 ? k : 0;
}

int jailnet_check_host(const struct jailnet_plan *p, struct jailor_error *err)
{
        _cleanup_rtnl_ struct rtnl *r = NULL;
        int k;

        if (p->mode != JAILNET_SHARED && p->mode != JAILNET_VNET)
                return 0;
        k = rtnl_open(&r, err);
        if (k < 0)
                return k;
        for (size_t i = 0; p->mode == JAILNET_SHARED && i < p->n_nics; i++)
                if (p->nics[i].parent[0]) {
                        k = check_iface(r, "ip4_addr/ip6_addr", p->nics[i].parent, err);
                        if (k < 0)
                                return k;
                }
        if (p->mode == JAILNET_VNET && p->default_iface.kind == IFACE_NAMED) {
                k = check_iface(r, "vnet_default_interface", p->default_iface.name, err);
                if (k < 0)
                        return k;
        }
        if (p->nat && p->nat_iface.kind == IFACE_NAMED)
                return check_iface(r, "nat_interface", p->nat_iface.name, err);
        return 0;
}

/* ---- MAC addresses --------------------------------------------------------- */

static uint64_t fnv1a64(const char *a, const char *b)
{
        uint64_t h = 0xcbf29ce484222325ULL;

        for (const char *s = a; *s; s++)
                h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
        h = (h ^ '|') * 0x100000001b3ULL;
        for (const char *s = b; *s; s++)
                h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
        return h;
}

/*
 * mac_prefix=auto: the first three bytes of the MAC of the host's
 * default-route interface, made locally administered and unicast (as
 * iocage does), so a site's jails are recognisable by vendor part; a host
 * without a default route uses a prefix derived from the jail's name.
 */
static void auto_prefix(struct rtnl *host, const char *jail, uint8_t ret[3])
{
        char ifname[IFNAMSIZ];
        struct link_info info;
        uint64_t h;

        if (rtnl_link_default_route_iface(host, ifname, NULL) == 0 &&
            rtnl_link_get(host, ifname, &info, NULL) == 0 && info.has_mac) {
                memcpy(ret, info.mac, 3);
        } else {
                h = fnv1a64("jailor-prefix", jail);
                memcpy(ret, &h, 3);
        }
        ret[0] = (uint8_t)((ret[0] | 0x02) & ~0x01);
}

/*
 * The MACs of one interface, as iocage makes them: the prefix, then three
 * bytes of a hash of the jail's and the interface's names (so they are the
 * same at every start), the jail side one more than the host side.  A
 * 64-bit FNV-1a stands for iocage's MD5: only stability matters.
 */
static void make_pair(const uint8_t prefix[3], const char *jail, const char *nic,
                      struct mac_pair *ret)
{
        uint64_t h = fnv1a64(jail, nic);
        uint32_t tail = (uint32_t)(h & 0xffffff);

        memcpy(ret->host, prefix, 3);
        memcpy(ret->jail, prefix, 3);
        for (int i = 0; i < 3; i++) {
                ret->host[3 + i] = (uint8_t)(tail >> (16 - 8 * i));
                ret->jail[3 + i] = (uint8_t)(((tail + 1) & 0xffffff) >> (16 - 8 * i));
        }
        ret->set = true;
}

int jailnet_assign_macs(struct jailnet_plan *p, const char *jail, json_t *changes,
                        struct jailor_error *err)
{
        _cleanup_rtnl_ struct rtnl *host = NULL;
        uint8_t prefix[3];
        int k;

        if (p->mode != JAILNET_VNET)
                return 0;
        for (size_t i = 0; i < p->n_nics; i++) {
                struct jailnet_nic *nic = &p->nics[i];
                _cleanup_free_ char *text = NULL;
                char key[16];

                if (nic->mac.set)
                        continue;
                if (!host) {
                        k = rtnl_open(&host, err);
                        if (k < 0)
                                return k;
                        if (p->mac_prefix.is_auto)
                                auto_prefix(host, jail, prefix);
                        else
                                memcpy(prefix, p->mac_prefix.b, 3);
                }
                make_pair(prefix, jail, nic->name, &nic->mac);
                text = format_mac_pair(&nic->mac);
                snprintf(key, sizeof(key), "vnet%u_mac", nic->vnet);
                if (!text || json_object_set_new(changes, key, json_string(text)) < 0)
                        return jailor_error_set(err, ENOMEM, "Out of memory");
        }
        return 0;
}
