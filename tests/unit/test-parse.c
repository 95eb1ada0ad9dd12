/* SPDX-License-Identifier: MIT */
/* Unit tests of the value parsers (src/lib/props/parse.h): accepted, refused, canonical. */
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

#include "props/parse.h"
#include "util/cleanup.h"

static struct jailor_error err;

/* The last error: one line, naming the input, containing want. */
static void check_error(int r, const char *input, const char *want)
{
        if (r != -EINVAL || !strstr(err.msg, want) || strchr(err.msg, '\n') ||
            (input && !strstr(err.msg, input)))
                fail_msg("for '%s': got %d '%s', wanted -EINVAL and '%s'", input ? input : "", r,
                         err.msg, want);
        assert_int_equal(err.errnum, EINVAL);
        jailor_error_clear(&err);
}

/* ---- booleans, integers, sizes, text ---- */

static void test_bool(void **state)
{
        static const char *const yes[] = {"1", "on", "yes", "true", "ON", "Yes", "TRUE"};
        static const char *const no[] = {"0", "off", "no", "false", "OFF", "No", "False"};
        static const char *const bad[] = {"onion", "", "2", "y", "n", "enable", " on", "10"};
        bool b;

        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                assert_int_equal(parse_bool("boot", yes[i], &b, &err), 0);
                assert_true(b);
        }
        for (size_t i = 0; i < ELEMENTSOF(no); i++) {
                assert_int_equal(parse_bool("boot", no[i], &b, &err), 0);
                assert_false(b);
        }
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                check_error(parse_bool("boot", bad[i], &b, &err), bad[i],
                            "expected on/off, yes/no, true/false or 1/0");
        parse_bool("boot", "onion", &b, &err);
        assert_string_equal(err.msg, "Invalid value 'onion' for 'boot': expected on/off, yes/no, "
                                     "true/false or 1/0");
}

static void test_int(void **state)
{
        long long v;

        assert_int_equal(parse_int("priority", "1", 1, 99, &v, &err), 0);
        assert_int_equal(v, 1);
        assert_int_equal(parse_int("priority", "99", 1, 99, &v, &err), 0);
        assert_int_equal(v, 99);
        assert_int_equal(parse_int("priority", "007", 1, 99, &v, &err), 0);
        assert_int_equal(v, 7);
        assert_int_equal(parse_int("x", "-5", -10, 10, &v, &err), 0);
        assert_int_equal(v, -5);
        assert_int_equal(parse_int("x", "-9223372036854775808", INT64_MIN, 0, &v, &err), 0);
        assert_true(v == INT64_MIN);
        check_error(parse_int("priority", "0", 1, 99, &v, &err), "'0'", "out of range 1 to 99");
        check_error(parse_int("priority", "100", 1, 99, &v, &err), "'100'", "1 to 99");
        check_error(parse_int("priority", "-1", 1, 99, &v, &err), "'-1'", "whole number");
        check_error(parse_int("priority", "5a", 1, 99, &v, &err), "'5a'", "whole number");
        check_error(parse_int("priority", "", 1, 99, &v, &err), "''", "whole number");
        check_error(parse_int("priority", " 5", 1, 99, &v, &err), "' 5'", "whole number");
        check_error(parse_int("priority", "+5", 1, 99, &v, &err), "'+5'", "whole number");
        check_error(parse_int("priority", "99999999999999999999999", 1, 99, &v, &err), NULL,
                    "out of range");
        check_error(parse_int("x", "-11", -10, 10, &v, &err), "'-11'", "out of range");
}

static void size_ok(const char *in, uint64_t want, const char *canonical)
{
        char buf[FORMAT_SIZE_MAX];
        uint64_t v = 12345;

        if (parse_size("quota", in, &v, &err) != 0)
                fail_msg("'%s' refused: %s", in, err.msg);
        assert_true(v == want);
        assert_string_equal(format_size(v, buf), canonical);
}

static void test_size(void **state)
{
        uint64_t v;

        size_ok("512M", 512ULL << 20, "512M");
        size_ok("512m", 512ULL << 20, "512M");
        size_ok("512MB", 512ULL << 20, "512M");
        size_ok("512MiB", 512ULL << 20, "512M");
        size_ok("4G", 4ULL << 30, "4G");
        size_ok("1T", 1ULL << 40, "1T");
        size_ok("2P", 2ULL << 50, "2P");
        size_ok("512K", 512ULL << 10, "512K");
        size_ok("1024", 1024, "1K");
        size_ok("1024M", 1ULL << 30, "1G");
        size_ok("1000", 1000, "1000");
        size_ok("1000B", 1000, "1000");
        size_ok("1536M", 1536ULL << 20, "1536M");
        size_ok("8191P", 8191ULL << 50, "8191P");
        size_ok("9223372036854775807", INT64_MAX, "9223372036854775807");
        size_ok("off", 0, "0");
        size_ok("none", 0, "0");
        size_ok("OFF", 0, "0");
        size_ok("0", 0, "0");
        check_error(parse_size("quota", "-1G", &v, &err), "'-1G'", "cannot be negative");
        check_error(parse_size("quota", "8192P", &v, &err), "'8192P'", "largest size");
        check_error(parse_size("quota", "99999999999999999999", &v, &err), NULL, "largest size");
        check_error(parse_size("quota", "9223372036854775808", &v, &err), NULL, "largest size");
        check_error(parse_size("quota", "1.5G", &v, &err), "'1.5G'", "whole number of bytes");
        check_error(parse_size("quota", "G", &v, &err), "'G'", "whole number");
        check_error(parse_size("quota", "", &v, &err), "''", "whole number");
        check_error(parse_size("quota", "4X", &v, &err), "'4X'", "K, M, G, T or P");
        check_error(parse_size("quota", "4GG", &v, &err), "'4GG'", "whole number");
        check_error(parse_size("quota", "4 G", &v, &err), "'4 G'", "whole number");
        check_error(parse_size("quota", "4iB", &v, &err), "'4iB'", "whole number");
        check_error(parse_size("quota", "lots", &v, &err), "'lots'", "or none");
}

static void test_text(void **state)
{
        assert_int_equal(
            parse_text("notes", "anything at all, even 'quotes' | and ;", 100, false, &err), 0);
        assert_int_equal(parse_text("notes", "", 100, true, &err), 0);
        assert_int_equal(parse_text("notes", "caf\xc3\xa9", 100, false, &err), 0);
        check_error(parse_text("notes", "", 100, false, &err), "''", "cannot be empty");
        check_error(parse_text("notes", "two\nlines", 100, true, &err), "'two\\nlines'",
                    "one line");
        check_error(parse_text("notes", "esc\x1b[2J", 100, true, &err), "'esc\\x1b[2J'",
                    "control characters");
        check_error(parse_text("notes", "12345", 4, true, &err), "'12345'",
                    "longer than 4 characters");
}

static void test_quote_long_input(void **state)
{
        char big[600];
        bool b;

        memset(big, 'x', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        check_error(parse_bool("boot", big, &b, &err), NULL, "xxx...");
}

/* ---- names ---- */

static void test_name(void **state)
{
        static const char *const good[] = {
            "web",
            "a",
            "Web_1.example-2",
            "0abc",
            "a..b",
            "x-",
            "_underscore",
            "1234567890123456789012345678901234567890123456789012345678901234", /* 64 */
            "defaults",
            "helper",
            "ALLx",
            "8c9e0a42-51d9-4c3e-a1d8-96c0d5a5e7b1",
        };

        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                if (parse_name("jail", good[i], &err) != 0)
                        fail_msg("'%s' refused: %s", good[i], err.msg);
                assert_true(name_is_valid(good[i]));
        }
        check_error(parse_name("jail", "", &err), "''", "1 to 64 characters");
        check_error(parse_name("jail",
                               "12345678901234567890123456789012345678901234567890123456789012345",
                               &err),
                    NULL, "1 to 64 characters");
        check_error(parse_name("jail", ".", &err), "'.'", "cannot start with '-' or '.'");
        check_error(parse_name("jail", "..", &err), "'..'", "cannot start");
        check_error(parse_name("jail", ".hidden", &err), "'.hidden'", "cannot start");
        check_error(parse_name("jail", "-rf", &err), "'-rf'", "cannot start");
        check_error(parse_name("jail", "a b", &err), "'a b'", "only letters, digits");
        check_error(parse_name("jail", "a/b", &err), "'a/b'", "only letters");
        check_error(parse_name("jail", "caf\xc3\xa9", &err), NULL, "only letters");
        check_error(parse_name("jail", "a:b", &err), "'a:b'", "only letters");
        check_error(parse_name("jail", "default", &err), "'default'", "reserved");
        check_error(parse_name("jail", "ALL", &err), "'ALL'", "reserved");
        check_error(parse_name("jail", "help", &err), "'help'", "reserved");
        check_error(parse_name("release", "Default", &err), "Invalid release name 'Default'",
                    "default, ALL and help are reserved");
        assert_false(name_is_valid("all"));
        assert_false(name_is_valid(""));
}

static void names_ok(const char *in, const char *canonical)
{
        _cleanup_strv_free_ char **v = NULL;
        _cleanup_free_ char *out = NULL;

        if (parse_name_list("depends", in, &v, &err) != 0)
                fail_msg("'%s' refused: %s", in, err.msg);
        out = format_name_list(v);
        assert_string_equal(out, canonical);
}

static void test_name_list(void **state)
{
        char **v = NULL;

        names_ok("none", "none");
        names_ok("", "none");
        names_ok("   ", "none");
        names_ok("db", "db");
        names_ok("db  cache\tweb ", "db cache web");
        check_error(parse_name_list("depends", "db db", &v, &err),
                    "Invalid entry 'db' in 'depends'", "listed twice");
        check_error(parse_name_list("depends", "db a/b", &v, &err), "'a/b'", "only letters");
        check_error(parse_name_list("depends", "db,cache", &v, &err), "'db,cache'", "only letters");
        check_error(parse_name_list("depends", "default", &v, &err), "'default'", "reserved");
        assert_null(v);
}

static void test_hostname(void **state)
{
        static const char *const good[] = {
            "web",
            "web-1",
            "a.b.c",
            "1host",
            "www.example.org",
            "A-Z",
            "a23456789012345678901234567890123456789012345678901234567890123",  /* 63 */
            "a23456789012345678901234567890.b23456789012345678901234567890123", /* 64 */
        };
        char *h;

        for (size_t i = 0; i < ELEMENTSOF(good); i++)
                if (parse_hostname("host_hostname", good[i], &err) != 0)
                        fail_msg("'%s' refused: %s", good[i], err.msg);
        check_error(parse_hostname("host_hostname", "", &err), "''", "cannot be empty");
        check_error(parse_hostname("host_hostname", "-web", &err), "'-web'",
                    "cannot start with '-'");
        check_error(parse_hostname("host_hostname", "web-", &err), "'web-'", "cannot end with '-'");
        check_error(parse_hostname("host_hostname", "a..b", &err), "'a..b'", "empty label");
        check_error(parse_hostname("host_hostname", "web.", &err), "'web.'", "empty label");
        check_error(parse_hostname("host_hostname", "my_jail", &err), "'my_jail'",
                    "only letters, digits, '-' and '.'");
        check_error(parse_hostname("host_hostname", "a b", &err), "'a b'", "only letters");
        check_error(parse_hostname(
                        "host_hostname",
                        "a234567890123456789012345678901.b23456789012345678901234567890123", &err),
                    NULL, "at most 64 characters");
        check_error(parse_hostname(
                        "host_domainname",
                        "a234567890123456789012345678901234567890123456789012345678901234.b", &err),
                    NULL, "at most 63 characters");

        h = hostname_from_name("my_jail");
        assert_string_equal(h, "my-jail");
        free(h);
        h = hostname_from_name("_web_");
        assert_string_equal(h, "web");
        free(h);
        h = hostname_from_name("a..b.");
        assert_string_equal(h, "a.b");
        free(h);
        h = hostname_from_name("___");
        assert_string_equal(h, "jail");
        free(h);
        h = hostname_from_name("8c9e0a42-51d9-4c3e-a1d8-96c0d5a5e7b1");
        assert_string_equal(h, "8c9e0a42-51d9-4c3e-a1d8-96c0d5a5e7b1");
        free(h);
        h = hostname_from_name("1234567890123456789012345678901234567890123456789012345678901234");
        assert_string_equal(h, "123456789012345678901234567890123456789012345678901234567890123");
        assert_int_equal(parse_hostname(NULL, h, &err), 0);
        free(h);
}

static void test_ifname(void **state)
{
        assert_true(ifname_is_valid("eth0"));
        assert_true(ifname_is_valid("br-lan.100"));
        assert_true(ifname_is_valid("123456789012345"));
        assert_false(ifname_is_valid("1234567890123456"));
        assert_false(ifname_is_valid(""));
        assert_false(ifname_is_valid("."));
        assert_false(ifname_is_valid(".."));
        assert_false(ifname_is_valid("a/b"));
        assert_false(ifname_is_valid("a:b"));
        assert_false(ifname_is_valid("a b"));
        assert_false(ifname_is_valid("eth%d"));
        check_error(parse_ifname("vnet_default_interface", "a b", &err), "'a b'",
                    "1 to 15 characters");
}

/* ---- addresses ---- */

static void addr_ok(const char *what, int family, const char *in, const char *canonical)
{
        struct addr_list l;
        _cleanup_free_ char *out = NULL;

        if (parse_addr_list(what, in, family, &l, &err) != 0)
                fail_msg("'%s' refused: %s", in, err.msg);
        out = format_addr_list(&l);
        assert_string_equal(out, canonical);
        addr_list_done(&l);
}

static void addr_bad(const char *what, int family, const char *in, const char *quoted,
                     const char *want)
{
        struct addr_list l = {0};

        check_error(parse_addr_list(what, in, family, &l, &err), quoted, want);
        assert_null(l.entries);
}

static void test_ip4_addr(void **state)
{
        struct addr_list l;

        addr_ok("ip4_addr", AF_INET, "none", "none");
        addr_ok("ip4_addr", AF_INET, "NONE", "none");
        addr_ok("ip4_addr", AF_INET, "vnet0|10.0.0.5/24", "vnet0|10.0.0.5/24");
        addr_ok("ip4_addr", AF_INET, "em0|192.168.1.50", "em0|192.168.1.50");
        addr_ok("ip4_addr", AF_INET, "192.168.1.50", "192.168.1.50");
        addr_ok("ip4_addr", AF_INET, "192.168.1.50/24", "192.168.1.50/24");
        addr_ok("ip4_addr", AF_INET, "eth0|192.168.1.50/255.255.255.0", "eth0|192.168.1.50/24");
        addr_ok("ip4_addr", AF_INET, "eth0|10.1.2.3/255.255.0.0", "eth0|10.1.2.3/16");
        addr_ok("ip4_addr", AF_INET, "eth0|10.1.2.3/255.255.255.255", "eth0|10.1.2.3/32");
        addr_ok("ip4_addr", AF_INET, "vnet0|DHCP", "vnet0|DHCP");
        addr_ok("ip4_addr", AF_INET, "vnet0|dhcp", "vnet0|DHCP");
        addr_ok("ip4_addr", AF_INET, "DEFAULT|10.0.0.5/24", "DEFAULT|10.0.0.5/24");
        addr_ok("ip4_addr", AF_INET, "vnet0|10.0.0.5/24, vnet1|10.1.0.5/16,10.2.0.1",
                "vnet0|10.0.0.5/24,vnet1|10.1.0.5/16,10.2.0.1");
        addr_ok("ip4_addr", AF_INET, "vnet0|10.0.0.1/31", "vnet0|10.0.0.1/31");
        addr_ok("ip4_addr", AF_INET, "vnet0|10.0.0.0/31", "vnet0|10.0.0.0/31");
        addr_ok("ip4_addr", AF_INET, "lo|127.0.0.2", "lo|127.0.0.2");

        assert_int_equal(parse_addr_list("ip4_addr",
                                         "eth0|192.168.1.50/255.255.255.0,vnet0|DHCP,"
                                         "DEFAULT|10.0.0.5,172.16.0.1",
                                         AF_INET, &l, &err),
                         0);
        assert_int_equal(l.n, 4);
        assert_int_equal(l.entries[0].iface_kind, ADDR_IFACE_NAMED);
        assert_string_equal(l.entries[0].iface, "eth0");
        assert_int_equal(l.entries[0].kind, ADDR_STATIC);
        assert_int_equal(l.entries[0].family, AF_INET);
        assert_int_equal(l.entries[0].prefix, 24);
        assert_true(l.entries[0].has_prefix);
        assert_int_equal(ntohl(l.entries[0].addr.in4.s_addr), 0xc0a80132);
        assert_int_equal(l.entries[1].kind, ADDR_DHCP);
        assert_string_equal(l.entries[1].iface, "vnet0");
        assert_int_equal(l.entries[2].iface_kind, ADDR_IFACE_DEFAULT);
        assert_string_equal(l.entries[2].iface, "");
        assert_int_equal(l.entries[2].prefix, 32);
        assert_false(l.entries[2].has_prefix);
        assert_int_equal(l.entries[3].iface_kind, ADDR_IFACE_UNNAMED);
        addr_list_done(&l);
        assert_null(l.entries);
        assert_int_equal(l.n, 0);

        addr_bad("ip4_addr", AF_INET, "", "''", "empty entry");
        addr_bad("ip4_addr", AF_INET, "vnet0|10.0.0.5/24,", NULL, "empty entry");
        addr_bad("ip4_addr", AF_INET, "|10.0.0.5", "Invalid entry '|10.0.0.5' in 'ip4_addr'",
                 "the interface before '|' is empty");
        addr_bad("ip4_addr", AF_INET, "vnet0|", "'vnet0|'", "address after '|' is empty");
        addr_bad("ip4_addr", AF_INET, "a b|10.0.0.5", "'a b|10.0.0.5'", "invalid interface name");
        addr_bad("ip4_addr", AF_INET, "averyveryverylongname|10.0.0.5", NULL,
                 "at most 15 characters");
        addr_bad("ip4_addr", AF_INET, "vnet0|10.0.0.256/24", "'vnet0|10.0.0.256/24'",
                 "expected an IPv4 address");
        addr_bad("ip4_addr", AF_INET, "vnet0|10.0.0", NULL, "expected an IPv4 address");
        addr_bad("ip4_addr", AF_INET, "vnet0|example.org", NULL, "expected an IPv4 address");
        addr_bad("ip4_addr", AF_INET, "vnet0|10.0.0.5/33", "'vnet0|10.0.0.5/33'",
                 "prefix length must be 1-32");
        addr_bad("ip4_addr", AF_INET, "vnet0|10.0.0.5/0", NULL, "prefix length must be 1-32");
        addr_bad("ip4_addr", AF_INET, "vnet0|10.0.0.5/999999999999999999999", NULL,
                 "prefix length must be 1-32");
        addr_bad("ip4_addr", AF_INET, "vnet0|10.0.0.5/", NULL, "expected a prefix length");
        addr_bad("ip4_addr", AF_INET, "vnet0|10.0.0.5/2x", NULL, "expected a prefix length");
        addr_bad("ip4_addr", AF_INET, "vnet0|10.0.0.5/255.0.255.0", NULL, "contiguous");
        addr_bad("ip4_addr", AF_INET, "vnet0|10.0.0.5/0.0.0.0", NULL, "contiguous");
        addr_bad("ip4_addr", AF_INET, "vnet0|10.0.0.5/255.255.0", NULL, "netmask");
        addr_bad("ip4_addr", AF_INET, "vnet0|fd00::5/64", "'vnet0|fd00::5/64'",
                 "an IPv6 address belongs in ip6_addr");
        addr_bad("ip4_addr", AF_INET, "vnet0|accept_rtadv", NULL, "accept_rtadv is for ip6_addr");
        addr_bad("ip4_addr", AF_INET, "DHCP", "'DHCP'", "such as vnet0|DHCP");
        addr_bad("ip4_addr", AF_INET, "DEFAULT|DHCP", NULL, "DHCP needs the jail interface");
        addr_bad("ip4_addr", AF_INET, "vnet0|10.0.0.0/24", NULL, "network address");
        addr_bad("ip4_addr", AF_INET, "vnet0|10.0.0.255/24", NULL, "broadcast address");
        addr_bad("ip4_addr", AF_INET, "vnet0|0.0.0.0", NULL, "unspecified");
        addr_bad("ip4_addr", AF_INET, "vnet0|255.255.255.255", NULL, "broadcast");
        addr_bad("ip4_addr", AF_INET, "vnet0|224.0.0.1", NULL, "multicast");
        addr_bad("ip4_addr", AF_INET, "vnet0|10.0.0.5/24,vnet1|10.0.0.5/16", "'vnet1|10.0.0.5/16'",
                 "listed twice");
        addr_bad("ip4_addr", AF_INET, "vnet0|DHCP,vnet0|dhcp", "'vnet0|dhcp'", "listed twice");
}

static void test_ip6_addr(void **state)
{
        struct addr_list l;

        addr_ok("ip6_addr", AF_INET6, "none", "none");
        addr_ok("ip6_addr", AF_INET6, "vnet0|fd00::5/64", "vnet0|fd00::5/64");
        addr_ok("ip6_addr", AF_INET6, "vnet0|FD00:0:0:0::5/64", "vnet0|fd00::5/64");
        addr_ok("ip6_addr", AF_INET6, "vnet0|2001:db8::1", "vnet0|2001:db8::1");
        addr_ok("ip6_addr", AF_INET6, "2001:db8::1/128", "2001:db8::1/128");
        addr_ok("ip6_addr", AF_INET6, "vnet0|accept_rtadv", "vnet0|accept_rtadv");
        addr_ok("ip6_addr", AF_INET6, "vnet0|ACCEPT_RTADV,vnet1|fd01::1/64",
                "vnet0|accept_rtadv,vnet1|fd01::1/64");
        addr_ok("ip6_addr", AF_INET6, "vnet0|::ffff:10.0.0.1/128", "vnet0|::ffff:10.0.0.1/128");
        addr_ok("ip6_addr", AF_INET6, "DEFAULT|fd00::1/64", "DEFAULT|fd00::1/64");

        assert_int_equal(
            parse_addr_list("ip6_addr", "vnet0|accept_rtadv,fd00::5/64", AF_INET6, &l, &err), 0);
        assert_int_equal(l.entries[0].kind, ADDR_ACCEPT_RTADV);
        assert_int_equal(l.entries[1].family, AF_INET6);
        assert_int_equal(l.entries[1].prefix, 64);
        assert_int_equal(l.entries[1].addr.in6.s6_addr[0], 0xfd);
        assert_int_equal(l.entries[1].addr.in6.s6_addr[15], 5);
        addr_list_done(&l);

        addr_bad("ip6_addr", AF_INET6, "vnet0|10.0.0.5/24", "'vnet0|10.0.0.5/24'",
                 "an IPv4 address belongs in ip4_addr");
        addr_bad("ip6_addr", AF_INET6, "vnet0|DHCP", NULL, "DHCP is for ip4_addr");
        addr_bad("ip6_addr", AF_INET6, "accept_rtadv", NULL, "such as vnet0|accept_rtadv");
        addr_bad("ip6_addr", AF_INET6, "vnet0|fd00::5/129", NULL, "prefix length must be 1-128");
        addr_bad("ip6_addr", AF_INET6, "vnet0|fd00::5/255.255.255.0", NULL,
                 "expected a prefix length 1-128");
        addr_bad("ip6_addr", AF_INET6, "vnet0|fd00:::5", NULL, "expected an IPv6 address");
        addr_bad("ip6_addr", AF_INET6, "vnet0|fe80::1%eth0", NULL, "expected an IPv6 address");
        addr_bad("ip6_addr", AF_INET6, "vnet0|::", NULL, "unspecified");
        addr_bad("ip6_addr", AF_INET6, "vnet0|ff02::1", NULL, "multicast");
        addr_bad("ip6_addr", AF_INET6, "fd00::5/64,vnet0|fd00:0::5/48", NULL, "listed twice");
}

static void router_ok(int family, const char *in, enum router_kind kind, const char *canonical)
{
        struct router r;
        _cleanup_free_ char *out = NULL;

        if (parse_router("defaultrouter", in, family, &r, &err) != 0)
                fail_msg("'%s' refused: %s", in, err.msg);
        assert_int_equal(r.kind, kind);
        out = format_router(&r);
        assert_string_equal(out, canonical);
}

static void test_router(void **state)
{
        struct router r;
        union inet_addr a;

        router_ok(AF_INET, "auto", ROUTER_AUTO, "auto");
        router_ok(AF_INET, "AUTO", ROUTER_AUTO, "auto");
        router_ok(AF_INET, "none", ROUTER_NONE, "none");
        router_ok(AF_INET, "192.168.1.1", ROUTER_ADDR, "192.168.1.1");
        router_ok(AF_INET6, "auto", ROUTER_AUTO, "auto");
        router_ok(AF_INET6, "fd00::1", ROUTER_ADDR, "fd00::1");
        router_ok(AF_INET6, "FE80::1%vnet0", ROUTER_ADDR, "fe80::1%vnet0");
        assert_int_equal(parse_router("defaultrouter6", "fe80::1%vnet0", AF_INET6, &r, &err), 0);
        assert_string_equal(r.scope, "vnet0");

        check_error(parse_router("defaultrouter", "fd00::1", AF_INET, &r, &err),
                    "Invalid value 'fd00::1' for 'defaultrouter'",
                    "expected an IPv4 address, not IPv6");
        check_error(parse_router("defaultrouter6", "10.0.0.1", AF_INET6, &r, &err), "'10.0.0.1'",
                    "expected an IPv6 address, not IPv4");
        check_error(parse_router("defaultrouter", "gateway", AF_INET, &r, &err), "'gateway'",
                    "expected auto, none or an IPv4 address");
        check_error(parse_router("defaultrouter", "", AF_INET, &r, &err), "''",
                    "expected auto, none or an IPv4 address");
        check_error(parse_router("defaultrouter", "10.0.0.1/24", AF_INET, &r, &err), NULL,
                    "expected auto, none");
        check_error(parse_router("defaultrouter", "0.0.0.0", AF_INET, &r, &err), NULL,
                    "unspecified");
        check_error(parse_router("defaultrouter", "10.0.0.1%eth0", AF_INET, &r, &err), NULL,
                    "only an IPv6 link-local gateway takes a %scope");
        check_error(parse_router("defaultrouter6", "fd00::1%vnet0", AF_INET6, &r, &err), NULL,
                    "link-local");
        check_error(parse_router("defaultrouter6", "fe80::1%", AF_INET6, &r, &err), NULL,
                    "jail interface name");

        assert_int_equal(parse_inet_addr("localhost_ip", "127.0.0.2", AF_INET, &a, &err), 0);
        check_error(parse_inet_addr("x", "::1", AF_INET, &a, &err), "'::1'", "not IPv6");
}

/* ---- interfaces ---- */

static void interfaces_ok(const char *in, const char *canonical)
{
        struct vnet_bridges b;
        _cleanup_free_ char *out = NULL;

        if (parse_interfaces("interfaces", in, &b, &err) != 0)
                fail_msg("'%s' refused: %s", in, err.msg);
        out = format_interfaces(&b);
        assert_string_equal(out, canonical);
}

static void test_interfaces(void **state)
{
        struct vnet_bridges b;
        struct iface_choice c;

        interfaces_ok("vnet0:bridge0", "vnet0:bridge0");
        interfaces_ok("vnet0:bridge0,vnet1:bridge1", "vnet0:bridge0,vnet1:bridge1");
        interfaces_ok("vnet3:br3, vnet0:br-lan", "vnet0:br-lan,vnet3:br3");
        interfaces_ok("vnet0:b,vnet1:b,vnet2:b,vnet3:b", "vnet0:b,vnet1:b,vnet2:b,vnet3:b");
        interfaces_ok("vnet1:a23456789012345", "vnet1:a23456789012345");
        assert_int_equal(parse_interfaces(NULL, "vnet2:x,vnet0:y", &b, &err), 0);
        assert_int_equal(b.n, 2);
        assert_int_equal(b.v[0].vnet, 0);
        assert_string_equal(b.v[0].bridge, "y");
        assert_int_equal(b.v[1].vnet, 2);

        check_error(parse_interfaces("interfaces", "", &b, &err), "''", "expected vnetN:BRIDGE");
        check_error(parse_interfaces("interfaces", "none", &b, &err), "'none'",
                    "expected vnetN:BRIDGE");
        check_error(parse_interfaces("interfaces", "vnet0:bridge0,", &b, &err), NULL,
                    "expected vnetN:BRIDGE");
        check_error(parse_interfaces("interfaces", "vnet4:bridge0", &b, &err),
                    "Invalid entry 'vnet4:bridge0' in 'interfaces'",
                    "vnet0, vnet1, vnet2 or vnet3");
        check_error(parse_interfaces("interfaces", "vnet10:bridge0", &b, &err), NULL,
                    "vnet0, vnet1");
        check_error(parse_interfaces("interfaces", "eth0:bridge0", &b, &err), NULL, "vnet0");
        check_error(parse_interfaces("interfaces", "vnet0:", &b, &err), NULL, "1 to 15");
        check_error(parse_interfaces("interfaces", "vnet0:a234567890123456", &b, &err), NULL,
                    "1 to 15");
        check_error(parse_interfaces("interfaces", "vnet0:br/0", &b, &err), NULL, "interface name");
        check_error(parse_interfaces("interfaces", "vnet0:br:0", &b, &err), NULL, "interface name");
        check_error(parse_interfaces("interfaces", "vnet0:none", &b, &err), NULL, "needs a bridge");
        check_error(parse_interfaces("interfaces", "vnet0:bridge0,vnet0:bridge1", &b, &err),
                    "'vnet0:bridge1'", "already listed");
        check_error(parse_interfaces("interfaces", "vnet0", &b, &err), NULL,
                    "expected vnetN:BRIDGE");

        assert_int_equal(parse_iface_choice("x", "auto", &c, &err), 0);
        assert_int_equal(c.kind, IFACE_AUTO);
        assert_int_equal(parse_iface_choice("x", "None", &c, &err), 0);
        assert_int_equal(c.kind, IFACE_NONE);
        assert_int_equal(parse_iface_choice("x", "enp3s0", &c, &err), 0);
        assert_int_equal(c.kind, IFACE_NAMED);
        assert_string_equal(c.name, "enp3s0");
        check_error(parse_iface_choice("vnet_default_interface", "", &c, &err), "''",
                    "expected auto, none or an interface name");
        check_error(parse_iface_choice("vnet_default_interface", "a234567890123456", &c, &err),
                    NULL, "1 to 15 characters");
}

/* ---- NAT ---- */

static void forwards_ok(const char *in, const char *canonical)
{
        struct nat_forwards f;
        _cleanup_free_ char *out = NULL;

        if (parse_nat_forwards("nat_forwards", in, &f, &err) != 0)
                fail_msg("'%s' refused: %s", in, err.msg);
        out = format_nat_forwards(&f);
        assert_string_equal(out, canonical);
        nat_forwards_done(&f);
}

static void test_nat_forwards(void **state)
{
        struct nat_forwards f;

        forwards_ok("none", "none");
        forwards_ok("tcp(80)", "tcp(80)");
        forwards_ok("TCP(80)", "tcp(80)");
        forwards_ok("udp(53:5353)", "udp(53:5353)");
        forwards_ok("tcp/udp(1000-2000)", "tcp/udp(1000-2000)");
        forwards_ok("udp/tcp(53)", "tcp/udp(53)");
        forwards_ok("tcp(8000-8010:9000-9010)", "tcp(8000-8010:9000-9010)");
        forwards_ok("80", "tcp(80)");
        forwards_ok("80:8080", "tcp(80:8080)");
        forwards_ok("tcp(80:80)", "tcp(80)");
        forwards_ok("tcp(80:8080), udp(53)", "tcp(80:8080),udp(53)");
        forwards_ok("tcp(1),udp(65535)", "tcp(1),udp(65535)");
        forwards_ok("tcp(53),udp(53)", "tcp(53),udp(53)");
        forwards_ok("tcp(80:8080),tcp(80:8081)", "tcp(80:8080),tcp(80:8081)");
        forwards_ok("tcp(5-5)", "tcp(5)");

        assert_int_equal(parse_nat_forwards(NULL, "tcp/udp(1000-2000:3000-4000),443", &f, &err), 0);
        assert_int_equal(f.n, 2);
        assert_int_equal(f.v[0].protos, NAT_PROTO_TCP | NAT_PROTO_UDP);
        assert_int_equal(f.v[0].jail_first, 1000);
        assert_int_equal(f.v[0].jail_last, 2000);
        assert_int_equal(f.v[0].host_first, 3000);
        assert_int_equal(f.v[0].host_last, 4000);
        assert_int_equal(f.v[1].protos, NAT_PROTO_TCP);
        assert_int_equal(f.v[1].host_first, 443);
        assert_int_equal(f.v[1].host_last, 443);
        nat_forwards_done(&f);

        check_error(parse_nat_forwards("nat_forwards", "tcp(0)", &f, &err),
                    "Invalid entry 'tcp(0)' in 'nat_forwards'", "ports are 1-65535");
        check_error(parse_nat_forwards("nat_forwards", "tcp(65536)", &f, &err), NULL,
                    "ports are 1-65535");
        check_error(parse_nat_forwards("nat_forwards", "tcp(99999999999999999999999)", &f, &err),
                    NULL, "ports are 1-65535");
        check_error(parse_nat_forwards("nat_forwards", "tcp(80:0)", &f, &err), NULL,
                    "ports are 1-65535");
        check_error(parse_nat_forwards("nat_forwards", "sctp(80)", &f, &err), "'sctp(80)'",
                    "tcp, udp or tcp/udp");
        check_error(parse_nat_forwards("nat_forwards", "(80)", &f, &err), NULL,
                    "tcp, udp or tcp/udp");
        check_error(parse_nat_forwards("nat_forwards", "tcp(80", &f, &err), NULL,
                    "PROTO(JAILPORT[:HOSTPORT])");
        check_error(parse_nat_forwards("nat_forwards", "tcp()", &f, &err), NULL,
                    "expected a port number");
        check_error(parse_nat_forwards("nat_forwards", "tcp(http)", &f, &err), NULL,
                    "expected a port number");
        check_error(parse_nat_forwards("nat_forwards", "tcp(80:)", &f, &err), NULL,
                    "expected a port number");
        check_error(parse_nat_forwards("nat_forwards", "tcp(-5)", &f, &err), NULL,
                    "expected a port number");
        check_error(parse_nat_forwards("nat_forwards", "tcp(2000-1000)", &f, &err), NULL,
                    "from low to high");
        check_error(parse_nat_forwards("nat_forwards", "tcp(1000-2000:3000)", &f, &err), NULL,
                    "same length");
        check_error(parse_nat_forwards("nat_forwards", "tcp(1000-2000:3000-3999)", &f, &err), NULL,
                    "same length");
        check_error(parse_nat_forwards("nat_forwards", "tcp(80),", &f, &err), NULL, "comma list");
        check_error(parse_nat_forwards("nat_forwards", "", &f, &err), "''", "comma list");
        check_error(parse_nat_forwards("nat_forwards", "tcp(80),tcp(8080:80)", &f, &err),
                    "'tcp(8080:80)'", "host port 80/tcp is already forwarded");
        check_error(parse_nat_forwards("nat_forwards", "tcp/udp(50-60),udp(1055:55)", &f, &err),
                    NULL, "host port 55/udp is already forwarded");
        check_error(parse_nat_forwards("nat_forwards", "80,tcp(80)", &f, &err), NULL,
                    "already forwarded");
        assert_null(f.v);
}

static void test_nat_prefix(void **state)
{
        struct nat_prefix np;

        assert_int_equal(parse_nat_prefix("nat_prefix", "172.16", &np, &err), 0);
        assert_int_equal(np.a, 172);
        assert_int_equal(np.b, 16);
        assert_int_equal(parse_nat_prefix("nat_prefix", "172.31", &np, &err), 0);
        assert_int_equal(parse_nat_prefix("nat_prefix", "10.0", &np, &err), 0);
        assert_int_equal(parse_nat_prefix("nat_prefix", "10.255", &np, &err), 0);
        assert_int_equal(parse_nat_prefix("nat_prefix", "192.168", &np, &err), 0);
        assert_int_equal(parse_nat_prefix("nat_prefix", "010.001", &np, &err), 0);
        assert_int_equal(np.a, 10);
        assert_int_equal(np.b, 1);
        check_error(parse_nat_prefix("nat_prefix", "172.15", &np, &err), "'172.15'",
                    "not a private range");
        check_error(parse_nat_prefix("nat_prefix", "172.32", &np, &err), NULL, "private");
        check_error(parse_nat_prefix("nat_prefix", "192.169", &np, &err), NULL, "private");
        check_error(parse_nat_prefix("nat_prefix", "8.8", &np, &err), NULL, "private");
        check_error(parse_nat_prefix("nat_prefix", "10.0.0", &np, &err), NULL, "first two numbers");
        check_error(parse_nat_prefix("nat_prefix", "10", &np, &err), NULL, "first two numbers");
        check_error(parse_nat_prefix("nat_prefix", "10.256", &np, &err), NULL, "first two numbers");
        check_error(parse_nat_prefix("nat_prefix", "10.", &np, &err), NULL, "first two numbers");
        check_error(parse_nat_prefix("nat_prefix", "0010.1", &np, &err), NULL, "first two numbers");
        check_error(parse_nat_prefix("nat_prefix", "", &np, &err), NULL, "first two numbers");
}

/* ---- MACs ---- */

static void mac_ok(const char *in, const char *canonical)
{
        struct mac_pair m;
        _cleanup_free_ char *out = NULL;

        if (parse_mac_pair("vnet0_mac", in, &m, &err) != 0)
                fail_msg("'%s' refused: %s", in, err.msg);
        out = format_mac_pair(&m);
        assert_string_equal(out, canonical);
}

static void test_mac_pair(void **state)
{
        struct mac_pair m;
        struct mac_prefix mp;
        char buf[FORMAT_MAC_MAX];

        mac_ok("none", "none");
        mac_ok("02:ff:60:a1:b2:c3 02:ff:60:a1:b2:c4", "02:ff:60:a1:b2:c3 02:ff:60:a1:b2:c4");
        mac_ok("02FF60A1B2C3,02FF60A1B2C4", "02:ff:60:a1:b2:c3 02:ff:60:a1:b2:c4");
        mac_ok("02-ff-60-a1-b2-c3, 02-ff-60-a1-b2-c4", "02:ff:60:a1:b2:c3 02:ff:60:a1:b2:c4");
        mac_ok("e4:f4:c6:00:00:01 e4f4c6000002", "e4:f4:c6:00:00:01 e4:f4:c6:00:00:02");
        assert_int_equal(parse_mac_pair(NULL, "02ff60a1b2c3 02ff60a1b2c4", &m, &err), 0);
        assert_true(m.set);
        assert_int_equal(m.host[0], 0x02);
        assert_int_equal(m.jail[5], 0xc4);
        assert_string_equal(format_mac(m.host, buf), "02:ff:60:a1:b2:c3");

        check_error(parse_mac_pair("vnet0_mac", "02ff60a1b2c3", &m, &err), "'02ff60a1b2c3'",
                    "two MAC addresses");
        check_error(parse_mac_pair("vnet0_mac", "", &m, &err), "''", "two MAC addresses");
        check_error(parse_mac_pair("vnet0_mac", "02ff60a1b2c3 02ff60a1b2c4 02ff60a1b2c5", &m, &err),
                    NULL, "two MAC addresses");
        check_error(parse_mac_pair("vnet0_mac", "02ff60a1b2c3 02ff60a1b2c3", &m, &err), NULL,
                    "must differ");
        check_error(parse_mac_pair("vnet0_mac", "02:ff:60:a1:b2:c3 02:FF:60:A1:B2:C3", &m, &err),
                    NULL, "must differ");
        check_error(parse_mac_pair("vnet0_mac", "01ff60a1b2c3 02ff60a1b2c4", &m, &err),
                    "Invalid entry '01ff60a1b2c3' in 'vnet0_mac'", "multicast");
        check_error(parse_mac_pair("vnet0_mac", "000000000000 02ff60a1b2c4", &m, &err), NULL,
                    "all-zero");
        check_error(parse_mac_pair("vnet0_mac", "02ff60a1b2cg 02ff60a1b2c4", &m, &err), NULL,
                    "expected a MAC address");
        check_error(parse_mac_pair("vnet0_mac", "02:ff:60-a1:b2:c3 02ff60a1b2c4", &m, &err), NULL,
                    "expected a MAC address");
        check_error(parse_mac_pair("vnet0_mac", "02ff60a1b2c 02ff60a1b2c4", &m, &err), NULL,
                    "expected a MAC address");
        check_error(parse_mac_pair("vnet0_mac", "02.ff.60.a1.b2.c3 02ff60a1b2c4", &m, &err), NULL,
                    "expected a MAC address");

        assert_int_equal(parse_mac_prefix("mac_prefix", "auto", &mp, &err), 0);
        assert_true(mp.is_auto);
        static const char *const good[] = {"02ff60", "06aabb", "0A0000", "eE1234", "FEFFFF"};
        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                if (parse_mac_prefix("mac_prefix", good[i], &mp, &err) != 0)
                        fail_msg("'%s' refused: %s", good[i], err.msg);
                assert_false(mp.is_auto);
        }
        assert_int_equal(parse_mac_prefix("mac_prefix", "02ff60", &mp, &err), 0);
        assert_int_equal(mp.b[0], 0x02);
        assert_int_equal(mp.b[1], 0xff);
        assert_int_equal(mp.b[2], 0x60);
        check_error(parse_mac_prefix("mac_prefix", "E4F4C6", &mp, &err), "'E4F4C6'",
                    "second digit is 2, 6, A or E");
        check_error(parse_mac_prefix("mac_prefix", "03ff60", &mp, &err), NULL, "locally");
        check_error(parse_mac_prefix("mac_prefix", "00ff60", &mp, &err), NULL, "locally");
        check_error(parse_mac_prefix("mac_prefix", "02ff6", &mp, &err), NULL, "6 hex digits");
        check_error(parse_mac_prefix("mac_prefix", "02ff600", &mp, &err), NULL, "6 hex digits");
        check_error(parse_mac_prefix("mac_prefix", "02:ff:60", &mp, &err), NULL, "6 hex digits");
        check_error(parse_mac_prefix("mac_prefix", "02gf60", &mp, &err), NULL, "6 hex digits");
}

/* ---- resolver ---- */

static void resolver_ok(const char *in, enum resolver_kind kind, const char *canonical)
{
        struct resolver r;
        _cleanup_free_ char *out = NULL;

        if (parse_resolver("resolver", in, &r, &err) != 0)
                fail_msg("'%s' refused: %s", in, err.msg);
        assert_int_equal(r.kind, kind);
        out = format_resolver(&r);
        assert_string_equal(out, canonical);
        resolver_done(&r);
}

static void test_resolver(void **state)
{
        struct resolver r;

        resolver_ok("/etc/resolv.conf", RESOLVER_HOST, "/etc/resolv.conf");
        resolver_ok("none", RESOLVER_NONE, "none");
        resolver_ok("/dev/null", RESOLVER_NONE, "none");
        resolver_ok("nameserver 1.1.1.1", RESOLVER_LINES, "nameserver 1.1.1.1");
        resolver_ok("nameserver 1.1.1.1;search example.org", RESOLVER_LINES,
                    "nameserver 1.1.1.1;search example.org");
        resolver_ok(" nameserver   1.1.1.1 ; nameserver 2606:4700::1111;;", RESOLVER_LINES,
                    "nameserver 1.1.1.1;nameserver 2606:4700::1111");
        resolver_ok("search a.example b.example. lan;domain lan;options ndots:2 rotate edns0",
                    RESOLVER_LINES,
                    "search a.example b.example. lan;domain lan;options ndots:2 rotate edns0");
        resolver_ok("nameserver fe80::1%eth0;options single-request-reopen trust-ad timeout:1",
                    RESOLVER_LINES,
                    "nameserver fe80::1%eth0;options single-request-reopen trust-ad timeout:1");

        assert_int_equal(parse_resolver(NULL, "nameserver 10.0.0.1;search lan", &r, &err), 0);
        assert_string_equal(r.lines[0], "nameserver 10.0.0.1");
        assert_string_equal(r.lines[1], "search lan");
        assert_null(r.lines[2]);
        resolver_done(&r);
        assert_null(r.lines);

        check_error(parse_resolver("resolver", "", &r, &err), "''",
                    "expected /etc/resolv.conf, none, /dev/null");
        check_error(parse_resolver("resolver", ";;", &r, &err), NULL, "expected /etc/resolv.conf");
        check_error(parse_resolver("resolver", "nameserver 1.1.1.1;bogus x", &r, &err),
                    "Invalid entry 'bogus x' in 'resolver'",
                    "nameserver, search, domain or options");
        check_error(parse_resolver("resolver", "Nameserver 1.1.1.1", &r, &err), NULL,
                    "must start with nameserver");
        check_error(parse_resolver("resolver", "nameserver", &r, &err), NULL,
                    "exactly one argument");
        check_error(parse_resolver("resolver", "nameserver 1.1.1.1 8.8.8.8", &r, &err), NULL,
                    "exactly one argument");
        check_error(parse_resolver("resolver", "nameserver dns.google", &r, &err), NULL,
                    "IPv4 or IPv6 address");
        check_error(parse_resolver("resolver", "nameserver 1.1.1.1%eth0", &r, &err), NULL,
                    "link-local");
        check_error(parse_resolver("resolver", "search", &r, &err), NULL, "needs an argument");
        check_error(parse_resolver("resolver", "search exa_mple.org", &r, &err), NULL,
                    "only letters");
        check_error(parse_resolver("resolver", "search -bad.org", &r, &err), NULL,
                    "cannot start with '-'");
        check_error(parse_resolver("resolver", "domain a b", &r, &err), NULL, "exactly one");
        check_error(parse_resolver("resolver", "options ndots:", &r, &err), NULL, ":NUMBER");
        check_error(parse_resolver("resolver", "options nd=ots", &r, &err), NULL, ":NUMBER");
        check_error(parse_resolver("resolver", "options", &r, &err), NULL, "needs an argument");
        check_error(parse_resolver("resolver", "nameserver 1.1.1.1\nnameserver 8.8.8.8", &r, &err),
                    NULL, "separate resolv.conf lines with ';'");
        check_error(parse_resolver("resolver", "# comment", &r, &err), NULL,
                    "must start with nameserver");
}

/* ---- limits ---- */

static void rctl_ok(enum rctl_kind kind, const char *in, uint64_t amount, const char *canonical)
{
        struct rctl_value v;
        _cleanup_free_ char *out = NULL;

        if (parse_rctl("limit", in, kind, &v, &err) != 0)
                fail_msg("'%s' refused: %s", in, err.msg);
        assert_true(v.amount == amount);
        assert_int_equal(v.set, amount != 0);
        out = format_rctl(kind, &v);
        assert_string_equal(out, canonical);
}

static void test_rctl(void **state)
{
        struct rctl_value v;
        char max[32], over[32];

        rctl_ok(RCTL_BYTES, "off", 0, "off");
        rctl_ok(RCTL_BYTES, "OFF", 0, "off");
        rctl_ok(RCTL_BYTES, "4G", 4ULL << 30, "4G");
        rctl_ok(RCTL_BYTES, "4g", 4ULL << 30, "4G");
        rctl_ok(RCTL_BYTES, "deny=4g", 4ULL << 30, "4G");
        rctl_ok(RCTL_BYTES, "DENY=512m", 512ULL << 20, "512M");
        rctl_ok(RCTL_BYTES, "1048576", 1ULL << 20, "1M");
        rctl_ok(RCTL_BYTES, "1000b", 1000, "1000");
        rctl_ok(RCTL_BYTES, "2t", 2ULL << 40, "2T");
        rctl_ok(RCTL_BYTES, "1p", 1ULL << 50, "1P");
        rctl_ok(RCTL_BYTES_RATE, "50M", 50ULL << 20, "50M");
        rctl_ok(RCTL_BYTES_RATE, "throttle=10m", 10ULL << 20, "10M");
        rctl_ok(RCTL_IOPS, "1000", 1000, "1000");
        rctl_ok(RCTL_IOPS, "throttle=200", 200, "200");
        rctl_ok(RCTL_COUNT, "deny=100", 100, "100");
        rctl_ok(RCTL_COUNT, "2147483647", 2147483647, "2147483647");
        rctl_ok(RCTL_PERCENT, "50", 50, "50");
        rctl_ok(RCTL_PERCENT, "deny=100", 100, "100");
        snprintf(max, sizeof(max), "%llu", (unsigned long long)rctl_pcpu_max());
        snprintf(over, sizeof(over), "%llu", (unsigned long long)rctl_pcpu_max() + 1);
        rctl_ok(RCTL_PERCENT, max, rctl_pcpu_max(), max);

        check_error(parse_rctl("memoryuse", "0", RCTL_BYTES, &v, &err), "'0'",
                    "must be positive: use off");
        check_error(parse_rctl("memoryuse", "deny=0", RCTL_BYTES, &v, &err), NULL, "positive");
        check_error(parse_rctl("memoryuse", "log=4g", RCTL_BYTES, &v, &err),
                    "Invalid value 'log=4g' for 'memoryuse'",
                    "the action must be deny: Linux cgroups enforce limits");
        check_error(parse_rctl("memoryuse", "sigterm=4g", RCTL_BYTES, &v, &err), NULL,
                    "do not log or signal");
        check_error(parse_rctl("memoryuse", "devctl=4g", RCTL_BYTES, &v, &err), NULL,
                    "must be deny");
        check_error(parse_rctl("memoryuse", "throttle=4g", RCTL_BYTES, &v, &err), NULL,
                    "must be deny");
        check_error(parse_rctl("readbps", "deny=4m", RCTL_BYTES_RATE, &v, &err), NULL,
                    "must be throttle");
        check_error(parse_rctl("memoryuse", "4G:deny", RCTL_BYTES, &v, &err), "'4G:deny'",
                    "whole number of bytes");
        check_error(parse_rctl("memoryuse", "-4G", RCTL_BYTES, &v, &err), NULL, "negative");
        check_error(parse_rctl("memoryuse", "4X", RCTL_BYTES, &v, &err), NULL, "whole number");
        check_error(parse_rctl("memoryuse", "", RCTL_BYTES, &v, &err), NULL, "whole number");
        check_error(parse_rctl("memoryuse", "deny=", RCTL_BYTES, &v, &err), NULL, "whole number");
        check_error(parse_rctl("memoryuse", "=4G", RCTL_BYTES, &v, &err), NULL, "must be deny");
        check_error(parse_rctl("memoryuse", "9000P", RCTL_BYTES, &v, &err), NULL, "largest");
        check_error(parse_rctl("maxproc", "100k", RCTL_COUNT, &v, &err), "'100k'",
                    "a plain number, without a unit");
        check_error(parse_rctl("maxproc", "2147483648", RCTL_COUNT, &v, &err), NULL,
                    "larger than 2147483647");
        check_error(parse_rctl("maxproc", "99999999999999999999999", RCTL_COUNT, &v, &err), NULL,
                    "larger than");
        check_error(parse_rctl("readiops", "1k", RCTL_IOPS, &v, &err), NULL, "without a unit");
        check_error(parse_rctl("pcpu", "0", RCTL_PERCENT, &v, &err), NULL, "positive");
        check_error(parse_rctl("pcpu", "50%", RCTL_PERCENT, &v, &err), NULL,
                    "percentage of one CPU");
        check_error(parse_rctl("pcpu", over, RCTL_PERCENT, &v, &err), over,
                    "more than 100 times the number of CPUs");
}

static void cpuset_ok(const char *in, enum cpuset_kind kind, const char *canonical)
{
        struct cpuset_value c;
        _cleanup_free_ char *out = NULL;

        if (parse_cpuset("cpuset", in, &c, &err) != 0)
                fail_msg("'%s' refused: %s", in, err.msg);
        assert_int_equal(c.kind, kind);
        out = format_cpuset(&c);
        assert_string_equal(out, canonical);
}

static void test_cpuset(void **state)
{
        struct cpuset_value c;

        cpuset_ok("off", CPUSET_OFF, "off");
        cpuset_ok("OFF", CPUSET_OFF, "off");
        cpuset_ok("all", CPUSET_ALL, "all");
        cpuset_ok("0", CPUSET_LIST, "0");
        cpuset_ok("0,1,3", CPUSET_LIST, "0-1,3");
        cpuset_ok("0-3", CPUSET_LIST, "0-3");
        cpuset_ok("3,1,2", CPUSET_LIST, "1-3");
        cpuset_ok("0-3,8, 10-11", CPUSET_LIST, "0-3,8,10-11");
        cpuset_ok("5-5", CPUSET_LIST, "5");
        cpuset_ok("1023", CPUSET_LIST, "1023");
        assert_int_equal(parse_cpuset(NULL, "0,2-3", &c, &err), 0);
        assert_true(CPU_ISSET(0, &c.cpus));
        assert_false(CPU_ISSET(1, &c.cpus));
        assert_true(CPU_ISSET(3, &c.cpus));
        assert_int_equal(CPU_COUNT(&c.cpus), 3);

        check_error(parse_cpuset("cpuset", "", &c, &err), "''", "expected off, all");
        check_error(parse_cpuset("cpuset", "0,,1", &c, &err), NULL, "expected off, all");
        check_error(parse_cpuset("cpuset", "0,1,1", &c, &err), "Invalid entry '1' in 'cpuset'",
                    "listed twice");
        check_error(parse_cpuset("cpuset", "0-3,2", &c, &err), NULL, "listed twice");
        check_error(parse_cpuset("cpuset", "3-0", &c, &err), NULL, "low to high");
        check_error(parse_cpuset("cpuset", "1024", &c, &err), NULL, "up to 1023");
        check_error(parse_cpuset("cpuset", "0-99999999999999999999999", &c, &err), NULL,
                    "up to 1023");
        check_error(parse_cpuset("cpuset", "-1", &c, &err), NULL, "expected a CPU number");
        check_error(parse_cpuset("cpuset", "a", &c, &err), NULL, "expected a CPU number");
        check_error(parse_cpuset("cpuset", "0-", &c, &err), NULL, "expected a CPU number");
        check_error(parse_cpuset("cpuset", "none", &c, &err), NULL, "expected a CPU number");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_bool),
            cmocka_unit_test(test_int),
            cmocka_unit_test(test_size),
            cmocka_unit_test(test_text),
            cmocka_unit_test(test_quote_long_input),
            cmocka_unit_test(test_name),
            cmocka_unit_test(test_name_list),
            cmocka_unit_test(test_hostname),
            cmocka_unit_test(test_ifname),
            cmocka_unit_test(test_ip4_addr),
            cmocka_unit_test(test_ip6_addr),
            cmocka_unit_test(test_router),
            cmocka_unit_test(test_interfaces),
            cmocka_unit_test(test_nat_forwards),
            cmocka_unit_test(test_nat_prefix),
            cmocka_unit_test(test_mac_pair),
            cmocka_unit_test(test_resolver),
            cmocka_unit_test(test_rctl),
            cmocka_unit_test(test_cpuset),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
