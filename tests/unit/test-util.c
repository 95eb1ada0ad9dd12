/* SPDX-License-Identifier: MIT */
/* Unit tests of the error convention, file helpers and jailor.conf. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"
#include "error.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/run.h"

static char *make_tmpdir(void)
{
        char tmpl[] = "/tmp/jailor-unit-XXXXXX";
        char *d = mkdtemp(tmpl);

        assert_non_null(d);
        return strdup(d);
}

static void test_error_set_and_prefix(void **state)
{
        struct jailor_error err = {0};

        assert_int_equal(jailor_error_set(&err, EINVAL, "Bad value '%s'", "x"), -EINVAL);
        assert_int_equal(err.errnum, EINVAL);
        assert_string_equal(err.msg, "Bad value 'x'");
        assert_int_equal(jailor_error_prefix(&err, "jail '%s'", "web"), -EINVAL);
        assert_string_equal(err.msg, "jail 'web': Bad value 'x'");
        assert_int_equal(jailor_error_errno(&err, ENOENT, "Cannot open '%s'", "/x"), -ENOENT);
        assert_string_equal(err.msg, "Cannot open '/x': No such file or directory");
        /* a NULL error is allowed and still returns the errno */
        assert_int_equal(jailor_error_set(NULL, EBUSY, "busy"), -EBUSY);
}

static void test_error_prefix_truncates_safely(void **state)
{
        struct jailor_error err = {0};
        char big[3000];

        memset(big, 'a', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        jailor_error_set(&err, EIO, "%s", big);
        jailor_error_prefix(&err, "%s", big);
        assert_int_equal(strlen(err.msg), JAILOR_ERROR_MAX - 1);
}

static void test_atomic_write_replaces_and_leaves_no_temp(void **state)
{
        _cleanup_free_ char *dir = make_tmpdir(), *path = path_join(dir, "f.json"), *text = NULL;
        struct jailor_error err = {0};
        struct stat st;
        size_t len;

        assert_int_equal(write_file_atomic(path, "one", 3, 0600, &err), 0);
        assert_int_equal(write_file_atomic(path, "second", 6, 0644, &err), 0);
        assert_int_equal(read_file(path, &text, &len, &err), 0);
        assert_string_equal(text, "second");
        assert_int_equal(len, 6);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0644);
        assert_int_equal(rm_rf(dir, &err), 0);
        assert_false(path_exists(dir));
}

static void test_atomic_write_into_missing_dir_fails_cleanly(void **state)
{
        struct jailor_error err = {0};

        assert_int_equal(write_file_atomic("/nonexistent-dir/x", "a", 1, 0644, &err), -ENOENT);
        assert_non_null(strstr(err.msg, "'/nonexistent-dir/x.tmp."));
}

static void test_path_join(void **state)
{
        _cleanup_free_ char *a = path_join("/a/", "/b"), *b = path_join("/", "x"),
                            *c = path_join("/a", ""), *d = path_join("/", "");

        assert_string_equal(a, "/a/b");
        assert_string_equal(b, "/x");
        assert_string_equal(c, "/a");
        assert_string_equal(d, "/");
}

static void test_mkdir_p_and_rm_rf(void **state)
{
        _cleanup_free_ char *dir = make_tmpdir(), *deep = strjoin(dir, "/a/b/c", NULL);
        struct jailor_error err = {0};

        assert_int_equal(mkdir_p(deep, 0755, &err), 0);
        assert_true(dir_exists(deep));
        assert_int_equal(mkdir_p(deep, 0755, &err), 0);
        assert_int_equal(write_file_atomic(deep, "x", 1, 0644, &err), -EISDIR);
        assert_int_equal(rm_rf(dir, &err), 0);
        assert_false(path_exists(dir));
}

static void test_run_command_quotes_stderr(void **state)
{
        char *ok[] = {"sh", "-c", "echo out; echo err >&2", NULL};
        char *bad[] = {"sh", "-c", "echo first line >&2; echo second >&2; exit 3", NULL};
        char *missing[] = {"no-such-program-jailor", NULL};
        _cleanup_free_ char *out = NULL;
        struct jailor_error err = {0};

        assert_int_equal(run_command(ok, &out, &err), 0);
        assert_string_equal(out, "out\n");
        assert_int_equal(run_command(bad, NULL, &err), -EIO);
        assert_string_equal(err.msg, "'sh -c echo first line >&2; echo second >&2; exit 3' failed "
                                     "(exit 3): first line");
        assert_true(run_command(missing, NULL, &err) < 0);
        assert_non_null(strstr(err.msg, "no-such-program-jailor"));
}

static void test_conf_roundtrip_keeps_comments_and_unknown_keys(void **state)
{
        _cleanup_free_ char *dir = make_tmpdir(), *path = path_join(dir, "jailor.conf"),
                            *text = NULL;
        struct jailor_ctx ctx = {.conf_dir = dir};
        struct jailor_error err = {0};
        struct jailor_conf *conf = NULL;

        assert_int_equal(write_file_atomic(path, "# mine\nfuture_key = 7\npool = old\n", 34, 0644,
                                           &err),
                         0);
        assert_int_equal(conf_load(&ctx, &conf, &err), 0);
        assert_string_equal(conf_get(conf, "pool"), "old");
        assert_string_equal(conf_get(conf, "future_key"), "7");
        assert_null(conf_get(conf, "backend"));
        assert_int_equal(conf_set(conf, "pool", "tank"), 0);
        assert_int_equal(conf_set(conf, "backend", "zfs"), 0);
        assert_int_equal(conf_set(conf, "future_key", NULL), 0);
        assert_int_equal(conf_save(&ctx, conf, &err), 0);
        conf_free(conf);
        assert_int_equal(read_file(path, &text, NULL, &err), 0);
        assert_string_equal(text, "# mine\npool = tank\nbackend = zfs\n");
        rm_rf(dir, &err);
}

static void test_conf_rejects_garbage_lines(void **state)
{
        _cleanup_free_ char *dir = make_tmpdir(), *path = path_join(dir, "jailor.conf");
        struct jailor_ctx ctx = {.conf_dir = dir};
        struct jailor_error err = {0};
        struct jailor_conf *conf = NULL;

        assert_int_equal(write_file_atomic(path, "pool = a\nnonsense\n", 18, 0644, &err), 0);
        assert_int_equal(conf_load(&ctx, &conf, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "line 2: expected 'key = value', got 'nonsense'"));
        rm_rf(dir, &err);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_error_set_and_prefix),
                cmocka_unit_test(test_error_prefix_truncates_safely),
                cmocka_unit_test(test_atomic_write_replaces_and_leaves_no_temp),
                cmocka_unit_test(test_atomic_write_into_missing_dir_fails_cleanly),
                cmocka_unit_test(test_path_join),
                cmocka_unit_test(test_mkdir_p_and_rm_rf),
                cmocka_unit_test(test_run_command_quotes_stderr),
                cmocka_unit_test(test_conf_roundtrip_keeps_comments_and_unknown_keys),
                cmocka_unit_test(test_conf_rejects_garbage_lines),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
