/* SPDX-License-Identifier: MIT */
/* A jail's shell over a WebSocket (ws_shell.h): who may open it, and the handshake. */
#include "ws_shell.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sessions.h"
#include "util/cleanup.h"
#include "ws_frame.h"
#include "ws_relay.h"

#define SUBPROTOCOL "jailor-shell"
#define CSRF_PROTOCOL_PREFIX "jailor-csrf-"
#define SHELLS_MAX 32 /* each is a worker, apart from the jobs' own bound */

static bool header_has(struct request *r, const char *name, const char *token)
{
        const char *v = request_header(r, name);

        for (const char *p = v; p && *p;) {
                size_t len;

                p += strspn(p, " \t,");
                len = strcspn(p, " \t,");
                if (len == strlen(token) && strncasecmp(p, token, len) == 0)
                        return true;
                p += len;
        }
        return false;
}

/* The CSRF token a session offered as a subprotocol, or NULL. */
static char *offered_csrf(struct request *r)
{
        const char *v = request_header(r, "Sec-WebSocket-Protocol");

        for (const char *p = v; p && *p;) {
                size_t len;

                p += strspn(p, " \t,");
                len = strcspn(p, " \t,");
                if (len > strlen(CSRF_PROTOCOL_PREFIX) &&
                    strncmp(p, CSRF_PROTOCOL_PREFIX, strlen(CSRF_PROTOCOL_PREFIX)) == 0)
                        return strndup(p + strlen(CSRF_PROTOCOL_PREFIX),
                                       len - strlen(CSRF_PROTOCOL_PREFIX));
                p += len;
        }
        return NULL;
}

/* A WebSocket is not bound by the same-origin policy: the browser's Origin must be ours. */
static int check_origin(struct request *r)
{
        const char *origin = request_header(r, "Origin"), *host = request_header(r, "Host");
        _cleanup_free_ char *own = NULL;

        if (!origin)
                return r->session ? -1 : 0; /* browsers always send it; other clients have tokens */
        if (!host || asprintf(&own, "%s://%s", r->tls ? "https" : "http", host) < 0)
                return -1;
        return STREQ(origin, own) ? 0 : -1;
}

void api_jails_shell(struct request *r)
{
        const char *key = request_header(r, "Sec-WebSocket-Key");
        _cleanup_free_ char *csrf = NULL;
        char accept[WS_ACCEPT_LEN + 1];
        struct MHD_Response *resp;
        struct shell *sh;

        shells_drop_stale();
        if (!header_has(r, "Upgrade", "websocket") || !header_has(r, "Connection", "upgrade") ||
            !key || !header_has(r, "Sec-WebSocket-Version", "13")) {
                reply_error(r, 400, "not_websocket", NULL,
                            "This endpoint speaks WebSocket (version 13) only");
                return;
        }
        if (check_origin(r) < 0) {
                reply_error(r, 403, "cross_site", NULL,
                            "Refused: the shell's WebSocket comes from origin '%s', not from "
                            "this server",
                            request_header(r, "Origin") ?: "(none)");
                return;
        }
        csrf = offered_csrf(r);
        if (r->session && (!csrf || !secrets_equal(csrf, r->session->csrf))) {
                reply_error(r, 403, "csrf", NULL,
                            "The shell needs the session's CSRF token as subprotocol "
                            "'" CSRF_PROTOCOL_PREFIX "TOKEN'");
                return;
        }
        if (shells_count() >= SHELLS_MAX) {
                reply_error(r, 503, "too_many_shells", NULL,
                            "%d shells are open already: close one first", SHELLS_MAX);
                reply_header(r, "Retry-After", "5");
                return;
        }
        if (ws_accept_key(key, accept) < 0) {
                reply_error(r, 400, "not_websocket", NULL, "Invalid Sec-WebSocket-Key");
                return;
        }
        sh = shell_new(r->params[0], r->session ? r->session->id : NULL);
        if (!sh) {
                reply_error(r, 500, "failed", NULL, "Out of memory");
                return;
        }
        resp = MHD_create_response_for_upgrade(shell_on_upgrade, sh);
        if (!resp) {
                shell_free(sh);
                reply_error(r, 500, "failed", NULL, "Out of memory");
                return;
        }
        MHD_add_response_header(resp, "Upgrade", "websocket");
        MHD_add_response_header(resp, "Sec-WebSocket-Accept", accept);
        if (csrf || header_has(r, "Sec-WebSocket-Protocol", SUBPROTOCOL))
                MHD_add_response_header(resp, "Sec-WebSocket-Protocol", SUBPROTOCOL);
        reply_response(r, 101, resp);
}

void ws_shell_end_all(void)
{
        shells_free_all();
}
