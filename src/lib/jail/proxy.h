/* SPDX-License-Identifier: MIT */
/*
 * Proxy propagation (SPEC §7): the host's HTTP(S) proxy goes into each new
 * jail, so that its package manager and programs reach the network the way
 * the host does.
 *
 * Where the proxy comes from: jailor.conf's http_proxy, https_proxy and
 * no_proxy when it sets http_proxy or https_proxy (all three are then taken
 * from the file, none from the environment: the administrator's setting is
 * whole, whoever runs jailor); otherwise the environment of the command,
 * each variable in lower case first (what curl and apt read), then upper
 * case.  Empty values count as unset.
 *
 * What a new jail gets (at create; a jail's files are its own afterwards):
 *   /etc/environment     http_proxy/HTTP_PROXY, https_proxy/HTTPS_PROXY,
 *                        no_proxy/NO_PROXY replaced, every other line kept
 *   /etc/apt/apt.conf.d/90jailor-proxy, when the jail has /etc/apt:
 *                        Acquire::http::Proxy and Acquire::https::Proxy,
 *                        and "DIRECT" for the plain host names of no_proxy
 *                        (apt has no domain or address-range exceptions)
 * No proxy: nothing is written.  DNS is not proxied: name lookups in the
 * jail go to the servers of its resolv.conf (resolver.h).
 */
#pragma once

#include <stdbool.h>

#include "../context.h"

struct proxy_settings {
        char *http;     /* NULL: not set */
        char *https;
        char *no_proxy;
};

/*
 * Reads the proxy settings (see above) and checks them: a proxy is an
 * http:// or https:// URL with a host, and neither it nor no_proxy holds
 * white space, quotes, backslashes, '$', '`' or control characters (they
 * would break the files above).  EINVAL with one line naming the variable,
 * where it was set and the rule.  No proxy anywhere: 0, every field NULL.
 */
int proxy_settings_load(const struct jailor_ctx *ctx, struct proxy_settings *ret,
                        struct jailor_error *err);
void proxy_settings_done(struct proxy_settings *p);
bool proxy_settings_empty(const struct proxy_settings *p);

/* NULL when url is a proxy jailor writes, else the rule it breaks. */
const char *proxy_url_rule(const char *url);
/* NULL when list is a no_proxy jailor writes, else the rule it breaks. */
const char *no_proxy_rule(const char *list);

/* old /etc/environment (may be NULL) with the proxy variables replaced; NULL on out of memory. */
char *proxy_environment_text(const char *old, const struct proxy_settings *p);
/* The apt configuration file's text; NULL on out of memory. */
char *proxy_apt_text(const struct proxy_settings *p);

/*
 * Writes the proxy into the jail's root (paths resolved inside it, files
 * replaced atomically, mode 0644).  Nothing when p is empty.
 */
int proxy_write_into_root(const char *root, const struct proxy_settings *p,
                          struct jailor_error *err);
