/* SPDX-License-Identifier: MIT */
/*
 * The jail's minimal /dev (SPEC §6): made by the supervisor, as the host's
 * root, inside a tmpfs it has just mounted on the jail's /dev.  Nothing of
 * the host's /dev is visible in a jail; the jail cannot add nodes itself
 * (no CAP_MKNOD, and seccomp refuses block and character nodes).
 *
 *   null zero full random urandom tty   character devices, mode 0666
 *   ptmx      -> pts/ptmx               the caller mounts a devpts
 *   pts/                                instance (newinstance) here
 *   shm/                                1777; the caller may mount a tmpfs
 *   fd        -> /proc/self/fd
 *   stdin stdout stderr -> /proc/self/fd/0, 1, 2
 *   console                             an empty file, mode 0600, that the
 *                                       caller bind-mounts the console's
 *                                       pseudo-terminal onto
 *   net/tun   with allow_tun            10:200, 0666
 *   kvm       with allow_vmm            10:232, 0666
 *   fuse      with allow_mount and allow_mount_fusefs   10:229, 0666
 *
 * The modes are set explicitly, whatever the umask.
 */
#pragma once

#include "../error.h"

struct confinement;

/*
 * Populates the directory dev_dirfd (an fd of the jail's /dev, O_PATH is
 * enough), which must be an empty tmpfs: EINVAL when it is not a tmpfs (the
 * nodes must never land on the jail's disk), EEXIST when a name is taken.
 */
int devices_populate(int dev_dirfd, const struct confinement *c, struct jailor_error *err);
