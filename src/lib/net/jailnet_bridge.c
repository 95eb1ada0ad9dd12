/* SPDX-License-Identifier: MIT */
/*
 * The host bridges VNET jails hang from (jailnet_bridge.h).
 *
 * A bridge jailor makes is jailor's to undo.  When it makes one with an
 * uplink (vnet_default_interface), the uplink becomes a port, and a port's
 * own addresses no longer work on Linux: the host would lose its network.
 * So, as Proxmox does for vmbr0, the uplink's addresses and default routes
 * move to the bridge (which also takes the uplink's MAC, so the LAN sees the
 * same host).  What moved is written down in $JAILOR_RUN_DIR/net/NAME.json,
 * and when no jail is left on the bridge, the bridge is deleted and the
 * uplink gets its addresses and routes back.  A bridge that was there before
 * is the administrator's: jailor adds and removes only its jails' ports.
 */
#include "jailnet_bridge.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/cleanup.h"
#include "../util/fs.h"
#include "addr.h"
#include "link.h"
#include "offload.h"
#include "route.h"


static char *record_path(const struct jailor_ctx *ctx, const char *bridge)
{
        char name[IFNAMSIZ + 8];

        snprintf(name, sizeof(name), "%s.json", bridge);
        return strjoin(ctx->run_dir, "/net/", name, NULL);
}

static json_t *addr_json(int family, const union inet_addr *a, unsigned prefix)
{
        char text[INET6_ADDRSTRLEN];

        inet_ntop(family, a, text, sizeof(text));
        return json_pack("{s:i, s:s, s:i}", "family", family == AF_INET ? 4 : 6, "addr", text,
                         "prefix", (int)prefix);
}

static bool addr_from_json(json_t *o, int *family, union inet_addr *a, unsigned *prefix)
{
        const char *text = json_string_value(json_object_get(o, "addr"));

        *family = json_integer_value(json_object_get(o, "family")) == 6 ? AF_INET6 : AF_INET;
        *prefix = (unsigned)json_integer_value(json_object_get(o, "prefix"));
        return text && inet_pton(*family, text, a) == 1;
}

/* ---- moving the uplink's addresses ------------------------------------------ */

/* Notes in routes the default routes through ifindex. */
static void note_default_routes(struct rtnl *host, int ifindex, json_t *routes)
{
        for (int family = AF_INET; family; family = family == AF_INET ? AF_INET6 : 0) {
                struct route rt;
                json_t *o;

                if (rtnl_route_default(host, family, &rt, NULL) < 0 || rt.ifindex != ifindex ||
                    !rt.has_gateway)
                        continue;
                o = addr_json(family, &rt.gateway, 0);
                /* given back as they were: who made them and their metric */
                json_object_set_new(o, "metric", json_integer(rt.metric));
                json_object_set_new(o, "protocol", json_integer(rt.protocol));
                json_array_append_new(routes, o);
        }
}

/* Notes in addrs the global addresses of ifname (fe80:: stays: each link has its own). */
static int note_addresses(struct rtnl *host, const char *ifname, json_t *addrs,
                          struct jailor_error *err)
{
        _cleanup_free_ struct addr_info *list = NULL;
        size_t n = 0;
        int k = rtnl_addr_list(host, ifname, AF_UNSPEC, &list, &n, err);

        for (size_t i = 0; k >= 0 && i < n; i++)
                if (list[i].scope == RT_SCOPE_UNIVERSE)
                        json_array_append_new(addrs, addr_json(list[i].family, &list[i].addr,
                                                               list[i].prefix));
        return k < 0 ? k : 0;
}

/* Adds (add) or deletes the routes noted, through dev. */
static int change_routes(struct rtnl *host, json_t *routes, const char *dev, bool add,
                         struct jailor_error *err)
{
        size_t i;
        json_t *o;

        json_array_foreach (routes, i, o) {
                struct route rt = {.has_gateway = true};
                unsigned unused;
                int k;

                if (!addr_from_json(o, &rt.family, &rt.gateway, &unused))
                        continue;
                rt.metric = (uint32_t)json_integer_value(json_object_get(o, "metric"));
                rt.protocol = (uint8_t)json_integer_value(json_object_get(o, "protocol"));
                snprintf(rt.dev, sizeof(rt.dev), "%s", dev);
                k = add ? rtnl_route_add(host, &rt, err) : rtnl_route_delete(host, &rt, err);
                /* already there, or already gone: a run killed halfway did it */
                if (k < 0 && k != (add ? -EEXIST : -ESRCH))
                        return k;
        }
        return 0;
}

/* Adds (add) or deletes the addresses noted, on dev. */
static int change_addresses(struct rtnl *host, json_t *addrs, const char *dev, bool add,
                            struct jailor_error *err)
{
        size_t i;
        json_t *o;

        json_array_foreach (addrs, i, o) {
                union inet_addr a;
                unsigned prefix;
                int family, k;

                if (!addr_from_json(o, &family, &a, &prefix))
                        continue;
                k = add ? rtnl_addr_add(host, dev, family, &a, prefix,
                                        family == AF_INET6 ? RTNL_ADDR_NODAD : 0, err)
                        : rtnl_addr_delete(host, dev, family, &a, prefix, err);
                if (k < 0 && k != (add ? -EEXIST : -EADDRNOTAVAIL))
                        return k;
        }
        return 0;
}

/*
 * A NIC's hardware offloads (segmentation, receive coalescing) hand the
 * bridge frames bigger than its ports' MTU, which jails then drop: warn, or
 * turn them off when asked.  A NIC is a link of no kind that is not
 * loopback, asked over netlink so it is judged in the right namespace.
 */
static int check_offload(const struct jailor_ctx *ctx, const struct jailnet_bridge *b,
                         const struct link_info *info, struct jailor_error *err)
{
        char which[OFFLOAD_NAMES_MAX];
        bool on = false;

        if (info->kind[0] || (info->flags & IFF_LOOPBACK))
                return 0;
        if (offload_active(b->uplink, which, sizeof(which), &on, NULL) < 0 || !on)
                return 0;
        if (b->offload_off)
                return offload_disable(b->uplink, err);
        jailor_warn(ctx,
                    "Hardware offloading (%s) is on for '%s', which now carries bridge '%s': "
                    "jails may see dropped or oversized packets; set "
                    "vnet_default_interface_offload=off to turn it off",
                    which, b->uplink, b->name);
        return 0;
}

static int write_record(const struct jailor_ctx *ctx, const char *bridge, json_t *rec,
                        struct jailor_error *err);

/*
 * The uplink joins the new bridge with its MAC, addresses and default
 * routes.  Everything that moves is written down before anything does, so
 * a run killed at any point leaves a record the sweep can undo.
 */
static int adopt_uplink(const struct jailor_ctx *ctx, struct rtnl *host,
                        const struct jailnet_bridge *b, json_t *rec, struct jailor_error *err)
{
        const char *bridge = b->name, *uplink = b->uplink;
        json_t *addrs = json_array(), *routes = json_array();
        struct link_info info;
        int k;

        json_object_set_new(rec, "uplink", json_string(uplink));
        json_object_set_new(rec, "addrs", addrs);
        json_object_set_new(rec, "routes", routes);
        k = rtnl_link_get(host, uplink, &info, err);
        if (k >= 0) {
                note_default_routes(host, info.ifindex, routes);
                k = note_addresses(host, uplink, addrs, err);
        }
        if (k >= 0)
                k = write_record(ctx, bridge, rec, err);
        if (k >= 0)
                k = check_offload(ctx, b, &info, err);
        if (k >= 0 && info.has_mac)
                k = rtnl_link_set_mac(host, bridge, info.mac, err);
        if (k >= 0)
                k = rtnl_link_set_mtu(host, bridge, info.mtu, err);
        if (k >= 0)
                k = change_routes(host, routes, uplink, false, err);
        if (k >= 0)
                k = change_addresses(host, addrs, uplink, false, err);
        if (k >= 0)
                k = change_addresses(host, addrs, bridge, true, err);
        if (k >= 0)
                k = rtnl_link_set_master(host, uplink, bridge, err);
        if (k >= 0)
                k = rtnl_link_set_up(host, bridge, true, err);
        if (k >= 0)
                k = change_routes(host, routes, bridge, true, err);
        return k < 0 ? k : 0;
}

/* ---- attach and sweep --------------------------------------------------------- */

static int write_record(const struct jailor_ctx *ctx, const char *bridge, json_t *rec,
                        struct jailor_error *err)
{
        _cleanup_free_ char *path = record_path(ctx, bridge);
        _cleanup_free_ char *dir = strjoin(ctx->run_dir, "/net", NULL);
        _cleanup_free_ char *text = json_dumps(rec, JSON_COMPACT);
        int k;

        if (!path || !dir || !text)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        k = mkdir_p(dir, 0700, err);
        return k < 0 ? k : write_file_atomic(path, text, strlen(text), 0600, err);
}

int jailnet_bridge_attach(const struct jailor_ctx *ctx, struct rtnl *host,
                          const struct jailnet_bridge *b, unsigned *ret_mtu,
                          struct jailor_error *err)
{
        _cleanup_(json_decrefp) json_t *rec = json_object();
        struct link_info info;
        int made, k;

        made = rtnl_link_ensure_bridge(host, b->name, err);
        if (made < 0)
                return made;
        if (made) {
                /* written first: a start killed halfway still leaves the way back */
                k = write_record(ctx, b->name, rec, err);
                if (k >= 0 && b->uplink[0])
                        k = adopt_uplink(ctx, host, b, rec, err);
                if (k >= 0 && b->has_gateway)
                        k = rtnl_addr_add(host, b->name, AF_INET, &b->gateway, b->gateway_prefix,
                                          0, err);
                if (k >= 0)
                        k = rtnl_link_set_up(host, b->name, true, err);
                if (k < 0)
                        return k;
        }
        k = rtnl_link_get(host, b->name, &info, err);
        if (k < 0)
                return k;
        /* a bridge without ports says 1500 whatever came before; the property says better */
        *ret_mtu = info.mtu;
        return made;
}

/* The ports of the bridge with ifindex, other than ifindex skip. */
static size_t count_ports(const struct link_info *links, size_t n, int bridge, int skip)
{
        size_t ports = 0;

        for (size_t i = 0; i < n; i++)
                if (links[i].master == bridge && links[i].ifindex != skip)
                        ports++;
        return ports;
}

static int release(const struct jailor_ctx *ctx, struct rtnl *host, const char *bridge,
                   json_t *rec, struct jailor_error *err)
{
        _cleanup_free_ char *path = record_path(ctx, bridge);
        const char *uplink = json_string_value(json_object_get(rec, "uplink"));
        int k = 0;

        if (uplink)
                k = rtnl_link_set_master(host, uplink, NULL, err);
        if (k >= 0 || k == -ENODEV)
                k = rtnl_link_delete(host, bridge, err);
        if (k == -ENODEV)
                k = 0;
        if (k >= 0 && uplink) {
                k = change_addresses(host, json_object_get(rec, "addrs"), uplink, true, err);
                if (k >= 0)
                        k = change_routes(host, json_object_get(rec, "routes"), uplink, true, err);
                if (k == -ENODEV)
                        k = 0; /* the uplink is gone: nothing to give back to */
        }
        if (k >= 0 && path)
                unlink(path);
        return k;
}

int jailnet_bridge_sweep(const struct jailor_ctx *ctx, struct rtnl *host, struct jailor_error *err)
{
        _cleanup_free_ char *dir = strjoin(ctx->run_dir, "/net", NULL);
        _cleanup_free_ struct link_info *links = NULL;
        _cleanup_(closedirp) DIR *d = NULL;
        struct dirent *de;
        size_t n = 0;
        int k, r = 0;

        d = dir ? opendir(dir) : NULL;
        if (!d)
                return 0;
        k = rtnl_link_list(host, &links, &n, err);
        if (k < 0)
                return k;
        while ((de = readdir(d))) {
                char bridge[IFNAMSIZ];
                const char *dot = strrchr(de->d_name, '.');
                _cleanup_(json_decrefp) json_t *rec = NULL;
                _cleanup_free_ char *path = NULL;
                int index = 0, uplink = 0;

                if (!dot || !STREQ(dot, ".json") || (size_t)(dot - de->d_name) >= IFNAMSIZ)
                        continue;
                snprintf(bridge, sizeof(bridge), "%.*s", (int)(dot - de->d_name), de->d_name);
                path = record_path(ctx, bridge);
                rec = path ? json_load_file(path, 0, NULL) : NULL;
                if (!rec)
                        continue;
                for (size_t i = 0; i < n; i++) {
                        if (STREQ(links[i].name, bridge))
                                index = links[i].ifindex;
                        const char *u = json_string_value(json_object_get(rec, "uplink"));
                        if (u && STREQ(links[i].name, u))
                                uplink = links[i].ifindex;
                }
                if (index && count_ports(links, n, index, uplink) > 0)
                        continue; /* jails still use it */
                k = release(ctx, host, bridge, rec, r < 0 ? NULL : err);
                if (k < 0 && r == 0)
                        r = k;
        }
        return r;
}
