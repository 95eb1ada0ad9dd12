/* SPDX-License-Identifier: MIT */
/*
 * Host-wide settings: $JAILOR_CONF_DIR/jailor.conf (default /etc/jailor).
 *
 * A plain `key = value` file, one setting a line, `#` comments, so that an
 * administrator can read and edit it by hand.  Unknown keys and comments are
 * kept as they are when jailor rewrites the file.
 *
 *   pool = tank            the active pool (zpool name or directory)
 *   backend = zfs          its storage backend: zfs, btrfs or dir
 *   http_proxy = ...       proxy for new jails (also https_proxy, no_proxy)
 */
#pragma once

#include "context.h"

struct jailor_conf;

/* A missing file is an empty configuration. */
int conf_load(const struct jailor_ctx *ctx, struct jailor_conf **ret, struct jailor_error *err);
int conf_save(const struct jailor_ctx *ctx, const struct jailor_conf *conf,
              struct jailor_error *err);
void conf_free(struct jailor_conf *conf);

/* NULL when the key is not set. */
const char *conf_get(const struct jailor_conf *conf, const char *key);
/* value NULL removes the key. */
int conf_set(struct jailor_conf *conf, const char *key, const char *value);
