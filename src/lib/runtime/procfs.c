/* SPDX-License-Identifier: MIT */
/* Read-only and masked entries of the jail's /proc; the list and the reasons are in procfs.h. */
#include "procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../util/cleanup.h"
#include "confine.h"

static const char *const read_only[] = {"sys", "sysrq-trigger", "irq", "bus", "fs"};

static const char *const masked[] = {
    "kcore",       "kpagecount",  "kpageflags",    "kpagecgroup", "keys", "kmsg",   "timer_list",
    "timer_stats", "sched_debug", "latency_stats", "acpi",        "scsi", "asound",
};

#define RO_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)

/* A path through which mount(2) reaches exactly what fd is. */
static const char *fd_path(int fd, char buf[32])
{
        snprintf(buf, 32, "/proc/self/fd/%d", fd);
        return buf;
}

static bool on_procfs(int fd)
{
        struct statfs sfs;

        return fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

/*
 * Opens the entry name of the jail's /proc, never following a link (a
 * mount must land on the entry itself).  0 with *ret = -1 when this kernel
 * has no such entry.
 */
static int open_entry(int procfd, const char *name, int *ret, struct jailor_error *err)
{
        int fd = openat(procfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);

        *ret = -1;
        if (fd < 0 && errno == ENOENT)
                return 0;
        if (fd < 0)
                return jailor_error_errno(err, errno, "Cannot open /proc/%s of the jail", name);
        *ret = fd;
        return 0;
}

/*
 * Binds name over itself (with what is mounted below it), then, for
 * read-only, remounts that bind read-only.  The remount goes through a
 * fresh open, which lands on the new bind: the first fd still names the
 * entry in the proc mount itself.
 */
static int bind_over_itself(int procfd, const char *name, bool read_only_bind,
                            struct jailor_error *err)
{
        _cleanup_close_ int fd = -EBADF, top = -EBADF;
        char path[32];
        int r;

        r = open_entry(procfd, name, &fd, err);
        if (r < 0 || fd < 0)
                return r;
        if (!on_procfs(fd))
                return jailor_error_set(err, EINVAL, "/proc/%s of the jail is not on procfs", name);
        if (mount(fd_path(fd, path), path, NULL, MS_BIND | MS_REC, NULL) < 0)
                return jailor_error_errno(err, errno, "Cannot bind /proc/%s over itself", name);
        if (!read_only_bind)
                return 0;
        r = open_entry(procfd, name, &top, err);
        if (r < 0)
                return r;
        if (top < 0 ||
            mount(NULL, fd_path(top, path), NULL, MS_BIND | MS_REMOUNT | RO_FLAGS, NULL) < 0)
                return jailor_error_errno(err, top < 0 ? ENOENT : errno,
                                          "Cannot make /proc/%s read-only", name);
        return 0;
}

/* An empty read-only tmpfs over a directory, /dev/null over anything else. */
static int mask(int procfd, int nullfd, const char *name, struct jailor_error *err)
{
        _cleanup_close_ int fd = -EBADF;
        char path[32], null_path[32];
        struct stat st;
        int r;

        r = open_entry(procfd, name, &fd, err);
        if (r < 0 || fd < 0)
                return r;
        if (fstat(fd, &st) < 0)
                return jailor_error_errno(err, errno, "Cannot inspect /proc/%s", name);
        if (S_ISDIR(st.st_mode))
                r = mount("tmpfs", fd_path(fd, path), "tmpfs", RO_FLAGS, "mode=0555,size=4k");
        else
                r = mount(fd_path(nullfd, null_path), fd_path(fd, path), NULL, MS_BIND, NULL);
        if (r < 0)
                return jailor_error_errno(err, errno, "Cannot mask /proc/%s", name);
        return 0;
}

/* The /dev/null to bind over masked files: it must be the real one (1:3). */
static int open_null(int *ret, struct jailor_error *err)
{
        _cleanup_close_ int fd = open("/dev/null", O_PATH | O_CLOEXEC);
        struct stat st;

        if (fd < 0)
                return jailor_error_errno(err, errno, "Cannot open /dev/null to mask /proc");
        if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
                return jailor_error_set(
                    err, EINVAL, "/dev/null is not the null device (1:3); cannot mask /proc");
        *ret = TAKE_FD(fd);
        return 0;
}

/* Trust, but verify: root must not be able to write these any more. */
static int check_read_only(int procfd, const char *name, struct jailor_error *err)
{
        if (faccessat(procfd, name, W_OK, AT_EACCESS) == 0)
                return jailor_error_set(err, EPERM, "/proc/%s is still writable after masking",
                                        name);
        if (errno != EROFS && errno != ENOENT)
                return jailor_error_errno(err, errno, "Cannot check /proc/%s", name);
        return 0;
}

int procfs_mask(const char *proc_path, const struct confinement *c, struct jailor_error *err)
{
        _cleanup_close_ int procfd = -EBADF, nullfd = -EBADF;
        int r;

        procfd = open(proc_path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (procfd < 0)
                return jailor_error_errno(err, errno, "Cannot open the jail's /proc '%s'",
                                          proc_path);
        if (!on_procfs(procfd))
                return jailor_error_set(err, EINVAL, "'%s' is not a proc file system", proc_path);
        r = open_null(&nullfd, err);
        if (r < 0)
                return r;
        /* first, so that the recursive bind of sys below carries it along, still writable */
        if (!c->host_network) {
                r = bind_over_itself(procfd, "sys/net", false, err);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < ELEMENTSOF(read_only); i++) {
                r = bind_over_itself(procfd, read_only[i], true, err);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < ELEMENTSOF(masked); i++) {
                r = mask(procfd, nullfd, masked[i], err);
                if (r < 0)
                        return r;
        }
        r = check_read_only(procfd, "sys/kernel/hostname", err);
        if (r == 0)
                r = check_read_only(procfd, "sysrq-trigger", err);
        return r;
}
