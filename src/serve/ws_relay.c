/* SPDX-License-Identifier: MIT */
/* The shell's relay between the browser's socket and the worker's terminal (ws_relay.h). */
#include "ws_relay.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "loop.h"
#include "util/cleanup.h"
#include "ws_frame.h"
#include "zygote.h"

#define TO_PTY_MAX (64u << 10)      /* keystrokes not yet taken by the terminal */
#define TO_BROWSER_MAX (256u << 10) /* output not yet taken by the browser */
#define PENDING_SECONDS 30          /* an answered handshake the client never used */
#define DRAIN_SECONDS 10            /* a browser that never closes after our close frame */

static struct shell *shells;

struct shell *shell_new(const char *jail, const char *session)
{
        struct shell *sh = calloc(1, sizeof(*sh));

        if (!sh)
                return NULL;
        *sh = (struct shell){.jail = strdup(jail), .created = time(NULL), .sock = -1,
                             .msg_fd = -1, .pty = -1, .epfd = -1, .exit_status = -1,
                             .next = shells};
        if (!sh->jail) {
                free(sh);
                return NULL;
        }
        if (session)
                snprintf(sh->session, sizeof(sh->session), "%s", session);
        shells = sh;
        return sh;
}

/* Hangs the shell up: the worker's terminal closes, the worker goes. */
static void end_worker(struct shell *sh)
{
        if (sh->pty >= 0) {
                epoll_ctl(sh->epfd, EPOLL_CTL_DEL, sh->pty, NULL);
                close(sh->pty);
                sh->pty = -1;
        }
        if (sh->worker > 0)
                kill(sh->worker, SIGHUP);
        sh->worker = 0;
}

void shell_free(struct shell *sh)
{
        for (struct shell **p = &shells; *p; p = &(*p)->next)
                if (*p == sh) {
                        *p = sh->next;
                        break;
                }
        if (sh->epfd >= 0) {
                loop_remove(sh->epfd);
                close(sh->epfd);
        }
        end_worker(sh);
        if (sh->msg_fd >= 0)
                close(sh->msg_fd);
        if (sh->urh)
                MHD_upgrade_action(sh->urh, MHD_UPGRADE_ACTION_CLOSE);
        byte_queue_free(&sh->in);
        byte_queue_free(&sh->to_browser);
        byte_queue_free(&sh->msgs);
        byte_queue_free(&sh->to_pty);
        free(sh->error);
        free(sh->jail);
        free(sh);
}

static void send_frame(struct shell *sh, int opcode, const void *data, size_t len)
{
        unsigned char head[WS_HEADER_MAX];
        size_t n = ws_frame_header(head, opcode, len);

        if (byte_queue_add(&sh->to_browser, head, n) < 0 || byte_queue_add(&sh->to_browser, data, len) < 0)
                sh->closing = true;
}

static void send_json(struct shell *sh, json_t *o)
{
        char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

        json_decref(o);
        if (text)
                send_frame(sh, WS_TEXT, text, strlen(text));
        free(text);
}

/* Says why (once), sends the close frame; the shell goes once the browser has it all. */
static void begin_close(struct shell *sh, unsigned code, const char *why)
{
        unsigned char payload[2] = {(unsigned char)(code >> 8), (unsigned char)code};

        if (sh->closing)
                return;
        if (why)
                send_json(sh, json_pack("{s:s}", "error", why));
        else if (sh->exit_status >= 0)
                send_json(sh, json_pack("{s:i}", "exit", sh->exit_status));
        send_frame(sh, WS_CLOSE, payload, sizeof(payload));
        sh->closing = true;
}

static void apply_size(struct shell *sh)
{
        if (sh->pty >= 0 && sh->size.ws_col)
                ioctl(sh->pty, TIOCSWINSZ, &sh->size);
}

static void on_control(struct shell *sh, const char *text, size_t len)
{
        json_t *o = json_loadb(text, len, 0, NULL);
        json_t *resize = json_object_get(o, "resize");
        json_int_t cols = json_integer_value(json_object_get(resize, "cols"));
        json_int_t rows = json_integer_value(json_object_get(resize, "rows"));

        if (cols > 0 && cols < 1000 && rows > 0 && rows < 1000) {
                sh->size = (struct winsize){.ws_row = (unsigned short)rows,
                                            .ws_col = (unsigned short)cols};
                apply_size(sh);
        }
        json_decref(o);
}

/* The frames the browser sent, whole ones only. */
static void on_browser_data(struct shell *sh)
{
        struct ws_frame f;
        ssize_t used;

        while (!sh->closing && (used = ws_frame_parse(sh->in.data, sh->in.len, &f)) > 0) {
                if (sh->session[0] && !session_find(sh->session)) {
                        begin_close(sh, 1008, "The session has ended: log in again");
                        break;
                }
                switch (f.opcode) {
                case WS_BINARY: /* kept until the worker's terminal is there */
                        if (byte_queue_add(&sh->to_pty, f.payload, f.len) < 0)
                                sh->closing = true;
                        break;
                case WS_TEXT:
                        on_control(sh, (const char *)f.payload, f.len);
                        break;
                case WS_PING:
                        send_frame(sh, WS_PONG, f.payload, f.len);
                        break;
                case WS_CLOSE:
                        begin_close(sh, 1000, NULL);
                        break;
                default: /* pong */
                        break;
                }
                byte_queue_drop(&sh->in, (size_t)used);
        }
        if (used < 0 && !sh->closing)
                begin_close(sh, used == -EMSGSIZE ? 1009 : 1002,
                            used == -EMSGSIZE ? "A frame is larger than 64 KiB"
                                              : "Not a whole, masked WebSocket frame");
}

static void read_browser(struct shell *sh)
{
        unsigned char buf[16384];
        ssize_t n = recv(sh->sock, buf, sizeof(buf), MSG_DONTWAIT);

        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return;
        if (n <= 0) { /* the browser went away: nothing more can reach it */
                sh->to_browser.len = 0;
                sh->closing = sh->gone = true;
                return;
        }
        if (sh->closing) /* what comes after our close frame is read and dropped */
                return;
        if (byte_queue_add(&sh->in, buf, (size_t)n) < 0)
                sh->closing = true;
        else
                on_browser_data(sh);
}

static void read_pty(struct shell *sh)
{
        unsigned char buf[16384];
        ssize_t n = read(sh->pty, buf, sizeof(buf));

        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return;
        if (n <= 0) { /* EIO: the worker and its shell let go of the terminal */
                epoll_ctl(sh->epfd, EPOLL_CTL_DEL, sh->pty, NULL);
                close(sh->pty);
                sh->pty = -1;
                return;
        }
        send_frame(sh, WS_BINARY, buf, (size_t)n);
}

/* A line from the worker: the terminal (with its descriptor), or the outcome. */
static void on_worker_line(struct shell *sh, const char *line, size_t len)
{
        json_t *m = json_loadb(line, len, 0, NULL);
        const char *t = json_string_value(json_object_get(m, "t"));

        if (t && STREQ(t, "result"))
                sh->exit_status = (int)json_integer_value(
                        json_object_get(json_object_get(m, "result"), "status"));
        else if (t && STREQ(t, "error") && !sh->error)
                sh->error = strdup(json_string_value(json_object_get(m, "message")) ?: "Failed");
        json_decref(m);
}

static void read_worker(struct shell *sh)
{
        char buf[4096], control[CMSG_SPACE(sizeof(int))];
        struct iovec iov = {buf, sizeof(buf)};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
                             .msg_controllen = sizeof(control)};
        ssize_t n = recvmsg(sh->msg_fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        unsigned char *nl;

        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return;
        if (n > 0 && c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
            sh->pty < 0) {
                memcpy(&sh->pty, CMSG_DATA(c), sizeof(int));
                fcntl(sh->pty, F_SETFL, O_NONBLOCK);
                epoll_ctl(sh->epfd, EPOLL_CTL_ADD, sh->pty,
                          &(struct epoll_event){.events = EPOLLIN, .data.fd = sh->pty});
                apply_size(sh);
        }
        if (n <= 0) { /* the worker is done */
                epoll_ctl(sh->epfd, EPOLL_CTL_DEL, sh->msg_fd, NULL);
                close(sh->msg_fd);
                sh->msg_fd = -1;
                sh->worker = 0;
                return;
        }
        if (byte_queue_add(&sh->msgs, buf, (size_t)n) < 0) {
                sh->closing = true;
                return;
        }
        while ((nl = memchr(sh->msgs.data, '\n', sh->msgs.len))) {
                size_t len = (size_t)(nl - sh->msgs.data);

                on_worker_line(sh, (const char *)sh->msgs.data, len);
                byte_queue_drop(&sh->msgs, len + 1);
        }
}

/* What each descriptor waits for now: input only where there is room for it. */
static void update_interest(struct shell *sh)
{
        uint32_t sock = sh->to_browser.len ? EPOLLOUT : 0;

        if ((!sh->closing && sh->to_pty.len < TO_PTY_MAX) || sh->draining)
                sock |= EPOLLIN;
        epoll_ctl(sh->epfd, EPOLL_CTL_MOD, sh->sock,
                  &(struct epoll_event){.events = sock, .data.fd = sh->sock});
        if (sh->pty >= 0)
                epoll_ctl(sh->epfd, EPOLL_CTL_MOD, sh->pty,
                          &(struct epoll_event){
                                  .events = (sh->to_browser.len < TO_BROWSER_MAX ? EPOLLIN : 0) |
                                            (sh->to_pty.len ? EPOLLOUT : 0),
                                  .data.fd = sh->pty});
}

static void on_events(void *data, uint32_t events)
{
        struct shell *sh = data;
        struct epoll_event ev[8];
        int n = epoll_wait(sh->epfd, ev, 8, 0);

        for (int i = 0; i < n; i++) {
                int fd = ev[i].data.fd;

                if (fd == sh->sock && (ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                        read_browser(sh);
                else if (fd == sh->msg_fd)
                        read_worker(sh);
                else if (fd == sh->pty && (ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                        read_pty(sh);
        }
        if (sh->pty >= 0 && byte_queue_flush(&sh->to_pty, sh->pty, false) < 0)
                sh->to_pty.len = 0;
        /* the shell is over once the worker has said how and the terminal is drained */
        if (sh->pty < 0 && sh->msg_fd < 0)
                begin_close(sh, sh->error ? 1011 : 1000, sh->error);
        if (byte_queue_flush(&sh->to_browser, sh->sock, true) < 0)
                sh->to_browser.len = 0;
        if (sh->closing && !sh->to_browser.len) {
                if (sh->gone) {
                        shell_free(sh);
                        return;
                }
                /*
                 * Closing a socket with unread input resets the connection,
                 * and the close frame with it: shut our side, let the
                 * browser close its own.
                 */
                if (!sh->draining) {
                        shutdown(sh->sock, SHUT_WR);
                        sh->draining = time(NULL);
                        end_worker(sh);
                }
        }
        update_interest(sh);
}

void shell_on_upgrade(void *cls, struct MHD_Connection *conn, void *con_cls, const char *extra,
                      size_t extra_len, MHD_socket sock, struct MHD_UpgradeResponseHandle *urh)
{
        struct shell *sh = cls;
        struct worker_child child;
        json_t *args = json_pack("{s:[s], s:n, s:{}}", "path", sh->jail, "body", "query");
        int r;

        sh->upgraded = true;
        sh->sock = sock;
        sh->urh = urh;
        fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
        sh->epfd = epoll_create1(EPOLL_CLOEXEC);
        r = args ? zygote_spawn(shell_worker, args, false, &child) : -ENOMEM;
        json_decref(args);
        if (sh->epfd < 0 || r < 0 || loop_add(sh->epfd, on_events, sh) < 0) {
                if (r == 0)
                        close(child.msg_fd);
                else
                        sh->worker = 0;
                if (sh->epfd >= 0)
                        close(sh->epfd);
                sh->epfd = -1;
                shell_free(sh);
                return;
        }
        sh->worker = child.pid;
        sh->msg_fd = child.msg_fd;
        epoll_ctl(sh->epfd, EPOLL_CTL_ADD, sh->sock,
                  &(struct epoll_event){.events = EPOLLIN, .data.fd = sh->sock});
        epoll_ctl(sh->epfd, EPOLL_CTL_ADD, sh->msg_fd,
                  &(struct epoll_event){.events = EPOLLIN, .data.fd = sh->msg_fd});
        if (extra_len && byte_queue_add(&sh->in, extra, extra_len) == 0)
                on_browser_data(sh);
        on_events(sh, 0);
}

size_t shells_count(void)
{
        size_t n = 0;

        for (struct shell *sh = shells; sh; sh = sh->next)
                n++;
        return n;
}

void shells_drop_stale(void)
{
        time_t now = time(NULL);

        for (struct shell *sh = shells, *next; sh; sh = next) {
                next = sh->next;
                if ((!sh->upgraded && now - sh->created > PENDING_SECONDS) ||
                    (sh->draining && now - sh->draining > DRAIN_SECONDS))
                        shell_free(sh);
        }
}

void shells_free_all(void)
{
        while (shells)
                shell_free(shells);
}
