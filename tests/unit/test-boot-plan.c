/* SPDX-License-Identifier: MIT */
/* Unit tests of the boot order's plan (src/lib/runtime/boot_plan.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "runtime/boot_order.h"

static char *no_deps[] = {NULL};

static struct boot_jail jail(const char *name, bool boot, unsigned priority, char **depends)
{
        return (struct boot_jail){.name = name, .boot = boot, .priority = priority,
                                  .depends = depends};
}

static void priorities_make_waves(void **state)
{
        struct boot_jail j[] = {jail("c", true, 30, no_deps), jail("a", true, 1, no_deps),
                                jail("b1", true, 20, no_deps), jail("b2", true, 20, no_deps),
                                jail("off", false, 1, no_deps)};

        assert_int_equal(boot_plan(j, 5), 3);
        assert_int_equal(j[1].wave, 0);
        assert_int_equal(j[2].wave, 1);
        assert_int_equal(j[3].wave, 1);
        assert_int_equal(j[0].wave, 2);
        assert_int_equal(j[4].wave, BOOT_OUT);
}

static void dependencies_come_first_even_with_boot_off(void **state)
{
        char *web_deps[] = {"db", NULL}, *db_deps[] = {"store", NULL};
        struct boot_jail j[] = {jail("web", true, 1, web_deps), jail("db", false, 1, db_deps),
                                jail("store", false, 50, no_deps), jail("other", true, 1, no_deps)};

        assert_int_equal(boot_plan(j, 4), 4);
        assert_int_equal(j[3].wave, 0); /* priority 1 */
        assert_int_equal(j[2].wave, 1); /* priority 50, the second of the two priorities */
        assert_int_equal(j[1].wave, 2); /* after store, though its own priority is 1 */
        assert_int_equal(j[0].wave, 3); /* after db */
}

static void cycles_and_missing_block_only_their_jails(void **state)
{
        char *to_b[] = {"b", NULL}, *to_a[] = {"a", NULL}, *to_x[] = {"x", NULL},
             *to_c[] = {"c", NULL};
        struct boot_jail j[] = {jail("a", true, 1, to_b),  jail("b", true, 1, to_a),
                                jail("c", true, 1, to_x),  jail("d", true, 2, to_c),
                                jail("ok", true, 1, no_deps)};

        assert_int_equal(boot_plan(j, 5), 1);
        assert_int_equal(j[0].wave, BOOT_BLOCKED);
        assert_int_equal(j[1].wave, BOOT_BLOCKED);
        assert_non_null(strstr(j[0].why, "cycle"));
        assert_int_equal(j[2].wave, BOOT_BLOCKED);
        assert_string_equal(j[2].why, "it depends on 'x', which is not a jail");
        assert_int_equal(j[3].wave, BOOT_BLOCKED);
        assert_string_equal(j[3].why, "its dependency 'c' cannot start");
        assert_int_equal(j[4].wave, 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(priorities_make_waves),
            cmocka_unit_test(dependencies_come_first_even_with_boot_off),
            cmocka_unit_test(cycles_and_missing_block_only_their_jails),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
