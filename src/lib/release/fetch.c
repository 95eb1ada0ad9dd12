/* SPDX-License-Identifier: MIT */
/* jailor fetch: download, unpack into a staging dataset, rename into releases/. */
#include "release.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../props/parse.h"
#include "../util/cleanup.h"
#include "../util/fs.h"
#include "../util/lock.h"
#include "../util/sha256.h"
#include "archive.h"
#include "debian.h"
#include "debootstrap.h"
#include "download.h"

#define HOST_OS_RELEASE "/etc/os-release"
#define HOST_APT_DIR "/etc/apt"

/* What the download step produced, recorded in download/NAME/download.json. */
struct fetched {
        json_t *info;     /* {type, source, file, size, sha256, ...} */
        char *path;       /* the downloaded file */
};

static void fetched_done(struct fetched *f)
{
        json_decref(f->info);
        free(f->path);
}

static char *ds_join(const char *a, const char *b, const char *c)
{
        return c ? strjoin(a, "/", b, "/", c, NULL) : strjoin(a, "/", b, NULL);
}

static void utc_now(char buf[32])
{
        time_t now = time(NULL);
        struct tm tm;

        gmtime_r(&now, &tm);
        strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int ensure_dataset(struct storage *s, const char *ds, struct jailor_error *err)
{
        int r = storage_exists(s, ds);

        if (r < 0)
                return jailor_error_errno(err, -r, "Cannot look up dataset '%s'", ds);
        return r ? 0 : storage_create(s, ds, err);
}

static int check_request(const struct fetch_request *req, const struct debian_suite **ret_suite,
                         struct jailor_error *err)
{
        const struct debian_suite *suite = NULL;
        int host, r;

        r = parse_name("release", req->name, err);
        if (r < 0)
                return r;
        if (req->file && req->url)
                return jailor_error_set(err, EINVAL, "Give either a file (-f) or a URL (--url), not both");
        if (req->url && !req->sha256)
                return jailor_error_set(err, EINVAL, "URL '%s' needs --sha256 HEX to check what is downloaded",
                                        req->url);
        if (req->tarball && (req->file || req->url))
                return jailor_error_set(err, EINVAL, "--tarball is for Debian suites, not with -f or --url");
        if (req->sha256 && !req->url)
                return jailor_error_set(err, EINVAL, "--sha256 goes with --url");
        if (req->sha256 && !sha256_hex_valid(req->sha256))
                return jailor_error_set(err, EINVAL, "Invalid SHA-256 '%s': expected 64 hex digits",
                                        req->sha256);
        if (req->url && strncmp(req->url, "http://", 7) != 0 && strncmp(req->url, "https://", 8) != 0)
                return jailor_error_set(err, EINVAL, "Invalid URL '%s': expected http:// or https://",
                                        req->url);
        if (!req->file && !req->url) {
                suite = debian_suite_find(req->name);
                if (!suite)
                        return jailor_error_set(err, ENOENT,
                                                "Release '%s' is not a Debian suite jailor knows (see "
                                                "'jailor fetch --list --all'); other root file systems "
                                                "come from -f FILE or --url URL --sha256 HEX",
                                                req->name);
                host = debian_host_version(HOST_OS_RELEASE);
                if (host > 0 && suite->version > host && !req->force)
                        return jailor_error_set(err, EPERM,
                                                "Release '%s' (Debian %d) is newer than this host "
                                                "(Debian %d); use --force to fetch it anyway",
                                                req->name, suite->version, host);
        }
        *ret_suite = suite;
        return 0;
}

/* ---- the download step ----------------------------------------------- */

static int write_json_atomic(const char *path, json_t *v, struct jailor_error *err)
{
        _cleanup_free_ char *text = json_dumps(v, JSON_INDENT(4) | JSON_SORT_KEYS);
        _cleanup_free_ char *withnl = text ? strjoin(text, "\n", NULL) : NULL;

        if (!withnl)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        return write_file_atomic(path, withnl, strlen(withnl), 0644, err);
}

/* A previous download of the same thing, still intact: reuse it. */
static bool download_reusable(const char *dir, const char *type, const char *source,
                              const char *want_sha256, struct fetched *out)
{
        _cleanup_free_ char *meta = path_join(dir, "download.json");
        char got[SHA256_HEX_LEN + 1];
        json_t *info = meta ? json_load_file(meta, 0, NULL) : NULL;
        const char *file, *sha;

        if (!info)
                return false;
        file = json_string_value(json_object_get(info, "file"));
        sha = json_string_value(json_object_get(info, "sha256"));
        if (!file || !sha || strchr(file, '/') ||
            !STREQ(json_string_value(json_object_get(info, "type")) ?: "", type) ||
            !STREQ(json_string_value(json_object_get(info, "source")) ?: "", source) ||
            (want_sha256 && strcasecmp(sha, want_sha256) != 0))
                goto no;
        out->path = path_join(dir, file);
        if (!out->path || sha256_file(out->path, got, NULL) < 0 || !STREQ(got, sha)) {
                free(out->path);
                out->path = NULL;
                goto no;
        }
        out->info = info;
        return true;
no:
        json_decref(info);
        return false;
}

/* Records a finished download: only then is it reused by later fetches. */
static int download_record(const char *dir, const char *type, const char *source,
                           const char *file, struct fetched *out, struct jailor_error *err)
{
        _cleanup_free_ char *meta = path_join(dir, "download.json");
        char sha[SHA256_HEX_LEN + 1], when[32];
        struct stat st;
        int r;

        out->path = path_join(dir, file);
        if (!meta || !out->path)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (stat(out->path, &st) < 0)
                return jailor_error_errno(err, errno, "Cannot read '%s'", out->path);
        r = sha256_file(out->path, sha, err);
        if (r < 0)
                return r;
        utc_now(when);
        out->info = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s}", "type", type, "source", source,
                              "file", file, "size", (json_int_t)st.st_size, "sha256", sha,
                              "downloaded_at", when);
        if (!out->info)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        return write_json_atomic(meta, out->info, err);
}

static const char *base_name(const char *path)
{
        const char *slash = strrchr(path, '/');

        return slash ? slash + 1 : path;
}

/* A file name for a download: the last path component of the URL or file, made safe. */
static char *download_file_name(const char *source)
{
        _cleanup_free_ char *copy = strdup(source);
        char *name;

        if (!copy)
                return NULL;
        copy[strcspn(copy, "?#")] = '\0';
        name = (char *)base_name(copy);
        for (char *p = name; *p; p++)
                if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *p))
                        *p = '_';
        if (!*name || name[0] == '.' || STREQ(name, "download.json"))
                return strdup("rootfs.archive");
        return strdup(name);
}

static int copy_with_progress(const struct jailor_ctx *ctx, const char *src, const char *dst,
                              struct jailor_error *err)
{
        _cleanup_close_ int in = open(src, O_RDONLY | O_CLOEXEC);
        _cleanup_close_ int out = -EBADF;
        uint64_t done = 0;
        struct stat st;
        char buf[1 << 16];
        ssize_t n;

        if (in < 0 || fstat(in, &st) < 0)
                return jailor_error_errno(err, errno, "Cannot read archive '%s'", src);
        if (!S_ISREG(st.st_mode))
                return jailor_error_set(err, EINVAL, "Archive '%s' is not a regular file", src);
        out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (out < 0)
                return jailor_error_errno(err, errno, "Cannot create '%s'", dst);
        while ((n = read(in, buf, sizeof(buf))) != 0) {
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return jailor_error_errno(err, errno, "Cannot read archive '%s'", src);
                }
                if (write(out, buf, (size_t)n) != n)
                        return jailor_error_errno(err, errno ? errno : ENOSPC, "Cannot write '%s'", dst);
                done += (uint64_t)n;
                if (ctx->progress)
                        ctx->progress(ctx->progress_data, "Copying", done, (uint64_t)st.st_size);
        }
        if (fsync(out) < 0)
                return jailor_error_errno(err, errno, "Cannot write '%s'", dst);
        return 0;
}

static int download_debian(const struct jailor_ctx *ctx, const char *dir,
                           const struct debian_suite *suite, const char *mirror,
                           const char *given_tarball, struct fetched *out,
                           struct jailor_error *err)
{
        _cleanup_free_ char *file = strjoin(suite->name, "-debootstrap.tgz", NULL);
        _cleanup_free_ char *tarball = NULL, *part = NULL, *work = NULL;
        int r;

        tarball = file ? path_join(dir, file) : NULL;
        part = tarball ? strjoin(tarball, ".part", NULL) : NULL;
        work = path_join(dir, "work");
        if (!part || !work)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (given_tarball) {
                /* packages downloaded elsewhere (another host, an offline copy) */
                r = copy_with_progress(ctx, given_tarball, part, err);
                if (r == 0 && rename(part, tarball) < 0)
                        r = jailor_error_errno(err, errno, "Cannot rename '%s'", part);
                if (r < 0) {
                        unlink(part);
                        return r;
                }
                return download_record(dir, "debootstrap", mirror, file, out, err);
        }
        if (download_reusable(dir, "debootstrap", mirror, NULL, out))
                return 0;
        /* debris of a killed run goes first */
        if (rm_rf(work, err) < 0)
                return -err->errnum;
        unlink(part);
        r = debootstrap_make_tarball(ctx, suite->name, mirror, part, work, err);
        rm_rf(work, NULL);
        if (r == 0 && rename(part, tarball) < 0)
                r = jailor_error_errno(err, errno, "Cannot rename '%s'", part);
        if (r < 0) {
                unlink(part);
                return r;
        }
        return download_record(dir, "debootstrap", mirror, file, out, err);
}

static int download_archive(const struct jailor_ctx *ctx, const char *dir,
                            const struct fetch_request *req, struct fetched *out,
                            struct jailor_error *err)
{
        const char *type = req->url ? "url" : "file", *source = req->url ? req->url : req->file;
        _cleanup_free_ char *file = download_file_name(source), *dest = NULL, *part = NULL;
        int r;

        if (req->url && download_reusable(dir, type, source, req->sha256, out))
                return 0;
        dest = file ? path_join(dir, file) : NULL;
        part = dest ? strjoin(dest, ".part", NULL) : NULL;
        if (!part)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (req->url) {
                r = download_url(ctx, req->url, req->sha256, dest, err);
        } else {
                r = copy_with_progress(ctx, req->file, part, err);
                if (r == 0 && rename(part, dest) < 0)
                        r = jailor_error_errno(err, errno, "Cannot rename '%s'", part);
                if (r < 0)
                        unlink(part);
        }
        if (r < 0)
                return r;
        return download_record(dir, type, source, file, out, err);
}

static void forget_download(const char *dir, const struct fetched *dl)
{
        _cleanup_free_ char *meta = path_join(dir, "download.json");

        if (meta)
                unlink(meta);
        if (dl->path)
                unlink(dl->path);
}

/* ---- the unpack step -------------------------------------------------- */

/* KEY=value lines of the release's os-release, read without leaving its root. */
static json_t *os_release_of(const char *root)
{
        static const char *const paths[] = {"/etc/os-release", "/usr/lib/os-release"};
        json_t *o = json_object();

        for (size_t i = 0; o && i < ELEMENTSOF(paths); i++) {
                _cleanup_fclose_ FILE *f = NULL;
                _cleanup_free_ char *line = NULL;
                size_t cap = 0;
                int fd = open_in_root(root, paths[i], O_RDONLY, 0);

                if (fd < 0 || !(f = fdopen(fd, "r"))) {
                        if (fd >= 0)
                                close(fd);
                        continue;
                }
                while (getline(&line, &cap, f) > 0) {
                        char *eq = strchr(line, '='), *v;
                        size_t n;

                        if (!eq || line[0] == '#')
                                continue;
                        *eq = '\0';
                        v = eq + 1;
                        n = strcspn(v, "\n");
                        if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
                                v++;
                                n -= 2;
                        }
                        v[n] = '\0';
                        json_object_set_new(o, line, json_string(v));
                }
                break;
        }
        return o;
}

static int write_release_json(struct storage *s, const char *staging, const char *name,
                              const struct fetched *dl, struct jailor_error *err)
{
        _cleanup_free_ char *dir = storage_path(s, staging), *root = NULL, *path = NULL;
        json_t *rel, *origin;
        uint64_t size = 0;
        char when[32];
        int r;

        root = dir ? path_join(dir, "root") : NULL;
        path = dir ? path_join(dir, "release.json") : NULL;
        if (!root || !path)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = storage_du(root, &size, err);
        if (r < 0)
                return r;
        utc_now(when);
        origin = json_pack("{s:O, s:O}", "type", json_object_get(dl->info, "type"), "source",
                           json_object_get(dl->info, "source"));
        rel = json_pack("{s:s, s:o, s:{s:O, s:O, s:O}, s:I, s:s, s:o}", "name", name, "origin",
                        origin, "download", "file", json_object_get(dl->info, "file"), "size",
                        json_object_get(dl->info, "size"), "sha256",
                        json_object_get(dl->info, "sha256"), "size", (json_int_t)size,
                        "fetched_at", when, "os_release", os_release_of(root));
        if (!rel)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = write_json_atomic(path, rel, err);
        json_decref(rel);
        return r;
}

static int unpack(const struct jailor_ctx *ctx, struct storage *s, const char *staging,
                  const struct debian_suite *suite, const char *mirror, const struct fetched *dl,
                  struct jailor_error *err)
{
        _cleanup_free_ char *root_ds = ds_join(staging, "root", NULL), *root = NULL;
        int r;

        if (!root_ds)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = storage_create(s, staging, err);
        if (r < 0)
                return r;
        r = storage_create(s, root_ds, err);
        if (r < 0)
                return r;
        root = storage_path(s, root_ds);
        if (!root)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (suite)
                return debootstrap_unpack_tarball(ctx, suite->name, mirror, dl->path, root, err);
        return archive_extract(ctx, dl->path, json_string_value(json_object_get(dl->info, "source")),
                               root, err);
}

/* Removes what a killed fetch of this release left in download/NAME/. */
static int clear_staging(struct storage *s, const char *staging, struct jailor_error *err)
{
        int r = storage_exists(s, staging);

        if (r < 0)
                return jailor_error_errno(err, -r, "Cannot look up dataset '%s'", staging);
        return r ? storage_destroy(s, staging, err) : 0;
}

int release_fetch(const struct jailor_ctx *ctx, struct storage *s, const struct fetch_request *req,
                  struct jailor_error *err)
{
        const struct debian_suite *suite = NULL;
        _cleanup_free_ char *lock_name = NULL, *rel_ds = NULL, *dl_ds = NULL, *staging = NULL;
        _cleanup_free_ char *dl_dir = NULL, *mirror = NULL, *staging_root = NULL;
        _cleanup_close_ int lock = -EBADF;
        struct fetched dl = {0};
        int r;

        r = check_request(req, &suite, err);
        if (r < 0)
                return r;
        lock_name = strjoin("release-", req->name, NULL);
        rel_ds = ds_join("releases", req->name, NULL);
        dl_ds = ds_join("download", req->name, NULL);
        staging = ds_join("download", req->name, "partial");
        staging_root = ds_join("download", req->name, "partial/root");
        if (!lock_name || !rel_ds || !dl_ds || !staging || !staging_root)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = lock_take(ctx, lock_name, false, &lock, err);
        if (r < 0)
                return jailor_error_set(err, EBUSY, "Release '%s' is being changed by another jailor command",
                                        req->name);
        r = storage_exists(s, rel_ds);
        if (r > 0)
                return jailor_error_set(err, EEXIST,
                                        "Release '%s' is already fetched; remove it first with "
                                        "'jailor destroy -r %s'",
                                        req->name, req->name);
        if (suite) {
                r = debian_host_mirror(HOST_APT_DIR, &mirror, err);
                if (r < 0)
                        return r;
        }
        r = ensure_dataset(s, dl_ds, err);
        if (r < 0)
                return r;
        r = clear_staging(s, staging, err);
        if (r < 0)
                return r;
        dl_dir = storage_path(s, dl_ds);
        if (!dl_dir)
                return jailor_error_set(err, ENOMEM, "Out of memory");

        r = suite ? download_debian(ctx, dl_dir, suite, mirror, req->tarball, &dl, err)
                  : download_archive(ctx, dl_dir, req, &dl, err);
        if (r == 0) {
                r = unpack(ctx, s, staging, suite, mirror, &dl, err);
                /* an archive that cannot be unpacked is not worth keeping */
                if (r < 0 && !suite)
                        forget_download(dl_dir, &dl);
        }
        if (r == 0)
                r = write_release_json(s, staging, req->name, &dl, err);
        if (r == 0)
                r = storage_set_readonly(s, staging_root, true, err);
        /* the commit point: before it there is no release, after it a whole one */
        if (r == 0)
                r = storage_rename(s, staging, rel_ds, err);
        if (r < 0) {
                struct jailor_error ignored = {0};

                clear_staging(s, staging, &ignored);
        }
        fetched_done(&dl);
        return r;
}
