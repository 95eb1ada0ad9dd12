/* SPDX-License-Identifier: MIT */
/*
 * storage-harness BACKEND POOL
 *
 * Runs the one storage test body against a real backend ("zfs" with a zpool
 * name, "btrfs" or "dir" with a directory) and prints TAP.  Exits non-zero
 * when a check failed.  It destroys what it made, even after a failed check;
 * the pytest fixture around it removes the pool itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "storage/storage.h"
#include "util/cleanup.h"
#include "util/fs.h"

static int n_checks, n_failed;
static struct storage *S;
static struct jailor_error E;

static void check(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check(bool cond, const char *fmt, ...)
{
        va_list ap;

        n_checks++;
        printf("%s %d - ", cond ? "ok" : "not ok", n_checks);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf("\n");
        if (!cond)
                n_failed++;
        fflush(stdout);
}

/* A call that must succeed: prints the library's message when it does not. */
#define OK(call)                                                                                   \
        ({                                                                                         \
                jailor_error_clear(&E);                                                            \
                int _r = (call);                                                                   \
                check(_r >= 0, "%s", #call);                                                       \
                if (_r < 0)                                                                        \
                        printf("#   returned %d: %s\n", _r, E.msg);                                \
                _r;                                                                                \
        })

/* A call that must fail with -errnum (and say something). */
#define FAILS(call, errnum)                                                                        \
        ({                                                                                         \
                jailor_error_clear(&E);                                                            \
                int _r = (call);                                                                   \
                check(_r == -(errnum) && E.msg[0], "%s fails with %s", #call, #errnum);            \
                printf("#   returned %d: %s\n", _r, E.msg);                                        \
                _r;                                                                                \
        })

static char *P(const char *ds, const char *file)
{
        static char buf[8][4096];
        static int next;
        _cleanup_free_ char *base = storage_path(S, ds);
        char *out = buf[next++ % 8];

        snprintf(out, sizeof(buf[0]), "%s%s%s", base, file ? "/" : "", file ? file : "");
        return out;
}

static int put(const char *path, const char *content)
{
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        size_t n = strlen(content);

        if (fd < 0)
                return -errno;
        if (write(fd, content, n) != (ssize_t)n)
                return -EIO;
        return fsync(fd) < 0 ? -errno : 0;
}

static void put_ok(const char *ds, const char *file, const char *content)
{
        int r = put(P(ds, file), content);

        check(r == 0, "write %s/%s", ds, file);
        if (r < 0)
                printf("#   %s: %s\n", P(ds, file), strerror(-r));
}

/* The file's content, or "<absent>" */
static const char *get(const char *ds, const char *file)
{
        static char buf[4][256];
        static int next;
        char *out = buf[next++ % 4];
        _cleanup_close_ int fd = open(P(ds, file), O_RDONLY | O_CLOEXEC);
        ssize_t n;

        if (fd < 0)
                return errno == ENOENT ? "<absent>" : "<unreadable>";
        n = read(fd, out, sizeof(buf[0]) - 1);
        out[n < 0 ? 0 : n] = '\0';
        return out;
}

static void expect(const char *ds, const char *file, const char *want)
{
        const char *got = get(ds, file);

        check(STREQ(got, want), "%s/%s is '%s'", ds, file, want);
        if (!STREQ(got, want))
                printf("#   got '%s'\n", got);
}

static void expect_origin(const char *ds, const char *want)
{
        char *o = NULL;
        int r = OK(storage_origin(S, ds, &o, &E));

        if (r >= 0) {
                bool same = want ? (o && STREQ(o, want)) : !o;
                check(same, "origin of %s is %s", ds, want ? want : "none");
                if (!same)
                        printf("#   got %s\n", o ? o : "none");
        }
        free(o);
}

static void expect_snapshots(const char *ds, const char *const *names, time_t t0)
{
        struct storage_snapshot *v = NULL;
        size_t n = 0, want = 0;
        bool same;

        while (names[want])
                want++;
        if (OK(storage_snapshot_list(S, ds, &v, &n, &E)) < 0)
                return;
        same = n == want;
        for (size_t i = 0; same && i < n; i++)
                same = STREQ(v[i].name, names[i]);
        check(same, "snapshots of %s in order", ds);
        for (size_t i = 0; !same && i < n; i++)
                printf("#   got %s\n", v[i].name);
        for (size_t i = 0; i < n; i++) {
                bool sane = v[i].created >= t0 - 1 && v[i].created <= time(NULL) + 1 &&
                            (i == 0 || v[i].created >= v[i - 1].created);
                check(sane, "creation time of %s@%s is plausible", ds, v[i].name);
                if (!sane)
                        printf("#   created %lld, t0 %lld\n", (long long)v[i].created,
                               (long long)t0);
        }
        storage_snapshots_free(v, n);
}

static void expect_dependants(const char *ds, const char *const *names)
{
        char **v = NULL;
        size_t n = 0, want = 0;
        bool same = true;

        while (names[want])
                want++;
        if (OK(storage_dependants(S, ds, &v, &E)) < 0)
                return;
        while (v && v[n])
                n++;
        same = n == want;
        for (size_t i = 0; same && i < want; i++) {
                bool found = false;
                for (size_t k = 0; k < n; k++)
                        found = found || STREQ(v[k], names[i]);
                same = found;
        }
        check(same, "dependants of %s", ds);
        for (size_t i = 0; !same && i < n; i++)
                printf("#   got %s\n", v[i]);
        strv_freep(&v);
}

static bool writable(const char *ds, int *ret_errno)
{
        int fd = open(P(ds, "write-probe"), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

        if (fd < 0) {
                *ret_errno = errno;
                return false;
        }
        close(fd);
        unlink(P(ds, "write-probe"));
        return true;
}

/* Writes `mib` MiB to ds/file with fsync; 0 or -errno of the first failure. */
static int fill(const char *ds, const char *file, int mib)
{
        _cleanup_close_ int fd = open(P(ds, file), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        static char block[1 << 20];
        int r = 0;

        if (fd < 0)
                return -errno;
        for (size_t i = 0; i < sizeof(block); i++)
                block[i] = (char)(i * 2654435761u >> 13); /* not compressible to nothing */
        for (int i = 0; i < mib && r == 0; i++) {
                ssize_t n = write(fd, block, sizeof(block));
                if (n < 0)
                        r = -errno;
                else if (n != (ssize_t)sizeof(block))
                        r = -ENOSPC;
                else if (fsync(fd) < 0)
                        r = -errno;
        }
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        return r;
}

static void bad_names(void)
{
        static const char *const bad_ds[] = {"",    "/abs", "a//b",     "a/../b",  "..",   ".",
                                             "a/.", "./a",  "a/",       ".hidden", "-opt", "a b",
                                             "a@b", "a:b",  "\xc3\xa4", NULL};
        char long_snap[STORAGE_SNAP_MAX + 2], max_snap[STORAGE_SNAP_MAX + 1];

        for (size_t i = 0; bad_ds[i]; i++) {
                jailor_error_clear(&E);
                int r = storage_create(S, bad_ds[i], &E);
                check(r == -EINVAL && E.msg[0], "dataset name '%s' is refused", bad_ds[i]);
                printf("#   %s\n", E.msg);
        }
        memset(long_snap, 'x', sizeof(long_snap) - 1);
        long_snap[sizeof(long_snap) - 1] = '\0';
        memset(max_snap, 'x', sizeof(max_snap) - 1);
        max_snap[sizeof(max_snap) - 1] = '\0';
        FAILS(storage_snapshot(S, "releases", "bad@x", &E), EINVAL);
        FAILS(storage_snapshot(S, "releases", "", &E), EINVAL);
        FAILS(storage_snapshot(S, "releases", "a/b", &E), EINVAL);
        FAILS(storage_snapshot(S, "releases", "..", &E), EINVAL);
        FAILS(storage_snapshot(S, "releases", long_snap, &E), EINVAL);
        check(storage_check_snapshot(max_snap, NULL) == 0, "a 64-character snapshot name is fine");
        FAILS(storage_clone(S, "releases", "s", "../x", &E), EINVAL);
        FAILS(storage_rename(S, "releases", "releases/inside", &E), EINVAL);
        FAILS(storage_prop_set(S, "releases", "Bad", "v", &E), EINVAL);
        FAILS(storage_prop_set(S, "releases", "a:b", "v", &E), EINVAL);
        FAILS(storage_prop_set(S, "releases", "empty", "", &E), EINVAL);
}

static void body(const char *backend)
{
        static const char *const none[] = {NULL};
        bool is_dir = STREQ(backend, "dir");
        time_t t0 = time(NULL);
        char *v = NULL;
        int e = 0, r;
        bool ok;

        /* init, create, exists */
        OK(storage_init(S, &E));
        OK(storage_init(S, &E)); /* twice is fine */
        OK(storage_create(S, "releases", &E));
        bad_names();
        OK(storage_create(S, "releases/r", &E));
        check(storage_exists(S, "releases/r") == 1, "releases/r exists");
        check(storage_exists(S, "releases/none") == 0, "releases/none does not exist");
        FAILS(storage_create(S, "releases/r", &E), EEXIST);
        FAILS(storage_create(S, "nope/x", &E), ENOENT);
        FAILS(storage_destroy(S, "releases/none", &E), ENOENT);

        /* snapshots and rollback */
        put_ok("releases/r", "a", "one");
        check(mkdir(P("releases/r", "d"), 0755) == 0, "mkdir releases/r/d");
        put_ok("releases/r", "d/f", "deep");
        OK(storage_snapshot(S, "releases/r", "s1", &E));
        FAILS(storage_snapshot(S, "releases/r", "s1", &E), EEXIST);
        FAILS(storage_snapshot(S, "releases/none", "s1", &E), ENOENT);
        put_ok("releases/r", "a", "two");
        put_ok("releases/r", "b", "bee");
        OK(storage_snapshot(S, "releases/r", "s2", &E));
        put_ok("releases/r", "a", "three");
        OK(storage_snapshot(S, "releases/r", "s3", &E));
        expect_snapshots("releases/r", (const char *const[]){"s1", "s2", "s3", NULL}, t0);
        FAILS(storage_rollback(S, "releases/r", "nosuch", &E), ENOENT);
        OK(storage_rollback(S, "releases/r", "s1", &E));
        expect("releases/r", "a", "one");
        expect("releases/r", "b", "<absent>");
        expect("releases/r", "d/f", "deep");
        expect_snapshots("releases/r", (const char *const[]){"s1", NULL}, t0);
        OK(storage_snapshot(S, "releases/r", "s2", &E));

        /* clones */
        OK(storage_create(S, "jails", &E));
        OK(storage_clone(S, "releases/r", "s1", "jails/c1", &E));
        FAILS(storage_clone(S, "releases/r", "s1", "jails/c1", &E), EEXIST);
        FAILS(storage_clone(S, "releases/r", "nosuch", "jails/cx", &E), ENOENT);
        OK(storage_mount(S, "jails/c1", &E));
        OK(storage_mount(S, "jails/c1", &E)); /* mounted already: fine */
        expect("jails/c1", "a", "one");
        expect("jails/c1", "d/f", "deep");
        put_ok("jails/c1", "a", "clone");
        put_ok("jails/c1", "new", "n");
        expect("releases/r", "a", "one");
        expect("releases/r", "new", "<absent>");
        put_ok("releases/r", "only", "o");
        expect("jails/c1", "only", "<absent>");
        expect_origin("jails/c1", "releases/r@s1");
        expect_origin("releases/r", NULL);
        expect_dependants("releases/r", (const char *const[]){"jails/c1", NULL});
        expect_dependants("jails/c1", none);

        /* what clones forbid */
        r = FAILS(storage_destroy(S, "releases/r", &E), EBUSY);
        check(r == -EBUSY && strstr(E.msg, "jails/c1"), "the refusal names the clone");
        FAILS(storage_snapshot_destroy(S, "releases/r", "s1", &E), EBUSY);
        OK(storage_snapshot_destroy(S, "releases/r", "s2", &E));
        FAILS(storage_snapshot_destroy(S, "releases/r", "s2", &E), ENOENT);
        expect_snapshots("releases/r", (const char *const[]){"s1", NULL}, t0);

        /* a clone of a clone's snapshot */
        OK(storage_snapshot(S, "jails/c1", "cs", &E));
        OK(storage_clone(S, "jails/c1", "cs", "jails/c2", &E));
        OK(storage_mount(S, "jails/c2", &E));
        expect("jails/c2", "a", "clone");
        expect("jails/c2", "new", "n");
        expect("jails/c2", "d/f", "deep");
        expect_origin("jails/c2", "jails/c1@cs");
        put_ok("jails/c2", "a", "c2");
        expect("jails/c1", "a", "clone");
        expect_dependants("jails/c1", (const char *const[]){"jails/c2", NULL});

        /* copies are independent */
        OK(storage_copy(S, "releases/r", "releases/rcopy", &E));
        FAILS(storage_copy(S, "releases/r", "releases/rcopy", &E), EEXIST);
        expect("releases/rcopy", "a", "one");
        expect("releases/rcopy", "only", "o");
        expect("releases/rcopy", "d/f", "deep");
        expect_origin("releases/rcopy", NULL);
        expect_snapshots("releases/rcopy", none, t0);
        put_ok("releases/rcopy", "a", "copy");
        expect("releases/r", "a", "one");
        put_ok("releases/r", "after", "x");
        expect("releases/rcopy", "after", "<absent>");
        OK(storage_copy(S, "jails/c1", "jails/c1copy", &E));
        OK(storage_mount(S, "jails/c1copy", &E));
        expect("jails/c1copy", "a", "clone");
        expect("jails/c1copy", "d/f", "deep");
        expect_origin("jails/c1copy", NULL);
        put_ok("jails/c1copy", "a", "cc");
        expect("jails/c1", "a", "clone");

        /* properties, which must survive the rename below */
        OK(storage_prop_get(S, "releases/r", "note", &v, &E));
        check(v == NULL, "unset property reads as NULL");
        free(v);
        OK(storage_prop_set(S, "releases/r", "note", "hello world", &E));
        OK(storage_prop_set(S, "releases/r", "other.key", "x=y:z", &E));
        OK(storage_prop_get(S, "releases/r", "note", &v, &E));
        check(v && STREQ(v, "hello world"), "property note reads back");
        free(v);
        OK(storage_prop_set(S, "releases/r", "note", "v2", &E));
        OK(storage_prop_get(S, "releases/r", "note", &v, &E));
        check(v && STREQ(v, "v2"), "property note is overwritten");
        free(v);
        OK(storage_prop_get(S, "jails/c1", "note", &v, &E));
        check(v == NULL, "a clone does not see its origin's property");
        free(v);
        FAILS(storage_prop_get(S, "releases/none", "note", &v, &E), ENOENT);

        /* rename with snapshots; clones keep working */
        OK(storage_rename(S, "releases/r", "releases/r2", &E));
        FAILS(storage_rename(S, "releases/rcopy", "releases/r2", &E), EEXIST);
        FAILS(storage_rename(S, "releases/none", "releases/r3", &E), ENOENT);
        check(storage_exists(S, "releases/r") == 0, "releases/r is gone");
        check(storage_exists(S, "releases/r2") == 1, "releases/r2 exists");
        expect("releases/r2", "a", "one");
        expect_snapshots("releases/r2", (const char *const[]){"s1", NULL}, t0);
        expect_origin("jails/c1", "releases/r2@s1");
        expect_dependants("releases/r2", (const char *const[]){"jails/c1", NULL});
        OK(storage_prop_get(S, "releases/r2", "note", &v, &E));
        check(v && STREQ(v, "v2"), "property survives the rename");
        free(v);
        OK(storage_umount(S, "jails/c1", &E));
        OK(storage_mount(S, "jails/c1", &E));
        expect("jails/c1", "a", "clone");
        expect("jails/c1", "d/f", "deep");
        /* and a rename of the parent */
        OK(storage_rename(S, "releases", "rel", &E));
        expect_origin("jails/c1", "rel/r2@s1");
        OK(storage_umount(S, "jails/c2", &E));
        OK(storage_umount(S, "jails/c1", &E));
        OK(storage_mount(S, "jails/c1", &E));
        OK(storage_mount(S, "jails/c2", &E));
        expect("jails/c1", "d/f", "deep");
        expect("jails/c2", "a", "c2");
        OK(storage_rename(S, "rel", "releases", &E));
        /* a mounted clone can be renamed too */
        OK(storage_rename(S, "jails/c2", "jails/c2b", &E));
        expect("jails/c2b", "a", "c2");
        expect_origin("jails/c2b", "jails/c1@cs");
        OK(storage_rename(S, "jails/c2b", "jails/c2", &E));

        /* snapshot rename */
        OK(storage_snapshot_rename(S, "releases/r2", "s1", "s1b", &E));
        expect_snapshots("releases/r2", (const char *const[]){"s1b", NULL}, t0);
        expect_origin("jails/c1", "releases/r2@s1b");
        OK(storage_snapshot(S, "releases/r2", "tmp", &E));
        FAILS(storage_snapshot_rename(S, "releases/r2", "s1b", "tmp", &E), EEXIST);
        FAILS(storage_snapshot_rename(S, "releases/r2", "nosuch", "x", &E), ENOENT);
        OK(storage_snapshot_destroy(S, "releases/r2", "tmp", &E));
        OK(storage_umount(S, "jails/c1", &E));
        OK(storage_mount(S, "jails/c1", &E));
        expect("jails/c1", "a", "clone");

        /* rollback of a clone (mounted) */
        OK(storage_snapshot(S, "jails/c1", "before", &E));
        put_ok("jails/c1", "a", "later");
        put_ok("jails/c1", "gone", "g");
        OK(storage_rollback(S, "jails/c1", "before", &E));
        expect("jails/c1", "a", "clone");
        expect("jails/c1", "gone", "<absent>");
        expect("jails/c2", "a", "c2");

        /* space */
        {
                uint64_t used0 = 0, used = 0, avail = 0;
                bool grew = false;

                OK(storage_space(S, "releases/r2", &used0, &avail, &E));
                check(avail > 0, "available space is reported (%llu)", (unsigned long long)avail);
                check(fill("releases/r2", "big", 1) == 0, "write 1 MiB to releases/r2");
                sync();
                /* zfs accounts at the end of its transaction group: give it time */
                for (int i = 0; i < 100 && !grew; i++) {
                        if (i)
                                usleep(200 * 1000);
                        if (storage_space(S, "releases/r2", &used, &avail, &E) < 0)
                                break;
                        grew = used >= used0 + 900 * 1024;
                }
                check(grew, "used grows by 1 MiB (%llu -> %llu)", (unsigned long long)used0,
                      (unsigned long long)used);
        }

        /* read-only, and clones of a read-only dataset */
        OK(storage_set_readonly(S, "releases/r2", true, &E));
        /* dir enforces read-only through its mount; zfs and btrfs always */
        OK(storage_mount(S, "releases/r2", &E));
        ok = !writable("releases/r2", &e);
        check(ok && (e == EROFS || e == EACCES), "a read-only dataset refuses writes (%s)",
              ok ? strerror(e) : "it accepted one");
        OK(storage_snapshot(S, "releases/r2", "ro", &E));
        OK(storage_clone(S, "releases/r2", "ro", "jails/c3", &E));
        if (is_dir) {
                struct storage_snapshot *snaps = NULL;
                size_t n = 0;
                uint64_t ro_used = 1, s1b_used = 0;

                OK(storage_snapshot_list(S, "releases/r2", &snaps, &n, &E));
                for (size_t i = 0; i < n; i++) {
                        if (STREQ(snaps[i].name, "ro"))
                                ro_used = snaps[i].used;
                        else if (STREQ(snaps[i].name, "s1b"))
                                s1b_used = snaps[i].used;
                }
                storage_snapshots_free(snaps, n);
                check(ro_used == 0 && s1b_used > 0,
                      "a read-only dataset's snapshot copies nothing (%llu bytes; a copy: %llu)",
                      (unsigned long long)ro_used, (unsigned long long)s1b_used);
        }
        OK(storage_mount(S, "jails/c3", &E));
        expect("jails/c3", "a", "one");
        check(path_exists(P("jails/c3", "big")), "jails/c3 has releases/r2's big file");
        put_ok("jails/c3", "a", "c3");
        FAILS(storage_rollback(S, "releases/r2", "s1b", &E), EBUSY);
        if (is_dir) {
                /* the overlay of c3 stacks on the live directory: not while mounted */
                FAILS(storage_set_readonly(S, "releases/r2", false, &E), EBUSY);
                OK(storage_umount(S, "jails/c3", &E));
        }
        OK(storage_set_readonly(S, "releases/r2", false, &E));
        check(writable("releases/r2", &e), "writable again");
        put_ok("releases/r2", "a", "after-ro");
        OK(storage_mount(S, "jails/c3", &E));
        expect("jails/c3", "a", "c3");
        check(unlink(P("jails/c3", "a")) == 0, "remove a in jails/c3");
        expect("jails/c3", "a", "<absent>");
        OK(storage_umount(S, "jails/c3", &E));
        OK(storage_mount(S, "jails/c3", &E));
        expect("jails/c3", "a", "<absent>");
        expect("jails/c3", "d/f", "deep");
        FAILS(storage_rollback(S, "releases/r2", "s1b", &E), EBUSY);

        /* quota */
        r = storage_set_quota(S, "releases/rcopy", 8 << 20, &E);
        if (r == -EOPNOTSUPP && is_dir) {
                check(E.msg[0] != 0, "dir has no quota and says so: %s", E.msg);
        } else {
                uint64_t used = 0, avail = 0;

                check(r == 0, "set a quota of 8 MiB on releases/rcopy");
                if (r < 0)
                        printf("#   %s\n", E.msg);
                OK(storage_space(S, "releases/rcopy", &used, &avail, &E));
                check(avail <= 8 << 20, "available space within the quota (%llu)",
                      (unsigned long long)avail);
                r = fill("releases/rcopy", "huge", 32);
                check(r == -EDQUOT || r == -ENOSPC, "writing 32 MiB hits the quota (%s)",
                      strerror(-r));
                unlink(P("releases/rcopy", "huge"));
                OK(storage_set_quota(S, "releases/rcopy", 0, &E));
                OK(storage_space(S, "releases/rcopy", &used, &avail, &E));
                check(avail > 8 << 20, "no quota any more (%llu available)",
                      (unsigned long long)avail);
        }

        /* removing properties */
        OK(storage_prop_set(S, "releases/r2", "note", NULL, &E));
        OK(storage_prop_get(S, "releases/r2", "note", &v, &E));
        check(v == NULL, "removed property reads as NULL");
        free(v);
        OK(storage_prop_get(S, "releases/r2", "other.key", &v, &E));
        check(v && STREQ(v, "x=y:z"), "the other property is still there");
        free(v);

        /* recursive destroy */
        r = FAILS(storage_destroy(S, "releases", &E), EBUSY);
        check(r == -EBUSY && strstr(E.msg, "jails/c1") && strstr(E.msg, "jails/c3"),
              "the refusal names every clone");
        OK(storage_destroy(S, "jails", &E));
        check(storage_exists(S, "jails") == 0 && storage_exists(S, "jails/c1") == 0,
              "jails and its clones are gone");
        check(!path_exists(P("jails", NULL)), "the directory of jails is gone");
        OK(storage_destroy(S, "releases", &E));
        check(storage_exists(S, "releases/r2") == 0 && storage_exists(S, "releases") == 0,
              "releases is gone");
}

/* Anything of ours still mounted below the root (a failed run must not leak). */
static int mounts_below(const char *root)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
        char line[8192];
        size_t n = strlen(root);
        int count = 0;

        while (f && fgets(line, sizeof(line), f)) {
                char mp[4096];

                if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1 && strncmp(mp, root, n) == 0 &&
                    (mp[n] == '/' || mp[n] == '\0'))
                        count++;
        }
        return count;
}

int main(int argc, char **argv)
{
        int backend;

        if (argc != 3) {
                fprintf(stderr, "usage: %s zfs|btrfs|dir POOL\n", argv[0]);
                return 2;
        }
        backend = storage_backend_from_name(argv[1]);
        if (backend < 0) {
                fprintf(stderr, "unknown backend '%s'\n", argv[1]);
                return 2;
        }
        if (storage_open(backend, argv[2], &S, &E) < 0) {
                printf("not ok 1 - open %s pool '%s': %s\n1..1\n", argv[1], argv[2], E.msg);
                return 1;
        }
        printf("# %s backend, pool %s, root %s\n", argv[1], argv[2], S->root);
        body(argv[1]);

        /* leave nothing behind, whatever failed above */
        if (storage_exists(S, "jails") == 1)
                storage_destroy(S, "jails", NULL);
        if (storage_exists(S, "releases") == 1)
                storage_destroy(S, "releases", NULL);
        if (backend == STORAGE_DIR) {
                int left = mounts_below(S->root);
                check(left == 0, "no mounts left below %s (%d)", S->root, left);
        }
        printf("1..%d\n", n_checks);
        if (n_failed)
                printf("# %d of %d checks failed\n", n_failed, n_checks);
        storage_free(S);
        return n_failed ? 1 : 0;
}
