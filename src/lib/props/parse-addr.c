/* SPDX-License-Identifier: MIT */
/* IP addresses: ip4_addr/ip6_addr lists, defaultrouter/defaultrouter6. */
#include "parse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse-internal.h"
#include "../util/cleanup.h"

/* Tells why a, of family, cannot be a jail's address or gateway; NULL if it can. */
static const char *unusable_rule(int family, const union inet_addr *a)
{
        if (family == AF_INET) {
                uint32_t h = ntohl(a->in4.s_addr);

                if (h == 0)
                        return "the unspecified address 0.0.0.0 cannot be used";
                if (h == 0xffffffffu)
                        return "the broadcast address cannot be used";
                if ((h >> 28) == 0xe)
                        return "a multicast address cannot be used";
                return NULL;
        }
        if (IN6_IS_ADDR_UNSPECIFIED(&a->in6))
                return "the unspecified address :: cannot be used";
        if (IN6_IS_ADDR_MULTICAST(&a->in6))
                return "a multicast address cannot be used";
        return NULL;
}

/*
 * Reads an address of family from s[0..len); on failure the rule, which
 * says so when it is an address of the other family (in_list: the entry of
 * ip4_addr/ip6_addr that belongs in the other one).
 */
static const char *addr_rule(const char *s, size_t len, int family, bool in_list,
                             union inet_addr *ret)
{
        int other = family == AF_INET ? AF_INET6 : AF_INET;
        union inet_addr tmp;

        if (parse_inet(s, len, family, ret))
                return unusable_rule(family, ret);
        if (!parse_inet(s, len, other, &tmp))
                return family == AF_INET ? "expected an IPv4 address" : "expected an IPv6 address";
        if (in_list)
                return family == AF_INET ? "an IPv6 address belongs in ip6_addr"
                                         : "an IPv4 address belongs in ip4_addr";
        return family == AF_INET ? "expected an IPv4 address, not IPv6"
                                 : "expected an IPv6 address, not IPv4";
}

int parse_inet_addr(const char *what, const char *s, int family, union inet_addr *ret,
                    struct jailor_error *err)
{
        const char *rule = addr_rule(s, strlen(s), family, false, ret);

        return rule ? parse_fail(err, what, s, "%s", rule) : 0;
}

/* "/24" or, for IPv4, "/255.255.255.0". */
static const char *prefix_rule(const char *s, size_t len, int family, unsigned *ret)
{
        unsigned max = family == AF_INET ? 32 : 128;
        struct in_addr mask;
        uint64_t v = 0;
        int r;

        if (family == AF_INET && memchr(s, '.', len)) {
                uint32_t m, inv;

                if (!parse_inet(s, len, AF_INET, &mask))
                        return "expected a prefix length or a netmask such as 255.255.255.0";
                m = ntohl(mask.s_addr);
                inv = ~m;
                if (m == 0 || (inv & (inv + 1)) != 0)
                        return "a netmask must be contiguous ones then zeros, not zero";
                *ret = 32 - (unsigned)__builtin_popcount(inv);
                return NULL;
        }
        r = parse_digits(s, len, max, &v);
        if (r == -EINVAL)
                return family == AF_INET ? "expected a prefix length 1-32 or a netmask"
                                         : "expected a prefix length 1-128";
        if (r < 0 || v < 1)
                return family == AF_INET ? "the prefix length must be 1-32"
                                         : "the prefix length must be 1-128";
        *ret = (unsigned)v;
        return NULL;
}

/* The network and broadcast address of a subnet are not host addresses. */
static const char *subnet_rule(const struct addr_entry *e)
{
        uint32_t h, host_mask;

        if (e->family != AF_INET || !e->has_prefix || e->prefix > 30)
                return NULL;
        h = ntohl(e->addr.in4.s_addr);
        host_mask = (1u << (32 - e->prefix)) - 1;
        if ((h & host_mask) == 0)
                return "this is the network address of its subnet, not a host address";
        if ((h & host_mask) == host_mask)
                return "this is the broadcast address of its subnet, not a host address";
        return NULL;
}

static const char *addr_entry_rule(const char *s, size_t len, int family, struct addr_entry *e)
{
        const char *bar = memchr(s, '|', len), *slash, *rule;

        *e = (struct addr_entry){.family = family, .iface_kind = ADDR_IFACE_UNNAMED};
        if (bar) {
                size_t ilen = (size_t)(bar - s);

                if (ilen == 0)
                        return "the interface before '|' is empty";
                if (ilen == 7 && memcmp(s, "DEFAULT", 7) == 0) {
                        e->iface_kind = ADDR_IFACE_DEFAULT;
                } else {
                        if (ilen >= IFNAMSIZ)
                                return "an interface name is at most 15 characters";
                        memcpy(e->iface, s, ilen);
                        if (!ifname_is_valid(e->iface))
                                return "invalid interface name before '|'";
                        e->iface_kind = ADDR_IFACE_NAMED;
                }
                len -= ilen + 1;
                s = bar + 1;
        }
        if (parse_word_eq(s, len, "DHCP") || parse_word_eq(s, len, "accept_rtadv")) {
                bool dhcp = parse_word_eq(s, len, "DHCP");

                if (dhcp && family != AF_INET)
                        return "DHCP is for ip4_addr; use IFACE|accept_rtadv for IPv6";
                if (!dhcp && family != AF_INET6)
                        return "accept_rtadv is for ip6_addr; use IFACE|DHCP for IPv4";
                if (e->iface_kind != ADDR_IFACE_NAMED)
                        return dhcp ? "DHCP needs the jail interface, such as vnet0|DHCP"
                                    : "accept_rtadv needs the jail interface, such as "
                                      "vnet0|accept_rtadv";
                e->kind = dhcp ? ADDR_DHCP : ADDR_ACCEPT_RTADV;
                return NULL;
        }
        if (len == 0)
                return "the address after '|' is empty";
        e->kind = ADDR_STATIC;
        e->prefix = family == AF_INET ? 32 : 128;
        slash = memchr(s, '/', len);
        rule = addr_rule(s, slash ? (size_t)(slash - s) : len, family, true, &e->addr);
        if (rule)
                return rule;
        if (slash) {
                rule = prefix_rule(slash + 1, len - (size_t)(slash - s) - 1, family, &e->prefix);
                if (rule)
                        return rule;
                e->has_prefix = true;
        }
        return subnet_rule(e);
}

static bool addr_entry_same(const struct addr_entry *a, const struct addr_entry *b)
{
        if (a->kind != b->kind)
                return false;
        if (a->kind != ADDR_STATIC)
                return a->iface_kind == b->iface_kind && STREQ(a->iface, b->iface);
        return memcmp(&a->addr, &b->addr,
                      a->family == AF_INET ? sizeof(a->addr.in4) : sizeof(a->addr.in6)) == 0;
}

int parse_addr_list(const char *what, const char *s, int family, struct addr_list *ret,
                    struct jailor_error *err)
{
        _cleanup_free_ struct addr_entry *v = NULL;
        struct parse_iter it;
        const char *entry;
        size_t n = 0, len;

        if (strcasecmp(s, "none") == 0) {
                *ret = (struct addr_list){0};
                return 0;
        }
        v = calloc(parse_count(s, ','), sizeof(*v));
        if (!v)
                return parse_oom(err);
        parse_iter_init(&it, s, ',');
        while (parse_iter_next(&it, &entry, &len)) {
                const char *rule;

                if (len == 0)
                        return parse_fail(err, what, s, "empty entry in the comma-separated list");
                rule = addr_entry_rule(entry, len, family, &v[n]);
                for (size_t i = 0; !rule && i < n; i++)
                        if (addr_entry_same(&v[i], &v[n]))
                                rule = "listed twice";
                if (rule)
                        return parse_fail_entry(err, what, entry, len, "%s", rule);
                n++;
        }
        *ret = (struct addr_list){.entries = TAKE_PTR(v), .n = n};
        return 0;
}

char *format_addr_list(const struct addr_list *l)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *f;

        if (l->n == 0)
                return strdup("none");
        f = open_memstream(&buf, &size);
        if (!f)
                return NULL;
        for (size_t i = 0; i < l->n; i++) {
                const struct addr_entry *e = &l->entries[i];
                char addr[INET6_ADDRSTRLEN];

                if (i)
                        fputc(',', f);
                if (e->iface_kind == ADDR_IFACE_NAMED)
                        fprintf(f, "%s|", e->iface);
                else if (e->iface_kind == ADDR_IFACE_DEFAULT)
                        fputs("DEFAULT|", f);
                if (e->kind == ADDR_DHCP) {
                        fputs("DHCP", f);
                        continue;
                }
                if (e->kind == ADDR_ACCEPT_RTADV) {
                        fputs("accept_rtadv", f);
                        continue;
                }
                fputs(inet_ntop(e->family, &e->addr, addr, sizeof(addr)), f);
                if (e->has_prefix)
                        fprintf(f, "/%u", e->prefix);
        }
        return parse_stream_end(f, &buf);
}

void addr_list_done(struct addr_list *l)
{
        free(l->entries);
        *l = (struct addr_list){0};
}

int parse_router(const char *what, const char *s, int family, struct router *ret,
                 struct jailor_error *err)
{
        const char *pct = strchr(s, '%'), *rule;
        size_t len = pct ? (size_t)(pct - s) : strlen(s);
        union inet_addr tmp;

        *ret = (struct router){.family = family};
        if (strcasecmp(s, "auto") == 0)
                return 0;
        if (strcasecmp(s, "none") == 0) {
                ret->kind = ROUTER_NONE;
                return 0;
        }
        ret->kind = ROUTER_ADDR;
        rule = addr_rule(s, len, family, false, &ret->addr);
        if (rule && !parse_inet(s, len, AF_INET, &tmp) && !parse_inet(s, len, AF_INET6, &tmp))
                rule = family == AF_INET ? "expected auto, none or an IPv4 address"
                                         : "expected auto, none or an IPv6 address";
        if (rule)
                return parse_fail(err, what, s, "%s", rule);
        if (pct) {
                if (family != AF_INET6 || !IN6_IS_ADDR_LINKLOCAL(&ret->addr.in6))
                        return parse_fail(err, what, s,
                                          "only an IPv6 link-local gateway takes a %%scope");
                if (!ifname_is_valid(pct + 1))
                        return parse_fail(err, what, s,
                                          "the %%scope must be a jail interface name");
                strcpy(ret->scope, pct + 1);
        }
        return 0;
}

char *format_router(const struct router *r)
{
        char addr[INET6_ADDRSTRLEN], *out;

        if (r->kind == ROUTER_AUTO)
                return strdup("auto");
        if (r->kind == ROUTER_NONE)
                return strdup("none");
        inet_ntop(r->family, &r->addr, addr, sizeof(addr));
        if (!r->scope[0])
                return strdup(addr);
        if (asprintf(&out, "%s%%%s", addr, r->scope) < 0)
                return NULL;
        return out;
}
