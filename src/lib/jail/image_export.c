/* SPDX-License-Identifier: MIT */
/*
 * jailor export JAIL (see image.h).  The root is read where the storage
 * shows it: jail_root_visit mounts a dir clone's overlay in a private mount
 * namespace of a child process, so an export killed at any moment leaves no
 * mount behind, and the mount is gone when the export is done.
 */
#include "image.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../props/parse.h"
#include "../util/cleanup.h"
#include "../util/fs.h"
#include "../util/sha256.h"
#include "clone.h"
#include "jail.h"
#include "list.h"

DEFINE_CLEANUP_FUNC(struct jail, jail_free)

/* What the child that reads the root needs; nothing comes back but errors. */
struct export_job {
        const struct jailor_ctx *ctx;
        const char *name;
        int fd;             /* IMAGE.part, open for writing */
        const char *config; /* config.json as it goes into the image */
        const char *fstab;
        size_t fstab_len;
};

struct export_progress {
        const struct jailor_ctx *ctx;
        uint64_t done, total; /* bytes of file data */
};

static void report(struct export_progress *p, uint64_t bytes)
{
        p->done += bytes;
        if (p->ctx->progress)
                p->ctx->progress(p->ctx->progress_data, "Exporting", p->done,
                                 p->total > p->done ? p->total : p->done);
}

static int write_data(struct archive *a, const void *buf, size_t len, const char *what,
                      struct jailor_error *err)
{
        if (archive_write_data(a, buf, len) < 0)
                return jailor_error_set(err, EIO, "Cannot write '%s' into the image: %s", what,
                                        archive_error_string(a));
        return 0;
}

/* A file of the jail's record (config.json, fstab) as a member of the image. */
static int write_member(struct archive *a, const char *name, const char *data, size_t len,
                        struct jailor_error *err)
{
        struct archive_entry *e = archive_entry_new();
        int r = 0;

        if (!e)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        archive_entry_set_pathname(e, name);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, (la_int64_t)len);
        archive_entry_set_mtime(e, time(NULL), 0);
        if (archive_write_header(a, e) != ARCHIVE_OK)
                r = jailor_error_set(err, EIO, "Cannot write '%s' into the image: %s", name,
                                     archive_error_string(a));
        else if (len)
                r = write_data(a, data, len, name, err);
        archive_entry_free(e);
        return r;
}

/* Writes len zero bytes: the holes of a sparse file, which pax leaves out again. */
static int write_zeros(struct archive *a, uint64_t len, const char *what, struct jailor_error *err)
{
        static const char zeros[16384];

        while (len > 0) {
                size_t n = len < sizeof(zeros) ? (size_t)len : sizeof(zeros);
                int r = write_data(a, zeros, n, what, err);

                if (r < 0)
                        return r;
                len -= n;
        }
        return 0;
}

/* Copies the data of the file the traversal is at. */
static int copy_file_data(struct archive *disk, struct archive *a, struct archive_entry *e,
                          struct export_progress *p, struct jailor_error *err)
{
        const char *path = archive_entry_pathname(e);
        la_int64_t pos = 0, offset, size = archive_entry_size(e);
        const void *buf;
        size_t len;
        int r;

        for (;;) {
                r = archive_read_data_block(disk, &buf, &len, &offset);
                if (r == ARCHIVE_EOF)
                        break;
                if (r < ARCHIVE_WARN)
                        return jailor_error_set(err, EIO, "Cannot read '%s' of the jail: %s", path,
                                                archive_error_string(disk));
                if (offset > pos && (r = write_zeros(a, (uint64_t)(offset - pos), path, err)) < 0)
                        return r;
                if ((r = write_data(a, buf, len, path, err)) < 0)
                        return r;
                pos = offset + (la_int64_t)len;
                report(p, len);
        }
        return size > pos ? write_zeros(a, (uint64_t)(size - pos), path, err) : 0;
}

/*
 * The traversal of the root: physical (links are stored, never followed),
 * not into other mounts.  metadata=false skips xattrs and ACLs (counting).
 */
static int open_tree(struct archive **ret, const char *root, bool metadata,
                     struct jailor_error *err)
{
        int behavior = ARCHIVE_READDISK_NO_TRAVERSE_MOUNTS;
        struct archive *disk = archive_read_disk_new();

        if (!disk)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (!metadata)
                behavior |= ARCHIVE_READDISK_NO_XATTR | ARCHIVE_READDISK_NO_ACL |
                            ARCHIVE_READDISK_NO_FFLAGS;
        /* no name lookup: owners go in as numbers, the host's names are not the jail's */
        if (archive_read_disk_set_symlink_physical(disk) != ARCHIVE_OK ||
            archive_read_disk_set_behavior(disk, behavior) != ARCHIVE_OK ||
            archive_read_disk_open(disk, root) != ARCHIVE_OK) {
                int r = jailor_error_set(err, EIO, "Cannot read '%s': %s", root,
                                         archive_error_string(disk));
                archive_read_free(disk);
                return r;
        }
        *ret = disk;
        return 0;
}

/* Bytes of file data under root, so that progress can tell the time left. */
static int count_tree(const char *root, uint64_t *ret, struct jailor_error *err)
{
        struct archive *disk = NULL;
        struct archive_entry *e = archive_entry_new();
        int r, ar;

        if (!e)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = open_tree(&disk, root, false, err);
        while (r == 0 && (ar = archive_read_next_header2(disk, e)) != ARCHIVE_EOF) {
                if (ar < ARCHIVE_WARN) {
                        r = jailor_error_set(err, EIO, "Cannot read '%s': %s", root,
                                             archive_error_string(disk));
                        break;
                }
                archive_read_disk_descend(disk);
                if (archive_entry_filetype(e) == AE_IFREG)
                        *ret += (uint64_t)archive_entry_size(e);
        }
        if (disk)
                archive_read_free(disk);
        archive_entry_free(e);
        return r;
}

/* "<root>/etc/passwd" becomes "root/etc/passwd"; owners stay numbers. */
static int place_entry(struct archive_entry *e, const char *root, struct jailor_error *err)
{
        const char *path = archive_entry_pathname(e);
        size_t n = strlen(root);
        _cleanup_free_ char *inside = NULL;

        if (!path || strncmp(path, root, n) != 0 || (path[n] && path[n] != '/'))
                return jailor_error_set(err, EIO, "Unexpected path '%s' while reading '%s'",
                                        path ? path : "", root);
        inside = strjoin("root", path + n, NULL);
        if (!inside)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        archive_entry_copy_pathname(e, inside);
        archive_entry_set_uname(e, NULL);
        archive_entry_set_gname(e, NULL);
        return 0;
}

static int write_tree(struct archive *a, const char *root, struct export_progress *p,
                      struct jailor_error *err)
{
        struct archive_entry_linkresolver *links = archive_entry_linkresolver_new();
        struct archive *disk = NULL;
        int r, ar;

        if (!links)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        /* tar keeps the first of a set of hard links whole and the rest as links to it */
        archive_entry_linkresolver_set_strategy(links, archive_format(a));
        r = open_tree(&disk, root, true, err);
        while (r == 0) {
                struct archive_entry *e = archive_entry_new(), *unused = NULL;

                if (!e) {
                        r = jailor_error_set(err, ENOMEM, "Out of memory");
                        break;
                }
                ar = archive_read_next_header2(disk, e);
                if (ar == ARCHIVE_EOF) {
                        archive_entry_free(e);
                        break;
                }
                if (ar < ARCHIVE_WARN)
                        r = jailor_error_set(err, EIO, "Cannot read '%s': %s", root,
                                             archive_error_string(disk));
                if (r == 0) {
                        archive_read_disk_descend(disk);
                        r = place_entry(e, root, err);
                }
                /* a socket is only ever debris of a process that ran; tar cannot hold one */
                if (r == 0 && archive_entry_filetype(e) != AE_IFSOCK) {
                        archive_entry_linkify(links, &e, &unused);
                        if (!e) /* held back: never with tar, which keeps the order */
                                continue;
                        if (archive_write_header(a, e) < ARCHIVE_WARN)
                                r = jailor_error_set(
                                    err, EIO, "Cannot write '%s' into the image: %s",
                                    archive_entry_pathname(e), archive_error_string(a));
                        else if (archive_entry_size(e) > 0)
                                r = copy_file_data(disk, a, e, p, err);
                }
                archive_entry_free(e);
        }
        if (disk)
                archive_read_free(disk);
        archive_entry_linkresolver_free(links);
        return r;
}

/* Runs where the root is visible (in a child process for a dir clone). */
static int export_root(const char *root, const void *arg, uint64_t *ret, struct jailor_error *err)
{
        const struct export_job *job = arg;
        struct export_progress p = {.ctx = job->ctx};
        struct archive *a = archive_write_new();
        char threads[16];
        int r = 0;

        if (!a)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        /* names are bytes on Linux: stored as they are, never converted */
        if (archive_write_add_filter_zstd(a) != ARCHIVE_OK ||
            archive_write_set_format_pax(a) != ARCHIVE_OK ||
            archive_write_set_format_option(a, "pax", "hdrcharset", "BINARY") != ARCHIVE_OK) {
                r = jailor_error_set(err, EIO, "Cannot make a zstd-compressed tar archive: %s",
                                     archive_error_string(a));
                archive_write_free(a);
                return r;
        }
        /* more threads only make it faster; a libzstd without them is fine */
        snprintf(threads, sizeof(threads), "%ld", sysconf(_SC_NPROCESSORS_ONLN));
        archive_write_set_filter_option(a, "zstd", "threads", threads);
        if (job->ctx->progress)
                r = count_tree(root, &p.total, err);
        if (r == 0 && archive_write_open_fd(a, job->fd) != ARCHIVE_OK)
                r = jailor_error_set(err, EIO, "Cannot write the image of '%s': %s", job->name,
                                     archive_error_string(a));
        if (r == 0)
                r = write_member(a, "config.json", job->config, strlen(job->config), err);
        if (r == 0)
                r = write_member(a, "fstab", job->fstab, job->fstab_len, err);
        if (r == 0)
                r = write_tree(a, root, &p, err);
        if (r == 0 && archive_write_close(a) != ARCHIVE_OK)
                r = jailor_error_set(err, EIO, "Cannot finish the image of '%s': %s", job->name,
                                     archive_error_string(a));
        archive_write_free(a);
        return r;
}

/* ---- the image file ---- */

/* The SHA-256 of the written image, with progress: images can be large. */
static int checksum_image(const struct jailor_ctx *ctx, const char *path, char hex[65],
                          struct jailor_error *err)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        _cleanup_free_ char *buf = malloc(1 << 20);
        struct sha256 *h = NULL;
        uint64_t done = 0;
        struct stat st;
        ssize_t n;

        if (fd < 0 || fstat(fd, &st) < 0)
                return jailor_error_errno(err, errno, "Cannot read '%s'", path);
        if (!buf || !(h = sha256_new()))
                return jailor_error_set(err, ENOMEM, "Out of memory");
        while ((n = read(fd, buf, 1 << 20)) > 0) {
                sha256_update(h, buf, (size_t)n);
                done += (uint64_t)n;
                if (ctx->progress)
                        ctx->progress(ctx->progress_data, "Checksumming", done,
                                      (uint64_t)st.st_size);
        }
        sha256_finish(h, hex);
        if (n < 0)
                return jailor_error_errno(err, errno, "Cannot read '%s'", path);
        return 0;
}

/*
 * What killed exports of this jail left: IMAGE.part files, and checksum
 * files whose image never came.  The jail's lock keeps its other exports
 * away meanwhile.
 */
static void remove_debris(const char *images, const char *name)
{
        _cleanup_closedir_ DIR *d = opendir(images);
        size_t n = strlen(name);
        struct dirent *de;

        while (d && (de = readdir(d))) {
                const char *f = de->d_name;
                _cleanup_free_ char *path = path_join(images, f), *image = NULL;

                if (!path || strncmp(f, name, n) != 0)
                        continue;
                if (image_name_length(f, IMAGE_SUFFIX IMAGE_PART_SUFFIX) == n) {
                        unlink(path);
                } else if (image_name_length(f, IMAGE_SUFFIX IMAGE_SHA256_SUFFIX) == n) {
                        image = strndup(path, strlen(path) - strlen(IMAGE_SHA256_SUFFIX));
                        if (image && !path_exists(image))
                                unlink(path);
                }
        }
}

/* images/NAME_<UTC time>.tar.zst; a second export within the same second waits for the next. */
static int image_path(const char *images, const char *name, char **ret, struct jailor_error *err)
{
        for (int tries = 0; tries < 3; tries++) {
                struct timespec now;
                char stamp[32];
                struct tm tm;
                char *path;

                clock_gettime(CLOCK_REALTIME, &now);
                gmtime_r(&now.tv_sec, &tm);
                strftime(stamp, sizeof(stamp), "%Y-%m-%d_%H%M%S", &tm);
                path = strjoin(images, "/", name, "_", stamp, IMAGE_SUFFIX, NULL);
                if (!path)
                        return jailor_error_set(err, ENOMEM, "Out of memory");
                if (!path_exists(path)) {
                        *ret = path;
                        return 0;
                }
                free(path);
                nanosleep(&(struct timespec){.tv_nsec = 1000000000L - now.tv_nsec}, NULL);
        }
        return jailor_error_set(err, EEXIST, "Cannot name an image of '%s': every name is taken",
                                name);
}

/* "<hex>  <file>\n", as sha256sum writes it, so `sha256sum -c` checks the image. */
static int write_checksum(const char *image, const char *hex, struct jailor_error *err)
{
        _cleanup_free_ char *path = strjoin(image, IMAGE_SHA256_SUFFIX, NULL);
        _cleanup_free_ char *line = NULL;
        const char *file = strrchr(image, '/') + 1;

        if (!path || asprintf(&line, "%s  %s\n", hex, file) < 0)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        return write_file_atomic(path, line, strlen(line), 0644, err);
}

/* config.json as the image carries it: with the jail's name, for import. */
static char *image_config(const struct jail *j)
{
        json_t *c = json_deep_copy(j->config);
        char *text = NULL, *line = NULL;

        if (c && json_object_set_new(c, "host_hostuuid", json_string(j->name)) == 0)
                text = json_dumps(c, JSON_INDENT(4) | JSON_SORT_KEYS);
        json_decref(c);
        if (text)
                line = strjoin(text, "\n", NULL);
        free(text);
        return line;
}

static int read_fstab(struct storage *s, const struct jail *j, char **ret, size_t *ret_len,
                      struct jailor_error *err)
{
        _cleanup_free_ char *path = jail_file(s, j, "fstab");
        struct jailor_error rerr = {0};
        int r;

        if (!path)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = read_file(path, ret, ret_len, &rerr);
        if (r == -ENOENT) {
                *ret_len = 0;
                *ret = strdup("");
                return *ret ? 0 : jailor_error_set(err, ENOMEM, "Out of memory");
        }
        if (r < 0 && err)
                *err = rerr;
        return r;
}

int jail_export(const struct jailor_ctx *ctx, struct storage *s, const char *name, char **ret_path,
                struct jailor_error *err)
{
        _cleanup_(jail_freep) struct jail *j = NULL;
        _cleanup_free_ char *images = NULL, *image = NULL, *part = NULL, *config = NULL;
        _cleanup_free_ char *fstab = NULL;
        _cleanup_close_ int lock = -EBADF, fd = -EBADF;
        char hex[SHA256_HEX_LEN + 1];
        struct export_job job;
        size_t fstab_len = 0;
        int r;

        r = parse_name("jail", name, err);
        if (r == 0)
                r = jail_open(ctx, s, name, &j, err);
        if (r < 0)
                return r;
        if (j->corrupt)
                return jailor_error_set(err, EINVAL, "Cannot export '%s': %s", name,
                                        j->corrupt_reason);
        r = jail_lock(ctx, name, &lock, err);
        if (r < 0)
                return r;
        r = jail_check_stopped(ctx, name, "exporting it", err);
        if (r < 0)
                return r;
        images = storage_path(s, "images");
        config = image_config(j);
        if (!images || !config)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = read_fstab(s, j, &fstab, &fstab_len, err);
        if (r < 0)
                return r;
        remove_debris(images, name);
        r = image_path(images, name, &image, err);
        if (r < 0)
                return r;
        part = strjoin(image, IMAGE_PART_SUFFIX, NULL);
        if (!part)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        /* the image holds the jail's secrets (/etc/shadow): root's alone */
        fd = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
                return jailor_error_errno(err, errno, "Cannot create '%s'", part);
        job = (struct export_job){.ctx = ctx,
                                  .name = name,
                                  .fd = fd,
                                  .config = config,
                                  .fstab = fstab,
                                  .fstab_len = fstab_len};
        r = jail_root_visit(s, j->root_ds, export_root, &job, NULL, err);
        if (r == 0 && fsync(fd) < 0)
                r = jailor_error_errno(err, errno, "Cannot write '%s'", part);
        if (r == 0)
                r = checksum_image(ctx, part, hex, err);
        if (r == 0)
                r = write_checksum(image, hex, err);
        /* the commit point */
        if (r == 0 && rename(part, image) < 0)
                r = jailor_error_errno(err, errno, "Cannot rename '%s' to '%s'", part, image);
        if (r == 0 && (r = fsync_parent_dir(image)) < 0)
                r = jailor_error_errno(err, -r, "Cannot sync '%s'", images);
        if (r < 0) {
                _cleanup_free_ char *sum = strjoin(image, IMAGE_SHA256_SUFFIX, NULL);

                unlink(part);
                if (sum && !path_exists(image))
                        unlink(sum);
                return r;
        }
        *ret_path = TAKE_PTR(image);
        return 0;
}
