/* SPDX-License-Identifier: MIT */
/* Space accounting for the backends that cannot ask the file system: du and statvfs. */
#include "storage.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "../util/cleanup.h"
#include "../util/fs.h"

/* ---- space ---- */

struct du_state {
        uint64_t bytes;
        uint64_t mnt_id;
        void *seen; /* tsearch tree of hard-linked inodes already counted */
};

struct inode_key {
        dev_t dev;
        ino_t ino;
};

static int inode_cmp(const void *a, const void *b)
{
        const struct inode_key *x = a, *y = b;

        if (x->dev != y->dev)
                return x->dev < y->dev ? -1 : 1;
        if (x->ino != y->ino)
                return x->ino < y->ino ? -1 : 1;
        return 0;
}

/* true the first time an inode is seen */
static int inode_first(struct du_state *st, dev_t dev, ino_t ino)
{
        struct inode_key *k = malloc(sizeof(*k)), **found;

        if (!k)
                return -ENOMEM;
        *k = (struct inode_key){dev, ino};
        found = tsearch(k, &st->seen, inode_cmp);
        if (!found) {
                free(k);
                return -ENOMEM;
        }
        if (*found != k) {
                free(k);
                return 0;
        }
        return 1;
}

static int du_dir(int dfd, struct du_state *st)
{
        _cleanup_closedir_ DIR *d = fdopendir(dfd);
        struct dirent *de;

        if (!d) {
                close(dfd);
                return -errno;
        }
        while ((de = readdir(d))) {
                struct statx sx;
                int fd, r;

                if (STREQ(de->d_name, ".") || STREQ(de->d_name, ".."))
                        continue;
                if (statx(dirfd(d), de->d_name, AT_SYMLINK_NOFOLLOW | AT_STATX_DONT_SYNC,
                          STATX_TYPE | STATX_INO | STATX_NLINK | STATX_BLOCKS | STATX_MNT_ID,
                          &sx) < 0) {
                        if (errno == ENOENT)
                                continue;
                        return -errno;
                }
                if ((sx.stx_mask & STATX_MNT_ID) && sx.stx_mnt_id != st->mnt_id)
                        continue; /* another mount: not ours to count */
                if (!S_ISDIR(sx.stx_mode) && sx.stx_nlink > 1) {
                        r = inode_first(st, makedev(sx.stx_dev_major, sx.stx_dev_minor),
                                        sx.stx_ino);
                        if (r < 0)
                                return r;
                        if (r == 0)
                                continue;
                }
                st->bytes += sx.stx_blocks * 512;
                if (!S_ISDIR(sx.stx_mode))
                        continue;
                fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0) {
                        if (errno == ENOENT)
                                continue;
                        return -errno;
                }
                r = du_dir(fd, st);
                if (r < 0)
                        return r;
        }
        return 0;
}

int storage_du(const char *path, uint64_t *ret, struct jailor_error *err)
{
        struct du_state st = {0};
        struct statx sx;
        int fd, r;

        if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BLOCKS | STATX_MNT_ID | STATX_TYPE,
                  &sx) < 0)
                return jailor_error_errno(err, errno, "Cannot measure '%s'", path);
        st.mnt_id = sx.stx_mnt_id;
        st.bytes = sx.stx_blocks * 512;
        if (!S_ISDIR(sx.stx_mode)) {
                *ret = st.bytes;
                return 0;
        }
        fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return jailor_error_errno(err, errno, "Cannot measure '%s'", path);
        r = du_dir(fd, &st);
        tdestroy(st.seen, free);
        if (r < 0)
                return jailor_error_errno(err, -r, "Cannot measure '%s'", path);
        *ret = st.bytes;
        return 0;
}

int storage_fs_avail(const char *path, uint64_t *ret, struct jailor_error *err)
{
        struct statvfs sv;

        if (statvfs(path, &sv) < 0)
                return jailor_error_errno(err, errno, "Cannot query the file system of '%s'", path);
        *ret = (uint64_t)sv.f_bavail * sv.f_frsize;
        return 0;
}
