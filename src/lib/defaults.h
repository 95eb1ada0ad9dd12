/* SPDX-License-Identifier: MIT */
/*
 * defaults.json: the default properties of new jails, in the jailor dataset.
 *
 * Missing: written from the built-in table, with a notice.  Corrupt: a
 * warning naming the file and the parse error, the built-in values are used
 * and the file is never overwritten (SPEC §2, as iocage does).
 */
#pragma once

#include <jansson.h>

#include "context.h"
#include "storage/storage.h"

/* Writes defaults.json from the built-in table when it is missing. */
int defaults_ensure(const struct jailor_ctx *ctx, struct storage *s, struct jailor_error *err);

/* The effective defaults: an object of property name -> canonical string. */
int defaults_load(const struct jailor_ctx *ctx, struct storage *s, json_t **ret,
                  struct jailor_error *err);

/*
 * Validates every "NAME=VALUE" of assignments, then stores them all in one
 * atomic write (or none).  *ret_changes: array of {name, old, new}.
 */
int defaults_set(const struct jailor_ctx *ctx, struct storage *s, char *const *assignments,
                 size_t n, json_t **ret_changes, struct jailor_error *err);
