/* SPDX-License-Identifier: MIT */
/*
 * jailor serve: the JSON REST API under /api/v1 (docs/API.md).
 *
 * One process, one thread: libmicrohttpd in external epoll mode driven by
 * the server's own loop (loop.h).  Every call into libjailor runs in a
 * child process forked for it (worker.h), so a slow call never stalls the
 * server, the library's own fork()s happen in a single-threaded process,
 * and what a call leaves behind (memory, descriptors, a signal mask) dies
 * with its child.
 */
#pragma once

#include <stdbool.h>

#include "context.h"
#include "error.h"

#define SERVE_DEFAULT_LISTEN "127.0.0.1:8080"

struct serve_options {
        const char *listen;   /* ADDR:PORT, [ADDR6]:PORT; port 0 picks a free one */
        const char *tls_cert; /* PEM files; both or neither */
        const char *tls_key;
};

/*
 * Serves until SIGTERM or SIGINT; prints "Listening on URL" on stdout once
 * the socket is bound.  Returns 0, or a negative errno with err filled.
 */
int serve_run(struct jailor_ctx *ctx, const struct serve_options *opts, struct jailor_error *err);
