/* SPDX-License-Identifier: MIT */
/*
 * The storage operations of the backends that keep their datasets in the
 * record store (btrfs and dir; the store is described at the top of
 * records.c).  The record handling is the same for both: the lock, the
 * checks, the order in which a change is made, committed and undone.  What
 * differs is a few steps on the data, which each backend gives in its
 * struct recorded_steps (recorded.h): make an empty dataset, take a
 * snapshot's data, make a clone or a copy, roll back, remove a tree.
 *
 * Every change holds the store's lock.  A new dataset's record is made
 * first, its data next and its name (names/<ds>/@id) last: the name is the
 * commit point, so a failure or a crash before it leaves at worst
 * unreferenced data in ids/ (or debris at the dataset's path, which the
 * next create of that name clears), never a half-made dataset.  A destroy
 * drops the names first and the data after.
 */
#include "recorded.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/cleanup.h"
#include "../util/fs.h"
#include "../util/strv.h"

static const struct recorded_steps *steps_of(const struct storage *s)
{
        return s->ops->recorded;
}

/* Removes ids/<id>/: a dataset's record and the backend's data under it. */
static int remove_record(struct storage *s, const char *id, struct jailor_error *err)
{
        _cleanup_free_ char *dir = storage_rec_data_path(s, id, NULL);

        if (!dir)
                return oom(err);
        return steps_of(s)->remove(dir, err);
}

/*
 * The start of a create, clone or copy: checks that ds can be made (after
 * clearing what a killed one left at its path) and saves its new record in
 * ids/<id>/, a clone of origin_id@origin_snap when origin_id is set.
 */
static int new_record(struct storage *s, const char *ds, const char *path, const char *origin_id,
                      const char *origin_snap, struct storage_rec **ret, struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
        int q;

        if (steps_of(s)->clear_debris) {
                q = steps_of(s)->clear_debris(s, ds, path, err);
                if (q < 0)
                        return q;
        }
        q = storage_rec_check_new(s, ds, err);
        if (q < 0)
                return q;
        q = storage_rec_new(&r, err);
        if (q < 0)
                return q;
        r->name = strdup(ds);
        if (!r->name)
                return oom(err);
        if (origin_id) {
                r->origin_id = strdup(origin_id);
                r->origin_snap = strdup(origin_snap);
                if (!r->origin_id || !r->origin_snap)
                        return oom(err);
        }
        q = storage_rec_create(s, r, err);
        if (q < 0)
                return q;
        *ret = TAKE_PTR(r);
        return 0;
}

/* The commit point of a create, clone or copy: the new dataset gets its name. */
static int name_new(struct storage *s, const char *ds, const char *path,
                    const struct storage_rec *r, struct jailor_error *err)
{
        int q = storage_rec_link(s, ds, r->id, err);

        if (q < 0)
                steps_of(s)->remove(path, NULL);
        return q;
}

int recorded_create(struct storage *s, const char *ds, struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
        _cleanup_free_ char *path = storage_path(s, ds);
        _cleanup_close_ int lock = -EBADF;
        int q;

        if (!path)
                return oom(err);
        q = storage_store_lock(s, &lock, err);
        if (q < 0)
                return q;
        q = new_record(s, ds, path, NULL, NULL, &r, err);
        if (q < 0)
                return q;
        q = steps_of(s)->make_empty(path, err);
        if (q == 0)
                q = name_new(s, ds, path, r, err);
        if (q < 0)
                remove_record(s, r->id, NULL);
        return q;
}

/* Unmounts the datasets of subtree, deepest first, where the backend mounts them. */
static int unmount_subtree(struct storage *s, char **subtree, struct jailor_error *err)
{
        if (!steps_of(s)->unmount)
                return 0;
        /* the subtree lists parents first: walk it backwards */
        for (size_t i = strv_len(subtree); i > 0; i--) {
                _cleanup_free_ char *p = storage_path(s, subtree[i - 1]);
                int q;

                if (!p)
                        return oom(err);
                q = steps_of(s)->unmount(subtree[i - 1], p, err);
                if (q < 0)
                        return q;
        }
        return 0;
}

int recorded_destroy(struct storage *s, const char *ds, struct jailor_error *err)
{
        _cleanup_strv_free_ char **subtree = NULL, **ids = NULL;
        _cleanup_free_ char *path = storage_path(s, ds), *trash = storage_store_tmp(s, "destroy");
        _cleanup_close_ int lock = -EBADF;
        int q;

        if (!path || !trash)
                return oom(err);
        q = storage_store_lock(s, &lock, err);
        if (q < 0)
                return q;
        if (storage_rec_exists(s, ds) <= 0)
                return jailor_error_set(err, ENOENT, "Dataset '%s' does not exist", ds);
        q = storage_rec_subtree(s, ds, &subtree, err);
        if (q < 0)
                return q;
        q = storage_rec_subtree_busy(s, ds, subtree, err);
        if (q < 0)
                return q;
        q = unmount_subtree(s, subtree, err);
        if (q < 0)
                return q;

        /* the commit point: from here on the dataset does not exist */
        q = storage_rec_forget(s, ds, subtree, &ids, err);
        if (q < 0)
                return q;
        /* out of sight in one rename, then removed */
        if (rename(path, trash) == 0)
                q = steps_of(s)->remove(trash, err);
        else if (errno != ENOENT)
                q = jailor_error_errno(err, errno, "Cannot remove '%s'", path);
        for (size_t i = 0; ids[i]; i++) {
                int k = remove_record(s, ids[i], q < 0 ? NULL : err);

                if (q == 0)
                        q = k;
        }
        return q;
}

/* ---- snapshots ---- */

int recorded_snapshot(struct storage *s, const char *ds, const char *snap, struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
        _cleanup_free_ char *data = NULL;
        _cleanup_close_ int lock = -EBADF;
        bool by_reference;
        int q;

        q = storage_rec_lock_load(s, ds, &lock, &r, err);
        if (q < 0)
                return q;
        if (storage_rec_snap(r, snap))
                return jailor_error_set(err, EEXIST, "Snapshot '%s@%s' already exists", ds, snap);
        by_reference = steps_of(s)->readonly_snapshots_by_reference && r->readonly;
        q = storage_rec_snap_add(r, snap, (int64_t)time(NULL), by_reference, err);
        if (q < 0)
                return q;
        /* a read-only dataset is its own snapshot: nothing to copy */
        if (by_reference)
                return storage_rec_save(s, r, err);

        data = storage_rec_snap_path(s, r->id, snap);
        if (!data)
                return oom(err);
        q = storage_rec_make_snap_dir(s, r->id, err);
        if (q < 0)
                return q;
        /* not in the record: left by a snapshot killed before it saved the record */
        if (path_exists(data) && (q = steps_of(s)->remove(data, err)) < 0)
                return q;
        q = steps_of(s)->take_snapshot(s, ds, r, snap, data, err);
        if (q < 0)
                return q;
        q = storage_rec_save(s, r, err);
        if (q < 0)
                steps_of(s)->remove(data, NULL);
        return q;
}

int recorded_snapshot_list(struct storage *s, const char *ds, struct storage_snapshot **ret,
                           size_t *ret_n, struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
        struct storage_snapshot *v;
        int q;

        q = storage_rec_load(s, ds, &r, err);
        if (q < 0)
                return q;
        v = calloc(r->n_snaps + 1, sizeof(*v));
        if (!v)
                return oom(err);
        for (size_t i = 0; i < r->n_snaps; i++) {
                v[i].name = strdup(r->snaps[i].name);
                v[i].created = r->snaps[i].created;
                if (!v[i].name) {
                        storage_snapshots_free(v, i);
                        return oom(err);
                }
                /* a copy's size is what it holds alone; a reference holds nothing */
                if (steps_of(s)->snapshot_sizes_by_walk && !r->snaps[i].ref) {
                        _cleanup_free_ char *data = storage_rec_snap_path(s, r->id, v[i].name);

                        if (data)
                                storage_du(data, &v[i].used, NULL);
                }
        }
        *ret = v;
        *ret_n = r->n_snaps;
        return 0;
}

int recorded_snapshot_destroy(struct storage *s, const char *ds, const char *snap,
                              struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
        _cleanup_free_ char *data = NULL;
        _cleanup_close_ int lock = -EBADF;
        struct storage_snaprec *sr;
        int q;

        q = storage_rec_lock_load(s, ds, &lock, &r, err);
        if (q < 0)
                return q;
        sr = storage_rec_snap(r, snap);
        if (!sr)
                return jailor_error_set(err, ENOENT, "Snapshot '%s@%s' does not exist", ds, snap);
        q = storage_rec_snap_busy(s, ds, sr, err);
        if (q < 0)
                return q;
        data = storage_rec_snap_path(s, r->id, snap);
        if (!data)
                return oom(err);
        storage_rec_snap_drop(r, sr);
        /* the record first: a crash then leaves unreferenced data, not a dangling name */
        q = storage_rec_save(s, r, err);
        if (q < 0)
                return q;
        return steps_of(s)->remove(data, err);
}

/* Sets the origin snapshot name in the records of the clones listed. */
static int retarget_clones(struct storage *s, char **clones, const char *snap,
                           struct jailor_error *err)
{
        for (size_t i = 0; clones && clones[i]; i++) {
                _cleanup_(storage_rec_freep) struct storage_rec *c = NULL;
                char *name;
                int q;

                if (storage_rec_load_id(s, clones[i], &c, NULL) < 0)
                        continue; /* a clone half destroyed: nothing to keep right */
                name = strdup(snap);
                if (!name)
                        return oom(err);
                free(c->origin_snap);
                c->origin_snap = name;
                q = storage_rec_save(s, c, err);
                if (q < 0)
                        return q;
        }
        return 0;
}

int recorded_snapshot_rename(struct storage *s, const char *ds, const char *old_snap,
                             const char *new_snap, struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
        _cleanup_free_ char *a = NULL, *b = NULL, *name = strdup(new_snap);
        _cleanup_close_ int lock = -EBADF;
        struct storage_snaprec *sr;
        bool moved = false;
        int q;

        if (!name)
                return oom(err);
        q = storage_rec_lock_load(s, ds, &lock, &r, err);
        if (q < 0)
                return q;
        sr = storage_rec_snap(r, old_snap);
        if (!sr)
                return jailor_error_set(err, ENOENT, "Snapshot '%s@%s' does not exist", ds,
                                        old_snap);
        if (storage_rec_snap(r, new_snap))
                return jailor_error_set(err, EEXIST, "Snapshot '%s@%s' already exists", ds,
                                        new_snap);
        a = storage_rec_snap_path(s, r->id, old_snap);
        b = storage_rec_snap_path(s, r->id, new_snap);
        if (!a || !b)
                return oom(err);
        /* a reference snapshot (dir) has no data of its own */
        /* !a && b: a rename killed before it saved the record moved the data already */
        if (!sr->ref && (path_exists(a) || !path_exists(b))) {
                if (renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_NOREPLACE) < 0)
                        return jailor_error_errno(err, errno, "Cannot rename '%s' to '%s'", a, b);
                moved = true;
        }
        free(sr->name);
        sr->name = TAKE_PTR(name);
        /* clones name their origin's snapshot in their own record */
        q = retarget_clones(s, sr->clones, new_snap, err);
        if (q == 0)
                q = storage_rec_save(s, r, err);
        if (q == 0)
                return 0;
        retarget_clones(s, sr->clones, old_snap, NULL);
        if (moved)
                rename(b, a);
        return q;
}

int recorded_rollback(struct storage *s, const char *ds, const char *snap, struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
        _cleanup_strv_free_ char **children = NULL;
        _cleanup_free_ char *src = NULL;
        _cleanup_close_ int lock = -EBADF;
        size_t keep;
        int q;

        q = storage_rec_lock_load(s, ds, &lock, &r, err);
        if (q < 0)
                return q;
        if (!storage_rec_snap(r, snap))
                return jailor_error_set(err, ENOENT, "Snapshot '%s@%s' does not exist", ds, snap);
        for (keep = 0; !STREQ(r->snaps[keep].name, snap); keep++)
                ;
        /* the later snapshots go: none of them may have clones */
        for (size_t i = keep + 1; i < r->n_snaps; i++) {
                q = storage_rec_snap_busy(s, ds, &r->snaps[i], err);
                if (q < 0)
                        return q;
        }
        if (r->readonly)
                return jailor_error_set(err, EROFS, "Dataset '%s' is read-only: cannot roll back",
                                        ds);
        q = storage_rec_children(s, ds, &children, err);
        if (q < 0)
                return q;
        src = storage_rec_snap_path(s, r->id, snap);
        if (!src)
                return oom(err);
        q = steps_of(s)->roll_back(s, ds, r, snap, src, children, err);
        if (q < 0)
                return q;

        while (r->n_snaps > keep + 1) {
                struct storage_snaprec *sr = &r->snaps[r->n_snaps - 1];
                _cleanup_free_ char *data = storage_rec_snap_path(s, r->id, sr->name);

                if (data)
                        steps_of(s)->remove(data, NULL);
                storage_rec_snap_drop(r, sr);
        }
        return storage_rec_save(s, r, err);
}

/* ---- clones and copies ---- */

int recorded_clone(struct storage *s, const char *src, const char *snap, const char *dst,
                   struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *o = NULL, *c = NULL;
        _cleanup_free_ char *path = storage_path(s, dst);
        _cleanup_close_ int lock = -EBADF;
        int q;

        if (!path)
                return oom(err);
        q = storage_rec_lock_load(s, src, &lock, &o, err);
        if (q < 0)
                return q;
        if (!storage_rec_snap(o, snap))
                return jailor_error_set(err, ENOENT, "Snapshot '%s@%s' does not exist", src, snap);
        q = new_record(s, dst, path, o->id, snap, &c, err);
        if (q < 0)
                return q;
        /* the origin's snapshot lists the clone before the clone is made */
        q = storage_rec_clone_link(s, o->id, snap, c->id, true, err);
        if (q < 0)
                goto undo_record;
        q = steps_of(s)->make_clone(s, o, snap, c, path, err);
        if (q == 0)
                q = name_new(s, dst, path, c, err);
        if (q == 0)
                return 0;
        storage_rec_clone_link(s, o->id, snap, c->id, false, NULL);
undo_record:
        remove_record(s, c->id, NULL);
        return q;
}

int recorded_origin(struct storage *s, const char *ds, char **ret, struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
        _cleanup_free_ char *name = NULL;
        int q;

        *ret = NULL;
        q = storage_rec_load(s, ds, &r, err);
        if (q < 0)
                return q;
        if (!r->origin_id)
                return 0;
        q = storage_rec_name(s, r->origin_id, &name, err);
        if (q < 0)
                return jailor_error_prefix(err, "Cannot find the origin of '%s'", ds);
        *ret = strjoin(name, "@", r->origin_snap, NULL);
        return *ret ? 0 : oom(err);
}

int recorded_dependants(struct storage *s, const char *ds, char ***ret, struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
        _cleanup_strv_free_ char **all = NULL;
        int q;

        q = storage_rec_load(s, ds, &r, err);
        if (q < 0)
                return q;
        for (size_t i = 0; i < r->n_snaps; i++) {
                _cleanup_strv_free_ char **names = NULL;

                q = storage_rec_names(s, r->snaps[i].clones, &names, err);
                if (q < 0)
                        return q;
                for (size_t k = 0; names && names[k]; k++) {
                        if (strv_push(&all, TAKE_PTR(names[k])) < 0)
                                return oom(err);
                }
        }
        if (!all) {
                all = calloc(1, sizeof(char *));
                if (!all)
                        return oom(err);
        }
        *ret = TAKE_PTR(all);
        return 0;
}

int recorded_copy(struct storage *s, const char *src, const char *dst, struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *o = NULL, *c = NULL;
        _cleanup_strv_free_ char **children = NULL;
        _cleanup_free_ char *path = storage_path(s, dst);
        _cleanup_close_ int lock = -EBADF;
        int q;

        if (!path)
                return oom(err);
        q = storage_rec_lock_load(s, src, &lock, &o, err);
        if (q < 0)
                return q;
        /* the child datasets are not part of the copy */
        q = storage_rec_children(s, src, &children, err);
        if (q < 0)
                return q;
        q = new_record(s, dst, path, NULL, NULL, &c, err);
        if (q < 0)
                return q;
        q = steps_of(s)->make_copy(s, src, o, dst, path, children, err);
        if (q == 0)
                q = name_new(s, dst, path, c, err);
        if (q < 0)
                remove_record(s, c->id, NULL);
        return q;
}

int recorded_rename(struct storage *s, const char *old_ds, const char *new_ds,
                    struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
        _cleanup_free_ char *a = storage_path(s, old_ds), *b = storage_path(s, new_ds);
        _cleanup_close_ int lock = -EBADF;
        int mounted = 0, q;

        if (!a || !b)
                return oom(err);
        q = storage_rec_lock_load(s, old_ds, &lock, &r, err);
        if (q < 0)
                return q;
        q = storage_rec_check_new(s, new_ds, err);
        if (q < 0)
                return q;
        /* a mount point cannot be renamed (mounts below it move along) */
        if (steps_of(s)->unmount) {
                mounted = steps_of(s)->unmount(old_ds, a, err);
                if (mounted < 0)
                        return mounted;
        }
        if (renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_NOREPLACE) < 0) {
                q = jailor_error_errno(err, errno, "Cannot rename '%s' to '%s'", a, b);
                goto remount;
        }
        q = storage_rec_move(s, old_ds, new_ds, err);
        if (q < 0) {
                rename(b, a);
                goto remount;
        }
        if (mounted)
                return steps_of(s)->mount(s, new_ds, r, err);
        return 0;
remount:
        if (mounted)
                steps_of(s)->mount(s, old_ds, r, NULL);
        return q;
}

int recorded_mount(struct storage *s, const char *ds, struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
        _cleanup_close_ int lock = -EBADF;
        int q;

        q = storage_rec_lock_load(s, ds, &lock, &r, err);
        if (q < 0)
                return q;
        return steps_of(s)->mount(s, ds, r, err);
}

/* ---- user properties ---- */

int recorded_prop_set(struct storage *s, const char *ds, const char *key, const char *value,
                      struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
        _cleanup_close_ int lock = -EBADF;
        size_t i;
        int q;

        q = storage_rec_lock_load(s, ds, &lock, &r, err);
        if (q < 0)
                return q;
        for (i = 0; r->props && r->props[i] && r->props[i + 1]; i += 2)
                if (STREQ(r->props[i], key))
                        break;
        if (r->props && r->props[i]) {
                if (value) {
                        char *v = strdup(value);
                        if (!v)
                                return oom(err);
                        free(r->props[i + 1]);
                        r->props[i + 1] = v;
                } else {
                        size_t n = strv_len(r->props);

                        free(r->props[i]);
                        free(r->props[i + 1]);
                        memmove(&r->props[i], &r->props[i + 2], (n - i - 1) * sizeof(char *));
                }
        } else if (value) {
                if (strv_push(&r->props, strdup(key)) < 0 ||
                    strv_push(&r->props, strdup(value)) < 0)
                        return oom(err);
        } else {
                return 0;
        }
        return storage_rec_save(s, r, err);
}

int recorded_prop_get(struct storage *s, const char *ds, const char *key, char **ret,
                      struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
        int q;

        *ret = NULL;
        q = storage_rec_load(s, ds, &r, err);
        if (q < 0)
                return q;
        for (size_t i = 0; r->props && r->props[i] && r->props[i + 1]; i += 2) {
                if (STREQ(r->props[i], key)) {
                        *ret = strdup(r->props[i + 1]);
                        return *ret ? 0 : oom(err);
                }
        }
        return 0;
}

int recorded_clear_debris(struct storage *s, const char *ds, struct jailor_error *err)
{
        _cleanup_free_ char *path = storage_path(s, ds);
        _cleanup_close_ int lock = -EBADF;
        int q;

        if (!path)
                return oom(err);
        q = storage_store_lock(s, &lock, err);
        if (q < 0)
                return q;
        q = storage_rec_exists(s, ds);
        if (q != 0 || !path_exists(path))
                return q < 0 ? jailor_error_errno(err, -q, "Cannot look up dataset '%s'", ds) : 0;
        if (steps_of(s)->clear_debris) {
                q = steps_of(s)->clear_debris(s, ds, path, err);
                if (q < 0)
                        return q;
        }
        /* a plain tree (rm_rf never crosses into a mount still there) */
        return path_exists(path) ? rm_rf(path, err) : 0;
}
