/* SPDX-License-Identifier: MIT */
/*
 * The host bridges of VNET jails: made when missing (with the uplink's
 * addresses moved onto them), and given back when their last jail is gone.
 * Callers hold the lock "net", which serialises every change to them.
 */
#pragma once

#include <net/if.h>
#include <stdbool.h>

#include "../context.h"
#include "../props/parse.h"
#include "rtnl.h"

struct jailnet_bridge {
        const char *name;
        char uplink[IFNAMSIZ];    /* "" for none: the interface added when jailor makes it */
        bool offload_off;         /* vnet_default_interface_offload=off: turn the uplink's off */
        bool has_gateway;         /* the NAT bridge: the jails' gateway address on it */
        union inet_addr gateway;  /* IPv4 */
        unsigned gateway_prefix;
};

/*
 * Makes sure bridge b->name is there and up: 1 when it was made (with its
 * uplink and gateway), 0 when it was there.  *ret_mtu: the bridge's MTU.
 */
int jailnet_bridge_attach(const struct jailor_ctx *ctx, struct rtnl *host,
                          const struct jailnet_bridge *b, unsigned *ret_mtu,
                          struct jailor_error *err);

/*
 * Gives back every bridge jailor made on which no port is left but its
 * uplink: the uplink leaves, gets its addresses and routes back, and the
 * bridge is deleted.
 */
int jailnet_bridge_sweep(const struct jailor_ctx *ctx, struct rtnl *host, struct jailor_error *err);
