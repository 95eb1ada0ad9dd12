/* SPDX-License-Identifier: MIT */
/* Interfaces, NAT forwards and prefix, MAC addresses. */
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse-internal.h"
#include "../util/cleanup.h"

/* ---- interfaces ---- */

static const char *vnet_bridge_rule(const char *s, size_t len, struct vnet_bridge *ret)
{
        const char *colon = memchr(s, ':', len);
        size_t blen;

        if (!colon)
                return "expected vnetN:BRIDGE, such as vnet0:bridge0";
        if (colon - s != 5 || memcmp(s, "vnet", 4) != 0 || s[4] < '0' || s[4] > '3')
                return "the jail interface must be vnet0, vnet1, vnet2 or vnet3";
        ret->vnet = (unsigned)(s[4] - '0');
        blen = len - 6;
        if (blen == 0 || blen >= IFNAMSIZ)
                return "the bridge name must be 1 to 15 characters";
        memcpy(ret->bridge, colon + 1, blen);
        ret->bridge[blen] = '\0';
        if (!ifname_is_valid(ret->bridge))
                return "the bridge name must be an interface name without '/', ':', '%' or spaces";
        if (STREQ(ret->bridge, "none"))
                return "a VNET interface needs a bridge (routed VNET without one is not supported)";
        return NULL;
}

int parse_interfaces(const char *what, const char *s, struct vnet_bridges *ret,
                     struct jailor_error *err)
{
        struct vnet_bridge slot[VNET_MAX];
        bool seen[VNET_MAX] = {false};
        struct parse_iter it;
        const char *entry;
        size_t len;

        parse_iter_init(&it, s, ',');
        while (parse_iter_next(&it, &entry, &len)) {
                struct vnet_bridge one = {0};
                const char *rule;

                if (len == 0)
                        return parse_fail(err, what, s,
                                          "expected vnetN:BRIDGE[,vnetN:BRIDGE...], such as "
                                          "vnet0:bridge0");
                rule = vnet_bridge_rule(entry, len, &one);
                if (!rule && seen[one.vnet])
                        rule = "this vnet interface is already listed";
                if (rule)
                        return parse_fail_entry(err, what, entry, len, "%s", rule);
                slot[one.vnet] = one;
                seen[one.vnet] = true;
        }
        *ret = (struct vnet_bridges){0};
        for (size_t i = 0; i < VNET_MAX; i++)
                if (seen[i])
                        ret->v[ret->n++] = slot[i];
        return 0;
}

char *format_interfaces(const struct vnet_bridges *b)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return NULL;
        for (size_t i = 0; i < b->n; i++)
                fprintf(f, "%svnet%u:%s", i ? "," : "", b->v[i].vnet, b->v[i].bridge);
        return parse_stream_end(f, &buf);
}

int parse_iface_choice(const char *what, const char *s, struct iface_choice *ret,
                       struct jailor_error *err)
{
        *ret = (struct iface_choice){0};
        if (strcasecmp(s, "auto") == 0)
                return 0;
        if (strcasecmp(s, "none") == 0) {
                ret->kind = IFACE_NONE;
                return 0;
        }
        if (!ifname_is_valid(s))
                return parse_fail(err, what, s,
                                  "expected auto, none or an interface name (1 to 15 characters "
                                  "without '/', ':', '%%' or spaces)");
        ret->kind = IFACE_NAMED;
        strcpy(ret->name, s);
        return 0;
}

/* ---- NAT ---- */

static const char *nat_forward_rule(const char *s, size_t len, struct nat_forward *ret)
{
        const char *open = memchr(s, '(', len), *colon, *rule;
        size_t ilen;

        if (open) {
                size_t plen = (size_t)(open - s);

                if (s[len - 1] != ')')
                        return "expected PROTO(JAILPORT[:HOSTPORT]), such as tcp(80:8080)";
                if (parse_word_eq(s, plen, "tcp"))
                        ret->protos = NAT_PROTO_TCP;
                else if (parse_word_eq(s, plen, "udp"))
                        ret->protos = NAT_PROTO_UDP;
                else if (parse_word_eq(s, plen, "tcp/udp") || parse_word_eq(s, plen, "udp/tcp"))
                        ret->protos = NAT_PROTO_TCP | NAT_PROTO_UDP;
                else
                        return "the protocol must be tcp, udp or tcp/udp";
                s = open + 1;
                len -= plen + 2;
        } else {
                ret->protos = NAT_PROTO_TCP; /* iocage: a bare port is tcp */
        }
        colon = memchr(s, ':', len);
        ilen = colon ? (size_t)(colon - s) : len;
        rule = parse_port_range(s, ilen, &ret->jail_first, &ret->jail_last);
        if (rule)
                return rule;
        if (!colon) {
                ret->host_first = ret->jail_first;
                ret->host_last = ret->jail_last;
                return NULL;
        }
        rule = parse_port_range(colon + 1, len - ilen - 1, &ret->host_first, &ret->host_last);
        if (rule)
                return rule;
        if (ret->jail_last - ret->jail_first != ret->host_last - ret->host_first)
                return "the jail and host port ranges must be of the same length";
        return NULL;
}

int parse_nat_forwards(const char *what, const char *s, struct nat_forwards *ret,
                       struct jailor_error *err)
{
        _cleanup_free_ struct nat_forward *v = NULL;
        struct parse_iter it;
        const char *entry;
        size_t n = 0, len;

        if (strcasecmp(s, "none") == 0) {
                *ret = (struct nat_forwards){0};
                return 0;
        }
        v = calloc(parse_count(s, ','), sizeof(*v));
        if (!v)
                return parse_oom(err);
        parse_iter_init(&it, s, ',');
        while (parse_iter_next(&it, &entry, &len)) {
                const char *rule;

                if (len == 0)
                        return parse_fail(err, what, s,
                                          "expected none or a comma list such as "
                                          "tcp(80:8080),udp(53)");
                rule = nat_forward_rule(entry, len, &v[n]);
                if (rule)
                        return parse_fail_entry(err, what, entry, len, "%s", rule);
                for (size_t i = 0; i < n; i++) {
                        const struct nat_forward *a = &v[i], *b = &v[n];
                        unsigned common = a->protos & b->protos;

                        if (common && a->host_first <= b->host_last &&
                            b->host_first <= a->host_last)
                                return parse_fail_entry(
                                    err, what, entry, len, "host port %u/%s is already forwarded",
                                    a->host_first > b->host_first ? a->host_first : b->host_first,
                                    common & NAT_PROTO_TCP ? "tcp" : "udp");
                }
                n++;
        }
        *ret = (struct nat_forwards){.v = TAKE_PTR(v), .n = n};
        return 0;
}

static void print_ports(FILE *f, uint16_t first, uint16_t last)
{
        if (first == last)
                fprintf(f, "%u", first);
        else
                fprintf(f, "%u-%u", first, last);
}

char *format_nat_forwards(const struct nat_forwards *fw)
{
        static const char *const protos[] = {"", "tcp", "udp", "tcp/udp"};
        char *buf = NULL;
        size_t size = 0;
        FILE *f;

        if (fw->n == 0)
                return strdup("none");
        f = open_memstream(&buf, &size);
        if (!f)
                return NULL;
        for (size_t i = 0; i < fw->n; i++) {
                const struct nat_forward *e = &fw->v[i];

                fprintf(f, "%s%s(", i ? "," : "", protos[e->protos & 3]);
                print_ports(f, e->jail_first, e->jail_last);
                if (e->host_first != e->jail_first) {
                        fputc(':', f);
                        print_ports(f, e->host_first, e->host_last);
                }
                fputc(')', f);
        }
        return parse_stream_end(f, &buf);
}

void nat_forwards_done(struct nat_forwards *f)
{
        free(f->v);
        *f = (struct nat_forwards){0};
}

int parse_nat_prefix(const char *what, const char *s, struct nat_prefix *ret,
                     struct jailor_error *err)
{
        const char *dot = strchr(s, '.');
        uint64_t a, b;

        if (!dot || parse_digits(s, (size_t)(dot - s), 255, &a) < 0 ||
            parse_digits(dot + 1, strlen(dot + 1), 255, &b) < 0 || dot - s > 3 ||
            strlen(dot + 1) > 3)
                return parse_fail(err, what, s,
                                  "expected the first two numbers of a private IPv4 range, "
                                  "such as 172.16");
        if (!(a == 10 || (a == 172 && b >= 16 && b <= 31) || (a == 192 && b == 168)))
                return parse_fail(err, what, s,
                                  "not a private range: expected 10.Y, 172.16 to 172.31 or "
                                  "192.168");
        *ret = (struct nat_prefix){.a = (uint8_t)a, .b = (uint8_t)b};
        return 0;
}

/* ---- MAC addresses ---- */

static int hexval(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        c = (char)tolower((unsigned char)c);
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        return -1;
}

/* aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff or aabbccddeeff */
static bool mac_parse(const char *s, size_t len, uint8_t mac[6])
{
        size_t step = len == 17 ? 3 : 2;
        char sep = len == 17 ? s[2] : 0;

        if (len != 12 && (len != 17 || (sep != ':' && sep != '-')))
                return false;
        for (size_t i = 0; i < 6; i++) {
                const char *p = s + i * step;
                int hi = hexval(p[0]), lo = hexval(p[1]);

                if (hi < 0 || lo < 0 || (sep && i < 5 && p[2] != sep))
                        return false;
                mac[i] = (uint8_t)(hi << 4 | lo);
        }
        return true;
}

static const char *mac_rule(const char *s, size_t len, uint8_t mac[6])
{
        static const uint8_t zero[6];

        if (!mac_parse(s, len, mac))
                return "expected a MAC address such as 02:00:00:00:00:01";
        if (mac[0] & 1)
                return "a multicast MAC address cannot be used";
        if (memcmp(mac, zero, 6) == 0)
                return "the all-zero MAC address cannot be used";
        return NULL;
}

int parse_mac_pair(const char *what, const char *s, struct mac_pair *ret, struct jailor_error *err)
{
        const char *p = s, *tok[2];
        size_t len[2], n = 0;

        *ret = (struct mac_pair){0};
        if (strcasecmp(s, "none") == 0)
                return 0;
        for (;;) {
                p += strspn(p, " \t,");
                if (!*p)
                        break;
                if (n == 2) {
                        n++;
                        break;
                }
                tok[n] = p;
                len[n] = strcspn(p, " \t,");
                p += len[n++];
        }
        if (n != 2)
                return parse_fail(err, what, s,
                                  "expected none or two MAC addresses (host side, jail side) "
                                  "separated by a space or a comma");
        for (size_t i = 0; i < 2; i++) {
                const char *rule = mac_rule(tok[i], len[i], i ? ret->jail : ret->host);

                if (rule)
                        return parse_fail_entry(err, what, tok[i], len[i], "%s", rule);
        }
        if (memcmp(ret->host, ret->jail, 6) == 0)
                return parse_fail(err, what, s, "the host and jail MAC addresses must differ");
        ret->set = true;
        return 0;
}

const char *format_mac(const uint8_t mac[6], char buf[static FORMAT_MAC_MAX])
{
        snprintf(buf, FORMAT_MAC_MAX, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
                 mac[3], mac[4], mac[5]);
        return buf;
}

char *format_mac_pair(const struct mac_pair *m)
{
        char a[FORMAT_MAC_MAX], b[FORMAT_MAC_MAX], *out;

        if (!m->set)
                return strdup("none");
        if (asprintf(&out, "%s %s", format_mac(m->host, a), format_mac(m->jail, b)) < 0)
                return NULL;
        return out;
}

int parse_mac_prefix(const char *what, const char *s, struct mac_prefix *ret,
                     struct jailor_error *err)
{
        *ret = (struct mac_prefix){0};
        if (strcasecmp(s, "auto") == 0) {
                ret->is_auto = true;
                return 0;
        }
        if (strlen(s) != 6 || strspn(s, "0123456789abcdefABCDEF") != 6)
                return parse_fail(err, what, s, "expected auto or 6 hex digits, such as 02ff60");
        for (size_t i = 0; i < 3; i++)
                ret->b[i] = (uint8_t)(hexval(s[2 * i]) << 4 | hexval(s[2 * i + 1]));
        if ((ret->b[0] & 3) != 2)
                return parse_fail(err, what, s,
                                  "must be locally administered unicast: the second digit is 2, "
                                  "6, A or E");
        return 0;
}
