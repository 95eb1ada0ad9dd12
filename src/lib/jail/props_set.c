/* SPDX-License-Identifier: MIT */
/* jailor set: check every assignment, then change storage, location and config.json. */
#include "props_set.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../defaults.h"
#include "../props/parse.h"
#include "../props/props.h"
#include "../runtime/runtime.h"
#include "../util/cleanup.h"
#include "config.h"
#include "list.h"
#include "net_check.h"
#include "props_get.h"
#include "template.h"

/* What `set` is about to do, once every assignment passed its checks. */
struct set_plan {
        json_t *changes;   /* [{name, old, new, restart}] */
        const char *quota; /* the new quota (a string of changes), or NULL */
        const char *old_quota;
        int template_to;   /* -1: unchanged; 1: become a template; 0: become a jail */
        bool live_limits;  /* the jail runs and a resource limit changes: apply it now */
        bool network;      /* a network property changes: check the whole network again */
};

/*
 * The one place that decides whether property p may change while the jail
 * is in state st.  A stopped jail takes everything.  A running one takes
 * PROP_LIVE properties now, refuses PROP_STOPPED ones, and takes the rest
 * for its next start (*ret_restart).
 */
static int change_allowed(const struct jail *j, const struct jail_state *st,
                          const struct prop_def *p, bool *ret_restart, struct jailor_error *err)
{
        *ret_restart = false;
        if (!st->up)
                return 0;
        if (p->flags & PROP_STOPPED)
                return jailor_error_set(err, EBUSY,
                                        "Jail '%s' is running: stop it before setting '%s'",
                                        j->name, p->name);
        *ret_restart = !(p->flags & PROP_LIVE);
        return 0;
}

static bool given_before(json_t *changes, const char *name)
{
        size_t i;
        json_t *c;

        json_array_foreach(changes, i, c)
                if (STREQ(json_string_value(json_object_get(c, "name")), name))
                        return true;
        return false;
}

/* Checks one "NAME=VALUE" and records it in the plan and in j->config (memory only). */
static int plan_one(struct jail *j, json_t *defaults, const struct jail_state *st,
                    const char *assignment, struct set_plan *plan, struct jailor_error *err)
{
        const char *eq = strchr(assignment, '=');
        _cleanup_free_ char *name = NULL, *canonical = NULL;
        const struct prop_def *p;
        const char *old;
        bool restart;
        json_t *change;
        int r;

        if (!eq)
                return jailor_error_set(err, EINVAL, "'%s' is missing a value: expected PROP=VALUE",
                                        assignment);
        name = strndup(assignment, (size_t)(eq - assignment));
        if (!name)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = props_check(name, eq + 1, PROP_SCOPE_JAIL, &canonical, err);
        if (r < 0)
                return r;
        if (given_before(plan->changes, name))
                return jailor_error_set(err, EINVAL, "'%s' is given twice", name);
        p = props_find(name);
        r = change_allowed(j, st, p, &restart, err);
        if (r < 0)
                return r;
        if (STREQ(name, "template")) {
                /* where the jail lives says whether it is a template; config.json does not */
                old = j->is_template ? "1" : "0";
                plan->template_to = STREQ(canonical, "1");
        } else {
                old = jail_prop(j, name) ? jail_prop(j, name) : "none";
                r = jail_config_set(j, defaults, name, canonical, err);
                if (r < 0)
                        return r;
        }
        change = json_pack("{s:s, s:s, s:s, s:b}", "name", name, "old", old, "new", canonical,
                           "restart", restart);
        if (!change || json_array_append_new(plan->changes, change) < 0)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (jail_prop_is_network(name))
                plan->network = true;
        if (st->up && runtime_is_live_limit(name))
                plan->live_limits = true;
        if (STREQ(name, "quota")) {
                plan->quota = json_string_value(json_object_get(change, "new"));
                plan->old_quota = json_string_value(json_object_get(change, "old"));
        }
        return 0;
}

int jail_apply_quota(struct storage *s, const char *name, const char *root_ds,
                     const char *quota, struct jailor_error *err)
{
        uint64_t bytes;
        int r;

        r = parse_size("quota", quota, &bytes, err);
        if (r < 0)
                return r;
        r = storage_set_quota(s, root_ds, bytes, err);
        if (r == -EOPNOTSUPP && bytes == 0)
                return 0; /* no quota asked of a backend that has none */
        if (r < 0)
                return jailor_error_prefix(err, "Cannot set quota=%s on '%s'", quota, name);
        return 0;
}

static int write_config(struct storage *s, struct jail *j, struct jailor_error *err)
{
        _cleanup_free_ char *path = jail_file(s, j, "config.json");
        json_t *version;

        if (!path)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        version = json_integer(PROPS_CONFIG_VERSION);
        if (json_object_set_new(j->config, "CONFIG_VERSION", version) < 0)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        return config_write(path, j->config, err);
}

/*
 * The running jail's cgroup gets the limits of j->config at once; on
 * failure the old ones are written back (a refused write leaves the
 * limits before it changed) and j->props is as it was.
 */
static int apply_live_limits(const struct jailor_ctx *ctx, struct storage *s, struct jail *j,
                             json_t *defaults, json_t **ret_old_props, struct jailor_error *err)
{
        json_t *old = json_incref(j->props);
        int r;

        r = jail_update_props(j, defaults, err);
        if (r == 0)
                r = runtime_apply_limits(ctx, s, j, err);
        if (r < 0) {
                json_decref(j->props);
                j->props = old;
                runtime_apply_limits(ctx, s, j, NULL);
                return r;
        }
        *ret_old_props = old;
        return 0;
}

/* Carries out the plan; on failure undoes what it did, in reverse. */
static int apply_plan(const struct jailor_ctx *ctx, struct storage *s, struct jail *j,
                      json_t *defaults, json_t *config_before, const struct set_plan *plan,
                      struct jailor_error *err)
{
        json_t *old_props = NULL;
        bool quota_done = false, moved = false;
        int r = 0;

        if (plan->quota) {
                r = jail_apply_quota(s, j->name, j->root_ds, plan->quota, err);
                if (r < 0)
                        return r;
                quota_done = true;
        }
        if (plan->template_to >= 0) {
                r = plan->template_to ? template_make(ctx, s, j, err)
                                      : template_unmake(ctx, s, j, err);
                if (r < 0)
                        goto undo;
                moved = true;
        }
        /* before config.json: a limit the kernel refuses is a set refused */
        if (plan->live_limits) {
                r = apply_live_limits(ctx, s, j, defaults, &old_props, err);
                if (r < 0)
                        goto undo;
        }
        /* the last step, one atomic write: after it the change is complete */
        if (!json_equal(config_before, j->config)) {
                r = write_config(s, j, err);
                if (r < 0)
                        goto undo;
        }
        json_decref(old_props);
        return 0;
undo:
        if (old_props) {
                json_decref(j->props);
                j->props = old_props;
                runtime_apply_limits(ctx, s, j, NULL);
        }
        if (moved)
                plan->template_to ? template_unmake(ctx, s, j, NULL)
                                  : template_make(ctx, s, j, NULL);
        if (quota_done)
                jail_apply_quota(s, j->name, j->root_ds, plan->old_quota, NULL);
        return r;
}

int jail_set(const struct jailor_ctx *ctx, struct storage *s, const char *name,
             char *const *assignments, size_t n, json_t **ret_changes, struct jailor_error *err)
{
        struct set_plan plan = {.template_to = -1};
        _cleanup_close_ int lock = -EBADF;
        json_t *defaults = NULL, *before = NULL;
        struct jail *j = NULL;
        struct jail_state st;
        int r;

        if (n == 0)
                return jailor_error_set(err, EINVAL, "Nothing to set: expected PROP=VALUE...");
        r = parse_name("jail", name, err);
        if (r < 0)
                return r;
        r = jail_lock(ctx, name, &lock, err);
        if (r < 0)
                return r;
        r = defaults_load(ctx, s, &defaults, err);
        if (r < 0)
                return r;
        r = jail_open_with(ctx, s, name, defaults, &j, err);
        if (r < 0)
                goto out;
        r = jail_refuse_corrupt(j, err);
        if (r < 0)
                goto out;
        jail_state(ctx, name, &st);
        before = json_deep_copy(j->config);
        plan.changes = json_array();
        if (!before || !plan.changes) {
                r = jailor_error_set(err, ENOMEM, "Out of memory");
                goto out;
        }
        /* every assignment is checked before anything changes */
        for (size_t i = 0; i < n; i++) {
                r = plan_one(j, defaults, &st, assignments[i], &plan, err);
                if (r < 0)
                        goto out;
        }
        if (plan.network)
                r = jail_check_network_config(ctx, s, name, j->config, err);
        if (r < 0)
                goto out;
        if (plan.template_to == 1)
                r = template_check_make(ctx, s, j, err);
        else if (plan.template_to == 0)
                r = template_check_unmake(ctx, s, j, err);
        if (r < 0)
                goto out;
        r = apply_plan(ctx, s, j, defaults, before, &plan, err);
        if (r < 0)
                goto out;
        *ret_changes = TAKE_PTR(plan.changes);
out:
        json_decref(plan.changes);
        json_decref(before);
        json_decref(defaults);
        jail_free(j);
        return r;
}
