/* SPDX-License-Identifier: MIT */
/*
 * A jail's cgroup resource limits (SPEC §6), read from its properties with
 * the property parsers (props/parse.h) and applied by cgroup.h.
 *
 * Only the limits that cgroups enforce are here: memoryuse, swapuse, pcpu,
 * cpuset, maxproc and the I/O rates.  openfiles (RLIMIT_NOFILE) and
 * pseudoterminals (the devpts max= option) are set by the runtime itself.
 *
 * A zeroed struct means "no limit at all": every rctl_value unset, cpuset
 * CPUSET_OFF, no block device.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "../error.h"
#include "../props/parse.h"

struct jail_limits {
        struct rctl_value memory;      /* memoryuse: bytes of RAM */
        struct rctl_value swap;        /* swapuse: bytes of swap */
        struct rctl_value cpu_percent; /* pcpu: percent of one CPU */
        struct cpuset_value cpuset;    /* cpuset: CPUSET_ALL is the same as off for cgroups */
        struct rctl_value max_procs;   /* maxproc: processes and threads */
        struct rctl_value read_bps;    /* readbps: bytes per second */
        struct rctl_value write_bps;   /* writebps */
        struct rctl_value read_iops;   /* readiops: operations per second */
        struct rctl_value write_iops;  /* writeiops */
        /*
         * The whole-disk block device the I/O limits apply to: the one
         * holding the jail's root (see jail_limits_block_device).  Not a
         * property: the caller fills it in.  0 = none known, and then any
         * I/O limit is refused when applied.
         */
        dev_t io_device;
};

/*
 * Fills *ret from props, an object of property name -> canonical string (a
 * jail's effective properties, struct jail.props).  A limit missing from
 * props is off.  io_device is left 0.  EINVAL, naming the property, for a
 * value that is not a string or does not parse.
 */
int jail_limits_from_props(json_t *props, struct jail_limits *ret, struct jailor_error *err);

/* True when prop is a limit struct jail_limits holds (memoryuse ... writeiops, cpuset). */
bool jail_limits_is_limit(const char *prop);

/* True when one of readbps, writebps, readiops, writeiops is set. */
bool jail_limits_has_io(const struct jail_limits *l);

/*
 * The whole disk that holds path, for io_device: a block device node gives
 * its own disk; a file gives the disk of its file system (the partition's
 * parent disk, since the kernel throttles whole disks only; for file
 * systems without a device number of their own, such as btrfs, the device
 * named in /proc/self/mountinfo).  *ret = 0, returning 0, when no block
 * device holds path (zfs, tmpfs, overlayfs, network file systems).
 */
int jail_limits_block_device(const char *path, dev_t *ret, struct jailor_error *err);
