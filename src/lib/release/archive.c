/* SPDX-License-Identifier: MIT */
#include "archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../util/cleanup.h"
#include "../util/fs.h"

const char *archive_path_unsafe(const char *path)
{
        const char *p = path;

        if (*path == '/')
                return "absolute path";
        while (*p) {
                size_t n = strcspn(p, "/");

                if (n == 2 && p[0] == '.' && p[1] == '.')
                        return "'..' component";
                p += n;
                while (*p == '/')
                        p++;
        }
        return NULL;
}

/*
 * Walks target from the directory holding path, tracking the depth below
 * the root; a relative link that climbs above the root escapes it.
 */
const char *archive_symlink_unsafe(const char *path, const char *target)
{
        int depth = 0;
        const char *p;

        if (*target == '/')
                return NULL;
        /* the depth of the link's directory */
        for (p = path; *p;) {
                size_t n = strcspn(p, "/");

                if (p[n] == '\0')
                        break; /* the last component is the link itself */
                if (!(n == 1 && p[0] == '.') && n > 0)
                        depth++;
                p += n;
                while (*p == '/')
                        p++;
        }
        for (p = target; *p;) {
                size_t n = strcspn(p, "/");

                if (n == 2 && p[0] == '.' && p[1] == '.') {
                        if (--depth < 0)
                                return "symbolic link pointing out of the release";
                } else if (n > 0 && !(n == 1 && p[0] == '.')) {
                        depth++;
                }
                p += n;
                while (*p == '/')
                        p++;
        }
        return NULL;
}

/* "./etc/passwd" and "etc/passwd" name the same entry. */
static const char *strip_dot_slash(const char *path)
{
        while (path[0] == '.' && path[1] == '/')
                for (path += 2; *path == '/'; path++)
                        ;
        return path;
}

static int check_entry(const char *label, struct archive_entry *e, struct jailor_error *err)
{
        const char *name = archive_entry_pathname(e), *rule;
        const char *hardlink = archive_entry_hardlink(e);
        const char *symlink = archive_entry_symlink(e);

        if (!name)
                return jailor_error_set(err, EINVAL, "Archive '%s' has an entry without a name",
                                        label);
        rule = archive_path_unsafe(name);
        if (!rule && hardlink)
                rule = archive_path_unsafe(hardlink);
        if (!rule && symlink)
                rule = archive_symlink_unsafe(strip_dot_slash(name), symlink);
        if (rule)
                return jailor_error_set(err, EPERM, "Archive '%s' is refused: entry '%s'%s%s: %s",
                                        label, name, symlink ? " -> " : "",
                                        symlink ? symlink : "", rule);
        return 0;
}

/* Rewrites the entry's path (and hard link target) to live under dest. */
static int place_entry(struct archive_entry *e, const char *dest, struct jailor_error *err)
{
        const char *name = strip_dot_slash(archive_entry_pathname(e));
        const char *hardlink = archive_entry_hardlink(e);
        _cleanup_free_ char *full = path_join(dest, name), *full_link = NULL;

        if (!full)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        archive_entry_copy_pathname(e, full);
        if (hardlink) {
                full_link = path_join(dest, strip_dot_slash(hardlink));
                if (!full_link)
                        return jailor_error_set(err, ENOMEM, "Out of memory");
                archive_entry_copy_hardlink(e, full_link);
        }
        return 0;
}

static int copy_data(struct archive *in, struct archive *out)
{
        const void *buf;
        size_t size;
        la_int64_t offset;
        int r;

        for (;;) {
                r = archive_read_data_block(in, &buf, &size, &offset);
                if (r == ARCHIVE_EOF)
                        return ARCHIVE_OK;
                if (r < ARCHIVE_WARN)
                        return r;
                r = (int)archive_write_data_block(out, buf, size, offset);
                if (r < ARCHIVE_WARN)
                        return r;
        }
}

static void report_progress(const struct jailor_ctx *ctx, struct archive *in, uint64_t total)
{
        if (ctx->progress)
                ctx->progress(ctx->progress_data, "Unpacking", (uint64_t)archive_filter_bytes(in, -1),
                              total);
}

int archive_extract(const struct jailor_ctx *ctx, const char *archive_path, const char *label,
                    const char *dest, struct jailor_error *err)
{
        const int flags = ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
                          ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_ACL | ARCHIVE_EXTRACT_FFLAGS |
                          ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                          ARCHIVE_EXTRACT_UNLINK | ARCHIVE_EXTRACT_SPARSE;
        char real_dest[PATH_MAX];
        struct archive *in = NULL, *out = NULL;
        struct archive_entry *e;
        struct stat st;
        int r = 0, ar;

        if (stat(archive_path, &st) < 0)
                return jailor_error_errno(err, errno, "Cannot read archive '%s'", label);
        /* SECURE_SYMLINKS checks every component, so dest itself must have none */
        if (!realpath(dest, real_dest))
                return jailor_error_errno(err, errno, "Cannot resolve '%s'", dest);
        in = archive_read_new();
        out = archive_write_disk_new();
        if (!in || !out) {
                r = jailor_error_set(err, ENOMEM, "Out of memory");
                goto done;
        }
        archive_read_support_filter_all(in);
        archive_read_support_format_tar(in);
        archive_read_support_format_cpio(in);
        archive_write_disk_set_options(out, flags);
        archive_write_disk_set_standard_lookup(out);
        if (archive_read_open_filename(in, archive_path, 1 << 16) != ARCHIVE_OK) {
                r = jailor_error_set(err, EINVAL, "Cannot open archive '%s': %s", label,
                                     archive_error_string(in));
                goto done;
        }
        while ((ar = archive_read_next_header(in, &e)) != ARCHIVE_EOF) {
                if (ar < ARCHIVE_WARN) {
                        r = jailor_error_set(err, EINVAL, "Archive '%s' is damaged: %s",
                                             label, archive_error_string(in));
                        goto done;
                }
                r = check_entry(label, e, err);
                if (r < 0)
                        goto done;
                r = place_entry(e, real_dest, err);
                if (r < 0)
                        goto done;
                ar = archive_write_header(out, e);
                if (ar >= ARCHIVE_WARN && archive_entry_size(e) > 0)
                        ar = copy_data(in, out);
                if (ar < ARCHIVE_WARN) {
                        /* a read error means a damaged archive, a write error a disk problem */
                        const char *why = archive_errno(in) || archive_error_string(in)
                                                  ? archive_error_string(in)
                                                  : archive_error_string(out);
                        r = jailor_error_set(err, EIO, "Cannot unpack '%s' from '%s': %s",
                                             archive_entry_pathname(e), label,
                                             why ? why : "unknown error");
                        goto done;
                }
                report_progress(ctx, in, (uint64_t)st.st_size);
        }
        if (archive_write_close(out) != ARCHIVE_OK)
                r = jailor_error_set(err, EIO, "Cannot finish unpacking '%s': %s", label,
                                     archive_error_string(out));
done:
        if (in)
                archive_read_free(in);
        if (out)
                archive_write_free(out);
        return r;
}
