/* SPDX-License-Identifier: MIT */
/*
 * A jail's network made real, and undone (jailnet.h).  Runs in the
 * supervisor, in the host's network namespace, while the jail's init waits
 * to be let go: the jail's namespace is reached through /proc/INIT/ns/net,
 * with one route socket opened inside it.
 */
#include "jailnet_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/cleanup.h"
#include "../util/fs.h"
#include "../util/lock.h"
#include "addr.h"
#include "jailnet_bridge.h"
#include "link.h"
#include "nat.h"
#include "netns.h"
#include "route.h"
#include "sysctl.h"

/* ---- sysctls of the jail's namespace --------------------------------------- */

struct sysctl_write {
        const char *key, *value;
};

static int write_here(void *data, struct jailor_error *err)
{
        const struct sysctl_write *w = data;

        return sysctl_net_write(w->key, w->value, err);
}

static int jail_sysctl(struct jailnet *n, const char *key, const char *value,
                       struct jailor_error *err)
{
        struct sysctl_write w = {key, value};

        return netns_call(n->netns_fd, write_here, &w, err);
}

/* Router advertisements are taken on nic only with accept_rtadv (SLAAC). */
static int set_accept_ra(struct jailnet *n, const struct jailnet_nic *nic, struct jailor_error *err)
{
        char key[64];

        if (n->s.plan->ipv6_off)
                return 0;
        snprintf(key, sizeof(key), "net/ipv6/conf/%s/accept_ra", nic->name);
        return jail_sysctl(n, key, nic->slaac ? "1" : "0", err);
}

/* ---- addresses and routes in the jail ---------------------------------------- */

static int add_addresses(struct jailnet *n, const struct jailnet_nic *nic, struct jailor_error *err)
{
        for (size_t i = 0; i < nic->n_addrs; i++) {
                const struct jailnet_addr *a = &nic->addrs[i];
                /* the jail's own addresses: no wait for DAD before its services can bind */
                int k = rtnl_addr_add(n->jail, nic->name, a->family, &a->addr, a->prefix,
                                      RTNL_ADDR_NODAD, err);
                if (k < 0)
                        return k;
        }
        return 0;
}

static int add_default_route(struct jailnet *n, int family, const union inet_addr *gw,
                             const char *dev, struct jailor_error *err)
{
        struct route rt = {.family = family, .has_gateway = true, .gateway = *gw};
        char text[INET6_ADDRSTRLEN];
        int k;

        if (dev)
                snprintf(rt.dev, sizeof(rt.dev), "%s", dev);
        k = rtnl_route_add(n->jail, &rt, err);
        if (k < 0)
                return jailor_error_prefix(err, "Cannot add the jail's default route via %s",
                                           inet_ntop(family, gw, text, sizeof(text)));
        return 0;
}

/* The nic holding the jail's link-local gateway: the one named, or the only one. */
static const char *scope_nic(const struct jailnet_plan *p, const struct router *rt)
{
        if (rt->scope[0])
                return rt->scope;
        return p->n_nics == 1 ? p->nics[0].name : NULL;
}

/*
 * defaultrouter/defaultrouter6: an address as given; auto the host's own
 * gateway when one of the jail's subnets reaches it (NAT: the NAT bridge;
 * DHCP and SLAAC bring their own).
 */
static int add_routes(struct jailnet *n, int family, const struct router *rt,
                      struct jailor_error *err)
{
        const struct jailnet_plan *p = n->s.plan;
        struct route host_gw;

        if (rt->kind == ROUTER_NONE || (family == AF_INET && (p->nat || n->dhcp_nic)))
                return 0; /* NAT and DHCP give the IPv4 route */
        if (rt->kind == ROUTER_ADDR) {
                bool ll = family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&rt->addr.in6);
                return add_default_route(n, family, &rt->addr, ll ? scope_nic(p, rt) : NULL, err);
        }
        if (rtnl_route_default(n->host, family, &host_gw, NULL) < 0 || !host_gw.has_gateway)
                return 0;
        if (!jailnet_reaches(p, family, &host_gw.gateway))
                return 0;
        return add_default_route(n, family, &host_gw.gateway, NULL, err);
}

void jailnet_write_address(struct jailnet *n, const struct in_addr *addr, unsigned prefix)
{
        char text[INET_ADDRSTRLEN + 8], a[INET_ADDRSTRLEN];

        if (!n->s.address_file)
                return;
        if (!addr) {
                unlink(n->s.address_file);
                return;
        }
        snprintf(text, sizeof(text), "%s/%u\n", inet_ntop(AF_INET, addr, a, sizeof(a)), prefix);
        write_file_atomic(n->s.address_file, text, strlen(text), 0644, NULL);
}

/* ---- NAT ------------------------------------------------------------------ */

static int nat_address(struct jailnet *n, struct in_addr *ret, struct jailor_error *err)
{
        _cleanup_free_ struct in_addr *taken = NULL;
        size_t n_taken = 0;
        int k = nat_taken_addresses(n->s.jail, &taken, &n_taken, err);

        return k < 0 ? k
                     : nat_pick_address(&n->s.plan->nat_prefix, n->s.jail, taken, n_taken, ret,
                                        err);
}

static int resolve_iface(struct jailnet *n, const struct iface_choice *c, char ret[IFNAMSIZ],
                         const char *what, struct jailor_error *err)
{
        int k;

        ret[0] = '\0';
        if (c->kind == IFACE_NONE)
                return 0;
        if (c->kind == IFACE_NAMED) {
                snprintf(ret, IFNAMSIZ, "%s", c->name);
                return 0;
        }
        k = rtnl_link_default_route_iface(n->host, ret, err);
        if (k < 0)
                return jailor_error_prefix(err, "%s=auto", what);
        return 0;
}

/* vnet0 of a NAT jail: its private address, the route to the bridge, masquerade and forwards. */
static int setup_nat(struct jailnet *n, const struct jailnet_nic *nic, struct jailor_error *err)
{
        const struct jailnet_plan *p = n->s.plan;
        struct nat_subnet sub;
        char out[IFNAMSIZ];
        struct in_addr addr;
        int k;

        nat_subnet(&p->nat_prefix, &sub);
        k = nat_address(n, &addr, err);
        if (k >= 0)
                k = rtnl_addr_add(n->jail, nic->name, AF_INET, (union inet_addr *)&addr,
                                  sub.prefixlen, 0, err);
        if (k >= 0 && p->router4.kind != ROUTER_NONE)
                k = add_default_route(n, AF_INET, (union inet_addr *)&sub.gateway, NULL, err);
        if (k >= 0)
                k = resolve_iface(n, &p->nat_iface, out, "nat_interface", err);
        if (k >= 0)
                k = sysctl_net_write("net.ipv4.ip_forward", "1", err);
        if (k < 0)
                return k;
        k = nat_add_jail(n->s.ctx,
                         &(struct nat_jail){.name = n->s.jail, .addr = addr, .out_iface = out,
                                            .forwards = &p->forwards},
                         err);
        if (k >= 0) {
                n->nat_added = true;
                jailnet_write_address(n, &addr, sub.prefixlen);
        }
        return k;
}

/* ---- VNET ------------------------------------------------------------------- */

/*
 * An interface can be the port of one bridge only, and a bridge cannot be a
 * port: once the uplink went into one jail bridge, the default route goes
 * through that bridge, and other bridges get no uplink.
 */
static bool uplink_is_free(struct jailnet *n, const char *uplink)
{
        struct link_info info;

        if (rtnl_link_get(n->host, uplink, &info, NULL) < 0)
                return true; /* the attach names it in its error */
        return info.master == 0 && !STREQ(info.kind, "bridge");
}

static int vnet_bridge(struct jailnet *n, const struct jailnet_nic *nic, unsigned *ret_mtu,
                       struct jailor_error *err)
{
        const struct jailnet_plan *p = n->s.plan;
        struct jailnet_bridge b = {.name = nic->bridge, .offload_off = p->offload_off};
        int made, k;

        if (nic->nat) {
                struct nat_subnet sub;

                nat_subnet(&p->nat_prefix, &sub);
                b.has_gateway = true;
                b.gateway.in4 = sub.gateway;
                b.gateway_prefix = sub.prefixlen;
        } else {
                k = resolve_iface(n, &p->default_iface, b.uplink, "vnet_default_interface", err);
                if (k < 0 && p->default_iface.kind == IFACE_AUTO)
                        b.uplink[0] = '\0'; /* no default route: a bridge of jails alone */
                else if (k < 0)
                        return k;
                if (b.uplink[0] && !uplink_is_free(n, b.uplink))
                        b.uplink[0] = '\0';
        }
        made = jailnet_bridge_attach(n->s.ctx, n->host, &b, ret_mtu, err);
        if (made < 0)
                return made;
        if (made && !b.uplink[0])
                *ret_mtu = p->default_mtu;
        return 0;
}

/* vnetN: the veth pair, host end vnetN.JID in its bridge, jail end vnetN. */
static int setup_vnet_nic(struct jailnet *n, const struct jailnet_nic *nic,
                          struct jailor_error *err)
{
        char *host_end = n->host_ends[n->n_host_ends];
        unsigned mtu = 0;
        int k;

        k = vnet_bridge(n, nic, &mtu, err);
        if (k < 0)
                return k;
        if (nic->mtu)
                mtu = nic->mtu;
        snprintf(host_end, IFNAMSIZ, "vnet%u.%d", nic->vnet, (int)n->s.init);
        k = rtnl_link_add_veth(n->host, host_end, nic->name, n->netns_fd, err);
        if (k < 0)
                return k;
        n->n_host_ends++;
        k = rtnl_link_set_mac(n->host, host_end, nic->mac.host, err);
        if (k >= 0)
                k = rtnl_link_set_mac(n->jail, nic->name, nic->mac.jail, err);
        if (k >= 0)
                k = rtnl_link_set_mtu(n->host, host_end, mtu, err);
        if (k >= 0)
                k = rtnl_link_set_mtu(n->jail, nic->name, mtu, err);
        if (k >= 0)
                k = rtnl_link_set_master(n->host, host_end, nic->bridge, err);
        /* a NAT jail reaching its own forward comes back in by its own port */
        if (k >= 0 && nic->nat)
                k = rtnl_link_set_hairpin(n->host, host_end, true, err);
        if (k >= 0)
                k = rtnl_link_set_up(n->host, host_end, true, err);
        if (k >= 0)
                k = set_accept_ra(n, nic, err);
        if (k >= 0)
                k = rtnl_link_set_up(n->jail, nic->name, true, err);
        if (k >= 0)
                k = add_addresses(n, nic, err);
        return k < 0 ? k : 0;
}

static int setup_vnet(struct jailnet *n, struct jailor_error *err)
{
        const struct jailnet_plan *p = n->s.plan;
        _cleanup_close_ int lock = -EBADF;
        int k;

        /* bridges are shared: one jailor process at a time makes or gives them back */
        k = lock_take(n->s.ctx, "net", true, &lock, err);
        /* what a supervisor killed while it set up left (no state file tells of it) */
        if (k >= 0)
                jailnet_bridge_sweep(n->s.ctx, n->host, NULL);
        for (size_t i = 0; k >= 0 && i < p->n_nics; i++)
                k = setup_vnet_nic(n, &p->nics[i], err);
        for (size_t i = 0; k >= 0 && i < p->n_nics; i++) {
                if (p->nics[i].nat)
                        k = setup_nat(n, &p->nics[i], err);
                if (p->nics[i].dhcp)
                        n->dhcp_nic = &p->nics[i];
        }
        return k < 0 ? k : 0;
}

/* ---- shared IP -------------------------------------------------------------- */

/* A macvlan of each host interface, inside the jail under that interface's name. */
static int setup_shared(struct jailnet *n, struct jailor_error *err)
{
        const struct jailnet_plan *p = n->s.plan;

        for (size_t i = 0; i < p->n_nics; i++) {
                struct jailnet_nic nic = p->nics[i];
                int k = 0;

                if (!nic.parent[0]) {
                        k = rtnl_link_default_route_iface(n->host, nic.parent, err);
                        if (k < 0)
                                return jailor_error_prefix(err, "An address without interface "
                                                                "needs the host's default route");
                        snprintf(nic.name, sizeof(nic.name), "%s", nic.parent);
                }
                k = rtnl_link_add_macvlan(n->host, nic.name, nic.parent, n->netns_fd, err);
                if (k >= 0)
                        k = set_accept_ra(n, &nic, err);
                if (k >= 0)
                        k = rtnl_link_set_up(n->jail, nic.name, true, err);
                if (k >= 0)
                        k = add_addresses(n, &nic, err);
                if (k < 0)
                        return k;
        }
        return 0;
}

/* ---- setup and teardown -------------------------------------------------------- */

static int open_sockets(struct jailnet *n, struct jailor_error *err)
{
        char path[64];
        int k;

        snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)n->s.init);
        n->netns_fd = open(path, O_RDONLY | O_CLOEXEC);
        if (n->netns_fd < 0)
                return jailor_error_errno(err, errno, "Cannot open the jail's network namespace");
        k = rtnl_open(&n->host, err);
        if (k >= 0)
                k = rtnl_open_in(n->netns_fd, &n->jail, err);
        if (k >= 0)
                k = rtnl_link_set_up(n->jail, "lo", true, err);
        return k < 0 ? k : 0;
}

int jailnet_setup(const struct jailnet_start *s, struct jailnet **ret, struct jailor_error *err)
{
        const struct jailnet_plan *p = s->plan;
        struct jailnet *n;
        int k;

        *ret = NULL;
        if (p->mode == JAILNET_INHERIT)
                return 0;
        n = calloc(1, sizeof(*n));
        if (!n)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        n->s = *s;
        n->netns_fd = -1;
        k = open_sockets(n, err);
        if (k >= 0 && p->ipv6_off)
                k = jail_sysctl(n, "net.ipv6.conf.all.disable_ipv6", "1", err);
        if (k >= 0 && p->mode == JAILNET_SHARED)
                k = setup_shared(n, err);
        if (k >= 0 && p->mode == JAILNET_VNET)
                k = setup_vnet(n, err);
        if (k >= 0 && p->mode != JAILNET_NONE)
                k = add_routes(n, AF_INET, &p->router4, err);
        if (k >= 0 && p->mode != JAILNET_NONE && !p->ipv6_off)
                k = add_routes(n, AF_INET6, &p->router6, err);
        if (k >= 0 && n->dhcp_nic)
                k = jailnet_dhcp_start(n, err);
        if (k < 0) {
                jailnet_teardown(n);
                return k;
        }
        *ret = n;
        return 0;
}

void jailnet_set_root(struct jailnet *n, const char *root)
{
        if (n)
                n->s.root = root;
}

int jailnet_fd(const struct jailnet *n)
{
        return n && n->dhcp ? dhcp_client_fd(n->dhcp) : -1;
}

int jailnet_timeout_ms(const struct jailnet *n)
{
        return n && n->dhcp ? dhcp_client_next_timeout_ms(n->dhcp) : -1;
}

int jailnet_handle(struct jailnet *n, struct jailor_error *err)
{
        return n && n->dhcp ? jailnet_dhcp_handle(n, err) : 0;
}

static void sweep(const struct jailor_ctx *ctx, struct rtnl *host)
{
        _cleanup_close_ int lock = -EBADF;

        if (lock_take(ctx, "net", true, &lock, NULL) == 0)
                jailnet_bridge_sweep(ctx, host, NULL);
}

void jailnet_teardown(struct jailnet *n)
{
        if (!n)
                return;
        jailnet_dhcp_stop(n);
        /* the namespace takes the jail ends with it, but only once the last reference goes */
        for (size_t i = 0; i < n->n_host_ends; i++)
                rtnl_link_delete(n->host, n->host_ends[i], NULL);
        if (n->nat_added || n->s.plan->nat)
                nat_remove_jail(n->s.ctx, n->s.jail, NULL);
        if (n->host && n->s.plan->mode == JAILNET_VNET)
                sweep(n->s.ctx, n->host);
        rtnl_close(n->jail);
        rtnl_close(n->host);
        if (n->netns_fd >= 0)
                close(n->netns_fd);
        free(n);
}

void jailnet_forget(const struct jailor_ctx *ctx, const char *jail)
{
        _cleanup_rtnl_ struct rtnl *host = NULL;

        nat_remove_jail(ctx, jail, NULL);
        if (rtnl_open(&host, NULL) == 0)
                sweep(ctx, host);
}
