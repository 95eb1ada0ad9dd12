/* SPDX-License-Identifier: MIT */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../util/cleanup.h"
#include "../util/fs.h"
#include "confine.h"
#include "devices.h"
#include "procfs.h"

void rootfs_plan_done(struct rootfs_plan *plan)
{
        free(plan->root);
        for (size_t i = 0; i < plan->n_binds; i++) {
                free(plan->binds[i].source);
                free(plan->binds[i].target);
        }
        free(plan->binds);
        *plan = (struct rootfs_plan){0};
}

int rootfs_plan_add_bind(struct rootfs_plan *plan, const char *source, const char *target,
                         bool readonly)
{
        struct rootfs_bind *b = realloc(plan->binds, (plan->n_binds + 1) * sizeof(*b));

        if (!b)
                return -ENOMEM;
        plan->binds = b;
        b[plan->n_binds] = (struct rootfs_bind){strdup(source), strdup(target), readonly};
        if (!b[plan->n_binds].source || !b[plan->n_binds].target)
                return -ENOMEM;
        plan->n_binds++;
        return 0;
}

/*
 * Makes the directory target (absolute, inside the jail) under root and
 * returns an O_PATH fd to it: each component is resolved inside root, so a
 * symbolic link in the jail cannot move a mount onto the host's tree.
 */
static int open_target_dir(const char *root, const char *target, bool is_dir,
                           struct jailor_error *err)
{
        _cleanup_free_ char *copy = strdup(target);
        char *save = NULL;
        int fd, next;

        if (!copy)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        fd = open_in_root(root, "/", O_PATH | O_DIRECTORY, 0);
        if (fd < 0)
                return jailor_error_errno(err, -fd, "Cannot open the jail's root '%s'", root);
        for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                bool last = save == NULL || *save == '\0';

                if (STREQ(c, ".") || STREQ(c, "..")) {
                        close(fd);
                        return jailor_error_set(err, EINVAL, "Mount target '%s' must not hold '%s'",
                                                target, c);
                }
                if (last && !is_dir) {
                        next = openat(fd, c, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
                        if (next >= 0) {
                                close(next);
                                next = openat(fd, c, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                        }
                } else {
                        if (mkdirat(fd, c, 0755) < 0 && errno != EEXIST) {
                                close(fd);
                                return jailor_error_errno(err, errno, "Cannot create '%s' in the jail",
                                                          target);
                        }
                        next = openat(fd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                }
                if (next < 0) {
                        int e = errno;
                        close(fd);
                        return jailor_error_errno(err, e, "Cannot use '%s' in the jail as a mount point",
                                                  target);
                }
                close(fd);
                fd = next;
        }
        return fd;
}

static int fd_path(int fd, char buf[64])
{
        snprintf(buf, 64, "/proc/self/fd/%d", fd);
        return 0;
}

/*
 * The bind mount now on target, made read-only.  The fd that placed it
 * names the directory underneath (a remount there is EINVAL): target is
 * looked up again, which lands on the new mount.
 */
static int remount_read_only(const char *root, const char *target, struct jailor_error *err)
{
        _cleanup_close_ int fd = open_in_root(root, target, O_PATH | O_NOFOLLOW, 0);
        char where[64];

        if (fd < 0)
                return jailor_error_errno(err, -fd, "Cannot open '%s' in the jail", target);
        fd_path(fd, where);
        if (mount(NULL, where, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV,
                  NULL) < 0)
                return jailor_error_errno(err, errno, "Cannot make '%s' read-only", target);
        return 0;
}

/* Bind source onto target inside root; read-only binds are remounted so. */
static int bind_into(const char *root, const char *source, const char *target, bool readonly,
                     struct jailor_error *err)
{
        struct stat st;
        char where[64];
        int fd, r = 0;

        if (stat(source, &st) < 0)
                return jailor_error_errno(err, errno, "Mount source '%s'", source);
        fd = open_target_dir(root, target, S_ISDIR(st.st_mode), err);
        if (fd < 0)
                return fd;
        fd_path(fd, where);
        if (mount(source, where, NULL, MS_BIND | MS_REC, NULL) < 0)
                r = jailor_error_errno(err, errno, "Cannot bind '%s' onto '%s'", source, target);
        close(fd);
        if (r == 0 && readonly)
                r = remount_read_only(root, target, err);
        return r;
}

/*
 * Device nodes open only in the jail's own /dev.  A node that came with
 * the root (archives keep them, and so does a copy of a host tree) or lies
 * in a bound host directory would otherwise open the host's disks: the
 * capabilities only keep the jail from making new ones (CAP_MKNOD).  So
 * every mount of the tree so far becomes nodev; /dev is mounted after.
 */
static int forbid_devices(const char *root, struct jailor_error *err)
{
        struct mount_attr attr = {.attr_set = MOUNT_ATTR_NODEV};
        struct statvfs sv;
        unsigned long keep = 0;

        if (mount_setattr(AT_FDCWD, root, AT_RECURSIVE, &attr, sizeof(attr)) == 0)
                return 0;
        if (errno != ENOSYS)
                return jailor_error_errno(err, errno, "Cannot forbid device nodes under '%s'",
                                          root);
        /* before Linux 5.12: the root's own mount, keeping its other flags */
        if (statvfs(root, &sv) < 0)
                return jailor_error_errno(err, errno, "Cannot read the flags of '%s'", root);
        keep |= sv.f_flag & ST_RDONLY ? MS_RDONLY : 0;
        keep |= sv.f_flag & ST_NOSUID ? MS_NOSUID : 0;
        keep |= sv.f_flag & ST_NOEXEC ? MS_NOEXEC : 0;
        keep |= sv.f_flag & ST_NOATIME ? MS_NOATIME : 0;
        keep |= sv.f_flag & ST_NODIRATIME ? MS_NODIRATIME : 0;
        keep |= sv.f_flag & ST_RELATIME ? MS_RELATIME : 0;
        if (mount(NULL, root, NULL, MS_BIND | MS_REMOUNT | MS_NODEV | keep, NULL) < 0)
                return jailor_error_errno(err, errno, "Cannot forbid device nodes under '%s'",
                                          root);
        return 0;
}

static int mount_at(const char *root, const char *target, const char *fstype, unsigned long flags,
                    const char *data, struct jailor_error *err)
{
        char where[64];
        int fd = open_target_dir(root, target, true, err), r = 0;

        if (fd < 0)
                return fd;
        fd_path(fd, where);
        if (mount(fstype, where, fstype, flags, data) < 0)
                r = jailor_error_errno(err, errno, "Cannot mount %s on '%s' in the jail", fstype,
                                       target);
        close(fd);
        return r;
}

static int prepare_dev(const struct rootfs_plan *plan, struct jailor_error *err)
{
        char opts[96];
        _cleanup_close_ int devfd = -EBADF;
        int r;

        r = mount_at(plan->root, "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=65536k",
                     err);
        if (r < 0)
                return r;
        devfd = open_in_root(plan->root, "/dev", O_PATH | O_DIRECTORY, 0);
        if (devfd < 0)
                return jailor_error_errno(err, -devfd, "Cannot open the jail's /dev");
        r = devices_populate(devfd, plan->confine, err);
        if (r < 0)
                return r;
        /* a devpts of its own: the jail's ptys are not the host's */
        if (plan->max_ptys)
                snprintf(opts, sizeof(opts), "newinstance,ptmxmode=0666,mode=620,gid=5,max=%u",
                         plan->max_ptys);
        else
                snprintf(opts, sizeof(opts), "newinstance,ptmxmode=0666,mode=620,gid=5");
        r = mount_at(plan->root, "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, opts, err);
        if (r < 0)
                return r;
        r = mount_at(plan->root, "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", err);
        if (r < 0)
                return r;
        if (plan->console)
                return bind_into(plan->root, plan->console, "/dev/console", false, err);
        return 0;
}

int rootfs_prepare(const struct rootfs_plan *plan, struct jailor_error *err)
{
        int r;

        /* pivot_root needs the new root to be a mount point */
        if (mount(plan->root, plan->root, NULL, MS_BIND | MS_REC, NULL) < 0)
                return jailor_error_errno(err, errno, "Cannot bind the jail's root '%s'", plan->root);
        for (size_t i = 0; i < plan->n_binds; i++) {
                r = bind_into(plan->root, plan->binds[i].source, plan->binds[i].target,
                              plan->binds[i].readonly, err);
                if (r < 0)
                        return r;
        }
        r = forbid_devices(plan->root, err);
        if (r < 0)
                return r;
        r = prepare_dev(plan, err);
        if (r < 0)
                return r;
        r = mount_at(plan->root, "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755", err);
        if (r < 0)
                return r;
        /* systemd (252+) wants /run/lock as a mount of its own and cannot make it */
        return mount_at(plan->root, "/run/lock", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                        "mode=1777,size=5m", err);
}

int rootfs_enter(const struct rootfs_plan *plan, struct jailor_error *err)
{
        _cleanup_free_ char *proc = path_join(plan->root, "proc");
        int r;

        if (!proc)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        /* this process is the new PID namespace's init: /proc shows only the jail */
        r = mount_at(plan->root, "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, err);
        if (r < 0)
                return r;
        r = procfs_mask(proc, plan->confine, err);
        if (r < 0)
                return r;
        r = mount_at(plan->root, "/sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                     NULL, err);
        if (r < 0)
                return r;
        /* in the jail's cgroup namespace: its root is the jail's own cgroup */
        if (plan->cgroup2) {
                r = mount_at(plan->root, "/sys/fs/cgroup", "cgroup2",
                             MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, err);
                if (r < 0)
                        return r;
        }
        if (chdir(plan->root) < 0)
                return jailor_error_errno(err, errno, "Cannot enter '%s'", plan->root);
        /* pivot_root(".", "."): the old root ends up stacked under the new one... */
        if (syscall(SYS_pivot_root, ".", ".") < 0)
                return jailor_error_errno(err, errno, "Cannot pivot into '%s'", plan->root);
        /* ...and is detached here, so nothing of the host stays reachable */
        if (umount2(".", MNT_DETACH) < 0)
                return jailor_error_errno(err, errno, "Cannot detach the host's root");
        if (chdir("/") < 0)
                return jailor_error_errno(err, errno, "Cannot enter the jail's root");
        return 0;
}
