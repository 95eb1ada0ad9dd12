/* SPDX-License-Identifier: MIT */
/* Unit tests of proxy propagation: where the proxy comes from, its rules, the files' text. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jail/proxy.h"
#include "util/cleanup.h"
#include "util/fs.h"

static const char *const all_vars[] = {"http_proxy", "HTTP_PROXY", "https_proxy",
                                       "HTTPS_PROXY", "no_proxy", "NO_PROXY"};

/* A context whose jailor.conf is in a temporary directory, and a clean proxy environment. */
static int conf_setup(void **state)
{
        char tmpl[] = "/tmp/jailor-unit-XXXXXX";
        struct jailor_ctx *ctx = calloc(1, sizeof(*ctx));

        assert_non_null(ctx);
        assert_non_null(mkdtemp(tmpl));
        ctx->conf_dir = strdup(tmpl);
        for (size_t i = 0; i < sizeof(all_vars) / sizeof(*all_vars); i++)
                unsetenv(all_vars[i]);
        *state = ctx;
        return 0;
}

static int conf_teardown(void **state)
{
        struct jailor_ctx *ctx = *state;

        rm_rf(ctx->conf_dir, NULL);
        free(ctx->conf_dir);
        free(ctx);
        return 0;
}

static void put_conf(const struct jailor_ctx *ctx, const char *text)
{
        _cleanup_free_ char *path = path_join(ctx->conf_dir, "jailor.conf");

        assert_int_equal(write_file_atomic(path, text, strlen(text), 0644, NULL), 0);
}

static void assert_str_or_null(const char *got, const char *want)
{
        if (want)
                assert_string_equal(got, want);
        else
                assert_null(got);
}

/* Loads the settings and checks them against the three expected values. */
static void expect_settings(const struct jailor_ctx *ctx, const char *http, const char *https,
                            const char *no_proxy)
{
        struct proxy_settings p;
        struct jailor_error err = {0};

        assert_int_equal(proxy_settings_load(ctx, &p, &err), 0);
        assert_str_or_null(p.http, http);
        assert_str_or_null(p.https, https);
        assert_str_or_null(p.no_proxy, no_proxy);
        assert_int_equal(proxy_settings_empty(&p), !http && !https && !no_proxy);
        proxy_settings_done(&p);
}

static void expect_refused(const struct jailor_ctx *ctx, const char *message)
{
        struct proxy_settings p;
        struct jailor_error err = {0};

        assert_int_equal(proxy_settings_load(ctx, &p, &err), -EINVAL);
        assert_string_equal(err.msg, message);
        assert_true(proxy_settings_empty(&p));
}

static void test_url_rule(void **state)
{
        const char *good[] = {"http://proxy:3128", "https://user:secret@proxy.example.org:8443/",
                              "HTTP://10.0.0.1:3128", "http://[fd00::1]:3128"};
        const char *bad[] = {"ftp://proxy", "proxy:3128", "socks5://p:1080", "http://", "https:///x",
                             "http://a b", "http://a\"b", "http://a'b", "http://a\nb", "http://a\\b",
                             "http://$HOST", "http://`id`", "http://a\tb", "http://caf\xc3\xa9"};

        (void)state;
        for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
                assert_null(proxy_url_rule(good[i]));
        for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
                assert_non_null(proxy_url_rule(bad[i]));
        assert_null(no_proxy_rule("localhost,127.0.0.1,.example.org,10.0.0.0/8,*.lan,[::1]"));
        assert_non_null(no_proxy_rule("localhost, 127.0.0.1"));
        assert_non_null(no_proxy_rule("a\"b"));
}

static void test_nothing_configured(void **state)
{
        expect_settings(*state, NULL, NULL, NULL);
        /* no_proxy alone is no proxy */
        setenv("no_proxy", "localhost", 1);
        put_conf(*state, "pool = x\nno_proxy = localhost\n");
        expect_settings(*state, NULL, NULL, NULL);
        /* empty values are unset */
        setenv("http_proxy", "", 1);
        put_conf(*state, "http_proxy =\n");
        expect_settings(*state, NULL, NULL, NULL);
}

static void test_environment_lower_case_first(void **state)
{
        setenv("HTTP_PROXY", "http://upper:1", 1);
        setenv("HTTPS_PROXY", "http://upper:2", 1);
        setenv("https_proxy", "http://lower:2", 1);
        setenv("NO_PROXY", "localhost", 1);
        expect_settings(*state, "http://upper:1", "http://lower:2", "localhost");
        setenv("http_proxy", "http://lower:1", 1);
        expect_settings(*state, "http://lower:1", "http://lower:2", "localhost");
}

static void test_conf_is_whole_and_wins(void **state)
{
        setenv("http_proxy", "http://env:1", 1);
        setenv("https_proxy", "http://env:2", 1);
        setenv("no_proxy", "env.local", 1);
        put_conf(*state, "pool = tank\nhttps_proxy = http://conf:3128\n");
        /* nothing of the environment's comes with jailor.conf's */
        expect_settings(*state, NULL, "http://conf:3128", NULL);
        put_conf(*state, "http_proxy = http://conf:3128\nno_proxy = .example.org\n");
        expect_settings(*state, "http://conf:3128", NULL, ".example.org");
}

static void test_bad_values_name_variable_and_source(void **state)
{
        struct jailor_ctx *ctx = *state;
        _cleanup_free_ char *msg = NULL;

        setenv("HTTPS_PROXY", "proxy:3128", 1);
        expect_refused(ctx, "Invalid HTTPS_PROXY 'proxy:3128' in the environment: a proxy is an "
                            "http:// or https:// URL, such as http://proxy.example.org:3128");
        unsetenv("HTTPS_PROXY");
        setenv("http_proxy", "http://p:1", 1);
        setenv("no_proxy", "a, b", 1);
        expect_refused(ctx, "Invalid no_proxy 'a, b' in the environment: no_proxy is a list of "
                            "hosts, domains and addresses separated by ',' without spaces, quotes, "
                            "backslashes, '$' or '`'");
        put_conf(ctx, "http_proxy = http://a\"b\n");
        assert_true(asprintf(&msg, "Invalid http_proxy 'http://a\"b' in '%s/jailor.conf': a proxy URL "
                                   "is printable ASCII without spaces, quotes, backslashes, '$' or '`' "
                                   "(percent-encode them)",
                             ctx->conf_dir) > 0);
        expect_refused(ctx, msg);
}

static void test_environment_file_keeps_other_lines(void **state)
{
        struct proxy_settings p = {.http = "http://p:3128", .no_proxy = "localhost,.lan"};
        const char *old = "PATH=\"/usr/local/bin:/usr/bin\"\n"
                          "# http_proxy=commented stays\n"
                          "http_proxy=http://old:1\n"
                          "  export HTTPS_PROXY=http://old:2\n"
                          "NO_PROXY=old\n"
                          "http_proxy_extra=kept\n"
                          "LANG=C.UTF-8"; /* no final newline */
        _cleanup_free_ char *text = proxy_environment_text(old, &p), *fresh = NULL;

        (void)state;
        assert_string_equal(text, "PATH=\"/usr/local/bin:/usr/bin\"\n"
                                  "# http_proxy=commented stays\n"
                                  "http_proxy_extra=kept\n"
                                  "LANG=C.UTF-8\n"
                                  "http_proxy=http://p:3128\nHTTP_PROXY=http://p:3128\n"
                                  "no_proxy=localhost,.lan\nNO_PROXY=localhost,.lan\n");
        fresh = proxy_environment_text(NULL, &p);
        assert_string_equal(fresh, "http_proxy=http://p:3128\nHTTP_PROXY=http://p:3128\n"
                                   "no_proxy=localhost,.lan\nNO_PROXY=localhost,.lan\n");
}

static void test_apt_text(void **state)
{
        struct proxy_settings both = {.http = "http://p:3128", .https = "https://q:443",
                                      .no_proxy = "deb.local,.example.org,10.0.0.0/8,10.1.2.3,*,h:80"};
        struct proxy_settings http_only = {.http = "http://p:3128", .no_proxy = "mirror"};
        _cleanup_free_ char *a = proxy_apt_text(&both), *b = proxy_apt_text(&http_only);

        (void)state;
        assert_string_equal(a, "// Written by jailor when this jail was created: the host's proxy.\n"
                               "Acquire::http::Proxy \"http://p:3128\";\n"
                               "Acquire::https::Proxy \"https://q:443\";\n"
                               "Acquire::http::Proxy::deb.local \"DIRECT\";\n"
                               "Acquire::https::Proxy::deb.local \"DIRECT\";\n"
                               "Acquire::http::Proxy::10.1.2.3 \"DIRECT\";\n"
                               "Acquire::https::Proxy::10.1.2.3 \"DIRECT\";\n");
        assert_string_equal(b, "// Written by jailor when this jail was created: the host's proxy.\n"
                               "Acquire::http::Proxy \"http://p:3128\";\n"
                               "Acquire::http::Proxy::mirror \"DIRECT\";\n");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_url_rule),
                cmocka_unit_test_setup_teardown(test_nothing_configured, conf_setup, conf_teardown),
                cmocka_unit_test_setup_teardown(test_environment_lower_case_first, conf_setup,
                                                conf_teardown),
                cmocka_unit_test_setup_teardown(test_conf_is_whole_and_wins, conf_setup, conf_teardown),
                cmocka_unit_test_setup_teardown(test_bad_values_name_variable_and_source, conf_setup,
                                                conf_teardown),
                cmocka_unit_test(test_environment_file_keeps_other_lines),
                cmocka_unit_test(test_apt_text),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
