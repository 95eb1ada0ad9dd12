/* SPDX-License-Identifier: MIT */
#include "fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"

int fsync_parent_dir(const char *path)
{
        _cleanup_free_ char *copy = strdup(path);
        _cleanup_close_ int fd = -EBADF;
        char *slash;

        if (!copy)
                return -ENOMEM;
        slash = strrchr(copy, '/');
        if (!slash)
                strcpy(copy, ".");
        else if (slash == copy)
                slash[1] = '\0';
        else
                *slash = '\0';
        fd = open(copy, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (fsync(fd) < 0)
                return -errno;
        return 0;
}

static int write_all(int fd, const void *data, size_t len)
{
        const char *p = data;

        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
                      struct jailor_error *err)
{
        _cleanup_free_ char *tmp = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (asprintf(&tmp, "%s.tmp.%d", path, (int)getpid()) < 0)
                return jailor_error_set(err, ENOMEM, "Out of memory");

        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
        if (fd < 0)
                return jailor_error_errno(err, errno, "Cannot create '%s'", tmp);
        r = write_all(fd, data, len);
        if (r == 0 && fchmod(fd, mode) < 0)
                r = -errno;
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (r < 0) {
                unlink(tmp);
                return jailor_error_errno(err, -r, "Cannot write '%s'", tmp);
        }
        if (rename(tmp, path) < 0) {
                r = -errno;
                unlink(tmp);
                return jailor_error_errno(err, -r, "Cannot rename '%s' to '%s'", tmp, path);
        }
        r = fsync_parent_dir(path);
        if (r < 0)
                return jailor_error_errno(err, -r, "Cannot sync the directory of '%s'", path);
        return 0;
}

/* Reads fd to its end into a NUL-terminated buffer; path only names it in errors. */
static int read_fd(int fd, const char *path, char **ret, size_t *ret_len, struct jailor_error *err)
{
        _cleanup_free_ char *buf = NULL;
        size_t len = 0, cap = 4096;

        buf = malloc(cap);
        if (!buf)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        for (;;) {
                ssize_t n;

                if (len + 1 >= cap) {
                        char *bigger = realloc(buf, cap * 2);
                        if (!bigger)
                                return jailor_error_set(err, ENOMEM, "Out of memory");
                        buf = bigger;
                        cap *= 2;
                }
                n = read(fd, buf + len, cap - len - 1);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return jailor_error_errno(err, errno, "Cannot read '%s'", path);
                }
                if (n == 0)
                        break;
                len += (size_t)n;
        }
        buf[len] = '\0';
        if (ret_len)
                *ret_len = len;
        *ret = TAKE_PTR(buf);
        return 0;
}

int read_file(const char *path, char **ret, size_t *ret_len, struct jailor_error *err)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);

        if (fd < 0)
                return jailor_error_errno(err, errno, "Cannot open '%s'", path);
        return read_fd(fd, path, ret, ret_len, err);
}

int mkdir_p(const char *path, mode_t mode, struct jailor_error *err)
{
        _cleanup_free_ char *copy = strdup(path);

        if (!copy)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        for (char *p = copy + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = '\0';
                if (mkdir(copy, mode) < 0 && errno != EEXIST)
                        return jailor_error_errno(err, errno, "Cannot create directory '%s'", copy);
                *p = '/';
        }
        if (mkdir(copy, mode) < 0 && errno != EEXIST)
                return jailor_error_errno(err, errno, "Cannot create directory '%s'", copy);
        if (!dir_exists(copy))
                return jailor_error_set(err, ENOTDIR, "'%s' exists and is not a directory", copy);
        return 0;
}

int remove_dir_entries(int dfd, const char *name,
                       int (*remove_entry)(int dfd, const char *name, void *data), void *data)
{
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int fd, r = 0;

        fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        d = fdopendir(fd);
        if (!d) {
                close(fd);
                return -errno;
        }
        while ((de = readdir(d))) {
                int q;

                if (STREQ(de->d_name, ".") || STREQ(de->d_name, ".."))
                        continue;
                q = remove_entry(dirfd(d), de->d_name, data);
                if (q < 0 && r == 0)
                        r = q;
        }
        return r;
}

/* dev: the device of the tree's top; an entry on another one is a mount point */
static int rm_rf_at(int parent_fd, const char *name, void *dev)
{
        struct stat st;
        int r;

        if (fstatat(parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (S_ISDIR(st.st_mode)) {
                if (st.st_dev != *(dev_t *)dev)
                        return -EXDEV; /* a mount point: never delete into it */
                r = remove_dir_entries(parent_fd, name, rm_rf_at, dev);
                if (r < 0)
                        return r;
                if (unlinkat(parent_fd, name, AT_REMOVEDIR) < 0)
                        return -errno;
                return 0;
        }
        if (unlinkat(parent_fd, name, 0) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

int rm_rf(const char *path, struct jailor_error *err)
{
        struct stat st;
        int r;

        if (lstat(path, &st) < 0) {
                if (errno == ENOENT)
                        return 0;
                return jailor_error_errno(err, errno, "Cannot remove '%s'", path);
        }
        r = rm_rf_at(AT_FDCWD, path, &st.st_dev);
        if (r < 0)
                return jailor_error_errno(err, -r, "Cannot remove '%s'", path);
        return 0;
}

char *strjoin(const char *first, ...)
{
        va_list ap;
        size_t len = 0;
        char *out, *p;

        va_start(ap, first);
        for (const char *s = first; s; s = va_arg(ap, const char *))
                len += strlen(s);
        va_end(ap);
        out = malloc(len + 1);
        if (!out)
                return NULL;
        p = out;
        va_start(ap, first);
        for (const char *s = first; s; s = va_arg(ap, const char *))
                p = stpcpy(p, s);
        va_end(ap);
        return out;
}

char *path_join(const char *a, const char *b)
{
        size_t la = strlen(a);

        while (la > 1 && a[la - 1] == '/')
                la--;
        while (*b == '/')
                b++;
        char *out = malloc(la + 1 + strlen(b) + 1);
        if (!out)
                return NULL;
        memcpy(out, a, la);
        if (*b && la == 1 && a[0] == '/')
                la = 0; /* "/" + "x" is "/x", not "//x" */
        if (*b) {
                out[la] = '/';
                strcpy(out + la + 1, b);
        } else {
                out[la] = '\0';
        }
        return out;
}

bool path_exists(const char *path)
{
        return access(path, F_OK) == 0;
}

bool dir_exists(const char *path)
{
        struct stat st;

        return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int open_in_root(const char *root, const char *path, int flags, mode_t mode)
{
        struct open_how how = {
                .flags = (uint64_t)(flags | O_CLOEXEC),
                .mode = (flags & O_CREAT) ? mode : 0,
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        _cleanup_close_ int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        long fd;

        if (rootfd < 0)
                return -errno;
        /*
         * EAGAIN: a rename or mount anywhere on the host raced with a ".."
         * of the path (the kernel cannot then prove it stayed inside the
         * root).  It is only a busy host; trying again is what openat2(2)
         * asks for.
         */
        for (int attempt = 0; attempt < 100; attempt++) {
                fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
                if (fd >= 0 || errno != EAGAIN)
                        break;
        }
        return fd < 0 ? -errno : (int)fd;
}

int read_file_in_root(const char *root, const char *path, char **ret, struct jailor_error *err)
{
        _cleanup_close_ int fd = open_in_root(root, path, O_RDONLY, 0);

        if (fd < 0)
                return jailor_error_errno(err, -fd, "Cannot open '%s' in '%s'", path, root);
        return read_fd(fd, path, ret, NULL, err);
}

int write_file_atomic_in_root(const char *root, const char *path, const char *data, size_t len,
                              mode_t mode, struct jailor_error *err)
{
        _cleanup_free_ char *dir = strdup(path), *tmp = NULL;
        _cleanup_close_ int dirfd = -EBADF, fd = -EBADF;
        const char *name;
        char *slash;
        int r;

        if (!dir)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        slash = strrchr(dir, '/');
        name = slash ? path + (slash - dir) + 1 : path;
        if (!*name || STREQ(name, ".") || STREQ(name, ".."))
                return jailor_error_set(err, EINVAL, "'%s' does not name a file", path);
        if (!slash)
                strcpy(dir, ".");
        else
                slash[slash == dir ? 1 : 0] = '\0'; /* "/etc/x" -> "/etc", "/x" -> "/" */
        /* the directory is resolved inside root; what is in it is only ever named, never followed */
        dirfd = open_in_root(root, dir, O_RDONLY | O_DIRECTORY, 0);
        if (dirfd < 0)
                return jailor_error_errno(err, -dirfd, "Cannot open '%s' in '%s'", dir, root);
        if (asprintf(&tmp, ".%s.jailor-%d", name, (int)getpid()) < 0)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        unlinkat(dirfd, tmp, 0); /* debris of a killed writer with our PID */
        fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (fd < 0)
                return jailor_error_errno(err, errno, "Cannot create '%s' in '%s'", path, root);
        r = write_all(fd, data, len);
        if (r == 0 && fchmod(fd, mode) < 0)
                r = -errno;
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        /* rename replaces a symbolic link at path by the file; it never writes through it */
        if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
                r = -errno;
        if (r < 0) {
                unlinkat(dirfd, tmp, 0);
                return jailor_error_errno(err, -r, "Cannot write '%s' in '%s'", path, root);
        }
        if (fsync(dirfd) < 0)
                return jailor_error_errno(err, errno, "Cannot sync the directory of '%s' in '%s'",
                                          path, root);
        return 0;
}
