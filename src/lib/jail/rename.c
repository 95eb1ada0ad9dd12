/* SPDX-License-Identifier: MIT */
/*
 * jailor rename.  Every step before the dataset rename (the commit point)
 * makes something name the jail's new name while it still has its old one,
 * and each is redone harmlessly by running the rename again:
 *
 *   - jails made from a template get source_template=NEW;
 *   - a host_hostname stored with the old default value is dropped from
 *     config.json (it is computed from the name, so `get` shows no change);
 *   - the origin snapshot X@OLD becomes X@NEW (clones find their origin by
 *     id on dir and btrfs, and ZFS follows snapshot renames itself);
 *   - /etc/hostname and the 127.0.1.1 line of /etc/hosts.
 *
 * A failure undoes them in reverse order.  The console log follows after
 * the commit; a log left under the old name by a kill is only a log.
 */
#include "rename.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../defaults.h"
#include "../props/parse.h"
#include "../util/cleanup.h"
#include "list.h"
#include "../util/fs.h"
#include "clone.h"
#include "snapshot.h"

DEFINE_CLEANUP_FUNC(struct jail, jail_free)

/* A jail this rename changes besides the renamed one, held by its lock. */
struct held {
        struct jail *j;
        int lock;
};

struct rename_plan {
        const char *old_name, *new_name;
        struct jail *j;
        char *new_ds;
        json_t *defaults;
        /* the hostname followed the name */
        bool follows;
        char *old_hostname, *new_hostname;
        bool config_changed, identity_changed;
        /* the origin snapshot origin_ds@OLD, renamed to @NEW */
        char *origin_ds;
        bool origin_renamed;
        struct held origin_jail; /* when the origin is a jail's or template's root */
        /* jails whose source_template names this template */
        struct held *children;
        size_t n_children, n_changed;
};

static void plan_done(struct rename_plan *p)
{
        jail_free(p->j);
        free(p->new_ds);
        json_decref(p->defaults);
        free(p->old_hostname);
        free(p->new_hostname);
        free(p->origin_ds);
        jail_free(p->origin_jail.j);
        if (p->origin_jail.lock >= 0)
                close(p->origin_jail.lock);
        for (size_t i = 0; i < p->n_children; i++) {
                jail_free(p->children[i].j);
                close(p->children[i].lock);
        }
        free(p->children);
}

static int snapshot_present(struct storage *s, const char *ds, const char *snap)
{
        struct storage_snapshot *snaps = NULL;
        size_t n = 0;
        int found = 0;

        if (storage_snapshot_list(s, ds, &snaps, &n, NULL) < 0)
                return -EIO;
        for (size_t i = 0; i < n; i++)
                found = found || STREQ(snaps[i].name, snap);
        storage_snapshots_free(snaps, n);
        return found;
}

/* Locks and opens jail name, which this rename also changes. */
static int hold(const struct jailor_ctx *ctx, struct storage *s, const char *name, struct held *h,
                struct jailor_error *err)
{
        int r = jail_lock(ctx, name, &h->lock, err);

        if (r < 0)
                return r;
        r = jail_open(ctx, s, name, &h->j, err);
        if (r < 0) {
                close(h->lock);
                h->lock = -EBADF;
        }
        return r;
}

/* The origin snapshot, when it is named after the jail (as create and clone name it). */
static int plan_origin(const struct jailor_ctx *ctx, struct storage *s, struct rename_plan *p,
                       struct jailor_error *err)
{
        _cleanup_free_ char *origin = NULL, *owner = NULL;
        char *at;
        int r;

        r = storage_origin(s, p->j->root_ds, &origin, err);
        if (r < 0)
                return r;
        at = origin ? strrchr(origin, '@') : NULL;
        if (!at)
                return 0;
        *at = '\0';
        /*
         * @NEW that the origin does not have, while it has @OLD: a rename
         * killed inside the storage's snapshot rename (dir, btrfs: the
         * clone's record was retargeted, the origin's not yet).  Renaming
         * @OLD to @NEW again completes it.
         */
        if (!STREQ(at + 1, p->old_name) &&
            !(STREQ(at + 1, p->new_name) && snapshot_present(s, origin, p->new_name) == 0 &&
              snapshot_present(s, origin, p->old_name) > 0))
                return 0;
        p->origin_ds = strdup(origin);
        if (!p->origin_ds)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        /* jails/SRC/root: SRC's snapshots change, so SRC is held too */
        if ((strncmp(origin, "jails/", 6) == 0 || strncmp(origin, "templates/", 10) == 0)) {
                char *name = strchr(origin, '/') + 1, *slash = strchr(name, '/');

                if (slash && STREQ(slash, "/root")) {
                        owner = strndup(name, (size_t)(slash - name));
                        if (!owner)
                                return jailor_error_set(err, ENOMEM, "Out of memory");
                        return hold(ctx, s, owner, &p->origin_jail, err);
                }
        }
        return 0;
}

/* Every jail and template whose source_template is the template being renamed. */
static int plan_children(const struct jailor_ctx *ctx, struct storage *s, struct rename_plan *p,
                         struct jailor_error *err)
{
        for (int templates = 0; templates < 2; templates++) {
                _cleanup_strv_free_ char **names = NULL;
                size_t n = 0;
                int r = jail_names(s, templates, &names, &n, err);

                if (r < 0)
                        return r;
                for (size_t i = 0; i < n; i++) {
                        _cleanup_(jail_freep) struct jail *c = NULL;
                        const char *source;
                        struct held *bigger;

                        if (STREQ(names[i], p->old_name) ||
                            (p->origin_jail.j && STREQ(names[i], p->origin_jail.j->name)))
                                continue;
                        if (jail_open_with(ctx, s, names[i], p->defaults, &c, NULL) < 0 ||
                            c->corrupt)
                                continue;
                        source = jail_prop(c, "source_template");
                        if (!source || !STREQ(source, p->old_name))
                                continue;
                        bigger = realloc(p->children, (p->n_children + 1) * sizeof(*bigger));
                        if (!bigger)
                                return jailor_error_set(err, ENOMEM, "Out of memory");
                        p->children = bigger;
                        p->children[p->n_children] = (struct held){.lock = -EBADF};
                        r = hold(ctx, s, names[i], &p->children[p->n_children], err);
                        if (r < 0)
                                return r;
                        p->n_children++;
                }
        }
        return 0;
}

static int set_source_template(const struct jailor_ctx *ctx, struct storage *s,
                               struct rename_plan *p, struct jail *c, const char *value,
                               struct jailor_error *err)
{
        int r = jail_config_set(c, p->defaults, "source_template", value, err);

        return r < 0 ? r : jail_save(ctx, s, c, err);
}

/* Renames the origin snapshot @OLD to @NEW, unless @NEW is someone else's. */
static int rename_origin(const struct jailor_ctx *ctx, struct storage *s, struct rename_plan *p,
                         struct jailor_error *err)
{
        int r = snapshot_present(s, p->origin_ds, p->new_name);

        if (r > 0) {
                /* debris: a killed create (release), a killed clone (jail) of NEW */
                if (p->origin_jail.j)
                        jail_snapshot_sweep(s, p->origin_jail.j);
                else
                        storage_snapshot_destroy(s, p->origin_ds, p->new_name, NULL);
                r = snapshot_present(s, p->origin_ds, p->new_name);
        }
        if (r != 0) {
                jailor_warn(ctx, "Kept the origin snapshot '%s@%s' of '%s': '%s@%s' is taken",
                            p->origin_ds, p->old_name, p->new_name, p->origin_ds, p->new_name);
                return 0;
        }
        r = jail_snapshot_rename(s, p->origin_ds, p->old_name, p->new_name, err);
        p->origin_renamed = r == 0;
        return r;
}

static int rename_identity(struct storage *s, struct rename_plan *p, bool forward,
                           struct jailor_error *err)
{
        struct jail_identity id = {
            .hostname = forward ? p->new_hostname : p->old_hostname,
            .old_hostname = forward ? p->old_hostname : p->new_hostname,
        };

        return jail_root_identity(s, p->j->root_ds, &id, err);
}

static void undo(const struct jailor_ctx *ctx, struct storage *s, struct rename_plan *p,
                 json_t *saved_config)
{
        if (p->identity_changed)
                rename_identity(s, p, false, NULL);
        if (p->origin_renamed)
                jail_snapshot_rename(s, p->origin_ds, p->new_name, p->old_name, NULL);
        if (p->config_changed) {
                json_decref(p->j->config);
                p->j->config = json_incref(saved_config);
                jail_save(ctx, s, p->j, NULL);
        }
        for (size_t i = 0; i < p->n_changed; i++)
                set_source_template(ctx, s, p, p->children[i].j, p->old_name, NULL);
}

static int apply(const struct jailor_ctx *ctx, struct storage *s, struct rename_plan *p,
                 struct jailor_error *err)
{
        int r;

        for (size_t i = 0; i < p->n_children; i++) {
                r = set_source_template(ctx, s, p, p->children[i].j, p->new_name, err);
                if (r < 0)
                        return r;
                p->n_changed = i + 1;
        }
        if (p->follows && json_object_get(p->j->config, "host_hostname")) {
                json_object_del(p->j->config, "host_hostname");
                p->config_changed = true;
                r = jail_save(ctx, s, p->j, err);
                if (r < 0)
                        return r;
        }
        if (p->origin_ds) {
                r = rename_origin(ctx, s, p, err);
                if (r < 0)
                        return r;
        }
        /* a template's root is read-only, and no jail runs with its names */
        if (p->follows && !p->j->is_template) {
                r = rename_identity(s, p, true, err);
                if (r < 0)
                        return r;
                p->identity_changed = true;
        }
        return 0;
}

/* The console log follows the jail; best effort, it is only a log. */
static void rename_log(struct storage *s, const char *old_name, const char *new_name)
{
        _cleanup_free_ char *a_ds = strjoin("log/", old_name, "-console.log", NULL);
        _cleanup_free_ char *b_ds = strjoin("log/", new_name, "-console.log", NULL);
        _cleanup_free_ char *a = a_ds ? storage_path(s, a_ds) : NULL;
        _cleanup_free_ char *b = b_ds ? storage_path(s, b_ds) : NULL;

        if (a && b && path_exists(a))
                rename(a, b);
}

static int plan(const struct jailor_ctx *ctx, struct storage *s, struct rename_plan *p,
                struct jailor_error *err)
{
        const char *hostname;
        int r;

        r = jail_open(ctx, s, p->old_name, &p->j, err);
        if (r < 0)
                return r;
        if (p->j->corrupt)
                return jailor_error_set(err, EINVAL, "Cannot rename '%s': %s", p->old_name,
                                        p->j->corrupt_reason);
        r = jail_check_stopped(ctx, p->j->name, "renaming it", err);
        if (r < 0)
                return r;
        if (jail_name_taken(s, p->new_name) > 0)
                return jailor_error_set(err, EEXIST, "Jail '%s' already exists", p->new_name);
        p->new_ds = strjoin(p->j->is_template ? "templates/" : "jails/", p->new_name, NULL);
        p->old_hostname = hostname_from_name(p->old_name);
        p->new_hostname = hostname_from_name(p->new_name);
        if (!p->new_ds || !p->old_hostname || !p->new_hostname)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        hostname = jail_prop(p->j, "host_hostname");
        p->follows = hostname && STREQ(hostname, p->old_hostname);
        r = defaults_load(ctx, s, &p->defaults, err);
        if (r == 0)
                r = plan_origin(ctx, s, p, err);
        if (r == 0 && p->j->is_template)
                r = plan_children(ctx, s, p, err);
        return r;
}

int jail_rename(const struct jailor_ctx *ctx, struct storage *s, const char *old_name,
                const char *new_name, struct jailor_error *err)
{
        struct rename_plan p = {
            .old_name = old_name, .new_name = new_name, .origin_jail = {.lock = -EBADF}};
        _cleanup_close_ int old_lock = -EBADF, new_lock = -EBADF;
        json_t *saved_config = NULL;
        int r;

        r = parse_name("jail", old_name, err);
        if (r == 0)
                r = parse_name("jail", new_name, err);
        if (r < 0)
                return r;
        if (STREQ(old_name, new_name))
                return jailor_error_set(err, EINVAL, "Jail '%s' is already called '%s'", old_name,
                                        new_name);
        /* both names, old first, without waiting: a second rename to NEW fails at once */
        r = jail_lock(ctx, old_name, &old_lock, err);
        if (r == 0)
                r = jail_lock(ctx, new_name, &new_lock, err);
        if (r == 0)
                r = plan(ctx, s, &p, err);
        if (r < 0)
                goto out;
        saved_config = json_deep_copy(p.j->config);
        if (!saved_config) {
                r = jailor_error_set(err, ENOMEM, "Out of memory");
                goto out;
        }
        r = apply(ctx, s, &p, err);
        /* the commit point */
        if (r == 0)
                r = storage_rename(s, p.j->ds, p.new_ds, err);
        if (r < 0) {
                undo(ctx, s, &p, saved_config);
                goto out;
        }
        rename_log(s, old_name, new_name);
out:
        json_decref(saved_config);
        plan_done(&p);
        return r;
}
