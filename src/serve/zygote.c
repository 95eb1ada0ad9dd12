/* SPDX-License-Identifier: MIT */
/* The worker launcher (zygote.h). */
#include "zygote.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jobs.h"

#define REQUEST_MAX ((size_t)4 << 20) /* arguments come from bodies of at most 1 MiB */

enum { SPAWNED = 1, EXITED = 2 };

struct request_head {
        uint64_t fn;      /* the worker function: the same address in the launcher (fork) */
        uint32_t capture;
};

struct news {
        int32_t kind;  /* SPAWNED or EXITED */
        int32_t pid;
        int32_t value; /* SPAWNED: 0 or an errno; EXITED: the wait status */
};

static int channel = -1;
static pid_t launcher;

int zygote_fd(void)
{
        return channel;
}

static int send_news(int fd, struct news n, const int *fds, size_t n_fds)
{
        char control[CMSG_SPACE(3 * sizeof(int))] = {0};
        struct iovec iov = {&n, sizeof(n)};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};

        if (n_fds) {
                struct cmsghdr *c;

                msg.msg_control = control;
                msg.msg_controllen = CMSG_SPACE(n_fds * sizeof(int));
                c = CMSG_FIRSTHDR(&msg);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(n_fds * sizeof(int));
                memcpy(CMSG_DATA(c), fds, n_fds * sizeof(int));
        }
        return sendmsg(fd, &msg, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/* In the launcher: one request, one worker, one answer. */
static void spawn_for_server(const struct jailor_ctx *ctx, int fd, char *buf, ssize_t len)
{
        struct request_head head;
        struct worker_child child = {.msg_fd = -1, .out_fd = -1, .err_fd = -1};
        json_t *args = NULL;
        int r = -EINVAL;

        if (len >= (ssize_t)sizeof(head)) {
                memcpy(&head, buf, sizeof(head));
                args = json_loadb(buf + sizeof(head), (size_t)len - sizeof(head), 0, NULL);
        }
        if (args)
                r = worker_spawn(ctx, (worker_fn)(uintptr_t)head.fn, args, head.capture, &child);
        json_decref(args);
        if (r < 0) {
                send_news(fd, (struct news){SPAWNED, 0, -r}, NULL, 0);
                return;
        }
        send_news(fd, (struct news){SPAWNED, child.pid, 0},
                  (int[]){child.msg_fd, child.out_fd, child.err_fd}, head.capture ? 3 : 1);
        close(child.msg_fd);
        if (head.capture) {
                close(child.out_fd);
                close(child.err_fd);
        }
}

_Noreturn static void run_launcher(const struct jailor_ctx *ctx, int fd)
{
        char *buf = malloc(REQUEST_MAX);
        sigset_t mask;
        int sfd;

        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
        /* the server's terminal signals are the server's to handle */
        signal(SIGINT, SIG_IGN);
        prctl(PR_SET_NAME, "jailor-launcher");
        if (!buf || sfd < 0)
                _exit(1);
        for (;;) {
                struct pollfd p[2] = {{fd, POLLIN, 0}, {sfd, POLLIN, 0}};
                struct signalfd_siginfo si;
                int status;
                pid_t pid;

                if (poll(p, 2, -1) < 0 && errno != EINTR)
                        _exit(1);
                if (p[1].revents) {
                        while (read(sfd, &si, sizeof(si)) == sizeof(si))
                                ;
                        while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
                                send_news(fd, (struct news){EXITED, pid, status}, NULL, 0);
                }
                if (p[0].revents) {
                        ssize_t n = recv(fd, buf, REQUEST_MAX, 0);

                        if (n <= 0) /* the server is gone; running workers go on */
                                _exit(0);
                        spawn_for_server(ctx, fd, buf, n);
                }
        }
}

int zygote_start(const struct jailor_ctx *ctx)
{
        int sv[2], size = (int)REQUEST_MAX;

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                return -errno;
        /* a request is one message: room for the largest */
        setsockopt(sv[0], SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size));
        setsockopt(sv[1], SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
        fflush(stdout);
        fflush(stderr);
        launcher = fork();
        if (launcher < 0)
                return -errno;
        if (launcher == 0) {
                close(sv[0]);
                run_launcher(ctx, sv[1]);
        }
        close(sv[1]);
        channel = sv[0];
        return 0;
}

/* One message from the launcher; fds gets the descriptors it carried. */
static int receive(struct news *n, int fds[3], size_t *n_fds, int flags)
{
        char control[CMSG_SPACE(3 * sizeof(int))];
        struct iovec iov = {n, sizeof(*n)};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
                             .msg_controllen = sizeof(control)};
        ssize_t len = recvmsg(channel, &msg, flags | MSG_CMSG_CLOEXEC);

        *n_fds = 0;
        if (len < 0)
                return -errno;
        if (len != sizeof(*n))
                return -EPIPE;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                        *n_fds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                        if (*n_fds > 3)
                                *n_fds = 3;
                        memcpy(fds, CMSG_DATA(c), *n_fds * sizeof(int));
                }
        }
        return 0;
}

static void launcher_gone(void)
{
        if (channel >= 0)
                close(channel);
        channel = -1;
        jobs_launcher_gone();
}

void zygote_read(void)
{
        struct news n;
        int fds[3];
        size_t n_fds;
        int r;

        while (channel >= 0 && (r = receive(&n, fds, &n_fds, MSG_DONTWAIT)) == 0)
                if (n.kind == EXITED)
                        jobs_exited(n.pid, n.value);
        if (channel >= 0 && r != -EAGAIN && r != -EINTR)
                launcher_gone();
}

int zygote_spawn(worker_fn fn, json_t *args, bool capture, struct worker_child *ret)
{
        struct request_head head = {.fn = (uint64_t)(uintptr_t)fn, .capture = capture};
        char *text = json_dumps(args, JSON_COMPACT);
        struct iovec iov[2];
        struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
        struct news n;
        int fds[3];
        size_t n_fds;
        int r;

        if (channel < 0) {
                free(text);
                return -EPIPE;
        }
        if (!text)
                return -ENOMEM;
        iov[0] = (struct iovec){&head, sizeof(head)};
        iov[1] = (struct iovec){text, strlen(text)};
        r = sendmsg(channel, &msg, MSG_NOSIGNAL) < 0 ? -errno : 0;
        free(text);
        if (r < 0)
                return r;
        /* the answer comes next; news of exits may come first */
        for (;;) {
                r = receive(&n, fds, &n_fds, 0);
                if (r == -EINTR)
                        continue;
                if (r < 0) {
                        launcher_gone();
                        return r;
                }
                if (n.kind == EXITED) {
                        jobs_exited(n.pid, n.value);
                        continue;
                }
                if (n.value)
                        return -n.value;
                if (n_fds != (capture ? 3u : 1u)) {
                        for (size_t i = 0; i < n_fds; i++)
                                close(fds[i]);
                        return -EPROTO;
                }
                *ret = (struct worker_child){.pid = n.pid, .msg_fd = fds[0],
                                             .out_fd = capture ? fds[1] : -1,
                                             .err_fd = capture ? fds[2] : -1};
                return 0;
        }
}

void zygote_stop(void)
{
        int status;

        if (channel >= 0)
                close(channel);
        channel = -1;
        if (launcher > 0)
                waitpid(launcher, &status, 0);
        launcher = 0;
}
