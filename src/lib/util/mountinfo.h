/* SPDX-License-Identifier: MIT */
/* Which mount holds a path, read from /proc/self/mountinfo. */
#pragma once

#include <stdbool.h>

#include "../error.h"

struct mount_entry {
        char *mount_point;
        char *fstype;   /* "ext4", "zfs", "fuse.sshfs", ... */
        char *source;   /* "/dev/vda", "tank/ROOT/debian", ... */
};

/* The mount that holds path (the last mount on the longest matching prefix). */
int mountinfo_lookup(const char *path, struct mount_entry *ret, struct jailor_error *err);
void mount_entry_done(struct mount_entry *m);

/* True for file systems that live on another machine (nfs, cifs, sshfs, 9p, ...). */
bool fstype_is_network(const char *fstype);
