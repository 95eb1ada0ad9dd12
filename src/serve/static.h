/* SPDX-License-Identifier: MIT */
/*
 * The web UI's files (web/ in the source tree, share/jailor/web installed),
 * served by `jailor serve` at every path outside /api/.
 *
 * Which directory: `--ui DIR`; otherwise the source tree's web/ when the
 * running jailor is the one in its build directory (make build; tests),
 * else the installed one (JAILOR_WEB_DIR).  Files are opened beneath that
 * directory only (openat2 RESOLVE_BENEATH: no "..", no link out), hidden
 * files are never served, and every answer carries the security headers
 * (a Content-Security-Policy allowing only this origin, no framing, no
 * sniffing) and is revalidated by ETag.
 */
#pragma once

#include <stdbool.h>

#include "error.h"
#include "http.h"

/* Chooses the directory (NULL: the default above); fails when it is not one. */
int static_set_root(const char *dir, struct jailor_error *err);
/* The directory in use. */
const char *static_root(void);
/* Answers r when it asks for a file of the UI (a path outside /api/); false otherwise. */
bool static_handles(struct request *r);
/* The headers every page of the UI carries (static files, the shell's upgrade). */
void static_security_headers(struct MHD_Response *resp);
