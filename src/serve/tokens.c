/* SPDX-License-Identifier: MIT */
/* The API token store (tokens.h). */
#include "tokens.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/lock.h"
#include "util/sha256.h"

#define TOKEN_NAME_MAX 64

static char *tokens_path(const struct jailor_ctx *ctx)
{
        return path_join(ctx->conf_dir, TOKENS_FILE);
}

/* The tokens as stored; a missing file holds none. */
static int load(const struct jailor_ctx *ctx, json_t **ret, struct jailor_error *err)
{
        _cleanup_free_ char *path = tokens_path(ctx);
        json_error_t jerr;
        json_t *root, *list;

        if (!path)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (!path_exists(path)) {
                *ret = json_array();
                return *ret ? 0 : jailor_error_set(err, ENOMEM, "Out of memory");
        }
        root = json_load_file(path, 0, &jerr);
        list = json_object_get(root, "tokens");
        if (!json_is_array(list)) {
                json_decref(root);
                return jailor_error_set(err, EINVAL, "Cannot read '%s': %s", path,
                                        root ? "no \"tokens\" array" : jerr.text);
        }
        *ret = json_incref(list);
        json_decref(root);
        return 0;
}

/* Takes the store's lock (held in *lock until closed), then loads it: for changes. */
static int load_locked(const struct jailor_ctx *ctx, int *lock, json_t **ret,
                       struct jailor_error *err)
{
        int r = lock_take(ctx, "api-tokens", true, lock, err);

        return r < 0 ? r : load(ctx, ret, err);
}

static int save(const struct jailor_ctx *ctx, json_t *list, struct jailor_error *err)
{
        _cleanup_free_ char *path = tokens_path(ctx), *text = NULL;
        json_t *root = json_pack("{s:O}", "tokens", list);

        text = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
        json_decref(root);
        if (!path || !text)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (mkdir_p(ctx->conf_dir, 0755, err) < 0)
                return -err->errnum;
        return write_file_atomic(path, text, strlen(text), 0600, err);
}

static void hex(const unsigned char *b, size_t n, char *out)
{
        for (size_t i = 0; i < n; i++)
                snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static void hash(const char *secret, char out[SHA256_HEX_LEN + 1])
{
        struct sha256 *h = sha256_new();

        if (!h)
                abort();
        sha256_update(h, secret, strlen(secret));
        sha256_finish(h, out);
}

static int check_name(const char *name, struct jailor_error *err)
{
        size_t n = strlen(name);

        if (n == 0 || n > TOKEN_NAME_MAX)
                return jailor_error_set(err, EINVAL, "Invalid token name '%s': 1 to %d characters",
                                        name, TOKEN_NAME_MAX);
        for (const char *p = name; *p; p++)
                if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
                        return jailor_error_set(err, EINVAL,
                                                "Invalid token name '%s': letters, digits, '.', "
                                                "'-' and '_' only",
                                                name);
        return 0;
}

static json_t *find(json_t *list, const char *id_or_name, size_t *ret_index)
{
        size_t i;
        json_t *t;

        json_array_foreach(list, i, t) {
                const char *id = json_string_value(json_object_get(t, "id"));
                const char *name = json_string_value(json_object_get(t, "name"));

                if ((id && STREQ(id, id_or_name)) || (name && STREQ(name, id_or_name))) {
                        if (ret_index)
                                *ret_index = i;
                        return t;
                }
        }
        return NULL;
}

int tokens_create(const struct jailor_ctx *ctx, const char *name, char **ret_secret,
                  char **ret_id, struct jailor_error *err)
{
        unsigned char secret_bytes[32], id_bytes[4];
        char secret[sizeof(TOKEN_PREFIX) + 64], id[9], digest[SHA256_HEX_LEN + 1], when[32];
        _cleanup_free_ char *default_name = NULL;
        _cleanup_close_ int lock = -EBADF;
        json_t *list = NULL, *entry;
        time_t now = time(NULL);
        struct tm tm;
        int r;

        if (name && check_name(name, err) < 0)
                return -err->errnum;
        if (getrandom(secret_bytes, sizeof(secret_bytes), 0) != sizeof(secret_bytes) ||
            getrandom(id_bytes, sizeof(id_bytes), 0) != sizeof(id_bytes))
                return jailor_error_errno(err, errno, "Cannot make a token");
        memcpy(secret, TOKEN_PREFIX, strlen(TOKEN_PREFIX));
        hex(secret_bytes, sizeof(secret_bytes), secret + strlen(TOKEN_PREFIX));
        hex(id_bytes, sizeof(id_bytes), id);
        hash(secret, digest);
        if (!name) {
                if (asprintf(&default_name, "token-%s", id) < 0)
                        return jailor_error_set(err, ENOMEM, "Out of memory");
                name = default_name;
        }
        gmtime_r(&now, &tm);
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);

        r = load_locked(ctx, &lock, &list, err);
        if (r < 0)
                return r;
        if (find(list, name, NULL)) {
                json_decref(list);
                return jailor_error_set(err, EEXIST, "A token named '%s' already exists", name);
        }
        entry = json_pack("{s:s, s:s, s:s, s:s}", "id", id, "name", name, "created", when,
                          "sha256", digest);
        if (!entry || json_array_append_new(list, entry) < 0) {
                json_decref(list);
                return jailor_error_set(err, ENOMEM, "Out of memory");
        }
        r = save(ctx, list, err);
        json_decref(list);
        if (r < 0)
                return r;
        *ret_secret = strdup(secret);
        *ret_id = strdup(id);
        explicit_bzero(secret, sizeof(secret));
        if (!*ret_secret || !*ret_id)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        return 0;
}

int tokens_list(const struct jailor_ctx *ctx, json_t **ret, struct jailor_error *err)
{
        json_t *list = NULL, *t, *out;
        size_t i;
        int r = load(ctx, &list, err);

        if (r < 0)
                return r;
        out = json_array();
        json_array_foreach(list, i, t)
                json_array_append_new(out, json_pack("{s:O?, s:O?, s:O?}", "id",
                                                     json_object_get(t, "id"), "name",
                                                     json_object_get(t, "name"), "created",
                                                     json_object_get(t, "created")));
        json_decref(list);
        *ret = out;
        return out ? 0 : jailor_error_set(err, ENOMEM, "Out of memory");
}

int tokens_revoke(const struct jailor_ctx *ctx, const char *id_or_name, struct jailor_error *err)
{
        _cleanup_close_ int lock = -EBADF;
        json_t *list = NULL;
        size_t index;
        int r;

        r = load_locked(ctx, &lock, &list, err);
        if (r < 0)
                return r;
        if (!find(list, id_or_name, &index)) {
                json_decref(list);
                return jailor_error_set(err, ENOENT, "No token with id or name '%s'", id_or_name);
        }
        json_array_remove(list, index);
        r = save(ctx, list, err);
        json_decref(list);
        return r;
}

/* Compares every byte whatever differs, so the time taken tells nothing. */
static bool same(const char *a, const char *b, size_t n)
{
        unsigned char d = 0;

        for (size_t i = 0; i < n; i++)
                d |= (unsigned char)(a[i] ^ b[i]);
        return d == 0;
}

int tokens_verify(const struct jailor_ctx *ctx, const char *secret, char **ret_name)
{
        char digest[SHA256_HEX_LEN + 1];
        json_t *list = NULL, *t;
        const char *found = NULL;
        size_t i;

        if (strncmp(secret, TOKEN_PREFIX, strlen(TOKEN_PREFIX)) != 0 ||
            strlen(secret) != strlen(TOKEN_PREFIX) + 64)
                return -EACCES;
        if (load(ctx, &list, NULL) < 0)
                return -EACCES;
        hash(secret, digest);
        json_array_foreach(list, i, t) {
                const char *stored = json_string_value(json_object_get(t, "sha256"));

                if (stored && strlen(stored) == SHA256_HEX_LEN &&
                    same(stored, digest, SHA256_HEX_LEN))
                        found = json_string_value(json_object_get(t, "name"));
        }
        *ret_name = found ? strdup(found) : NULL;
        json_decref(list);
        return *ret_name ? 0 : -EACCES;
}
