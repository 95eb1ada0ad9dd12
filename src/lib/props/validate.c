/* SPDX-License-Identifier: MIT */
/* Validators of the property table: a parser of parse.h, then the canonical spelling. */
#include "validate.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "parse.h"
#include "parse-internal.h"
#include "../util/cleanup.h"

#define TEXT_MAX 1024
#define COMMAND_MAX 4096

/* Hands a formatted canonical string to the caller. */
static int give(char **ret, char *canonical, struct jailor_error *err)
{
        if (!canonical)
                return parse_oom(err);
        *ret = canonical;
        return 0;
}

static int give_copy(char **ret, const char *canonical, struct jailor_error *err)
{
        return give(ret, strdup(canonical), err);
}

VALIDATOR(validate_bool)
{
        bool b;
        int r = parse_bool(p->name, value, &b, err);

        return r < 0 ? r : give_copy(ret, b ? "1" : "0", err);
}

VALIDATOR(validate_int)
{
        char buf[24];
        long long v;
        int r = parse_int(p->name, value, p->min, p->max, &v, err);

        if (r < 0)
                return r;
        snprintf(buf, sizeof(buf), "%lld", v);
        return give_copy(ret, buf, err);
}

VALIDATOR(validate_int_or_auto)
{
        if (strcasecmp(value, "auto") == 0)
                return give_copy(ret, "auto", err);
        if (!value[0] || strspn(value, "0123456789") != strlen(value))
                return parse_fail(err, p->name, value,
                                  "expected auto or a whole number from %lld to %lld", p->min,
                                  p->max);
        return validate_int(p, value, ret, err);
}

VALIDATOR(validate_enum)
{
        char list[256] = "";
        size_t n = 0;

        for (const char *const *c = p->choices; *c; c++, n++)
                if (strcasecmp(value, *c) == 0)
                        return give_copy(ret, *c, err);
        for (size_t i = 0; i < n; i++) {
                size_t len = strlen(list);

                snprintf(list + len, sizeof(list) - len, "%s%s",
                         i == 0       ? ""
                         : i + 1 == n ? " or "
                                      : ", ",
                         p->choices[i]);
        }
        return parse_fail(err, p->name, value, "expected %s", list);
}

VALIDATOR(validate_ip_mode)
{
        return validate_enum(p, strcasecmp(value, "none") == 0 ? "disable" : value, ret, err);
}

VALIDATOR(validate_size)
{
        char buf[FORMAT_SIZE_MAX];
        uint64_t v;
        int r = parse_size(p->name, value, &v, err);

        if (r < 0)
                return r;
        return give_copy(ret, v ? format_size(v, buf) : "none", err);
}

static int rctl(const struct prop_def *p, const char *value, enum rctl_kind kind, char **ret,
                struct jailor_error *err)
{
        struct rctl_value v;
        int r = parse_rctl(p->name, value, kind, &v, err);

        return r < 0 ? r : give(ret, format_rctl(kind, &v), err);
}

VALIDATOR(validate_rctl_bytes)
{
        return rctl(p, value, RCTL_BYTES, ret, err);
}

VALIDATOR(validate_rctl_bytes_rate)
{
        return rctl(p, value, RCTL_BYTES_RATE, ret, err);
}

VALIDATOR(validate_rctl_iops)
{
        return rctl(p, value, RCTL_IOPS, ret, err);
}

VALIDATOR(validate_rctl_count)
{
        return rctl(p, value, RCTL_COUNT, ret, err);
}

VALIDATOR(validate_rctl_pcpu)
{
        return rctl(p, value, RCTL_PERCENT, ret, err);
}

VALIDATOR(validate_cpuset)
{
        struct cpuset_value c;
        int r = parse_cpuset(p->name, value, &c, err);

        return r < 0 ? r : give(ret, format_cpuset(&c), err);
}

static int addr_list(const struct prop_def *p, const char *value, int family, char **ret,
                     struct jailor_error *err)
{
        struct addr_list l;
        int r = parse_addr_list(p->name, value, family, &l, err);

        if (r < 0)
                return r;
        r = give(ret, format_addr_list(&l), err);
        addr_list_done(&l);
        return r;
}

VALIDATOR(validate_ip4_addr)
{
        return addr_list(p, value, AF_INET, ret, err);
}

VALIDATOR(validate_ip6_addr)
{
        return addr_list(p, value, AF_INET6, ret, err);
}

static int router(const struct prop_def *p, const char *value, int family, char **ret,
                  struct jailor_error *err)
{
        struct router rt;
        int r = parse_router(p->name, value, family, &rt, err);

        return r < 0 ? r : give(ret, format_router(&rt), err);
}

VALIDATOR(validate_router4)
{
        return router(p, value, AF_INET, ret, err);
}

VALIDATOR(validate_router6)
{
        return router(p, value, AF_INET6, ret, err);
}

VALIDATOR(validate_interfaces)
{
        struct vnet_bridges b;
        int r = parse_interfaces(p->name, value, &b, err);

        return r < 0 ? r : give(ret, format_interfaces(&b), err);
}

static const char *iface_choice_name(const struct iface_choice *c, bool none_is_auto)
{
        if (c->kind == IFACE_AUTO || (c->kind == IFACE_NONE && none_is_auto))
                return "auto";
        return c->kind == IFACE_NONE ? "none" : c->name;
}

VALIDATOR(validate_iface_choice)
{
        struct iface_choice c;
        int r = parse_iface_choice(p->name, value, &c, err);

        return r < 0 ? r : give_copy(ret, iface_choice_name(&c, false), err);
}

VALIDATOR(validate_nat_interface)
{
        struct iface_choice c;
        int r = parse_iface_choice(p->name, value, &c, err);

        return r < 0 ? r : give_copy(ret, iface_choice_name(&c, true), err);
}

VALIDATOR(validate_nat_forwards)
{
        struct nat_forwards f;
        int r = parse_nat_forwards(p->name, value, &f, err);

        if (r < 0)
                return r;
        r = give(ret, format_nat_forwards(&f), err);
        nat_forwards_done(&f);
        return r;
}

VALIDATOR(validate_nat_prefix)
{
        struct nat_prefix np;
        char buf[8];
        int r = parse_nat_prefix(p->name, value, &np, err);

        if (r < 0)
                return r;
        snprintf(buf, sizeof(buf), "%u.%u", np.a, np.b);
        return give_copy(ret, buf, err);
}

VALIDATOR(validate_mac_pair)
{
        struct mac_pair m;
        int r = parse_mac_pair(p->name, value, &m, err);

        return r < 0 ? r : give(ret, format_mac_pair(&m), err);
}

VALIDATOR(validate_mac_prefix)
{
        struct mac_prefix m;
        char buf[8];
        int r = parse_mac_prefix(p->name, value, &m, err);

        if (r < 0)
                return r;
        if (m.is_auto)
                return give_copy(ret, "auto", err);
        snprintf(buf, sizeof(buf), "%02x%02x%02x", m.b[0], m.b[1], m.b[2]);
        return give_copy(ret, buf, err);
}

VALIDATOR(validate_resolver)
{
        struct resolver res;
        int r = parse_resolver(p->name, value, &res, err);

        if (r < 0)
                return r;
        r = give(ret, format_resolver(&res), err);
        resolver_done(&res);
        return r;
}

VALIDATOR(validate_hostname)
{
        int r = parse_hostname(p->name, value, err);

        return r < 0 ? r : give_copy(ret, value, err);
}

VALIDATOR(validate_domainname)
{
        if (value[0] == '\0' || strcasecmp(value, "none") == 0)
                return give_copy(ret, "none", err);
        return validate_hostname(p, value, ret, err);
}

VALIDATOR(validate_depends)
{
        _cleanup_strv_free_ char **names = NULL;
        int r = parse_name_list(p->name, value, &names, err);

        return r < 0 ? r : give(ret, format_name_list(names), err);
}

VALIDATOR(validate_name)
{
        const char *rule = parse_name_rule(value, strlen(value));

        if (rule)
                return parse_fail(err, p->name, value, "%s", rule);
        return give_copy(ret, value, err);
}

VALIDATOR(validate_name_or_none)
{
        if (strcasecmp(value, "none") == 0)
                return give_copy(ret, "none", err);
        return validate_name(p, value, ret, err);
}

VALIDATOR(validate_text)
{
        int r = parse_text(p->name, value, TEXT_MAX, true, err);

        return r < 0 ? r : give_copy(ret, value, err);
}

VALIDATOR(validate_word_text)
{
        int r = parse_text(p->name, value, TEXT_MAX, false, err);

        return r < 0 ? r : give_copy(ret, value, err);
}

VALIDATOR(validate_command_auto)
{
        int r;

        if (strcasecmp(value, "auto") == 0)
                return give_copy(ret, "auto", err);
        r = parse_text(p->name, value, COMMAND_MAX, false, err);
        return r < 0 ? r : give_copy(ret, value, err);
}

VALIDATOR(validate_command_hook)
{
        int r;

        if (strcasecmp(value, "none") == 0)
                return give_copy(ret, "none", err);
        r = parse_text(p->name, value, COMMAND_MAX, false, err);
        return r < 0 ? r : give_copy(ret, value, err);
}

VALIDATOR(validate_timestamp)
{
        struct tm tm = {0};
        const char *end;

        if (strcasecmp(value, "none") == 0)
                return give_copy(ret, "none", err);
        end = strptime(value, "%Y-%m-%d %H:%M:%S", &tm);
        if (!end || *end || strlen(value) != 19)
                return parse_fail(err, p->name, value,
                                  "expected none or a UTC time YYYY-MM-DD HH:MM:SS");
        return give_copy(ret, value, err);
}

VALIDATOR(validate_compression)
{
        static const char *const plain[] = {"inherit", "on",   "off",       "lz4",  "lzjb", "zle",
                                            "gzip",    "zstd", "zstd-fast", "zlib", "lzo"};
        _cleanup_free_ char *lower = strdup(value);
        long long level;
        struct jailor_error ignored;

        if (!lower)
                return parse_oom(err);
        for (char *c = lower; *c; c++)
                *c = (char)tolower((unsigned char)*c);
        for (size_t i = 0; i < ELEMENTSOF(plain); i++)
                if (STREQ(lower, plain[i]))
                        return give(ret, TAKE_PTR(lower), err);
        if ((strncmp(lower, "gzip-", 5) == 0 &&
             parse_int(NULL, lower + 5, 1, 9, &level, &ignored) == 0) ||
            (strncmp(lower, "zstd-", 5) == 0 &&
             parse_int(NULL, lower + 5, 1, 19, &level, &ignored) == 0))
                return give(ret, TAKE_PTR(lower), err);
        return parse_fail(err, p->name, value,
                          "expected inherit, on, off, lz4, zstd[-1..19], gzip[-1..9], zle, lzjb "
                          "(ZFS) or zlib, lzo, zstd (btrfs)");
}
