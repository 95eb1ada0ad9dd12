/* SPDX-License-Identifier: MIT */
#include "mountinfo.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
        char *out = s;

        while (*s) {
                if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7' &&
                    s[3] >= '0' && s[3] <= '7') {
                        *out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
                        s += 4;
                } else {
                        *out++ = *s++;
                }
        }
        *out = '\0';
}

static bool path_has_prefix(const char *path, const char *prefix)
{
        size_t n = strlen(prefix);

        if (STREQ(prefix, "/"))
                return true;
        return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

int mountinfo_lookup(const char *path, struct mount_entry *ret, struct jailor_error *err)
{
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *line = NULL;
        char real[PATH_MAX];
        size_t cap = 0, best_len = 0;
        struct mount_entry best = {0};

        if (!realpath(path, real))
                return jailor_error_errno(err, errno, "Cannot resolve '%s'", path);
        f = fopen("/proc/self/mountinfo", "re");
        if (!f)
                return jailor_error_errno(err, errno, "Cannot read /proc/self/mountinfo");
        while (getline(&line, &cap, f) > 0) {
                char *fields[10] = {0}, *save = NULL, *dash;
                int n = 0;

                /* "id parent maj:min root mountpoint opts [optional...] - fstype source superopts" */
                dash = strstr(line, " - ");
                if (!dash)
                        continue;
                *dash = '\0';
                for (char *t = strtok_r(line, " ", &save); t && n < 5; t = strtok_r(NULL, " ", &save))
                        fields[n++] = t;
                if (n < 5)
                        continue;
                save = NULL;
                fields[5] = strtok_r(dash + 3, " ", &save);
                fields[6] = strtok_r(NULL, " ", &save);
                if (!fields[5] || !fields[6])
                        continue;
                unescape_octal(fields[4]);
                if (!path_has_prefix(real, fields[4]) || strlen(fields[4]) < best_len)
                        continue;
                mount_entry_done(&best);
                best.mount_point = strdup(fields[4]);
                best.fstype = strdup(fields[5]);
                best.source = strdup(fields[6]);
                if (!best.mount_point || !best.fstype || !best.source) {
                        mount_entry_done(&best);
                        return jailor_error_set(err, ENOMEM, "Out of memory");
                }
                best_len = strlen(fields[4]);
        }
        if (!best.mount_point)
                return jailor_error_set(err, ENOENT, "No mount holds '%s'", path);
        *ret = best;
        return 0;
}

void mount_entry_done(struct mount_entry *m)
{
        free(m->mount_point);
        free(m->fstype);
        free(m->source);
        *m = (struct mount_entry){0};
}

bool fstype_is_network(const char *fstype)
{
        static const char *const network[] = {
                "nfs",   "nfs4",      "cifs",   "smb3",   "smbfs",   "9p",   "ceph",
                "afs",   "glusterfs", "lustre", "ncpfs",  "coda",    "davfs", "virtiofs",
                "fuse.sshfs", "fuse.glusterfs", "fuse.s3fs", "fuse.rclone", "fuse.davfs2",
                "fuse.curlftpfs", "fuse.gcsfuse", "fuse.cephfs", "fuse.smbnetfs",
        };

        for (size_t i = 0; i < ELEMENTSOF(network); i++)
                if (STREQ(fstype, network[i]))
                        return true;
        return false;
}
