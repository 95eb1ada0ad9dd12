/* SPDX-License-Identifier: MIT */
/* SHA-256 of streams and files (OpenSSL's libcrypto), as lowercase hex. */
#pragma once

#include <stddef.h>

#include "../error.h"

#define SHA256_HEX_LEN 64

struct sha256;

struct sha256 *sha256_new(void);
void sha256_update(struct sha256 *h, const void *data, size_t len);
/* Writes 64 hex digits and a NUL to hex, and frees h. */
void sha256_finish(struct sha256 *h, char hex[SHA256_HEX_LEN + 1]);

int sha256_file(const char *path, char hex[SHA256_HEX_LEN + 1], struct jailor_error *err);

/* True when s is 64 hex digits (either case). */
int sha256_hex_valid(const char *s);
