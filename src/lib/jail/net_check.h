/* SPDX-License-Identifier: MIT */
/*
 * The network checks that need more than one jail's properties: at create,
 * set and start, a jail's network is refused when it cannot work (the
 * plan's own rules, jailnet_plan_from_props), names a host interface that
 * is not there, or gives an address another jail has.
 */
#pragma once

#include <jansson.h>

#include "../context.h"
#include "../net/jailnet.h"
#include "../storage/storage.h"

/* The static addresses of plan (jail name) against every other jail's, templates aside. */
int jail_check_addresses(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                         const struct jailnet_plan *plan, struct jailor_error *err);

/* All of the checks, for jail name with the effective properties props. */
int jail_check_network(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                       json_t *props, struct jailor_error *err);

/* The checks for a jail whose config.json would be config (at create, and at set before writing). */
int jail_check_network_config(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                           json_t *config, struct jailor_error *err);

/* Whether a change to property name calls for the network checks. */
bool jail_prop_is_network(const char *name);
