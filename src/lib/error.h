/* SPDX-License-Identifier: MIT */
/*
 * The one error convention of libjailor.
 *
 * Every fallible function returns 0 (or a positive count) on success and a
 * negative errno on failure.  Functions a user must understand also take a
 * `struct jailor_error *` as their last argument and fill it with the errno
 * and ONE human message that quotes the offending input.  The CLI prints
 * that message once; the server maps the errno to an HTTP status.
 *
 * The library never prints.  Non-fatal warnings go through the context's
 * warning callback (see context.h).
 */
#pragma once

#include <stdarg.h>

#define JAILOR_ERROR_MAX 1024

struct jailor_error {
        int errnum;                   /* positive errno; 0 = no error */
        char msg[JAILOR_ERROR_MAX];   /* "Rule broken by 'input'", no trailing period */
};

/* Fills err (which may be NULL) and returns -errnum.  errnum must be > 0. */
int jailor_error_set(struct jailor_error *err, int errnum, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Like jailor_error_set, appending ": strerror(errnum)". */
int jailor_error_errno(struct jailor_error *err, int errnum, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Prepends "context: " to the message already in err; returns -err->errnum. */
int jailor_error_prefix(struct jailor_error *err, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

void jailor_error_clear(struct jailor_error *err);
