/* SPDX-License-Identifier: MIT */
/*
 * jailor get PROP|all JAIL: a jail's property values as `get` prints them
 * (canonical strings).  `get ... default` reads defaults.json instead
 * (defaults.h).
 */
#pragma once

#include <jansson.h>

#include "../context.h"
#include "../storage/storage.h"
#include "jail.h"

/* EINVAL "Jail 'x' cannot be used: <why>" for a jail whose config.json is unusable. */
int jail_refuse_corrupt(const struct jail *j, struct jailor_error *err);

/*
 * Every property that has a value (name -> canonical string), plus the
 * synthetic "state" that iocage's `get all` prints too.  The values storage
 * computes (used, available, origin, mountpoint) are left to jail_get_one:
 * on some backends they cost a walk of the jail's files.
 */
int jail_get_all(const struct jailor_ctx *ctx, const struct jail *j, json_t **ret,
                 struct jailor_error *err);

/*
 * One value: a property's effective value, "state", or what storage says
 * for used and available (sizes as `df` prints them), origin ("-" when the
 * jail is not a clone) and mountpoint.  *ret is NULL when the property has
 * no value (release of an empty jail).  EINVAL for an unknown name,
 * EOPNOTSUPP for compressratio, which jailor's storage does not report.
 */
int jail_get_one(const struct jailor_ctx *ctx, struct storage *s, const struct jail *j,
                 const char *name, char **ret, struct jailor_error *err);
