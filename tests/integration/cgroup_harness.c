/* SPDX-License-Identifier: MIT */
/*
 * cgroup-harness [DISK]
 *
 * The cgroup test body, on the real kernel, as root: makes the cgroup
 * JAILOR_CGROUP_DIR/test-PID-limits (jailor/ by default), applies limits from jail properties, checks the
 * control files hold them, and proves they bite on child processes moved
 * into it (memoryuse, maxproc, pcpu), changes them live, removes them with
 * "off", kills everything and removes the cgroup.  DISK (default "/") is a
 * path or block device whose disk takes the I/O limits.
 *
 * Prints TAP and, last, "cgroup-harness: PASS" or "cgroup-harness: FAIL";
 * exits non-zero on failure.  Whatever happens, the cgroup and its
 * processes are gone when it exits (test_cgroups.py sweeps up after a crash).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/cgroup.h"
#include "runtime/limits.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define MiB (1024ULL * 1024)

static int n_checks, n_failed;
static struct jailor_error E;
static struct cgroup *CG;
static char NAME[64];
static enum cgroup_version V;
static dev_t DISK;
static char ALL_CPUS[256];

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

/* A call that must fail with -errnum and a message containing want. */
#define FAILS(call, errnum, want)                                                                  \
        ({                                                                                         \
                jailor_error_clear(&E);                                                            \
                int _r = (call);                                                                   \
                check(_r == -(errnum) && strstr(E.msg, want) && !strchr(E.msg, '\n'),              \
                      "%s fails with %s", #call, #errnum);                                         \
                printf("#   returned %d: %s\n", _r, E.msg);                                        \
                _r;                                                                                \
        })

/* ---- the control files ------------------------------------------------------ */

/* The content of the jail's FILE of controller c, without the trailing newline. */
static const char *cg_file(enum cgroup_controller c, const char *file)
{
        static char buf[4][4096];
        static int next;
        char *out = buf[next++ % 4];
        _cleanup_free_ char *s = NULL;
        const char *dir = cgroup_dir(CG, c);

        snprintf(out, sizeof(buf[0]), "<missing>");
        if (dir && cgroup_read(dir, file, &s, NULL) == 0)
                snprintf(out, sizeof(buf[0]), "%s", s);
        return out;
}

/* The file of this cgroup version holds want (a NULL file: nothing to check there). */
static void expect(enum cgroup_controller c, const char *v1_file, const char *v1_want,
                   const char *v2_file, const char *v2_want)
{
        const char *file = V == CGROUP_V1 ? v1_file : v2_file;
        const char *want = V == CGROUP_V1 ? v1_want : v2_want;
        const char *got;

        if (!file)
                return; /* not a file of this version */
        got = cg_file(c, file);
        check(STREQ(got, want), "%s is '%s'", file, want);
        if (!STREQ(got, want))
                printf("#   it is '%s'\n", got);
}

/* The I/O file has (or, with want NULL, has no) line for DISK, and what it says. */
static void expect_io(const char *v1_file, const char *want_v1, const char *want_v2)
{
        const char *file = V == CGROUP_V1 ? v1_file : "io.max";
        const char *want = V == CGROUP_V1 ? want_v1 : want_v2;
        const char *content = cg_file(CGROUP_IO, file);
        char prefix[32], line[256] = "";
        const char *p;

        snprintf(prefix, sizeof(prefix), "%u:%u ", major(DISK), minor(DISK));
        for (p = content; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
                if (strncmp(p, prefix, strlen(prefix)) == 0) {
                        snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
                        break;
                }
        if (want)
                check(STREQ(line, want), "%s has '%s'", file, want);
        else
                check(!*line, "%s has no rule for %u:%u", file, major(DISK), minor(DISK));
        if (want ? !STREQ(line, want) : *line != '\0')
                printf("#   %s holds '%s'\n", file, content);
}

/* "off" in a v1 memory file: the largest page-aligned counter. */
static const char *v1_memory_unlimited(void)
{
        static char buf[32];
        long page = sysconf(_SC_PAGESIZE);

        snprintf(buf, sizeof(buf), "%" PRId64, (INT64_MAX / page) * page);
        return buf;
}

/* The CPUs of the parent cgroup, which "off" gives back on v1. */
static const char *parent_cpus(void)
{
        static char buf[256];
        _cleanup_free_ char *s = NULL, *parent = strdup(cgroup_dir(CG, CGROUP_CPUSET));

        *strrchr(parent, '/') = '\0';
        snprintf(buf, sizeof(buf), "<unreadable>");
        if (cgroup_read(parent, "cpuset.cpus", &s, NULL) == 0)
                snprintf(buf, sizeof(buf), "%s", s);
        return buf;
}

/* ---- limits from properties ------------------------------------------------------ */

/* Applies PROP=VALUE pairs (NULL-terminated; the others off) the way the runtime does. */
static int apply(struct jail_limits *l, const char *first, ...)
{
        json_t *props = json_object();
        va_list ap;
        int r;

        va_start(ap, first);
        for (const char *k = first; k; k = va_arg(ap, const char *))
                json_object_set_new(props, k, json_string(va_arg(ap, const char *)));
        va_end(ap);
        jailor_error_clear(&E);
        r = jail_limits_from_props(props, l, &E);
        json_decref(props);
        if (r < 0)
                return r;
        l->io_device = DISK;
        return cgroup_apply(CG, l, &E);
}

/* ---- processes in the jail's cgroup ------------------------------------------------ */

/*
 * Forks a child that runs body(result_fd) once it has been moved into the
 * jail's cgroup; *ret_result reads what body writes.  -1 when attaching failed.
 */
static pid_t spawn(void (*body)(int result_fd), int *ret_result)
{
        int go[2], result[2];
        pid_t pid;
        char c;

        if (pipe2(go, O_CLOEXEC) < 0 || pipe2(result, O_CLOEXEC) < 0)
                return -1;
        pid = fork();
        if (pid == 0) {
                close(go[1]);
                close(result[0]);
                if (read(go[0], &c, 1) != 1)
                        _exit(127);
                body(result[1]);
                _exit(0);
        }
        close(go[0]);
        close(result[1]);
        if (pid < 0 || OK(cgroup_attach(CG, pid, &E)) < 0) {
                if (pid > 0) {
                        kill(pid, SIGKILL);
                        waitpid(pid, NULL, 0);
                }
                close(go[1]);
                close(result[0]);
                return -1;
        }
        if (write(go[1], "g", 1) != 1)
                perror("write");
        close(go[1]);
        if (ret_result)
                *ret_result = result[0];
        else
                close(result[0]);
        return pid;
}

static void allocate_256M(int result_fd)
{
        for (int i = 0; i < 256; i++) {
                char *p = malloc(MiB);

                if (!p)
                        _exit(2);
                memset(p, i + 1, MiB);
        }
        _exit(0);
}

/* Forks until the kernel says no; reports how many forks worked and the errno. */
static void fork_until_refused(int result_fd)
{
        int hold[2], report[2] = {0, 0};
        pid_t kids[64];
        int n = 0;

        if (pipe2(hold, O_CLOEXEC) < 0)
                _exit(2);
        for (; n < 64; n++) {
                kids[n] = fork();
                if (kids[n] == 0) {
                        char c;

                        close(hold[1]);
                        while (read(hold[0], &c, 1) < 0 && errno == EINTR)
                                ;
                        _exit(0);
                }
                if (kids[n] < 0) {
                        report[1] = errno;
                        break;
                }
        }
        report[0] = n;
        if (write(result_fd, report, sizeof(report)) != sizeof(report))
                _exit(3);
        close(hold[1]);
        for (int i = 0; i < n; i++)
                waitpid(kids[i], NULL, 0);
        _exit(0);
}

static void busy_loop(int result_fd)
{
        volatile uint64_t spin = 0;

        for (;;)
                spin++;
}

static void sleep_forever(int result_fd)
{
        for (;;)
                pause();
}

static bool killed_by_sigkill(pid_t pid)
{
        int status = 0;

        if (waitpid(pid, &status, 0) != pid)
                return false;
        if (!WIFSIGNALED(status))
                printf("#   process %d exited with status %d\n", (int)pid, WEXITSTATUS(status));
        return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

static double now_s(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "oom_kill N" in memory.oom_control (v1) or memory.events (v2). */
static long oom_kills(void)
{
        const char *s =
            cg_file(CGROUP_MEMORY, V == CGROUP_V1 ? "memory.oom_control" : "memory.events");
        const char *p = strstr(s, "oom_kill ");

        return p ? strtol(p + strlen("oom_kill "), NULL, 10) : -1;
}

/* ---- the tests ------------------------------------------------------------------------ */

static void test_apply_and_read_back(void)
{
        struct jail_limits l;
        char disk[32];

        OK(apply(&l, "memoryuse", "64M", "swapuse", "16M", "pcpu", "50", "cpuset", ALL_CPUS,
                 "maxproc", "5", "readbps", "1M", "writebps", "throttle=2M", "readiops", "100",
                 "writeiops", "200", NULL));
        expect(CGROUP_MEMORY, "memory.limit_in_bytes", "67108864", "memory.max", "67108864");
        expect(CGROUP_MEMORY, "memory.memsw.limit_in_bytes", "83886080", "memory.swap.max",
               "16777216");
        expect(CGROUP_CPU, "cpu.cfs_quota_us", "50000", "cpu.max", "50000 100000");
        expect(CGROUP_CPU, "cpu.cfs_period_us", "100000", NULL, NULL);
        expect(CGROUP_CPUSET, "cpuset.cpus", ALL_CPUS, "cpuset.cpus", ALL_CPUS);
        expect(CGROUP_PIDS, "pids.max", "5", "pids.max", "5");
        snprintf(disk, sizeof(disk), "%u:%u", major(DISK), minor(DISK));
        if (!DISK) {
                printf("# no disk to throttle: I/O limits checked for their refusal only\n");
                return;
        }
        {
                char v1_read_bps[64], v1_write_bps[64], v1_read_iops[64], v1_write_iops[64],
                    v2[160];

                snprintf(v1_read_bps, sizeof(v1_read_bps), "%s 1048576", disk);
                snprintf(v1_write_bps, sizeof(v1_write_bps), "%s 2097152", disk);
                snprintf(v1_read_iops, sizeof(v1_read_iops), "%s 100", disk);
                snprintf(v1_write_iops, sizeof(v1_write_iops), "%s 200", disk);
                snprintf(v2, sizeof(v2), "%s rbps=1048576 wbps=2097152 riops=100 wiops=200", disk);
                expect_io("blkio.throttle.read_bps_device", v1_read_bps, v2);
                if (V == CGROUP_V1) { /* v2 has one io.max line for all four */
                        expect_io("blkio.throttle.write_bps_device", v1_write_bps, NULL);
                        expect_io("blkio.throttle.read_iops_device", v1_read_iops, NULL);
                        expect_io("blkio.throttle.write_iops_device", v1_write_iops, NULL);
                }
        }
}

static void test_memory_bites(void)
{
        long before = oom_kills();
        pid_t pid = spawn(allocate_256M, NULL);

        if (pid < 0)
                return;
        check(killed_by_sigkill(pid), "a process allocating 256M past memoryuse=64M is SIGKILLed");
        check(oom_kills() > before, "the jail's memory cgroup counted an OOM kill (%ld -> %ld)",
              before, oom_kills());
}

static void test_maxproc_bites(void)
{
        int result = -1, report[2] = {-1, -1};
        pid_t pid = spawn(fork_until_refused, &result);

        if (pid < 0)
                return;
        if (read(result, report, sizeof(report)) != sizeof(report))
                report[0] = -1;
        close(result);
        waitpid(pid, NULL, 0);
        check(report[0] == 4 && report[1] == EAGAIN,
              "maxproc=5: 4 forks work (5 processes), the next fails with EAGAIN");
        printf("#   %d forks worked, then errno %d (%s)\n", report[0], report[1],
               strerror(report[1]));
}

static void test_pcpu_bites(void)
{
        uint64_t used0 = 0, used1 = 0;
        double t0, t1, share;
        pid_t pid = spawn(busy_loop, NULL);

        if (pid < 0)
                return;
        nanosleep(&(struct timespec){.tv_nsec = 300 * 1000 * 1000}, NULL);
        t0 = now_s();
        OK(cgroup_cpu_usage(CG, &used0, &E));
        sleep(2);
        OK(cgroup_cpu_usage(CG, &used1, &E));
        t1 = now_s();
        share = (double)(used1 - used0) / 1e9 / (t1 - t0);
        check(share >= 0.30 && share <= 0.70, "pcpu=50 holds a busy loop near half a CPU (%.0f%%)",
              share * 100);
        OK(cgroup_kill_all(CG, &E));
        check(killed_by_sigkill(pid), "cgroup_kill_all SIGKILLed the busy loop");
}

static void test_live_change_and_busy_destroy(void)
{
        _cleanup_free_ pid_t *pids = NULL;
        struct jail_limits l;
        char disk_rule_v1[64], disk_rule_v2[128], pid_text[16];
        size_t n = 0;
        pid_t pid = spawn(sleep_forever, NULL);

        if (pid < 0)
                return;
        snprintf(pid_text, sizeof(pid_text), "%d", (int)pid);
        FAILS(cgroup_destroy(CG, &E), EBUSY, pid_text);
        check(dir_exists(cgroup_dir(CG, CGROUP_MEMORY)), "the busy cgroup is still there");
        OK(cgroup_procs(CG, &pids, &n, &E));
        check(n == 1 && pids[0] == pid, "cgroup_procs lists the one process (%zu listed)", n);

        /* changed values on a cgroup with a process in it */
        OK(apply(&l, "memoryuse", "128M", "pcpu", "25", "cpuset", "0", "maxproc", "10", "readbps",
                 "4M", NULL));
        expect(CGROUP_MEMORY, "memory.limit_in_bytes", "134217728", "memory.max", "134217728");
        expect(CGROUP_MEMORY, "memory.memsw.limit_in_bytes", v1_memory_unlimited(),
               "memory.swap.max", "max");
        expect(CGROUP_CPU, "cpu.cfs_quota_us", "25000", "cpu.max", "25000 100000");
        expect(CGROUP_CPUSET, "cpuset.cpus", "0", "cpuset.cpus", "0");
        expect(CGROUP_PIDS, "pids.max", "10", "pids.max", "10");
        if (DISK) {
                snprintf(disk_rule_v1, sizeof(disk_rule_v1), "%u:%u 4194304", major(DISK),
                         minor(DISK));
                snprintf(disk_rule_v2, sizeof(disk_rule_v2),
                         "%u:%u rbps=4194304 wbps=max riops=max wiops=max", major(DISK),
                         minor(DISK));
                expect_io("blkio.throttle.read_bps_device", disk_rule_v1, disk_rule_v2);
                if (V == CGROUP_V1)
                        expect_io("blkio.throttle.write_bps_device", NULL, NULL);
        }
        OK(cgroup_kill_all(CG, &E));
        check(killed_by_sigkill(pid), "cgroup_kill_all SIGKILLed the sleeping process");
}

static void test_off_removes(void)
{
        struct jail_limits l;

        OK(apply(&l, "memoryuse", "off", "swapuse", "off", "pcpu", "off", "cpuset", "off",
                 "maxproc", "off", "readbps", "off", "writebps", "off", "readiops", "off",
                 "writeiops", "off", NULL));
        expect(CGROUP_MEMORY, "memory.limit_in_bytes", v1_memory_unlimited(), "memory.max", "max");
        expect(CGROUP_MEMORY, "memory.memsw.limit_in_bytes", v1_memory_unlimited(),
               "memory.swap.max", "max");
        expect(CGROUP_CPU, "cpu.cfs_quota_us", "-1", "cpu.max", "max 100000");
        expect(CGROUP_CPUSET, "cpuset.cpus", parent_cpus(), "cpuset.cpus", "");
        expect(CGROUP_PIDS, "pids.max", "max", "pids.max", "max");
        if (DISK) {
                expect_io("blkio.throttle.read_bps_device", NULL, NULL);
                if (V == CGROUP_V1) {
                        expect_io("blkio.throttle.write_bps_device", NULL, NULL);
                        expect_io("blkio.throttle.read_iops_device", NULL, NULL);
                        expect_io("blkio.throttle.write_iops_device", NULL, NULL);
                }
        }
}

static void test_refusals(void)
{
        struct jail_limits l;
        struct cgroup *other = NULL;
        dev_t disk = DISK;

        DISK = 0;
        FAILS(apply(&l, "readbps", "1M", NULL), ENODEV, "readbps=1M");
        DISK = disk;
        if (V == CGROUP_V1)
                FAILS(apply(&l, "swapuse", "1G", NULL), EINVAL, "swapuse=1G without memoryuse");
        FAILS(apply(&l, "cpuset", "1000", NULL), EINVAL, "cpuset=1000");
        FAILS(cgroup_open("../escape", &other, &E), EINVAL, "'../escape'");
        FAILS(cgroup_open_existing("test-no-such-jail", &other, &E), ENOENT, "'test-no-such-jail'");
        cgroup_free(other);
        /* back to no limits for what follows */
        OK(apply(&l, NULL));
}

/* Controller c has a directory that no controller before it has (v1 co-mounts, v2). */
static bool is_first_dir(int c)
{
        const char *dir = cgroup_dir(CG, (enum cgroup_controller)c);

        for (int before = 0; dir && before < c; before++)
                if (cgroup_dir(CG, (enum cgroup_controller)before) == dir)
                        return false;
        return dir != NULL;
}

/* dir holds cgroups (of jails other tests run meanwhile). */
static bool has_subdirs(const char *dir)
{
        _cleanup_closedir_ DIR *d = opendir(dir);
        struct dirent *de;

        while (d && (de = readdir(d)))
                if (de->d_type == DT_DIR && de->d_name[0] != '.')
                        return true;
        return false;
}

static void test_destroy_leaves_nothing(void)
{
        struct cgroup *again = NULL;
        char *dirs[_CGROUP_CONTROLLER_MAX] = {0};

        for (int c = 0; c < _CGROUP_CONTROLLER_MAX; c++)
                if (is_first_dir(c))
                        dirs[c] = strdup(cgroup_dir(CG, (enum cgroup_controller)c));
        OK(cgroup_kill_all(CG, &E));
        OK(cgroup_destroy(CG, &E));
        for (int c = 0; c < _CGROUP_CONTROLLER_MAX; c++) {
                if (!dirs[c])
                        continue;
                check(!path_exists(dirs[c]), "%s is gone", dirs[c]);
                *strrchr(dirs[c], '/') = '\0';
                check(!path_exists(dirs[c]) || has_subdirs(dirs[c]),
                      "%s is gone, or other jails' cgroups keep it", dirs[c]);
                free(dirs[c]);
        }
        FAILS(cgroup_open_existing(NAME, &again, &E), ENOENT, NAME);
        cgroup_free(again);
        OK(cgroup_destroy(CG, &E)); /* twice is fine */
        cgroup_free(CG);
        CG = NULL;
}

/* Even after a failed check: no process and no cgroup left behind. */
static void clean_up(void)
{
        struct jailor_error ignored = {0};

        if (!CG)
                return;
        cgroup_kill_all(CG, &ignored);
        while (waitpid(-1, NULL, WNOHANG) > 0)
                ;
        if (cgroup_destroy(CG, &ignored) < 0)
                printf("# cleaning up failed: %s\n", ignored.msg);
        cgroup_free(CG);
        CG = NULL;
}

static void read_all_cpus(void)
{
        _cleanup_free_ char *s = NULL;

        snprintf(ALL_CPUS, sizeof(ALL_CPUS), "0");
        if (read_file("/sys/devices/system/cpu/online", &s, NULL, NULL) == 0)
                snprintf(ALL_CPUS, sizeof(ALL_CPUS), "%.*s", (int)strcspn(s, "\n"), s);
}

int main(int argc, char **argv)
{
        const char *disk_path = argc > 1 ? argv[1] : "/";

        setvbuf(stdout, NULL, _IOLBF, 0);
        if (geteuid() != 0) {
                printf("cgroup-harness: FAIL (needs root)\n");
                return 1;
        }
        snprintf(NAME, sizeof(NAME), "test-%d-limits", (int)getpid());
        read_all_cpus();
        if (OK(cgroup_probe(&V, &E)) < 0 || OK(jail_limits_block_device(disk_path, &DISK, &E)) < 0)
                goto out;
        printf("# cgroup v%d, jail cgroup %s/%s, disk of '%s': %u:%u, CPUs %s\n", (int)V,
               cgroup_jailor_dir(), NAME, disk_path, major(DISK), minor(DISK), ALL_CPUS);
        atexit(clean_up);
        if (OK(cgroup_open(NAME, &CG, &E)) < 0)
                goto out;
        for (int c = 0; c < _CGROUP_CONTROLLER_MAX; c++)
                if (is_first_dir(c))
                        printf("# %s\n", cgroup_dir(CG, (enum cgroup_controller)c));

        test_apply_and_read_back();
        test_memory_bites();
        test_maxproc_bites();
        test_pcpu_bites();
        test_live_change_and_busy_destroy();
        test_off_removes();
        test_refusals();
        test_destroy_leaves_nothing();
out:
        clean_up();
        if (n_failed || n_checks == 0) {
                printf("cgroup-harness: FAIL (%d of %d checks failed)\n", n_failed, n_checks);
                return 1;
        }
        printf("cgroup-harness: PASS (%d checks)\n", n_checks);
        return 0;
}
