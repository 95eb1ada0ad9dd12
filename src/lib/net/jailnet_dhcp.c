/* SPDX-License-Identifier: MIT */
/*
 * dhcp=on: the DHCP client of a running jail, and its leases applied
 * (jailnet_internal.h).  The client's sockets must belong to the jail's
 * namespace, and it opens some only once bound, so every call into it is
 * made from inside (netns_call); the lease is applied through the route
 * socket already open there.
 */
#include "jailnet_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/cleanup.h"
#include "addr.h"
#include "netns.h"
#include "route.h"

static void write_lease_file(struct jailnet *n)
{
        jailnet_write_address(n, n->has_lease ? &n->lease.address : NULL, n->lease.prefix);
}

/* nameserver and search lines from the lease; nothing when it brings no DNS. */
static void write_dns(struct jailnet *n, const struct dhcp_lease *l)
{
        char buf[1024], addr[INET_ADDRSTRLEN];
        size_t len = 0;

        if (!n->s.write_resolv_conf || !n->s.root || l->n_dns == 0)
                return;
        if (l->domain[0])
                len += (size_t)snprintf(buf + len, sizeof(buf) - len, "search %s\n", l->domain);
        for (size_t i = 0; i < l->n_dns && len < sizeof(buf); i++)
                len += (size_t)snprintf(buf + len, sizeof(buf) - len, "nameserver %s\n",
                                        inet_ntop(AF_INET, &l->dns[i], addr, sizeof(addr)));
        n->s.write_resolv_conf(n->s.root, buf, NULL);
}

static void apply_route(struct jailnet *n, const struct dhcp_lease *l, bool add)
{
        struct route rt = {.family = AF_INET, .has_gateway = true};

        if (l->router.s_addr == 0 || n->s.plan->router4.kind == ROUTER_NONE)
                return;
        rt.gateway.in4 = l->router;
        snprintf(rt.dev, sizeof(rt.dev), "%s", n->dhcp_nic->name);
        if (add)
                rtnl_route_add(n->jail, &rt, NULL);
        else
                rtnl_route_delete(n->jail, &rt, NULL);
}

static void on_event(struct dhcp_client *c, enum dhcp_event event, const struct dhcp_lease *l,
                     void *userdata)
{
        struct jailnet *n = userdata;
        const char *nic = n->dhcp_nic->name;

        (void)c;
        switch (event) {
        case DHCP_EVENT_BOUND:
                rtnl_addr_add(n->jail, nic, AF_INET, (const union inet_addr *)&l->address,
                              l->prefix, 0, NULL);
                apply_route(n, l, true);
                write_dns(n, l);
                n->lease = *l;
                n->has_lease = true;
                break;
        case DHCP_EVENT_RENEWED:
                if (n->lease.router.s_addr != l->router.s_addr) {
                        apply_route(n, &n->lease, false);
                        apply_route(n, l, true);
                }
                write_dns(n, l);
                n->lease = *l;
                break;
        case DHCP_EVENT_EXPIRED:
                /* the route through the address goes with it */
                rtnl_addr_delete(n->jail, nic, AF_INET, (const union inet_addr *)&l->address,
                                 l->prefix, NULL);
                n->has_lease = false;
                break;
        case DHCP_EVENT_NAK:
                break;
        }
        write_lease_file(n);
}

struct dhcp_call {
        struct jailnet *n;
        int timeout_ms;
        enum { CALL_START, CALL_HANDLE, CALL_STOP } what;
};

static int call_here(void *data, struct jailor_error *err)
{
        struct dhcp_call *call = data;
        struct jailnet *n = call->n;
        int k;

        switch (call->what) {
        case CALL_START:
                k = dhcp_client_new(&n->dhcp,
                                    &(struct dhcp_client_config){.ifname = n->dhcp_nic->name,
                                                                 .hostname = n->s.hostname,
                                                                 .on_event = on_event,
                                                                 .userdata = n},
                                    err);
                return k < 0 ? k : dhcp_client_acquire(n->dhcp, call->timeout_ms, err);
        case CALL_HANDLE:
                return dhcp_client_handle(n->dhcp, err);
        case CALL_STOP:
                return dhcp_client_stop(n->dhcp, true, err);
        }
        return 0;
}

int jailnet_dhcp_start(struct jailnet *n, struct jailor_error *err)
{
        struct dhcp_call call = {n, (int)n->s.dhcp_timeout_s * 1000, CALL_START};
        int k = netns_call(n->netns_fd, call_here, &call, err);

        if (k == -ETIMEDOUT)
                return jailor_error_set(err, ETIMEDOUT,
                                        "No DHCP lease on %s within %u s (exec_timeout)",
                                        n->dhcp_nic->name, n->s.dhcp_timeout_s);
        return k;
}

int jailnet_dhcp_handle(struct jailnet *n, struct jailor_error *err)
{
        struct dhcp_call call = {n, 0, CALL_HANDLE};

        return netns_call(n->netns_fd, call_here, &call, err);
}

void jailnet_dhcp_stop(struct jailnet *n)
{
        struct dhcp_call call = {n, 0, CALL_STOP};

        if (!n->dhcp)
                return;
        if (n->has_lease)
                netns_call(n->netns_fd, call_here, &call, NULL);
        dhcp_client_free(n->dhcp);
        n->dhcp = NULL;
        n->has_lease = false;
        write_lease_file(n);
}
