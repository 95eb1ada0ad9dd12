/* SPDX-License-Identifier: MIT */
/* /api/v1/jails/{name}/fstab: a jail's mount points (jailor fstab -l|-a|-e|-r). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "jail/fstab.h"
#include "pool.h"
#include "views.h"

/* The entry at index of jail name, as JSON. */
static int entry_at(struct worker *w, struct storage *s, const char *name, size_t index,
                    json_t **ret, struct jailor_error *err)
{
        struct fstab_entry *v = NULL;
        size_t n = 0;
        int r = jail_fstab_list(worker_ctx(w), s, name, &v, &n, err);

        if (r < 0)
                return r;
        *ret = index < n ? fstab_entry_to_json(&v[index], index) : json_null();
        fstab_entries_free(v, n);
        return 0;
}

static int parse_index(struct worker *w, const char *s, size_t *ret, struct jailor_error *err)
{
        char *end;

        if (!isdigit((unsigned char)*s) || (*ret = strtoul(s, &end, 10), *end))
                return jailor_error_set(err, ENOENT,
                                        "No mount point '%s': indexes are numbers from the list", s);
        return 0;
}

static struct fstab_mount mount_of(json_t *args)
{
        json_t *ro = arg_body(args, "read_only");

        return (struct fstab_mount){.src = arg_string(args, "src"),
                                    .dst = arg_string(args, "dst"),
                                    .rw = ro && !json_is_true(ro)};
}

static int list(struct worker *w, struct storage *s, json_t *args, json_t **ret,
                struct jailor_error *err)
{
        struct fstab_entry *v = NULL;
        size_t n = 0;
        int r = jail_fstab_list(worker_ctx(w), s, arg_path(args, 0), &v, &n, err);

        if (r < 0)
                return r;
        *ret = fstab_entries_to_json(v, n);
        fstab_entries_free(v, n);
        return *ret ? 0 : jailor_error_set(err, ENOMEM, "Out of memory");
}

static int add(struct worker *w, struct storage *s, json_t *args, json_t **ret,
               struct jailor_error *err)
{
        struct fstab_mount m = mount_of(args);
        size_t index = 0;
        int r = jail_fstab_add(worker_ctx(w), s, arg_path(args, 0), &m, &index, err);

        return r < 0 ? r : entry_at(w, s, arg_path(args, 0), index, ret, err);
}

static int edit(struct worker *w, struct storage *s, json_t *args, json_t **ret,
                struct jailor_error *err)
{
        struct fstab_mount m = mount_of(args);
        size_t index;
        int r = parse_index(w, arg_path(args, 1), &index, err);

        if (r == 0)
                r = jail_fstab_edit(worker_ctx(w), s, arg_path(args, 0), index, &m, err);
        return r < 0 ? r : entry_at(w, s, arg_path(args, 0), index, ret, err);
}

static int remove_entry(struct worker *w, struct storage *s, json_t *args, json_t **ret,
                        struct jailor_error *err)
{
        struct fstab_match m = {.by_index = true};
        struct fstab_entry removed = {0};
        int r = parse_index(w, arg_path(args, 1), &m.index, err);

        if (r == 0)
                r = jail_fstab_remove(worker_ctx(w), s, arg_path(args, 0), &m, &removed, err);
        if (r < 0)
                return r;
        *ret = fstab_entry_to_json(&removed, m.index);
        fstab_entry_done(&removed);
        return 0;
}

/* The src and dst of a refused mount are the fields a form shows the message under. */
static int blame_paths(struct worker *w, json_t *args, int r, struct jailor_error *err)
{
        const char *src = arg_string(args, "src"), *dst = arg_string(args, "dst");

        if (r < 0 && dst && strstr(err->msg, dst))
                worker_field(w, "dst");
        if (r < 0 && src && strstr(err->msg, src))
                worker_field(w, "src");
        return r;
}

static int op_list(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return WITH_POOL(w, s, err, list(w, s, args, ret, err));
}

static int op_add(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return blame_paths(w, args, WITH_POOL(w, s, err, add(w, s, args, ret, err)), err);
}

static int op_edit(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return blame_paths(w, args, WITH_POOL(w, s, err, edit(w, s, args, ret, err)), err);
}

static int op_remove(struct worker *w, json_t *args, json_t **ret, struct jailor_error *err)
{
        return WITH_POOL(w, s, err, remove_entry(w, s, args, ret, err));
}

void api_fstab_list(struct request *r)
{
        api_call_simple(r, "fstab.list", op_list, 200);
}

void api_fstab_add(struct request *r)
{
        api_call_simple(r, "fstab.add", op_add, 201);
}

void api_fstab_edit(struct request *r)
{
        api_call_simple(r, "fstab.edit", op_edit, 200);
}

void api_fstab_remove(struct request *r)
{
        api_call_simple(r, "fstab.remove", op_remove, 200);
}
