/* SPDX-License-Identifier: MIT */
/* Unit tests of the API server's pieces: tokens, sessions, errors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "context.h"
#include "errors.h"
#include "sessions.h"
#include "tokens.h"
#include "util/cleanup.h"
#include "util/fs.h"

static void test_tokens(void **state)
{
        char tmpl[] = "/tmp/jailor-unit-XXXXXX";
        char *dir = mkdtemp(tmpl);
        _cleanup_free_ char *conf = NULL, *run = NULL, *secret = NULL, *id = NULL, *name = NULL;
        _cleanup_free_ char *other = NULL, *other_id = NULL, *path = NULL;
        struct jailor_ctx ctx = {0};
        struct jailor_error err = {0};
        json_t *list = NULL;
        struct stat st;

        assert_non_null(dir);
        conf = path_join(dir, "conf");
        run = path_join(dir, "run");
        ctx.conf_dir = conf;
        ctx.run_dir = run;
        assert_int_equal(tokens_create(&ctx, "ci", &secret, &id, &err), 0);
        assert_int_equal(strlen(secret), strlen(TOKEN_PREFIX) + 64);
        assert_int_equal(tokens_verify(&ctx, secret, &name), 0);
        assert_string_equal(name, "ci");
        /* one digit off, a prefix, nothing: refused */
        secret[10] = secret[10] == '0' ? '1' : '0';
        assert_int_equal(tokens_verify(&ctx, secret, &other), -EACCES);
        assert_int_equal(tokens_verify(&ctx, TOKEN_PREFIX, &other), -EACCES);
        assert_int_equal(tokens_verify(&ctx, "", &other), -EACCES);
        assert_int_equal(tokens_create(&ctx, "ci", &other, &other_id, &err), -EEXIST);
        assert_int_equal(tokens_create(&ctx, "bad name", &other, &other_id, &err), -EINVAL);
        path = path_join(conf, TOKENS_FILE);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        assert_int_equal(tokens_list(&ctx, &list, &err), 0);
        assert_int_equal(json_array_size(list), 1);
        assert_null(json_object_get(json_array_get(list, 0), "sha256"));
        json_decref(list);
        assert_int_equal(tokens_revoke(&ctx, id, &err), 0);
        assert_int_equal(tokens_revoke(&ctx, "ci", &err), -ENOENT);
        assert_int_equal(rm_rf(dir, &err), 0);
}

static void test_sessions(void **state)
{
        struct session *a = session_create("alice"), *b = session_create("bob");

        assert_non_null(a);
        assert_non_null(b);
        assert_string_not_equal(a->id, b->id);
        assert_string_not_equal(a->id, a->csrf);
        assert_ptr_equal(session_find(a->id), a);
        assert_null(session_find("nope"));
        assert_null(session_find(""));
        /* idle for longer than allowed: gone */
        a->last_seen -= SESSION_IDLE_SECONDS + 1;
        assert_null(session_find(a->id));
        assert_ptr_equal(session_find(b->id), b);
        session_delete(b);
        sessions_clear();
        assert_true(secrets_equal("abc", "abc"));
        assert_false(secrets_equal("abc", "abd"));
        assert_false(secrets_equal("abc", "abcd"));
}

static void test_error_statuses(void **state)
{
        assert_int_equal(api_error_from_errno(ENOENT).status, 404);
        assert_int_equal(api_error_from_errno(EEXIST).status, 409);
        assert_string_equal(api_error_from_errno(EBUSY).code, "busy");
        assert_int_equal(api_error_from_errno(EALREADY).status, 409);
        assert_int_equal(api_error_from_errno(EINVAL).status, 422);
        assert_int_equal(api_error_from_errno(EIO).status, 500);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_tokens),
                cmocka_unit_test(test_sessions),
                cmocka_unit_test(test_error_statuses),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
