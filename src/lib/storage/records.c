/* SPDX-License-Identifier: MIT */
/*
 * The record store that the btrfs and dir backends share (the operations
 * built on it are in recorded.c).
 *
 * It lives in <root>/.storage/ (a hidden name, which no
 * dataset can have):
 *
 *   lock                  flock()ed around every change, so two jailor
 *                         processes never interleave record updates
 *   names/<ds>/@id        a symlink to the dataset's id.  The directories
 *                         mirror the dataset tree, so renaming a dataset is
 *                         one rename() here that carries its descendants;
 *                         '@' cannot occur in a dataset name, so "@id" never
 *                         meets a child's directory
 *   ids/<id>/record.json  the record: origin (id@snap), snapshots (name,
 *                         time, clone ids), read-only flag, quota, user
 *                         properties, and the name it had when last saved
 *                         (a hint, always checked against names/)
 *   ids/<id>/...          the backend's own data (dir: upper/, work/,
 *                         snap/<snap>/; btrfs: snap/<snap> subvolumes)
 *   tmp/                  staging: things are built here and renamed into
 *                         place, so a failure leaves nothing half made
 *
 * Records refer to other datasets by id, never by name: renaming a dataset or
 * any of its parents changes names/ and the hints, nothing else, and clones
 * keep finding their origin.
 */
#include "records.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "../util/cleanup.h"
#include "../util/fs.h"
#include "../util/strv.h"

#define STORE_DIR ".storage"

/* ---- the record store ---- */

char *storage_store_path(const struct storage *s, const char *a, const char *b)
{
        return strjoin(s->root, "/" STORE_DIR, a ? "/" : "", a ? a : "", b ? "/" : "", b ? b : "",
                       NULL);
}

char *storage_rec_data_path(const struct storage *s, const char *id, const char *sub)
{
        return strjoin(s->root, "/" STORE_DIR "/ids/", id, sub ? "/" : "", sub ? sub : "", NULL);
}

char *storage_rec_snap_path(const struct storage *s, const char *id, const char *snap)
{
        return strjoin(s->root, "/" STORE_DIR "/ids/", id, "/snap/", snap, NULL);
}

int storage_rec_make_snap_dir(const struct storage *s, const char *id, struct jailor_error *err)
{
        _cleanup_free_ char *dir = storage_rec_data_path(s, id, "snap");

        if (!dir)
                return oom(err);
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                return jailor_error_errno(err, errno, "Cannot create directory '%s'", dir);
        return 0;
}

static void random_hex(char *out, size_t n_chars)
{
        uint8_t bytes[32];
        size_t n = (n_chars + 1) / 2;

        if (n > sizeof(bytes))
                n = sizeof(bytes);
        if (getrandom(bytes, n, 0) != (ssize_t)n) {
                /* no entropy source: uniqueness is all that matters here */
                uint64_t x = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uintptr_t)out;
                for (size_t i = 0; i < n;
                     i++, x = x * 6364136223846793005ULL + 1442695040888963407ULL)
                        bytes[i] = (uint8_t)(x >> 56);
        }
        for (size_t i = 0; i < n_chars; i++)
                out[i] = "0123456789abcdef"[(bytes[i / 2] >> (i % 2 ? 0 : 4)) & 0xf];
        out[n_chars] = '\0';
}

char *storage_store_tmp(const struct storage *s, const char *what)
{
        char rnd[17], name[96];

        random_hex(rnd, 16);
        snprintf(name, sizeof(name), "%s-%s", what, rnd);
        return storage_store_path(s, "tmp", name);
}

int storage_store_init(struct storage *s, struct jailor_error *err)
{
        static const char *const subdirs[] = {"names", "ids", "tmp"};

        for (size_t i = 0; i < ELEMENTSOF(subdirs); i++) {
                _cleanup_free_ char *p = storage_store_path(s, subdirs[i], NULL);
                int r;

                if (!p)
                        return oom(err);
                r = mkdir_p(p, 0700, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

int storage_store_lock(struct storage *s, int *ret_fd, struct jailor_error *err)
{
        _cleanup_free_ char *p = storage_store_path(s, "lock", NULL);
        _cleanup_close_ int fd = -EBADF;

        if (!p)
                return oom(err);
        fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0) {
                if (errno == ENOENT)
                        return jailor_error_set(err, ENOENT,
                                                "Pool '%s' is not initialised ('%s' is missing)",
                                                s->pool, p);
                return jailor_error_errno(err, errno, "Cannot open '%s'", p);
        }
        while (flock(fd, LOCK_EX) < 0)
                if (errno != EINTR)
                        return jailor_error_errno(err, errno, "Cannot lock '%s'", p);
        *ret_fd = TAKE_FD(fd);
        return 0;
}

void storage_rec_free(struct storage_rec *r)
{
        if (!r)
                return;
        free(r->name);
        free(r->origin_id);
        free(r->origin_snap);
        for (size_t i = 0; i < r->n_snaps; i++) {
                free(r->snaps[i].name);
                strv_freep(&r->snaps[i].clones);
        }
        free(r->snaps);
        strv_freep(&r->props);
        free(r);
}

int storage_rec_new(struct storage_rec **ret, struct jailor_error *err)
{
        struct storage_rec *r = calloc(1, sizeof(*r));

        if (!r)
                return oom(err);
        random_hex(r->id, STORAGE_ID_LEN);
        *ret = r;
        return 0;
}

static bool id_ok(const char *id)
{
        if (strlen(id) != STORAGE_ID_LEN)
                return false;
        for (const char *p = id; *p; p++)
                if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
                        return false;
        return true;
}

/* Reads names/<ds>/@id. */
static int name_to_id(struct storage *s, const char *ds, char id[STORAGE_ID_LEN + 1])
{
        _cleanup_free_ char *p = strjoin(s->root, "/" STORE_DIR "/names/", ds, "/@id", NULL);
        char buf[STORAGE_ID_LEN + 2];
        ssize_t n;

        if (!p)
                return -ENOMEM;
        n = readlink(p, buf, sizeof(buf) - 1);
        if (n < 0)
                return errno == ENOTDIR ? -ENOENT : -errno;
        buf[n] = '\0';
        if (!id_ok(buf))
                return -EBADMSG;
        memcpy(id, buf, STORAGE_ID_LEN + 1);
        return 0;
}

int storage_rec_exists(struct storage *s, const char *ds)
{
        char id[STORAGE_ID_LEN + 1];
        int r = name_to_id(s, ds, id);

        if (r == -ENOENT)
                return 0;
        return r < 0 ? r : 1;
}

static char *json_str_dup(json_t *o, const char *key)
{
        const char *v = json_string_value(json_object_get(o, key));

        return v ? strdup(v) : NULL;
}

static int rec_snaps_from_json(struct storage_rec *r, json_t *arr)
{
        size_t i;
        json_t *js;

        r->snaps = calloc(json_array_size(arr) + 1, sizeof(*r->snaps));
        if (!r->snaps)
                return -ENOMEM;
        json_array_foreach (arr, i, js) {
                struct storage_snaprec *sr = &r->snaps[r->n_snaps];
                json_t *clones = json_object_get(js, "clones"), *c;
                size_t k;

                sr->name = json_str_dup(js, "name");
                if (!sr->name)
                        return -EBADMSG;
                r->n_snaps++;
                sr->created = json_integer_value(json_object_get(js, "created"));
                sr->ref = json_is_true(json_object_get(js, "ref"));
                json_array_foreach (clones, k, c) {
                        if (!json_string_value(c))
                                return -EBADMSG;
                        if (strv_push(&sr->clones, strdup(json_string_value(c))) < 0)
                                return -ENOMEM;
                }
        }
        return 0;
}

static int rec_from_json(struct storage_rec *r, json_t *j)
{
        const char *id = json_string_value(json_object_get(j, "id"));
        const char *origin = json_string_value(json_object_get(j, "origin"));
        json_t *props = json_object_get(j, "props"), *v;
        const char *key;
        int q;

        if (!id || !id_ok(id))
                return -EBADMSG;
        memcpy(r->id, id, STORAGE_ID_LEN + 1);
        r->name = json_str_dup(j, "name");
        if (origin) {
                const char *at = strchr(origin, '@');

                if (!at || at - origin != STORAGE_ID_LEN)
                        return -EBADMSG;
                r->origin_id = strndup(origin, STORAGE_ID_LEN);
                r->origin_snap = strdup(at + 1);
                if (!r->origin_id || !r->origin_snap)
                        return -ENOMEM;
        }
        r->readonly = json_is_true(json_object_get(j, "readonly"));
        r->quota = (uint64_t)json_integer_value(json_object_get(j, "quota"));
        q = rec_snaps_from_json(r, json_object_get(j, "snapshots"));
        if (q < 0)
                return q;
        json_object_foreach (props, key, v) {
                if (!json_string_value(v))
                        return -EBADMSG;
                if (strv_push(&r->props, strdup(key)) < 0 ||
                    strv_push(&r->props, strdup(json_string_value(v))) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static json_t *rec_to_json(const struct storage_rec *r)
{
        _cleanup_(json_decrefp) json_t *j = json_object(), *snaps = json_array(),
                                       *props = json_object();
        int q = 0;

        if (!j || !snaps || !props)
                return NULL;
        q |= json_object_set_new(j, "id", json_string(r->id));
        if (r->name)
                q |= json_object_set_new(j, "name", json_string(r->name));
        if (r->origin_id) {
                _cleanup_free_ char *o = strjoin(r->origin_id, "@", r->origin_snap, NULL);
                if (!o)
                        return NULL;
                q |= json_object_set_new(j, "origin", json_string(o));
        }
        q |= json_object_set_new(j, "readonly", json_boolean(r->readonly));
        q |= json_object_set_new(j, "quota", json_integer((json_int_t)r->quota));
        for (size_t i = 0; i < r->n_snaps; i++) {
                const struct storage_snaprec *sr = &r->snaps[i];
                json_t *js = json_object(), *clones = json_array();

                if (!js || !clones) {
                        json_decref(js);
                        json_decref(clones);
                        return NULL;
                }
                for (size_t k = 0; sr->clones && sr->clones[k]; k++)
                        q |= json_array_append_new(clones, json_string(sr->clones[k]));
                q |= json_object_set_new(js, "name", json_string(sr->name));
                q |= json_object_set_new(js, "created", json_integer(sr->created));
                q |= json_object_set_new(js, "ref", json_boolean(sr->ref));
                q |= json_object_set_new(js, "clones", clones);
                q |= json_array_append_new(snaps, js);
        }
        for (size_t i = 0; r->props && r->props[i] && r->props[i + 1]; i += 2)
                q |= json_object_set_new(props, r->props[i], json_string(r->props[i + 1]));
        q |= json_object_set(j, "snapshots", snaps);
        q |= json_object_set(j, "props", props);
        if (q)
                return NULL;
        return TAKE_PTR(j);
}

static char *rec_file(const struct storage *s, const char *id)
{
        return strjoin(s->root, "/" STORE_DIR "/ids/", id, "/record.json", NULL);
}

int storage_rec_load_id(struct storage *s, const char *id, struct storage_rec **ret,
                        struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
        _cleanup_(json_decrefp) json_t *j = NULL;
        _cleanup_free_ char *p = rec_file(s, id);
        json_error_t jerr;
        int q;

        if (!p)
                return oom(err);
        j = json_load_file(p, 0, &jerr);
        if (!j) {
                if (access(p, F_OK) < 0 && errno == ENOENT)
                        return jailor_error_set(err, ENOENT, "Storage record '%s' is missing", p);
                return jailor_error_set(err, EBADMSG, "Storage record '%s' is corrupt: %s", p,
                                        jerr.text);
        }
        r = calloc(1, sizeof(*r));
        if (!r)
                return oom(err);
        q = rec_from_json(r, j);
        if (q == -ENOMEM)
                return oom(err);
        if (q < 0 || !STREQ(r->id, id))
                return jailor_error_set(err, EBADMSG, "Storage record '%s' is corrupt", p);
        *ret = TAKE_PTR(r);
        return 0;
}

int storage_rec_load(struct storage *s, const char *ds, struct storage_rec **ret,
                     struct jailor_error *err)
{
        char id[STORAGE_ID_LEN + 1];
        int r = name_to_id(s, ds, id);

        if (r == -ENOENT)
                return jailor_error_set(err, ENOENT, "Dataset '%s' does not exist", ds);
        if (r == -EBADMSG)
                return jailor_error_set(err, EBADMSG,
                                        "The storage record of dataset '%s' is corrupt", ds);
        if (r < 0)
                return jailor_error_errno(err, -r, "Cannot look up dataset '%s'", ds);
        return storage_rec_load_id(s, id, ret, err);
}

int storage_rec_lock_load(struct storage *s, const char *ds, int *ret_lock,
                          struct storage_rec **ret, struct jailor_error *err)
{
        _cleanup_close_ int lock = -EBADF;
        int q;

        q = storage_store_lock(s, &lock, err);
        if (q < 0)
                return q;
        q = storage_rec_load(s, ds, ret, err);
        if (q < 0)
                return q;
        *ret_lock = TAKE_FD(lock);
        return 0;
}

int storage_rec_save(struct storage *s, const struct storage_rec *r, struct jailor_error *err)
{
        _cleanup_(json_decrefp) json_t *j = rec_to_json(r);
        _cleanup_free_ char *text = NULL, *p = rec_file(s, r->id);

        if (!j || !p)
                return oom(err);
        text = json_dumps(j, JSON_INDENT(2));
        if (!text)
                return oom(err);
        return write_file_atomic(p, text, strlen(text), 0600, err);
}

int storage_rec_create(struct storage *s, const struct storage_rec *r, struct jailor_error *err)
{
        _cleanup_free_ char *dir = storage_rec_data_path(s, r->id, NULL);
        int q;

        if (!dir)
                return oom(err);
        if (mkdir(dir, 0700) < 0)
                return jailor_error_errno(err, errno, "Cannot create directory '%s'", dir);
        q = storage_rec_save(s, r, err);
        if (q < 0)
                rm_rf(dir, NULL);
        return q;
}

static char *names_path(const struct storage *s, const char *ds)
{
        return strjoin(s->root, "/" STORE_DIR "/names", ds ? "/" : "", ds ? ds : "", NULL);
}

int storage_rec_link(struct storage *s, const char *ds, const char *id, struct jailor_error *err)
{
        _cleanup_free_ char *tmp = storage_store_tmp(s, "name"), *link = NULL, *dst = NULL;
        int r;

        link = tmp ? path_join(tmp, "@id") : NULL;
        dst = names_path(s, ds);
        if (!link || !dst)
                return oom(err);
        if (mkdir(tmp, 0700) < 0)
                return jailor_error_errno(err, errno, "Cannot create directory '%s'", tmp);
        if (symlink(id, link) < 0) {
                r = jailor_error_errno(err, errno, "Cannot create '%s'", link);
                rm_rf(tmp, NULL);
                return r;
        }
        /* NOREPLACE: rename() would silently replace an empty directory */
        if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dst, RENAME_NOREPLACE) < 0) {
                r = errno;
                rm_rf(tmp, NULL);
                if (r == EEXIST || r == ENOTEMPTY)
                        return jailor_error_set(err, EEXIST, "Dataset '%s' already exists", ds);
                return jailor_error_errno(err, r, "Cannot rename '%s' to '%s'", tmp, dst);
        }
        fsync_parent_dir(dst);
        return 0;
}

int storage_rec_unlink(struct storage *s, const char *ds, struct jailor_error *err)
{
        _cleanup_free_ char *p = names_path(s, ds), *trash = storage_store_tmp(s, "unname");

        if (!p || !trash)
                return oom(err);
        /* one rename makes the whole subtree disappear at once */
        if (rename(p, trash) < 0) {
                if (errno == ENOENT)
                        return 0;
                return jailor_error_errno(err, errno, "Cannot rename '%s' to '%s'", p, trash);
        }
        fsync_parent_dir(p);
        return rm_rf(trash, err);
}

int storage_rec_forget(struct storage *s, const char *ds, char **subtree, char ***ret_ids,
                       struct jailor_error *err)
{
        _cleanup_strv_free_ char **ids = NULL, **links = NULL;
        int q;

        /* read everything first: after the unlink the names are gone */
        for (size_t i = 0; subtree && subtree[i]; i++) {
                _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;

                q = storage_rec_load(s, subtree[i], &r, err);
                if (q < 0)
                        return q;
                if (strv_push(&ids, strdup(r->id)) < 0)
                        return oom(err);
                if (r->origin_id && strv_push(&links, strjoin(r->origin_id, "@", r->origin_snap,
                                                              "@", r->id, NULL)) < 0)
                        return oom(err);
        }
        q = storage_rec_unlink(s, ds, err);
        if (q < 0)
                return q;
        /* only now: a failed unlink must leave the origins protected */
        for (size_t i = 0; links && links[i]; i++) {
                char *snap = links[i] + STORAGE_ID_LEN + 1, *clone = strrchr(snap, '@');

                links[i][STORAGE_ID_LEN] = '\0';
                *clone++ = '\0';
                storage_rec_clone_link(s, links[i], snap, clone, false, NULL);
        }
        *ret_ids = TAKE_PTR(ids);
        return 0;
}

static int subtree_walk(const char *dir, const char *ds, char ***out)
{
        _cleanup_closedir_ DIR *d = NULL;
        _cleanup_strv_free_ char **kids = NULL;
        struct dirent *de;
        char idbuf[STORAGE_ID_LEN + 2];
        _cleanup_free_ char *idlink = path_join(dir, "@id");
        int r;

        if (!idlink)
                return -ENOMEM;
        if (readlink(idlink, idbuf, sizeof(idbuf)) > 0) {
                r = strv_push(out, strdup(ds));
                if (r < 0)
                        return r;
        }
        d = opendir(dir);
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.' || de->d_name[0] == '@')
                        continue;
                if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
                        continue;
                r = strv_push(&kids, strdup(de->d_name));
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; kids && kids[i]; i++) {
                _cleanup_free_ char *sub = path_join(dir, kids[i]);
                _cleanup_free_ char *subds =
                    *ds ? strjoin(ds, "/", kids[i], NULL) : strdup(kids[i]);

                if (!sub || !subds)
                        return -ENOMEM;
                r = subtree_walk(sub, subds, out);
                if (r < 0)
                        return r;
        }
        return 0;
}

int storage_rec_subtree(struct storage *s, const char *ds, char ***ret, struct jailor_error *err)
{
        _cleanup_free_ char *p = names_path(s, ds);
        _cleanup_strv_free_ char **out = NULL;
        int r;

        if (!p)
                return oom(err);
        r = subtree_walk(p, ds ? ds : "", &out);
        if (r < 0)
                return jailor_error_errno(err, -r, "Cannot list the datasets under '%s'", ds);
        *ret = TAKE_PTR(out);
        return 0;
}

int storage_rec_children(struct storage *s, const char *ds, char ***ret, struct jailor_error *err)
{
        _cleanup_free_ char *p = names_path(s, ds);
        _cleanup_closedir_ DIR *d = NULL;
        _cleanup_strv_free_ char **out = NULL;
        struct dirent *de;

        if (!p)
                return oom(err);
        d = opendir(p);
        if (!d)
                return jailor_error_errno(err, errno, "Cannot list the children of dataset '%s'",
                                          ds);
        while ((de = readdir(d))) {
                _cleanup_free_ char *child = NULL;

                if (de->d_name[0] == '.' || de->d_name[0] == '@')
                        continue;
                child = strjoin(ds, "/", de->d_name, NULL);
                if (!child)
                        return oom(err);
                if (storage_rec_exists(s, child) <= 0)
                        continue;
                if (strv_push(&out, strdup(de->d_name)) < 0)
                        return oom(err);
        }
        *ret = TAKE_PTR(out);
        return 0;
}

int storage_rec_move(struct storage *s, const char *old_ds, const char *new_ds,
                     struct jailor_error *err)
{
        _cleanup_free_ char *a = names_path(s, old_ds), *b = names_path(s, new_ds);
        _cleanup_strv_free_ char **moved = NULL;

        if (!a || !b)
                return oom(err);
        if (renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_NOREPLACE) < 0) {
                if (errno == EEXIST || errno == ENOTEMPTY)
                        return jailor_error_set(err, EEXIST, "Dataset '%s' already exists", new_ds);
                return jailor_error_errno(err, errno, "Cannot rename '%s' to '%s'", a, b);
        }
        fsync_parent_dir(a);
        fsync_parent_dir(b);
        /* the hints are only hints: a failure here costs a search later */
        if (storage_rec_subtree(s, new_ds, &moved, NULL) < 0)
                return 0;
        for (size_t i = 0; moved && moved[i]; i++) {
                _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;

                if (storage_rec_load(s, moved[i], &r, NULL) < 0)
                        continue;
                free(r->name);
                r->name = strdup(moved[i]);
                storage_rec_save(s, r, NULL);
        }
        return 0;
}

int storage_rec_name(struct storage *s, const char *id, char **ret, struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
        _cleanup_strv_free_ char **all = NULL;
        char found[STORAGE_ID_LEN + 1];
        int q;

        q = storage_rec_load_id(s, id, &r, err);
        if (q < 0)
                return q;
        if (r->name && storage_check_dataset(r->name, NULL) == 0 &&
            name_to_id(s, r->name, found) == 0 && STREQ(found, id)) {
                *ret = TAKE_PTR(r->name);
                return 0;
        }
        /* a stale hint (a crash during a rename): search the names */
        q = storage_rec_subtree(s, NULL, &all, err);
        if (q < 0)
                return q;
        for (size_t i = 0; all && all[i]; i++) {
                if (name_to_id(s, all[i], found) == 0 && STREQ(found, id)) {
                        *ret = strdup(all[i]);
                        return *ret ? 0 : oom(err);
                }
        }
        return jailor_error_set(err, ENOENT, "No dataset has the storage id '%s'", id);
}

static char *parent_of(const char *ds)
{
        const char *slash = strrchr(ds, '/');

        return slash ? strndup(ds, (size_t)(slash - ds)) : NULL;
}

int storage_rec_check_new(struct storage *s, const char *ds, struct jailor_error *err)
{
        _cleanup_free_ char *parent = parent_of(ds), *path = storage_path(s, ds);
        struct stat st;
        int r;

        if (!path)
                return oom(err);
        r = storage_rec_exists(s, ds);
        if (r > 0)
                return jailor_error_set(err, EEXIST, "Dataset '%s' already exists", ds);
        if (r < 0)
                return jailor_error_errno(err, -r, "Cannot look up dataset '%s'", ds);
        if (parent) {
                r = storage_rec_exists(s, parent);
                if (r == 0)
                        return jailor_error_set(
                            err, ENOENT, "Parent dataset '%s' of '%s' does not exist", parent, ds);
                if (r < 0)
                        return jailor_error_errno(err, -r, "Cannot look up dataset '%s'", parent);
        } else if (!dir_exists(s->root)) {
                return jailor_error_set(err, ENOENT,
                                        "Pool '%s' is not initialised ('%s' is missing)", s->pool,
                                        s->root);
        }
        /* an empty directory is at worst the mount point a killed dir_clone made */
        if (lstat(path, &st) == 0 && !(S_ISDIR(st.st_mode) && rmdir(path) == 0))
                return jailor_error_set(err, EEXIST, "'%s' already exists and is not a dataset",
                                        path);
        return 0;
}

struct storage_snaprec *storage_rec_snap(const struct storage_rec *r, const char *snap)
{
        for (size_t i = 0; i < r->n_snaps; i++)
                if (STREQ(r->snaps[i].name, snap))
                        return &r->snaps[i];
        return NULL;
}

int storage_rec_snap_add(struct storage_rec *r, const char *snap, int64_t created, bool ref,
                         struct jailor_error *err)
{
        struct storage_snaprec *v = realloc(r->snaps, (r->n_snaps + 1) * sizeof(*v));

        if (!v)
                return oom(err);
        r->snaps = v;
        v[r->n_snaps] =
            (struct storage_snaprec){.name = strdup(snap), .created = created, .ref = ref};
        if (!v[r->n_snaps].name)
                return oom(err);
        r->n_snaps++;
        return 0;
}

void storage_rec_snap_drop(struct storage_rec *r, struct storage_snaprec *sr)
{
        size_t i = (size_t)(sr - r->snaps);

        free(sr->name);
        strv_freep(&sr->clones);
        memmove(&r->snaps[i], &r->snaps[i + 1], (r->n_snaps - i - 1) * sizeof(*sr));
        r->n_snaps--;
}

int storage_rec_clone_link(struct storage *s, const char *origin_id, const char *snap,
                           const char *clone_id, bool add, struct jailor_error *err)
{
        _cleanup_(storage_rec_freep) struct storage_rec *o = NULL;
        struct storage_snaprec *sr;
        int r;

        r = storage_rec_load_id(s, origin_id, &o, err);
        if (r < 0)
                return (!add && r == -ENOENT) ? 0 : r;
        sr = storage_rec_snap(o, snap);
        if (!sr)
                return add ? jailor_error_set(err, ENOENT, "Snapshot '%s@%s' does not exist",
                                              o->name ? o->name : origin_id, snap)
                           : 0;
        if (add) {
                if (strv_contains(sr->clones, clone_id))
                        return 0;
                if (strv_push(&sr->clones, strdup(clone_id)) < 0)
                        return oom(err);
        } else {
                if (!strv_contains(sr->clones, clone_id))
                        return 0;
                strv_remove(sr->clones, clone_id);
        }
        return storage_rec_save(s, o, err);
}

/* ids without a record (a crash between steps of a destroy) are skipped */
int storage_rec_names(struct storage *s, char **ids, char ***ret, struct jailor_error *err)
{
        _cleanup_strv_free_ char **out = NULL;

        for (size_t i = 0; ids && ids[i]; i++) {
                char *name = NULL;
                int r = storage_rec_name(s, ids[i], &name, err);

                if (r == -ENOENT)
                        continue;
                if (r < 0)
                        return r;
                if (strv_push(&out, name) < 0)
                        return oom(err);
        }
        *ret = TAKE_PTR(out);
        return 0;
}

int storage_rec_snap_busy(struct storage *s, const char *ds, const struct storage_snaprec *sr,
                          struct jailor_error *err)
{
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_free_ char *list = NULL;
        int r;

        r = storage_rec_names(s, sr->clones, &names, err);
        if (r < 0)
                return r;
        if (!names || !names[0])
                return 0;
        list = strv_join(names, ", ");
        return jailor_error_set(err, EBUSY, "Snapshot '%s@%s' has dependent clones: %s", ds,
                                sr->name, list ? list : "?");
}

int storage_rec_subtree_busy(struct storage *s, const char *ds, char **subtree,
                             struct jailor_error *err)
{
        _cleanup_strv_free_ char **ids = NULL, **outside = NULL;
        _cleanup_free_ char *list = NULL;
        char id[STORAGE_ID_LEN + 1];

        for (size_t i = 0; subtree && subtree[i]; i++)
                if (name_to_id(s, subtree[i], id) == 0 && strv_push(&ids, strdup(id)) < 0)
                        return oom(err);
        for (size_t i = 0; subtree && subtree[i]; i++) {
                _cleanup_(storage_rec_freep) struct storage_rec *r = NULL;
                int q = storage_rec_load(s, subtree[i], &r, err);

                if (q < 0)
                        return q;
                for (size_t k = 0; k < r->n_snaps; k++) {
                        for (size_t c = 0; r->snaps[k].clones && r->snaps[k].clones[c]; c++) {
                                char *name = NULL, *entry;

                                if (strv_contains(ids, r->snaps[k].clones[c]))
                                        continue;
                                q = storage_rec_name(s, r->snaps[k].clones[c], &name, NULL);
                                if (q == -ENOENT)
                                        continue;
                                if (q < 0)
                                        return jailor_error_errno(
                                            err, -q, "Cannot look up the clones of '%s'",
                                            subtree[i]);
                                entry = strjoin(name, " (of ", subtree[i], "@", r->snaps[k].name,
                                                ")", NULL);
                                free(name);
                                if (strv_push(&outside, entry) < 0)
                                        return oom(err);
                        }
                }
        }
        if (!outside)
                return 0;
        list = strv_join(outside, ", ");
        return jailor_error_set(err, EBUSY, "Dataset '%s' has dependent clones: %s", ds,
                                list ? list : "?");
}
