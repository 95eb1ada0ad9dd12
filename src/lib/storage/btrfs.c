/* SPDX-License-Identifier: MIT */
/*
 * The btrfs backend, through the kernel's ioctls (no btrfs-progs at run time):
 *
 *   dataset      a subvolume at <root>/<ds>, child datasets nested inside it;
 *                the jailor dataset <pool>/jailor is a subvolume too
 *   snapshot     a read-only snapshot at <root>/.storage/ids/<id>/snap/<snap>
 *   clone        a writable snapshot of such a snapshot
 *   copy         a writable snapshot of the dataset itself: an independent
 *                subvolume sharing extents copy-on-write (the reflink copy
 *                btrfs does best)
 *   rollback     a writable snapshot of the snapshot, built aside, the child
 *                subvolumes moved into it, then exchanged with the dataset
 *   read-only    the subvolume's read-only flag
 *   quota        a qgroup limit on exclusive bytes; quotas are enabled on the
 *                file system the first time a quota is set
 *
 * btrfs does not track clone origins usably (a rollback or copy changes the
 * parent uuid), so origins, clones, the snapshot list and user properties
 * live in the record store shared with the dir backend (top of records.c).
 * A snapshot of a subvolume does not contain its nested subvolumes (they show
 * as empty directories), which matches ZFS: a snapshot covers one dataset.
 */
#include "records.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/btrfs.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "../util/cleanup.h"
#include "../util/fs.h"

/* the inode number of every subvolume's root directory */
#define SUBVOL_ROOT_INO 256

DEFINE_CLEANUP_FUNC(struct storage_rec, storage_rec_free)

static int oom(struct jailor_error *err)
{
        return jailor_error_set(err, ENOMEM, "Out of memory");
}

static int open_dir(const char *path)
{
        return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* The directory holding path, opened, and path's last component. */
static int open_parent(const char *path, int *ret_fd, char **ret_name, struct jailor_error *err)
{
        _cleanup_free_ char *a = strdup(path), *b = strdup(path);
        int fd;

        if (!a || !b)
                return oom(err);
        fd = open_dir(dirname(a));
        if (fd < 0)
                return jailor_error_errno(err, errno, "Cannot open the directory of '%s'", path);
        *ret_name = strdup(basename(b));
        if (!*ret_name) {
                close(fd);
                return oom(err);
        }
        *ret_fd = fd;
        return 0;
}

static int subvol_create(const char *path, struct jailor_error *err)
{
        struct btrfs_ioctl_vol_args args = {0};
        _cleanup_free_ char *name = NULL;
        _cleanup_close_ int dfd = -EBADF;
        int r;

        r = open_parent(path, &dfd, &name, err);
        if (r < 0)
                return r;
        snprintf(args.name, sizeof(args.name), "%s", name);
        if (ioctl(dfd, BTRFS_IOC_SUBVOL_CREATE, &args) < 0)
                return jailor_error_errno(err, errno, "Cannot create btrfs subvolume '%s'", path);
        return 0;
}

/* A snapshot of subvolume src as the new path dst. */
static int subvol_snapshot(const char *src, const char *dst, bool readonly,
                           struct jailor_error *err)
{
        struct btrfs_ioctl_vol_args_v2 args = {0};
        _cleanup_close_ int sfd = -EBADF, dfd = -EBADF;
        _cleanup_free_ char *name = NULL;
        int r;

        sfd = open_dir(src);
        if (sfd < 0)
                return jailor_error_errno(err, errno, "Cannot open '%s'", src);
        r = open_parent(dst, &dfd, &name, err);
        if (r < 0)
                return r;
        args.fd = sfd;
        args.flags = readonly ? BTRFS_SUBVOL_RDONLY : 0;
        snprintf(args.name, sizeof(args.name), "%s", name);
        if (ioctl(dfd, BTRFS_IOC_SNAP_CREATE_V2, &args) < 0)
                return jailor_error_errno(err, errno,
                                          "Cannot snapshot btrfs subvolume '%s' as '%s'", src, dst);
        return 0;
}

static int remove_at(int dfd, const char *name, uint64_t mnt_id);

/* Removes what is inside the directory fd (which it closes). */
static int remove_contents(int fd, uint64_t mnt_id)
{
        _cleanup_closedir_ DIR *d = fdopendir(fd);
        struct dirent *de;
        int r = 0;

        if (!d) {
                close(fd);
                return -errno;
        }
        while ((de = readdir(d))) {
                int q;

                if (STREQ(de->d_name, ".") || STREQ(de->d_name, ".."))
                        continue;
                q = remove_at(dirfd(d), de->d_name, mnt_id);
                if (q < 0 && r == 0)
                        r = q;
        }
        return r;
}

/*
 * rm -rf for btrfs trees: a subvolume goes with one ioctl (after the
 * subvolumes nested in it, which block it with ENOTEMPTY), a plain
 * directory entry by entry.  Never crosses into another mount.
 */
static int remove_at(int dfd, const char *name, uint64_t mnt_id)
{
        struct btrfs_ioctl_vol_args args = {0};
        struct statx sx;
        int fd, r;

        if (statx(dfd, name, AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_INO | STATX_MNT_ID, &sx) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (!S_ISDIR(sx.stx_mode))
                return unlinkat(dfd, name, 0) < 0 && errno != ENOENT ? -errno : 0;
        if (sx.stx_mnt_id != mnt_id)
                return -EXDEV;
        if (sx.stx_ino == SUBVOL_ROOT_INO) {
                snprintf(args.name, sizeof(args.name), "%s", name);
                if (ioctl(dfd, BTRFS_IOC_SNAP_DESTROY, &args) == 0)
                        return 0;
                if (errno != ENOTEMPTY)
                        return -errno;
        }
        fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        r = remove_contents(fd, mnt_id);
        if (r < 0)
                return r;
        if (sx.stx_ino == SUBVOL_ROOT_INO) {
                if (ioctl(dfd, BTRFS_IOC_SNAP_DESTROY, &args) < 0)
                        return -errno;
                return 0;
        }
        return unlinkat(dfd, name, AT_REMOVEDIR) < 0 ? -errno : 0;
}

static int btrfs_rm(const char *path, struct jailor_error *err)
{
        _cleanup_free_ char *name = NULL;
        _cleanup_close_ int dfd = -EBADF;
        struct statx sx;
        int r;

        if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &sx) < 0)
                return errno == ENOENT ? 0
                                       : jailor_error_errno(err, errno, "Cannot remove '%s'", path);
        r = open_parent(path, &dfd, &name, err);
        if (r < 0)
                return r;
        r = remove_at(dfd, name, sx.stx_mnt_id);
        if (r < 0)
                return jailor_error_errno(err, -r, "Cannot remove '%s'", path);
        return 0;
}

static char *id_path(const struct storage *s, const char *id, const char *sub)
{
        _cleanup_free_ char *dir = storage_store_path(s, "ids", id);

        return dir ? path_join(dir, sub) : NULL;
}

static char *snap_path(const struct storage *s, const char *id, const char *snap)
{
        _cleanup_free_ char *dir = storage_store_path(s, "ids", id);

        return dir ? strjoin(dir, "/snap/", snap, NULL) : NULL;
}

/* ---- quota ---- */

static int qgroup_limit(int fd, uint64_t bytes)
{
        struct btrfs_ioctl_qgroup_limit_args args = {0};

        args.qgroupid = 0; /* the subvolume fd is in */
        args.lim.flags = BTRFS_QGROUP_LIMIT_MAX_EXCL;
        args.lim.max_excl = bytes ? bytes : (uint64_t)-1; /* -1 clears the limit */
        return ioctl(fd, BTRFS_IOC_QGROUP_LIMIT, &args) < 0 ? -errno : 0;
}

static int quota_enable(struct storage *s, struct jailor_error *err)
{
        struct btrfs_ioctl_quota_ctl_args args = {.cmd = BTRFS_QUOTA_CTL_ENABLE};
        _cleanup_close_ int fd = open_dir(s->root);

        if (fd < 0)
                return jailor_error_errno(err, errno, "Cannot open '%s'", s->root);
        if (ioctl(fd, BTRFS_IOC_QUOTA_CTL, &args) < 0 && errno != EEXIST)
                return jailor_error_errno(err, errno, "Cannot enable btrfs quotas on '%s'",
                                          s->root);
        /* limits only hold once the accounting has caught up */
        while (ioctl(fd, BTRFS_IOC_QUOTA_RESCAN_WAIT, 0) < 0)
                if (errno != EINTR)
                        break;
        return 0;
}

static int apply_quota(struct storage *s, const char *ds, uint64_t bytes, struct jailor_error *err)
{
        _cleanup_free_ char *path = storage_path(s, ds);
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (!path)
                return oom(err);
        fd = open_dir(path);
        if (fd < 0)
                return jailor_error_errno(err, errno, "Cannot open '%s'", path);
        r = qgroup_limit(fd, bytes);
        if (r == -ENOTCONN) {
                if (bytes == 0)
                        return 0; /* no quotas at all: nothing to lift */
                r = quota_enable(s, err);
                if (r < 0)
                        return r;
                r = qgroup_limit(fd, bytes);
        }
        if (r < 0)
                return jailor_error_errno(err, -r, "Cannot set the quota of dataset '%s'", ds);
        return 0;
}

/* ---- operations ---- */

static int btrfs_open(struct storage *s, struct jailor_error *err)
{
        struct statfs sf;

        if (statfs(s->pool, &sf) < 0)
                return jailor_error_errno(err, errno, "Cannot open pool '%s'", s->pool);
        if (sf.f_type != BTRFS_SUPER_MAGIC)
                return jailor_error_set(err, EINVAL, "Pool '%s' is not on a btrfs file system",
                                        s->pool);
        s->root = path_join(s->pool, "jailor");
        return s->root ? 0 : oom(err);
}

static int btrfs_init(struct storage *s, struct jailor_error *err)
{
        int r;

        if (!dir_exists(s->root)) {
                r = subvol_create(s->root, err);
                if (r < 0)
                        return r;
        }
        return storage_store_init(s, err);
}

static int btrfs_exists(struct storage *s, const char *ds)
{
        return storage_rec_exists(s, ds);
}

/* A subvolume at a dataset's path with no record: debris of a killed create, clone or copy. */
static int clear_unrecorded(struct storage *s, const char *ds, const char *path,
                            struct jailor_error *err)
{
        struct statx sx;

        if (storage_rec_exists(s, ds) != 0 ||
            statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_INO, &sx) < 0 ||
            sx.stx_ino != SUBVOL_ROOT_INO)
                return 0;
        return btrfs_rm(path, err);
}

static int btrfs_create(struct storage *s, const char *ds, struct jailor_error *err)
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
        q = clear_unrecorded(s, ds, path, err);
        if (q < 0)
                return q;
        q = storage_rec_check_new(s, ds, err);
        if (q < 0)
                return q;
        q = storage_rec_new(&r, err);
        if (q < 0)
                return q;
        r->name = strdup(ds);
        if (!r->name)
                return oom(err);
        q = storage_rec_create(s, r, err);
        if (q < 0)
                return q;
        q = subvol_create(path, err);
        if (q < 0)
                goto undo_rec;
        q = storage_rec_link(s, ds, r->id, err);
        if (q == 0)
                return 0;
        btrfs_rm(path, NULL);
undo_rec:
        storage_rec_remove_data(s, r->id, NULL);
        return q;
}

static int btrfs_destroy(struct storage *s, const char *ds, struct jailor_error *err)
{
        _cleanup_(strv_freep) char **subtree = NULL, **ids = NULL;
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
        /* the commit point: from here on the dataset does not exist */
        q = storage_rec_forget(s, ds, subtree, &ids, err);
        if (q < 0)
                return q;
        /* out of sight in one rename, then deleted subvolume by subvolume */
        if (rename(path, trash) == 0)
                q = btrfs_rm(trash, err);
        else if (errno != ENOENT)
                q = jailor_error_errno(err, errno, "Cannot remove '%s'", path);
        for (size_t i = 0; ids[i]; i++) {
                _cleanup_free_ char *data = storage_store_path(s, "ids", ids[i]);
                int k = data ? btrfs_rm(data, q < 0 ? NULL : err) : oom(err);

                if (q == 0)
                        q = k;
        }
        return q;
}

static int btrfs_snapshot(struct storage *s, const char *ds, const char *snap,
                          struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
        _cleanup_free_ char *path = storage_path(s, ds), *dst = NULL, *snapdir = NULL;
        _cleanup_close_ int lock = -EBADF;
        int q;

        if (!path)
                return oom(err);
        q = storage_store_lock(s, &lock, err);
        if (q < 0)
                return q;
        q = storage_rec_load(s, ds, &r, err);
        if (q < 0)
                return q;
        if (storage_rec_snap(r, snap))
                return jailor_error_set(err, EEXIST, "Snapshot '%s@%s' already exists", ds, snap);
        dst = snap_path(s, r->id, snap);
        snapdir = id_path(s, r->id, "snap");
        if (!dst || !snapdir)
                return oom(err);
        if (mkdir(snapdir, 0700) < 0 && errno != EEXIST)
                return jailor_error_errno(err, errno, "Cannot create directory '%s'", snapdir);
        /* not in the record: left by a snapshot killed before it saved the record */
        if (path_exists(dst) && (q = btrfs_rm(dst, err)) < 0)
                return q;
        q = subvol_snapshot(path, dst, true, err);
        if (q < 0)
                return q;
        q = storage_rec_snap_add(r, snap, (int64_t)time(NULL), false, err);
        if (q == 0)
                q = storage_rec_save(s, r, err);
        if (q < 0)
                btrfs_rm(dst, NULL);
        return q;
}

static int btrfs_snapshot_destroy(struct storage *s, const char *ds, const char *snap,
                                  struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
        _cleanup_free_ char *p = NULL;
        _cleanup_close_ int lock = -EBADF;
        struct storage_snaprec *sr;
        int q;

        q = storage_store_lock(s, &lock, err);
        if (q < 0)
                return q;
        q = storage_rec_load(s, ds, &r, err);
        if (q < 0)
                return q;
        sr = storage_rec_snap(r, snap);
        if (!sr)
                return jailor_error_set(err, ENOENT, "Snapshot '%s@%s' does not exist", ds, snap);
        q = storage_rec_snap_busy(s, ds, sr, err);
        if (q < 0)
                return q;
        p = snap_path(s, r->id, snap);
        if (!p)
                return oom(err);
        storage_rec_snap_drop(r, sr);
        q = storage_rec_save(s, r, err);
        if (q < 0)
                return q;
        return btrfs_rm(p, err);
}

/* Moves the named children from one directory to another, replacing the
 * empty placeholders a snapshot shows for nested subvolumes. */
static int move_children(const char *from, const char *to, char **children, size_t limit,
                         size_t *ret_n, struct jailor_error *err)
{
        size_t i;
        int q = 0;

        for (i = 0; i < limit && children && children[i]; i++) {
                _cleanup_free_ char *a = path_join(from, children[i]),
                                    *b = path_join(to, children[i]);

                if (!a || !b) {
                        q = oom(err);
                        break;
                }
                if (rmdir(b) < 0 && errno != ENOENT) {
                        q = jailor_error_errno(err, errno, "Cannot remove the placeholder '%s'", b);
                        break;
                }
                if (rename(a, b) < 0) {
                        q = jailor_error_errno(err, errno, "Cannot move '%s' to '%s'", a, b);
                        break;
                }
        }
        if (ret_n)
                *ret_n = i;
        return q;
}

static int btrfs_rollback(struct storage *s, const char *ds, const char *snap,
                          struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
        _cleanup_(strv_freep) char **children = NULL;
        _cleanup_free_ char *path = storage_path(s, ds), *src = NULL;
        _cleanup_free_ char *staged = storage_store_tmp(s, "rollback");
        _cleanup_close_ int lock = -EBADF;
        size_t i, moved = 0;
        int q;

        if (!path || !staged)
                return oom(err);
        q = storage_store_lock(s, &lock, err);
        if (q < 0)
                return q;
        q = storage_rec_load(s, ds, &r, err);
        if (q < 0)
                return q;
        if (!storage_rec_snap(r, snap))
                return jailor_error_set(err, ENOENT, "Snapshot '%s@%s' does not exist", ds, snap);
        for (i = 0; i < r->n_snaps && !STREQ(r->snaps[i].name, snap); i++)
                ;
        for (size_t k = i + 1; k < r->n_snaps; k++) {
                q = storage_rec_snap_busy(s, ds, &r->snaps[k], err);
                if (q < 0)
                        return q;
        }
        if (r->readonly)
                return jailor_error_set(err, EROFS, "Dataset '%s' is read-only: cannot roll back",
                                        ds);
        q = storage_rec_children(s, ds, &children, err);
        if (q < 0)
                return q;
        src = snap_path(s, r->id, snap);
        if (!src)
                return oom(err);

        q = subvol_snapshot(src, staged, false, err);
        if (q < 0)
                return q;
        q = move_children(path, staged, children, SIZE_MAX, &moved, err);
        if (q == 0 && renameat2(AT_FDCWD, staged, AT_FDCWD, path, RENAME_EXCHANGE) < 0)
                q = jailor_error_errno(err, errno, "Cannot replace '%s'", path);
        if (q < 0) {
                move_children(staged, path, children, moved, NULL, NULL);
                btrfs_rm(staged, NULL);
                return q;
        }
        btrfs_rm(staged, NULL); /* the old content, now at the staged name */
        /* a qgroup belongs to a subvolume id: the new subvolume needs it again */
        if (r->quota)
                apply_quota(s, ds, r->quota, NULL);

        while (r->n_snaps > i + 1) {
                struct storage_snaprec *sr = &r->snaps[r->n_snaps - 1];
                _cleanup_free_ char *p = snap_path(s, r->id, sr->name);

                if (p)
                        btrfs_rm(p, NULL);
                storage_rec_snap_drop(r, sr);
        }
        return storage_rec_save(s, r, err);
}

static int btrfs_clone(struct storage *s, const char *src, const char *snap, const char *dst,
                       struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *o = NULL, *c = NULL;
        _cleanup_free_ char *path = storage_path(s, dst), *from = NULL;
        _cleanup_close_ int lock = -EBADF;
        int q;

        if (!path)
                return oom(err);
        q = storage_store_lock(s, &lock, err);
        if (q < 0)
                return q;
        q = storage_rec_load(s, src, &o, err);
        if (q < 0)
                return q;
        if (!storage_rec_snap(o, snap))
                return jailor_error_set(err, ENOENT, "Snapshot '%s@%s' does not exist", src, snap);
        q = clear_unrecorded(s, dst, path, err);
        if (q < 0)
                return q;
        q = storage_rec_check_new(s, dst, err);
        if (q < 0)
                return q;
        from = snap_path(s, o->id, snap);
        q = storage_rec_new(&c, err);
        if (q < 0)
                return q;
        c->name = strdup(dst);
        c->origin_id = strdup(o->id);
        c->origin_snap = strdup(snap);
        if (!from || !c->name || !c->origin_id || !c->origin_snap)
                return oom(err);
        q = storage_rec_create(s, c, err);
        if (q < 0)
                return q;
        q = storage_rec_clone_link(s, o->id, snap, c->id, true, err);
        if (q < 0)
                goto undo_rec;
        q = subvol_snapshot(from, path, false, err);
        if (q < 0)
                goto undo_link;
        q = storage_rec_link(s, dst, c->id, err);
        if (q == 0)
                return 0;
        btrfs_rm(path, NULL);
undo_link:
        storage_rec_clone_link(s, o->id, snap, c->id, false, NULL);
undo_rec:
        storage_rec_remove_data(s, c->id, NULL);
        return q;
}

static int btrfs_copy(struct storage *s, const char *src, const char *dst, struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *c = NULL;
        _cleanup_(strv_freep) char **children = NULL;
        _cleanup_free_ char *from = storage_path(s, src), *path = storage_path(s, dst);
        _cleanup_close_ int lock = -EBADF;
        int q;

        if (!from || !path)
                return oom(err);
        q = storage_store_lock(s, &lock, err);
        if (q < 0)
                return q;
        if (storage_rec_exists(s, src) <= 0)
                return jailor_error_set(err, ENOENT, "Dataset '%s' does not exist", src);
        q = clear_unrecorded(s, dst, path, err);
        if (q < 0)
                return q;
        q = storage_rec_check_new(s, dst, err);
        if (q < 0)
                return q;
        q = storage_rec_children(s, src, &children, err);
        if (q < 0)
                return q;
        q = storage_rec_new(&c, err);
        if (q < 0)
                return q;
        c->name = strdup(dst);
        if (!c->name)
                return oom(err);
        q = storage_rec_create(s, c, err);
        if (q < 0)
                return q;
        q = subvol_snapshot(from, path, false, err);
        if (q < 0)
                goto undo_rec;
        /* the child datasets are not part of the copy: drop their placeholders */
        for (size_t i = 0; children && children[i]; i++) {
                _cleanup_free_ char *p = path_join(path, children[i]);

                if (p)
                        rmdir(p);
        }
        q = storage_rec_link(s, dst, c->id, err);
        if (q == 0)
                return 0;
        btrfs_rm(path, NULL);
undo_rec:
        storage_rec_remove_data(s, c->id, NULL);
        return q;
}

static int btrfs_rename(struct storage *s, const char *old_ds, const char *new_ds,
                        struct jailor_error *err)
{
        _cleanup_free_ char *a = storage_path(s, old_ds), *b = storage_path(s, new_ds);
        _cleanup_close_ int lock = -EBADF;
        int q;

        if (!a || !b)
                return oom(err);
        q = storage_store_lock(s, &lock, err);
        if (q < 0)
                return q;
        if (storage_rec_exists(s, old_ds) <= 0)
                return jailor_error_set(err, ENOENT, "Dataset '%s' does not exist", old_ds);
        q = storage_rec_check_new(s, new_ds, err);
        if (q < 0)
                return q;
        if (renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_NOREPLACE) < 0)
                return jailor_error_errno(err, errno, "Cannot rename '%s' to '%s'", a, b);
        q = storage_rec_move(s, old_ds, new_ds, err);
        if (q < 0)
                rename(b, a);
        return q;
}

static int btrfs_space(struct storage *s, const char *ds, uint64_t *ret_used, uint64_t *ret_avail,
                       struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
        _cleanup_free_ char *path = storage_path(s, ds);
        uint64_t used, avail;
        int q;

        if (!path)
                return oom(err);
        q = storage_rec_load(s, ds, &r, err);
        if (q < 0)
                return q;
        /* nested subvolumes (children) share the mount, so they are counted */
        q = storage_du(path, &used, err);
        if (q < 0)
                return q;
        q = storage_fs_avail(path, &avail, err);
        if (q < 0)
                return q;
        if (r->quota)
                avail = used >= r->quota ? 0 : (r->quota - used < avail ? r->quota - used : avail);
        *ret_used = used;
        *ret_avail = avail;
        return 0;
}

static int btrfs_set_quota(struct storage *s, const char *ds, uint64_t bytes,
                           struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
        _cleanup_close_ int lock = -EBADF;
        int q;

        q = storage_store_lock(s, &lock, err);
        if (q < 0)
                return q;
        q = storage_rec_load(s, ds, &r, err);
        if (q < 0)
                return q;
        q = apply_quota(s, ds, bytes, err);
        if (q < 0)
                return q;
        r->quota = bytes;
        return storage_rec_save(s, r, err);
}

static int btrfs_set_readonly(struct storage *s, const char *ds, bool readonly,
                              struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
        _cleanup_free_ char *path = storage_path(s, ds);
        _cleanup_close_ int lock = -EBADF, fd = -EBADF;
        uint64_t flags;
        int q;

        if (!path)
                return oom(err);
        q = storage_store_lock(s, &lock, err);
        if (q < 0)
                return q;
        q = storage_rec_load(s, ds, &r, err);
        if (q < 0)
                return q;
        fd = open_dir(path);
        if (fd < 0)
                return jailor_error_errno(err, errno, "Cannot open '%s'", path);
        if (ioctl(fd, BTRFS_IOC_SUBVOL_GETFLAGS, &flags) < 0)
                return jailor_error_errno(err, errno, "Cannot read the flags of dataset '%s'", ds);
        flags = readonly ? (flags | BTRFS_SUBVOL_RDONLY) : (flags & ~(uint64_t)BTRFS_SUBVOL_RDONLY);
        if (ioctl(fd, BTRFS_IOC_SUBVOL_SETFLAGS, &flags) < 0)
                return jailor_error_errno(err, errno, "Cannot make dataset '%s' %s", ds,
                                          readonly ? "read-only" : "writable");
        if (r->readonly == readonly)
                return 0;
        r->readonly = readonly;
        return storage_rec_save(s, r, err);
}

const struct storage_ops storage_btrfs_ops = {
    .name = "btrfs",
    .open = btrfs_open,
    .init = btrfs_init,
    .create = btrfs_create,
    .destroy = btrfs_destroy,
    .exists = btrfs_exists,
    .snapshot = btrfs_snapshot,
    .snapshot_list = storage_rec_op_snapshot_list,
    .snapshot_destroy = btrfs_snapshot_destroy,
    .snapshot_rename = storage_rec_op_snapshot_rename,
    .rollback = btrfs_rollback,
    .clone = btrfs_clone,
    .origin = storage_rec_op_origin,
    .dependants = storage_rec_op_dependants,
    .copy = btrfs_copy,
    .rename = btrfs_rename,
    .space = btrfs_space,
    .set_quota = btrfs_set_quota,
    .set_readonly = btrfs_set_readonly,
    .prop_set = storage_rec_op_prop_set,
    .prop_get = storage_rec_op_prop_get,
};
