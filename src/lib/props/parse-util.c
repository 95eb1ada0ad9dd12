/* SPDX-License-Identifier: MIT */
/* The scanning and message helpers every parser shares. */
#include "parse-internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *parse_quote(const char *s, size_t len, char buf[static PARSE_QUOTE_MAX])
{
        static const char hex[] = "0123456789abcdef";
        size_t o = 0;

        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)s[i];

                if (o + 8 >= PARSE_QUOTE_MAX) {
                        memcpy(buf + o, "...", 3);
                        o += 3;
                        break;
                }
                if (c >= 0x20 && c != 0x7f) {
                        buf[o++] = (char)c;
                } else if (c == '\n' || c == '\t') {
                        buf[o++] = '\\';
                        buf[o++] = c == '\n' ? 'n' : 't';
                } else {
                        buf[o++] = '\\';
                        buf[o++] = 'x';
                        buf[o++] = hex[c >> 4];
                        buf[o++] = hex[c & 15];
                }
        }
        buf[o] = '\0';
        return buf;
}

/* "Invalid LEAD 'INPUT' CONNECTOR 'WHAT': RULE" */
__attribute__((format(printf, 7, 0))) static int
parse_vfail(struct jailor_error *err, const char *lead, const char *connector, const char *what,
            const char *input, size_t len, const char *fmt, va_list ap)
{
        char quoted[PARSE_QUOTE_MAX], rule[JAILOR_ERROR_MAX / 2];

        vsnprintf(rule, sizeof(rule), fmt, ap);
        parse_quote(input, len, quoted);
        if (what)
                return jailor_error_set(err, EINVAL, "Invalid %s '%s' %s '%s': %s", lead, quoted,
                                        connector, what, rule);
        return jailor_error_set(err, EINVAL, "Invalid %s '%s': %s", lead, quoted, rule);
}

int parse_fail(struct jailor_error *err, const char *what, const char *value, const char *fmt, ...)
{
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = parse_vfail(err, "value", "for", what, value, strlen(value), fmt, ap);
        va_end(ap);
        return r;
}

int parse_fail_entry(struct jailor_error *err, const char *what, const char *entry, size_t len,
                     const char *fmt, ...)
{
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = parse_vfail(err, "entry", "in", what, entry, len, fmt, ap);
        va_end(ap);
        return r;
}

int parse_oom(struct jailor_error *err)
{
        return jailor_error_set(err, ENOMEM, "Out of memory");
}

int parse_digits(const char *s, size_t len, uint64_t max, uint64_t *ret)
{
        uint64_t v = 0;

        if (len == 0)
                return -EINVAL;
        for (size_t i = 0; i < len; i++)
                if (s[i] < '0' || s[i] > '9')
                        return -EINVAL;
        for (size_t i = 0; i < len; i++) {
                unsigned d = (unsigned)(s[i] - '0');

                if (v > (max - d) / 10)
                        return -ERANGE;
                v = v * 10 + d;
        }
        *ret = v;
        return 0;
}

bool parse_word_eq(const char *s, size_t len, const char *word)
{
        return strlen(word) == len && strncasecmp(s, word, len) == 0;
}

void parse_iter_init(struct parse_iter *it, const char *s, char sep)
{
        it->pos = s;
        it->sep = sep;
        it->done = false;
}

static bool is_blank(char c)
{
        return c == ' ' || c == '\t';
}

bool parse_iter_next(struct parse_iter *it, const char **ret, size_t *ret_len)
{
        const char *start = it->pos, *end;

        if (it->done)
                return false;
        end = strchr(start, it->sep);
        if (end) {
                it->pos = end + 1;
        } else {
                end = start + strlen(start);
                it->done = true;
        }
        while (start < end && is_blank(*start))
                start++;
        while (end > start && is_blank(end[-1]))
                end--;
        *ret = start;
        *ret_len = (size_t)(end - start);
        return true;
}

size_t parse_count(const char *s, char sep)
{
        size_t n = 1;

        for (; *s; s++)
                if (*s == sep)
                        n++;
        return n;
}

static const char *parse_port(const char *s, size_t len, uint16_t *ret)
{
        uint64_t v = 0;
        int r = parse_digits(s, len, 65535, &v);

        if (r == -EINVAL)
                return "expected a port number";
        if (r < 0 || v < 1)
                return "ports are 1-65535";
        *ret = (uint16_t)v;
        return NULL;
}

const char *parse_port_range(const char *s, size_t len, uint16_t *first, uint16_t *last)
{
        const char *dash = memchr(s, '-', len), *rule;

        if (!dash) {
                rule = parse_port(s, len, first);
                *last = *first;
                return rule;
        }
        rule = parse_port(s, (size_t)(dash - s), first);
        if (!rule)
                rule = parse_port(dash + 1, len - (size_t)(dash - s) - 1, last);
        if (!rule && *first > *last)
                rule = "a port range must go from low to high";
        return rule;
}

const char *parse_dns_name_rule(const char *s, size_t len, bool allow_trailing_dot)
{
        size_t label = 0;

        if (allow_trailing_dot && len > 1 && s[len - 1] == '.')
                len--;
        if (len == 0)
                return "a name cannot be empty";
        for (size_t i = 0; i <= len; i++) {
                char c = i < len ? s[i] : '.';

                if (c == '.') {
                        if (label == 0)
                                return "empty label between dots";
                        if (s[i - 1] == '-')
                                return "a label cannot end with '-'";
                        label = 0;
                        continue;
                }
                if (!isascii(c) || !(isalnum(c) || c == '-'))
                        return "only letters, digits, '-' and '.' are allowed";
                if (label == 0 && c == '-')
                        return "a label cannot start with '-'";
                if (++label > 63)
                        return "a label is at most 63 characters";
        }
        return NULL;
}

char *parse_stream_end(FILE *f, char **buf)
{
        bool bad = ferror(f);

        if (fclose(f) != 0 || bad) {
                free(*buf);
                *buf = NULL;
        }
        return *buf;
}

bool parse_inet(const char *s, size_t len, int family, void *ret)
{
        char tmp[INET6_ADDRSTRLEN];

        if (len == 0 || len >= sizeof(tmp))
                return false;
        memcpy(tmp, s, len);
        tmp[len] = '\0';
        return inet_pton(family, tmp, ret) == 1;
}
