/* SPDX-License-Identifier: MIT */
/*
 * The runtime state of a running jail: $JAILOR_RUN_DIR/NAME/state.json,
 * written by the jail's supervisor once the jail is up, removed when it
 * ends.  A state whose supervisor is gone (killed, or the host rebooted and
 * the PID reused) is stale: the PID is checked together with the process's
 * start time, never alone, and a stale state is cleaned by whoever reads it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../context.h"

struct runtime_state {
        pid_t supervisor;
        uint64_t supervisor_start; /* /proc/PID/stat starttime, clock ticks since boot */
        pid_t init;                /* the jail's init, as seen from the host: its JID */
        uint64_t init_start;
        char started_at[32];       /* UTC, "YYYY-MM-DD HH:MM:SS" */
};

/* The start time of a process (field 22 of /proc/PID/stat); 0 when it is gone. */
uint64_t proc_start_time(pid_t pid);

/* $JAILOR_RUN_DIR/NAME[/file]; NULL on out of memory. */
char *runtime_dir(const struct jailor_ctx *ctx, const char *name, const char *file);

/*
 * 1 and *ret filled when the jail runs, 0 when it does not (a stale state is
 * removed on the way), -errno on failure.
 */
int runtime_state_read(const struct jailor_ctx *ctx, const char *name, struct runtime_state *ret);

int runtime_state_write(const struct jailor_ctx *ctx, const char *name,
                        const struct runtime_state *st, struct jailor_error *err);
void runtime_state_remove(const struct jailor_ctx *ctx, const char *name);
