/* SPDX-License-Identifier: MIT */
/*
 * jailor set PROP=VALUE... JAIL: all or nothing.
 *
 * Every assignment is checked first: the name and value (props_check, jail
 * scope: unknown, read-only, FreeBSD-only and default-only names are
 * refused), then whether the property may change in the jail's present
 * state (one function, change_allowed() in props_set.c, reads PROP_LIVE and
 * PROP_STOPPED).  Only then is anything changed, in this order, each step
 * undone if a later one fails:
 *
 *   1. quota: the limit on the jail's root dataset (jail_apply_quota)
 *   2. template=yes|no: the move to templates/ or back (template.h)
 *   3. resource limits of a running jail: its cgroup gets the new ones at
 *      once (runtime_apply_limits), so the kernel's refusal refuses the set
 *   4. one atomic write of config.json; values equal to the default are
 *      dropped from it (jail_config_set)
 *
 * `set ... default` edits defaults.json instead (defaults_set).
 */
#pragma once

#include <jansson.h>

#include "../context.h"
#include "../storage/storage.h"
#include "jail.h"

/*
 * Applies assignments ("NAME=VALUE") to jail name, holding its lock.
 * *ret_changes: an array of {"name", "old", "new", "restart"}, in the order
 * given; "restart" is true when the jail runs and the property only takes
 * effect at its next start.
 */
int jail_set(const struct jailor_ctx *ctx, struct storage *s, const char *name,
             char *const *assignments, size_t n, json_t **ret_changes, struct jailor_error *err);

/*
 * Limits the root dataset root_ds of jail `name` (staged or in place) to quota (a
 * canonical quota value: "none" or a size).  "none" succeeds on a backend
 * without quotas (dir), where any other value is refused.
 */
int jail_apply_quota(struct storage *s, const char *name, const char *root_ds,
                     const char *quota, struct jailor_error *err);
