/* SPDX-License-Identifier: MIT */
/*
 * jailor clone, and the identity a copied or renamed root carries.
 *
 * A clone is built like a create: in staging/NAME, renamed into jails/NAME
 * as the commit point.  A clone killed before that leaves staging/NAME and
 * the snapshot jails/SOURCE/root@NAME; the next create, clone or destroy of
 * NAME removes staging/NAME, and the next change to SOURCE's snapshots (or
 * the next clone of it as NAME) removes the snapshot, which snaplist does
 * not show meanwhile (see snapshot.h).
 */
#include "clone.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../props/parse.h"
#include "../props/props.h"
#include "../util/cleanup.h"
#include "list.h"
#include "../util/fs.h"
#include "config.h"
#include "snapshot.h"

DEFINE_CLEANUP_FUNC(struct jail, jail_free)

/* ---- seeing a root ---- */

struct visit_reply {
        int r;
        uint64_t value;
        struct jailor_error err;
};

static int visit_privately(struct storage *s, const char *root_ds, const char *root,
                           jail_root_fn fn, const void *arg, pid_t parent, uint64_t *ret,
                           struct jailor_error *err)
{
        int r;

        /* die with jailor, taking the namespace and its mount along */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
                return jailor_error_set(err, ECHILD, "jailor went away");
        if (unshare(CLONE_NEWNS) < 0)
                return jailor_error_errno(err, errno, "Cannot make a private mount namespace");
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                return jailor_error_errno(err, errno, "Cannot make the mounts private");
        r = storage_mount(s, root_ds, err);
        if (r < 0)
                return r;
        return fn(root, arg, ret, err);
}

int jail_root_visit(struct storage *s, const char *root_ds, jail_root_fn fn, const void *arg,
                    uint64_t *ret, struct jailor_error *err)
{
        _cleanup_free_ char *root = storage_path(s, root_ds);
        struct visit_reply reply = {.r = -EIO};
        uint64_t ignored = 0;
        pid_t parent = getpid(), pid;
        size_t got = 0;
        int fds[2], status;

        if (!ret)
                ret = &ignored;
        if (!root)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        /* always visible (zfs, btrfs): nothing to mount, nothing to undo */
        if (!s->ops->mount)
                return fn(root, arg, ret, err);
        if (pipe2(fds, O_CLOEXEC) < 0)
                return jailor_error_errno(err, errno, "Cannot create a pipe");
        pid = fork();
        if (pid < 0) {
                close(fds[0]);
                close(fds[1]);
                return jailor_error_errno(err, errno, "Cannot fork");
        }
        if (pid == 0) {
                close(fds[0]);
                reply.r =
                    visit_privately(s, root_ds, root, fn, arg, parent, &reply.value, &reply.err);
                if (write(fds[1], &reply, sizeof(reply)) != (ssize_t)sizeof(reply))
                        _exit(1);
                _exit(0);
        }
        close(fds[1]);
        while (got < sizeof(reply)) {
                ssize_t n = read(fds[0], (char *)&reply + got, sizeof(reply) - got);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                got += (size_t)n;
        }
        close(fds[0]);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        if (got != sizeof(reply))
                return jailor_error_set(err, EIO, "The process working in '%s' died", root_ds);
        if (reply.r < 0) {
                if (err)
                        *err = reply.err;
                return reply.r;
        }
        *ret = reply.value;
        return 0;
}

/* ---- identity ---- */

static char *read_etc(const char *root, const char *file)
{
        _cleanup_free_ char *path = strjoin("/etc/", file, NULL);
        _cleanup_close_ int fd = path ? open_in_root(root, path, O_RDONLY, 0) : -EBADF;
        _cleanup_fclose_ FILE *f = NULL;
        char *out = NULL;
        size_t len = 0;
        char buf[4096];
        ssize_t n;

        if (fd < 0 || !(f = open_memstream(&out, &len)))
                return NULL;
        while ((n = read(fd, buf, sizeof(buf))) > 0)
                fwrite(buf, 1, (size_t)n, f);
        if (fclose(TAKE_PTR(f)) != 0 || n < 0) {
                free(out);
                return NULL;
        }
        return out;
}

/*
 * Replaces /etc/<file> by data: a temporary file beside it, then rename,
 * so a kill leaves the old file or the new one.  The temporary name is
 * fixed: the jail's lock makes this the only writer, and a leftover is
 * replaced next time.
 */
static int write_etc(int etc, const char *file, const char *data, struct jailor_error *err)
{
        _cleanup_free_ char *tmp = strjoin(".", file, ".jailor-new", NULL);
        _cleanup_close_ int fd = -EBADF;
        size_t len = strlen(data);
        struct stat st;
        bool had = fstatat(etc, file, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);

        if (!tmp)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        unlinkat(etc, tmp, 0);
        fd = openat(etc, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                    had ? st.st_mode & 07777 : 0644);
        if (fd < 0)
                return jailor_error_errno(err, errno, "Cannot write '/etc/%s' in the jail", file);
        if ((had && fchown(fd, st.st_uid, st.st_gid) < 0) || write(fd, data, len) != (ssize_t)len ||
            fsync(fd) < 0 || renameat(etc, tmp, etc, file) < 0) {
                int e = errno ? errno : EIO;

                unlinkat(etc, tmp, 0);
                return jailor_error_errno(err, e, "Cannot write '/etc/%s' in the jail", file);
        }
        fsync(etc);
        return 0;
}

/* /etc/hosts of a new root: its lines, but exactly one 127.0.1.1 line, for hostname. */
static char *hosts_for_new(const char *old, const char *hostname)
{
        static const char fallback[] = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost "
                                       "ip6-loopback\n";
        _cleanup_free_ char *copy = strdup(old ? old : fallback);
        char *out = NULL, *save = NULL;
        size_t len = 0;
        FILE *f;

        if (!copy || !(f = open_memstream(&out, &len)))
                return NULL;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
                if (strncmp(line, "127.0.1.1", 9) != 0)
                        fprintf(f, "%s\n", line);
        fprintf(f, "127.0.1.1\t%s\n", hostname);
        if (fclose(f) != 0) {
                free(out);
                return NULL;
        }
        return out;
}

/* /etc/hosts of a renamed root: old_name replaced by new_name on the 127.0.1.1 lines. */
static char *hosts_for_rename(const char *old, const char *old_name, const char *new_name,
                              bool *changed)
{
        _cleanup_free_ char *copy = strdup(old);
        char *out = NULL, *line, *next;
        size_t len = 0;
        FILE *f;

        *changed = false;
        if (!copy || !(f = open_memstream(&out, &len)))
                return NULL;
        for (line = copy; line && *line; line = next) {
                char *tok, *save = NULL;
                bool mine = false;

                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                if (strncmp(line, "127.0.1.1", 9) == 0 && (line[9] == ' ' || line[9] == '\t')) {
                        _cleanup_free_ char *words = strdup(line + 9);

                        for (tok = words ? strtok_r(words, " \t", &save) : NULL; tok && *tok != '#';
                             tok = strtok_r(NULL, " \t", &save))
                                mine = mine || STREQ(tok, old_name);
                        if (mine) {
                                const char *sep = "";

                                fputs("127.0.1.1\t", f);
                                save = NULL;
                                for (tok = strtok_r(line + 9, " \t", &save); tok;
                                     tok = strtok_r(NULL, " \t", &save), sep = " ")
                                        fprintf(f, "%s%s", sep,
                                                STREQ(tok, old_name) ? new_name : tok);
                                fputc('\n', f);
                                *changed = true;
                                continue;
                        }
                }
                fprintf(f, "%s\n", line);
        }
        if (fclose(f) != 0) {
                free(out);
                return NULL;
        }
        return out;
}

static int machine_id(char out[34])
{
        unsigned char raw[16];

        if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
                return -EIO;
        for (size_t i = 0; i < sizeof(raw); i++)
                snprintf(out + 2 * i, 3, "%02x", raw[i]);
        strcpy(out + 32, "\n");
        return 0;
}

static int write_identity(const char *root, const void *arg, uint64_t *ret,
                          struct jailor_error *err)
{
        const struct jail_identity *id = arg;
        _cleanup_close_ int etc = open_in_root(root, "/etc", O_RDONLY | O_DIRECTORY, 0);
        _cleanup_free_ char *hostname_line = strjoin(id->hostname, "\n", NULL);
        _cleanup_free_ char *old_hosts = NULL, *hosts = NULL, *old_hostname = NULL;
        bool changed = true;
        char mid[34];
        int r = 0;

        if (etc == -ENOENT)
                return 0; /* an empty jail: no /etc, nothing carries a name */
        if (etc < 0)
                return jailor_error_errno(err, -etc, "Cannot open /etc in the jail");
        if (!hostname_line)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (id->new_machine_id) {
                if (machine_id(mid) < 0)
                        return jailor_error_set(err, EIO,
                                                "Cannot get random bytes for a machine-id");
                r = write_etc(etc, "machine-id", mid, err);
                if (r < 0)
                        return r;
        }
        old_hosts = read_etc(root, "hosts");
        if (!id->old_hostname) {
                hosts = hosts_for_new(old_hosts, id->hostname);
                r = write_etc(etc, "hostname", hostname_line, err);
        } else {
                old_hostname = read_etc(root, "hostname");
                if (old_hostname)
                        old_hostname[strcspn(old_hostname, "\n")] = '\0';
                if (old_hostname && STREQ(old_hostname, id->old_hostname))
                        r = write_etc(etc, "hostname", hostname_line, err);
                if (!old_hosts)
                        return r;
                hosts = hosts_for_rename(old_hosts, id->old_hostname, id->hostname, &changed);
        }
        if (r < 0)
                return r;
        if (!hosts)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        return changed ? write_etc(etc, "hosts", hosts, err) : 0;
}

int jail_root_identity(struct storage *s, const char *root_ds, const struct jail_identity *id,
                       struct jailor_error *err)
{
        return jail_root_visit(s, root_ds, write_identity, id, NULL, err);
}

/* ---- clone ---- */

/* Checks every PROP=VALUE before anything is made; returns them as on-disk JSON. */
static int props_from_args(char *const *args, size_t n, json_t **ret, struct jailor_error *err)
{
        json_t *user = json_object();

        if (!user)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        for (size_t i = 0; i < n; i++) {
                const char *eq = strchr(args[i], '=');
                _cleanup_free_ char *name = eq ? strndup(args[i], (size_t)(eq - args[i])) : NULL;
                _cleanup_free_ char *canonical = NULL;
                int r;

                if (!eq)
                        r = jailor_error_set(
                            err, EINVAL, "'%s' is missing a value: expected PROP=VALUE", args[i]);
                else if (!name)
                        r = jailor_error_set(err, ENOMEM, "Out of memory");
                else
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

/* The source's config without its identity, then what the user said. */
static json_t *clone_config(const struct jail *src, bool thick, json_t *user)
{
        static const char *const identity[] = {"host_hostuuid", "vnet0_mac", "vnet1_mac",
                                               "vnet2_mac",     "vnet3_mac", "last_started",
                                               "template",      "type",      NULL};
        _cleanup_free_ char *default_hostname = hostname_from_name(src->name);
        json_t *c = json_deep_copy(src->config), *v;
        const char *key, *hostname;

        if (!c || !default_hostname) {
                json_decref(c);
                return NULL;
        }
        for (size_t i = 0; identity[i]; i++)
                json_object_del(c, identity[i]);
        /* a hostname that only followed the source's name follows the new name */
        hostname = json_string_value(json_object_get(c, "host_hostname"));
        if (hostname && STREQ(hostname, default_hostname))
                json_object_del(c, "host_hostname");
        /* a copy depends on no release snapshot, as a thick create */
        if (thick)
                json_object_del(c, "cloned_release");
        json_object_foreach (user, key, v)
                json_object_set(c, key, v);
        json_object_del(c, "template");
        json_object_set_new(c, "CONFIG_VERSION", json_integer(PROPS_CONFIG_VERSION));
        return c;
}

struct clone_build {
        char *staging; /* staging/NAME */
        char *root_ds; /* staging/NAME/root */
        bool snapped;  /* jails/SOURCE/root@NAME was taken */
};

static void build_undo(struct storage *s, const struct jail *src, const char *name,
                       struct clone_build *b)
{
        if (storage_exists(s, b->staging) > 0)
                storage_destroy(s, b->staging, NULL);
        if (b->snapped)
                jail_snapshot_drop(s, src, name);
}

static int write_staged(struct storage *s, const struct clone_build *b, const struct jail *src,
                        json_t *config, struct jailor_error *err)
{
        _cleanup_free_ char *config_ds = strjoin(b->staging, "/config.json", NULL);
        _cleanup_free_ char *fstab_ds = strjoin(b->staging, "/fstab", NULL);
        _cleanup_free_ char *config_path = config_ds ? storage_path(s, config_ds) : NULL;
        _cleanup_free_ char *fstab_path = fstab_ds ? storage_path(s, fstab_ds) : NULL;
        _cleanup_free_ char *src_fstab = jail_file(s, src, "fstab"), *fstab = NULL;
        size_t len = 0;
        int r;

        if (!config_path || !fstab_path || !src_fstab)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = config_write(config_path, config, err);
        if (r < 0)
                return r;
        /* bind mounts (a basejail's too) are the same for the clone */
        r = read_file(src_fstab, &fstab, &len, err);
        if (r == -ENOENT)
                len = 0;
        else if (r < 0)
                return r;
        return write_file_atomic(fstab_path, fstab ? fstab : "", len, 0644, err);
}

static int build(struct storage *s, const struct jail_clone_request *req, const struct jail *src,
                 json_t *config, struct clone_build *b, struct jailor_error *err)
{
        const char *given = json_string_value(json_object_get(config, "host_hostname"));
        _cleanup_free_ char *hostname = given ? strdup(given) : hostname_from_name(req->name);
        struct jail_identity id = {.hostname = hostname, .new_machine_id = true};
        int r;

        if (!hostname)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = storage_create(s, b->staging, err);
        if (r < 0)
                return r;
        if (req->thick) {
                r = storage_copy(s, src->root_ds, b->root_ds, err);
        } else {
                r = jail_snapshot_take(s, src, req->name, req->name, err);
                b->snapped = r == 0;
                if (r == 0)
                        r = storage_clone(s, src->root_ds, req->name, b->root_ds, err);
        }
        if (r == 0)
                r = write_staged(s, b, src, config, err);
        if (r == 0)
                r = jail_root_identity(s, b->root_ds, &id, err);
        return r;
}

int jail_clone(const struct jailor_ctx *ctx, struct storage *s,
               const struct jail_clone_request *req, struct jailor_error *err)
{
        _cleanup_(jail_freep) struct jail *src = NULL;
        _cleanup_close_ int src_lock = -EBADF, lock = -EBADF;
        _cleanup_free_ char *final_ds = NULL;
        struct clone_build b = {0};
        json_t *user = NULL, *config = NULL, *t;
        bool as_template;
        int r;

        r = parse_name("jail", req->source, err);
        if (r == 0)
                r = parse_name("jail", req->name, err);
        if (r < 0)
                return r;
        if (STREQ(req->source, req->name))
                return jailor_error_set(err, EEXIST, "Jail '%s' already exists", req->name);
        r = props_from_args(req->props, req->n_props, &user, err);
        if (r < 0)
                return r;
        t = json_object_get(user, "template");
        as_template = t && json_integer_value(t) == 1;
        /* the source must not change (rename, rollback, destroy) while it is copied */
        r = jail_lock(ctx, req->source, &src_lock, err);
        if (r == 0)
                r = jail_lock(ctx, req->name, &lock, err);
        if (r == 0)
                r = jail_open(ctx, s, req->source, &src, err);
        if (r < 0)
                goto out;
        if (src->is_template) {
                r = jailor_error_set(err, EINVAL,
                                     "'%s' is a template: templates cannot be cloned; use create "
                                     "-t %s -n %s",
                                     req->source, req->source, req->name);
                goto out;
        }
        if (src->corrupt) {
                r = jailor_error_set(err, EINVAL, "Cannot clone '%s': %s", req->source,
                                     src->corrupt_reason);
                goto out;
        }
        r = jail_check_stopped(ctx, src->name, "cloning it", err);
        if (r < 0)
                goto out;
        if (jail_name_taken(s, req->name) > 0) {
                r = jailor_error_set(err, EEXIST, "Jail '%s' already exists", req->name);
                goto out;
        }
        config = clone_config(src, req->thick, user);
        b.staging = strjoin("staging/", req->name, NULL);
        b.root_ds = strjoin("staging/", req->name, "/root", NULL);
        final_ds = strjoin(as_template ? "templates/" : "jails/", req->name, NULL);
        if (!config || !b.staging || !b.root_ds || !final_ds) {
                r = jailor_error_set(err, ENOMEM, "Out of memory");
                goto out;
        }
        /* debris of a create or clone of this name that was killed */
        if (storage_exists(s, b.staging) > 0 && (r = storage_destroy(s, b.staging, err)) < 0)
                goto out;
        jail_snapshot_sweep(s, src);

        r = build(s, req, src, config, &b, err);
        if (r == 0 && as_template)
                r = storage_set_readonly(s, b.root_ds, true, err);
        /* the commit point */
        if (r == 0)
                r = storage_rename(s, b.staging, final_ds, err);
        if (r < 0) {
                build_undo(s, src, req->name, &b);
                jailor_error_prefix(err, "Cannot clone '%s' as '%s'", req->source, req->name);
        }
out:
        free(b.staging);
        free(b.root_ds);
        json_decref(config);
        json_decref(user);
        return r;
}
