/* SPDX-License-Identifier: MIT */
/* The resolver property: what the jail's /etc/resolv.conf becomes at start. */
#include "parse.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse-internal.h"
#include "../util/cleanup.h"

#define DNS_NAME_MAX 253

static const char *nameserver_rule(const char *s, size_t len)
{
        const char *pct = memchr(s, '%', len);
        struct in6_addr a6;
        struct in_addr a4;
        char scope[IFNAMSIZ] = "";

        if (!pct)
                return parse_inet(s, len, AF_INET, &a4) || parse_inet(s, len, AF_INET6, &a6)
                           ? NULL
                           : "a nameserver must be an IPv4 or IPv6 address";
        if (len - (size_t)(pct - s) - 1 < IFNAMSIZ)
                memcpy(scope, pct + 1, len - (size_t)(pct - s) - 1);
        if (!parse_inet(s, (size_t)(pct - s), AF_INET6, &a6) || !IN6_IS_ADDR_LINKLOCAL(&a6) ||
            !ifname_is_valid(scope))
                return "only an IPv6 link-local nameserver takes a %scope";
        return NULL;
}

static const char *domain_rule(const char *s, size_t len)
{
        if (len > DNS_NAME_MAX)
                return "a domain name is at most 253 characters";
        return parse_dns_name_rule(s, len, true);
}

static const char *option_rule(const char *s, size_t len)
{
        size_t name = 0;

        while (name < len && (isalnum((unsigned char)s[name]) || s[name] == '-' || s[name] == '_'))
                name++;
        if (name > 0 && (name == len || (s[name] == ':' && name + 1 < len &&
                                         strspn(s + name + 1, "0123456789") >= len - name - 1)))
                return NULL;
        return "an option is a word with an optional :NUMBER, such as ndots:2";
}

/* Checks one line, writing it with single spaces to f. */
static const char *resolver_line_rule(const char *s, size_t len, FILE *f)
{
        static const struct {
                const char *keyword;
                unsigned min, max; /* number of arguments */
                const char *(*rule)(const char *s, size_t len);
        } kinds[] = {
            {"nameserver", 1, 1, nameserver_rule},
            {"search", 1, 64, domain_rule},
            {"domain", 1, 1, domain_rule},
            {"options", 1, 64, option_rule},
        };
        size_t klen = strcspn(s, " \t");
        const char *p = s + klen, *end = s + len;
        unsigned n = 0;

        if (klen > len)
                klen = len;
        for (size_t k = 0; k < ELEMENTSOF(kinds); k++) {
                if (strlen(kinds[k].keyword) != klen || memcmp(s, kinds[k].keyword, klen) != 0)
                        continue;
                fputs(kinds[k].keyword, f);
                for (;;) {
                        const char *rule;
                        size_t alen;

                        while (p < end && (*p == ' ' || *p == '\t'))
                                p++;
                        if (p >= end)
                                break;
                        alen = strcspn(p, " \t");
                        if (alen > (size_t)(end - p))
                                alen = (size_t)(end - p);
                        rule = kinds[k].rule(p, alen);
                        if (rule)
                                return rule;
                        fprintf(f, " %.*s", (int)alen, p);
                        p += alen;
                        n++;
                }
                if (n < kinds[k].min || n > kinds[k].max)
                        return kinds[k].max == 1 ? "this keyword takes exactly one argument"
                                                 : "this keyword needs an argument";
                return NULL;
        }
        return "a line must start with nameserver, search, domain or options";
}

int parse_resolver(const char *what, const char *s, struct resolver *ret, struct jailor_error *err)
{
        _cleanup_strv_free_ char **lines = NULL;
        struct parse_iter it;
        const char *line;
        size_t n = 0, len;

        *ret = (struct resolver){0};
        if (STREQ(s, "/etc/resolv.conf"))
                return 0;
        if (strcasecmp(s, "none") == 0 || STREQ(s, "/dev/null")) {
                ret->kind = RESOLVER_NONE;
                return 0;
        }
        for (const char *p = s; *p; p++)
                if ((unsigned char)*p < 0x20 && *p != '\t')
                        return parse_fail(err, what, s,
                                          "must be one line: separate resolv.conf lines with ';'");
        lines = calloc(parse_count(s, ';') + 1, sizeof(char *));
        if (!lines)
                return parse_oom(err);
        parse_iter_init(&it, s, ';');
        while (parse_iter_next(&it, &line, &len)) {
                char *buf = NULL;
                size_t size = 0;
                const char *rule;
                FILE *f;

                if (len == 0)
                        continue;
                f = open_memstream(&buf, &size);
                if (!f)
                        return parse_oom(err);
                rule = resolver_line_rule(line, len, f);
                if (!parse_stream_end(f, &buf))
                        return parse_oom(err);
                if (rule) {
                        free(buf);
                        return parse_fail_entry(err, what, line, len, "%s", rule);
                }
                lines[n++] = buf;
        }
        if (n == 0)
                return parse_fail(err, what, s,
                                  "expected /etc/resolv.conf, none, /dev/null or resolv.conf "
                                  "lines separated by ';'");
        ret->kind = RESOLVER_LINES;
        ret->lines = TAKE_PTR(lines);
        return 0;
}

char *format_resolver(const struct resolver *r)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *f;

        if (r->kind == RESOLVER_HOST)
                return strdup("/etc/resolv.conf");
        if (r->kind == RESOLVER_NONE)
                return strdup("none");
        f = open_memstream(&buf, &size);
        if (!f)
                return NULL;
        for (size_t i = 0; r->lines[i]; i++)
                fprintf(f, "%s%s", i ? ";" : "", r->lines[i]);
        return parse_stream_end(f, &buf);
}

void resolver_done(struct resolver *r)
{
        strv_freep(&r->lines);
        *r = (struct resolver){0};
}
