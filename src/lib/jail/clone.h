/* SPDX-License-Identifier: MIT */
/*
 * jailor clone: a new jail from an existing, stopped one (iocage clone,
 * reference §4.4), and the two things every copied or renamed root needs:
 * a way to see the root, and its identity inside it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jail.h"

struct jail_clone_request {
        const char *source; /* the jail cloned; templates are refused ("use create -t") */
        const char *name;   /* the new jail */
        bool thick;         /* -T: an independent copy instead of a copy-on-write clone */
        char *const *props; /* PROP=VALUE ..., all checked before anything is made */
        size_t n_props;
};

/*
 * Builds the new jail in staging/NAME and renames it into jails/NAME as the
 * commit point, as create does.  A clone (not -T) takes the snapshot
 * jails/SOURCE/root@NAME, which stays as the new jail's origin.  The config
 * is the source's without its identity (host_hostuuid, a default
 * host_hostname, vnet0..3_mac, last_started), then PROP=VALUE; the root gets
 * its own /etc/machine-id, /etc/hostname and 127.0.1.1 line in /etc/hosts.
 */
int jail_clone(const struct jailor_ctx *ctx, struct storage *s,
               const struct jail_clone_request *req, struct jailor_error *err);

/*
 * Runs fn(root, arg, ret, err) with the dataset root_ds visible at root =
 * storage_path(s, root_ds).  When the backend must mount it (a dir clone's
 * overlay), fn runs in a child process with a private mount namespace that
 * mounts it there: the mount vanishes with the child, so a jailor killed at
 * any moment leaves no mount behind.  Only *ret and err come back.
 */
typedef int (*jail_root_fn)(const char *root, const void *arg, uint64_t *ret,
                            struct jailor_error *err);
int jail_root_visit(struct storage *s, const char *root_ds, jail_root_fn fn, const void *arg,
                    uint64_t *ret, struct jailor_error *err);

/*
 * The name a root carries in /etc.  With old_hostname NULL (a new root):
 * /etc/hostname is set and /etc/hosts gets exactly one 127.0.1.1 line for
 * hostname.  With old_hostname (a rename): /etc/hostname is set only if it
 * held old_hostname, and old_hostname is replaced by hostname on the
 * 127.0.1.1 line.  new_machine_id writes a fresh /etc/machine-id.  A root
 * without /etc (an empty jail) is left alone.  Every file is written in
 * place atomically, through a directory opened inside the root, so links in
 * the jail never lead out of it.
 */
struct jail_identity {
        const char *hostname;
        const char *old_hostname;
        bool new_machine_id;
};
int jail_root_identity(struct storage *s, const char *root_ds, const struct jail_identity *id,
                       struct jailor_error *err);
