/* SPDX-License-Identifier: MIT */
/*
 * Logging in with a host account: PAM service "jailor" (installed as
 * /etc/pam.d/jailor; where it is missing, PAM uses its "other" service,
 * which on Debian is the common-auth/common-account stack), then the
 * account must be root (uid 0) or a member of the group named by
 * `api_group` in jailor.conf (default "jailor").
 *
 * Runs in a worker: PAM may sleep seconds after a wrong password
 * (pam_faildelay), which must not stall the server.
 */
#pragma once

#include "worker.h"

#define JAILOR_PAM_SERVICE "jailor"
#define API_GROUP_DEFAULT "jailor"

/* args: {"body": {"username", "password"}} -> {"user": NAME}; EACCES when refused. */
int pam_login(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err);
