/* SPDX-License-Identifier: MIT */
/*
 * For btrfs.c and dir.c: the storage operations common to the backends that
 * keep their datasets in the record store (recorded.c), and the steps on the
 * data that each such backend supplies for them.
 */
#pragma once

#include "records.h"

struct recorded_steps {
        /* rm -rf of the backend's data: a dataset's tree, a snapshot, ids/<id>/. */
        int (*remove)(const char *path, struct jailor_error *err);
        /*
         * Optional: clears what a killed create, clone or copy left at path,
         * the path of ds, which has no record.
         */
        int (*clear_debris)(struct storage *s, const char *ds, const char *path,
                            struct jailor_error *err);
        /* An empty dataset at path. */
        int (*make_empty)(const char *path, struct jailor_error *err);
        /* The data of the new snapshot ds@snap (record r), as the new path dst. */
        int (*take_snapshot)(struct storage *s, const char *ds, const struct storage_rec *r,
                             const char *snap, const char *dst, struct jailor_error *err);
        /*
         * Returns the content of ds (record r) to its snapshot snap, whose
         * data is at src; its child datasets (names in children) stay.
         */
        int (*roll_back)(struct storage *s, const char *ds, const struct storage_rec *r,
                         const char *snap, const char *src, char **children,
                         struct jailor_error *err);
        /* The new clone c (record saved) of o@snap, at path. */
        int (*make_clone)(struct storage *s, const struct storage_rec *o, const char *snap,
                          const struct storage_rec *c, const char *path, struct jailor_error *err);
        /* A copy of src's content (record o) without its children, as dst at path. */
        int (*make_copy)(struct storage *s, const char *src, const struct storage_rec *o,
                         const char *dst, const char *path, char **children,
                         struct jailor_error *err);
        /*
         * Optional, both or neither: datasets that must be mounted to be
         * seen (dir).  unmount undoes what mount made at path: 1 when ds
         * was mounted there, 0 when not.
         */
        int (*mount)(struct storage *s, const char *ds, const struct storage_rec *r,
                     struct jailor_error *err);
        int (*unmount)(const char *ds, const char *path, struct jailor_error *err);
        /* A read-only dataset's snapshots are references to itself, with no data (dir). */
        bool readonly_snapshots_by_reference;
        /*
         * A snapshot's size is what a walk of its data finds (dir, whose
         * snapshots are copies); otherwise sizes are not known (btrfs
         * snapshots share their extents).
         */
        bool snapshot_sizes_by_walk;
};

/* The storage_ops of btrfs and dir; each runs the steps in s->ops->recorded. */
int recorded_create(struct storage *s, const char *ds, struct jailor_error *err);
int recorded_destroy(struct storage *s, const char *ds, struct jailor_error *err);
int recorded_snapshot(struct storage *s, const char *ds, const char *snap,
                      struct jailor_error *err);
int recorded_snapshot_list(struct storage *s, const char *ds, struct storage_snapshot **ret,
                           size_t *ret_n, struct jailor_error *err);
int recorded_snapshot_destroy(struct storage *s, const char *ds, const char *snap,
                              struct jailor_error *err);
int recorded_snapshot_rename(struct storage *s, const char *ds, const char *old_snap,
                             const char *new_snap, struct jailor_error *err);
int recorded_rollback(struct storage *s, const char *ds, const char *snap,
                      struct jailor_error *err);
int recorded_clone(struct storage *s, const char *src, const char *snap, const char *dst,
                   struct jailor_error *err);
int recorded_origin(struct storage *s, const char *ds, char **ret, struct jailor_error *err);
int recorded_dependants(struct storage *s, const char *ds, char ***ret, struct jailor_error *err);
int recorded_copy(struct storage *s, const char *src, const char *dst, struct jailor_error *err);
int recorded_rename(struct storage *s, const char *old_ds, const char *new_ds,
                    struct jailor_error *err);
int recorded_prop_set(struct storage *s, const char *ds, const char *key, const char *value,
                      struct jailor_error *err);
int recorded_prop_get(struct storage *s, const char *ds, const char *key, char **ret,
                      struct jailor_error *err);
int recorded_mount(struct storage *s, const char *ds, struct jailor_error *err);

/* The entries of a storage_ops table that the operations above fill, one a line. */
/* clang-format off */
#define RECORDED_STORAGE_OPS                                   \
        .create = recorded_create,                             \
        .destroy = recorded_destroy,                           \
        .exists = storage_rec_exists,                          \
        .snapshot = recorded_snapshot,                         \
        .snapshot_list = recorded_snapshot_list,               \
        .snapshot_destroy = recorded_snapshot_destroy,         \
        .snapshot_rename = recorded_snapshot_rename,           \
        .rollback = recorded_rollback,                         \
        .clone = recorded_clone,                               \
        .origin = recorded_origin,                             \
        .dependants = recorded_dependants,                     \
        .copy = recorded_copy,                                 \
        .rename = recorded_rename,                             \
        .prop_set = recorded_prop_set,                         \
        .prop_get = recorded_prop_get
/* clang-format on */

/* storage_clear_debris for the backends of the record store. */
int recorded_clear_debris(struct storage *s, const char *ds, struct jailor_error *err);
