/* SPDX-License-Identifier: MIT */
/*
 * Workers: each call into libjailor runs in a child process forked for it.
 *
 * Why processes, not threads: the library forks (start's supervisor,
 * debootstrap, hooks, helper programs) and fork() in a multi-threaded
 * process may only call async-signal-safe functions until exec, which the
 * supervisor never does; runtime_exec hands the command the caller's stdin,
 * stdout and stderr; rtnl_open_in() setns()es the caller.  A child per
 * call gives each call a single-threaded process of its own, its own
 * standard descriptors and signal mask, and a crash or leak that ends with
 * it.  The per-jail locks (flock) work between processes as they do
 * between two commands.
 *
 * The child talks to the server over a socket, one JSON object a line:
 *   {"t":"progress","what":S,"done":N,"total":N}   (at most ten a second)
 *   {"t":"warning","message":S}
 *   {"t":"long"}                                    the call will take a while
 *   {"t":"result","result":V} | {"t":"error","errno":N,"message":S,"field":S|null}
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "context.h"
#include "error.h"

struct worker;

/* What a worker runs: the library call(s) of one request.  *ret: the result (may stay NULL). */
typedef int (*worker_fn)(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err);

/* ---- in the child ---- */

const struct jailor_ctx *worker_ctx(struct worker *w);
/* Names the request field an error is about ("name", a property...). */
void worker_field(struct worker *w, const char *field);
/* Tells the server this call will take a while (a release must be fetched). */
void worker_long(struct worker *w);

/* ---- in the launcher and the server ---- */

struct worker_child {
        pid_t pid;
        int msg_fd;           /* the server's end of the message socket */
        int out_fd, err_fd;   /* with capture: the command's stdout and stderr; else -1 */
};

/*
 * Forks a child running fn(args) with ctx (called in the launcher,
 * zygote.h).  With capture its stdout and stderr are pipes read by the
 * server (exec); else /dev/null.
 */
int worker_spawn(const struct jailor_ctx *ctx, worker_fn fn, json_t *args, bool capture,
                 struct worker_child *ret);
