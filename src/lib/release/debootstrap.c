/* SPDX-License-Identifier: MIT */
#include "debootstrap.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../util/cleanup.h"
#include "../util/fs.h"

/* Sum of file sizes under a directory: how much debootstrap has downloaded so far. */
static uint64_t tree_bytes;

static int add_size(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
        if (type == FTW_F)
                tree_bytes += (uint64_t)st->st_size;
        return 0;
}

static uint64_t dir_bytes(const char *dir)
{
        tree_bytes = 0;
        nftw(dir, add_size, 16, FTW_PHYS | FTW_MOUNT);
        return tree_bytes;
}

static void child_exec(char *const argv[], int out_fd)
{
        /* our mounts are private and die with this namespace */
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                _exit(126);
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
                _exit(126);
        if (dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
                _exit(126);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull < 0 || dup2(devnull, 0) < 0)
                _exit(126);
        execvp(argv[0], argv);
        _exit(127);
}

/* Keeps the last line debootstrap printed: progress text, and the reason on failure. */
struct output {
        char line[512];
        char last_error[512];
        char partial[512];
        size_t partial_len;
};

static void output_feed(struct output *o, const char *buf, size_t len)
{
        for (size_t i = 0; i < len; i++) {
                if (buf[i] != '\n') {
                        if (o->partial_len + 1 < sizeof(o->partial))
                                o->partial[o->partial_len++] = buf[i];
                        continue;
                }
                o->partial[o->partial_len] = '\0';
                if (o->partial_len > 0) {
                        snprintf(o->line, sizeof(o->line), "%s", o->partial);
                        if (strncmp(o->partial, "E: ", 3) == 0 || strncmp(o->partial, "W: ", 3) == 0)
                                snprintf(o->last_error, sizeof(o->last_error), "%s", o->partial);
                }
                o->partial_len = 0;
        }
}

/*
 * Runs debootstrap with argv, reporting progress: the bytes under measure_dir
 * (when set) and the step debootstrap is at.
 */
static int run_debootstrap(const struct jailor_ctx *ctx, char *const argv[], const char *what,
                           const char *measure_dir, struct jailor_error *err)
{
        struct output o = {0};
        int pipefd[2], status;
        pid_t pid;

        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return jailor_error_errno(err, errno, "Cannot run debootstrap");
        pid = fork();
        if (pid < 0) {
                close(pipefd[0]);
                close(pipefd[1]);
                return jailor_error_errno(err, errno, "Cannot run debootstrap");
        }
        if (pid == 0) {
                close(pipefd[0]);
                child_exec(argv, pipefd[1]);
        }
        close(pipefd[1]);
        for (;;) {
                struct pollfd pfd = {pipefd[0], POLLIN, 0};
                char buf[4096];
                ssize_t n;
                int pr = poll(&pfd, 1, 500);

                if (pr < 0 && errno != EINTR)
                        break;
                if (pr > 0) {
                        n = read(pipefd[0], buf, sizeof(buf));
                        if (n == 0)
                                break;
                        if (n > 0)
                                output_feed(&o, buf, (size_t)n);
                }
                if (ctx->progress)
                        ctx->progress(ctx->progress_data, what,
                                      measure_dir ? dir_bytes(measure_dir) : 0, 0);
        }
        close(pipefd[0]);
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return jailor_error_errno(err, errno, "Cannot wait for debootstrap");
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
                return jailor_error_set(err, ENOENT, "Cannot run 'debootstrap': is it installed?");
        return jailor_error_set(err, EIO, "debootstrap failed while %s (%s %d): %s", what,
                                WIFEXITED(status) ? "exit" : "signal",
                                WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                                o.last_error[0] ? o.last_error : o.line);
}

int debootstrap_make_tarball(const struct jailor_ctx *ctx, const char *suite, const char *mirror,
                             const char *tarball, const char *work, struct jailor_error *err)
{
        _cleanup_free_ char *opt_tarball = strjoin("--make-tarball=", tarball, NULL);
        char *argv[] = {"debootstrap", "--variant=minbase", "--include=" DEBOOTSTRAP_INCLUDE,
                        opt_tarball, (char *)suite, (char *)work, (char *)mirror, NULL};

        if (!opt_tarball)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        return run_debootstrap(ctx, argv, "downloading", work, err);
}

int debootstrap_unpack_tarball(const struct jailor_ctx *ctx, const char *suite,
                               const char *mirror, const char *tarball, const char *target,
                               struct jailor_error *err)
{
        _cleanup_free_ char *opt_tarball = strjoin("--unpack-tarball=", tarball, NULL);
        char *argv[] = {"debootstrap", "--variant=minbase", "--include=" DEBOOTSTRAP_INCLUDE,
                        opt_tarball, (char *)suite, (char *)target, (char *)mirror, NULL};

        if (!opt_tarball)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        return run_debootstrap(ctx, argv, "installing", target, err);
}
