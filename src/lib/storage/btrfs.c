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
 * live in the record store shared with the dir backend (top of records.c),
 * and the operations are those of recorded.c with the steps below.
 * A snapshot of a subvolume does not contain its nested subvolumes (they show
 * as empty directories), which matches ZFS: a snapshot covers one dataset.
 */
#include "recorded.h"

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
#include <unistd.h>

#include "../util/cleanup.h"
#include "../util/fs.h"

/* the inode number of every subvolume's root directory */
#define SUBVOL_ROOT_INO 256

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

/*
 * rm -rf for btrfs trees: a subvolume goes with one ioctl (after the
 * subvolumes nested in it, which block it with ENOTEMPTY), a plain
 * directory entry by entry.  Never crosses into another mount (mnt_id: the
 * tree's mount; st_dev would stop at every subvolume).
 */
static int remove_at(int dfd, const char *name, void *mnt_id)
{
        struct btrfs_ioctl_vol_args args = {0};
        struct statx sx;
        int r;

        if (statx(dfd, name, AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_INO | STATX_MNT_ID, &sx) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (!S_ISDIR(sx.stx_mode))
                return unlinkat(dfd, name, 0) < 0 && errno != ENOENT ? -errno : 0;
        if (sx.stx_mnt_id != *(uint64_t *)mnt_id)
                return -EXDEV;
        if (sx.stx_ino == SUBVOL_ROOT_INO) {
                snprintf(args.name, sizeof(args.name), "%s", name);
                if (ioctl(dfd, BTRFS_IOC_SNAP_DESTROY, &args) == 0)
                        return 0;
                if (errno != ENOTEMPTY)
                        return -errno;
        }
        r = remove_dir_entries(dfd, name, remove_at, mnt_id);
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
        r = remove_at(dfd, name, &sx.stx_mnt_id);
        if (r < 0)
                return jailor_error_errno(err, -r, "Cannot remove '%s'", path);
        return 0;
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

/* ---- opening ---- */

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

/* ---- the steps of the record store's operations (recorded.h) ---- */

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

static int take_snapshot(struct storage *s, const char *ds, const struct storage_rec *r,
                         const char *snap, const char *dst, struct jailor_error *err)
{
        _cleanup_free_ char *path = storage_path(s, ds);

        if (!path)
                return oom(err);
        return subvol_snapshot(path, dst, true, err);
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

/*
 * A writable snapshot of the snapshot, built aside, the child subvolumes
 * moved into it, then exchanged with the dataset in one rename.
 */
static int roll_back(struct storage *s, const char *ds, const struct storage_rec *r,
                     const char *snap, const char *src, char **children, struct jailor_error *err)
{
        _cleanup_free_ char *path = storage_path(s, ds), *staged = storage_store_tmp(s, "rollback");
        size_t moved = 0;
        int q;

        if (!path || !staged)
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
        return 0;
}

static int make_clone(struct storage *s, const struct storage_rec *o, const char *snap,
                      const struct storage_rec *c, const char *path, struct jailor_error *err)
{
        _cleanup_free_ char *from = storage_rec_snap_path(s, o->id, snap);

        if (!from)
                return oom(err);
        return subvol_snapshot(from, path, false, err);
}

/* A writable snapshot of the dataset itself: the reflink copy btrfs does best. */
static int make_copy(struct storage *s, const char *src, const struct storage_rec *o,
                     const char *dst, const char *path, char **children, struct jailor_error *err)
{
        _cleanup_free_ char *from = storage_path(s, src);
        int q;

        if (!from)
                return oom(err);
        q = subvol_snapshot(from, path, false, err);
        if (q < 0)
                return q;
        /* the child datasets are not part of the copy: drop their placeholders */
        for (size_t i = 0; children && children[i]; i++) {
                _cleanup_free_ char *p = path_join(path, children[i]);

                if (p)
                        rmdir(p);
        }
        return 0;
}

static const struct recorded_steps btrfs_steps = {
    .remove = btrfs_rm,
    .clear_debris = clear_unrecorded,
    .make_empty = subvol_create,
    .take_snapshot = take_snapshot,
    .roll_back = roll_back,
    .make_clone = make_clone,
    .make_copy = make_copy,
};

/* ---- operations of btrfs's own ---- */

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

        q = storage_rec_lock_load(s, ds, &lock, &r, err);
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
        q = storage_rec_lock_load(s, ds, &lock, &r, err);
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
    RECORDED_STORAGE_OPS,
    .space = btrfs_space,
    .set_quota = btrfs_set_quota,
    .set_readonly = btrfs_set_readonly,
    .recorded = &btrfs_steps,
};
