/* SPDX-License-Identifier: MIT */
/* Downloading a release archive over HTTP(S) with libcurl, checked by SHA-256. */
#pragma once

#include "../context.h"
#include "../util/sha256.h"

/*
 * Downloads url to dest: into "dest.part" first, hashing as it goes; dest
 * appears only when the SHA-256 equals sha256_hex.  A mismatch or failure
 * leaves nothing behind.
 */
int download_url(const struct jailor_ctx *ctx, const char *url, const char *sha256_hex,
                 const char *dest, struct jailor_error *err);
