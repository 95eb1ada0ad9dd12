/* SPDX-License-Identifier: MIT */
/* Unit tests of the property table (src/lib/props/props.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "props/props.h"
#include "util/cleanup.h"

static struct jailor_error err;

/* props_check(name=in) on a jail gives canonical. */
static void set_ok(enum prop_scope scope, const char *name, const char *in, const char *canonical)
{
        _cleanup_free_ char *out = NULL;

        if (props_check(name, in, scope, &out, &err) != 0)
                fail_msg("%s='%s' refused: %s", name, in, err.msg);
        if (!STREQ(out, canonical))
                fail_msg("%s='%s' gave '%s', wanted '%s'", name, in, out, canonical);
}

static void jail_ok(const char *name, const char *in, const char *canonical)
{
        set_ok(PROP_SCOPE_JAIL, name, in, canonical);
}

static void refused(enum prop_scope scope, const char *name, const char *in, int errnum,
                    const char *want)
{
        char *out = NULL;
        int r = props_check(name, in, scope, &out, &err);

        if (r != -errnum || !strstr(err.msg, want) || strchr(err.msg, '\n'))
                fail_msg("%s='%s': got %d '%s', wanted %d and '%s'", name, in, r, err.msg, -errnum,
                         want);
        assert_null(out);
        jailor_error_clear(&err);
}

static void jail_bad(const char *name, const char *in, const char *want)
{
        refused(PROP_SCOPE_JAIL, name, in, EINVAL, want);
}

/* ---- table invariants ---- */

static void test_defaults_pass_their_validator(void **state)
{
        for (size_t i = 0; i < props_count; i++) {
                const struct prop_def *p = &props_table[i];
                _cleanup_free_ char *out = NULL;

                assert_non_null(p->validate);
                if (!p->default_value)
                        continue;
                if (p->validate(p, p->default_value, &out, &err) != 0)
                        fail_msg("default of '%s' refused: %s", p->name, err.msg);
                if (!STREQ(out, p->default_value))
                        fail_msg("default of '%s' is '%s', not canonical '%s'", p->name,
                                 p->default_value, out);
        }
}

static void test_names_unique_and_documented(void **state)
{
        for (size_t i = 0; i < props_count; i++) {
                const struct prop_def *p = &props_table[i];

                assert_non_null(p->name);
                assert_true(strlen(p->name) > 0);
                for (size_t j = i + 1; j < props_count; j++)
                        if (STREQ(p->name, props_table[j].name))
                                fail_msg("'%s' is in the table twice", p->name);
                if (!p->doc || strlen(p->doc) < 8 || strchr(p->doc, '\n'))
                        fail_msg("'%s' needs a one-line doc", p->name);
                assert_ptr_equal(props_find(p->name), p);
                assert_string_not_equal(props_type_name(p->type), "?");
                assert_string_not_equal(props_group_name(p->group), "?");
        }
        assert_null(props_find("nonexistent"));
        assert_null(props_find(""));
}

static void test_flags_consistent(void **state)
{
        for (size_t i = 0; i < props_count; i++) {
                const struct prop_def *p = &props_table[i];

                if (p->flags & PROP_PER_JAIL) {
                        /* computed per jail: no fixed default, never in defaults.json */
                        assert_null(p->default_value);
                        assert_true(p->flags & PROP_JAIL_ONLY);
                } else if (!p->default_value) {
                        fail_msg("'%s' has neither a default nor PROP_PER_JAIL", p->name);
                }
                if ((p->flags & PROP_DEFAULT_ONLY) && (p->flags & PROP_JAIL_ONLY))
                        fail_msg("'%s' is both default-only and jail-only", p->name);
                if ((p->flags & PROP_READONLY) && (p->flags & PROP_LIVE))
                        fail_msg("'%s' is read-only and live", p->name);
                if ((p->flags & PROP_READONLY) !=
                    (p->group == PROP_GROUP_STATE ? PROP_READONLY : 0))
                        fail_msg("'%s': read-only properties are exactly the State group", p->name);
                if (p->type == PROP_ENUM)
                        assert_non_null(p->choices);
                if (p->type == PROP_INT)
                        assert_true(p->min <= p->max);
        }
}

static void test_freebsd_only_not_in_table(void **state)
{
        for (size_t i = 0; i < props_refused_count; i++) {
                const struct prop_refused *r = &props_refused[i];
                char quoted[128];

                if (props_find(r->name))
                        fail_msg("'%s' is refused and in the table", r->name);
                snprintf(quoted, sizeof(quoted), "'%s' ", r->name);
                assert_true(strncmp(r->message, quoted, strlen(quoted)) == 0);
                assert_null(strchr(r->message, '\n'));
                assert_ptr_equal(props_freebsd_only(r->name), r->message);
                for (size_t j = i + 1; j < props_refused_count; j++)
                        assert_string_not_equal(r->name, props_refused[j].name);
        }
        assert_null(props_freebsd_only("boot"));
        assert_null(props_freebsd_only("nonexistent"));
}

/* Every property SPEC §5-7 names is in the table. */
static void test_spec_properties_present(void **state)
{
        static const char *const spec[] = {
            "memoryuse",
            "swapuse",
            "pcpu",
            "cpuset",
            "maxproc",
            "openfiles",
            "readbps",
            "writebps",
            "readiops",
            "writeiops",
            "pseudoterminals",
            "allow_raw_sockets",
            "allow_mlock",
            "allow_tun",
            "allow_mount",
            "allow_mount_tmpfs",
            "allow_mount_fusefs",
            "allow_mount_procfs",
            "allow_mount_nullfs",
            "allow_set_hostname",
            "allow_sysvipc",
            "sysvmsg",
            "sysvsem",
            "sysvshm",
            "allow_vmm",
            "vnet",
            "dhcp",
            "nat",
            "nat_forwards",
            "nat_prefix",
            "nat_interface",
            "ip4",
            "ip6",
            "ip4_addr",
            "ip6_addr",
            "defaultrouter",
            "defaultrouter6",
            "interfaces",
            "vnet_default_interface",
            "vnet_default_interface_offload",
            "vnet0_mac",
            "vnet3_mac",
            "vnet0_mtu",
            "vnet3_mtu",
            "vnet_default_mtu",
            "mac_prefix",
            "resolver",
            "boot",
            "priority",
            "depends",
            "notes",
            "comment",
            "owner",
            "template",
            "basejail",
            "host_time",
            "exec_start",
            "exec_stop",
            "exec_prestart",
            "exec_poststart",
            "exec_prestop",
            "exec_poststop",
            "exec_created",
            "exec_timeout",
            "stop_timeout",
            "exec_clean",
            "login_flags",
            "host_hostname",
            "host_domainname",
            "host_hostuuid",
            "type",
            "release",
            "cloned_release",
            "last_started",
            "CONFIG_VERSION",
            "quota",
            "reservation",
            "compression",
            "used",
            "available",
            "origin",
            "source_template",
        };

        for (size_t i = 0; i < ELEMENTSOF(spec); i++)
                if (!props_find(spec[i]))
                        fail_msg("'%s' is missing from the table", spec[i]);
}

static void test_spec_defaults(void **state)
{
        static const char *const want[][2] = {
            {"exec_start", "auto"},
            {"exec_stop", "auto"},
            {"exec_prestart", "none"},
            {"vnet_default_interface", "auto"},
            {"nat_interface", "auto"},
            {"nat_prefix", "172.16"},
            {"resolver", "/etc/resolv.conf"},
            {"ip4", "new"},
            {"interfaces", "vnet0:bridge0"},
            {"exec_timeout", "60"},
            {"stop_timeout", "30"},
            {"priority", "99"},
            {"boot", "0"},
            {"allow_set_hostname", "1"},
            {"host_time", "1"},
            {"memoryuse", "off"},
            {"cpuset", "off"},
            {"vnet_default_mtu", "1500"},
            {"vnet0_mtu", "auto"},
            {"login_flags", "-f root"},
            {"CONFIG_VERSION", "1"},
            {"type", "jail"},
        };

        for (size_t i = 0; i < ELEMENTSOF(want); i++) {
                const struct prop_def *p = props_find(want[i][0]);

                assert_non_null(p);
                assert_string_equal(p->default_value, want[i][1]);
        }
        assert_true(props_find("memoryuse")->flags & PROP_LIVE);
        assert_true(props_find("priority")->flags & PROP_LIVE);
        assert_false(props_find("vnet")->flags & PROP_LIVE);
        assert_true(props_find("template")->flags & PROP_STOPPED);
        assert_true(props_find("nat_prefix")->flags & PROP_DEFAULT_ONLY);
        assert_true(props_find("host_hostname")->flags & PROP_PER_JAIL);
        assert_true(props_find("vnet2_mac")->flags & PROP_PER_JAIL);
}

/* ---- props_check ---- */

static void test_check_rules(void **state)
{
        refused(PROP_SCOPE_JAIL, "securelevel", "2", EINVAL,
                "'securelevel' is FreeBSD-only: jails always run with a reduced capability set");
        refused(PROP_SCOPE_DEFAULT, "devfs_ruleset", "4", EINVAL,
                "'devfs_ruleset' is FreeBSD-only: jailor builds the jail's /dev itself");
        refused(PROP_SCOPE_JAIL, "rtsold", "1", EINVAL, "ip6_addr=vnet0|accept_rtadv");
        refused(PROP_SCOPE_JAIL, "bogus", "1", EINVAL, "Unknown property 'bogus'");
        refused(PROP_SCOPE_JAIL, "prority", "1", EINVAL,
                "Unknown property 'prority': did you mean 'priority'?");
        refused(PROP_SCOPE_JAIL, "Boot", "1", EINVAL, "did you mean 'boot'?");
        refused(PROP_SCOPE_JAIL, "release", "bookworm", EPERM,
                "'release' is maintained by jailor and cannot be set");
        refused(PROP_SCOPE_JAIL, "type", "template", EPERM, "maintained by jailor");
        refused(PROP_SCOPE_DEFAULT, "CONFIG_VERSION", "2", EPERM, "maintained by jailor");
        refused(PROP_SCOPE_JAIL, "nat_prefix", "10.1", EINVAL,
                "'nat_prefix' applies to all jails: set it on 'default'");
        refused(PROP_SCOPE_JAIL, "nat_interface", "eth0", EINVAL, "set it on 'default'");
        refused(PROP_SCOPE_DEFAULT, "host_hostname", "web", EINVAL,
                "'host_hostname' belongs to one jail and cannot be set on 'default'");
        refused(PROP_SCOPE_DEFAULT, "template", "1", EINVAL, "cannot be set on 'default'");
        refused(PROP_SCOPE_DEFAULT, "vnet0_mac", "none", EINVAL, "cannot be set on 'default'");
        refused(PROP_SCOPE_JAIL, "boot", "onion", EINVAL,
                "Invalid value 'onion' for 'boot': expected on/off, yes/no, true/false or 1/0");
        refused(PROP_SCOPE_JAIL, "priority", "100", EINVAL,
                "Invalid value '100' for 'priority': out of range 1 to 99");
        refused(PROP_SCOPE_JAIL, "vnet", "10", EINVAL, "expected on/off");

        set_ok(PROP_SCOPE_DEFAULT, "nat_prefix", "10.1", "10.1");
        set_ok(PROP_SCOPE_DEFAULT, "nat_interface", "none", "auto");
        set_ok(PROP_SCOPE_DEFAULT, "nat_interface", "eth0", "eth0");
        set_ok(PROP_SCOPE_DEFAULT, "memoryuse", "deny=2g", "2G");
        set_ok(PROP_SCOPE_JAIL, "template", "yes", "1");
}

/* The canonical spelling of a value of every kind of property. */
static void test_canonical_values(void **state)
{
        jail_ok("boot", "on", "1");
        jail_ok("boot", "No", "0");
        jail_ok("allow_raw_sockets", "TRUE", "1");
        jail_ok("priority", "05", "5");
        jail_ok("exec_timeout", "600", "600");
        jail_ok("stop_timeout", "0", "0");
        jail_ok("ip4", "INHERIT", "inherit");
        jail_ok("ip4", "none", "disable");
        jail_ok("ip6", "none", "disable");
        jail_ok("sysvshm", "Inherit", "inherit");
        jail_ok("quota", "20g", "20G");
        jail_ok("quota", "off", "none");
        jail_ok("reservation", "1024M", "1G");
        jail_ok("compression", "ZSTD-3", "zstd-3");
        jail_ok("compression", "inherit", "inherit");
        jail_ok("compression", "lzo", "lzo");
        jail_ok("memoryuse", "deny=4g", "4G");
        jail_ok("swapuse", "off", "off");
        jail_ok("pcpu", "deny=50", "50");
        jail_ok("maxproc", "500", "500");
        jail_ok("openfiles", "deny=4096", "4096");
        jail_ok("pseudoterminals", "16", "16");
        jail_ok("readbps", "throttle=10m", "10M");
        jail_ok("writebps", "1048576", "1M");
        jail_ok("readiops", "100", "100");
        jail_ok("writeiops", "throttle=50", "50");
        jail_ok("cpuset", "3,0-1", "0-1,3");
        jail_ok("ip4_addr", "vnet0|10.0.0.5/255.255.255.0", "vnet0|10.0.0.5/24");
        jail_ok("ip6_addr", "vnet0|ACCEPT_RTADV", "vnet0|accept_rtadv");
        jail_ok("defaultrouter", "Auto", "auto");
        jail_ok("defaultrouter6", "FD00::1", "fd00::1");
        jail_ok("interfaces", "vnet1:br1, vnet0:bridge0", "vnet0:bridge0,vnet1:br1");
        jail_ok("vnet_default_interface", "NONE", "none");
        jail_ok("vnet_default_interface", "eth0", "eth0");
        jail_ok("nat_forwards", "80:8080, UDP(53)", "tcp(80:8080),udp(53)");
        jail_ok("vnet0_mac", "02FF60A1B2C3 02FF60A1B2C4", "02:ff:60:a1:b2:c3 02:ff:60:a1:b2:c4");
        jail_ok("vnet1_mac", "none", "none");
        jail_ok("vnet0_mtu", "9000", "9000");
        jail_ok("vnet0_mtu", "AUTO", "auto");
        jail_ok("vnet_default_mtu", "1280", "1280");
        jail_ok("mac_prefix", "02FF60", "02ff60");
        jail_ok("mac_prefix", "auto", "auto");
        jail_ok("resolver", "/dev/null", "none");
        jail_ok("resolver", "nameserver 1.1.1.1 ; search lan", "nameserver 1.1.1.1;search lan");
        jail_ok("depends", "db  cache", "db cache");
        jail_ok("depends", "none", "none");
        jail_ok("host_hostname", "web-1.example.org", "web-1.example.org");
        jail_ok("host_domainname", "", "none");
        jail_ok("host_domainname", "corp.example", "corp.example");
        jail_ok("notes", "runs the wiki; ask Ann", "runs the wiki; ask Ann");
        jail_ok("notes", "", "");
        jail_ok("comment", "none", "none");
        jail_ok("owner", "ann", "ann");
        jail_ok("exec_start", "AUTO", "auto");
        jail_ok("exec_start", "/bin/sh /etc/rc", "/bin/sh /etc/rc");
        jail_ok("exec_stop", "/sbin/halt -p", "/sbin/halt -p");
        jail_ok("exec_prestart", "None", "none");
        jail_ok("exec_poststart", "/usr/bin/true", "/usr/bin/true");
        jail_ok("exec_created", "logger 'jail created'", "logger 'jail created'");
        jail_ok("login_flags", "-f admin", "-f admin");
        jail_ok("vnet_default_interface_offload", "off", "0");
}

static void test_invalid_values(void **state)
{
        jail_bad("exec_timeout", "0", "out of range 1 to 86400");
        jail_bad("stop_timeout", "-1", "whole number");
        jail_bad("ip4", "shared",
                 "Invalid value 'shared' for 'ip4': expected new, inherit or "
                 "disable");
        jail_bad("sysvmsg", "yes", "expected new, inherit or disable");
        jail_bad("quota", "20X", "Invalid value '20X' for 'quota'");
        jail_bad("compression", "gzip-10", "expected inherit, on, off");
        jail_bad("compression", "zstd-0", "expected inherit");
        jail_bad("compression", "brotli", "expected inherit");
        jail_bad("memoryuse", "log=4g", "the action must be deny");
        jail_bad("readbps", "deny=1m", "the action must be throttle");
        jail_bad("maxproc", "0", "use off to remove it");
        jail_bad("cpuset", "0,0", "listed twice");
        jail_bad("ip4_addr", "vnet0|fd00::1/64",
                 "Invalid entry 'vnet0|fd00::1/64' in 'ip4_addr': "
                 "an IPv6 address belongs in ip6_addr");
        jail_bad("ip6_addr", "vnet0|DHCP", "DHCP is for ip4_addr");
        jail_bad("defaultrouter", "fd00::1", "not IPv6");
        jail_bad("defaultrouter6", "nope", "expected auto, none or an IPv6 address");
        jail_bad("interfaces", "vnet5:bridge0", "vnet0, vnet1, vnet2 or vnet3");
        jail_bad("vnet_default_interface", "bad/name", "interface name");
        jail_bad("nat_forwards", "tcp(70000)", "ports are 1-65535");
        jail_bad("vnet0_mac", "02ff60a1b2c3", "two MAC addresses");
        jail_bad("vnet0_mtu", "9000x", "expected auto or a whole number from 68 to 65535");
        jail_bad("vnet0_mtu", "67", "out of range 68 to 65535");
        jail_bad("vnet_default_mtu", "auto", "whole number from 68 to 65535");
        jail_bad("mac_prefix", "E4F4C6", "locally administered");
        jail_bad("resolver", "nameserver one", "IPv4 or IPv6 address");
        jail_bad("depends", "a b a", "listed twice");
        jail_bad("host_hostname", "my_jail", "only letters, digits, '-' and '.'");
        jail_bad("host_hostname", "", "cannot be empty");
        jail_bad("host_domainname", "-x", "cannot start with '-'");
        jail_bad("notes", "line1\nline2", "one line");
        jail_bad("owner", "", "cannot be empty");
        jail_bad("exec_start", "", "cannot be empty");
        jail_bad("exec_prestart", "echo\x1b[31m", "control characters");
        refused(PROP_SCOPE_DEFAULT, "nat_prefix", "192.169", EINVAL,
                "Invalid value '192.169' for 'nat_prefix': not a private range");
}

/* ---- JSON ---- */

static void json_round_trip(const char *name, const char *canonical, json_type want_type)
{
        const struct prop_def *p = props_find(name);
        json_t *v;
        _cleanup_free_ char *back = NULL;

        assert_non_null(p);
        v = props_to_json(p, canonical);
        assert_non_null(v);
        assert_int_equal(json_typeof(v), want_type);
        if (props_from_json(p, v, &back, &err) != 0)
                fail_msg("%s: %s", name, err.msg);
        assert_string_equal(back, canonical);
        json_decref(v);
}

static void from_json_ok(const char *name, json_t *v, const char *canonical)
{
        const struct prop_def *p = props_find(name);
        _cleanup_free_ char *out = NULL;

        if (props_from_json(p, v, &out, &err) != 0)
                fail_msg("%s: %s", name, err.msg);
        assert_string_equal(out, canonical);
        json_decref(v);
}

static void test_json(void **state)
{
        const struct prop_def *boot = props_find("boot");
        char *out = NULL;
        json_t *v;

        json_round_trip("boot", "1", JSON_INTEGER);
        json_round_trip("boot", "0", JSON_INTEGER);
        json_round_trip("priority", "42", JSON_INTEGER);
        json_round_trip("CONFIG_VERSION", "1", JSON_INTEGER);
        json_round_trip("vnet_default_mtu", "1500", JSON_INTEGER);
        json_round_trip("ip4_addr", "vnet0|10.0.0.5/24", JSON_STRING);
        json_round_trip("memoryuse", "4G", JSON_STRING);
        json_round_trip("vnet0_mtu", "9000", JSON_STRING);
        json_round_trip("notes", "none", JSON_STRING);

        v = props_to_json(boot, "1");
        assert_int_equal(json_integer_value(v), 1);
        json_decref(v);
        v = props_to_json(boot, NULL);
        assert_true(json_is_null(v));
        json_decref(v);

        /* iocage wrote strings and integers for the same keys; read either */
        from_json_ok("boot", json_string("on"), "1");
        from_json_ok("boot", json_integer(0), "0");
        from_json_ok("boot", json_true(), "1");
        from_json_ok("priority", json_string("10"), "10");
        from_json_ok("CONFIG_VERSION", json_string("1"), "1");
        from_json_ok("ip4", json_string("none"), "disable");
        from_json_ok("vnet0_mtu", json_integer(1500), "1500");
        from_json_ok("release", json_string("bookworm"), "bookworm");

        v = json_integer(2);
        assert_int_equal(props_from_json(boot, v, &out, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "Invalid value '2' for 'boot'"));
        json_decref(v);
        v = json_real(1.5);
        assert_int_equal(props_from_json(props_find("priority"), v, &out, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "'priority'"));
        assert_non_null(strstr(err.msg, "a real number"));
        json_decref(v);
        v = json_null();
        assert_int_equal(props_from_json(boot, v, &out, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "null"));
        json_decref(v);
        v = json_true();
        assert_int_equal(props_from_json(props_find("notes"), v, &out, &err), -EINVAL);
        json_decref(v);
        v = json_array();
        assert_int_equal(props_from_json(props_find("depends"), v, &out, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "an array"));
        json_decref(v);
        assert_null(out);
}

static void test_names(void **state)
{
        assert_string_equal(props_type_name(PROP_BOOL), "bool");
        assert_string_equal(props_type_name(PROP_ADDR_LIST), "addresses");
        assert_string_equal(props_type_name((enum prop_type)99), "?");
        assert_string_equal(props_group_name(PROP_GROUP_BASIC), "Basic");
        assert_string_equal(props_group_name(PROP_GROUP_NETWORK), "Network");
        assert_string_equal(props_group_name((enum prop_group)99), "?");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_defaults_pass_their_validator),
            cmocka_unit_test(test_names_unique_and_documented),
            cmocka_unit_test(test_flags_consistent),
            cmocka_unit_test(test_freebsd_only_not_in_table),
            cmocka_unit_test(test_spec_properties_present),
            cmocka_unit_test(test_spec_defaults),
            cmocka_unit_test(test_check_rules),
            cmocka_unit_test(test_canonical_values),
            cmocka_unit_test(test_invalid_values),
            cmocka_unit_test(test_json),
            cmocka_unit_test(test_names),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
