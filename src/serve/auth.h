/* SPDX-License-Identifier: MIT */
/*
 * Who may ask, and from where.
 *
 * A request is authenticated by `Authorization: Bearer TOKEN` (tokens.h)
 * or by the session cookie (sessions.h); anything else gets 401.  Every
 * state-changing request (POST, PUT, PATCH, DELETE) is refused (403
 * cross_site) when its Origin is not this server's own or when
 * Sec-Fetch-Site says another site sent it; one authenticated by the
 * session cookie must also echo the session's CSRF token in X-CSRF-Token
 * (403 csrf).  Bearer tokens need no CSRF token: a browser never adds
 * them by itself.
 */
#pragma once

#include <stdbool.h>

#include "http.h"

/*
 * True when the server listens on a loopback address only: requests must
 * then name a loopback host (localhost, 127.0.0.0/8, ::1) in Host, so a
 * page whose own name was made to resolve to 127.0.0.1 (DNS rebinding)
 * cannot talk to it.
 */
extern bool auth_loopback_only;

/* Answers 400 and returns -1 when Host is not a loopback name while auth_loopback_only. */
int auth_check_host(struct request *r);

/* Sets r->user; answers 401 and returns -1 when nobody is recognised. */
int auth_identify(struct request *r);
/* Answers 403 and returns -1 when a state-changing request came from elsewhere. */
int auth_check_origin(struct request *r);
/* Answers 403 and returns -1 when a session's request lacks its CSRF token. */
int auth_check_csrf(struct request *r);
