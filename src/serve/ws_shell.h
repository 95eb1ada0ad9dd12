/* SPDX-License-Identifier: MIT */
/*
 * GET /api/v1/jails/NAME/shell: a shell in a running jail over a WebSocket
 * (RFC 6455), for the web UI's terminal.
 *
 * Who may: the request passes the router's authentication like any other;
 * a WebSocket is not bound by the same-origin policy, so on top of that an
 * Origin must be this server's own, and a session (cookie) must offer its
 * CSRF token as the subprotocol "jailor-csrf-TOKEN" (a browser's WebSocket
 * cannot send headers); the answer picks the subprotocol "jailor-shell".
 * A session that ends (logout, expiry) ends its shells at their next frame.
 *
 * The shell (ws_relay.h, ws_shell_worker.c): a worker (worker.h) makes a pseudo-terminal on the host, sends
 * its master here (SCM_RIGHTS over the worker's message socket) and runs
 * runtime_exec as `jailor console` does with the slave as its terminal, so
 * the jail's side is a terminal of the jail's own devpts.  Binary frames
 * carry the terminal's bytes both ways; text frames carry JSON: the browser
 * sends {"resize": {"cols": C, "rows": R}}, the server sends {"exit": STATUS}
 * or {"error": MESSAGE} before it closes.  A frame from the browser is at
 * most 64 KiB and must be whole (no fragments); output waiting for a slow
 * browser is bounded, the terminal is read again once it drains.  At
 * most 32 shells are open at once (503 too_many_shells).
 */
#pragma once

#include "http.h"

void api_jails_shell(struct request *r);
/* Ends every shell (the server stops). */
void ws_shell_end_all(void);
