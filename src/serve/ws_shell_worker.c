/* SPDX-License-Identifier: MIT */
/* The shell's worker: a host terminal for runtime_exec, its master handed to the server (ws_relay.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "api.h"
#include "runtime/runtime.h"
#include "ws_relay.h"

#define WORKER_MSG_FD 3 /* worker.c: the child's end of its message socket */

/* Passes the terminal's master to the server: one line with the descriptor attached. */
static int send_master(int master)
{
        char line[] = "{\"t\":\"pty\"}\n", control[CMSG_SPACE(sizeof(int))] = {0};
        struct iovec iov = {line, sizeof(line) - 1};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
                             .msg_controllen = sizeof(control)};
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &master, sizeof(int));
        return sendmsg(WORKER_MSG_FD, &msg, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/*
 * In the worker (a session leader): the slave of a new terminal becomes its
 * controlling terminal and its stdin, stdout and stderr, so runtime_exec
 * gives the shell a terminal of the jail and relays it, and a size set on
 * the master reaches it as SIGWINCH; closing the master hangs it up.
 */
int shell_worker(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        struct exec_request req = {.name = arg_path(args, 0), .console = true};
        struct winsize ws = {.ws_row = 24, .ws_col = 80};
        struct termios raw;
        int master, slave, status = 0, r;

        master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0 || unlockpt(master) < 0 ||
            (slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_CLOEXEC)) < 0)
                return jailor_error_errno(err, errno, "Cannot make a terminal for the shell");
        ioctl(slave, TIOCSWINSZ, &ws);
        /* raw from the start: keys typed before the relay runs pass as they are, unechoed */
        if (tcgetattr(slave, &raw) == 0) {
                cfmakeraw(&raw);
                tcsetattr(slave, TCSANOW, &raw);
        }
        if (ioctl(slave, TIOCSCTTY, 0) < 0 || dup2(slave, 0) < 0 || dup2(slave, 1) < 0 ||
            dup2(slave, 2) < 0)
                return jailor_error_errno(err, errno, "Cannot make a terminal for the shell");
        close(slave);
        r = send_master(master);
        close(master);
        if (r < 0)
                return jailor_error_errno(err, -r, "Cannot hand the terminal to the server");
        setenv("TERM", "xterm-256color", 1);
        r = WITH_POOL(w, s, err, runtime_exec(worker_ctx(w), s, &req, &status, err));
        if (r < 0)
                return r;
        *ret = json_pack("{s:i}", "status", status);
        return 0;
}
