/* SPDX-License-Identifier: MIT */
/*
 * config.json: reading (with schema migration), writing.
 *
 * The file holds only what differs from the defaults, plus the jail's
 * identity, and "CONFIG_VERSION".  A file of an older schema is migrated on
 * first read: the original is copied to config_backup.json first (renaming
 * it back restores the earlier settings), then config.json is rewritten.
 *
 * Schema versions:
 *   0  iocage's config.json (no CONFIG_VERSION, or iocage's string one):
 *      copied over from a TrueNAS/iocage jail.  FreeBSD-only keys and
 *      iocage's FreeBSD commands (/bin/sh /etc/rc, /usr/bin/true) are
 *      dropped, with a warning naming them.
 *   1  jailor's first schema (PROPS_CONFIG_VERSION).
 */
#pragma once

#include <jansson.h>

#include "../context.h"

/*
 * Reads path into *ret (JSON as on disk, at the current version).  name is
 * the jail's, for messages and identity.  EINVAL with the reason when the
 * file cannot be used.
 */
int config_read(const struct jailor_ctx *ctx, const char *path, const char *name, json_t **ret,
                struct jailor_error *err);

/* Writes config atomically (sorted keys, 4-space indent, as iocage). */
int config_write(const char *path, json_t *config, struct jailor_error *err);

/* The effective values: defaults overlaid by config's (canonical strings). */
int config_effective(json_t *defaults, json_t *config, json_t **ret, struct jailor_error *err);
