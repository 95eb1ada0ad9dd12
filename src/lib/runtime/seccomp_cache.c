/* SPDX-License-Identifier: MIT */
/*
 * The compiled seccomp filter, cached.
 *
 * libseccomp builds the filter from the deny list every time: measured,
 * most of the user time of the jail's init and of each `jailor exec` went
 * to it (callgrind, perf).  The filter depends only on four fields of the
 * confinement, the libseccomp version and the architecture, so the BPF it
 * compiles to is written once under $JAILOR_RUN_DIR/seccomp/ (tmpfs: gone
 * at reboot) and read back afterwards, as crun does.  The file's name
 * spells out everything the filter depends on, jailor's own binary
 * included, so two confinements, or two builds, never share a file.
 */
#include "confine.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/cleanup.h"
#include "../util/fs.h"

/*
 * The program that compiles the filter is part of its name too (its
 * inode, size and modification time): a rebuilt or upgraded jailor, whose
 * seccomp.c may deny more, never loads what an older one compiled.
 */
static char *cache_path(const struct jailor_ctx *ctx, const struct confinement *c)
{
        const struct scmp_version *v = seccomp_version();
        struct stat exe = {0};
        char name[200];

        if (stat("/proc/self/exe", &exe) < 0)
                return NULL;
        snprintf(name, sizeof(name),
                 "exe%llx-%llx-%llx.%09ld-libseccomp%u.%u.%u-arch%x-userns%d-mount%x-sysv%x-hostname%d.bpf",
                 (unsigned long long)exe.st_ino, (unsigned long long)exe.st_size,
                 (unsigned long long)exe.st_mtim.tv_sec, exe.st_mtim.tv_nsec, v ? v->major : 0,
                 v ? v->minor : 0, v ? v->micro : 0, seccomp_arch_native(), c->userns, c->mount_types,
                 c->sysv_denied, c->set_hostname);
        return strjoin(ctx->run_dir, "/seccomp/", name, NULL);
}

static int read_program(const char *path, struct sock_fprog **ret)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct sock_fprog *prog;
        struct stat st;

        if (fd < 0 || fstat(fd, &st) < 0)
                return -errno;
        /* a file the kernel would not take is not ours: compile afresh */
        if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) ||
            st.st_size > BPF_MAXINSNS * (off_t)sizeof(struct sock_filter))
                return -EINVAL;
        prog = malloc(sizeof(*prog) + (size_t)st.st_size);
        if (!prog)
                return -ENOMEM;
        prog->filter = (struct sock_filter *)(prog + 1);
        prog->len = (unsigned short)(st.st_size / sizeof(struct sock_filter));
        if (read(fd, prog->filter, (size_t)st.st_size) != st.st_size) {
                free(prog);
                return -EIO;
        }
        *ret = prog;
        return 0;
}

/* Compiles c's filter into path: a temporary file renamed into place, so readers see all or nothing. */
static int compile_to(const char *path, const struct confinement *c, struct jailor_error *err)
{
        _cleanup_free_ char *tmp = NULL, *dir = strdup(path);
        _cleanup_close_ int fd = -EBADF;
        char *slash = dir ? strrchr(dir, '/') : NULL;
        char suffix[32];
        int r;

        if (!slash)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        *slash = '\0';
        r = mkdir_p(dir, 0700, err);
        if (r < 0)
                return r;
        snprintf(suffix, sizeof(suffix), ".tmp.%d", (int)getpid());
        tmp = strjoin(path, suffix, NULL);
        if (!tmp)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0)
                return jailor_error_errno(err, errno, "Cannot write '%s'", tmp);
        r = confine_seccomp_export(c, fd, err);
        if (r == 0 && (fsync(fd) < 0 || rename(tmp, path) < 0))
                r = jailor_error_errno(err, errno, "Cannot write '%s'", path);
        if (r < 0)
                unlink(tmp);
        return r;
}

int confine_seccomp_prepare(const struct jailor_ctx *ctx, struct confinement *c,
                            struct jailor_error *err)
{
        _cleanup_free_ char *path = cache_path(ctx, c);
        struct sock_fprog *prog = NULL;
        int r;

        if (!path)
                return jailor_error_errno(err, errno ?: ENOMEM, "Cannot name the seccomp filter's cache file");
        r = read_program(path, &prog);
        if (r < 0) {
                r = compile_to(path, c, err);
                if (r < 0)
                        return r;
                r = read_program(path, &prog);
                if (r < 0)
                        return jailor_error_errno(err, -r, "Cannot read the seccomp filter '%s'", path);
        }
        confine_seccomp_release(c);
        c->seccomp_prog = prog;
        return 0;
}

void confine_seccomp_release(struct confinement *c)
{
        free(c->seccomp_prog);
        c->seccomp_prog = NULL;
}
