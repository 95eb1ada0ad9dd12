/* SPDX-License-Identifier: MIT */
#include "net_check.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../defaults.h"
#include "../util/cleanup.h"
#include "config.h"
#include "jail.h"

static bool has_static_addresses(const struct jailnet_plan *plan)
{
        for (size_t i = 0; i < plan->n_nics; i++)
                if (plan->nics[i].n_addrs > 0)
                        return true;
        return false;
}

int jail_check_addresses(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                         const struct jailnet_plan *plan, struct jailor_error *err)
{
        _cleanup_strv_free_ char **names = NULL;
        json_t *defaults = NULL;
        size_t n = 0;
        int r;

        if (!has_static_addresses(plan))
                return 0;
        r = jail_names(s, false, &names, &n, err);
        if (r == 0)
                r = defaults_load(ctx, s, &defaults, err);
        for (size_t i = 0; r == 0 && i < n; i++) {
                struct jailnet_plan other;
                struct jail *j = NULL;

                if (STREQ(names[i], name) ||
                    jail_open_with(ctx, s, names[i], defaults, &j, NULL) < 0)
                        continue;
                /* a jail whose own network is refused has no address to take */
                if (!j->corrupt && jailnet_plan_from_props(j->props, &other, NULL) == 0) {
                        r = jailnet_check_overlap(name, plan, names[i], &other, err);
                        jailnet_plan_done(&other);
                }
                jail_free(j);
        }
        json_decref(defaults);
        return r;
}

int jail_check_network(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                       json_t *props, struct jailor_error *err)
{
        struct jailnet_plan plan;
        int r = jailnet_plan_from_props(props, &plan, err);

        if (r < 0)
                return r;
        r = jail_check_addresses(ctx, s, name, &plan, err);
        if (r == 0)
                r = jailnet_check_host(&plan, err);
        jailnet_plan_done(&plan);
        return r;
}

int jail_check_network_config(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                           json_t *config, struct jailor_error *err)
{
        json_t *defaults = NULL, *props = NULL;
        int r = defaults_load(ctx, s, &defaults, err);

        if (r == 0)
                r = config_effective(defaults, config, &props, err);
        if (r == 0)
                r = jail_check_network(ctx, s, name, props, err);
        json_decref(props);
        json_decref(defaults);
        return r;
}

bool jail_prop_is_network(const char *name)
{
        static const char *const prefixes[] = {"ip4", "ip6", "vnet", "nat", "dhcp", "interfaces",
                                               "defaultrouter", "mac_prefix"};

        for (size_t i = 0; i < ELEMENTSOF(prefixes); i++)
                if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
                        return true;
        return false;
}
