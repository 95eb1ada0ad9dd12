/* SPDX-License-Identifier: MIT */
/* The host's directories for the web UI's mount point pickers (api_ui.h). */
#include "api_ui.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "jail/jail.h"
#include "runtime/runtime.h"
#include "storage/storage.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define DIRECTORIES_MAX 2000

/* The subdirectories of the directory open as fd, sorted, hidden ones too. */
static int list_directories(int fd, const char *shown, json_t **ret, struct jailor_error *err)
{
        DIR *d = fdopendir(fd);
        json_t *names = json_array();
        struct dirent *e;

        if (!d) {
                close(fd);
                json_decref(names);
                return jailor_error_errno(err, errno, "Cannot read directory '%s'", shown);
        }
        while (names && (e = readdir(d)) && json_array_size(names) < DIRECTORIES_MAX) {
                struct stat st;

                if (STREQ(e->d_name, ".") || STREQ(e->d_name, ".."))
                        continue;
                /* a link is followed only when it stays a directory of the same tree */
                if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                    S_ISDIR(st.st_mode))
                        json_array_append_new(names, json_string(e->d_name));
        }
        closedir(d);
        if (!names)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        /* jansson cannot sort: a small insertion sort keeps the picker ordered */
        for (size_t i = 1; i < json_array_size(names); i++)
                for (size_t k = i; k > 0 && strcmp(json_string_value(json_array_get(names, k - 1)),
                                                   json_string_value(json_array_get(names, k))) > 0;
                     k--) {
                        json_t *a = json_incref(json_array_get(names, k - 1));

                        json_array_set(names, k - 1, json_array_get(names, k));
                        json_array_set_new(names, k, a);
                }
        *ret = json_pack("{s:s, s:o}", "path", shown, "directories", names);
        return 0;
}

/*
 * Inside a stopped jail's root: mounted in a mount namespace of this worker
 * alone (a directory pool's clone is an overlay), which vanishes with it.
 */
static int jail_directories(struct worker *w, struct storage *s, const char *name,
                            const char *path, json_t **ret, struct jailor_error *err)
{
        struct jail *j = NULL;
        _cleanup_free_ char *root = NULL;
        int fd, r = jail_open(worker_ctx(w), s, name, &j, err);

        if (r < 0)
                return r;
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
                r = jailor_error_errno(err, errno, "Cannot make a mount namespace");
                goto out;
        }
        r = storage_mount(s, j->root_ds, err);
        if (r < 0)
                goto out;
        root = storage_path(s, j->root_ds);
        fd = root ? open_in_root(root, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0) : -ENOMEM;
        if (fd < 0) {
                worker_field(w, "path");
                r = jailor_error_errno(err, -fd, "Cannot open '%s' in jail '%s'", path, name);
                goto out;
        }
        r = list_directories(fd, path, ret, err);
out:
        jail_free(j);
        return r;
}

static int op_directories(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        const char *path = arg_string(args, "path"), *jail = arg_string(args, "jail");
        int fd;

        if (path[0] != '/') {
                worker_field(w, "path");
                return jailor_error_set(err, EINVAL, "Invalid path '%s': it must be absolute",
                                        path);
        }
        if (jail)
                return WITH_POOL(w, s, err, jail_directories(w, s, jail, path, ret, err));
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
                worker_field(w, "path");
                return jailor_error_errno(err, errno, "Cannot open directory '%s'", path);
        }
        return list_directories(fd, path, ret, err);
}

void api_host_directories(struct request *r)
{
        api_call_simple(r, "host.directories", op_directories, 200);
}
