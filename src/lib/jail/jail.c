/* SPDX-License-Identifier: MIT */
/* Finding, reading and saving jail records. */
#include "jail.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../defaults.h"
#include "../props/parse.h"
#include "../props/props.h"
#include "../util/cleanup.h"
#include "../util/fs.h"
#include "../util/lock.h"
#include "config.h"

char *jail_file(struct storage *s, const struct jail *j, const char *file)
{
        _cleanup_free_ char *ds = strjoin(j->ds, "/", file, NULL);

        return ds ? storage_path(s, ds) : NULL;
}

void jail_free(struct jail *j)
{
        if (!j)
                return;
        free(j->name);
        free(j->ds);
        free(j->root_ds);
        json_decref(j->config);
        json_decref(j->props);
        free(j->corrupt_reason);
        free(j);
}

const char *jail_prop(const struct jail *j, const char *name)
{
        return j->props ? json_string_value(json_object_get(j->props, name)) : NULL;
}

bool jail_prop_true(const struct jail *j, const char *name)
{
        const char *v = jail_prop(j, name);

        return v && STREQ(v, "1");
}

/* What each jail has without storing it: its identity and type. */
static int add_computed(struct jail *j)
{
        _cleanup_free_ char *hostname = NULL;

        if (json_object_set_new(j->props, "host_hostuuid", json_string(j->name)) < 0 ||
            json_object_set_new(j->props, "type", json_string(j->is_template ? "template" : "jail")) <
                    0 ||
            json_object_set_new(j->props, "template", json_string(j->is_template ? "1" : "0")) < 0)
                return -ENOMEM;
        if (!json_object_get(j->props, "host_hostname")) {
                hostname = hostname_from_name(j->name);
                if (!hostname || json_object_set_new(j->props, "host_hostname",
                                                     json_string(hostname)) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int jail_update_props(struct jail *j, json_t *defaults, struct jailor_error *err)
{
        int r;

        json_decref(j->props);
        j->props = NULL;
        r = config_effective(defaults, j->config, &j->props, err);
        if (r < 0)
                return r;
        if (add_computed(j) < 0)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        return 0;
}

static struct jail *jail_new(const char *name, bool is_template)
{
        struct jail *j = calloc(1, sizeof(*j));

        if (!j)
                return NULL;
        j->name = strdup(name);
        j->is_template = is_template;
        j->ds = strjoin(is_template ? "templates/" : "jails/", name, NULL);
        j->root_ds = j->ds ? strjoin(j->ds, "/root", NULL) : NULL;
        if (!j->name || !j->ds || !j->root_ds) {
                jail_free(j);
                return NULL;
        }
        return j;
}

int jail_open_with(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                   json_t *defaults, struct jail **ret, struct jailor_error *err)
{
        struct jail *j = NULL;
        struct jailor_error cerr = {0};
        _cleanup_free_ char *path = NULL;
        int r;

        if (!name_is_valid(name))
                return parse_name("jail", name, err);
        for (int t = 0; t < 2 && !j; t++) {
                _cleanup_free_ char *dir = NULL;
                struct jail *candidate = jail_new(name, t == 1);

                if (!candidate)
                        return jailor_error_set(err, ENOMEM, "Out of memory");
                dir = storage_path(s, candidate->ds);
                if (dir && dir_exists(dir))
                        j = candidate;
                else
                        jail_free(candidate);
        }
        if (!j)
                return jailor_error_set(err, ENOENT, "Jail '%s' not found", name);
        path = jail_file(s, j, "config.json");
        if (!path) {
                jail_free(j);
                return jailor_error_set(err, ENOMEM, "Out of memory");
        }
        r = config_read(ctx, path, name, &j->config, &cerr);
        if (r == -ENOENT || (r < 0 && !path_exists(path)))
                snprintf(cerr.msg, sizeof(cerr.msg), "Jail '%s' has no config.json", name);
        if (r < 0) {
                j->corrupt = true;
                j->corrupt_reason = strdup(cerr.msg);
                *ret = j;
                return 0;
        }
        r = jail_update_props(j, defaults, err);
        if (r < 0) {
                jail_free(j);
                return r;
        }
        *ret = j;
        return 0;
}

int jail_open(const struct jailor_ctx *ctx, struct storage *s, const char *name, struct jail **ret,
              struct jailor_error *err)
{
        json_t *defaults = NULL;
        int r;

        r = defaults_load(ctx, s, &defaults, err);
        if (r < 0)
                return r;
        r = jail_open_with(ctx, s, name, defaults, ret, err);
        json_decref(defaults);
        return r;
}

int jail_save(const struct jailor_ctx *ctx, struct storage *s, struct jail *j,
              struct jailor_error *err)
{
        _cleanup_free_ char *path = jail_file(s, j, "config.json");
        json_t *defaults = NULL;
        int r;

        if (!path)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        json_object_set_new(j->config, "CONFIG_VERSION", json_integer(PROPS_CONFIG_VERSION));
        r = config_write(path, j->config, err);
        if (r < 0)
                return r;
        r = defaults_load(ctx, s, &defaults, err);
        if (r < 0)
                return r;
        r = jail_update_props(j, defaults, err);
        json_decref(defaults);
        return r;
}

int jail_config_set(struct jail *j, json_t *defaults, const char *name, const char *canonical,
                    struct jailor_error *err)
{
        const struct prop_def *p = props_find(name);
        const char *dflt = json_string_value(json_object_get(defaults, name));

        if (!p)
                return jailor_error_set(err, EINVAL, "Unknown property '%s'", name);
        /* only what differs from the defaults is stored, so new defaults reach the jail */
        if (dflt && STREQ(dflt, canonical) && !(p->flags & (PROP_PER_JAIL | PROP_JAIL_ONLY))) {
                json_object_del(j->config, name);
                return 0;
        }
        if (json_object_set_new(j->config, name, props_to_json(p, canonical)) < 0)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        return 0;
}

/* Compares runs of digits by value: "web_2" < "web_10". */
int jail_name_compare(const char *a, const char *b)
{
        while (*a && *b) {
                if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
                        const char *ea = a, *eb = b;
                        size_t la, lb;

                        while (*a == '0' && isdigit((unsigned char)a[1]))
                                a++;
                        while (*b == '0' && isdigit((unsigned char)b[1]))
                                b++;
                        for (ea = a; isdigit((unsigned char)*ea); ea++)
                                ;
                        for (eb = b; isdigit((unsigned char)*eb); eb++)
                                ;
                        la = (size_t)(ea - a);
                        lb = (size_t)(eb - b);
                        if (la != lb)
                                return la < lb ? -1 : 1;
                        int c = strncmp(a, b, la);
                        if (c)
                                return c;
                        a = ea;
                        b = eb;
                        continue;
                }
                if (*a != *b)
                        return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
                a++;
                b++;
        }
        return *a ? 1 : *b ? -1 : 0;
}

static int compare_names(const void *a, const void *b)
{
        return jail_name_compare(*(const char *const *)a, *(const char *const *)b);
}

int jail_names(struct storage *s, bool templates, char ***ret, size_t *ret_n,
               struct jailor_error *err)
{
        _cleanup_free_ char *dir = storage_path(s, templates ? "templates" : "jails");
        _cleanup_closedir_ DIR *d = NULL;
        char **names = calloc(1, sizeof(char *));
        struct dirent *de;
        size_t n = 0;

        if (!dir || !names) {
                free(names);
                return jailor_error_set(err, ENOMEM, "Out of memory");
        }
        d = opendir(dir);
        if (!d) {
                free(names);
                return jailor_error_errno(err, errno, "Cannot read '%s'", dir);
        }
        while ((de = readdir(d))) {
                struct stat st;
                char **bigger;

                if (!name_is_valid(de->d_name))
                        continue;
                if (de->d_type == DT_UNKNOWN
                            ? fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
                                      !S_ISDIR(st.st_mode)
                            : de->d_type != DT_DIR)
                        continue;
                bigger = realloc(names, (n + 2) * sizeof(char *));
                if (!bigger || !(bigger[n] = strdup(de->d_name))) {
                        names = bigger ? bigger : names;
                        names[n] = NULL;
                        strv_freep(&names);
                        return jailor_error_set(err, ENOMEM, "Out of memory");
                }
                names = bigger;
                names[++n] = NULL;
        }
        qsort(names, n, sizeof(char *), compare_names);
        *ret = names;
        *ret_n = n;
        return 0;
}

int jail_name_taken(struct storage *s, const char *name)
{
        static const char *const kinds[] = {"jails/", "templates/"};

        for (size_t i = 0; i < ELEMENTSOF(kinds); i++) {
                _cleanup_free_ char *ds = strjoin(kinds[i], name, NULL);
                _cleanup_free_ char *path = ds ? storage_path(s, ds) : NULL;

                if (!path)
                        return -ENOMEM;
                if (path_exists(path))
                        return 1;
        }
        return 0;
}

int jail_lock(const struct jailor_ctx *ctx, const char *name, int *ret_fd,
              struct jailor_error *err)
{
        _cleanup_free_ char *lock_name = strjoin("jail-", name, NULL);

        if (!lock_name)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (lock_take(ctx, lock_name, false, ret_fd, err) < 0)
                return jailor_error_set(err, EBUSY,
                                        "Jail '%s' is busy: another jailor command is changing it",
                                        name);
        return 0;
}
