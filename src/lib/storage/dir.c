/* SPDX-License-Identifier: MIT */
/*
 * The dir backend: the embedded default, on any local file system.
 *
 * A dataset is a directory, <root>/<ds>.  What a directory cannot say by
 * itself lives in the record store shared with the btrfs backend (see the
 * top of records.c): <root>/.storage/names/ maps names to random ids, and
 * <root>/.storage/ids/<id>/ holds the dataset's record.json and its data:
 *
 *   ids/<id>/upper/, work/   a clone's own overlayfs layer and work dir
 *   ids/<id>/snap/<snap>/    a snapshot: a copy of the dataset's writable
 *                            layer (the whole directory for a plain dataset,
 *                            upper/ for a clone; reflinks where the file
 *                            system has them)
 *
 * Plain datasets are ordinary directories, always visible.  A clone of
 * src@snap is an overlay mounted at <root>/<ds> by the mount op (the
 * directory is an empty mount point otherwise):
 *
 *   lowerdir = layers(src@snap), upperdir = ids/<id>/upper
 *   layers(X@s) = ids/X/snap/s + layers(origin of X)   (X a clone)
 *               = ids/X/snap/s                          (X plain)
 *   and, for a reference snapshot (below), the current content of X:
 *               = ids/X/upper + layers(origin of X)     (X a clone)
 *               = <root>/<name of X>                    (X plain)
 *
 * so a clone of a clone's snapshot stacks lowerdirs.  Layers are computed
 * from ids at every mount, which is why clones keep working after their
 * origin (or its parent) is renamed: only names/ changed.  A mounted overlay
 * holds its layers by reference and does not notice renames at all.
 *
 * Read-only datasets (releases, templates: never modified) take reference
 * snapshots that copy nothing: the snapshot is the dataset itself, so cloning
 * a release copies nothing either.  Writes are refused by the kernel while
 * the dataset is mounted (storage_mount): a plain read-only dataset is then
 * bind-mounted read-only onto itself, a read-only clone's overlay is mounted
 * read-only.  Unmounted, the flag is a promise jailor keeps: it never writes
 * into a read-only dataset, and clones only ever use it as a lower layer.  Making such a dataset writable
 * again first turns its reference snapshots into real copies (refusing with
 * EBUSY while a clone that stacks on it is mounted, as the overlay must not
 * see its lower layer change).
 *
 * The operations are those of recorded.c (the lock, the records, the order
 * of a change) with the steps below; content is built in .storage/tmp/ and
 * renamed into place, so a failure or crash leaves at worst an unreferenced
 * directory in ids/ or tmp/, never a half-made dataset.
 *
 * Limits: no quotas (EOPNOTSUPP).  A reference snapshot of a plain dataset
 * shows its child datasets' directories too.  Paths of layers must not
 * contain ',' on kernels older than 6.5 (legacy overlay option parsing).
 */
#include "recorded.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../util/cleanup.h"
#include "../util/fs.h"
#include "../util/run.h"
#include "../util/strv.h"

/* overlayfs allows 500 lower layers; a chain of clones this deep is a bug */
#define MAX_LAYERS 128

/* ---- mounts ---- */

static bool is_mount_point(const char *path)
{
        struct statx sx;

        if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_TYPE, &sx) < 0)
                return false;
        return (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
               (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

static int do_umount(const char *ds, const char *path, struct jailor_error *err)
{
        if (!is_mount_point(path))
                return 0;
        if (umount2(path, UMOUNT_NOFOLLOW) < 0) {
                if (errno == EBUSY)
                        return jailor_error_set(
                            err, EBUSY, "Dataset '%s' is in use: cannot unmount '%s'", ds, path);
                return jailor_error_errno(err, errno, "Cannot unmount '%s'", path);
        }
        return 0;
}

/* overlayfs splits lowerdir on ':' and unescapes "\x" */
static char *lowerdir_option(char **lowers)
{
        size_t len = 1;
        char *out, *p;

        for (size_t i = 0; lowers[i]; i++)
                len += 2 * strlen(lowers[i]) + 1;
        out = malloc(len);
        if (!out)
                return NULL;
        p = out;
        for (size_t i = 0; lowers[i]; i++) {
                if (i)
                        *p++ = ':';
                for (const char *c = lowers[i]; *c; c++) {
                        if (*c == ':' || *c == '\\')
                                *p++ = '\\';
                        *p++ = *c;
                }
        }
        *p = '\0';
        return out;
}

/* The kernel's own words on why a mount failed ("e overlayfs: ..."), if any. */
static void fs_context_message(int fd, char *buf, size_t size)
{
        char line[512];
        ssize_t n;

        buf[0] = '\0';
        while ((n = read(fd, line, sizeof(line) - 1)) > 0) {
                line[n] = '\0';
                line[strcspn(line, "\n")] = '\0';
                snprintf(buf, size, "%s", n > 2 && line[1] == ' ' ? line + 2 : line);
        }
}

static int overlay_failed(int fd, int e, const char *ds, const char *target,
                          struct jailor_error *err)
{
        char why[512];

        fs_context_message(fd, why, sizeof(why));
        if (*why)
                return jailor_error_set(err, e, "Cannot mount dataset '%s' at '%s': %s", ds, target,
                                        why);
        return jailor_error_errno(err, e, "Cannot mount dataset '%s' at '%s'", ds, target);
}

/*
 * fsconfig() takes strings of at most 256 bytes: a longer lowerdir list is
 * given one layer at a time with "lowerdir+" (Linux 6.8).
 */
static int set_lowers(int fd, char **lowers, const char *joined)
{
        if (strlen(joined) < 256)
                return fsconfig(fd, FSCONFIG_SET_STRING, "lowerdir", joined, 0);
        for (size_t i = 0; lowers[i]; i++)
                if (fsconfig(fd, FSCONFIG_SET_STRING, "lowerdir+", lowers[i], 0) < 0)
                        return -1;
        return 0;
}

static int overlay_mount(const char *ds, const char *target, char **lowers, const char *upper,
                         const char *work, bool readonly, struct jailor_error *err)
{
        _cleanup_close_ int fd = -EBADF, mfd = -EBADF;
        _cleanup_free_ char *lower = lowerdir_option(lowers);

        if (!lower)
                return oom(err);
        fd = fsopen("overlay", FSOPEN_CLOEXEC);
        if (fd < 0)
                return jailor_error_errno(err, errno, "Cannot mount dataset '%s': no overlayfs",
                                          ds);
        /*
         * Fixed features, not the kernel's defaults: no index or redirects
         * (upper dirs are copied as plain trees for snapshots), no metacopy
         * (a copy of upper must hold whole files).
         */
        if (set_lowers(fd, lowers, lower) < 0 ||
            (upper && fsconfig(fd, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0) ||
            (upper && fsconfig(fd, FSCONFIG_SET_STRING, "workdir", work, 0) < 0) ||
            fsconfig(fd, FSCONFIG_SET_STRING, "index", "off", 0) < 0 ||
            fsconfig(fd, FSCONFIG_SET_STRING, "redirect_dir", "off", 0) < 0 ||
            fsconfig(fd, FSCONFIG_SET_STRING, "metacopy", "off", 0) < 0 ||
            fsconfig(fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return overlay_failed(fd, errno, ds, target, err);
        mfd = fsmount(fd, FSMOUNT_CLOEXEC, readonly ? MOUNT_ATTR_RDONLY : 0);
        if (mfd < 0 || move_mount(mfd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
                return overlay_failed(fd, errno, ds, target, err);
        return 0;
}

/* Makes path read-only by bind-mounting it onto itself; no writable window. */
static int readonly_bind(const char *ds, const char *path, struct jailor_error *err)
{
        struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
        _cleanup_close_ int fd = -EBADF;

        fd = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (fd < 0 || mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0 ||
            move_mount(fd, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
                return jailor_error_errno(err, errno, "Cannot make dataset '%s' read-only at '%s'",
                                          ds, path);
        return 0;
}

static int set_mount_readonly(const char *ds, const char *path, bool readonly,
                              struct jailor_error *err)
{
        struct mount_attr attr = {0};

        if (readonly)
                attr.attr_set = MOUNT_ATTR_RDONLY;
        else
                attr.attr_clr = MOUNT_ATTR_RDONLY;
        if (mount_setattr(AT_FDCWD, path, 0, &attr, sizeof(attr)) < 0)
                return jailor_error_errno(err, errno, "Cannot make the mount of dataset '%s' %s",
                                          ds, readonly ? "read-only" : "writable");
        return 0;
}

/* ---- layers ---- */

static int layers_of_snapshot(struct storage *s, const char *id, const char *snap, char ***layers,
                              struct jailor_error *err);

/* The layers showing what dataset `r` holds now. */
static int layers_of_current(struct storage *s, const struct storage_rec *r, char ***layers,
                             struct jailor_error *err)
{
        _cleanup_free_ char *name = NULL;
        int q;

        if (r->origin_id) {
                if (strv_push(layers, storage_rec_data_path(s, r->id, "upper")) < 0)
                        return oom(err);
                return layers_of_snapshot(s, r->origin_id, r->origin_snap, layers, err);
        }
        q = storage_rec_name(s, r->id, &name, err);
        if (q < 0)
                return q;
        if (strv_push(layers, storage_path(s, name)) < 0)
                return oom(err);
        return 0;
}

static int layers_of_snapshot(struct storage *s, const char *id, const char *snap, char ***layers,
                              struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
        struct storage_snaprec *sr;
        size_t n = 0;
        int q;

        while (*layers && (*layers)[n])
                n++;
        if (n >= MAX_LAYERS)
                return jailor_error_set(err, ELOOP,
                                        "Clones are stacked more than %d deep at '%s@%s'",
                                        MAX_LAYERS, id, snap);
        q = storage_rec_load_id(s, id, &r, err);
        if (q < 0)
                return q;
        sr = storage_rec_snap(r, snap);
        if (!sr)
                return jailor_error_set(err, ENOENT, "Snapshot '%s@%s' does not exist",
                                        r->name ? r->name : id, snap);
        if (sr->ref)
                return layers_of_current(s, r, layers, err);
        if (strv_push(layers, storage_rec_snap_path(s, id, snap)) < 0)
                return oom(err);
        if (!r->origin_id)
                return 0;
        return layers_of_snapshot(s, r->origin_id, r->origin_snap, layers, err);
}

/* ---- copies ---- */

static int copy_dir_attrs(const char *src, const char *dst, struct jailor_error *err)
{
        char names[8192], value[8192];
        struct timespec ts[2];
        struct stat st;
        ssize_t n;

        if (lstat(src, &st) < 0)
                return jailor_error_errno(err, errno, "Cannot stat '%s'", src);
        n = llistxattr(src, names, sizeof(names));
        for (ssize_t i = 0; n > 0 && i < n; i += (ssize_t)strlen(names + i) + 1) {
                ssize_t v = lgetxattr(src, names + i, value, sizeof(value));
                if (v >= 0)
                        lsetxattr(dst, names + i, value, (size_t)v, 0);
        }
        /* chown before chmod: chown clears set-id bits */
        if (lchown(dst, st.st_uid, st.st_gid) < 0 || chmod(dst, st.st_mode & 07777) < 0)
                return jailor_error_errno(err, errno, "Cannot set the owner and mode of '%s'", dst);
        ts[0] = st.st_atim;
        ts[1] = st.st_mtim;
        utimensat(AT_FDCWD, dst, ts, AT_SYMLINK_NOFOLLOW);
        return 0;
}

/*
 * Copies the tree src as the new directory dst, leaving out the top-level
 * entries named in skip (child datasets) and other file systems below.
 * cp -a knows every corner (hard links, sparse files, xattrs, devices,
 * overlay whiteouts); --reflink=auto shares blocks where the fs can.
 */
static int copy_tree(const char *src, const char *dst, char **skip, struct jailor_error *err)
{
        _cleanup_closedir_ DIR *d = NULL;
        static const char *const head[] = {"cp", "-a", "--reflink=auto", "-x", "-t"};
        _cleanup_strv_free_ char **argv = NULL;
        struct dirent *de;
        size_t n = 0;
        int r;

        if (!skip || !skip[0]) {
                char *cp[] = {"cp", "-a",        "--reflink=auto", "-x", "-T",
                              "--", (char *)src, (char *)dst,      NULL};
                return run_command(cp, NULL, err);
        }
        if (mkdir(dst, 0700) < 0)
                return jailor_error_errno(err, errno, "Cannot create directory '%s'", dst);
        for (size_t i = 0; i < ELEMENTSOF(head); i++)
                if (strv_push(&argv, strdup(head[i])) < 0)
                        return oom(err);
        if (strv_push(&argv, strdup(dst)) < 0 || strv_push(&argv, strdup("--")) < 0)
                return oom(err);
        d = opendir(src);
        if (!d)
                return jailor_error_errno(err, errno, "Cannot read directory '%s'", src);
        while ((de = readdir(d))) {
                if (STREQ(de->d_name, ".") || STREQ(de->d_name, "..") ||
                    strv_contains(skip, de->d_name))
                        continue;
                if (strv_push(&argv, path_join(src, de->d_name)) < 0)
                        return oom(err);
                n++;
        }
        if (n > 0) {
                r = run_command(argv, NULL, err);
                if (r < 0)
                        return r;
        }
        return copy_dir_attrs(src, dst, err);
}

/* Empty directories where the child datasets go (their mount points). */
static int make_child_dirs(const char *dir, char **children, struct jailor_error *err)
{
        for (size_t i = 0; children && children[i]; i++) {
                _cleanup_free_ char *p = path_join(dir, children[i]);

                if (!p)
                        return oom(err);
                if (mkdir(p, 0755) < 0 && errno != EEXIST)
                        return jailor_error_errno(err, errno, "Cannot create directory '%s'", p);
        }
        return 0;
}

/* ---- helpers shared by the operations ---- */

/* Where a dataset's own writable content is: upper/ for a clone, else the directory. */
static char *writable_layer(struct storage *s, const struct storage_rec *r, const char *ds)
{
        return r->origin_id ? storage_rec_data_path(s, r->id, "upper") : storage_path(s, ds);
}

/* Copies the current content of ds (rec r) to the new directory dst. */
static int copy_writable_layer(struct storage *s, const char *ds, const struct storage_rec *r,
                               const char *dst, struct jailor_error *err)
{
        _cleanup_free_ char *src = writable_layer(s, r, ds);
        _cleanup_strv_free_ char **children = NULL;
        int q;

        if (!src)
                return oom(err);
        q = storage_rec_children(s, ds, &children, err);
        if (q < 0)
                return q;
        q = copy_tree(src, dst, children, err);
        if (q < 0)
                rm_rf(dst, NULL);
        return q;
}

/* ---- the steps of the record store's operations (recorded.h) ---- */

static int make_dir(const char *path, struct jailor_error *err)
{
        if (mkdir(path, 0755) < 0)
                return jailor_error_errno(err, errno, "Cannot create directory '%s'", path);
        return 0;
}

/* A copy of the writable layer, built aside and renamed into place. */
static int take_snapshot(struct storage *s, const char *ds, const struct storage_rec *r,
                         const char *snap, const char *dst, struct jailor_error *err)
{
        _cleanup_free_ char *staged = storage_store_tmp(s, "snap");
        int q;

        if (!staged)
                return oom(err);
        q = copy_writable_layer(s, ds, r, staged, err);
        if (q < 0)
                return jailor_error_prefix(err, "Cannot snapshot '%s@%s'", ds, snap);
        if (rename(staged, dst) < 0) {
                q = jailor_error_errno(err, errno, "Cannot rename '%s' to '%s'", staged, dst);
                rm_rf(staged, NULL);
                return q;
        }
        return 0;
}

static int list_entries(const char *dir, char **skip, char ***ret, struct jailor_error *err)
{
        _cleanup_closedir_ DIR *d = opendir(dir);
        _cleanup_strv_free_ char **out = NULL;
        struct dirent *de;

        if (!d)
                return jailor_error_errno(err, errno, "Cannot read directory '%s'", dir);
        while ((de = readdir(d))) {
                if (STREQ(de->d_name, ".") || STREQ(de->d_name, "..") ||
                    strv_contains(skip, de->d_name))
                        continue;
                if (strv_push(&out, strdup(de->d_name)) < 0)
                        return oom(err);
        }
        *ret = TAKE_PTR(out);
        return 0;
}

/* Moves the first `limit` named entries from one directory to another; *ret_n: how many did. */
static int move_entries(const char *from, const char *to, char **names, size_t limit, size_t *ret_n,
                        struct jailor_error *err)
{
        size_t i;
        int q = 0;

        for (i = 0; q == 0 && i < limit && names && names[i]; i++) {
                _cleanup_free_ char *a = path_join(from, names[i]), *b = path_join(to, names[i]);

                if (!a || !b)
                        q = oom(err);
                else if (rename(a, b) < 0)
                        q = jailor_error_errno(err, errno, "Cannot rename '%s' to '%s'", a, b);
                if (q < 0)
                        break;
        }
        if (ret_n)
                *ret_n = i;
        return q;
}

/*
 * Replaces the entries of dir (but the child datasets in keep) by those of
 * staged, keeping dir itself, its inode and the mounts below it.  The old
 * entries go to trash first, so that a failure can put everything back.
 */
static int replace_entries(const char *dir, const char *staged, const char *trash, char **keep,
                           struct jailor_error *err)
{
        _cleanup_strv_free_ char **old = NULL, **new = NULL;
        size_t n_out = 0, n_in = 0;
        int q;

        if (mkdir(trash, 0700) < 0)
                return jailor_error_errno(err, errno, "Cannot create directory '%s'", trash);
        q = list_entries(dir, keep, &old, err);
        if (q == 0)
                q = list_entries(staged, keep, &new, err);
        if (q == 0)
                q = move_entries(dir, trash, old, SIZE_MAX, &n_out, err);
        if (q == 0)
                q = move_entries(staged, dir, new, SIZE_MAX, &n_in, err);
        if (q == 0)
                q = copy_dir_attrs(staged, dir, err);
        if (q < 0) {
                move_entries(dir, staged, new, n_in, NULL, NULL);
                move_entries(trash, dir, old, n_out, NULL, NULL);
        }
        return q;
}

/* A clone's new upper layer takes the place of the old in one exchange. */
static int roll_back_clone(struct storage *s, const char *ds, const struct storage_rec *r,
                           const char *staged, char **children, struct jailor_error *err)
{
        _cleanup_free_ char *path = storage_path(s, ds);
        _cleanup_free_ char *upper = storage_rec_data_path(s, r->id, "upper");
        _cleanup_free_ char *work = storage_rec_data_path(s, r->id, "work");
        bool mounted;
        int q;

        if (!path || !upper || !work)
                return oom(err);
        mounted = is_mount_point(path);
        q = make_child_dirs(staged, children, err);
        if (q == 0 && mounted)
                q = do_umount(ds, path, err);
        if (q == 0 && renameat2(AT_FDCWD, staged, AT_FDCWD, upper, RENAME_EXCHANGE) < 0)
                q = jailor_error_errno(err, errno, "Cannot replace '%s'", upper);
        if (q < 0)
                return q;
        /* stale work files must not meet the new upper */
        rm_rf(work, NULL);
        mkdir(work, 0700);
        if (mounted) {
                _cleanup_strv_free_ char **lowers = NULL;

                q = layers_of_snapshot(s, r->origin_id, r->origin_snap, &lowers, err);
                if (q == 0)
                        q = overlay_mount(ds, path, lowers, upper, work, false, err);
        }
        return q;
}

static int roll_back(struct storage *s, const char *ds, const struct storage_rec *r,
                     const char *snap, const char *src, char **children, struct jailor_error *err)
{
        _cleanup_free_ char *staged = storage_store_tmp(s, "rollback"), *path = storage_path(s, ds);
        _cleanup_free_ char *trash = storage_store_tmp(s, "old");
        int q;

        if (!staged || !path || !trash)
                return oom(err);
        /* the expensive part first, while nothing has changed yet */
        q = copy_tree(src, staged, NULL, err);
        if (q < 0) {
                rm_rf(staged, NULL);
                return jailor_error_prefix(err, "Cannot roll back '%s' to '%s'", ds, snap);
        }
        if (r->origin_id) {
                q = roll_back_clone(s, ds, r, staged, children, err);
        } else {
                q = replace_entries(path, staged, trash, children, err);
                rm_rf(trash, NULL);
        }
        rm_rf(staged, NULL); /* what failed to go in, or what was replaced */
        return q;
}

/* An empty upper layer over the layers of o@snap, mounted by mount_dataset. */
static int make_clone(struct storage *s, const struct storage_rec *o, const char *snap,
                      const struct storage_rec *c, const char *path, struct jailor_error *err)
{
        _cleanup_strv_free_ char **lowers = NULL;
        _cleanup_free_ char *upper = storage_rec_data_path(s, c->id, "upper");
        _cleanup_free_ char *work = storage_rec_data_path(s, c->id, "work");
        struct stat st;
        int q;

        if (!upper || !work)
                return oom(err);
        q = layers_of_snapshot(s, o->id, snap, &lowers, err);
        if (q < 0)
                return q;
        if (mkdir(upper, 0755) < 0 || mkdir(work, 0700) < 0)
                return jailor_error_errno(err, errno, "Cannot create the layers of '%s'", c->name);
        /* the overlay's root takes upper's owner and mode: give it the origin's */
        if (stat(lowers[0], &st) == 0 &&
            (chown(upper, st.st_uid, st.st_gid) < 0 || chmod(upper, st.st_mode & 07777) < 0))
                return jailor_error_errno(err, errno, "Cannot set the owner of '%s'", upper);
        return make_dir(path, err);
}

/* Mounts a read-only view of clone r's current content at a new temporary directory. */
static int mount_view(struct storage *s, const char *ds, const struct storage_rec *r, char **ret,
                      struct jailor_error *err)
{
        _cleanup_strv_free_ char **layers = NULL;
        _cleanup_free_ char *view = storage_store_tmp(s, "view");
        int q;

        if (!view)
                return oom(err);
        q = layers_of_current(s, r, &layers, err);
        if (q < 0)
                return q;
        if (mkdir(view, 0700) < 0)
                return jailor_error_errno(err, errno, "Cannot create directory '%s'", view);
        q = overlay_mount(ds, view, layers, NULL, NULL, true, err);
        if (q < 0) {
                rmdir(view);
                return q;
        }
        *ret = TAKE_PTR(view);
        return 0;
}

/* A copy of what src shows (through a view for a clone), built aside. */
static int make_copy(struct storage *s, const char *src, const struct storage_rec *o,
                     const char *dst, const char *path, char **children, struct jailor_error *err)
{
        _cleanup_free_ char *staged = storage_store_tmp(s, "copy"), *from = NULL;
        int q = 0;

        if (!staged)
                return oom(err);
        if (o->origin_id)
                q = mount_view(s, src, o, &from, err);
        else if (!(from = storage_path(s, src)))
                q = oom(err);
        if (q < 0)
                return q;
        q = copy_tree(from, staged, children, err);
        if (o->origin_id) {
                umount2(from, UMOUNT_NOFOLLOW);
                rmdir(from);
        }
        if (q < 0) {
                rm_rf(staged, NULL);
                return jailor_error_prefix(err, "Cannot copy dataset '%s' to '%s'", src, dst);
        }
        if (renameat2(AT_FDCWD, staged, AT_FDCWD, path, RENAME_NOREPLACE) < 0) {
                q = jailor_error_errno(err, errno, "Cannot rename '%s' to '%s'", staged, path);
                rm_rf(staged, NULL);
        }
        return q;
}

/* A clone's overlay, or a read-only dataset's read-only bind mount; nothing twice. */
static int mount_dataset(struct storage *s, const char *ds, const struct storage_rec *r,
                         struct jailor_error *err)
{
        _cleanup_strv_free_ char **lowers = NULL;
        _cleanup_free_ char *path = storage_path(s, ds), *upper = NULL, *work = NULL;
        int q;

        if (!path)
                return oom(err);
        if (is_mount_point(path))
                return 0;
        if (!r->origin_id)
                return r->readonly ? readonly_bind(ds, path, err) : 0;
        upper = storage_rec_data_path(s, r->id, "upper");
        work = storage_rec_data_path(s, r->id, "work");
        if (!upper || !work)
                return oom(err);
        q = layers_of_snapshot(s, r->origin_id, r->origin_snap, &lowers, err);
        if (q < 0)
                return q;
        return overlay_mount(ds, path, lowers, upper, work, r->readonly, err);
}

/* 1 when ds was mounted at path (and now is not), 0 when not. */
static int unmount_dataset(const char *ds, const char *path, struct jailor_error *err)
{
        int q;

        if (!is_mount_point(path))
                return 0;
        q = do_umount(ds, path, err);
        return q < 0 ? q : 1;
}

static const struct recorded_steps dir_steps = {
    .remove = rm_rf,
    .make_empty = make_dir,
    .take_snapshot = take_snapshot,
    .roll_back = roll_back,
    .make_clone = make_clone,
    .make_copy = make_copy,
    .mount = mount_dataset,
    .unmount = unmount_dataset,
    .readonly_snapshots_by_reference = true,
    .snapshot_sizes_by_walk = true,
};

/* ---- operations of dir's own ---- */

static int dir_init(struct storage *s, struct jailor_error *err)
{
        int r = mkdir_p(s->root, 0755, err);

        if (r < 0)
                return r;
        return storage_store_init(s, err);
}

static int dir_umount(struct storage *s, const char *ds, struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
        _cleanup_free_ char *path = storage_path(s, ds);
        _cleanup_close_ int lock = -EBADF;
        int q;

        if (!path)
                return oom(err);
        q = storage_rec_lock_load(s, ds, &lock, &r, err);
        if (q < 0)
                return q;
        /* only what mount made: a plain writable dataset is never ours to unmount */
        if (!r->origin_id && !r->readonly)
                return 0;
        return do_umount(ds, path, err);
}

static int dir_space(struct storage *s, const char *ds, uint64_t *ret_used, uint64_t *ret_avail,
                     struct jailor_error *err)
{
        _cleanup_strv_free_ char **subtree = NULL;
        _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
        _cleanup_free_ char *path = storage_path(s, ds);
        uint64_t used = 0, n;
        int q;

        if (!path)
                return oom(err);
        q = storage_rec_load(s, ds, &r, err);
        if (q < 0)
                return q;
        q = storage_rec_subtree(s, ds, &subtree, err);
        if (q < 0)
                return q;
        /*
         * A plain dataset's directory holds its plain children, but the walk
         * stops at mounts: a read-only child (bind-mounted) is counted on its
         * own.  A clone's directory is only a mount point: all it holds is in
         * ids/, like every snapshot copy.
         */
        for (size_t i = 0; subtree[i]; i++) {
                _cleanup_(storage_rec_freep) struct storage_rec *k = NULL;
                _cleanup_free_ char *data = NULL, *dir = NULL;

                if (storage_rec_load(s, subtree[i], &k, NULL) < 0)
                        continue;
                dir = storage_path(s, subtree[i]);
                data = storage_rec_data_path(s, k->id, NULL);
                if (!dir || !data)
                        return oom(err);
                if (!k->origin_id && (i == 0 || is_mount_point(dir))) {
                        q = storage_du(dir, &n, err);
                        if (q < 0)
                                return q;
                        used += n;
                }
                if (storage_du(data, &n, NULL) == 0)
                        used += n;
        }
        *ret_used = used;
        return storage_fs_avail(s->root, ret_avail, err);
}

/* Datasets whose layers include the current content of r: the clones of
 * its reference snapshots, and everything stacked on those, transitively. */
static int stacked_on(struct storage *s, const struct storage_rec *r, char ***ret,
                      struct jailor_error *err)
{
        _cleanup_strv_free_ char **todo = NULL, **names = NULL;

        for (size_t i = 0; i < r->n_snaps; i++)
                for (size_t k = 0; r->snaps[i].ref && r->snaps[i].clones && r->snaps[i].clones[k];
                     k++)
                        if (strv_push(&todo, strdup(r->snaps[i].clones[k])) < 0)
                                return oom(err);
        for (size_t i = 0; todo && todo[i]; i++) {
                _cleanup_(storage_rec_freep) struct storage_rec *c = NULL;
                char *name = NULL;

                if (i >= 4096)
                        break; /* a cycle cannot happen; be safe anyway */
                if (storage_rec_load_id(s, todo[i], &c, NULL) < 0 ||
                    storage_rec_name(s, todo[i], &name, NULL) < 0)
                        continue;
                if (strv_push(&names, name) < 0)
                        return oom(err);
                for (size_t j = 0; j < c->n_snaps; j++)
                        for (size_t k = 0; c->snaps[j].clones && c->snaps[j].clones[k]; k++)
                                if (strv_push(&todo, strdup(c->snaps[j].clones[k])) < 0)
                                        return oom(err);
        }
        *ret = TAKE_PTR(names);
        return 0;
}

/* Turns the reference snapshots of r into copies, before r becomes writable. */
static int materialise(struct storage *s, const char *ds, struct storage_rec *r,
                       struct jailor_error *err)
{
        _cleanup_strv_free_ char **stacked = NULL, **made = NULL;
        int q;

        q = stacked_on(s, r, &stacked, err);
        if (q < 0)
                return q;
        for (size_t i = 0; stacked && stacked[i]; i++) {
                _cleanup_free_ char *p = storage_path(s, stacked[i]);

                if (p && is_mount_point(p))
                        return jailor_error_set(
                            err, EBUSY,
                            "Dataset '%s' cannot become writable while its clone '%s' is mounted",
                            ds, stacked[i]);
        }
        q = storage_rec_make_snap_dir(s, r->id, err);
        if (q < 0)
                return q;
        for (size_t i = 0; i < r->n_snaps; i++) {
                _cleanup_free_ char *final = storage_rec_snap_path(s, r->id, r->snaps[i].name);

                if (!r->snaps[i].ref)
                        continue;
                if (!final) {
                        q = oom(err);
                        break;
                }
                q = take_snapshot(s, ds, r, r->snaps[i].name, final, err);
                if (q < 0)
                        break;
                if (strv_push(&made, TAKE_PTR(final)) < 0) {
                        q = oom(err);
                        break;
                }
                r->snaps[i].ref = false;
        }
        if (q < 0) {
                for (size_t i = 0; made && made[i]; i++)
                        rm_rf(made[i], NULL);
                return jailor_error_prefix(err, "Cannot make '%s' writable", ds);
        }
        return 0;
}

static int dir_set_readonly(struct storage *s, const char *ds, bool readonly,
                            struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
        _cleanup_free_ char *path = storage_path(s, ds);
        _cleanup_close_ int lock = -EBADF;
        bool mounted;
        int q;

        if (!path)
                return oom(err);
        q = storage_rec_lock_load(s, ds, &lock, &r, err);
        if (q < 0)
                return q;
        mounted = is_mount_point(path);
        if (readonly) {
                bool was = r->readonly;

                r->readonly = true;
                q = storage_rec_save(s, r, err);
                if (q < 0)
                        return q;
                /*
                 * Only a mounted dataset changes now; a plain one is bound
                 * read-only when it is next mounted.  A standing mount per
                 * release would outlive every command and vanish at reboot.
                 */
                if (r->origin_id && mounted)
                        q = set_mount_readonly(ds, path, true, err);
                if (q < 0 && !was) {
                        r->readonly = false;
                        storage_rec_save(s, r, NULL);
                }
                return q;
        }
        if (!r->readonly)
                return 0;
        q = materialise(s, ds, r, err);
        if (q < 0)
                return q;
        r->readonly = false;
        q = storage_rec_save(s, r, err);
        if (q < 0)
                return q;
        if (r->origin_id && mounted)
                return set_mount_readonly(ds, path, false, err);
        if (!r->origin_id && mounted)
                return do_umount(ds, path, err);
        return 0;
}

const struct storage_ops storage_dir_ops = {
    .name = "dir",
    .init = dir_init,
    RECORDED_STORAGE_OPS,
    .space = dir_space,
    .set_quota = NULL, /* no quota on a plain directory tree */
    .set_readonly = dir_set_readonly,
    .mount = recorded_mount,
    .umount = dir_umount,
    .recorded = &dir_steps,
};
