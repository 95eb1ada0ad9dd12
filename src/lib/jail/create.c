/* SPDX-License-Identifier: MIT */
/*
 * jailor create: a new jail is built in staging/NAME and renamed into
 * jails/NAME (or templates/NAME) as the last step, so a create that fails
 * or is killed never leaves a half jail where `list` looks.  What a killed
 * create leaves (staging/NAME, the origin snapshot @NAME) is removed by the
 * next create or destroy of that name.
 */
#include "jail.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../defaults.h"
#include "../props/parse.h"
#include "../props/props.h"
#include "../release/release.h"
#include "../util/cleanup.h"
#include "../util/fs.h"
#include "../util/run.h"
#include "config.h"
#include "hooks.h"
#include "net_check.h"
#include "proxy.h"
#include "props_set.h"

/* The release's system directories a basejail binds read-only (SPEC §5). */
static const char *const basejail_dirs[] = {"usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32",
                                            NULL};

struct build {
        const struct jail_create_request *req;
        const char *name;
        char *staging;      /* staging/NAME */
        char *root_ds;      /* staging/NAME/root */
        char *origin;       /* releases/R/root or templates/T/root, when there is one */
        char *origin_snap;  /* the snapshot cloned, "NAME", when one was taken */
        bool mounted;
};

static void build_done(struct build *b)
{
        free(b->staging);
        free(b->root_ds);
        free(b->origin);
        free(b->origin_snap);
}

static int random_hex(char *out, size_t nbytes)
{
        unsigned char buf[32];

        if (nbytes > sizeof(buf) || getrandom(buf, nbytes, 0) != (ssize_t)nbytes)
                return -EIO;
        for (size_t i = 0; i < nbytes; i++)
                snprintf(out + 2 * i, 3, "%02x", buf[i]);
        return 0;
}

static int make_uuid(char out[37])
{
        char hex[33];

        if (random_hex(hex, 16) < 0)
                return -EIO;
        hex[12] = '4';                                  /* version 4 */
        hex[16] = "89ab"[strtol((char[]){hex[16], 0}, NULL, 16) & 3]; /* RFC 4122 variant */
        snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
        return 0;
}

/* Writes data to path inside root: links in the jail can never lead outside it. */
static int write_in_root(const char *root, const char *path, const char *data,
                         struct jailor_error *err)
{
        _cleanup_close_ int fd = open_in_root(root, path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW,
                                              0644);
        size_t len = strlen(data);

        if (fd < 0)
                return jailor_error_errno(err, -fd, "Cannot write '%s' in the jail", path);
        if (write(fd, data, len) != (ssize_t)len)
                return jailor_error_errno(err, errno ? errno : EIO, "Cannot write '%s' in the jail",
                                          path);
        return 0;
}

static char *read_in_root(const char *root, const char *path)
{
        _cleanup_close_ int fd = open_in_root(root, path, O_RDONLY, 0);
        char buf[16384];
        ssize_t n;

        if (fd < 0)
                return NULL;
        n = read(fd, buf, sizeof(buf) - 1);
        if (n < 0)
                return NULL;
        buf[n] = '\0';
        return strdup(buf);
}

/* /etc/hosts: the release's lines, with this jail's name on 127.0.1.1 (as Debian does). */
static char *hosts_for(const char *old, const char *hostname)
{
        char *out = NULL, *copy = strdup(old ? old : "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        char *save = NULL;
        size_t len = 0;
        FILE *f;

        if (!copy)
                return NULL;
        f = open_memstream(&out, &len);
        if (!f) {
                free(copy);
                return NULL;
        }
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
                if (strncmp(line, "127.0.1.1", 9) != 0)
                        fprintf(f, "%s\n", line);
        fprintf(f, "127.0.1.1\t%s\n", hostname);
        fclose(f);
        free(copy);
        return out;
}

/* Each jail gets its own machine-id, hostname and hosts entry. */
static int write_identity(const char *root, const char *hostname, struct jailor_error *err)
{
        _cleanup_free_ char *old_hosts = read_in_root(root, "/etc/hosts"), *hosts = NULL;
        _cleanup_free_ char *hostname_line = strjoin(hostname, "\n", NULL);
        char machine_id[34];
        struct stat st;
        int r;

        if (!hostname_line || !(hosts = hosts_for(old_hosts, hostname)))
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (random_hex(machine_id, 16) < 0)
                return jailor_error_set(err, EIO, "Cannot get random bytes for a machine-id");
        strcpy(machine_id + 32, "\n");
        {
                _cleanup_free_ char *etc = path_join(root, "etc");
                /* an "empty" release may lack /etc; the identity still belongs there */
                if (etc && lstat(etc, &st) < 0 && mkdir(etc, 0755) < 0)
                        return jailor_error_errno(err, errno, "Cannot create /etc in the jail");
        }
        r = write_in_root(root, "/etc/machine-id", machine_id, err);
        if (r == 0)
                r = write_in_root(root, "/etc/hostname", hostname_line, err);
        if (r == 0)
                r = write_in_root(root, "/etc/hosts", hosts, err);
        return r;
}

/* A basejail's own root: the release without its system dirs, which stay empty mount points. */
static int fill_basejail(struct storage *s, const struct build *b, FILE *fstab,
                         struct jailor_error *err)
{
        _cleanup_free_ char *src = storage_path(s, b->origin), *dst = storage_path(s, b->root_ds);
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r;

        if (!src || !dst)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        d = opendir(src);
        if (!d)
                return jailor_error_errno(err, errno, "Cannot read '%s'", src);
        while ((de = readdir(d))) {
                _cleanup_free_ char *from = NULL, *to = NULL;
                bool system = false;
                struct stat st;

                if (STREQ(de->d_name, ".") || STREQ(de->d_name, ".."))
                        continue;
                from = path_join(src, de->d_name);
                to = path_join(dst, de->d_name);
                if (!from || !to)
                        return jailor_error_set(err, ENOMEM, "Out of memory");
                if (lstat(from, &st) < 0)
                        return jailor_error_errno(err, errno, "Cannot read '%s'", from);
                for (size_t i = 0; basejail_dirs[i]; i++)
                        system = system || STREQ(de->d_name, basejail_dirs[i]);
                /* usrmerge symlinks (/bin -> usr/bin) are the jail's own */
                if (system && S_ISDIR(st.st_mode)) {
                        if (mkdir(to, st.st_mode & 07777) < 0)
                                return jailor_error_errno(err, errno, "Cannot create '%s'", to);
                        fprintf(fstab, "%s\t/%s\tbind\tro\t0\t0\t# basejail\n", from, de->d_name);
                        continue;
                }
                char *argv[] = {"cp", "-a", "--reflink=auto", from, to, NULL};
                r = run_command(argv, NULL, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int make_root(struct storage *s, struct build *b, enum jail_kind kind, FILE *fstab,
                     struct jailor_error *err)
{
        int r;

        switch (kind) {
        case JAIL_CLONE:
                b->origin_snap = strdup(b->name);
                if (!b->origin_snap)
                        return jailor_error_set(err, ENOMEM, "Out of memory");
                r = storage_snapshot(s, b->origin, b->name, err);
                if (r < 0) {
                        free(b->origin_snap);
                        b->origin_snap = NULL;
                        return r;
                }
                return storage_clone(s, b->origin, b->name, b->root_ds, err);
        case JAIL_THICK:
                return storage_copy(s, b->origin, b->root_ds, err);
        case JAIL_BASEJAIL:
                r = storage_create(s, b->root_ds, err);
                return r < 0 ? r : fill_basejail(s, b, fstab, err);
        case JAIL_EMPTY:
                return storage_create(s, b->root_ds, err);
        }
        return jailor_error_set(err, EINVAL, "Unknown jail type");
}

/* A leftover snapshot @NAME of a killed create, with no clone on it, is debris. */
static void remove_stale_snapshot(struct storage *s, const char *origin, const char *snap)
{
        struct storage_snapshot *snaps = NULL;
        size_t n = 0;

        if (!origin || storage_snapshot_list(s, origin, &snaps, &n, NULL) < 0)
                return;
        for (size_t i = 0; i < n; i++)
                if (STREQ(snaps[i].name, snap))
                        storage_snapshot_destroy(s, origin, snap, NULL);
        storage_snapshots_free(snaps, n);
}

static void build_undo(struct storage *s, struct build *b)
{
        if (b->mounted)
                storage_umount(s, b->root_ds, NULL);
        if (storage_exists(s, b->staging) > 0)
                storage_destroy(s, b->staging, NULL);
        if (b->origin_snap)
                storage_snapshot_destroy(s, b->origin, b->origin_snap, NULL);
}

/* The config of a new jail: identity, what the template gives, what the user said. */
static int initial_config(const struct jail *tmpl, const char *release, enum jail_kind kind,
                          json_t *user, json_t **ret, struct jailor_error *err)
{
        /* never inherited from a template: identity, addresses, MACs */
        static const char *const personal[] = {"host_hostuuid", "host_hostname", "ip4_addr",
                                               "ip6_addr", "vnet0_mac", "vnet1_mac", "vnet2_mac",
                                               "vnet3_mac", "template", "type", "source_template",
                                               "last_started", NULL};
        json_t *c = tmpl ? json_deep_copy(tmpl->config) : json_object(), *v;
        const char *key;

        if (!c)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        for (size_t i = 0; personal[i]; i++)
                json_object_del(c, personal[i]);
        if (release)
                json_object_set_new(c, "release", json_string(release));
        if (kind == JAIL_CLONE && release && !tmpl)
                json_object_set_new(c, "cloned_release", json_string(release));
        if (kind == JAIL_BASEJAIL)
                json_object_set_new(c, "basejail", json_integer(1));
        if (tmpl)
                json_object_set_new(c, "source_template", json_string(tmpl->name));
        json_object_foreach(user, key, v)
                json_object_set(c, key, v);
        json_object_set_new(c, "CONFIG_VERSION", json_integer(PROPS_CONFIG_VERSION));
        *ret = c;
        return 0;
}

/* Checks every PROP=VALUE before anything is made; returns them as on-disk JSON. */
static int check_user_props(const struct jail_create_request *req, json_t **ret,
                            struct jailor_error *err)
{
        json_t *user = json_object();

        if (!user)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        for (size_t i = 0; i < req->n_props; i++) {
                const char *eq = strchr(req->props[i], '=');
                _cleanup_free_ char *name = NULL, *canonical = NULL;
                int r;

                if (!eq) {
                        json_decref(user);
                        return jailor_error_set(err, EINVAL,
                                                "'%s' is missing a value: expected PROP=VALUE",
                                                req->props[i]);
                }
                name = strndup(req->props[i], (size_t)(eq - req->props[i]));
                if (!name) {
                        json_decref(user);
                        return jailor_error_set(err, ENOMEM, "Out of memory");
                }
                r = props_check(name, eq + 1, PROP_SCOPE_JAIL, &canonical, err);
                if (r < 0) {
                        json_decref(user);
                        return r;
                }
                json_object_set_new(user, name, props_to_json(props_find(name), canonical));
        }
        *ret = user;
        return 0;
}

static int create_one(const struct jailor_ctx *ctx, struct storage *s,
                      const struct jail_create_request *req, const char *name, json_t *user,
                      const struct jail *tmpl, const struct proxy_settings *proxy,
                      struct jailor_error *err)
{
        _cleanup_free_ char *lock_path_unused = NULL, *fstab_text = NULL, *hostname = NULL;
        _cleanup_free_ char *final_ds = NULL, *final_root = NULL;
        _cleanup_close_ int lock = -EBADF;
        struct build b = {.req = req, .name = name};
        const char *release = tmpl ? jail_prop(tmpl, "release") : req->release;
        bool as_template = false;
        json_t *config = NULL, *t = json_object_get(user, "template");
        size_t fstab_len = 0;
        FILE *fstab = NULL;
        int r;

        r = parse_name("jail", name, err);
        if (r < 0)
                return r;
        r = jail_lock(ctx, name, &lock, err);
        if (r < 0)
                return r;
        if (jail_name_taken(s, name) > 0)
                return jailor_error_set(err, EEXIST, "Jail '%s' already exists", name);
        as_template = t && json_integer_value(t) == 1;
        b.staging = strjoin("staging/", name, NULL);
        b.root_ds = strjoin("staging/", name, "/root", NULL);
        final_ds = strjoin(as_template ? "templates/" : "jails/", name, NULL);
        final_root = final_ds ? strjoin(final_ds, "/root", NULL) : NULL;
        if (tmpl)
                b.origin = strdup(tmpl->root_ds);
        else if (req->kind != JAIL_EMPTY)
                b.origin = strjoin("releases/", req->release, "/root", NULL);
        if (!b.staging || !b.root_ds || !final_root || (req->kind != JAIL_EMPTY && !b.origin)) {
                build_done(&b);
                return jailor_error_set(err, ENOMEM, "Out of memory");
        }
        /* debris of a create that was killed */
        if (storage_exists(s, b.staging) > 0 && (r = storage_destroy(s, b.staging, err)) < 0)
                goto fail;
        if (req->kind == JAIL_CLONE)
                remove_stale_snapshot(s, b.origin, name);

        r = initial_config(tmpl, req->kind == JAIL_EMPTY ? NULL : release, req->kind, user, &config,
                           err);
        if (r == 0)
                r = jail_check_network_config(ctx, s, name, config, err);
        if (r < 0)
                goto fail;
        r = storage_create(s, b.staging, err);
        if (r < 0)
                goto fail;
        fstab = open_memstream(&fstab_text, &fstab_len);
        if (!fstab) {
                r = jailor_error_set(err, ENOMEM, "Out of memory");
                goto fail;
        }
        r = make_root(s, &b, req->kind, fstab, err);
        fclose(fstab);
        if (r < 0)
                goto fail;
        if (req->kind != JAIL_EMPTY) {
                _cleanup_free_ char *root = storage_path(s, b.root_ds);
                const char *given = json_string_value(json_object_get(user, "host_hostname"));

                hostname = given ? strdup(given) : hostname_from_name(name);
                if (!root || !hostname) {
                        r = jailor_error_set(err, ENOMEM, "Out of memory");
                        goto fail;
                }
                r = storage_mount(s, b.root_ds, err);
                if (r < 0)
                        goto fail;
                b.mounted = true;
                r = write_identity(root, hostname, err);
                if (r == 0)
                        r = proxy_write_into_root(root, proxy, err);
                if (r < 0)
                        goto fail;
                r = storage_umount(s, b.root_ds, err);
                if (r < 0)
                        goto fail;
                b.mounted = false;
        }
        {
                _cleanup_free_ char *fstab_ds = strjoin(b.staging, "/fstab", NULL);
                _cleanup_free_ char *config_ds = strjoin(b.staging, "/config.json", NULL);
                _cleanup_free_ char *fstab_path = fstab_ds ? storage_path(s, fstab_ds) : NULL;
                _cleanup_free_ char *config_path = config_ds ? storage_path(s, config_ds) : NULL;

                if (!fstab_path || !config_path) {
                        r = jailor_error_set(err, ENOMEM, "Out of memory");
                        goto fail;
                }
                r = write_file_atomic(fstab_path, fstab_text ? fstab_text : "", fstab_len, 0644, err);
                if (r < 0)
                        goto fail;
                json_object_del(config, "template");
                r = config_write(config_path, config, err);
                /* quota= given at create, or inherited from a template */
                if (r == 0 && json_is_string(json_object_get(config, "quota")))
                        r = jail_apply_quota(s, name, b.root_ds,
                                             json_string_value(json_object_get(config, "quota")), err);
                if (r < 0)
                        goto fail;
        }
        if (as_template) {
                r = storage_set_readonly(s, b.root_ds, true, err);
                if (r < 0)
                        goto fail;
        }
        /* the commit point */
        r = storage_rename(s, b.staging, final_ds, err);
        if (r < 0)
                goto fail;
        build_done(&b);
        json_decref(config);
        hooks_run_created(ctx, s, name, final_root);
        return 0;
fail:
        build_undo(s, &b);
        build_done(&b);
        json_decref(config);
        return r;
}

static int ensure_release(const struct jailor_ctx *ctx, struct storage *s, const char *release,
                          struct jailor_error *err)
{
        _cleanup_free_ char *ds = strjoin("releases/", release, NULL);
        struct fetch_request fetch = {.name = release};

        if (!ds)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (storage_exists(s, ds) > 0)
                return 0;
        /* first use of a release fetches it, as TrueNAS does */
        if (parse_name("release", release, err) < 0)
                return -err->errnum;
        jailor_warn(ctx, "Release '%s' is not fetched yet: fetching it first", release);
        return release_fetch(ctx, s, &fetch, err);
}

static int names_for(const struct jail_create_request *req, char ***ret, struct jailor_error *err)
{
        unsigned count = req->count ? req->count : 1;
        char **names = calloc(count + 1, sizeof(char *));
        char uuid[37];

        if (!names)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        for (unsigned i = 0; i < count; i++) {
                const char *base = req->name;

                if (!base || (!req->name && req->count)) {
                        if (make_uuid(uuid) < 0) {
                                strv_freep(&names);
                                return jailor_error_set(err, EIO, "Cannot get random bytes for a name");
                        }
                        if (req->short_uuid)
                                uuid[8] = '\0';
                        base = uuid;
                }
                if (req->count && req->name) {
                        if (asprintf(&names[i], "%s_%u", base, i + 1) < 0)
                                names[i] = NULL;
                } else {
                        names[i] = strdup(base);
                }
                if (!names[i]) {
                        strv_freep(&names);
                        return jailor_error_set(err, ENOMEM, "Out of memory");
                }
        }
        *ret = names;
        return 0;
}

int jail_create(const struct jailor_ctx *ctx, struct storage *s,
                const struct jail_create_request *req, char ***ret_names,
                struct jailor_error *err)
{
        _cleanup_strv_free_ char **names = NULL;
        struct proxy_settings proxy = {0};
        struct jail *tmpl = NULL;
        json_t *user = NULL;
        int r, sources = !!req->release + !!req->template_name + (req->kind == JAIL_EMPTY);

        if (sources != 1)
                return jailor_error_set(err, EINVAL,
                                        "Give exactly one of -r RELEASE, -t TEMPLATE or -e (empty)");
        if (req->template_name && req->kind == JAIL_BASEJAIL)
                return jailor_error_set(err, EINVAL,
                                        "A jail from a template is a clone or a thick copy (-T), not a basejail");
        if (req->name && parse_name("jail", req->name, err) < 0)
                return -err->errnum;
        if (req->count > 1000)
                return jailor_error_set(err, EINVAL, "Invalid count '%u': at most 1000", req->count);
        /* a bad proxy refuses the create before anything is made or fetched */
        r = proxy_settings_load(ctx, &proxy, err);
        if (r < 0)
                return r;
        r = check_user_props(req, &user, err);
        if (r < 0) {
                proxy_settings_done(&proxy);
                return r;
        }
        if (req->template_name) {
                r = jail_open(ctx, s, req->template_name, &tmpl, err);
                if (r == 0 && (!tmpl->is_template || tmpl->corrupt)) {
                        r = jailor_error_set(err, EINVAL, tmpl->corrupt ? "Template '%s' is corrupt: %s"
                                                                        : "'%s' is a jail, not a template%s",
                                             req->template_name, tmpl->corrupt ? tmpl->corrupt_reason : "");
                }
                if (r == -ENOENT)
                        r = jailor_error_set(err, ENOENT, "Template '%s' not found", req->template_name);
        } else if (req->release) {
                r = ensure_release(ctx, s, req->release, err);
        }
        if (r == 0)
                r = names_for(req, &names, err);
        for (size_t i = 0; r == 0 && names[i]; i++)
                r = create_one(ctx, s, req, names[i], user, tmpl, &proxy, err);
        proxy_settings_done(&proxy);
        json_decref(user);
        jail_free(tmpl);
        if (r < 0)
                return r;
        *ret_names = TAKE_PTR(names);
        return 0;
}
