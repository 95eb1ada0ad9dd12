/* SPDX-License-Identifier: MIT */
/* Fetched releases: listing, dependants, removal, and the download area. */
#include "release.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "../props/parse.h"
#include "../util/cleanup.h"
#include "../util/fs.h"
#include "../util/lock.h"
#include "debian.h"

#define HOST_OS_RELEASE "/etc/os-release"

static int compare_strings(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool entry_is_dir(DIR *d, const struct dirent *de)
{
        struct stat st;

        if (de->d_type != DT_UNKNOWN)
                return de->d_type == DT_DIR;
        return fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

/* The names of the entries of dataset ds that are valid names, sorted. */
static int list_names(struct storage *s, const char *ds, char ***ret, size_t *ret_n,
                      struct jailor_error *err)
{
        _cleanup_free_ char *dir = storage_path(s, ds);
        _cleanup_closedir_ DIR *d = NULL;
        char **names = NULL;
        struct dirent *de;
        size_t n = 0;

        if (!dir)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        d = opendir(dir);
        if (!d)
                return jailor_error_errno(err, errno, "Cannot read '%s'", dir);
        names = calloc(1, sizeof(char *));
        while (names && (de = readdir(d))) {
                char **bigger;

                if (!name_is_valid(de->d_name) || !entry_is_dir(d, de))
                        continue;
                bigger = realloc(names, (n + 2) * sizeof(char *));
                if (!bigger)
                        break;
                names = bigger;
                names[n] = strdup(de->d_name);
                if (!names[n])
                        break;
                names[++n] = NULL;
        }
        if (!names || de) {
                strv_freep(&names);
                return jailor_error_set(err, ENOMEM, "Out of memory");
        }
        qsort(names, n, sizeof(char *), compare_strings);
        *ret = names;
        *ret_n = n;
        return 0;
}

int release_list(struct storage *s, json_t **ret, struct jailor_error *err)
{
        _cleanup_strv_free_ char **names = NULL;
        json_t *list = json_array();
        size_t n;
        int r;

        if (!list)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = list_names(s, "releases", &names, &n, err);
        if (r < 0) {
                json_decref(list);
                return r;
        }
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *ds = strjoin("releases/", names[i], "/release.json", NULL);
                _cleanup_free_ char *path = ds ? storage_path(s, ds) : NULL;
                json_t *rel = path ? json_load_file(path, 0, NULL) : NULL;

                /* a release whose record is unreadable still shows, by name */
                if (!json_is_object(rel)) {
                        json_decref(rel);
                        rel = json_pack("{s:s, s:b}", "name", names[i], "corrupt", 1);
                }
                json_array_append_new(list, rel);
        }
        *ret = list;
        return 0;
}

int release_fetchable(struct storage *s, bool all, json_t **ret, struct jailor_error *err)
{
        int host = debian_host_version(HOST_OS_RELEASE);
        json_t *list = json_array();

        if (!list)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        for (const struct debian_suite *d = debian_suites; d->name; d++) {
                _cleanup_free_ char *ds = strjoin("releases/", d->name, NULL);
                bool newer = host > 0 && d->version > host;

                if (newer && !all)
                        continue;
                json_array_append_new(list, json_pack("{s:s, s:i, s:b, s:b}", "name", d->name,
                                                      "version", d->version, "fetched",
                                                      ds && storage_exists(s, ds) > 0, "newer_than_host",
                                                      newer));
        }
        *ret = list;
        return 0;
}

static bool json_truthy(json_t *v)
{
        if (json_is_integer(v))
                return json_integer_value(v) != 0;
        if (json_is_string(v))
                return STREQ(json_string_value(v), "1");
        return json_is_true(v);
}

/* A basejail binds the release's system directories: it needs the release too. */
static bool config_uses_release(struct storage *s, const char *kind, const char *jail,
                                const char *release)
{
        _cleanup_free_ char *ds = strjoin(kind, "/", jail, "/config.json", NULL);
        _cleanup_free_ char *path = ds ? storage_path(s, ds) : NULL;
        json_t *conf = path ? json_load_file(path, 0, NULL) : NULL;
        bool uses = false;

        if (conf)
                uses = json_truthy(json_object_get(conf, "basejail")) &&
                       STREQ(json_string_value(json_object_get(conf, "release")) ?: "", release);
        json_decref(conf);
        return uses;
}

static int strv_add_unique(char ***v, size_t *n, const char *s)
{
        char **bigger;

        for (size_t i = 0; i < *n; i++)
                if (STREQ((*v)[i], s))
                        return 0;
        bigger = realloc(*v, (*n + 2) * sizeof(char *));
        if (!bigger)
                return -ENOMEM;
        *v = bigger;
        bigger[*n] = strdup(s);
        if (!bigger[*n])
                return -ENOMEM;
        bigger[++*n] = NULL;
        return 0;
}

/* "jails/web/root" -> "jails/web": the jail or template a clone belongs to. */
static char *owner_of(const char *ds)
{
        const char *second = strchr(ds, '/');
        const char *third = second ? strchr(second + 1, '/') : NULL;

        return third ? strndup(ds, (size_t)(third - ds)) : strdup(ds);
}

int release_dependants(struct storage *s, const char *name, char ***ret, struct jailor_error *err)
{
        static const char *const kinds[] = {"jails", "templates"};
        _cleanup_free_ char *root_ds = strjoin("releases/", name, "/root", NULL);
        _cleanup_strv_free_ char **clones = NULL;
        char **out = calloc(1, sizeof(char *));
        size_t n = 0;
        int r;

        if (!root_ds || !out)
                goto oom;
        r = storage_dependants(s, root_ds, &clones, err);
        if (r < 0) {
                strv_freep(&out);
                return r;
        }
        for (size_t i = 0; clones && clones[i]; i++) {
                _cleanup_free_ char *owner = owner_of(clones[i]);
                if (!owner || strv_add_unique(&out, &n, owner) < 0)
                        goto oom;
        }
        for (size_t k = 0; k < ELEMENTSOF(kinds); k++) {
                _cleanup_strv_free_ char **jails = NULL;
                size_t nj = 0;

                if (list_names(s, kinds[k], &jails, &nj, NULL) < 0)
                        continue;
                for (size_t i = 0; i < nj; i++) {
                        _cleanup_free_ char *owner = strjoin(kinds[k], "/", jails[i], NULL);

                        if (!owner)
                                goto oom;
                        if (config_uses_release(s, kinds[k], jails[i], name) &&
                            strv_add_unique(&out, &n, owner) < 0)
                                goto oom;
                }
        }
        *ret = out;
        return (int)n;
oom:
        strv_freep(&out);
        return jailor_error_set(err, ENOMEM, "Out of memory");
}

static char *strv_join(char **v, const char *sep)
{
        size_t len = 1;
        char *out;

        for (size_t i = 0; v[i]; i++)
                len += strlen(v[i]) + strlen(sep);
        out = calloc(1, len);
        for (size_t i = 0; out && v[i]; i++) {
                if (i)
                        strcat(out, sep);
                strcat(out, v[i]);
        }
        return out;
}

int release_destroy(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                    bool recursive, struct jailor_error *err)
{
        _cleanup_free_ char *lock_name = strjoin("release-", name, NULL);
        _cleanup_free_ char *ds = strjoin("releases/", name, NULL);
        _cleanup_strv_free_ char **deps = NULL;
        _cleanup_close_ int lock = -EBADF;
        int r, n;

        r = parse_name("release", name, err);
        if (r < 0)
                return r;
        if (!lock_name || !ds)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = lock_take(ctx, lock_name, false, &lock, err);
        if (r < 0)
                return jailor_error_set(err, EBUSY,
                                        "Release '%s' is being changed by another jailor command", name);
        if (storage_exists(s, ds) <= 0)
                return jailor_error_set(err, ENOENT, "Release '%s' not found", name);
        n = release_dependants(s, name, &deps, err);
        if (n < 0)
                return n;
        if (n > 0 && !recursive) {
                _cleanup_free_ char *list = strv_join(deps, ", ");
                return jailor_error_set(err, EBUSY,
                                        "Release '%s' has dependants: %s; destroy them first or use "
                                        "-R to destroy them too",
                                        name, list ? list : "?");
        }
        for (int i = 0; i < n; i++) {
                r = storage_destroy(s, deps[i], err);
                if (r < 0)
                        return r;
        }
        return storage_destroy(s, ds, err);
}

int release_clean_downloads(const struct jailor_ctx *ctx, struct storage *s,
                            struct jailor_error *err)
{
        _cleanup_strv_free_ char **names = NULL;
        size_t n;
        int r;

        r = list_names(s, "download", &names, &n, err);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *lock_name = strjoin("release-", names[i], NULL);
                _cleanup_free_ char *ds = strjoin("download/", names[i], NULL);
                _cleanup_close_ int lock = -EBADF;

                if (!lock_name || !ds)
                        return jailor_error_set(err, ENOMEM, "Out of memory");
                r = lock_take(ctx, lock_name, false, &lock, err);
                if (r < 0)
                        return jailor_error_set(err, EBUSY,
                                                "Release '%s' is being fetched; try again when it is done",
                                                names[i]);
                r = storage_destroy(s, ds, err);
                if (r < 0)
                        return r;
        }
        return 0;
}
