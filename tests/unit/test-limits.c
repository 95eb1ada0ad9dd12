/* SPDX-License-Identifier: MIT */
/* Unit tests of jail properties -> cgroup limits (src/lib/runtime/limits.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "props/props.h"
#include "runtime/limits.h"
#include "util/cleanup.h"

#define MiB (1024ULL * 1024)

static struct jailor_error err;

/* A props object from "name", "value", ... pairs, NULL-terminated. */
static json_t *props_of(const char *first, ...)
{
        json_t *o = json_object();
        va_list ap;

        va_start(ap, first);
        for (const char *k = first; k; k = va_arg(ap, const char *))
                json_object_set_new(o, k, json_string(va_arg(ap, const char *)));
        va_end(ap);
        return o;
}

static void assert_all_off(const struct jail_limits *l)
{
        const struct rctl_value *v[] = {&l->memory,    &l->swap,      &l->cpu_percent,
                                        &l->max_procs, &l->read_bps,  &l->write_bps,
                                        &l->read_iops, &l->write_iops};

        for (size_t i = 0; i < ELEMENTSOF(v); i++)
                assert_false(v[i]->set);
        assert_int_equal(l->cpuset.kind, CPUSET_OFF);
        assert_int_equal(l->io_device, 0);
        assert_false(jail_limits_has_io(l));
}

/* The built-in defaults of every property give no limit at all. */
static void test_table_defaults_are_off(void **state)
{
        json_t *props = json_object();
        struct jail_limits l;

        for (size_t i = 0; i < props_count; i++)
                if (props_table[i].default_value)
                        json_object_set_new(props, props_table[i].name,
                                            json_string(props_table[i].default_value));
        assert_int_equal(jail_limits_from_props(props, &l, &err), 0);
        assert_all_off(&l);
        json_decref(props);
}

static void test_off_and_missing(void **state)
{
        json_t *empty = json_object();
        json_t *off = props_of("memoryuse", "off", "swapuse", "OFF", "pcpu", "off", "cpuset", "off",
                               "maxproc", "off", "readbps", "off", "writebps", "off", "readiops",
                               "off", "writeiops", "off", NULL);
        struct jail_limits l;

        assert_int_equal(jail_limits_from_props(empty, &l, &err), 0);
        assert_all_off(&l);
        assert_int_equal(jail_limits_from_props(off, &l, &err), 0);
        assert_all_off(&l);
        json_decref(empty);
        json_decref(off);
}

static void test_sizes_and_counts(void **state)
{
        json_t *p = props_of("memoryuse", "64M", "swapuse", "deny=1G", "readbps", "throttle=50M",
                             "writebps", "512k", "readiops", "100", "writeiops", "throttle=200",
                             "maxproc", "deny=5", NULL);
        struct jail_limits l;

        assert_int_equal(jail_limits_from_props(p, &l, &err), 0);
        assert_true(l.memory.set);
        assert_int_equal(l.memory.amount, 64 * MiB);
        assert_true(l.swap.set);
        assert_int_equal(l.swap.amount, 1024 * MiB);
        assert_int_equal(l.read_bps.amount, 50 * MiB);
        assert_int_equal(l.write_bps.amount, 512 * 1024);
        assert_int_equal(l.read_iops.amount, 100);
        assert_int_equal(l.write_iops.amount, 200);
        assert_true(l.max_procs.set);
        assert_int_equal(l.max_procs.amount, 5);
        assert_false(l.cpu_percent.set);
        assert_true(jail_limits_has_io(&l));
        json_decref(p);
}

static void test_pcpu(void **state)
{
        json_t *p = props_of("pcpu", "50", NULL);
        json_t *deny = props_of("pcpu", "deny=100", NULL);
        struct jail_limits l;

        assert_int_equal(jail_limits_from_props(p, &l, &err), 0);
        assert_true(l.cpu_percent.set);
        assert_int_equal(l.cpu_percent.amount, 50);
        assert_int_equal(jail_limits_from_props(deny, &l, &err), 0);
        assert_int_equal(l.cpu_percent.amount, 100);
        json_decref(p);
        json_decref(deny);
}

static void test_cpuset(void **state)
{
        json_t *all = props_of("cpuset", "all", NULL);
        json_t *list = props_of("cpuset", "0-1,3", NULL);
        struct jail_limits l;

        assert_int_equal(jail_limits_from_props(all, &l, &err), 0);
        assert_int_equal(l.cpuset.kind, CPUSET_ALL);
        assert_int_equal(jail_limits_from_props(list, &l, &err), 0);
        assert_int_equal(l.cpuset.kind, CPUSET_LIST);
        assert_int_equal(CPU_COUNT(&l.cpuset.cpus), 3);
        assert_true(CPU_ISSET(0, &l.cpuset.cpus));
        assert_true(CPU_ISSET(1, &l.cpuset.cpus));
        assert_false(CPU_ISSET(2, &l.cpuset.cpus));
        assert_true(CPU_ISSET(3, &l.cpuset.cpus));
        json_decref(all);
        json_decref(list);
}

/* One line naming the property and the input. */
static void check_refused(json_t *p, const char *prop, const char *want)
{
        struct jail_limits l;
        int r = jail_limits_from_props(p, &l, &err);

        if (r != -EINVAL || !strstr(err.msg, prop) || !strstr(err.msg, want) ||
            strchr(err.msg, '\n'))
                fail_msg("for %s: got %d '%s', wanted -EINVAL naming '%s' and '%s'", prop, r,
                         err.msg, prop, want);
        jailor_error_clear(&err);
        json_decref(p);
}

static void test_refused(void **state)
{
        json_t *not_string = json_object();

        json_object_set_new(not_string, "maxproc", json_integer(5));
        check_refused(not_string, "maxproc", "expected a string");
        check_refused(props_of("memoryuse", "64X", NULL), "memoryuse", "64X");
        check_refused(props_of("pcpu", "0", NULL), "pcpu", "use off to remove it");
        check_refused(props_of("pcpu", "50%", NULL), "pcpu", "50%");
        check_refused(props_of("maxproc", "log=5", NULL), "maxproc", "deny");
        check_refused(props_of("readbps", "deny=1M", NULL), "readbps", "throttle");
        check_refused(props_of("cpuset", "1,1", NULL), "cpuset", "twice");
}

/* openfiles and pseudoterminals are the runtime's (rlimit, devpts): not read here. */
static void test_not_cgroup_limits(void **state)
{
        json_t *p = props_of("openfiles", "not a number", "pseudoterminals", "x", NULL);
        struct jail_limits l;

        assert_int_equal(jail_limits_from_props(p, &l, &err), 0);
        assert_all_off(&l);
        json_decref(p);
}

static void test_block_device(void **state)
{
        dev_t dev = 1;

        /* /proc has an anonymous device number and no /dev source: no disk */
        assert_int_equal(jail_limits_block_device("/proc", &dev, &err), 0);
        assert_int_equal(dev, 0);
        assert_int_equal(jail_limits_block_device("/nonexistent/jailor", &dev, &err), -ENOENT);
        assert_non_null(strstr(err.msg, "'/nonexistent/jailor'"));
        jailor_error_clear(&err);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_table_defaults_are_off),
            cmocka_unit_test(test_off_and_missing),
            cmocka_unit_test(test_sizes_and_counts),
            cmocka_unit_test(test_pcpu),
            cmocka_unit_test(test_cpuset),
            cmocka_unit_test(test_refused),
            cmocka_unit_test(test_not_cgroup_limits),
            cmocka_unit_test(test_block_device),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
