/* SPDX-License-Identifier: MIT */
/* The jail's minimal /dev: the nodes, links and directories devices.h lists. */
#include "devices.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../util/cleanup.h"
#include "confine.h"

static const struct {
        const char *name;
        unsigned major, minor;
        unsigned device; /* enum confine_device that adds it; 0: every jail */
} nodes[] = {
    {"null", 1, 3, 0},
    {"zero", 1, 5, 0},
    {"full", 1, 7, 0},
    {"random", 1, 8, 0},
    {"urandom", 1, 9, 0},
    {"tty", 5, 0, 0},
    {"net/tun", 10, 200, CONFINE_DEV_TUN},
    {"kvm", 10, 232, CONFINE_DEV_KVM},
    {"fuse", 10, 229, CONFINE_DEV_FUSE},
};

static const struct {
        const char *name;
        const char *target;
} links[] = {
    {"ptmx", "pts/ptmx"},          {"fd", "/proc/self/fd"},       {"stdin", "/proc/self/fd/0"},
    {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"},
};

static const struct {
        const char *name;
        mode_t mode;
        unsigned device; /* as for nodes */
} dirs[] = {
    {"pts", 0755, 0},
    {"shm", 01777, 0},
    {"net", 0755, CONFINE_DEV_TUN},
};

static bool wanted(unsigned device, const struct confinement *c)
{
        return device == 0 || (c->devices & device);
}

static int make_dir(int dirfd, const char *name, mode_t mode, struct jailor_error *err)
{
        if (mkdirat(dirfd, name, mode) < 0)
                return jailor_error_errno(err, errno, "Cannot create /dev/%s in the jail", name);
        /* the umask must not narrow shm's 1777 */
        if (fchmodat(dirfd, name, mode, 0) < 0)
                return jailor_error_errno(err, errno, "Cannot set the mode of /dev/%s", name);
        return 0;
}

static int make_node(int dirfd, const char *name, unsigned major, unsigned minor,
                     struct jailor_error *err)
{
        if (mknodat(dirfd, name, S_IFCHR | 0666, makedev(major, minor)) < 0)
                return jailor_error_errno(err, errno, "Cannot create /dev/%s (%u:%u) in the jail",
                                          name, major, minor);
        if (fchmodat(dirfd, name, 0666, 0) < 0)
                return jailor_error_errno(err, errno, "Cannot set the mode of /dev/%s", name);
        return 0;
}

/* The mount point for the console's pseudo-terminal. */
static int make_console(int dirfd, struct jailor_error *err)
{
        _cleanup_close_ int fd =
            openat(dirfd, "console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);

        if (fd < 0)
                return jailor_error_errno(err, errno, "Cannot create /dev/console in the jail");
        if (fchmod(fd, 0600) < 0)
                return jailor_error_errno(err, errno, "Cannot set the mode of /dev/console");
        return 0;
}

int devices_populate(int dev_dirfd, const struct confinement *c, struct jailor_error *err)
{
        struct statfs sfs;
        int r;

        if (fstatfs(dev_dirfd, &sfs) < 0)
                return jailor_error_errno(err, errno, "Cannot inspect the jail's /dev");
        if (sfs.f_type != TMPFS_MAGIC)
                return jailor_error_set(err, EINVAL,
                                        "The jail's /dev must be a fresh tmpfs (file system type "
                                        "%#lx), so that no device node lands on its disk",
                                        (unsigned long)sfs.f_type);
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                if (!wanted(dirs[i].device, c))
                        continue;
                r = make_dir(dev_dirfd, dirs[i].name, dirs[i].mode, err);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < ELEMENTSOF(nodes); i++) {
                if (!wanted(nodes[i].device, c))
                        continue;
                r = make_node(dev_dirfd, nodes[i].name, nodes[i].major, nodes[i].minor, err);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < ELEMENTSOF(links); i++)
                if (symlinkat(links[i].target, dev_dirfd, links[i].name) < 0)
                        return jailor_error_errno(err, errno, "Cannot create /dev/%s in the jail",
                                                  links[i].name);
        return make_console(dev_dirfd, err);
}
