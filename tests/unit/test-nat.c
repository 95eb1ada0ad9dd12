/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of NAT's pure parts (src/lib/net/nat*.c): private addresses,
 * reading the table's JSON, conflicts, and the scripts.  No nftables, no
 * root: test_nat.py runs them against a kernel.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net/nat_internal.h"
#include "util/cleanup.h"

static struct jailor_error err;

static struct in_addr addr(const char *s)
{
        struct in_addr a;

        assert_int_equal(inet_pton(AF_INET, s, &a), 1);
        return a;
}

static const char *str(struct in_addr a)
{
        static char buf[4][INET_ADDRSTRLEN];
        static int next;

        return inet_ntop(AF_INET, &a, buf[next++ % 4], INET_ADDRSTRLEN);
}

static size_t count(const char *hay, const char *needle)
{
        size_t n = 0;

        for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
                n++;
        return n;
}

/* ---- addresses ---- */

static void test_subnet(void **state)
{
        struct nat_subnet sn;

        nat_subnet(&(struct nat_prefix){172, 16}, &sn);
        assert_string_equal(str(sn.network), "172.16.0.0");
        assert_string_equal(str(sn.gateway), "172.16.0.1");
        assert_int_equal(sn.prefixlen, 16);
        nat_subnet(&(struct nat_prefix){10, 200}, &sn);
        assert_string_equal(str(sn.network), "10.200.0.0");
        assert_string_equal(str(sn.gateway), "10.200.0.1");
}

static void test_pick_is_stable(void **state)
{
        struct nat_prefix p = {172, 16};
        struct in_addr a, b;

        assert_int_equal(nat_pick_address(&p, "web", NULL, 0, &a, &err), 0);
        assert_int_equal(nat_pick_address(&p, "web", NULL, 0, &b, &err), 0);
        assert_int_equal(a.s_addr, b.s_addr);
        /* pinned: a different hash would move every NAT jail's address */
        assert_string_equal(str(a), "172.16.179.72");
        /* the prefix only moves the network part */
        assert_int_equal(nat_pick_address(&(struct nat_prefix){192, 168}, "web", NULL, 0, &b, &err),
                         0);
        assert_string_equal(str(b), "192.168.179.72");
        assert_int_equal(nat_pick_address(&p, "db", NULL, 0, &b, &err), 0);
        assert_int_not_equal(a.s_addr, b.s_addr);
}

static void test_pick_stays_usable(void **state)
{
        struct nat_prefix p = {10, 1};
        char name[32];

        for (int i = 0; i < 2000; i++) {
                struct in_addr a;
                uint32_t h;

                snprintf(name, sizeof(name), "jail%d", i);
                assert_int_equal(nat_pick_address(&p, name, NULL, 0, &a, &err), 0);
                h = ntohl(a.s_addr);
                assert_int_equal(h >> 16, (10u << 8) | 1);
                assert_int_not_equal(h & 0xffff, 1); /* the gateway */
                assert_int_not_equal(h & 0xff, 0);
                assert_int_not_equal(h & 0xff, 255);
        }
}

static void test_pick_probes_past_taken(void **state)
{
        struct nat_prefix p = {172, 16};
        struct in_addr taken[3], a;

        taken[0] = addr("172.16.179.72"); /* web's own */
        taken[1] = addr("172.16.179.73");
        taken[2] = addr("10.0.179.74"); /* another subnet: no matter */
        assert_int_equal(nat_pick_address(&p, "web", taken, 3, &a, &err), 0);
        assert_string_equal(str(a), "172.16.179.74");

        /* .255 and .0 are stepped over */
        {
                struct in_addr t[254 - 72 + 1];

                for (uint32_t j = 72; j <= 254; j++)
                        t[j - 72].s_addr = htonl(0xac10b300u | j); /* 172.16.179.j */
                assert_int_equal(nat_pick_address(&p, "web", t, ELEMENTSOF(t), &a, &err), 0);
                assert_string_equal(str(a), "172.16.180.1");
        }
}

static void test_pick_full(void **state)
{
        struct nat_prefix p = {172, 20};
        _cleanup_free_ struct in_addr *t = calloc(65536, sizeof(*t));
        struct in_addr a;
        size_t n = 0, left = 0;

        assert_non_null(t);
        for (uint32_t h = 0; h < 65536; h++) {
                if (h == 0x4242) { /* the one address left */
                        left = h;
                        continue;
                }
                t[n++].s_addr = htonl(0xac140000u | h);
        }
        assert_int_equal(nat_pick_address(&p, "web", t, n, &a, &err), 0);
        assert_int_equal(ntohl(a.s_addr), 0xac140000u | left);
        t[n++].s_addr = htonl(0xac140000u | left);
        assert_int_equal(nat_pick_address(&p, "web", t, n, &a, &err), -EADDRNOTAVAIL);
        assert_non_null(strstr(err.msg, "172.20.0.0/16"));
        assert_non_null(strstr(err.msg, "'web'"));
        jailor_error_clear(&err);
}

/* ---- the table's state ---- */

/* `nft -j list table ip jailor` of nftables 1.0.6 (rules cut), with one element no jailor made. */
static const char listing[] =
    "{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\", \"json_schema_version\": 1}},"
    " {\"table\": {\"family\": \"ip\", \"name\": \"jailor\", \"handle\": 4}},"
    " {\"map\": {\"family\": \"ip\", \"name\": \"ports\", \"table\": \"jailor\","
    "  \"type\": [\"inet_proto\", \"inet_service\"], \"handle\": 4,"
    "  \"map\": \"ipv4_addr . inet_service\", \"elem\": ["
    "   [{\"concat\": [\"tcp\", 9999]}, {\"concat\": [\"10.1.1.1\", 99]}],"
    "   [{\"elem\": {\"val\": {\"concat\": [\"udp\", 53]}, \"comment\": \"jailor:web\"}},"
    "    {\"concat\": [\"172.16.4.7\", 53]}],"
    "   [{\"elem\": {\"val\": {\"concat\": [\"tcp\", 8081]}, \"comment\": \"jailor:web\"}},"
    "    {\"concat\": [\"172.16.4.7\", 8000]}]]}},"
    " {\"set\": {\"family\": \"ip\", \"name\": \"addresses\", \"table\": \"jailor\","
    "  \"type\": \"ipv4_addr\", \"handle\": 5, \"elem\": ["
    "   {\"elem\": {\"val\": \"172.16.4.7\", \"comment\": \"jailor:web\"}},"
    "   {\"elem\": {\"val\": \"172.16.4.8\", \"comment\": \"jailor:db\"}}]}},"
    " {\"set\": {\"family\": \"ip\", \"name\": \"egress\", \"table\": \"jailor\","
    "  \"type\": [\"ipv4_addr\", \"ifname\"], \"handle\": 6, \"elem\": ["
    "   {\"elem\": {\"val\": {\"concat\": [\"172.16.4.7\", \"eth0\"]}, \"comment\": \"jailor:web\"}},"
    "   {\"elem\": {\"val\": {\"concat\": [\"172.16.4.8\", \"eth1\"]}, \"comment\": \"jailor:db\"}}]}},"
    " {\"chain\": {\"family\": \"ip\", \"table\": \"jailor\", \"name\": \"prerouting\", \"handle\": 1,"
    "  \"type\": \"nat\", \"hook\": \"prerouting\", \"prio\": -100, \"policy\": \"accept\"}}]}";

static void test_state_parse(void **state)
{
        struct nat_state st;
        const struct nat_elem *e;

        assert_int_equal(nat_state_parse(listing, &st, &err), 0);
        assert_true(st.exists);
        assert_int_equal(st.n, 7);
        e = &st.v[0];
        assert_int_equal(e->kind, NAT_ELEM_PORT);
        assert_string_equal(e->owner, ""); /* untagged */
        assert_int_equal(e->proto, NAT_PROTO_TCP);
        assert_int_equal(e->port, 9999);
        assert_string_equal(str(e->addr), "10.1.1.1");
        assert_int_equal(e->jail_port, 99);
        e = &st.v[1];
        assert_string_equal(e->owner, "web");
        assert_int_equal(e->proto, NAT_PROTO_UDP);
        assert_int_equal(e->port, 53);
        assert_int_equal(e->jail_port, 53);
        e = &st.v[2];
        assert_int_equal(e->port, 8081);
        assert_int_equal(e->jail_port, 8000);
        assert_string_equal(str(e->addr), "172.16.4.7");
        e = &st.v[4];
        assert_int_equal(e->kind, NAT_ELEM_ADDRESS);
        assert_string_equal(e->owner, "db");
        assert_string_equal(str(e->addr), "172.16.4.8");
        e = &st.v[6];
        assert_int_equal(e->kind, NAT_ELEM_EGRESS);
        assert_string_equal(e->owner, "db");
        assert_string_equal(e->ifname, "eth1");
        nat_state_done(&st);

        /* a table with empty sets lists no "elem" */
        assert_int_equal(nat_state_parse("{\"nftables\": [{\"table\": {\"family\": \"ip\", "
                                         "\"name\": \"jailor\"}}, {\"set\": {\"family\": \"ip\", "
                                         "\"name\": \"addresses\", \"table\": \"jailor\"}}]}",
                                         &st, &err),
                         0);
        assert_true(st.exists);
        assert_int_equal(st.n, 0);
        nat_state_done(&st);
}

static void test_state_parse_refuses_garbage(void **state)
{
        struct nat_state st;

        assert_int_equal(nat_state_parse("{\"nftables\": [", &st, &err), -EPROTO);
        jailor_error_clear(&err);
        assert_int_equal(
            nat_state_parse("{\"nftables\": [{\"set\": {\"family\": \"ip\", \"table\": \"jailor\", "
                            "\"name\": \"addresses\", \"elem\": [\"not an address\"]}}]}",
                            &st, &err),
            -EPROTO);
        assert_non_null(strstr(err.msg, "'addresses'"));
        assert_non_null(strstr(err.msg, "not an address"));
        jailor_error_clear(&err);
}

/* ---- conflicts ---- */

static void test_conflicts(void **state)
{
        struct nat_forward v[2] = {
            {.protos = NAT_PROTO_TCP, .jail_first = 1, .jail_last = 20, .host_first = 8070,
             .host_last = 8089},
            {.protos = NAT_PROTO_TCP | NAT_PROTO_UDP, .jail_first = 53, .jail_last = 53,
             .host_first = 53, .host_last = 53},
        };
        struct nat_forwards fw = {.v = v, .n = 2};
        struct nat_jail jail = {.name = "db", .addr = addr("172.16.4.8"), .out_iface = "eth0",
                                .forwards = &fw};
        struct nat_state st;

        assert_int_equal(nat_state_parse(listing, &st, &err), 0);
        /* db's own address and udp 53 of web's: web holds udp 53 */
        jail.addr = addr("172.16.4.9");
        assert_int_equal(nat_check_conflicts(&st, &jail, &err), -EADDRINUSE);
        assert_string_equal(err.msg, "Host port 53/udp is already forwarded to NAT jail 'web': "
                                     "'db' cannot forward it too");
        /* the lowest port in conflict is named, whatever the order */
        v[1].protos = NAT_PROTO_TCP;
        assert_int_equal(nat_check_conflicts(&st, &jail, &err), -EADDRINUSE);
        assert_string_equal(err.msg, "Host port 8081/tcp is already forwarded to NAT jail 'web': "
                                     "'db' cannot forward it too");
        /* udp does not clash with tcp */
        v[0].protos = NAT_PROTO_UDP;
        assert_int_equal(nat_check_conflicts(&st, &jail, &err), 0);
        /* a jail's own elements are no conflict: they are replaced */
        jail.name = "web";
        jail.addr = addr("172.16.4.7");
        v[0].protos = v[1].protos = NAT_PROTO_TCP | NAT_PROTO_UDP;
        assert_int_equal(nat_check_conflicts(&st, &jail, &err), 0);
        /* an address another jail holds */
        jail.name = "db2";
        jail.forwards = NULL;
        assert_int_equal(nat_check_conflicts(&st, &jail, &err), -EADDRINUSE);
        assert_string_equal(err.msg, "Address 172.16.4.7 is already used by NAT jail 'web': "
                                     "'db2' cannot use it too");
        /* a port of an element jailor did not tag */
        jail.addr = addr("172.16.4.9");
        jail.forwards = &fw;
        v[0] = (struct nat_forward){NAT_PROTO_TCP, 1, 1, 9999, 9999};
        fw.n = 1;
        assert_int_equal(nat_check_conflicts(&st, &jail, &err), -EADDRINUSE);
        assert_non_null(strstr(err.msg, "9999/tcp"));
        assert_non_null(strstr(err.msg, "did not tag"));
        jailor_error_clear(&err);
        nat_state_done(&st);
}

/* ---- scripts ---- */

static void test_script_add(void **state)
{
        struct nat_forward v[] = {
            {.protos = NAT_PROTO_TCP, .jail_first = 8000, .jail_last = 8000, .host_first = 8081,
             .host_last = 8081},
            {.protos = NAT_PROTO_TCP | NAT_PROTO_UDP, .jail_first = 9000, .jail_last = 9002,
             .host_first = 7000, .host_last = 7002},
        };
        struct nat_forwards fw = {.v = v, .n = ELEMENTSOF(v)};
        struct nat_jail jail = {.name = "web", .addr = addr("172.16.4.7"), .out_iface = "eth9",
                                .forwards = &fw};
        struct nat_state st;
        _cleanup_free_ char *s = NULL;

        assert_int_equal(nat_state_parse(listing, &st, &err), 0);
        s = nat_script_add(&st, &jail);
        assert_non_null(s);
        assert_non_null(strstr(s, "add table ip jailor\n"));
        assert_non_null(strstr(s, "flush chain ip jailor postrouting\n"));
        assert_non_null(strstr(s, "add rule ip jailor postrouting ip saddr . oifname @egress "
                                  "masquerade\n"));
        /* web's stale elements go first, nobody else's */
        assert_non_null(strstr(s, "delete element ip jailor addresses { 172.16.4.7 }\n"));
        assert_non_null(strstr(s, "delete element ip jailor ports { udp . 53, tcp . 8081 }\n"));
        assert_non_null(strstr(s, "delete element ip jailor egress { 172.16.4.7 . \"eth0\" }\n"));
        assert_null(strstr(s, "172.16.4.8"));
        assert_null(strstr(s, "9999"));
        assert_true(strstr(s, "delete element") < strstr(s, "create element"));
        /* then its new ones, created: the kernel refuses a key that exists */
        assert_non_null(strstr(s, "create element ip jailor addresses { 172.16.4.7 comment "
                                  "\"jailor:web\" }\n"));
        assert_non_null(strstr(s, "create element ip jailor egress { 172.16.4.7 . \"eth9\" comment "
                                  "\"jailor:web\" }\n"));
        /* one element per host port and protocol, the jail port moved with the range */
        assert_non_null(strstr(s, "create element ip jailor ports { "
                                  "tcp . 8081 comment \"jailor:web\" : 172.16.4.7 . 8000, "
                                  "tcp . 7000 comment \"jailor:web\" : 172.16.4.7 . 9000, "
                                  "tcp . 7001 comment \"jailor:web\" : 172.16.4.7 . 9001, "
                                  "tcp . 7002 comment \"jailor:web\" : 172.16.4.7 . 9002, "
                                  "udp . 7000 comment \"jailor:web\" : 172.16.4.7 . 9000, "
                                  "udp . 7001 comment \"jailor:web\" : 172.16.4.7 . 9001, "
                                  "udp . 7002 comment \"jailor:web\" : 172.16.4.7 . 9002 }\n"));
        nat_state_done(&st);
}

static void test_script_add_long_range(void **state)
{
        struct nat_forward v = {.protos = NAT_PROTO_TCP, .jail_first = 1, .jail_last = 65535,
                                .host_first = 1, .host_last = 65535};
        struct nat_forwards fw = {.v = &v, .n = 1};
        struct nat_jail jail = {.name = "all", .addr = addr("10.0.0.2"), .out_iface = "eth0",
                                .forwards = &fw};
        struct nat_state st = {0};
        _cleanup_free_ char *s = nat_script_add(&st, &jail);

        assert_non_null(s);
        assert_int_equal(count(s, "comment \"jailor:all\" : "), 65535);
        /* in statements of at most 512 elements */
        assert_int_equal(count(s, "create element ip jailor ports {"), (65535 + 511) / 512);
        assert_non_null(strstr(s, "tcp . 65535 comment \"jailor:all\" : 10.0.0.2 . 65535 }\n"));
        assert_null(strstr(s, "delete"));
}

static void test_script_remove(void **state)
{
        struct nat_state st, empty = {0};
        _cleanup_free_ char *web = NULL, *nobody = NULL, *none = NULL, *last = NULL;

        assert_int_equal(nat_state_parse(listing, &st, &err), 0);
        web = nat_script_remove(&st, "web");
        assert_string_equal(web, "delete element ip jailor addresses { 172.16.4.7 }\n"
                                 "delete element ip jailor ports { udp . 53, tcp . 8081 }\n"
                                 "delete element ip jailor egress { 172.16.4.7 . \"eth0\" }\n");
        nobody = nat_script_remove(&st, "nobody");
        assert_string_equal(nobody, "");
        none = nat_script_remove(&empty, "web");
        assert_string_equal(none, "");
        /* the last jail takes the table with it */
        st.n = 3;
        st.v[0] = st.v[4];
        st.v[1] = st.v[6];
        st.v[2] = st.v[4];
        last = nat_script_remove(&st, "db");
        assert_string_equal(last, "delete table ip jailor\n");
        nat_state_done(&st);
        /* an empty table left behind goes too */
        st = (struct nat_state){.exists = true};
        free(last);
        last = nat_script_remove(&st, "web");
        assert_string_equal(last, "delete table ip jailor\n");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_subnet),
                cmocka_unit_test(test_pick_is_stable),
                cmocka_unit_test(test_pick_stays_usable),
                cmocka_unit_test(test_pick_probes_past_taken),
                cmocka_unit_test(test_pick_full),
                cmocka_unit_test(test_state_parse),
                cmocka_unit_test(test_state_parse_refuses_garbage),
                cmocka_unit_test(test_conflicts),
                cmocka_unit_test(test_script_add),
                cmocka_unit_test(test_script_add_long_range),
                cmocka_unit_test(test_script_remove),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
