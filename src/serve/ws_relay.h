/* SPDX-License-Identifier: MIT */
/*
 * The shell's relay in the server (ws_shell.h): the upgraded socket on one
 * side, the worker (its messages, its terminal's master) on the other, all
 * in an epoll set of the shell's own that the server's loop watches.
 */
#pragma once

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <time.h>

#include "byte_queue.h"
#include "sessions.h"
#include "worker.h"

struct shell {
        char *jail;
        char session[sizeof(((struct session *)0)->id)]; /* "" for a bearer token */
        time_t created;
        bool upgraded, closing, gone;
        time_t draining; /* since when our side is shut: waiting for the browser to close */
        /* the browser */
        int sock;
        struct MHD_UpgradeResponseHandle *urh;
        struct byte_queue in, to_browser;
        /* the worker and its terminal */
        pid_t worker;
        int msg_fd, pty;
        struct byte_queue msgs, to_pty;
        struct winsize size;
        int exit_status; /* -1 until the worker says */
        char *error;
        int epfd;
        struct shell *next;
};

/* A shell for jail (session: its id, or NULL for a bearer token), waiting for its upgrade. */
struct shell *shell_new(const char *jail, const char *session);
void shell_free(struct shell *sh);
/* libmicrohttpd's upgrade handler: starts the worker and the relay (cls: the shell). */
void shell_on_upgrade(void *cls, struct MHD_Connection *conn, void *con_cls, const char *extra,
                      size_t extra_len, MHD_socket sock, struct MHD_UpgradeResponseHandle *urh);
/* The shells open or being opened. */
size_t shells_count(void);
/* Frees handshakes never used and shells whose browser never closed. */
void shells_drop_stale(void);
void shells_free_all(void);

/* In the worker (ws_shell_worker.c): the shell on a terminal of its own, the master sent to the server. */
int shell_worker(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err);
