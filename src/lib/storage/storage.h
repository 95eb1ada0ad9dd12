/* SPDX-License-Identifier: MIT */
/*
 * Storage: one table of operations, three backends (zfs, btrfs, dir).
 *
 * A pool's jailor dataset is opened as a `struct storage`; everything below
 * it is addressed by a dataset name relative to it ("jails/web/root").
 * Every dataset is visible at storage_path(s, ds) = <root>/<ds> (for dir
 * clones, once mounted with storage_mount).  A NULL op means the backend
 * cannot do it, and storage_* returns -EOPNOTSUPP with a clear message.
 *
 * Snapshot semantics follow ZFS everywhere: snapshots are read-only, named
 * "ds@snap" in messages, rollback removes later snapshots, a snapshot with
 * clones cannot be destroyed, destroy of a dataset is recursive over its
 * children and snapshots but refuses (EBUSY, naming them) when clones of its
 * snapshots exist elsewhere.
 *
 * Names (checked by the storage_* wrappers, EINVAL otherwise): a dataset name
 * is relative, at most STORAGE_NAME_MAX characters, made of '/'-separated
 * components of [A-Za-z0-9._-] that are not "." or ".." and do not start with
 * '.' (hidden names belong to the backends' records) or '-' (never an option
 * to a helper program).  Snapshot names follow the same rule for one
 * component, 1..STORAGE_SNAP_MAX characters, and do not start with
 * STORAGE_RESERVED_SNAP_PREFIX.  Property keys are [a-z0-9_.-],
 * 1..STORAGE_KEY_MAX characters.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../error.h"

#define STORAGE_NAME_MAX 200
#define STORAGE_SNAP_MAX 64
#define STORAGE_KEY_MAX 64
/* Snapshot names of jailor's own (zfs: the snapshots copies send), refused otherwise. */
#define STORAGE_RESERVED_SNAP_PREFIX "jailor-copy-"

enum storage_backend {
        STORAGE_ZFS,
        STORAGE_BTRFS,
        STORAGE_DIR,
        _STORAGE_BACKEND_MAX,
};

struct storage_snapshot {
        char *name;        /* the part after '@' */
        int64_t created;   /* seconds since the epoch */
        uint64_t used;     /* bytes held only by this snapshot (best effort) */
};

struct storage;
struct recorded_steps;

struct storage_ops {
        const char *name; /* "zfs", "btrfs", "dir" */

        /* Creates the jailor dataset itself (s->dataset / s->root) when missing. */
        int (*init)(struct storage *s, struct jailor_error *err);
        /* Creates an empty dataset; its parent must exist; EEXIST if it does. */
        int (*create)(struct storage *s, const char *ds, struct jailor_error *err);
        /* Destroys ds, its child datasets and all their snapshots. */
        int (*destroy)(struct storage *s, const char *ds, struct jailor_error *err);
        int (*exists)(struct storage *s, const char *ds);  /* 1, 0 or -errno */

        int (*snapshot)(struct storage *s, const char *ds, const char *snap,
                        struct jailor_error *err);
        /* Oldest first.  Free with storage_snapshots_free(). */
        int (*snapshot_list)(struct storage *s, const char *ds, struct storage_snapshot **ret,
                             size_t *ret_n, struct jailor_error *err);
        int (*snapshot_destroy)(struct storage *s, const char *ds, const char *snap,
                                struct jailor_error *err);
        int (*snapshot_rename)(struct storage *s, const char *ds, const char *old_snap,
                               const char *new_snap, struct jailor_error *err);
        /* Returns ds to snap; snapshots newer than snap are destroyed. */
        int (*rollback)(struct storage *s, const char *ds, const char *snap,
                        struct jailor_error *err);

        /* A writable copy-on-write clone of src@snap as the new dataset dst. */
        int (*clone)(struct storage *s, const char *src, const char *snap, const char *dst,
                     struct jailor_error *err);
        /* "ds@snap" this dataset was cloned from, or NULL (*ret = NULL). */
        int (*origin)(struct storage *s, const char *ds, char **ret, struct jailor_error *err);
        /* Datasets cloned from any snapshot of ds (NULL-terminated vector). */
        int (*dependants)(struct storage *s, const char *ds, char ***ret,
                          struct jailor_error *err);
        /* A full, independent copy of src's current content as the new dataset dst. */
        int (*copy)(struct storage *s, const char *src, const char *dst, struct jailor_error *err);
        /* Renames ds (with children and snapshots); clones of it keep working. */
        int (*rename)(struct storage *s, const char *old_ds, const char *new_ds,
                      struct jailor_error *err);

        /* Bytes used by ds (with children) and bytes still available to it. */
        int (*space)(struct storage *s, const char *ds, uint64_t *ret_used, uint64_t *ret_avail,
                     struct jailor_error *err);
        /* Quota in bytes, 0 = none. */
        int (*set_quota)(struct storage *s, const char *ds, uint64_t bytes,
                         struct jailor_error *err);
        int (*set_readonly)(struct storage *s, const char *ds, bool readonly,
                            struct jailor_error *err);

        /*
         * User properties (key: [a-z0-9_.-]+), stored with the dataset, not
         * inherited by children nor copied to clones.  value NULL removes the
         * property; an empty value is refused (ZFS cannot store one).
         */
        int (*prop_set)(struct storage *s, const char *ds, const char *key, const char *value,
                        struct jailor_error *err);
        /* *ret = NULL when the property is not set. */
        int (*prop_get)(struct storage *s, const char *ds, const char *key, char **ret,
                        struct jailor_error *err);

        /*
         * Makes the content visible at storage_path(); NULL when always
         * visible (storage_mount/storage_umount then succeed doing nothing).
         * Mounting a mounted dataset succeeds; after umount nothing of ds is
         * mounted (dir: the overlay of a clone, the read-only bind mount of a
         * read-only dataset).
         */
        int (*mount)(struct storage *s, const char *ds, struct jailor_error *err);
        int (*umount)(struct storage *s, const char *ds, struct jailor_error *err);

        /*
         * Called by storage_open: checks the pool and fills s->root (and
         * s->dataset); NULL means root = "<pool>/jailor".  Creates nothing.
         */
        int (*open)(struct storage *s, struct jailor_error *err);

        /*
         * btrfs and dir: their own steps in the operations they share
         * through the record store (recorded.h); NULL for zfs.
         */
        const struct recorded_steps *recorded;
};

struct storage {
        const struct storage_ops *ops;
        enum storage_backend backend;
        char *pool;      /* zpool name, or the pool directory */
        char *dataset;   /* zfs: "<zpool>/jailor"; NULL for btrfs and dir */
        char *root;      /* where the jailor dataset is mounted */
};

extern const struct storage_ops storage_zfs_ops;
extern const struct storage_ops storage_btrfs_ops;
extern const struct storage_ops storage_dir_ops;

const char *storage_backend_name(enum storage_backend b);
int storage_backend_from_name(const char *name); /* enum value or -EINVAL */

/*
 * Opens the jailor dataset of a pool: for zfs `pool` is the zpool name and the
 * jailor dataset is "<pool>/jailor"; for btrfs and dir `pool` is a directory
 * and the jailor dataset is "<pool>/jailor".  Does not create anything;
 * storage_init() does.
 */
int storage_open(enum storage_backend backend, const char *pool, struct storage **ret,
                 struct jailor_error *err);
void storage_free(struct storage *s);

/* <root>/<ds>; NULL on out of memory. */
char *storage_path(const struct storage *s, const char *ds);

/* Checked wrappers: validate dataset and snapshot names, then call the op. */
int storage_init(struct storage *s, struct jailor_error *err);
int storage_create(struct storage *s, const char *ds, struct jailor_error *err);
int storage_destroy(struct storage *s, const char *ds, struct jailor_error *err);
/*
 * Removes data at the path of ds that no dataset owns: what a create killed
 * before its record, or a destroy killed after its commit point, left
 * there.  Nothing to do (0) when ds exists, when nothing is there, and on
 * zfs, where a dataset and its data come and go together.
 */
int storage_clear_debris(struct storage *s, const char *ds, struct jailor_error *err);
int storage_exists(struct storage *s, const char *ds);
int storage_snapshot(struct storage *s, const char *ds, const char *snap, struct jailor_error *err);
int storage_snapshot_list(struct storage *s, const char *ds, struct storage_snapshot **ret,
                          size_t *ret_n, struct jailor_error *err);
int storage_snapshot_destroy(struct storage *s, const char *ds, const char *snap,
                             struct jailor_error *err);
int storage_snapshot_rename(struct storage *s, const char *ds, const char *old_snap,
                            const char *new_snap, struct jailor_error *err);
int storage_rollback(struct storage *s, const char *ds, const char *snap, struct jailor_error *err);
int storage_clone(struct storage *s, const char *src, const char *snap, const char *dst,
                  struct jailor_error *err);
int storage_origin(struct storage *s, const char *ds, char **ret, struct jailor_error *err);
int storage_dependants(struct storage *s, const char *ds, char ***ret, struct jailor_error *err);
int storage_copy(struct storage *s, const char *src, const char *dst, struct jailor_error *err);
int storage_rename(struct storage *s, const char *old_ds, const char *new_ds,
                   struct jailor_error *err);
int storage_space(struct storage *s, const char *ds, uint64_t *ret_used, uint64_t *ret_avail,
                  struct jailor_error *err);
int storage_set_quota(struct storage *s, const char *ds, uint64_t bytes, struct jailor_error *err);
int storage_set_readonly(struct storage *s, const char *ds, bool readonly,
                         struct jailor_error *err);
int storage_prop_set(struct storage *s, const char *ds, const char *key, const char *value,
                     struct jailor_error *err);
int storage_prop_get(struct storage *s, const char *ds, const char *key, char **ret,
                     struct jailor_error *err);
int storage_mount(struct storage *s, const char *ds, struct jailor_error *err);
int storage_umount(struct storage *s, const char *ds, struct jailor_error *err);

void storage_snapshots_free(struct storage_snapshot *snaps, size_t n);

/* Name checks used by the wrappers, for callers that want them earlier. */
int storage_check_dataset(const char *ds, struct jailor_error *err);
int storage_check_snapshot(const char *snap, struct jailor_error *err);
int storage_check_key(const char *key, struct jailor_error *err);

/* Bytes allocated under path, not crossing into other mounts, hard links once. */
int storage_du(const char *path, uint64_t *ret, struct jailor_error *err);
/* Bytes available to unprivileged writers on the file system holding path. */
int storage_fs_avail(const char *path, uint64_t *ret, struct jailor_error *err);
