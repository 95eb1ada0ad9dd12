/* SPDX-License-Identifier: MIT */
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int error_vset(struct jailor_error *err, int errnum, const char *fmt, va_list ap)
{
        if (errnum <= 0)
                errnum = EIO; /* a caller bug must still surface as a failure */
        if (err) {
                err->errnum = errnum;
                vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        }
        return -errnum;
}

int jailor_error_set(struct jailor_error *err, int errnum, const char *fmt, ...)
{
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = error_vset(err, errnum, fmt, ap);
        va_end(ap);
        return r;
}

int jailor_error_errno(struct jailor_error *err, int errnum, const char *fmt, ...)
{
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = error_vset(err, errnum, fmt, ap);
        va_end(ap);
        if (err) {
                size_t len = strlen(err->msg);
                snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", strerror(-r));
        }
        return r;
}

int jailor_error_prefix(struct jailor_error *err, const char *fmt, ...)
{
        char joined[2 * JAILOR_ERROR_MAX + 2];
        va_list ap;
        int n;

        if (!err)
                return -EIO;
        if (err->errnum <= 0)
                err->errnum = EIO;
        va_start(ap, fmt);
        n = vsnprintf(joined, JAILOR_ERROR_MAX, fmt, ap);
        va_end(ap);
        if (n < 0)
                n = 0;
        if (n >= JAILOR_ERROR_MAX)
                n = JAILOR_ERROR_MAX - 1;
        memcpy(joined + n, ": ", 2);
        memcpy(joined + n + 2, err->msg, strlen(err->msg) + 1);
        memcpy(err->msg, joined, JAILOR_ERROR_MAX - 1);
        err->msg[JAILOR_ERROR_MAX - 1] = '\0';
        return -err->errnum;
}

void jailor_error_clear(struct jailor_error *err)
{
        if (err) {
                err->errnum = 0;
                err->msg[0] = '\0';
        }
}
