/* SPDX-License-Identifier: MIT */
/* Unit tests of jail properties -> confinement (src/lib/runtime/confine.h). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/confine.h"
#include "util/cleanup.h"

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

/* confine_from_props on the pairs, which must succeed. */
#define CONFINE(c, ...)                                                                            \
        do {                                                                                       \
                json_t *p_ = props_of(__VA_ARGS__, NULL);                                          \
                jailor_error_clear(&err);                                                          \
                assert_int_equal(confine_from_props(p_, (c), &err), 0);                            \
                json_decref(p_);                                                                   \
        } while (0)

/* confine_from_props on the pairs, which must fail with EINVAL naming `names`. */
static void assert_refused(const char *names, ...)
{
        struct confinement c;
        json_t *o = json_object();
        va_list ap;

        va_start(ap, names);
        for (const char *k = va_arg(ap, const char *); k; k = va_arg(ap, const char *))
                json_object_set_new(o, k, json_string(va_arg(ap, const char *)));
        va_end(ap);
        jailor_error_clear(&err);
        assert_int_equal(confine_from_props(o, &c, &err), -EINVAL);
        assert_non_null(strstr(err.msg, names));
        json_decref(o);
}

static bool keeps(const struct confinement *c, int cap)
{
        return confine_caps_kept(c) & CONFINE_CAP(cap);
}

/* Capabilities no property combination may ever leave to a jail. */
static const int never_kept[] = {
    CAP_SYS_MODULE,      CAP_SYS_RAWIO,
    CAP_SYS_TIME,        CAP_SYS_BOOT,
    CAP_SYS_PTRACE,      CAP_SYS_PACCT,
    CAP_SYS_NICE,        CAP_SYS_RESOURCE,
    CAP_SYS_TTY_CONFIG,  CAP_MKNOD,
    CAP_DAC_READ_SEARCH, CAP_LINUX_IMMUTABLE,
    CAP_MAC_ADMIN,       CAP_MAC_OVERRIDE,
    CAP_SYSLOG,          CAP_WAKE_ALARM,
    CAP_BLOCK_SUSPEND,   CAP_AUDIT_CONTROL,
    CAP_AUDIT_READ,      CAP_BPF,
    CAP_PERFMON,         CAP_CHECKPOINT_RESTORE,
};

/* What a systemd-run Debian jail needs, in every combination. */
static const int always_kept[] = {
    CAP_CHOWN,   CAP_DAC_OVERRIDE,     CAP_FOWNER,     CAP_FSETID,
    CAP_KILL,    CAP_SETUID,           CAP_SETGID,     CAP_SETPCAP,
    CAP_SETFCAP, CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_AUDIT_WRITE,
};

/* The built-in defaults: the strictest useful jail. */
static void test_defaults(void **state)
{
        json_t *props = json_object();
        struct confinement c;

        assert_int_equal(confine_from_props(props, &c, &err), 0);
        json_decref(props);
        assert_int_equal(c.mount_types, 0);
        assert_int_equal(c.devices, 0);
        assert_int_equal(c.ipc, CONFINE_IPC_NEW);
        assert_int_equal(c.sysv_denied, 0);
        assert_false(c.host_network);
        assert_false(c.userns);
        assert_true(c.set_hostname); /* allow_set_hostname defaults to 1 */
        assert_false(keeps(&c, CAP_SYS_ADMIN));
        assert_false(keeps(&c, CAP_NET_RAW));
        assert_false(keeps(&c, CAP_IPC_LOCK));
        assert_true(keeps(&c, CAP_NET_ADMIN)); /* its own network namespace */
        assert_true(keeps(&c, CAP_IPC_OWNER)); /* its own IPC namespace */
        for (size_t i = 0; i < ELEMENTSOF(always_kept); i++)
                assert_true(keeps(&c, always_kept[i]));
        for (size_t i = 0; i < ELEMENTSOF(never_kept); i++)
                assert_false(keeps(&c, never_kept[i]));
}

static void test_raw_sockets_and_mlock(void **state)
{
        struct confinement c;

        CONFINE(&c, "allow_raw_sockets", "1");
        assert_true(keeps(&c, CAP_NET_RAW));
        assert_false(keeps(&c, CAP_IPC_LOCK));
        CONFINE(&c, "allow_mlock", "1");
        assert_true(keeps(&c, CAP_IPC_LOCK));
        assert_false(keeps(&c, CAP_NET_RAW));
}

/* allow_mount needs a type, and a type needs allow_mount, as in iocage. */
static void test_mount(void **state)
{
        struct confinement c;

        CONFINE(&c, "allow_mount", "1");
        assert_int_equal(c.mount_types, 0);
        assert_false(keeps(&c, CAP_SYS_ADMIN));
        CONFINE(&c, "allow_mount_tmpfs", "1", "allow_mount_fusefs", "1");
        assert_int_equal(c.mount_types, 0);
        assert_int_equal(c.devices, 0);
        assert_false(keeps(&c, CAP_SYS_ADMIN));
        CONFINE(&c, "allow_mount", "1", "allow_mount_tmpfs", "1");
        assert_int_equal(c.mount_types, CONFINE_MOUNT_TMPFS);
        assert_true(keeps(&c, CAP_SYS_ADMIN));
        assert_int_equal(c.devices, 0);
        CONFINE(&c, "allow_mount", "1", "allow_mount_procfs", "1", "allow_mount_nullfs", "1",
                "allow_mount_fusefs", "1");
        assert_int_equal(c.mount_types,
                         CONFINE_MOUNT_PROCFS | CONFINE_MOUNT_NULLFS | CONFINE_MOUNT_FUSEFS);
        assert_int_equal(c.devices, CONFINE_DEV_FUSE);
}

static void test_devices(void **state)
{
        struct confinement c;

        CONFINE(&c, "allow_tun", "1");
        assert_int_equal(c.devices, CONFINE_DEV_TUN);
        CONFINE(&c, "allow_vmm", "1");
        assert_int_equal(c.devices, CONFINE_DEV_KVM);
        CONFINE(&c, "allow_tun", "1", "allow_vmm", "1");
        assert_int_equal(c.devices, CONFINE_DEV_TUN | CONFINE_DEV_KVM);
}

static void test_sysv(void **state)
{
        struct confinement c;

        CONFINE(&c, "sysvmsg", "disable", "sysvsem", "disable", "sysvshm", "disable");
        assert_int_equal(c.ipc, CONFINE_IPC_NEW);
        assert_int_equal(c.sysv_denied, CONFINE_SYSV_MSG | CONFINE_SYSV_SEM | CONFINE_SYSV_SHM);
        assert_true(keeps(&c, CAP_IPC_OWNER));

        CONFINE(&c, "sysvmsg", "inherit", "sysvsem", "inherit", "sysvshm", "inherit");
        assert_int_equal(c.ipc, CONFINE_IPC_HOST);
        assert_int_equal(c.sysv_denied, 0);
        assert_false(keeps(&c, CAP_IPC_OWNER)); /* the host's objects are not the jail's */

        CONFINE(&c, "sysvmsg", "disable", "sysvsem", "inherit", "sysvshm", "inherit");
        assert_int_equal(c.ipc, CONFINE_IPC_HOST);
        assert_int_equal(c.sysv_denied, CONFINE_SYSV_MSG);

        CONFINE(&c, "sysvshm", "disable");
        assert_int_equal(c.ipc, CONFINE_IPC_NEW);
        assert_int_equal(c.sysv_denied, CONFINE_SYSV_SHM);

        /* allow_sysvipc: every "new" becomes "inherit", "disable" stays */
        CONFINE(&c, "allow_sysvipc", "1");
        assert_int_equal(c.ipc, CONFINE_IPC_HOST);
        assert_int_equal(c.sysv_denied, 0);
        CONFINE(&c, "allow_sysvipc", "1", "sysvsem", "disable");
        assert_int_equal(c.ipc, CONFINE_IPC_HOST);
        assert_int_equal(c.sysv_denied, CONFINE_SYSV_SEM);

        /* one IPC namespace per jail: new and inherit cannot be mixed */
        assert_refused("'sysvmsg=new' and 'sysvshm=inherit'", "sysvshm", "inherit", NULL);
        assert_refused("'sysvsem=new' and 'sysvmsg=inherit'", "sysvmsg", "inherit", "sysvshm",
                       "disable", NULL);
}

static void test_network(void **state)
{
        struct confinement c;

        CONFINE(&c, "ip4", "inherit");
        assert_true(c.host_network);
        assert_false(keeps(&c, CAP_NET_ADMIN));
        CONFINE(&c, "ip6", "inherit");
        assert_true(c.host_network);
        assert_false(keeps(&c, CAP_NET_ADMIN));
        CONFINE(&c, "ip4", "disable", "ip6", "new");
        assert_false(c.host_network);
        assert_true(keeps(&c, CAP_NET_ADMIN));
}

static void test_hostname(void **state)
{
        struct confinement c;

        CONFINE(&c, "allow_set_hostname", "0");
        assert_false(c.set_hostname);
}

static void test_refused_values(void **state)
{
        struct confinement c;
        json_t *o;

        assert_refused("'allow_mount': 'yes' is not 0 or 1", "allow_mount", "yes", NULL);
        assert_refused("'sysvmsg': 'bogus' is not new, inherit or disable", "sysvmsg", "bogus",
                       NULL);
        o = json_pack("{s:i}", "allow_tun", 1);
        assert_int_equal(confine_from_props(o, &c, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "allow_tun"));
        json_decref(o);
        o = json_array();
        assert_int_equal(confine_from_props(o, &c, &err), -EINVAL);
        json_decref(o);
}

/*
 * Every combination of the boolean switches: the never-kept capabilities
 * stay out, and the seccomp filter compiles (exported, not loaded).
 */
static void test_every_combination(void **state)
{
        static const char *const switches[] = {
            "allow_raw_sockets",  "allow_mlock",        "allow_tun",          "allow_vmm",
            "allow_mount",        "allow_mount_tmpfs",  "allow_mount_procfs", "allow_mount_nullfs",
            "allow_mount_fusefs", "allow_set_hostname", "allow_sysvipc",
        };
        _cleanup_close_ int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

        assert_true(null >= 0);
        for (unsigned mask = 0; mask < (1u << ELEMENTSOF(switches)); mask++) {
                json_t *o = json_object();
                struct confinement c;

                for (size_t i = 0; i < ELEMENTSOF(switches); i++)
                        json_object_set_new(o, switches[i],
                                            json_string(mask & (1u << i) ? "1" : "0"));
                if (mask & 1)
                        json_object_set_new(o, "sysvshm", json_string("disable"));
                if (mask & 2)
                        json_object_set_new(o, "ip4", json_string("inherit"));
                assert_int_equal(confine_from_props(o, &c, &err), 0);
                json_decref(o);
                for (size_t i = 0; i < ELEMENTSOF(never_kept); i++)
                        assert_false(keeps(&c, never_kept[i]));
                for (size_t i = 0; i < ELEMENTSOF(always_kept); i++)
                        assert_true(keeps(&c, always_kept[i]));
                assert_int_equal(keeps(&c, CAP_SYS_ADMIN), c.mount_types != 0);
                assert_int_equal(confine_seccomp_export(&c, null, &err), 0);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_defaults),
            cmocka_unit_test(test_raw_sockets_and_mlock),
            cmocka_unit_test(test_mount),
            cmocka_unit_test(test_devices),
            cmocka_unit_test(test_sysv),
            cmocka_unit_test(test_network),
            cmocka_unit_test(test_hostname),
            cmocka_unit_test(test_refused_values),
            cmocka_unit_test(test_every_combination),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
