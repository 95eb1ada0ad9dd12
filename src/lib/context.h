/* SPDX-License-Identifier: MIT */
/*
 * The context every library call works in: where host settings and runtime
 * state live, and where warnings go.  Tests isolate themselves from the host
 * by pointing JAILOR_CONF_DIR and JAILOR_RUN_DIR elsewhere.
 */
#pragma once

#include <stdarg.h>
#include <stdint.h>

#include "error.h"

#define JAILOR_DEFAULT_CONF_DIR "/etc/jailor"
#define JAILOR_DEFAULT_RUN_DIR "/run/jailor"
#define JAILOR_EMBEDDED_POOL "/var/lib/jailor"

typedef void (*jailor_warn_fn)(void *userdata, const char *msg);
/* Long work reports how far it is: done of total bytes (total 0: unknown). */
typedef void (*jailor_progress_fn)(void *userdata, const char *what, uint64_t done,
                                   uint64_t total);

struct jailor_ctx {
        char *conf_dir;       /* $JAILOR_CONF_DIR or /etc/jailor */
        char *run_dir;        /* $JAILOR_RUN_DIR or /run/jailor */
        char *embedded_pool;  /* $JAILOR_EMBEDDED_POOL or /var/lib/jailor */
        jailor_warn_fn warn;  /* NULL: warnings are dropped */
        void *warn_data;
        jailor_progress_fn progress; /* NULL: no progress reports */
        void *progress_data;
};

/* Fills ctx from the environment; release with jailor_ctx_done(). */
int jailor_ctx_init(struct jailor_ctx *ctx, struct jailor_error *err);
void jailor_ctx_done(struct jailor_ctx *ctx);

/* Hands a non-fatal message to the context's warning callback. */
void jailor_warn(const struct jailor_ctx *ctx, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
