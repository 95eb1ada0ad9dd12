/* SPDX-License-Identifier: MIT */
/*
 * The exec_* hooks that run on the host (exec_created now; exec_prestart,
 * exec_poststart, exec_prestop, exec_poststop with the runtime): the
 * command runs with /bin/sh -c, with JAIL_NAME, JAIL_ROOT and (once the jail
 * runs) JAIL_PID, its init's PID on the host, in its environment, and is killed after exec_timeout seconds.  "none" runs nothing.
 */
#pragma once

#include <sys/types.h>

#include "../context.h"
#include "../storage/storage.h"

/* Runs cmd for jail name; EIO naming the hook and its exit status on failure. */
int hook_run(const char *hook, const char *cmd, const char *name, const char *root, pid_t jail_pid,
             unsigned timeout_s, struct jailor_error *err);

/* exec_created of a jail just created: a failure is a warning, the jail stays. */
void hooks_run_created(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                       const char *root_ds);
