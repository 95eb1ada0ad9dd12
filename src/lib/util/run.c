/* SPDX-License-Identifier: MIT */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"

extern char **environ;

struct buffer {
        char *data;
        size_t len, cap;
};

static int buffer_read(struct buffer *b, int fd)
{
        char chunk[4096];
        ssize_t n = read(fd, chunk, sizeof(chunk));

        if (n < 0)
                return errno == EINTR ? 1 : -errno;
        if (n == 0)
                return 0;
        if (b->len + (size_t)n + 1 > b->cap) {
                size_t cap = b->cap ? b->cap * 2 : 8192;
                while (cap < b->len + (size_t)n + 1)
                        cap *= 2;
                char *d = realloc(b->data, cap);
                if (!d)
                        return -ENOMEM;
                b->data = d;
                b->cap = cap;
        }
        memcpy(b->data + b->len, chunk, (size_t)n);
        b->len += (size_t)n;
        b->data[b->len] = '\0';
        return 1;
}

/* Reads both pipes into their buffers until both reach end of file. */
static void drain(int fd_a, struct buffer *a, int fd_b, struct buffer *b)
{
        struct pollfd pfd[2] = {{fd_a, POLLIN, 0}, {fd_b, POLLIN, 0}};
        int open_fds = 2;

        while (open_fds > 0) {
                if (poll(pfd, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
                for (int i = 0; i < 2; i++) {
                        if (pfd[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
                                continue;
                        if (buffer_read(i == 0 ? a : b, pfd[i].fd) <= 0) {
                                pfd[i].fd = -1;
                                open_fds--;
                        }
                }
        }
}

static char *command_line(char *const argv[])
{
        size_t len = 1;
        char *s, *p;

        for (int i = 0; argv[i]; i++)
                len += strlen(argv[i]) + 1;
        s = malloc(len);
        if (!s)
                return NULL;
        p = s;
        *p = '\0';
        for (int i = 0; argv[i]; i++) {
                if (i)
                        *p++ = ' ';
                p = stpcpy(p, argv[i]);
        }
        return s;
}

int run_command_status(char *const argv[], char **ret_stdout, char **ret_stderr, int *ret_status,
                       struct jailor_error *err)
{
        struct buffer out = {0}, errbuf = {0};
        int outp[2] = {-1, -1}, errp[2] = {-1, -1};
        posix_spawn_file_actions_t fa;
        pid_t pid;
        int r, status;

        if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
                r = -errno;
                goto fail_pipes;
        }
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
        posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
        r = -posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        close(outp[1]);
        close(errp[1]);
        outp[1] = errp[1] = -1;
        if (r < 0)
                goto fail_pipes;

        drain(outp[0], &out, errp[0], &errbuf);
        while (waitpid(pid, &status, 0) < 0) {
                if (errno != EINTR) {
                        r = -errno;
                        goto fail_pipes;
                }
        }
        close(outp[0]);
        close(errp[0]);

        *ret_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (ret_stdout)
                *ret_stdout = out.data ? out.data : strdup("");
        else
                free(out.data);
        if (ret_stderr)
                *ret_stderr = errbuf.data ? errbuf.data : strdup("");
        else
                free(errbuf.data);
        return 0;

fail_pipes:
        for (int i = 0; i < 2; i++) {
                if (outp[i] >= 0)
                        close(outp[i]);
                if (errp[i] >= 0)
                        close(errp[i]);
        }
        free(out.data);
        free(errbuf.data);
        return jailor_error_errno(err, -r, "Cannot run '%s'", argv[0]);
}

/* keeps the first line of stderr: the tools put the reason there */
static int command_failed(struct jailor_error *err, char *const argv[], int status, char *errtext)
{
        _cleanup_free_ char *cmd = command_line(argv);
        size_t n = strcspn(errtext ? errtext : "", "\n");

        if (errtext)
                errtext[n] = '\0';
        return jailor_error_set(err, EIO, "'%s' failed (exit %d): %s", cmd ? cmd : argv[0], status,
                                errtext && *errtext ? errtext : "no message");
}

int run_command(char *const argv[], char **ret_stdout, struct jailor_error *err)
{
        _cleanup_free_ char *out = NULL, *errtext = NULL;
        int status, r;

        r = run_command_status(argv, &out, &errtext, &status, err);
        if (r < 0)
                return r;
        if (status != 0)
                return command_failed(err, argv, status, errtext);
        if (ret_stdout)
                *ret_stdout = TAKE_PTR(out);
        return 0;
}

static int spawn_with_fds(pid_t *pid, char *const argv[], int in_fd, int out_fd, int err_fd)
{
        posix_spawn_file_actions_t fa;
        int r;

        posix_spawn_file_actions_init(&fa);
        if (in_fd >= 0)
                posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
        else
                posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        if (out_fd >= 0)
                posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
        else
                posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
        r = posix_spawnp(pid, argv[0], &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        return -r;
}

static int wait_status(pid_t pid)
{
        int status;

        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int run_pipeline(char *const from[], char *const to[], struct jailor_error *err)
{
        struct buffer errs[2] = {{0}, {0}};
        int data[2] = {-1, -1}, e0[2] = {-1, -1}, e1[2] = {-1, -1};
        pid_t pids[2] = {-1, -1};
        int status[2] = {0, 0};
        int r = 0;

        if (pipe2(data, O_CLOEXEC) < 0 || pipe2(e0, O_CLOEXEC) < 0 || pipe2(e1, O_CLOEXEC) < 0) {
                r = -errno;
                goto finish;
        }
        r = spawn_with_fds(&pids[0], from, -1, data[1], e0[1]);
        if (r == 0)
                r = spawn_with_fds(&pids[1], to, data[0], -1, e1[1]);
        /* only the children may hold the pipe's ends, or EOF never comes */
        closep(&data[0]);
        closep(&data[1]);
        closep(&e0[1]);
        closep(&e1[1]);
        data[0] = data[1] = e0[1] = e1[1] = -1;
        if (r == 0)
                drain(e0[0], &errs[0], e1[0], &errs[1]);
        for (int i = 0; i < 2; i++)
                if (pids[i] > 0)
                        status[i] = wait_status(pids[i]);
finish:
        for (int i = 0; i < 2; i++) {
                if (data[i] >= 0)
                        close(data[i]);
                if (e0[i] >= 0)
                        close(e0[i]);
                if (e1[i] >= 0)
                        close(e1[i]);
        }
        if (r < 0)
                r = jailor_error_errno(err, -r, "Cannot run '%s'", pids[0] > 0 ? to[0] : from[0]);
        else if (status[1] != 0)
                r = command_failed(err, to, status[1], errs[1].data);
        else if (status[0] != 0)
                r = command_failed(err, from, status[0], errs[0].data);
        free(errs[0].data);
        free(errs[1].data);
        return r;
}
