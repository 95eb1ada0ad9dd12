/* SPDX-License-Identifier: MIT */
/*
 * Host limits that density runs into before memory does (peers.md §8.4:
 * 28 systemd containers on a default host, then "Too many open files"
 * from inotify): what each is, what N running jails need, what jailor
 * recommends, and writing the recommendation when asked (`jailor tune`).
 * jailor never changes a host sysctl by itself: `jailor start` only warns.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../context.h"
#include "../error.h"

struct host_limit {
        const char *sysctl;        /* "fs.inotify.max_user_instances" */
        const char *why;           /* what the jails use it for, one phrase */
        uint64_t current;          /* the host's value now */
        uint64_t needed;           /* what the number of jails asked about needs */
        uint64_t recommended;      /* what `jailor tune --apply` writes */
        bool bites;                /* current < needed: the limit will stop jails */
};

/* The limits jailor checks, in the order `jailor tune` shows them. */
#define HOST_LIMITS_MAX 8

/*
 * Reads every limit and judges it for `jails` running jails.  Fills
 * limits[0..*ret_n).  The values come from /proc/sys, or from the
 * directory $JAILOR_PROC_SYS (for tests: a tree of files laid out like
 * /proc/sys, so no test reads or writes the host's real settings).
 */
int host_limits_check(unsigned jails, struct host_limit limits[HOST_LIMITS_MAX], size_t *ret_n,
                      struct jailor_error *err);

/*
 * Writes the recommended value of every limit whose current value is
 * lower (never lowers one); each change is reported through the context's
 * warning callback as "SYSCTL: OLD -> NEW".  Returns how many changed.
 */
int host_limits_apply(const struct jailor_ctx *ctx, struct jailor_error *err);

/* How many jails run now: the state files under $JAILOR_RUN_DIR. */
unsigned host_running_jails(const struct jailor_ctx *ctx);

/*
 * For `jailor start`: warns through the context, with the exact sysctl
 * command, about every limit that will bite once `starting` more jails
 * run beside the running ones.  Never fails the start: an unreadable
 * limit is skipped.
 */
void host_limits_warn(const struct jailor_ctx *ctx, unsigned starting);
