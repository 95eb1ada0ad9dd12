/* SPDX-License-Identifier: MIT */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs.h"

int lock_take(const struct jailor_ctx *ctx, const char *name, bool wait, int *ret_fd,
              struct jailor_error *err)
{
        _cleanup_free_ char *dir = NULL, *path = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (strchr(name, '/'))
                return jailor_error_set(err, EINVAL, "Lock name '%s' contains '/'", name);
        dir = path_join(ctx->run_dir, "locks");
        if (!dir || asprintf(&path, "%s/%s.lock", dir, name) < 0)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = mkdir_p(dir, 0700, err);
        if (r < 0)
                return r;
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return jailor_error_errno(err, errno, "Cannot open lock '%s'", path);
        while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
                if (errno == EINTR)
                        continue;
                if (errno == EWOULDBLOCK)
                        return jailor_error_set(err, EBUSY,
                                                "'%s' is busy: another jailor command holds its lock",
                                                name);
                return jailor_error_errno(err, errno, "Cannot lock '%s'", path);
        }
        *ret_fd = TAKE_FD(fd);
        return 0;
}
