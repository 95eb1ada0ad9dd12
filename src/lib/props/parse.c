/* SPDX-License-Identifier: MIT */
/* Scalar values: booleans, integers, sizes, free text, names, hostnames, interface names. */
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse-internal.h"
#include "../util/cleanup.h"

int parse_bool(const char *what, const char *s, bool *ret, struct jailor_error *err)
{
        static const char *const yes[] = {"1", "on", "yes", "true"};
        static const char *const no[] = {"0", "off", "no", "false"};

        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (strcasecmp(s, yes[i]) == 0) {
                        *ret = true;
                        return 0;
                }
                if (strcasecmp(s, no[i]) == 0) {
                        *ret = false;
                        return 0;
                }
        }
        return parse_fail(err, what, s, "expected on/off, yes/no, true/false or 1/0");
}

int parse_int(const char *what, const char *s, long long min, long long max, long long *ret,
              struct jailor_error *err)
{
        bool negative = s[0] == '-' && min < 0;
        uint64_t limit = negative ? (uint64_t)(-(min + 1)) + 1 : (uint64_t)(max < 0 ? 0 : max);
        uint64_t v;
        long long value;
        int r;

        r = parse_digits(s + negative, strlen(s + negative), limit, &v);
        if (r == 0) {
                value = negative ? (long long)(0 - v) : (long long)v;
                if (value >= min && value <= max) {
                        *ret = value;
                        return 0;
                }
        } else if (r == -EINVAL) {
                return parse_fail(err, what, s, "expected a whole number from %lld to %lld", min,
                                  max);
        }
        return parse_fail(err, what, s, "out of range %lld to %lld", min, max);
}

const char *parse_size_rule(const char *s, size_t len, uint64_t *ret)
{
        static const char units[] = "KMGTP";
        size_t digits = strspn(s, "0123456789");
        const char *suffix = s + digits, *end = s + len, *u;
        unsigned shift = 0;
        uint64_t v;

        if (digits > len)
                digits = len;
        if (len > 0 && s[0] == '-')
                return "a size cannot be negative";
        if (digits == 0)
                return "expected a whole number of bytes with an optional K, M, G, T or P suffix "
                       "(such as 512M)";
        if (suffix < end) {
                u = memchr(units, toupper((unsigned char)*suffix), 5);
                if (u) {
                        shift = 10 * (unsigned)(u - units + 1);
                        suffix++;
                }
                if (suffix < end && !parse_word_eq(suffix, (size_t)(end - suffix), "B") &&
                    !(shift && parse_word_eq(suffix, (size_t)(end - suffix), "iB")))
                        return "expected a whole number of bytes with an optional K, M, G, T or P "
                               "suffix (such as 512M)";
        }
        if (parse_digits(s, digits, UINT64_MAX, &v) < 0 || v > (uint64_t)INT64_MAX >> shift)
                return "larger than the largest size, 8E";
        *ret = v << shift;
        return NULL;
}

int parse_size(const char *what, const char *s, uint64_t *ret, struct jailor_error *err)
{
        const char *rule;

        if (strcasecmp(s, "off") == 0 || strcasecmp(s, "none") == 0) {
                *ret = 0;
                return 0;
        }
        rule = parse_size_rule(s, strlen(s), ret);
        if (rule)
                return parse_fail(err, what, s, "%s%s", rule,
                                  strncmp(rule, "expected", 8) == 0 ? ", or none" : "");
        return 0;
}

const char *format_size(uint64_t bytes, char buf[static FORMAT_SIZE_MAX])
{
        static const char units[] = "PTGMK";

        for (unsigned i = 0; i < 5; i++) {
                unsigned shift = 10 * (5 - i);

                if (bytes >> shift && (bytes & ((UINT64_C(1) << shift) - 1)) == 0) {
                        snprintf(buf, FORMAT_SIZE_MAX, "%llu%c",
                                 (unsigned long long)(bytes >> shift), units[i]);
                        return buf;
                }
        }
        snprintf(buf, FORMAT_SIZE_MAX, "%llu", (unsigned long long)bytes);
        return buf;
}

int parse_text(const char *what, const char *s, size_t max_len, bool allow_empty,
               struct jailor_error *err)
{
        size_t len = strlen(s);

        if (len == 0 && !allow_empty)
                return parse_fail(err, what, s, "cannot be empty");
        if (len > max_len)
                return parse_fail(err, what, s, "longer than %zu characters", max_len);
        for (size_t i = 0; i < len; i++)
                if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
                        return parse_fail(err, what, s,
                                          "must be one line without control characters");
        return 0;
}

/* ---- names ---- */

const char *parse_name_rule(const char *s, size_t len)
{
        static const char *const reserved[] = {"default", "ALL", "help"};

        if (len == 0 || len > NAME_MAX_LEN)
                return "a name is 1 to 64 characters";
        for (size_t i = 0; i < len; i++)
                if (!isascii(s[i]) || !(isalnum(s[i]) || (s[i] && strchr("._-", s[i]))))
                        return "only letters, digits, '.', '-' and '_' are allowed";
        if (s[0] == '-' || s[0] == '.')
                return "a name cannot start with '-' or '.'";
        for (size_t i = 0; i < ELEMENTSOF(reserved); i++)
                if (parse_word_eq(s, len, reserved[i]))
                        return "default, ALL and help are reserved";
        return NULL;
}

bool name_is_valid(const char *s)
{
        return !parse_name_rule(s, strlen(s));
}

int parse_name(const char *kind, const char *s, struct jailor_error *err)
{
        const char *rule = parse_name_rule(s, strlen(s));
        char quoted[PARSE_QUOTE_MAX];

        if (!rule)
                return 0;
        return jailor_error_set(err, EINVAL, "Invalid %s name '%s': %s", kind ? kind : "jail",
                                parse_quote(s, strlen(s), quoted), rule);
}

int parse_name_list(const char *what, const char *s, char ***ret, struct jailor_error *err)
{
        _cleanup_strv_free_ char **v = NULL;
        size_t n = 0;

        v = calloc(strlen(s) / 2 + 2, sizeof(char *));
        if (!v)
                return parse_oom(err);
        if (strcasecmp(s, "none") == 0)
                goto done;
        for (const char *p = s;;) {
                const char *rule;
                size_t len;

                p += strspn(p, " \t");
                if (!*p)
                        break;
                len = strcspn(p, " \t");
                rule = parse_name_rule(p, len);
                if (rule)
                        return parse_fail_entry(err, what, p, len, "%s", rule);
                for (size_t i = 0; i < n; i++)
                        if (strlen(v[i]) == len && memcmp(v[i], p, len) == 0)
                                return parse_fail_entry(err, what, p, len, "listed twice");
                v[n] = strndup(p, len);
                if (!v[n++])
                        return parse_oom(err);
                p += len;
        }
done:
        *ret = TAKE_PTR(v);
        return 0;
}

char *format_name_list(char *const *names)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *f;

        if (!names || !names[0])
                return strdup("none");
        f = open_memstream(&buf, &size);
        if (!f)
                return NULL;
        for (size_t i = 0; names[i]; i++)
                fprintf(f, "%s%s", i ? " " : "", names[i]);
        return parse_stream_end(f, &buf);
}

int parse_hostname(const char *what, const char *s, struct jailor_error *err)
{
        size_t len = strlen(s);
        const char *rule = parse_dns_name_rule(s, len, false);

        if (!rule && len > HOSTNAME_MAX_LEN)
                rule = "at most 64 characters";
        if (rule)
                return parse_fail(err, what, s, "%s", rule);
        return 0;
}

char *hostname_from_name(const char *name)
{
        _cleanup_free_ char *mapped = strdup(name);
        char *out, *o;

        if (!mapped)
                return NULL;
        for (char *p = mapped; *p; p++)
                if (!isascii(*p) || !(isalnum(*p) || *p == '.'))
                        *p = '-';
        out = calloc(1, strlen(mapped) + 5);
        if (!out)
                return NULL;
        o = out;
        /* keep each label's inner part: no '-' at its ends, no empty labels */
        for (char *save, *label = strtok_r(mapped, ".", &save); label;
             label = strtok_r(NULL, ".", &save)) {
                size_t len;

                label += strspn(label, "-");
                len = strlen(label);
                while (len && label[len - 1] == '-')
                        len--;
                if (len > 63)
                        len = 63;
                while (len && label[len - 1] == '-')
                        len--;
                if (!len)
                        continue;
                if ((size_t)(o - out) + (o != out) + len > HOSTNAME_MAX_LEN)
                        break;
                if (o != out)
                        *o++ = '.';
                memcpy(o, label, len);
                o += len;
        }
        if (o == out)
                strcpy(out, "jail");
        return out;
}

bool ifname_is_valid(const char *s)
{
        size_t len = strlen(s);

        if (len == 0 || len >= IFNAMSIZ || STREQ(s, ".") || STREQ(s, ".."))
                return false;
        for (; *s; s++)
                if (*s <= ' ' || *s == 0x7f || strchr("/:%", *s))
                        return false;
        return true;
}

int parse_ifname(const char *what, const char *s, struct jailor_error *err)
{
        if (ifname_is_valid(s))
                return 0;
        return parse_fail(err, what, s,
                          "an interface name is 1 to 15 characters without '/', ':', '%%' or "
                          "spaces");
}
