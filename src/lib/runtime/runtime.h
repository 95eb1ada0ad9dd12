/* SPDX-License-Identifier: MIT */
/* Starting, stopping and entering jails (SPEC §6). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "../context.h"
#include "../storage/storage.h"

struct jail;

/* "up" with *ret_jid the init's host PID, or "down" (a stale state is cleaned). */
const char *runtime_status(const struct jailor_ctx *ctx, const char *name, pid_t *ret_jid);

/* Starts jail name and returns once it is up, or failed with the reason. */
int runtime_start(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                  struct jailor_error *err);

/* Stops jail name: exec_prestop, the init's stop signal, stop_timeout, kill, exec_poststop. */
int runtime_stop(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                 struct jailor_error *err);

/*
 * True when property prop is a resource limit that runtime_apply_limits
 * applies to a running jail (memoryuse, swapuse, pcpu, cpuset, maxproc and
 * the I/O rates).
 */
bool runtime_is_live_limit(const char *prop);

/*
 * `set` on a running jail: rewrites every resource limit of the jail's
 * cgroup from j->props at once, so new values and "off" take effect live.
 * 0 without changing anything when the jail is not running.
 * The kernel's refusal (a CPU that does not exist, memory already above the
 * new limit...) names the property; limits written before it stay written,
 * so a caller undoing a change applies the old properties again.
 */
int runtime_apply_limits(const struct jailor_ctx *ctx, struct storage *s, const struct jail *j,
                         struct jailor_error *err);

struct exec_request {
        const char *name;
        const char *user;       /* a user of the jail (-U); NULL: root */
        char *const *argv;      /* NULL with console: a login shell */
        bool console;           /* `jailor console`: login -f root, else /bin/sh -l */
};

/*
 * Runs a command inside a running jail: all its namespaces, its cgroup, the
 * same capabilities, seccomp filter and limits as its init.  stdin, stdout
 * and stderr pass through; when stdin is a terminal the command gets a
 * pseudo-terminal of its own.  *ret_status: the command's exit status
 * (128 + signal when it was killed).
 */
int runtime_exec(const struct jailor_ctx *ctx, struct storage *s, const struct exec_request *req,
                 int *ret_status, struct jailor_error *err);
