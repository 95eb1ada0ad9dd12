/* SPDX-License-Identifier: MIT */
/* Unit tests of resolver_content: the text of a jail's /etc/resolv.conf. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "jail/resolver.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define STUB "# This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).\n" \
             "nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch lan\n"
#define UPSTREAM "nameserver 192.0.2.1\nnameserver 2001:db8::1\nsearch lan\n"

/* A temporary directory holding the host's files of one test. */
struct host {
        char *dir, *resolv, *resolved;
};

static int host_setup(void **state)
{
        char tmpl[] = "/tmp/jailor-unit-XXXXXX";
        struct host *h = calloc(1, sizeof(*h));

        assert_non_null(h);
        assert_non_null(mkdtemp(tmpl));
        h->dir = strdup(tmpl);
        h->resolv = path_join(h->dir, "resolv.conf");
        h->resolved = path_join(h->dir, "resolved-upstream.conf");
        *state = h;
        return 0;
}

static int host_teardown(void **state)
{
        struct host *h = *state;

        rm_rf(h->dir, NULL);
        free(h->dir);
        free(h->resolv);
        free(h->resolved);
        free(h);
        return 0;
}

static void put(const char *path, const char *text)
{
        assert_int_equal(write_file_atomic(path, text, strlen(text), 0644, NULL), 0);
}

static void test_literal_lines_one_a_line(void **state)
{
        struct jailor_error err = {0};
        _cleanup_free_ char *text = NULL;

        (void)state;
        assert_int_equal(resolver_content("nameserver 1.1.1.1;search  example.org lan;options ndots:2",
                                          "/nonexistent", "/nonexistent", &text, &err),
                         0);
        assert_string_equal(text, "nameserver 1.1.1.1\nsearch example.org lan\noptions ndots:2\n");
}

static void test_none_and_dev_null_leave_the_file(void **state)
{
        struct jailor_error err = {0};
        char *text = (char *)"untouched";

        (void)state;
        assert_int_equal(resolver_content("none", NULL, NULL, &text, &err), 0);
        assert_null(text);
        text = (char *)"untouched";
        assert_int_equal(resolver_content("/dev/null", NULL, NULL, &text, &err), 0);
        assert_null(text);
}

/* resolver=/etc/resolv.conf with these host files (upstream NULL: resolved has none) gives expected. */
static void check_host_copy(const struct host *h, const char *host, const char *upstream,
                            const char *expected)
{
        struct jailor_error err = {0};
        _cleanup_free_ char *text = NULL;

        put(h->resolv, host);
        if (upstream)
                put(h->resolved, upstream);
        else
                unlink(h->resolved);
        assert_int_equal(resolver_content("/etc/resolv.conf", h->resolv, h->resolved, &text, &err), 0);
        assert_string_equal(text, expected);
}

static void test_host_file_copied_verbatim(void **state)
{
        const char *mine = "# my resolvers\nnameserver 10.0.0.1\nnameserver 127.0.0.1\n";

        /* resolved's upstream list is only for the stub */
        check_host_copy(*state, mine, UPSTREAM, mine);
}

static void test_resolved_stub_gives_the_upstream_list(void **state)
{
        check_host_copy(*state, STUB, UPSTREAM, UPSTREAM);
        /* blanks around the words still make it the stub */
        check_host_copy(*state, "search lan\n\t nameserver\t127.0.0.53  \n", UPSTREAM, UPSTREAM);
}

static void test_resolved_stub_without_upstream_list_is_copied(void **state)
{
        check_host_copy(*state, STUB, NULL, STUB);
}

static void test_stub_only_as_a_nameserver_line(void **state)
{
        const char *not_stub[] = {
                "# nameserver 127.0.0.53\nnameserver 10.0.0.1\n",
                "nameserver 127.0.0.530\n",
                "search 127.0.0.53\nnameserver 10.0.0.1\n",
        };

        for (size_t i = 0; i < sizeof(not_stub) / sizeof(*not_stub); i++)
                check_host_copy(*state, not_stub[i], UPSTREAM, not_stub[i]);
}

static void test_missing_host_file_names_it(void **state)
{
        struct host *h = *state;
        struct jailor_error err = {0};
        char *text = NULL;

        assert_int_equal(resolver_content("/etc/resolv.conf", h->resolv, h->resolved, &text, &err),
                         -ENOENT);
        assert_null(text);
        assert_non_null(strstr(err.msg, "resolver=/etc/resolv.conf copies the host's file"));
        assert_non_null(strstr(err.msg, h->resolv));
}

static void test_malformed_value_refused(void **state)
{
        struct jailor_error err = {0};
        char *text = NULL;

        (void)state;
        assert_int_equal(resolver_content("nameserver 1.1.1.1;bogus line", NULL, NULL, &text, &err),
                         -EINVAL);
        assert_null(text);
        assert_non_null(strstr(err.msg, "bogus line"));
        assert_int_equal(resolver_content("nameserver example.org", NULL, NULL, &text, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "nameserver must be an IPv4 or IPv6 address"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_literal_lines_one_a_line),
                cmocka_unit_test(test_none_and_dev_null_leave_the_file),
                cmocka_unit_test_setup_teardown(test_host_file_copied_verbatim, host_setup, host_teardown),
                cmocka_unit_test_setup_teardown(test_resolved_stub_gives_the_upstream_list, host_setup,
                                                host_teardown),
                cmocka_unit_test_setup_teardown(test_resolved_stub_without_upstream_list_is_copied,
                                                host_setup, host_teardown),
                cmocka_unit_test_setup_teardown(test_stub_only_as_a_nameserver_line, host_setup,
                                                host_teardown),
                cmocka_unit_test_setup_teardown(test_missing_host_file_names_it, host_setup,
                                                host_teardown),
                cmocka_unit_test(test_malformed_value_refused),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
