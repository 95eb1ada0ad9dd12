/* SPDX-License-Identifier: MIT */
/*
 * Advisory locks (flock) under $JAILOR_RUN_DIR/locks/.  The pool-wide lock
 * serialises changes to the pool's layout (activation, the dataset tree);
 * a per-name lock serialises every command on one jail, release or template
 * name.  Locks die with the process, so a killed command never leaves one.
 */
#pragma once

#include <stdbool.h>

#include "../context.h"

/*
 * Takes the lock called name ("pool", "jail-web", ...).  With wait=false a
 * held lock fails at once with -EBUSY and a message naming it.  On success
 * *ret_fd holds the lock until closed.
 */
int lock_take(const struct jailor_ctx *ctx, const char *name, bool wait, int *ret_fd,
              struct jailor_error *err);
