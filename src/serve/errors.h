/* SPDX-License-Identifier: MIT */
/*
 * API errors: {"error": {"code": "stable_code", "field": NAME|null,
 * "message": "one line"}}, and the HTTP status of a library errno.
 *
 *   ENOENT, ESRCH, ENODEV                      404 not_found
 *   EEXIST                                     409 exists
 *   EBUSY                                      409 busy (a lock, a running jail, clones)
 *   EALREADY                                   409 wrong_state (already/not running)
 *   EADDRINUSE                                 409 address_in_use
 *   EINVAL, ERANGE, EDOM, ENAMETOOLONG, ENOTDIR 422 invalid
 *   EOPNOTSUPP                                 422 not_supported
 *   EACCES, EPERM                              403 permission_denied
 *   ENOSPC, EDQUOT                             507 no_space
 *   anything else                              500 failed
 */
#pragma once

#include <jansson.h>

struct api_error_kind {
        unsigned status;
        const char *code;
};

struct api_error_kind api_error_from_errno(int errnum);

/* The error object; field may be NULL. */
json_t *api_error_json(const char *code, const char *field, const char *message);
