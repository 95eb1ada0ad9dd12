/* SPDX-License-Identifier: MIT */
/*
 * jailor start --rc | stop --rc: the boot order of SPEC §6.
 *
 * The jails with boot=on start in ascending priority, 1 first; the jails of
 * one wave start together, each in a child process of its own.  `depends`
 * names jails that must be up first: they join the order even with
 * boot=off (as iocage does), and a jail waits for its dependencies, so a
 * jail starts in the wave after its last dependency, and never before its
 * own priority.  A missing dependency, a template, or a dependency cycle
 * fails the jails concerned only; a jail that fails to start fails the
 * jails that depend on it, never the others.
 *
 * stop --rc stops the same jails in the exact reverse order.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "../context.h"
#include "../storage/storage.h"

/* ---- the plan (pure: unit-tested without jails) ------------------------- */

struct boot_jail {
        const char *name;
        bool boot;
        unsigned priority;  /* 1..99 */
        char **depends;     /* NULL-terminated names of jails; NULL: none */
        bool missing;       /* named as a dependency but not a jail (or a template) */
        /* filled in by boot_plan */
        int wave;           /* >= 0: its wave, 0 first; BOOT_OUT; BOOT_BLOCKED */
        char why[160];      /* when BOOT_BLOCKED: the reason */
};

enum {
        BOOT_OUT = -2,     /* not part of the boot order */
        BOOT_BLOCKED = -1, /* part of it, but cannot start: why */
};

/* Sets every jail's wave; returns the number of waves. */
int boot_plan(struct boot_jail *jails, size_t n);

/* ---- running it --------------------------------------------------------- */

enum boot_action {
        BOOT_START,
        BOOT_STOP,
};

struct boot_result {
        const char *name;
        bool ok;
        bool unchanged; /* start: it was running already; stop: it was not running */
        const char *why; /* when !ok */
};

typedef void (*boot_report_fn)(void *userdata, const struct boot_result *res);

/*
 * Starts (stops) the jails of the boot order, reporting each one as it is
 * done.  0 when every one succeeded; EIO "N of M jails failed to start"
 * otherwise.
 */
int boot_order_run(const struct jailor_ctx *ctx, struct storage *s, enum boot_action action,
                   boot_report_fn report, void *userdata, struct jailor_error *err);
