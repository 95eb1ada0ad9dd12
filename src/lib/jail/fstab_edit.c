/* SPDX-License-Identifier: MIT */
/*
 * jailor fstab -a|-e|-r|-l (iocage fstab): checks a bind mount, makes its
 * mount point inside the jail, and rewrites the jail's fstab atomically.
 * Lines the command does not change are written back byte for byte.
 */
#include "fstab.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../util/cleanup.h"
#include "../util/fs.h"
#include "clone.h"
#include "jail.h"
#include "list.h"

/* A jail, its lock when changing it, and its fstab. */
struct fstab_job {
        struct jail *j;
        int lock;
        struct fstab_file file;
};

static void job_done(struct fstab_job *job)
{
        jail_free(job->j);
        if (job->lock >= 0)
                close(job->lock);
        fstab_file_done(&job->file);
}

static int job_open(const struct jailor_ctx *ctx, struct storage *s, const char *name, bool change,
                    struct fstab_job *job, struct jailor_error *err)
{
        _cleanup_free_ char *path = NULL;
        int r;

        *job = (struct fstab_job){.lock = -EBADF};
        r = jail_open(ctx, s, name, &job->j, err);
        if (r < 0)
                return r;
        if (change) {
                if (job->j->is_template)
                        return jailor_error_set(err, EROFS,
                                                "Template '%s' is read-only: set template=no to "
                                                "change its mount points",
                                                name);
                r = jail_lock(ctx, name, &job->lock, err);
                if (r < 0)
                        return r;
                r = jail_check_stopped(ctx, name, "changing its mount points", err);
                if (r < 0)
                        return r;
        }
        path = jail_file(s, job->j, "fstab");
        if (!path)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        return fstab_file_load(path, &job->file, err);
}

/* SRC: an existing absolute host path, outside the jail's own directory. */
static int check_source(struct storage *s, const struct jail *j, const char *src, bool *ret_dir,
                        struct jailor_error *err)
{
        _cleanup_free_ char *jail_dir = storage_path(s, j->ds);
        char real_src[PATH_MAX], real_jail[PATH_MAX];
        struct stat st;
        size_t n;

        if (src[0] != '/')
                return jailor_error_set(
                    err, EINVAL, "Invalid source '%s': expected an absolute path on the host", src);
        if (stat(src, &st) < 0 || !realpath(src, real_src))
                return jailor_error_errno(err, errno, "Invalid source '%s'", src);
        if (!jail_dir)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (!realpath(jail_dir, real_jail))
                return jailor_error_errno(err, errno, "Cannot resolve '%s'", jail_dir);
        /* the jail's root, and its config and fstab: a jail must never write its own record */
        n = strlen(real_jail);
        if (strncmp(real_src, real_jail, n) == 0 && (real_src[n] == '\0' || real_src[n] == '/'))
                return jailor_error_set(err, EINVAL,
                                        "Invalid source '%s': it is inside jail '%s' itself", src,
                                        j->name);
        *ret_dir = S_ISDIR(st.st_mode);
        return 0;
}

/* The entry m makes, checked against the others (all but skip). */
static int make_entry(struct storage *s, struct fstab_job *job, const struct fstab_mount *m,
                      size_t skip, struct fstab_entry *ret, bool *ret_dir, struct jailor_error *err)
{
        _cleanup_free_ char *dst = NULL;
        char stamp[64];
        time_t now = time(NULL);
        struct tm tm;
        size_t n = fstab_file_count(&job->file);
        int r;

        r = check_source(s, job->j, m->src, ret_dir, err);
        if (r < 0)
                return r;
        r = fstab_normalize_dst(m->dst, &dst, err);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                const struct fstab_line *l = fstab_file_entry(&job->file, i);

                if (i != skip && STREQ(l->entry.dst, dst))
                        return jailor_error_set(err, EEXIST,
                                                "Destination '%s' is already a mount point of jail "
                                                "'%s' (entry %zu)",
                                                m->dst, job->j->name, i);
        }
        /* as iocage marks its lines */
        gmtime_r(&now, &tm);
        strftime(stamp, sizeof(stamp), "Added by jailor on %Y-%m-%d %H:%M:%S", &tm);
        *ret = (struct fstab_entry){
            .src = strdup(m->src),
            .dst = TAKE_PTR(dst),
            .type = strdup("bind"),
            .options = strdup(m->rw ? "rw" : "ro"),
            .comment = strdup(stamp),
        };
        if (!ret->src || !ret->type || !ret->options || !ret->comment) {
                fstab_entry_done(ret);
                return jailor_error_set(err, ENOMEM, "Out of memory");
        }
        return 0;
}

/* ---- the mount point inside the jail ---- */

struct mount_point {
        const char *jail;
        const char *dst; /* normalized */
        bool dir;        /* a directory; else an empty file to bind a file on */
};

/* path exists in root as the right kind of node: 1; missing: 0; else -errno. */
static int node_present(const char *root, const char *path, bool dir, const struct mount_point *mp,
                        struct jailor_error *err)
{
        _cleanup_close_ int fd = open_in_root(root, path, O_PATH, 0);
        struct stat st;

        if (fd == -ENOENT)
                return 0;
        if (fd < 0)
                return jailor_error_errno(err, -fd, "Cannot reach '%s' in jail '%s'", path,
                                          mp->jail);
        if (fstat(fd, &st) < 0)
                return jailor_error_errno(err, errno, "Cannot reach '%s' in jail '%s'", path,
                                          mp->jail);
        if (S_ISDIR(st.st_mode) == dir)
                return 1;
        if (!STREQ(path, mp->dst))
                return jailor_error_set(err, ENOTDIR,
                                        "Cannot mount on '%s' in jail '%s': '%s' is not a "
                                        "directory",
                                        mp->dst, mp->jail, path);
        return jailor_error_set(err, dir ? ENOTDIR : EISDIR,
                                "Cannot mount on '%s' in jail '%s': it is %s", path, mp->jail,
                                dir ? "not a directory" : "a directory and the source is not");
}

/* Makes path (whose parent exists) inside root, resolving the parent in the root. */
static int make_node(const char *root, char *path, bool dir, const struct mount_point *mp,
                     struct jailor_error *err)
{
        char *slash = strrchr(path, '/');
        _cleanup_close_ int parent = -EBADF;
        int r;

        r = node_present(root, path, dir, mp, err);
        if (r != 0)
                return r < 0 ? r : 0;
        *slash = '\0';
        parent = open_in_root(root, slash == path ? "/" : path, O_PATH | O_DIRECTORY, 0);
        *slash = '/';
        if (parent < 0)
                return jailor_error_errno(
                    err, -parent, "Cannot reach the parent of '%s' in jail '%s'", path, mp->jail);
        if (dir) {
                r = mkdirat(parent, slash + 1, 0755);
        } else {
                r = openat(parent, slash + 1, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                           0644);
                if (r >= 0)
                        r = close(r);
        }
        if (r < 0 && errno != EEXIST)
                return jailor_error_errno(err, errno, "Cannot create '%s' in jail '%s'", path,
                                          mp->jail);
        /* a link dangling in the jail ends here, not outside */
        r = node_present(root, path, dir, mp, err);
        if (r == 0)
                return jailor_error_set(err, ENOENT,
                                        "Cannot create '%s' in jail '%s': a link in the way "
                                        "leads nowhere",
                                        path, mp->jail);
        return r < 0 ? r : 0;
}

static int make_mount_point(const char *root, const void *arg, uint64_t *ret,
                            struct jailor_error *err)
{
        const struct mount_point *mp = arg;
        _cleanup_free_ char *walk = strdup(mp->dst);
        char *slash;
        int r;

        if (!walk)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        /* every directory on the way, then the mount point itself */
        for (slash = strchr(walk + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
                *slash = '\0';
                r = make_node(root, walk, true, mp, err);
                *slash = '/';
                if (r < 0)
                        return r;
        }
        return make_node(root, walk, mp->dir, mp, err);
}

/* ---- the commands ---- */

int jail_fstab_list(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                    struct fstab_entry **ret, size_t *ret_n, struct jailor_error *err)
{
        _cleanup_free_ char *path = NULL;
        struct jail *j = NULL;
        int r;

        r = jail_open(ctx, s, name, &j, err);
        if (r < 0)
                return r;
        path = jail_file(s, j, "fstab");
        jail_free(j);
        if (!path)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        return fstab_read(path, ret, ret_n, err);
}

static int put_mount(struct storage *s, struct fstab_job *job, const struct fstab_mount *m,
                     struct fstab_line *replaced, struct jailor_error *err)
{
        struct fstab_entry e = {0};
        struct mount_point mp = {.jail = job->j->name};
        size_t skip = SIZE_MAX;
        int r;

        if (replaced)
                for (size_t i = 0; fstab_file_entry(&job->file, i); i++)
                        if (fstab_file_entry(&job->file, i) == replaced)
                                skip = i;
        r = make_entry(s, job, m, skip, &e, &mp.dir, err);
        if (r < 0)
                return r;
        mp.dst = e.dst;
        r = jail_root_visit(s, job->j->root_ds, make_mount_point, &mp, NULL, err);
        if (r == 0) {
                r = replaced ? fstab_line_replace(replaced, &e) : fstab_file_append(&job->file, &e);
                if (r < 0)
                        r = jailor_error_set(err, ENOMEM, "Out of memory");
        }
        if (r == 0)
                r = fstab_file_save(&job->file, err);
        fstab_entry_done(&e);
        return r;
}

int jail_fstab_add(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                   const struct fstab_mount *m, size_t *ret_index, struct jailor_error *err)
{
        struct fstab_job job;
        int r;

        r = job_open(ctx, s, name, true, &job, err);
        if (r == 0)
                r = put_mount(s, &job, m, NULL, err);
        if (r == 0 && ret_index)
                *ret_index = fstab_file_count(&job.file) - 1;
        job_done(&job);
        return r;
}

static int entry_to_change(struct fstab_job *job, struct fstab_line *l, size_t index,
                           struct jailor_error *err)
{
        if (!l)
                return jailor_error_set(err, ENOENT,
                                        "Jail '%s' has no fstab entry %zu (it has %zu)",
                                        job->j->name, index, fstab_file_count(&job->file));
        if (l->entry.basejail)
                return jailor_error_set(err, EPERM,
                                        "Entry %zu of jail '%s' is a basejail mount of its "
                                        "release: it follows the release, not fstab",
                                        index, job->j->name);
        return 0;
}

int jail_fstab_edit(const struct jailor_ctx *ctx, struct storage *s, const char *name, size_t index,
                    const struct fstab_mount *m, struct jailor_error *err)
{
        struct fstab_job job;
        struct fstab_line *l;
        int r;

        r = job_open(ctx, s, name, true, &job, err);
        if (r == 0) {
                l = fstab_file_entry(&job.file, index);
                r = entry_to_change(&job, l, index, err);
                if (r == 0)
                        r = put_mount(s, &job, m, l, err);
        }
        job_done(&job);
        return r;
}

static bool entry_matches(const struct fstab_entry *e, char *const *f, size_t n)
{
        _cleanup_free_ char *dst = NULL;
        char num[16];

        if (!STREQ(e->src, f[0]) || fstab_normalize_dst(f[1], &dst, NULL) < 0 ||
            !STREQ(e->dst, dst))
                return false;
        if (n == 3) /* SRC DST ro|rw, as -a takes it */
                return STREQ(e->options, f[2]);
        if (n >= 4 && (!STREQ(e->type, f[2]) || !STREQ(e->options, f[3])))
                return false;
        snprintf(num, sizeof(num), "%u", e->dump);
        if (n >= 5 && !STREQ(num, f[4]))
                return false;
        snprintf(num, sizeof(num), "%u", e->pass);
        return n < 6 || STREQ(num, f[5]);
}

static int find_match(struct fstab_job *job, const struct fstab_match *m, size_t *ret,
                      struct jailor_error *err)
{
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        FILE *f;

        if (m->by_index) {
                *ret = m->index;
                return 0;
        }
        if (m->n_fields < 2 || m->n_fields > 6)
                return jailor_error_set(err, EINVAL,
                                        "Expected an index or SRC DST [TYPE OPTIONS [DUMP PASS]] "
                                        "to name the entry of jail '%s'",
                                        job->j->name);
        for (size_t i = 0; fstab_file_entry(&job->file, i); i++)
                if (entry_matches(&fstab_file_entry(&job->file, i)->entry, m->fields,
                                  m->n_fields)) {
                        *ret = i;
                        return 0;
                }
        f = open_memstream(&text, &len);
        for (size_t i = 0; f && i < m->n_fields; i++)
                fprintf(f, "%s%s", i ? " " : "", m->fields[i]);
        if (!f || fclose(f) != 0)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        return jailor_error_set(err, ENOENT, "Jail '%s' has no fstab entry '%s'", job->j->name,
                                text);
}

int jail_fstab_remove(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                      const struct fstab_match *m, struct fstab_entry *ret_removed,
                      struct jailor_error *err)
{
        struct fstab_job job;
        struct fstab_line *l = NULL;
        size_t index = 0;
        int r;

        r = job_open(ctx, s, name, true, &job, err);
        if (r == 0)
                r = find_match(&job, m, &index, err);
        if (r == 0) {
                l = fstab_file_entry(&job.file, index);
                r = entry_to_change(&job, l, index, err);
        }
        if (r == 0) {
                l->removed = true;
                r = fstab_file_save(&job.file, err);
        }
        if (r == 0 && ret_removed) {
                /* the caller gets the entry; the file forgets it */
                *ret_removed = l->entry;
                l->is_entry = false;
        }
        job_done(&job);
        return r;
}
