/* SPDX-License-Identifier: MIT */
/* A jail's network properties read into a plan, and the checks on them (jailnet.h). */
#include "jailnet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/cleanup.h"

static const char *prop(json_t *props, const char *name)
{
        const char *v = json_string_value(json_object_get(props, name));

        return v ? v : "";
}

static bool prop_on(json_t *props, const char *name)
{
        return STREQ(prop(props, name), "1");
}

/* ---- interfaces ---------------------------------------------------------- */

static struct jailnet_nic *find_nic(struct jailnet_plan *p, const char *name)
{
        for (size_t i = 0; i < p->n_nics; i++)
                if (STREQ(p->nics[i].name, name))
                        return &p->nics[i];
        return NULL;
}

/* vnet: one nic per vnetN of `interfaces`, with its MAC pair and MTU. */
static int plan_vnet_nics(json_t *props, struct jailnet_plan *p, struct jailor_error *err)
{
        struct vnet_bridges b;
        int r = parse_interfaces("interfaces", prop(props, "interfaces"), &b, err);

        for (size_t i = 0; r == 0 && i < b.n; i++) {
                struct jailnet_nic *nic = &p->nics[p->n_nics++];
                char key[16];
                long long mtu = 0;

                nic->vnet = b.v[i].vnet;
                snprintf(nic->name, sizeof(nic->name), "vnet%u", nic->vnet);
                snprintf(nic->bridge, sizeof(nic->bridge), "%s", b.v[i].bridge);
                snprintf(key, sizeof(key), "vnet%u_mac", nic->vnet);
                r = parse_mac_pair(key, prop(props, key)[0] ? prop(props, key) : "none", &nic->mac,
                                   err);
                snprintf(key, sizeof(key), "vnet%u_mtu", nic->vnet);
                if (r == 0 && !STREQ(prop(props, key), "auto") && prop(props, key)[0])
                        r = parse_int(key, prop(props, key), 68, 65535, &mtu, err);
                nic->mtu = (unsigned)mtu;
        }
        return r;
}

/* shared: the nic of host interface parent ("" for the default-route one), made on first use. */
static struct jailnet_nic *shared_nic(struct jailnet_plan *p, const char *parent)
{
        struct jailnet_nic *nic;

        for (size_t i = 0; i < p->n_nics; i++)
                if (STREQ(p->nics[i].parent, parent))
                        return &p->nics[i];
        if (p->n_nics == JAILNET_MAX_NICS)
                return NULL;
        nic = &p->nics[p->n_nics++];
        snprintf(nic->parent, sizeof(nic->parent), "%s", parent);
        snprintf(nic->name, sizeof(nic->name), "%s", parent);
        return nic;
}

/* ---- addresses ----------------------------------------------------------- */

static int add_addr(struct jailnet_nic *nic, const struct addr_entry *e, const char *what,
                    struct jailor_error *err)
{
        struct jailnet_addr *a;

        if (nic->n_addrs == JAILNET_MAX_ADDRS)
                return jailor_error_set(err, E2BIG, "%s: at most %d addresses per interface",
                                        what, JAILNET_MAX_ADDRS);
        a = &nic->addrs[nic->n_addrs++];
        a->family = e->family;
        a->addr = e->addr;
        /* TrueNAS's form offers /24 first; a host route alone would reach no gateway */
        a->prefix = e->has_prefix ? e->prefix : e->family == AF_INET ? 24 : 64;
        return 0;
}

/* The nic an entry of ip4_addr/ip6_addr (what) belongs on. */
static int entry_nic(struct jailnet_plan *p, const struct addr_entry *e, const char *what,
                     struct jailnet_nic **ret, struct jailor_error *err)
{
        if (p->mode == JAILNET_VNET) {
                const char *name = e->iface_kind == ADDR_IFACE_NAMED ? e->iface : "vnet0";

                *ret = find_nic(p, name);
                if (!*ret)
                        return jailor_error_set(err, EINVAL,
                                                "%s names '%s', which 'interfaces' does not list "
                                                "(vnet0:bridge0,vnet1:bridge1...)",
                                                what, name);
                return 0;
        }
        *ret = shared_nic(p, e->iface_kind == ADDR_IFACE_NAMED ? e->iface : "");
        if (!*ret)
                return jailor_error_set(err, E2BIG, "%s: at most %d host interfaces", what,
                                        JAILNET_MAX_NICS);
        return 0;
}

static int plan_addrs(json_t *props, const char *what, int family, struct jailnet_plan *p,
                      struct jailor_error *err)
{
        struct addr_list l = {0};
        int r = parse_addr_list(what, prop(props, what), family, &l, err);

        for (size_t i = 0; r == 0 && i < l.n; i++) {
                const struct addr_entry *e = &l.entries[i];
                struct jailnet_nic *nic = NULL;

                if (e->kind != ADDR_STATIC && p->mode != JAILNET_VNET) {
                        r = jailor_error_set(err, EINVAL, "%s: '%s' needs vnet=on", what,
                                             e->kind == ADDR_DHCP ? "DHCP" : "accept_rtadv");
                        break;
                }
                r = entry_nic(p, e, what, &nic, err);
                if (r < 0)
                        break;
                if (e->kind == ADDR_DHCP)
                        nic->dhcp = true;
                else if (e->kind == ADDR_ACCEPT_RTADV)
                        nic->slaac = true;
                else
                        r = add_addr(nic, e, what, err);
        }
        addr_list_done(&l);
        return r;
}

/* ---- gateways ------------------------------------------------------------ */

static bool in_subnet(int family, const union inet_addr *a, const union inet_addr *net,
                      unsigned prefix)
{
        const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)net;
        unsigned bytes = prefix / 8, bits = prefix % 8;

        if (family == AF_INET && prefix > 32)
                return false;
        if (memcmp(x, y, bytes) != 0)
                return false;
        return bits == 0 || ((x[bytes] ^ y[bytes]) & (0xff00 >> bits)) == 0;
}

/* Whether a gateway of family is in a subnet of one of the jail's static addresses. */
bool jailnet_reaches(const struct jailnet_plan *p, int family, const union inet_addr *gw)
{
        for (size_t i = 0; i < p->n_nics; i++)
                for (size_t k = 0; k < p->nics[i].n_addrs; k++) {
                        const struct jailnet_addr *a = &p->nics[i].addrs[k];
                        if (a->family == family && in_subnet(family, gw, &a->addr, a->prefix))
                                return true;
                }
        return false;
}

static bool has_dynamic(const struct jailnet_plan *p, int family)
{
        for (size_t i = 0; i < p->n_nics; i++)
                if ((family == AF_INET && (p->nics[i].dhcp || p->nics[i].nat)) ||
                    (family == AF_INET6 && p->nics[i].slaac))
                        return true;
        return false;
}

static int check_router(const struct jailnet_plan *p, const char *what, const struct router *rt,
                        struct jailor_error *err)
{
        char text[INET6_ADDRSTRLEN];

        if (rt->kind != ROUTER_ADDR || has_dynamic(p, rt->family))
                return 0;
        /* a link-local gateway is on every link; it only has to say which */
        if (rt->family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&rt->addr.in6))
                return 0;
        if (jailnet_reaches(p, rt->family, &rt->addr))
                return 0;
        inet_ntop(rt->family, &rt->addr, text, sizeof(text));
        return jailor_error_set(err, EINVAL,
                                "Invalid value '%s' for %s: the gateway is outside every subnet of "
                                "the jail's addresses",
                                text, what);
}

/* ---- the plan -------------------------------------------------------------- */

static int plan_mode(json_t *props, struct jailnet_plan *p, struct jailor_error *err)
{
        bool vnet = prop_on(props, "vnet"), dhcp = prop_on(props, "dhcp"),
             nat = prop_on(props, "nat");
        bool inherit = STREQ(prop(props, "ip4"), "inherit") || STREQ(prop(props, "ip6"), "inherit");

        if (dhcp && !vnet)
                return jailor_error_set(err, EINVAL, "dhcp=on needs vnet=on");
        if (nat && !vnet)
                return jailor_error_set(err, EINVAL, "nat=on needs vnet=on");
        if (nat && dhcp)
                return jailor_error_set(err, EINVAL,
                                        "nat=on and dhcp=on cannot be combined: NAT gives vnet0 "
                                        "its address");
        if (inherit && vnet)
                return jailor_error_set(err, EINVAL,
                                        "ip4=inherit (or ip6=inherit) and vnet=on cannot be "
                                        "combined: the jail shares the host's network stack");
        p->ipv6_off = STREQ(prop(props, "ip6"), "disable");
        if (inherit)
                p->mode = JAILNET_INHERIT;
        else if (vnet)
                p->mode = JAILNET_VNET;
        else
                p->mode = JAILNET_NONE; /* JAILNET_SHARED once an address comes */
        p->nat = nat;
        return 0;
}

/* nat=on: vnet0 is on jailor's NAT bridge, its IPv4 address comes at start. */
static int plan_nat(json_t *props, struct jailnet_plan *p, struct jailor_error *err)
{
        struct jailnet_nic *nic = find_nic(p, "vnet0");
        int r;

        if (!nic)
                return jailor_error_set(err, EINVAL,
                                        "nat=on needs vnet0 in 'interfaces' (vnet0:bridge0)");
        for (size_t i = 0; i < nic->n_addrs; i++)
                if (nic->addrs[i].family == AF_INET)
                        return jailor_error_set(err, EINVAL,
                                                "ip4_addr: vnet0 of a NAT jail gets its address "
                                                "from nat_prefix; give none");
        nic->nat = true;
        snprintf(nic->bridge, sizeof(nic->bridge), "%s", JAILNET_NAT_BRIDGE);
        r = parse_nat_prefix("nat_prefix", prop(props, "nat_prefix"), &p->nat_prefix, err);
        if (r == 0)
                r = parse_iface_choice("nat_interface", prop(props, "nat_interface"), &p->nat_iface,
                                       err);
        if (r == 0)
                r = parse_nat_forwards("nat_forwards", prop(props, "nat_forwards"), &p->forwards,
                                       err);
        return r;
}

int jailnet_plan_from_props(json_t *props, struct jailnet_plan *ret, struct jailor_error *err)
{
        struct jailnet_plan *p = ret;
        long long mtu = 1500;
        int r;

        memset(p, 0, sizeof(*p));
        r = plan_mode(props, p, err);
        if (r < 0 || p->mode == JAILNET_INHERIT)
                return r;
        if (p->mode == JAILNET_VNET)
                r = plan_vnet_nics(props, p, err);
        if (r == 0 && !STREQ(prop(props, "ip4"), "disable"))
                r = plan_addrs(props, "ip4_addr", AF_INET, p, err);
        if (r == 0 && !p->ipv6_off)
                r = plan_addrs(props, "ip6_addr", AF_INET6, p, err);
        if (r == 0 && p->mode == JAILNET_NONE && p->n_nics > 0)
                p->mode = JAILNET_SHARED;
        if (r == 0 && p->mode == JAILNET_VNET && prop_on(props, "dhcp")) {
                struct jailnet_nic *nic = find_nic(p, "vnet0");
                if (!nic)
                        r = jailor_error_set(err, EINVAL,
                                             "dhcp=on needs vnet0 in 'interfaces' (vnet0:bridge0)");
                else
                        nic->dhcp = true;
        }
        if (r == 0 && p->nat)
                r = plan_nat(props, p, err);
        if (r == 0)
                r = parse_router("defaultrouter", prop(props, "defaultrouter"), AF_INET, &p->router4,
                                 err);
        if (r == 0)
                r = parse_router("defaultrouter6", prop(props, "defaultrouter6"), AF_INET6,
                                 &p->router6, err);
        if (r == 0)
                r = check_router(p, "defaultrouter", &p->router4, err);
        if (r == 0)
                r = check_router(p, "defaultrouter6", &p->router6, err);
        if (r == 0)
                r = parse_iface_choice("vnet_default_interface",
                                       prop(props, "vnet_default_interface"), &p->default_iface, err);
        if (r == 0 && prop(props, "vnet_default_mtu")[0])
                r = parse_int("vnet_default_mtu", prop(props, "vnet_default_mtu"), 68, 65535, &mtu,
                              err);
        p->default_mtu = (unsigned)mtu;
        p->offload_off = STREQ(prop(props, "vnet_default_interface_offload"), "0");
        if (r == 0)
                r = parse_mac_prefix("mac_prefix", prop(props, "mac_prefix")[0]
                                                           ? prop(props, "mac_prefix") : "auto",
                                     &p->mac_prefix, err);
        if (r < 0)
                jailnet_plan_done(p);
        return r;
}

void jailnet_plan_done(struct jailnet_plan *p)
{
        nat_forwards_done(&p->forwards);
}

/* ---- checks against others ------------------------------------------------- */

int jailnet_check_overlap(const char *a_name, const struct jailnet_plan *a, const char *b_name,
                          const struct jailnet_plan *b, struct jailor_error *err)
{
        for (size_t i = 0; i < a->n_nics; i++)
                for (size_t k = 0; k < a->nics[i].n_addrs; k++) {
                        const struct jailnet_addr *x = &a->nics[i].addrs[k];

                        for (size_t j = 0; j < b->n_nics; j++)
                                for (size_t m = 0; m < b->nics[j].n_addrs; m++) {
                                        const struct jailnet_addr *y = &b->nics[j].addrs[m];
                                        char text[INET6_ADDRSTRLEN];

                                        if (x->family != y->family ||
                                            memcmp(&x->addr, &y->addr,
                                                   x->family == AF_INET ? 4 : 16) != 0)
                                                continue;
                                        inet_ntop(x->family, &x->addr, text, sizeof(text));
                                        return jailor_error_set(
                                                err, EADDRINUSE,
                                                "Address %s of jail '%s' is already used by "
                                                "jail '%s'",
                                                text, a_name, b_name);
                                }
                }
        return 0;
}
