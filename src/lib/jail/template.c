/* SPDX-License-Identifier: MIT */
/* Turning a stopped jail into a template and back. */
#include "template.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/cleanup.h"
#include "../util/fs.h"
#include "list.h"

/* "jails/web" -> "web" */
static const char *bare_name(const char *ds)
{
        const char *slash = strchr(ds, '/');

        return slash ? slash + 1 : ds;
}

/* "a, b, c" of the bare names of dataset names. */
static void join_names(char **dss, char *buf, size_t size)
{
        *buf = '\0';
        for (size_t i = 0; dss && dss[i]; i++)
                snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", i ? ", " : "",
                         bare_name(dss[i]));
}

int template_check_make(const struct jailor_ctx *ctx, struct storage *s, const struct jail *j,
                        struct jailor_error *err)
{
        _cleanup_strv_free_ char **deps = NULL;
        struct jail_state st;
        int n;

        if (j->is_template)
                return jailor_error_set(err, EEXIST, "'%s' is already a template", j->name);
        jail_state(ctx, j->name, &st);
        if (st.up)
                return jailor_error_set(err, EBUSY,
                                        "Jail '%s' is running: stop it before making it a template",
                                        j->name);
        /* its root is renamed and made read-only under any clone of it */
        n = jail_dependants(s, j, &deps, err);
        if (n < 0)
                return n;
        for (int i = 0; i < n; i++) {
                jail_state(ctx, bare_name(deps[i]), &st);
                if (st.up)
                        return jailor_error_set(err, EBUSY,
                                                "Jail '%s' cannot become a template while its "
                                                "clone '%s' is running",
                                                j->name, bare_name(deps[i]));
        }
        return 0;
}

int template_check_unmake(const struct jailor_ctx *ctx, struct storage *s, const struct jail *j,
                          struct jailor_error *err)
{
        _cleanup_strv_free_ char **deps = NULL;
        char names[512];
        int n;

        if (!j->is_template)
                return jailor_error_set(err, EINVAL, "'%s' is already a jail", j->name);
        n = jail_dependants(s, j, &deps, err);
        if (n < 0)
                return n;
        if (n > 0) {
                join_names(deps, names, sizeof(names));
                return jailor_error_set(err, EBUSY,
                                        "Template '%s' cannot become a jail while jails created "
                                        "from it exist: %s",
                                        j->name, names);
        }
        return 0;
}

/* Points j at its datasets under jails/ or templates/. */
static int jail_relocate(struct jail *j, bool is_template)
{
        char *ds = strjoin(is_template ? "templates/" : "jails/", j->name, NULL);
        char *root_ds = ds ? strjoin(ds, "/root", NULL) : NULL;

        if (!root_ds) {
                free(ds);
                return -ENOMEM;
        }
        free(j->ds);
        free(j->root_ds);
        j->ds = ds;
        j->root_ds = root_ds;
        j->is_template = is_template;
        return 0;
}

/* Renames j's dataset to the other side (jails/ <-> templates/). */
static int move(struct storage *s, struct jail *j, bool to_template, struct jailor_error *err)
{
        _cleanup_free_ char *new_ds = strjoin(to_template ? "templates/" : "jails/", j->name, NULL);
        int r;

        if (!new_ds)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = storage_rename(s, j->ds, new_ds, err);
        if (r < 0)
                return r;
        if (jail_relocate(j, to_template) < 0) {
                storage_rename(s, new_ds, j->ds, NULL);
                return jailor_error_set(err, ENOMEM, "Out of memory");
        }
        return 0;
}

int template_make(const struct jailor_ctx *ctx, struct storage *s, struct jail *j,
                  struct jailor_error *err)
{
        int r;

        r = template_check_make(ctx, s, j, err);
        if (r < 0)
                return r;
        r = storage_set_readonly(s, j->root_ds, true, err);
        if (r < 0)
                return r;
        r = move(s, j, true, err);
        if (r < 0)
                storage_set_readonly(s, j->root_ds, false, NULL);
        return r;
}

int template_unmake(const struct jailor_ctx *ctx, struct storage *s, struct jail *j,
                    struct jailor_error *err)
{
        int r;

        r = template_check_unmake(ctx, s, j, err);
        if (r < 0)
                return r;
        r = move(s, j, false, err);
        if (r < 0)
                return r;
        r = storage_set_readonly(s, j->root_ds, false, err);
        if (r < 0)
                move(s, j, true, NULL);
        return r;
}
