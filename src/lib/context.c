/* SPDX-License-Identifier: MIT */
#include "context.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *env_or(const char *name, const char *fallback)
{
        const char *v = getenv(name);

        return strdup(v && *v ? v : fallback);
}

int jailor_ctx_init(struct jailor_ctx *ctx, struct jailor_error *err)
{
        *ctx = (struct jailor_ctx){0};
        ctx->conf_dir = env_or("JAILOR_CONF_DIR", JAILOR_DEFAULT_CONF_DIR);
        ctx->run_dir = env_or("JAILOR_RUN_DIR", JAILOR_DEFAULT_RUN_DIR);
        ctx->embedded_pool = env_or("JAILOR_EMBEDDED_POOL", JAILOR_EMBEDDED_POOL);
        if (!ctx->conf_dir || !ctx->run_dir || !ctx->embedded_pool) {
                jailor_ctx_done(ctx);
                return jailor_error_set(err, ENOMEM, "Out of memory");
        }
        return 0;
}

void jailor_ctx_done(struct jailor_ctx *ctx)
{
        free(ctx->conf_dir);
        free(ctx->run_dir);
        free(ctx->embedded_pool);
        *ctx = (struct jailor_ctx){0};
}

void jailor_warn(const struct jailor_ctx *ctx, const char *fmt, ...)
{
        char *msg = NULL;
        va_list ap;

        if (!ctx || !ctx->warn)
                return;
        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) >= 0) {
                ctx->warn(ctx->warn_data, msg);
                free(msg);
        }
        va_end(ap);
}
