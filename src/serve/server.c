/* SPDX-License-Identifier: MIT */
/* jailor serve: the socket, the loop, the signals, the shutdown (serve.h). */
#include "serve.h"

#include <errno.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auth.h"
#include "http.h"
#include "jobs.h"
#include "loop.h"
#include "sessions.h"
#include "sse.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "ws_shell.h"
#include "zygote.h"

#define CONNECTIONS_MAX 256
#define CONNECTION_IDLE_SECONDS 120

struct server {
        struct MHD_Daemon *daemon;
        int signal_fd, timer_fd;
        int stop_requests; /* SIGTERM/SIGINT received */
};

/* "127.0.0.1:8080", "[::1]:8080", "localhost:0" */
static int resolve(const char *listen, struct addrinfo **ret, struct jailor_error *err)
{
        _cleanup_free_ char *host = NULL;
        const char *colon = strrchr(listen, ':'), *port;
        struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
                                 .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
        char *end;
        long p;
        int r;

        if (!colon || colon == listen)
                return jailor_error_set(err, EINVAL,
                                        "Invalid listen address '%s': expected ADDR:PORT", listen);
        port = colon + 1;
        p = strtol(port, &end, 10);
        if (!*port || *end || p < 0 || p > 65535)
                return jailor_error_set(err, EINVAL,
                                        "Invalid port in '%s': expected 0 to 65535", listen);
        if (listen[0] == '[' && colon[-1] == ']')
                host = strndup(listen + 1, (size_t)(colon - listen - 2));
        else
                host = strndup(listen, (size_t)(colon - listen));
        if (!host)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = getaddrinfo(host, port, &hints, ret);
        if (r != 0)
                return jailor_error_set(err, EINVAL, "Invalid listen address '%s': %s", listen,
                                        gai_strerror(r));
        return 0;
}

static void on_signal(void *data, uint32_t events)
{
        struct server *srv = data;
        struct signalfd_siginfo si;

        while (read(srv->signal_fd, &si, sizeof(si)) == sizeof(si)) {
                if (si.ssi_signo == SIGCHLD) {
                        /* only the launcher is the server's child; workers are the launcher's */
                        while (waitpid(-1, NULL, WNOHANG) > 0)
                                ;
                        continue;
                }
                srv->stop_requests++;
                if (srv->stop_requests == 1) {
                        fprintf(stderr, "jailor serve: stopping once %zu running job(s) end\n",
                                jobs_running());
                        MHD_socket s = MHD_quiesce_daemon(srv->daemon);
                        if (s != MHD_INVALID_SOCKET)
                                close(s);
                } else {
                        /* asked twice: the workers are stopped (each call is all or nothing) */
                        jobs_signal(SIGTERM);
                }
        }
}

static void on_timer(void *data, uint32_t events)
{
        struct server *srv = data;
        uint64_t ticks;

        if (read(srv->timer_fd, &ticks, sizeof(ticks)) < 0)
                return;
        sse_keepalive();
        jobs_collect();
}

static bool is_loopback(const struct addrinfo *ai)
{
        if (ai->ai_family == AF_INET)
                return (ntohl(((struct sockaddr_in *)ai->ai_addr)->sin_addr.s_addr) >> 24) == 127;
        return ai->ai_family == AF_INET6 &&
               IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr);
}

static void on_launcher(void *data, uint32_t events)
{
        zygote_read();
}

static void on_mhd(void *data, uint32_t events)
{
        /* MHD_run after every round does the work */
}

static int wait_ms(struct server *srv)
{
        MHD_UNSIGNED_LONG_LONG t;

        if (MHD_get_timeout(srv->daemon, &t) != MHD_YES)
                return -1;
        return t > 1000 ? 1000 : (int)t;
}

static int setup_signals(struct server *srv, struct jailor_error *err)
{
        sigset_t mask;
        struct itimerspec every = {.it_interval = {SSE_KEEPALIVE_SECONDS, 0},
                                   .it_value = {SSE_KEEPALIVE_SECONDS, 0}};

        signal(SIGPIPE, SIG_IGN);
        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        srv->signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
        srv->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        if (srv->signal_fd < 0 || srv->timer_fd < 0 ||
            timerfd_settime(srv->timer_fd, 0, &every, NULL) < 0)
                return jailor_error_errno(err, errno, "Cannot set up the server's signals");
        return 0;
}

static int read_pem(const char *path, char **ret, struct jailor_error *err)
{
        size_t len;

        return read_file(path, ret, &len, err);
}

static int start_daemon(struct server *srv, struct jailor_ctx *ctx,
                        const struct serve_options *opts, struct addrinfo *ai, char *cert,
                        char *key, struct jailor_error *err)
{
        unsigned flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG |
                         MHD_ALLOW_UPGRADE; /* the shell's WebSocket (ws_shell.h) */

        if (ai->ai_family == AF_INET6)
                flags |= MHD_USE_IPv6;
        if (cert)
                flags |= MHD_USE_TLS;
        srv->daemon = MHD_start_daemon(
                flags, 0, NULL, NULL, http_on_request, ctx, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
                MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONNECTION_MEMORY,
                MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTIONS_MAX,
                MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_IDLE_SECONDS,
                MHD_OPTION_NOTIFY_COMPLETED, http_on_completed, NULL,
                MHD_OPTION_STRICT_FOR_CLIENT, (int)1, cert ? MHD_OPTION_HTTPS_MEM_CERT
                                                          : MHD_OPTION_END,
                cert, MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_END);
        if (!srv->daemon)
                return jailor_error_set(err, EADDRINUSE,
                                        "Cannot listen on '%s' (in use, or not an address of "
                                        "this host)",
                                        opts->listen);
        return 0;
}

/* Lets answers and event streams finish, then stops the daemon. */
static void shut_down(struct server *srv)
{
        sse_end_all();
        ws_shell_end_all();
        for (int i = 0; i < 20 && sse_count(); i++) {
                loop_run_once(50);
                MHD_run(srv->daemon);
        }
        MHD_stop_daemon(srv->daemon);
        sessions_clear();
}

int serve_run(struct jailor_ctx *ctx, const struct serve_options *opts, struct jailor_error *err)
{
        struct server srv = {.signal_fd = -1, .timer_fd = -1};
        _cleanup_free_ char *cert = NULL, *key = NULL;
        struct addrinfo *ai = NULL;
        const union MHD_DaemonInfo *info;
        char host[NI_MAXHOST];
        int r;

        if (!opts->tls_cert != !opts->tls_key)
                return jailor_error_set(err, EINVAL, "--tls-cert and --tls-key go together");
        if (opts->tls_cert && !MHD_is_feature_supported(MHD_FEATURE_TLS))
                return jailor_error_set(err, EOPNOTSUPP, "This libmicrohttpd has no TLS");
        r = resolve(opts->listen, &ai, err);
        if (r < 0)
                return r;
        /* first, while no key and no session is in memory (zygote.h) */
        r = zygote_start(ctx);
        if (r < 0) {
                freeaddrinfo(ai);
                return jailor_error_errno(err, -r, "Cannot start the worker launcher");
        }
        r = loop_init();
        if (r < 0) {
                r = jailor_error_errno(err, -r, "Cannot make the server's loop");
                goto out;
        }
        if (opts->tls_cert && (read_pem(opts->tls_cert, &cert, err) < 0 ||
                               read_pem(opts->tls_key, &key, err) < 0)) {
                r = -err->errnum;
                goto out;
        }
        r = setup_signals(&srv, err);
        if (r == 0)
                r = start_daemon(&srv, ctx, opts, ai, cert, key, err);
        if (r < 0)
                goto out;
        info = MHD_get_daemon_info(srv.daemon, MHD_DAEMON_INFO_EPOLL_FD);
        loop_add(info->epoll_fd, on_mhd, &srv);
        loop_add(srv.signal_fd, on_signal, &srv);
        loop_add(srv.timer_fd, on_timer, &srv);
        loop_add(zygote_fd(), on_launcher, &srv);
        getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), NULL, 0, NI_NUMERICHOST);
        auth_loopback_only = is_loopback(ai);
        info = MHD_get_daemon_info(srv.daemon, MHD_DAEMON_INFO_BIND_PORT);
        printf("Listening on %s://%s%s%s:%u/\n", cert ? "https" : "http",
               ai->ai_family == AF_INET6 ? "[" : "", host, ai->ai_family == AF_INET6 ? "]" : "",
               (unsigned)info->port);
        fflush(stdout);

        while (!srv.stop_requests || jobs_running() > 0) {
                loop_run_once(wait_ms(&srv));
                MHD_run(srv.daemon);
        }
        shut_down(&srv);
        r = 0;
out:
        loop_done();
        zygote_stop();
        if (srv.signal_fd >= 0)
                close(srv.signal_fd);
        if (srv.timer_fd >= 0)
                close(srv.timer_fd);
        freeaddrinfo(ai);
        if (key)
                explicit_bzero(key, strlen(key));
        return r;
}
