/* SPDX-License-Identifier: MIT */
#include "sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../util/cleanup.h"

/*
 * /proc/sys/KEY with the key's separators made '/'.  A key that is not
 * under net, or has an empty, "." or ".." component, is refused: it could
 * name another sysctl than the one meant.
 */
static int sysctl_path(const char *key, char path[static PATH_MAX], struct jailor_error *err)
{
        char sep = strchr(key, '/') ? '/' : '.';
        const char *p = key;
        size_t n = strlen("/proc/sys/");

        if (strncmp(key, "net", 3) != 0 || key[3] != sep)
                return jailor_error_set(err, EINVAL,
                                        "Invalid sysctl '%s': jailor sets only network sysctls, "
                                        "net.*",
                                        key);
        memcpy(path, "/proc/sys/", n);
        for (;;) {
                size_t len = strcspn(p, sep == '.' ? "." : "/");

                if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && strncmp(p, "..", 2) == 0))
                        return jailor_error_set(err, EINVAL,
                                                "Invalid sysctl '%s': empty, '.' or '..' "
                                                "component",
                                                key);
                if (n + len + 1 >= PATH_MAX)
                        return jailor_error_set(err, ENAMETOOLONG, "Invalid sysctl '%s': too long",
                                                key);
                memcpy(path + n, p, len);
                n += len;
                p += len;
                if (!*p)
                        break;
                path[n++] = '/';
                p++;
        }
        path[n] = '\0';
        return 0;
}

/* The sysctl file of key opened with flags: an fd, or -errno. */
static int sysctl_open(const char *key, int flags, struct jailor_error *err)
{
        char path[PATH_MAX];
        int k, fd;

        k = sysctl_path(key, path, err);
        if (k < 0)
                return k;
        fd = open(path, flags | O_CLOEXEC | O_NOCTTY);
        if (fd < 0 && errno == ENOENT)
                return jailor_error_set(err, ENOENT, "No sysctl '%s' in this namespace", key);
        if (fd < 0)
                return jailor_error_errno(err, errno, "Cannot open sysctl '%s'", key);
        return fd;
}

int sysctl_net_write(const char *key, const char *value, struct jailor_error *err)
{
        _cleanup_close_ int fd = sysctl_open(key, O_WRONLY, err);
        size_t len = strlen(value);
        ssize_t n;

        if (fd < 0)
                return fd;
        /* one write: the kernel parses a sysctl from a single write, not a stream */
        n = write(fd, value, len);
        if (n < 0)
                return jailor_error_errno(err, errno, "Cannot set sysctl '%s' to '%s'", key, value);
        if ((size_t)n != len)
                return jailor_error_set(err, EIO, "Cannot set sysctl '%s' to '%s': short write",
                                        key, value);
        return 0;
}

int sysctl_net_read(const char *key, char *buf, size_t size, struct jailor_error *err)
{
        _cleanup_close_ int fd = -EBADF;
        ssize_t n;

        if (size == 0)
                return jailor_error_set(err, EINVAL, "No room to read sysctl '%s'", key);
        fd = sysctl_open(key, O_RDONLY, err);
        if (fd < 0)
                return fd;
        n = read(fd, buf, size - 1);
        if (n < 0)
                return jailor_error_errno(err, errno, "Cannot read sysctl '%s'", key);
        while (n > 0 && buf[n - 1] == '\n')
                n--;
        buf[n] = '\0';
        return 0;
}
