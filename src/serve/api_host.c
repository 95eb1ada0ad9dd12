/* SPDX-License-Identifier: MIT */
/*
 * What concerns every jail at once: disk space (jailor df), the boot order
 * (start|stop --rc), and the host's network interfaces the forms offer.
 */
#include <errno.h>

#include "api.h"
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jail/df.h"
#include "net/link.h"
#include "pool.h"
#include "runtime/boot_order.h"
#include "views.h"

static int op_df(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        struct jail_df_row *rows = NULL;
        size_t n = 0;
        int r = WITH_POOL(w, s, err, jail_df(worker_ctx(w), s, &rows, &n, err));

        if (r < 0)
                return r;
        jail_df_rows_sort(rows, n, JAIL_DF_SORT_NAME);
        *ret = jail_df_rows_to_json(rows, n);
        jail_df_rows_free(rows, n);
        return *ret ? 0 : jailor_error_set(err, ENOMEM, "Out of memory");
}

struct boot_report {
        struct worker *w;
        json_t *jails;
};

/* Each jail's outcome, as the boot order reports it; failures are warnings too, kept by a failed job. */
static void collect(void *data, const struct boot_result *res)
{
        struct boot_report *b = data;

        if (!res->ok)
                jailor_warn(worker_ctx(b->w), "%s: %s", res->name, res->why);
        json_array_append_new(b->jails, json_pack("{s:s, s:b, s:b, s:s?}", "name", res->name, "ok",
                                              res->ok, "unchanged", res->unchanged, "error",
                                              res->ok ? NULL : res->why));
}

static int boot(struct worker *w, json_t **ret, struct jailor_error *err, enum boot_action action)
{
        struct boot_report b = {.w = w, .jails = json_array()};
        int r;

        if (!b.jails)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = WITH_POOL(w, s, err, boot_order_run(worker_ctx(w), s, action, collect, &b, err));
        if (r < 0) {
                json_decref(b.jails);
                return r;
        }
        *ret = json_pack("{s:o}", "jails", b.jails);
        return 0;
}

static int op_boot_start(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return boot(w, ret, err, BOOT_START);
}

static int op_boot_stop(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return boot(w, ret, err, BOOT_STOP);
}

static json_t *interface_json(const struct link_info *l, const struct link_info *all, size_t n,
                              const char *default_iface)
{
        char mac[18] = "";
        const char *master = NULL;

        if (l->has_mac)
                snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", l->mac[0], l->mac[1],
                         l->mac[2], l->mac[3], l->mac[4], l->mac[5]);
        for (size_t i = 0; i < n; i++)
                if (l->master && all[i].ifindex == l->master)
                        master = all[i].name;
        return json_pack("{s:s, s:s, s:b, s:i, s:s?, s:s?, s:b}", "name", l->name, "kind",
                         (l->flags & IFF_LOOPBACK) ? "loopback" : l->kind, "up",
                         !!(l->flags & IFF_UP), "mtu", (int)l->mtu, "mac",
                         l->has_mac ? mac : NULL, "bridge", master, "default_route",
                         strcmp(l->name, default_iface) == 0);
}

/* The host's interfaces (the namespace jailor serve runs in): kind, state, bridge, default route. */
static int op_interfaces(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        _cleanup_rtnl_ struct rtnl *nl = NULL;
        struct link_info *links = NULL;
        char default_iface[IFNAMSIZ] = "";
        size_t n = 0;
        int r = rtnl_open(&nl, err);

        if (r == 0)
                r = rtnl_link_list(nl, &links, &n, err);
        if (r < 0)
                return r;
        rtnl_link_default_route_iface(nl, default_iface, NULL); /* none: no interface is marked */
        *ret = json_array();
        for (size_t i = 0; *ret && i < n; i++)
                json_array_append_new(*ret, interface_json(&links[i], links, n, default_iface));
        free(links);
        return *ret ? 0 : jailor_error_set(err, ENOMEM, "Out of memory");
}

void api_interfaces(struct request *r)
{
        api_call_simple(r, "host.interfaces", op_interfaces, 200);
}

void api_df(struct request *r)
{
        api_call_simple(r, "df", op_df, 200);
}

void api_boot_start(struct request *r)
{
        api_run(r, &(struct api_call){.kind = "boot.start", .fn = op_boot_start,
                                      .args = api_args(r), .mode = API_JOB});
}

void api_boot_stop(struct request *r)
{
        api_run(r, &(struct api_call){.kind = "boot.stop", .fn = op_boot_stop,
                                      .args = api_args(r), .mode = API_JOB});
}
