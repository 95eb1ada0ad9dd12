/* SPDX-License-Identifier: MIT */
/* Jail properties -> cgroup limit values, and the disk the I/O limits apply to. */
#include "limits.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "../util/cleanup.h"
#include "../util/fs.h"
#include "../util/mountinfo.h"

static const struct {
        const char *prop;
        enum rctl_kind kind;
        size_t offset; /* of the struct rctl_value in struct jail_limits */
} rctl_props[] = {
    {"memoryuse", RCTL_BYTES, offsetof(struct jail_limits, memory)},
    {"swapuse", RCTL_BYTES, offsetof(struct jail_limits, swap)},
    {"pcpu", RCTL_PERCENT, offsetof(struct jail_limits, cpu_percent)},
    {"maxproc", RCTL_COUNT, offsetof(struct jail_limits, max_procs)},
    {"readbps", RCTL_BYTES_RATE, offsetof(struct jail_limits, read_bps)},
    {"writebps", RCTL_BYTES_RATE, offsetof(struct jail_limits, write_bps)},
    {"readiops", RCTL_IOPS, offsetof(struct jail_limits, read_iops)},
    {"writeiops", RCTL_IOPS, offsetof(struct jail_limits, write_iops)},
};

/* The property's string, "off" when absent. */
static int prop_string(json_t *props, const char *name, const char **ret, struct jailor_error *err)
{
        json_t *v = json_object_get(props, name);

        if (!v) {
                *ret = "off";
                return 0;
        }
        if (!json_is_string(v))
                return jailor_error_set(err, EINVAL, "Invalid value for '%s': expected a string",
                                        name);
        *ret = json_string_value(v);
        return 0;
}

int jail_limits_from_props(json_t *props, struct jail_limits *ret, struct jailor_error *err)
{
        struct jail_limits l = {0};
        const char *s = NULL;
        int r;

        if (!json_is_object(props))
                return jailor_error_set(err, EINVAL, "Jail properties must be a JSON object");
        for (size_t i = 0; i < ELEMENTSOF(rctl_props); i++) {
                struct rctl_value *v = (struct rctl_value *)((char *)&l + rctl_props[i].offset);

                r = prop_string(props, rctl_props[i].prop, &s, err);
                if (r == 0)
                        r = parse_rctl(rctl_props[i].prop, s, rctl_props[i].kind, v, err);
                if (r < 0)
                        return r;
        }
        r = prop_string(props, "cpuset", &s, err);
        if (r == 0)
                r = parse_cpuset("cpuset", s, &l.cpuset, err);
        if (r < 0)
                return r;
        *ret = l;
        return 0;
}

bool jail_limits_is_limit(const char *prop)
{
        for (size_t i = 0; i < ELEMENTSOF(rctl_props); i++)
                if (STREQ(rctl_props[i].prop, prop))
                        return true;
        return STREQ(prop, "cpuset");
}

bool jail_limits_has_io(const struct jail_limits *l)
{
        return l->read_bps.set || l->write_bps.set || l->read_iops.set || l->write_iops.set;
}

/* "MAJ:MIN" as in sysfs dev files. */
static int parse_devnum(const char *s, dev_t *ret)
{
        unsigned maj, min;
        char end;

        if (sscanf(s, "%u:%u%c", &maj, &min, &end) < 2)
                return -EINVAL;
        *ret = makedev(maj, min);
        return 0;
}

/*
 * The kernel throttles whole disks: a partition's limits are refused, so
 * go up to the disk the partition belongs to (its parent in sysfs).
 */
static int whole_disk(dev_t dev, dev_t *ret, struct jailor_error *err)
{
        char sys[64], real[4096];
        _cleanup_free_ char *partition = NULL, *parent_dev = NULL, *disk_dev_file = NULL;
        char *slash;
        int r;

        snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u", major(dev), minor(dev));
        if (!path_exists(sys)) {
                *ret = 0; /* an anonymous device number: no disk */
                return 0;
        }
        partition = path_join(sys, "partition");
        if (!partition)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (!path_exists(partition)) {
                *ret = dev;
                return 0;
        }
        if (!realpath(sys, real))
                return jailor_error_errno(err, errno, "Cannot resolve '%s'", sys);
        slash = strrchr(real, '/');
        if (!slash || slash == real)
                return jailor_error_set(err, ENODEV, "No disk above partition '%s'", real);
        *slash = '\0';
        disk_dev_file = path_join(real, "dev");
        if (!disk_dev_file)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = read_file(disk_dev_file, &parent_dev, NULL, err);
        if (r < 0)
                return r;
        if (parse_devnum(parent_dev, ret) < 0)
                return jailor_error_set(err, EINVAL, "Unexpected device number '%s' in '%s'",
                                        parent_dev, disk_dev_file);
        return 0;
}

int jail_limits_block_device(const char *path, dev_t *ret, struct jailor_error *err)
{
        struct mount_entry m = {0};
        struct stat st;
        dev_t dev;
        int r;

        *ret = 0;
        if (stat(path, &st) < 0)
                return jailor_error_errno(err, errno, "Cannot find the disk holding '%s'", path);
        if (S_ISBLK(st.st_mode))
                dev = st.st_rdev;
        else if (major(st.st_dev) != 0)
                dev = st.st_dev;
        else {
                /* btrfs (and others) give every subvolume an anonymous device number */
                r = mountinfo_lookup(path, &m, err);
                if (r < 0)
                        return r;
                r = strncmp(m.source, "/dev/", 5) == 0 ? stat(m.source, &st) : -1;
                mount_entry_done(&m);
                if (r < 0 || !S_ISBLK(st.st_mode))
                        return 0;
                dev = st.st_rdev;
        }
        return whole_disk(dev, ret, err);
}
