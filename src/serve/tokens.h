/* SPDX-License-Identifier: MIT */
/*
 * API tokens for clients that are not browsers: `jailor token create|list|
 * revoke`.  $JAILOR_CONF_DIR/api-tokens.json (mode 0600) keeps, per token,
 * an id, a name, when it was made and the SHA-256 of the secret — never
 * the secret, which is shown once when made.  A secret is "jailor_" and 64
 * hex digits (32 random bytes), sent as `Authorization: Bearer SECRET`.
 */
#pragma once

#include <jansson.h>

#include "context.h"
#include "error.h"

#define TOKENS_FILE "api-tokens.json"
#define TOKEN_PREFIX "jailor_"

/* Makes a token named name (NULL: "token-ID"); *ret_secret and *ret_id are malloc'd. */
int tokens_create(const struct jailor_ctx *ctx, const char *name, char **ret_secret,
                  char **ret_id, struct jailor_error *err);
/* [{id, name, created}] */
int tokens_list(const struct jailor_ctx *ctx, json_t **ret, struct jailor_error *err);
/* Removes the token with that id or name; ENOENT when there is none. */
int tokens_revoke(const struct jailor_ctx *ctx, const char *id_or_name, struct jailor_error *err);
/* 0 with *ret_name (malloc'd) when secret is a token's, else -EACCES. */
int tokens_verify(const struct jailor_ctx *ctx, const char *secret, char **ret_name);
