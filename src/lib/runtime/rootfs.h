/* SPDX-License-Identifier: MIT */
/*
 * The jail's file system tree, assembled in two steps.
 *
 * rootfs_prepare runs in the supervisor, inside the supervisor's own private
 * mount namespace (so everything mounted here vanishes with it, even when it
 * is killed): the root is made a mount point, the basejail and fstab binds
 * are mounted (read-only ones remounted read-only), all of it nodev (device
 * nodes work only in the jail's /dev), /dev becomes a tmpfs with the
 * minimal devices and a devpts instance of its own, /run a tmpfs.
 *
 * rootfs_enter runs in the jail's init, in a mount namespace copied from
 * the supervisor's, after the new PID and network namespaces exist: it
 * mounts /proc and /sys (read-only), the jail's own cgroup2 subtree at
 * /sys/fs/cgroup (systemd needs it and cannot mount it without
 * CAP_SYS_ADMIN), masks what must not be written, and pivots into the root,
 * detaching the old one so nothing of the host stays reachable.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "../error.h"

struct rootfs_bind {
        char *source;   /* host path */
        char *target;   /* absolute path inside the jail */
        bool readonly;
};

struct confinement;

struct rootfs_plan {
        char *root;                 /* host path of the jail's root, mounted */
        const struct confinement *confine; /* which devices /dev gets */
        struct rootfs_bind *binds;
        size_t n_binds;
        unsigned max_ptys;          /* devpts max=; 0 = the kernel's default */
        const char *console;        /* host path of the pty slave for /dev/console, or NULL */
        bool cgroup2;               /* mount the jail's cgroup2 subtree at /sys/fs/cgroup */
};

void rootfs_plan_done(struct rootfs_plan *plan);

int rootfs_prepare(const struct rootfs_plan *plan, struct jailor_error *err);

/* Adds a bind mount to the plan (copies the strings). */
int rootfs_plan_add_bind(struct rootfs_plan *plan, const char *source, const char *target,
                         bool readonly);

/* In the init: /proc, /sys, masks, pivot_root into plan->root. */
int rootfs_enter(const struct rootfs_plan *plan, struct jailor_error *err);
