/* SPDX-License-Identifier: MIT */
/*
 * The worker launcher: a process forked when the server starts, before it
 * reads its TLS key or makes any session, which forks every worker
 * (worker.h) on the server's behalf.
 *
 * Why not fork workers from the server itself: a worker's fork is not
 * always short-lived.  runtime_start's supervisor, and the built-in init
 * cloned from it, live as long as the jail and never exec, so they keep a
 * copy of the memory of whoever forked the worker.  Forked from the
 * launcher, that copy holds no session id, CSRF token or private key.
 *
 * Server and launcher talk over a SOCK_SEQPACKET pair: the server sends
 * {function, capture, JSON arguments}; the launcher answers with the
 * worker's PID and passes its descriptors (SCM_RIGHTS), and tells the
 * server each time a worker exits (it is their parent and reaps them).
 */
#pragma once

#include <sys/types.h>

#include "worker.h"

/* Forks the launcher; call before any secret is in memory.  0 or a negative errno. */
int zygote_start(const struct jailor_ctx *ctx);
/* The server's end of the channel (for the loop), or -1. */
int zygote_fd(void);
/* Has the launcher fork fn(args) (args are not taken). */
int zygote_spawn(worker_fn fn, json_t *args, bool capture, struct worker_child *ret);
/* Reads the launcher's news (workers that exited) without waiting. */
void zygote_read(void);
/* Closes the channel: the launcher exits (workers still running go on). */
void zygote_stop(void);
