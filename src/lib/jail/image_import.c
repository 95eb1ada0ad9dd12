/* SPDX-License-Identifier: MIT */
/*
 * jailor import IMAGE [-n NAME] (see image.h).
 *
 * First one pass over the file, creating nothing: every byte is hashed for
 * the checksum and every header is checked (only config.json, fstab and
 * root/, each entry safe to extract by the rules of release/archive.h), and
 * config.json is read for the jail's name.  Only when the checksum matches
 * is anything made: staging/NAME with a plain dataset staging/NAME/root,
 * filled by archive_extract, its config and fstab fitted to this pool, then
 * renamed to jails/NAME, the commit point.  An import killed before it
 * leaves staging/NAME, which the next import, create or destroy of NAME
 * removes first.
 */
#include "image.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../props/parse.h"
#include "../props/props.h"
#include "../release/archive.h"
#include "../util/cleanup.h"
#include "../util/fs.h"
#include "../util/sha256.h"
#include "clone.h"
#include "config.h"
#include "fstab.h"
#include "jail.h"

/* config.json and fstab are small; anything bigger is not a jailor export. */
#define RECORD_FILE_MAX (1 << 20)

/* ---- finding the image ---- */

static int compare_strings(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every images/NAME_<stamp>.tar.zst of name, sorted. */
static int exports_of(const char *images, const char *name, char ***ret, size_t *ret_n)
{
        _cleanup_closedir_ DIR *d = opendir(images);
        char **found = NULL;
        size_t n = 0, len = strlen(name);
        struct dirent *de;

        while (d && (de = readdir(d))) {
                char **grown;

                if (image_name_length(de->d_name, IMAGE_SUFFIX) != len ||
                    strncmp(de->d_name, name, len) != 0)
                        continue;
                grown = realloc(found, (n + 2) * sizeof(char *));
                if (!grown) {
                        strv_freep(&found);
                        return -ENOMEM;
                }
                found = grown;
                found[n] = strdup(de->d_name);
                found[n + 1] = NULL;
                if (!found[n]) {
                        strv_freep(&found);
                        return -ENOMEM;
                }
                n++;
        }
        if (n)
                qsort(found, n, sizeof(char *), compare_strings);
        *ret = found;
        *ret_n = n;
        return 0;
}

static bool is_file(const char *path)
{
        struct stat st;

        return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A path, a file in images/, or the one export of a jail name, as iocage matches them. */
static int resolve_image(struct storage *s, const char *image, char **ret, struct jailor_error *err)
{
        _cleanup_free_ char *images = storage_path(s, "images"), *exact = NULL, *with = NULL;
        _cleanup_strv_free_ char **found = NULL;
        size_t n = 0;

        if (strchr(image, '/')) {
                if (!is_file(image))
                        return jailor_error_set(err, ENOENT, "Image '%s' not found", image);
                *ret = strdup(image);
                return *ret ? 0 : jailor_error_set(err, ENOMEM, "Out of memory");
        }
        exact = images ? path_join(images, image) : NULL;
        with = exact ? strjoin(exact, IMAGE_SUFFIX, NULL) : NULL;
        if (!with || exports_of(images, image, &found, &n) < 0)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        /* a .part is never an image: only names ending in .tar.zst count */
        if (strlen(image) > strlen(IMAGE_SUFFIX) &&
            STREQ(image + strlen(image) - strlen(IMAGE_SUFFIX), IMAGE_SUFFIX) && is_file(exact)) {
                *ret = TAKE_PTR(exact);
                return 0;
        }
        if (is_file(with)) {
                *ret = TAKE_PTR(with);
                return 0;
        }
        if (n == 1) {
                *ret = path_join(images, found[0]);
                return *ret ? 0 : jailor_error_set(err, ENOMEM, "Out of memory");
        }
        if (n > 1)
                return jailor_error_set(err, EINVAL,
                                        "Image '%s' matches %zu exports in '%s' (%s ... %s): name "
                                        "one of them",
                                        image, n, images, found[0], found[n - 1]);
        if (is_file(image)) {
                *ret = strdup(image);
                return *ret ? 0 : jailor_error_set(err, ENOMEM, "Out of memory");
        }
        return jailor_error_set(err, ENOENT,
                                "Image '%s' not found (no such file, nor an export in '%s')", image,
                                images);
}

/* ---- checking it ---- */

/* Reads the image for libarchive, hashing every byte on the way. */
struct hashing_reader {
        const struct jailor_ctx *ctx;
        int fd;
        struct sha256 *hash;
        uint64_t done, total;
        char buf[1 << 16];
};

static ssize_t read_hashed(struct hashing_reader *hr)
{
        ssize_t n;

        do
                n = read(hr->fd, hr->buf, sizeof(hr->buf));
        while (n < 0 && errno == EINTR);
        if (n > 0) {
                sha256_update(hr->hash, hr->buf, (size_t)n);
                hr->done += (uint64_t)n;
                if (hr->ctx->progress)
                        hr->ctx->progress(hr->ctx->progress_data, "Verifying", hr->done, hr->total);
        }
        return n;
}

static la_ssize_t archive_read_hashed(struct archive *a, void *data, const void **buf)
{
        struct hashing_reader *hr = data;
        ssize_t n = read_hashed(hr);

        if (n < 0)
                archive_set_error(a, errno, "Cannot read the image");
        *buf = hr->buf;
        return n;
}

/* What the check found. */
struct image_scan {
        char *config; /* config.json's text */
        bool has_fstab, has_root;
};

/* "./root/etc" and "root/etc/" name the same entry as "root/etc". */
static char *entry_name(const char *path)
{
        char *name;
        size_t n;

        while (path[0] == '.' && path[1] == '/')
                for (path += 2; *path == '/'; path++)
                        ;
        name = strdup(path);
        for (n = name ? strlen(name) : 0; n > 1 && name[n - 1] == '/'; n--)
                name[n - 1] = '\0';
        return name;
}

static bool under_root(const char *name)
{
        return strncmp(name, "root/", 5) == 0;
}

/* config.json and fstab: regular files of a sane size, once each. */
static int scan_record_file(struct archive *in, struct archive_entry *e, const char *label,
                            const char *name, struct image_scan *scan, struct jailor_error *err)
{
        la_int64_t size = archive_entry_size(e);
        bool is_config = STREQ(name, "config.json");
        char *text;

        if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e))
                return jailor_error_set(err, EPERM, "Image '%s' is refused: '%s' is not a file",
                                        label, name);
        if ((is_config && scan->config) || (!is_config && scan->has_fstab))
                return jailor_error_set(err, EPERM, "Image '%s' is refused: it holds '%s' twice",
                                        label, name);
        if (size < 0 || size > RECORD_FILE_MAX)
                return jailor_error_set(err, EFBIG, "Image '%s' is refused: '%s' is too large",
                                        label, name);
        if (!is_config) {
                scan->has_fstab = true;
                return 0;
        }
        text = calloc(1, (size_t)size + 1);
        if (!text)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (archive_read_data(in, text, (size_t)size) != size) {
                free(text);
                return jailor_error_set(err, EINVAL, "Image '%s' is damaged: %s", label,
                                        archive_error_string(in) ? archive_error_string(in)
                                                                 : "config.json is cut short");
        }
        scan->config = text;
        return 0;
}

/* One header: a safe path, and a place in the layout of an export. */
static int scan_entry(struct archive *in, struct archive_entry *e, const char *label,
                      struct image_scan *scan, struct jailor_error *err)
{
        const char *path = archive_entry_pathname(e), *rule = NULL;
        const char *hardlink = archive_entry_hardlink(e), *symlink = archive_entry_symlink(e);
        _cleanup_free_ char *name = NULL, *link_name = NULL;

        if (!path)
                return jailor_error_set(err, EINVAL, "Image '%s' has an entry without a name",
                                        label);
        rule = archive_path_unsafe(path);
        if (!rule && hardlink)
                rule = archive_path_unsafe(hardlink);
        name = entry_name(path);
        link_name = hardlink ? entry_name(hardlink) : NULL;
        if (!name || (hardlink && !link_name))
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (!rule && symlink)
                rule = archive_symlink_unsafe(name, symlink);
        /* a hard link out of root/ would let the jail write its own record */
        if (!rule && hardlink && (!under_root(name) || !under_root(link_name)))
                rule = "hard link outside root/";
        if (rule)
                return jailor_error_set(err, EPERM, "Image '%s' is refused: entry '%s'%s%s: %s",
                                        label, path, symlink ? " -> " : "", symlink ? symlink : "",
                                        rule);
        if (STREQ(name, "config.json") || STREQ(name, "fstab"))
                return scan_record_file(in, e, label, name, scan, err);
        if (STREQ(name, "root")) {
                if (archive_entry_filetype(e) != AE_IFDIR)
                        return jailor_error_set(
                            err, EPERM, "Image '%s' is refused: 'root' is not a directory", label);
                scan->has_root = true;
                return 0;
        }
        if (under_root(name))
                return 0;
        return jailor_error_set(err, EPERM,
                                "Image '%s' is refused: entry '%s' is not config.json, fstab or "
                                "under root/",
                                label, path);
}

/* Reads every header; the first problem goes to err. */
static int scan_headers(struct hashing_reader *hr, const char *label, struct image_scan *scan,
                        struct jailor_error *err)
{
        struct archive *in = archive_read_new();
        struct archive_entry *e;
        int r = 0, ar;

        if (!in)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        archive_read_support_filter_all(in);
        archive_read_support_format_tar(in);
        if (archive_read_open2(in, hr, NULL, archive_read_hashed, NULL, NULL) != ARCHIVE_OK)
                r = jailor_error_set(err, EINVAL, "Image '%s' is not a tar archive: %s", label,
                                     archive_error_string(in));
        while (r == 0 && (ar = archive_read_next_header(in, &e)) != ARCHIVE_EOF) {
                if (ar < ARCHIVE_WARN)
                        r = jailor_error_set(err, EINVAL, "Image '%s' is damaged: %s", label,
                                             archive_error_string(in));
                else
                        r = scan_entry(in, e, label, scan, err);
        }
        archive_read_free(in);
        if (r == 0 && !scan->config)
                r = jailor_error_set(
                    err, EINVAL, "Image '%s' has no config.json: it is not a jailor export", label);
        if (r == 0 && !scan->has_root)
                r = jailor_error_set(err, EINVAL,
                                     "Image '%s' has no root/: it is not a jailor export", label);
        return r;
}

/*
 * The checksum first: a damaged or changed file is called that, whatever
 * else is wrong with it.  Then what the headers showed.
 */
static int check_image(const struct jailor_ctx *ctx, const char *path, const char *label,
                       struct image_scan *scan, struct jailor_error *err)
{
        _cleanup_free_ struct hashing_reader *hr = calloc(1, sizeof(*hr));
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        char expected[SHA256_HEX_LEN + 1], actual[SHA256_HEX_LEN + 1];
        struct jailor_error scan_err = {0};
        struct stat st;
        ssize_t n;
        int r, scan_r;

        if (fd < 0 || fstat(fd, &st) < 0)
                return jailor_error_errno(err, errno, "Cannot read image '%s'", label);
        r = image_checksum_read(path, label, expected, err);
        if (r < 0)
                return r;
        if (!hr || !(hr->hash = sha256_new()))
                return jailor_error_set(err, ENOMEM, "Out of memory");
        hr->ctx = ctx;
        hr->fd = fd;
        hr->total = (uint64_t)st.st_size;
        scan_r = scan_headers(hr, label, scan, &scan_err);
        /* the rest of the file, after the end of the archive, counts too */
        while ((n = read_hashed(hr)) > 0)
                ;
        sha256_finish(hr->hash, actual);
        if (n < 0)
                return jailor_error_errno(err, errno, "Cannot read image '%s'", label);
        if (!STREQ(actual, expected))
                return jailor_error_set(err, EINVAL,
                                        "Image '%s' does not match its checksum file: its SHA-256 "
                                        "is %s, the file says %s",
                                        label, actual, expected);
        if (scan_r < 0 && err)
                *err = scan_err;
        return scan_r;
}

/*
 * The name in the image: its config's host_hostuuid, else the one in the
 * file name (NAME_<stamp>.tar.zst); *ret = NULL when it has none.
 */
static int name_in_image(const char *path, const char *label, const struct image_scan *scan,
                         char **ret, struct jailor_error *err)
{
        const char *file = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        json_error_t jerr;
        json_t *config = json_loads(scan->config, JSON_REJECT_DUPLICATES, &jerr);
        const char *uuid = json_string_value(json_object_get(config, "host_hostuuid"));
        size_t n = image_name_length(file, IMAGE_SUFFIX);

        if (!json_is_object(config)) {
                json_decref(config);
                return jailor_error_set(err, EINVAL, "Image '%s' has a damaged config.json: %s",
                                        label, config ? "not a JSON object" : jerr.text);
        }
        *ret = uuid ? strdup(uuid) : n ? strndup(file, n) : NULL;
        json_decref(config);
        if ((uuid || n) && !*ret)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        return 0;
}

/* ---- building the jail ---- */

struct import_build {
        const char *name;     /* the new jail */
        const char *original; /* the name in the image */
        const char *label;
        char *staging;  /* staging/NAME */
        char *root_ds;  /* staging/NAME/root */
        char *release;  /* the config's release, when it has one */
        char *hostname; /* the jail's hostname, when the root must learn it */
};

static void build_done(struct import_build *b)
{
        free(b->staging);
        free(b->root_ds);
        free(b->release);
        free(b->hostname);
}

static char *staged_file(struct storage *s, const struct import_build *b, const char *file)
{
        _cleanup_free_ char *ds = strjoin(b->staging, "/", file, NULL);

        return ds ? storage_path(s, ds) : NULL;
}

/*
 * config.json: checked (and migrated) as every config is read, without the
 * identity the image carried; a template comes back as a jail.  A jail
 * imported under a new name is a second jail: a hostname that only followed
 * the old name follows the new one, in config and in the root.
 */
static int fit_config(const struct jailor_ctx *ctx, struct storage *s, struct import_build *b,
                      struct jailor_error *err)
{
        static const char *const identity[] = {"host_hostuuid", "template", "type", NULL};
        /* what only the first of two jails from one image may keep, as clone drops it */
        static const char *const one_only[] = {"vnet0_mac", "vnet1_mac",    "vnet2_mac",
                                               "vnet3_mac", "last_started", NULL};
        _cleanup_free_ char *path = staged_file(s, b, "config.json");
        _cleanup_free_ char *old_default = hostname_from_name(b->original);
        struct jailor_error cerr = {0};
        json_t *config = NULL;
        const char *hostname, *release;
        int r;

        if (!path || !old_default)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = config_read(ctx, path, b->name, &config, &cerr);
        if (r < 0)
                return jailor_error_set(err, -r, "Image '%s' holds a config jailor refuses: %s",
                                        b->label, cerr.msg);
        for (size_t i = 0; identity[i]; i++)
                json_object_del(config, identity[i]);
        if (!STREQ(b->name, b->original)) {
                for (size_t i = 0; one_only[i]; i++)
                        json_object_del(config, one_only[i]);
                hostname = json_string_value(json_object_get(config, "host_hostname"));
                if (hostname && STREQ(hostname, old_default))
                        json_object_del(config, "host_hostname");
                hostname = json_string_value(json_object_get(config, "host_hostname"));
                b->hostname = hostname ? strdup(hostname) : hostname_from_name(b->name);
        }
        release = json_string_value(json_object_get(config, "release"));
        b->release = release ? strdup(release) : NULL;
        json_object_set_new(config, "CONFIG_VERSION", json_integer(PROPS_CONFIG_VERSION));
        if ((!STREQ(b->name, b->original) && !b->hostname) || (release && !b->release))
                r = jailor_error_set(err, ENOMEM, "Out of memory");
        else
                r = config_write(path, config, err);
        json_decref(config);
        return r;
}

/*
 * fstab: checked as the runtime will read it; a basejail's release mounts
 * came from the exporting pool and are pointed at this pool's release.
 */
static int fit_fstab(const struct jailor_ctx *ctx, struct storage *s, struct import_build *b,
                     struct jailor_error *err)
{
        _cleanup_free_ char *path = staged_file(s, b, "fstab"), *release_ds = NULL;
        _cleanup_free_ char *release_root = NULL;
        struct jailor_error ferr = {0};
        struct fstab_file f;
        bool has_basejail = false;
        int r;

        if (!path)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = fstab_file_load(path, &f, &ferr);
        if (r < 0)
                return jailor_error_set(err, -r, "Image '%s' holds an fstab jailor refuses: %s",
                                        b->label, ferr.msg);
        if (b->release) {
                release_ds = strjoin("releases/", b->release, "/root", NULL);
                release_root = release_ds ? storage_path(s, release_ds) : NULL;
        }
        for (size_t i = 0; r == 0 && fstab_file_entry(&f, i); i++) {
                struct fstab_line *l = fstab_file_entry(&f, i);
                struct fstab_entry moved;

                if (!l->entry.basejail)
                        continue;
                has_basejail = true;
                if (!release_root)
                        continue;
                moved = l->entry;
                moved.src = strjoin(release_root, l->entry.dst, NULL);
                r = moved.src ? fstab_line_replace(l, &moved) : -ENOMEM;
                free(moved.src);
                if (r < 0)
                        r = jailor_error_set(err, ENOMEM, "Out of memory");
        }
        if (r == 0)
                r = fstab_file_save(&f, err);
        fstab_file_done(&f);
        if (r == 0 && has_basejail && (!release_root || !dir_exists(release_root)))
                jailor_warn(ctx,
                            "Jail '%s' is a basejail of release '%s', which this pool has not "
                            "fetched: fetch it before starting the jail",
                            b->name, b->release ? b->release : "(none)");
        return r;
}

/* Everything but the commit: extraction, then the record fitted to this pool. */
static int build(const struct jailor_ctx *ctx, struct storage *s, const char *path,
                 struct import_build *b, struct jailor_error *err)
{
        _cleanup_free_ char *dest = storage_path(s, b->staging);
        int r;

        if (!dest)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = storage_create(s, b->staging, err);
        if (r < 0)
                return r;
        /* thick: a plain dataset, filled from the archive */
        r = storage_create(s, b->root_ds, err);
        if (r == 0)
                r = archive_extract(ctx, path, b->label, dest, err);
        if (r == 0)
                r = fit_config(ctx, s, b, err);
        if (r == 0)
                r = fit_fstab(ctx, s, b, err);
        if (r == 0 && b->hostname) {
                struct jail_identity id = {.hostname = b->hostname, .new_machine_id = true};

                r = jail_root_identity(s, b->root_ds, &id, err);
        }
        return r;
}

int jail_import(const struct jailor_ctx *ctx, struct storage *s, const char *image,
                const char *name, char **ret_name, struct jailor_error *err)
{
        _cleanup_free_ char *path = NULL, *original = NULL, *final_ds = NULL, *chosen = NULL;
        _cleanup_close_ int lock = -EBADF;
        struct image_scan scan = {0};
        struct import_build b = {.label = image};
        int r;

        if (name && parse_name("jail", name, err) < 0)
                return -err->errnum;
        r = resolve_image(s, image, &path, err);
        if (r == 0)
                r = check_image(ctx, path, image, &scan, err);
        if (r == 0)
                r = name_in_image(path, image, &scan, &original, err);
        free(scan.config);
        if (r < 0)
                return r;
        if (!name && !original)
                return jailor_error_set(
                    err, EINVAL, "Image '%s' does not name its jail: give one with -n NAME", image);
        chosen = strdup(name ? name : original);
        if (!chosen || (!original && !(original = strdup(chosen))))
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = parse_name("jail", chosen, err);
        if (r < 0)
                return r;
        r = jail_lock(ctx, chosen, &lock, err);
        if (r < 0)
                return r;
        if (jail_name_taken(s, chosen) > 0)
                return jailor_error_set(err, EEXIST, "Jail '%s' already exists", chosen);
        b.name = chosen;
        b.original = original;
        b.staging = strjoin("staging/", chosen, NULL);
        b.root_ds = strjoin("staging/", chosen, "/root", NULL);
        final_ds = strjoin("jails/", chosen, NULL);
        if (!b.staging || !b.root_ds || !final_ds) {
                build_done(&b);
                return jailor_error_set(err, ENOMEM, "Out of memory");
        }
        /* debris of an import, create or destroy of this name that was killed */
        if (storage_exists(s, b.staging) > 0 && (r = storage_destroy(s, b.staging, err)) < 0) {
                build_done(&b);
                return r;
        }
        r = build(ctx, s, path, &b, err);
        /* the commit point */
        if (r == 0)
                r = storage_rename(s, b.staging, final_ds, err);
        if (r < 0 && storage_exists(s, b.staging) > 0)
                storage_destroy(s, b.staging, NULL);
        build_done(&b);
        if (r < 0)
                return r;
        *ret_name = TAKE_PTR(chosen);
        return 0;
}
