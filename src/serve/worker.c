/* SPDX-License-Identifier: MIT */
/* Worker processes: the child's side and the fork (worker.h). */
#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"

#define MSG_FD 3
#define PROGRESS_INTERVAL_NS 100000000LL /* at most ten progress messages a second */

struct worker {
        struct jailor_ctx ctx;
        const char *field;
        long long last_progress_ns;
};

const struct jailor_ctx *worker_ctx(struct worker *w)
{
        return &w->ctx;
}

void worker_field(struct worker *w, const char *field)
{
        w->field = field;
}

/* One line to the server; a server that went away is not the call's problem. */
static void send_message(json_t *m)
{
        char *line = m ? json_dumps(m, JSON_COMPACT) : NULL;
        size_t len, off = 0;

        json_decref(m);
        if (!line)
                return;
        len = strlen(line);
        line[len] = '\n'; /* json_dumps leaves room: the terminator becomes the newline */
        while (off < len + 1) {
                ssize_t n = send(MSG_FD, line + off, len + 1 - off, MSG_NOSIGNAL);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                off += (size_t)n;
        }
        free(line);
}

void worker_long(struct worker *w)
{
        send_message(json_pack("{s:s}", "t", "long"));
}

static void on_warning(void *data, const char *msg)
{
        send_message(json_pack("{s:s, s:s}", "t", "warning", "message", msg));
}

static long long now_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void on_progress(void *data, const char *what, uint64_t done, uint64_t total)
{
        struct worker *w = data;
        long long now = now_ns();

        if (now - w->last_progress_ns < PROGRESS_INTERVAL_NS && (total == 0 || done < total))
                return;
        w->last_progress_ns = now;
        send_message(json_pack("{s:s, s:s, s:I, s:I}", "t", "progress", "what", what ? what : "",
                               "done", (json_int_t)done, "total", (json_int_t)total));
}

/* The child: a clean process around one call, then its outcome as the last message. */
_Noreturn static void run_child(const struct jailor_ctx *ctx, worker_fn fn, json_t *args,
                                int msg, int out, int errfd)
{
        struct worker w = {.ctx = *ctx};
        struct jailor_error err = {0};
        json_t *result = NULL;
        sigset_t none;
        int devnull, r;

        /* the server's mask and dispositions are not the library's business */
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        for (int sig = 1; sig < NSIG; sig++)
                if (sig != SIGKILL && sig != SIGSTOP)
                        signal(sig, SIG_DFL);
        devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out >= 0 ? out : devnull, 1) < 0 ||
            dup2(errfd >= 0 ? errfd : devnull, 2) < 0 || dup2(msg, MSG_FD) < 0)
                _exit(127);
        /* nothing of the server (its socket, clients' connections) stays open here */
        close_range(MSG_FD + 1, ~0U, 0);
        fcntl(MSG_FD, F_SETFD, FD_CLOEXEC);
        setsid();

        w.ctx.warn = on_warning;
        w.ctx.warn_data = &w;
        w.ctx.progress = on_progress;
        w.ctx.progress_data = &w;
        r = fn(&w, args, &result, &err);
        if (r < 0) {
                if (!err.errnum)
                        jailor_error_errno(&err, -r, "Failed");
                json_decref(result);
                send_message(json_pack("{s:s, s:i, s:s, s:s?}", "t", "error", "errno", err.errnum,
                                       "message", err.msg, "field", w.field));
        } else {
                send_message(json_pack("{s:s, s:o}", "t", "result", "result",
                                       result ? result : json_null()));
        }
        _exit(0);
}

int worker_spawn(const struct jailor_ctx *ctx, worker_fn fn, json_t *args, bool capture,
                 struct worker_child *ret)
{
        int sv[2], outp[2] = {-1, -1}, errp[2] = {-1, -1}, e;
        pid_t pid;

        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
                return -errno;
        if (capture && (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)) {
                e = -errno;
                goto fail;
        }
        fflush(stdout);
        fflush(stderr);
        pid = fork();
        if (pid < 0) {
                e = -errno;
                goto fail;
        }
        if (pid == 0)
                run_child(ctx, fn, args, sv[1], outp[1], errp[1]);
        close(sv[1]);
        if (capture) {
                close(outp[1]);
                close(errp[1]);
                fcntl(outp[0], F_SETFL, O_NONBLOCK);
                fcntl(errp[0], F_SETFL, O_NONBLOCK);
        }
        fcntl(sv[0], F_SETFL, O_NONBLOCK);
        *ret = (struct worker_child){.pid = pid, .msg_fd = sv[0], .out_fd = outp[0],
                                     .err_fd = errp[0]};
        return 0;
fail:
        close(sv[0]);
        close(sv[1]);
        for (int i = 0; i < 2; i++) {
                if (outp[i] >= 0)
                        close(outp[i]);
                if (errp[i] >= 0)
                        close(errp[i]);
        }
        return e;
}
