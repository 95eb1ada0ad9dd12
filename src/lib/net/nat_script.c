/* SPDX-License-Identifier: MIT */
/*
 * The nft scripts that change table ip jailor; each is run as one
 * transaction.  The table:
 *
 *   map ports       { type inet_proto . inet_service : ipv4_addr . inet_service }
 *                   tcp . 8081 comment "jailor:web" : 172.16.4.7 . 8000
 *   set addresses   { type ipv4_addr }             172.16.4.7 comment "jailor:web"
 *   set egress      { type ipv4_addr . ifname }    172.16.4.7 . "eth0" comment "jailor:web"
 *   chain prerouting  (nat, dstnat)  traffic to a local address: DNAT by @ports
 *   chain output      (nat, dstnat)  the host's own, likewise, except to 127.0.0.0/8
 *   chain postrouting (nat, srcnat)  masquerade by @egress; and jail to jail
 *                                    through a forward (hairpin)
 *
 * Per jail there are only elements, tagged with the jail's name: adding a
 * jail never touches a rule of another, removing one deletes exactly its
 * elements, and `create element` makes the kernel itself refuse a host port
 * or an address claimed twice, even by a racing writer.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/cleanup.h"
#include "nat_internal.h"

#define T "ip " NAT_TABLE

/*
 * The rules are the same for every jail, so each add writes them again
 * after a flush: adding is idempotent, and a rule changed by hand (or by an
 * older jailor) is put right.  Everything is in one transaction, so no
 * packet ever sees the chains empty.  (The output chain's priority is
 * dstnat's value: nft 1.0.6 takes the name only in prerouting.)
 *
 * prerouting: `fib daddr type local` limits DNAT to traffic for the host
 * itself (any of its addresses, from the LAN or from a jail).  output:
 * the host reaching its own forwarded ports; not through 127.0.0.0/8, whose
 * source address cannot leave the host (route_localnet).  postrouting: a
 * jail's connections out of its egress interface take the interface's
 * address; a jail reaching a jail through a forward is masqueraded too, so
 * the answer comes back through the host instead of straight over the
 * bridge, where it would not be un-DNATed.
 */
static const char skeleton[] =
    "add table " T "\n"
    "add chain " T " prerouting { type nat hook prerouting priority dstnat; policy accept; }\n"
    "add chain " T " output { type nat hook output priority -100; policy accept; }\n"
    "add chain " T " postrouting { type nat hook postrouting priority srcnat; policy accept; }\n"
    "add map " T " ports { type inet_proto . inet_service : ipv4_addr . inet_service; }\n"
    "add set " T " addresses { type ipv4_addr; }\n"
    "add set " T " egress { type ipv4_addr . ifname; }\n"
    "flush chain " T " prerouting\n"
    "flush chain " T " output\n"
    "flush chain " T " postrouting\n"
    "add rule " T " prerouting fib daddr type local dnat ip to meta l4proto . th dport map @ports\n"
    "add rule " T " output ip daddr != 127.0.0.0/8 fib daddr type local "
    "dnat ip to meta l4proto . th dport map @ports\n"
    "add rule " T " postrouting ip saddr . oifname @egress masquerade\n"
    "add rule " T " postrouting ct status dnat ip saddr @addresses ip daddr @addresses "
    "masquerade\n";

/* Elements per statement: a forwarded range is one element per port. */
#define CHUNK 512

static const char *const set_names[] = {
    [NAT_ELEM_ADDRESS] = "addresses",
    [NAT_ELEM_PORT] = "ports",
    [NAT_ELEM_EGRESS] = "egress",
};

static const char *ip(struct in_addr a, char buf[static INET_ADDRSTRLEN])
{
        return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* An element's key, as `delete element` takes it. */
static void print_key(FILE *f, const struct nat_elem *e)
{
        char a[INET_ADDRSTRLEN];

        switch (e->kind) {
        case NAT_ELEM_ADDRESS:
                fprintf(f, "%s", ip(e->addr, a));
                break;
        case NAT_ELEM_PORT:
                fprintf(f, "%s . %u", e->proto == NAT_PROTO_TCP ? "tcp" : "udp", e->port);
                break;
        case NAT_ELEM_EGRESS:
                fprintf(f, "%s . \"%s\"", ip(e->addr, a), e->ifname);
                break;
        }
}

static void print_deletes(FILE *f, const struct nat_state *st, const char *name)
{
        for (int kind = NAT_ELEM_ADDRESS; kind <= NAT_ELEM_EGRESS; kind++) {
                size_t in_line = 0;

                for (size_t i = 0; i < st->n; i++) {
                        const struct nat_elem *e = &st->v[i];

                        if ((int)e->kind != kind || !STREQ(e->owner, name))
                                continue;
                        if (in_line == CHUNK) {
                                fputs(" }\n", f);
                                in_line = 0;
                        }
                        fprintf(f, in_line ? ", " : "delete element " T " %s { ", set_names[kind]);
                        print_key(f, e);
                        in_line++;
                }
                if (in_line)
                        fputs(" }\n", f);
        }
}

static void print_ports(FILE *f, const struct nat_jail *jail)
{
        char a[INET_ADDRSTRLEN];
        size_t in_line = 0;

        ip(jail->addr, a);
        for (size_t i = 0; jail->forwards && i < jail->forwards->n; i++) {
                const struct nat_forward *fw = &jail->forwards->v[i];

                for (unsigned proto = NAT_PROTO_TCP; proto <= NAT_PROTO_UDP; proto <<= 1) {
                        if (!(fw->protos & proto))
                                continue;
                        for (unsigned p = fw->host_first; p <= fw->host_last; p++) {
                                if (in_line == CHUNK) {
                                        fputs(" }\n", f);
                                        in_line = 0;
                                }
                                fprintf(f, in_line ? ", " : "create element " T " ports { ");
                                fprintf(f, "%s . %u comment \"" NAT_TAG "%s\" : %s . %u",
                                        proto == NAT_PROTO_TCP ? "tcp" : "udp", p, jail->name, a,
                                        fw->jail_first + (p - fw->host_first));
                                in_line++;
                        }
                }
        }
        if (in_line)
                fputs(" }\n", f);
}

static char *finish(FILE *f, char **buf)
{
        bool bad = ferror(f);

        if (fclose(f) != 0 || bad) {
                free(*buf);
                *buf = NULL;
        }
        return TAKE_PTR(*buf);
}

char *nat_script_add(const struct nat_state *st, const struct nat_jail *jail)
{
        _cleanup_free_ char *buf = NULL;
        char a[INET_ADDRSTRLEN];
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return NULL;
        ip(jail->addr, a);
        fputs(skeleton, f);
        print_deletes(f, st, jail->name);
        fprintf(f, "create element " T " addresses { %s comment \"" NAT_TAG "%s\" }\n", a,
                jail->name);
        fprintf(f, "create element " T " egress { %s . \"%s\" comment \"" NAT_TAG "%s\" }\n", a,
                jail->out_iface, jail->name);
        print_ports(f, jail);
        return finish(f, &buf);
}

char *nat_script_remove(const struct nat_state *st, const char *name)
{
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, mine = 0;
        FILE *f;

        for (size_t i = 0; i < st->n; i++)
                mine += STREQ(st->v[i].owner, name);
        if (!st->exists || (mine == 0 && st->n > 0))
                return strdup("");
        f = open_memstream(&buf, &size);
        if (!f)
                return NULL;
        if (mine == st->n)
                /* the last jail goes, and the table with it: a host without NAT jails has none */
                fputs("delete table " T "\n", f);
        else
                print_deletes(f, st, name);
        return finish(f, &buf);
}
