/* SPDX-License-Identifier: MIT */
/* The host's HTTP(S) proxy into new jails (see proxy.h for the choices). */
#include "proxy.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../conf.h"
#include "../props/parse-internal.h"
#include "../util/cleanup.h"
#include "../util/fs.h"

#define APT_DIR "/etc/apt"
#define APT_CONF_DIR "apt.conf.d"
#define APT_PROXY_FILE "/etc/apt/apt.conf.d/90jailor-proxy"

/* The variables, in the order of struct proxy_settings, each spelled both ways. */
static const char *const lower_names[] = {"http_proxy", "https_proxy", "no_proxy"};
static const char *const upper_names[] = {"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"};
#define N_VARS 3

static char **field(struct proxy_settings *p, size_t i)
{
        char **fields[N_VARS] = {&p->http, &p->https, &p->no_proxy};

        return fields[i];
}

static const char *value_of(const struct proxy_settings *p, size_t i)
{
        return *field((struct proxy_settings *)p, i);
}

/* Printable ASCII, and nothing a shell, pam_env or apt would read as quoting or expansion. */
static bool chars_are_plain(const char *s)
{
        for (; *s; s++)
                if (*s <= ' ' || *s > '~' || strchr("\"'\\`$", *s))
                        return false;
        return true;
}

const char *proxy_url_rule(const char *url)
{
        const char *rest;

        if (!chars_are_plain(url))
                return "a proxy URL is printable ASCII without spaces, quotes, backslashes, '$' or "
                       "'`' (percent-encode them)";
        if (strncasecmp(url, "http://", 7) == 0)
                rest = url + 7;
        else if (strncasecmp(url, "https://", 8) == 0)
                rest = url + 8;
        else
                return "a proxy is an http:// or https:// URL, such as http://proxy.example.org:3128";
        if (*rest == '\0' || *rest == '/')
                return "a proxy URL needs a host after its scheme";
        return NULL;
}

const char *no_proxy_rule(const char *list)
{
        if (!chars_are_plain(list))
                return "no_proxy is a list of hosts, domains and addresses separated by ',' without "
                       "spaces, quotes, backslashes, '$' or '`'";
        return NULL;
}

static const char *nonempty(const char *s)
{
        return s && *s ? s : NULL;
}

/* The environment's value of variable i: lower case first, as curl and apt read it. */
static const char *env_value(size_t i, const char **ret_name)
{
        const char *v = nonempty(getenv(lower_names[i]));

        *ret_name = lower_names[i];
        if (!v) {
                v = nonempty(getenv(upper_names[i]));
                *ret_name = upper_names[i];
        }
        return v;
}

int proxy_settings_load(const struct jailor_ctx *ctx, struct proxy_settings *ret,
                        struct jailor_error *err)
{
        struct jailor_conf *conf = NULL;
        _cleanup_free_ char *conf_file = path_join(ctx->conf_dir, "jailor.conf"), *where = NULL;
        const char *values[N_VARS], *names[N_VARS];
        struct proxy_settings p = {0};
        int r;

        *ret = (struct proxy_settings){0};
        if (!conf_file)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = conf_load(ctx, &conf, err);
        if (r < 0)
                return r;
        for (size_t i = 0; i < N_VARS; i++) {
                values[i] = nonempty(conf_get(conf, lower_names[i]));
                names[i] = lower_names[i];
        }
        /* jailor.conf's proxy is whole: nothing of it is mixed with the environment's */
        if (values[0] || values[1]) {
                where = strjoin("'", conf_file, "'", NULL);
        } else {
                for (size_t i = 0; i < N_VARS; i++)
                        values[i] = env_value(i, &names[i]);
                where = strdup("the environment");
        }
        if (!where) {
                conf_free(conf);
                return jailor_error_set(err, ENOMEM, "Out of memory");
        }
        /* no_proxy alone sends nothing anywhere */
        if (!values[0] && !values[1]) {
                conf_free(conf);
                return 0;
        }
        for (size_t i = 0; i < N_VARS && r == 0; i++) {
                char quoted[PARSE_QUOTE_MAX];
                const char *rule;

                if (!values[i])
                        continue;
                rule = i < 2 ? proxy_url_rule(values[i]) : no_proxy_rule(values[i]);
                if (rule)
                        r = jailor_error_set(err, EINVAL, "Invalid %s '%s' in %s: %s", names[i],
                                             parse_quote(values[i], strlen(values[i]), quoted),
                                             where, rule);
                else if (!(*field(&p, i) = strdup(values[i])))
                        r = jailor_error_set(err, ENOMEM, "Out of memory");
        }
        conf_free(conf);
        if (r < 0) {
                proxy_settings_done(&p);
                return r;
        }
        *ret = p;
        return 0;
}

void proxy_settings_done(struct proxy_settings *p)
{
        for (size_t i = 0; i < N_VARS; i++) {
                free(*field(p, i));
                *field(p, i) = NULL;
        }
}

bool proxy_settings_empty(const struct proxy_settings *p)
{
        return !p->http && !p->https && !p->no_proxy;
}

/* Whether the line (len bytes) sets one of the proxy variables, "export " or not. */
static bool sets_proxy_variable(const char *line, size_t len)
{
        const char *p = line, *end = line + len;

        p += strspn(p, " \t");
        if (end - p > 7 && strncmp(p, "export", 6) == 0 && (p[6] == ' ' || p[6] == '\t'))
                p += 6 + strspn(p + 6, " \t");
        for (size_t i = 0; i < N_VARS; i++)
                for (int upper = 0; upper < 2; upper++) {
                        const char *name = upper ? upper_names[i] : lower_names[i];
                        size_t n = strlen(name);

                        if ((size_t)(end - p) > n && strncmp(p, name, n) == 0 && p[n] == '=')
                                return true;
                }
        return false;
}

static char *stream_end(FILE *f, char **buf)
{
        if (fclose(f) != 0) {
                free(*buf);
                return NULL;
        }
        return *buf;
}

char *proxy_environment_text(const char *old, const struct proxy_settings *p)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return NULL;
        for (const char *line = old; line && *line;) {
                size_t len = strcspn(line, "\n");

                if (!sets_proxy_variable(line, len))
                        fprintf(f, "%.*s\n", (int)len, line);
                line += len + (line[len] == '\n');
        }
        for (size_t i = 0; i < N_VARS; i++)
                if (value_of(p, i))
                        fprintf(f, "%s=%s\n%s=%s\n", lower_names[i], value_of(p, i), upper_names[i],
                                value_of(p, i));
        return stream_end(f, &buf);
}

/* A no_proxy entry apt can take: an exact host name or IPv4 address (no ".domain", "*", range, port). */
static bool is_plain_host(const char *s, size_t len)
{
        if (len == 0 || !isalnum((unsigned char)s[0]))
                return false;
        for (size_t i = 0; i < len; i++)
                if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '.')
                        return false;
        return true;
}

char *proxy_apt_text(const struct proxy_settings *p)
{
        const char *schemes[] = {"http", "https"};
        const char *proxies[] = {p->http, p->https};
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return NULL;
        fputs("// Written by jailor when this jail was created: the host's proxy.\n", f);
        for (size_t s = 0; s < 2; s++)
                if (proxies[s])
                        fprintf(f, "Acquire::%s::Proxy \"%s\";\n", schemes[s], proxies[s]);
        for (const char *e = p->no_proxy; e && *e;) {
                size_t len = strcspn(e, ",");

                for (size_t s = 0; s < 2; s++)
                        if (proxies[s] && is_plain_host(e, len))
                                fprintf(f, "Acquire::%s::Proxy::%.*s \"DIRECT\";\n", schemes[s],
                                        (int)len, e);
                e += len + (e[len] == ',');
        }
        return stream_end(f, &buf);
}

static int write_text(const char *root, const char *path, char *text, struct jailor_error *err)
{
        int r;

        if (!text)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = write_file_atomic_in_root(root, path, text, strlen(text), 0644, err);
        free(text);
        return r;
}

/* apt's configuration when the jail has apt: /etc/apt/apt.conf.d made if missing. */
static int write_apt(const char *root, const struct proxy_settings *p, struct jailor_error *err)
{
        _cleanup_close_ int apt = open_in_root(root, APT_DIR, O_RDONLY | O_DIRECTORY, 0);

        if (apt == -ENOENT || apt == -ENOTDIR)
                return 0;
        if (apt < 0)
                return jailor_error_errno(err, -apt, "Cannot open '%s' in '%s'", APT_DIR, root);
        if (mkdirat(apt, APT_CONF_DIR, 0755) < 0 && errno != EEXIST)
                return jailor_error_errno(err, errno, "Cannot create '%s/%s' in '%s'", APT_DIR,
                                          APT_CONF_DIR, root);
        return write_text(root, APT_PROXY_FILE, proxy_apt_text(p), err);
}

int proxy_write_into_root(const char *root, const struct proxy_settings *p,
                          struct jailor_error *err)
{
        _cleanup_free_ char *old = NULL;
        int r;

        if (proxy_settings_empty(p))
                return 0;
        r = read_file_in_root(root, "/etc/environment", &old, err);
        if (r < 0 && r != -ENOENT)
                return r;
        jailor_error_clear(err);
        r = write_text(root, "/etc/environment", proxy_environment_text(old, p), err);
        if (r < 0)
                return r;
        return write_apt(root, p, err);
}
