/* SPDX-License-Identifier: MIT */
/*
 * confine-harness: the body of test_confine.py, run as root on the real
 * kernel.  Everything happens in throwaway namespaces (mount, PID, UTS,
 * IPC, network), and every file it makes is in a tmpfs mounted in its own
 * private mount namespace, so nothing outlives it.
 *
 *   confine-harness attempts PROPS   confine a child (PID 1 of new
 *                                    namespaces) as PROPS say, then try
 *                                    each forbidden and each ordinary thing
 *   confine-harness devices PROPS    populate a tmpfs /dev and list it
 *   confine-harness procfs PROPS     mount a proc, mask it, try to write
 *
 * PROPS is a JSON object of property overrides ({"allow_mlock": "1"}).
 * Output: one line per attempt, "NAME RESULT", RESULT being "ok", the errno
 * name (EPERM), or "absent"/"skipped" with a reason; "fatal: ..." on a
 * setup failure (exit 1).
 *
 * The dangerous attempts are made so that they would do nothing even if
 * the confinement failed: invalid arguments behind the check being tested
 * (kexec flags, a module that does not exist), reboot() only once the
 * filter is verified loaded and only as PID 1 of a child PID namespace
 * (where the kernel would at worst end this namespace).
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <linux/reboot.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "runtime/confine.h"
#include "runtime/devices.h"
#include "runtime/procfs.h"
#include "util/cleanup.h"

#define SCRATCH "/run/jailor-confine-harness"

static char scratch[256];

_Noreturn static void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn static void fatal(const char *fmt, ...)
{
        va_list ap;

        printf("fatal: ");
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf("\n");
        fflush(stdout);
        _exit(1);
}

static void report(const char *name, long r)
{
        if (r >= 0)
                printf("%s ok\n", name);
        else
                printf("%s %s\n", name, strerrorname_np(errno));
        fflush(stdout);
}

static const char *in_scratch(const char *name)
{
        static char buf[512];

        snprintf(buf, sizeof(buf), "%s/%s", scratch, name);
        return buf;
}

/* Runs fn in a child and reports "ok" when it exits 0, else the errno it exits with. */
static void report_child(const char *name, int (*fn)(void))
{
        int status;
        pid_t pid;

        fflush(stdout);
        pid = fork();
        if (pid < 0) {
                report(name, -1);
                return;
        }
        if (pid == 0)
                _exit(fn() < 0 ? errno : 0);
        if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) {
                printf("%s died\n", name);
                return;
        }
        errno = WEXITSTATUS(status);
        report(name, errno ? -1 : 0);
}

/* ---- setup ---------------------------------------------------------------- */

static void load_confinement(const char *props_json, struct confinement *c)
{
        struct jailor_error err = {0};
        json_error_t jerr;
        json_t *props = json_loads(props_json, 0, &jerr);

        if (!props)
                fatal("PROPS is not JSON: %s", jerr.text);
        if (confine_from_props(props, c, &err) < 0)
                fatal("%s", err.msg);
        json_decref(props);
}

/*
 * New namespaces for this process (mount, UTS, network, IPC, and PID for
 * the children), whatever c says: choosing the jail's namespaces is the
 * runtime's job, the harness only tests the walls, and must not create IPC
 * objects or interfaces on the host.  The mount namespace is made private
 * at once so that nothing mounted here reaches the host.
 */
static void enter_namespaces(void)
{
        if (unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWPID) < 0)
                fatal("unshare: %s", strerror(errno));
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                fatal("making / private: %s", strerror(errno));
}

/* A tmpfs of our own for every file the attempts make. */
static void mount_scratch(void)
{
        if (mkdir(scratch, 0700) < 0 && errno != EEXIST)
                fatal("mkdir %s: %s", scratch, strerror(errno));
        if (mount("tmpfs", scratch, "tmpfs", 0, "mode=0755,size=16m") < 0)
                fatal("mount scratch tmpfs: %s", strerror(errno));
}

/* Runs body as PID 1 of the new PID namespace; returns its exit status. */
static int run_as_init(void (*body)(const struct confinement *), const struct confinement *c)
{
        int status;
        pid_t pid;

        fflush(stdout);
        pid = fork();
        if (pid < 0)
                fatal("fork: %s", strerror(errno));
        if (pid == 0) {
                body(c);
                fflush(stdout);
                _exit(0);
        }
        if (waitpid(pid, &status, 0) < 0)
                fatal("waitpid: %s", strerror(errno));
        /* the scratch mount point (an empty directory) is all that was on the host */
        umount2(scratch, MNT_DETACH);
        rmdir(scratch);
        if (WIFSIGNALED(status))
                fatal("the confined child died of signal %d", WTERMSIG(status));
        return WEXITSTATUS(status);
}

static void print_status_field(const char *field, const char *label)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/status", "re");
        char line[256];
        size_t n = strlen(field);

        while (f && fgets(line, sizeof(line), f))
                if (strncmp(line, field, n) == 0 && line[n] == ':') {
                        char *v = line + n + 1;

                        v += strspn(v, " \t");
                        v[strcspn(v, "\n")] = '\0';
                        printf("%s %s\n", label, v);
                        return;
                }
        printf("%s absent\n", label);
}

static bool seccomp_filter_loaded(void)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/status", "re");
        char line[256];

        while (f && fgets(line, sizeof(line), f))
                if (strncmp(line, "Seccomp:", 8) == 0)
                        return atoi(line + 8) == 2;
        return false;
}

/* ---- the attempts: forbidden -------------------------------------------- */

static void try_modules(void)
{
        static const char junk[4] = {0x7f, 'X', 'X', 'X'};

        report("init_module", syscall(SYS_init_module, junk, sizeof(junk), ""));
        report("finit_module", syscall(SYS_finit_module, -1, "", 0));
        /* a name no module has: reached, it would say ENOENT */
        report("delete_module", syscall(SYS_delete_module, "jailor_no_such_module", O_NONBLOCK));
}

static void try_kexec(void)
{
        /* 1000 segments and an unknown flag: reached, the kernel says EINVAL */
        report("kexec_load", syscall(SYS_kexec_load, 0UL, 1000UL, NULL, 0x8000UL));
        report("kexec_file_load", syscall(SYS_kexec_file_load, -1, -1, 0UL, "", 0x8000UL));
}

static void try_reboot(void)
{
        /*
         * Three guards: the filter is in place, this process is PID 1 of a
         * child PID namespace (the kernel would only end this namespace),
         * and CAP_SYS_BOOT is gone.
         */
        if (!seccomp_filter_loaded() || getpid() != 1) {
                printf("reboot skipped: not confined or not in a child PID namespace\n");
                return;
        }
        report("reboot", syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
                                 LINUX_REBOOT_CMD_RESTART, NULL));
}

static void try_keys(void)
{
        report("keyctl", syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
        report("add_key",
               syscall(SYS_add_key, "user", "jailor-test", "x", 1, KEY_SPEC_PROCESS_KEYRING));
        report("request_key", syscall(SYS_request_key, "user", "jailor-test-none", NULL, 0));
}

static void try_kernel_hooks(void)
{
        union bpf_attr battr;
        struct perf_event_attr pattr;
        _cleanup_free_ struct file_handle *handle = calloc(1, sizeof(*handle) + 8);
        struct io_params {
                unsigned char zero[120];
        } params = {{0}};
        struct timex tx = {0};

        if (!handle)
                fatal("out of memory");
        handle->handle_bytes = 8;
        handle->handle_type = 1;
        memset(&battr, 0, sizeof(battr));
        report("bpf", syscall(SYS_bpf, BPF_MAP_CREATE, &battr, sizeof(battr)));
        memset(&pattr, 0, sizeof(pattr));
        pattr.size = sizeof(pattr);
        report("perf_event_open", syscall(SYS_perf_event_open, &pattr, 0, -1, -1, 0));
        report("open_by_handle_at", syscall(SYS_open_by_handle_at, AT_FDCWD, handle, O_RDONLY));
        report("userfaultfd", syscall(SYS_userfaultfd, O_CLOEXEC));
        report("io_uring_setup", syscall(SYS_io_uring_setup, 1, &params));
        report("syslog", syscall(SYS_syslog, 10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0));
        report("swapon", syscall(SYS_swapon, "/nonexistent-jailor", 0));
        report("acct", syscall(SYS_acct, "/nonexistent-jailor/acct"));
#ifdef SYS_iopl
        /* level 4 does not exist: reached, the kernel says EINVAL */
        report("iopl", syscall(SYS_iopl, 4));
#endif
        report("settimeofday", syscall(SYS_settimeofday, NULL, NULL));
        {
                struct timespec now;

                clock_gettime(CLOCK_MONOTONIC, &now);
                /* CLOCK_MONOTONIC cannot be set: reached, EINVAL */
                report("clock_settime", syscall(SYS_clock_settime, CLOCK_MONOTONIC, &now));
        }
        /* modes 0 only reads the clock's state: allowed */
        report("adjtimex_read", adjtimex(&tx));
        report("tiocsti", ioctl(-1, TIOCSTI, "x"));
}

static void try_mounts(void)
{
        const char *mnt = in_scratch("mnt"), *src = in_scratch("src");
        long r;

        mkdir(mnt, 0755);
        mkdir(src, 0755);
        r = mount("tmpfs", mnt, "tmpfs", 0, "size=1m");
        report("mount_tmpfs", r);
        if (r == 0)
                report("umount_tmpfs", umount2(mnt, 0));
        r = mount(src, mnt, NULL, MS_BIND, NULL);
        report("mount_bind", r);
        if (r == 0)
                report("umount_bind", umount2(mnt, 0));
        report("mount_move",
               mount("/nonexistent-jailor", "/nonexistent-jailor2", NULL, MS_MOVE, NULL));
        report("umount", umount2("/nonexistent-jailor", 0));
        report("fsopen", syscall(SYS_fsopen, "tmpfs", 0));
        report("open_tree", syscall(SYS_open_tree, AT_FDCWD, "/", 0));
}

static int clone_userns(void)
{
        long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);

        if (pid == 0)
                _exit(0);
        if (pid > 0)
                waitpid((pid_t)pid, NULL, 0);
        return pid < 0 ? -1 : 0;
}

static int clone3_plain(void)
{
        struct {
                uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
        } args = {.exit_signal = SIGCHLD};
        long pid = syscall(SYS_clone3, &args, sizeof(args));

        if (pid == 0)
                _exit(0);
        if (pid > 0)
                waitpid((pid_t)pid, NULL, 0);
        return pid < 0 ? -1 : 0;
}

static int unshare_userns(void)
{
        return unshare(CLONE_NEWUSER);
}

static void try_namespaces(void)
{
        report_child("unshare_userns", unshare_userns);
        report_child("clone_userns", clone_userns);
        report_child("clone3", clone3_plain);
}

/* The device holding / is a host disk (or partition). */
static void try_device_nodes(void)
{
        struct stat root;
        long r;

        if (stat("/", &root) < 0)
                fatal("stat /: %s", strerror(errno));
        r = mknod(in_scratch("disk"), S_IFBLK | 0600, root.st_dev);
        report("mknod_block", r);
        if (r == 0)
                unlink(in_scratch("disk"));
        r = mknod(in_scratch("mem"), S_IFCHR | 0600, makedev(1, 1));
        report("mknod_char", r);
        if (r == 0)
                unlink(in_scratch("mem"));
        r = mknod(in_scratch("fifo"), S_IFIFO | 0600, 0);
        report("mknod_fifo", r);
}

/*
 * /dev/mem, /dev/kmem or /dev/port, through a node made before the
 * confinement (the host may have none in /dev): opening any of them needs
 * CAP_SYS_RAWIO.  Returns the name of the first this kernel has, or NULL.
 */
static const char *prepare_dev_mem(void)
{
        static const struct {
                const char *name;
                unsigned minor;
        } raw[] = {{"mem", 1}, {"kmem", 2}, {"port", 4}};

        for (size_t i = 0; i < ELEMENTSOF(raw); i++) {
                int fd;

                if (mknod(in_scratch(raw[i].name), S_IFCHR | 0400, makedev(1, raw[i].minor)) < 0)
                        continue;
                fd = open(in_scratch(raw[i].name), O_RDONLY | O_CLOEXEC);
                if (fd >= 0) {
                        close(fd);
                        return raw[i].name;
                }
                unlink(in_scratch(raw[i].name)); /* ENXIO: not built into this kernel */
        }
        return NULL;
}

static void try_dev_mem(const char *name)
{
        int fd;

        if (!name) {
                printf("dev_mem absent\n");
                return;
        }
        fd = open(in_scratch(name), O_RDONLY | O_CLOEXEC);
        report("dev_mem", fd);
        if (fd >= 0)
                close(fd);
}

/* A process of another user, which only CAP_SYS_PTRACE lets root trace. */
static void try_ptrace(void)
{
        int ready[2];
        char c;
        pid_t pid;
        long r;

        if (pipe2(ready, O_CLOEXEC) < 0)
                fatal("pipe: %s", strerror(errno));
        fflush(stdout);
        pid = fork();
        if (pid == 0) {
                if (setuid(65534) < 0)
                        _exit(1);
                if (write(ready[1], "x", 1) < 0)
                        _exit(1);
                pause();
                _exit(0);
        }
        close(ready[1]);
        if (read(ready[0], &c, 1) != 1) {
                printf("ptrace skipped: the traced child could not start\n");
        } else {
                r = ptrace(PTRACE_ATTACH, pid, NULL, NULL);
                report("ptrace", r);
                if (r == 0)
                        ptrace(PTRACE_DETACH, pid, NULL, NULL);
        }
        close(ready[0]);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
}

static void try_sockets(void)
{
        int fd;

        fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
        report("raw_socket", fd);
        if (fd >= 0)
                close(fd);
        fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
        report("packet_socket", fd);
        if (fd >= 0)
                close(fd);
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        report("tcp_socket", fd);
        if (fd >= 0)
                close(fd);
}

static void try_mlock(void)
{
        struct rlimit none = {0, 0};
        void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        long r;

        /* with RLIMIT_MEMLOCK at 0, only CAP_IPC_LOCK can lock a page */
        if (page == MAP_FAILED || setrlimit(RLIMIT_MEMLOCK, &none) < 0)
                fatal("mlock setup: %s", strerror(errno));
        r = mlock(page, 4096);
        report("mlock", r);
        if (r == 0)
                munlock(page, 4096);
        munmap(page, 4096);
}

static void try_personality(void)
{
        report("personality_read_implies_exec", syscall(SYS_personality, 0x0400000UL));
        report("personality_addr_no_randomize", syscall(SYS_personality, 0x0040000UL));
        report("personality_query", syscall(SYS_personality, 0xffffffffUL));
        report("personality_linux32", syscall(SYS_personality, 0x0008UL));
        report("personality_linux", syscall(SYS_personality, 0x0000UL));
}

static void try_ipc(void)
{
        int id;

        id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
        report("shmget", id);
        if (id >= 0)
                shmctl(id, IPC_RMID, NULL);
        id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
        report("msgget", id);
        if (id >= 0)
                msgctl(id, IPC_RMID, NULL);
        id = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
        report("semget", id);
        if (id >= 0)
                semctl(id, 0, IPC_RMID);
}

static void try_hostname(void)
{
        report("sethostname", sethostname("jail-test", 9));
}

#if defined(__x86_64__)
/* An i386 syscall from this 64-bit process: int 0x80 takes the compat path. */
static long int80(long nr, long a, long b, long c, long d)
{
        long ret;

        __asm__ volatile("int $0x80"
                         : "=a"(ret)
                         : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d)
                         : "memory");
        return ret;
}

static int probe_int80(void)
{
        /* i386 getpid is 20; it must answer our pid */
        return int80(20, 0, 0, 0, 0) == getpid() ? 0 : (errno = ENOSYS, -1);
}

static void report_raw(const char *name, long r)
{
        if (r < 0 && r > -4096) {
                errno = (int)-r;
                r = -1;
        }
        report(name, r);
}

static void try_i386(void)
{
        long r;

        report_raw("i386_getpid", int80(20, 0, 0, 0, 0) == getpid() ? 0 : -EINVAL);
        /* keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING) is 288 */
        report_raw("i386_keyctl",
                   int80(288, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0, 0));
        /* personality is 136 */
        report_raw("i386_personality_read_implies_exec", int80(136, 0x0400000, 0, 0, 0));
        /* ipc(SHMGET | version 1 << 16, IPC_PRIVATE, size, flags) is 117 */
        r = int80(117, 23 | (1 << 16), IPC_PRIVATE, 4096, IPC_CREAT | 0600);
        report_raw("i386_ipc_shmget", r);
        if (r >= 0)
                shmctl((int)r, IPC_RMID, NULL);
}
#endif

/* ---- the attempts: ordinary --------------------------------------------- */

static int exec_true(void)
{
        int status;
        pid_t pid = fork();

        if (pid == 0) {
                execl("/bin/true", "true", (char *)NULL);
                _exit(127);
        }
        if (pid < 0 || waitpid(pid, &status, 0) < 0)
                return -1;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return errno = ENOEXEC, -1;
        return 0;
}

static int become_nobody(void)
{
        return setuid(65534);
}

static void *thread_body(void *arg)
{
        return arg;
}

static void try_ordinary(void)
{
        pthread_t t;
        int fd, r;

        report_child("fork", exec_true); /* fork inside, and exec */
        report("exec_true", exec_true());
        r = pthread_create(&t, NULL, thread_body, NULL);
        if (r == 0)
                pthread_join(t, NULL);
        errno = r;
        report("thread", r ? -1 : 0);
        fd = open(in_scratch("file"), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        report("write_file", fd >= 0 && write(fd, "hello\n", 6) == 6 ? 0 : -1);
        if (fd >= 0)
                close(fd);
        report("chown", chown(in_scratch("file"), 1000, 1000));
        report_child("setuid", become_nobody);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        report("unix_socket", fd);
        if (fd >= 0)
                close(fd);
}

/* ---- the order of confinement ------------------------------------------------- */

static const struct confinement *order_confinement;

/* Capabilities first, then seccomp: the filter cannot load without CAP_SYS_ADMIN. */
static int caps_then_seccomp(void)
{
        struct jailor_error err = {0};

        if (confine_caps_apply(order_confinement, &err) < 0)
                return errno = err.errnum, -1;
        if (confine_seccomp_apply(order_confinement, &err) == 0)
                return 0;
        if (!strstr(err.msg, "before capabilities are dropped"))
                return errno = EBADMSG, -1;
        return errno = err.errnum, -1;
}

/* ---- modes ---------------------------------------------------------------- */

static void attempts_body(const struct confinement *c)
{
        struct jailor_error err = {0};
        const char *dev_mem;
        bool i386 = false;

        mount_scratch();
        dev_mem = prepare_dev_mem();
#if defined(__x86_64__)
        {
                int status;
                pid_t pid;

                fflush(stdout);
                pid = fork();
                if (pid == 0)
                        _exit(probe_int80() == 0 ? 0 : 1);
                i386 = pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
                       WEXITSTATUS(status) == 0;
        }
#endif
        order_confinement = c;
        report_child("seccomp_after_caps", caps_then_seccomp);
        if (confine_apply(c, &err) < 0)
                fatal("%s", err.msg);
        if (!seccomp_filter_loaded())
                fatal("no seccomp filter after confine_apply");
        print_status_field("CapBnd", "capbnd");
        print_status_field("CapEff", "capeff");
        print_status_field("CapInh", "capinh");
        print_status_field("CapAmb", "capamb");
        print_status_field("NoNewPrivs", "nonewprivs");
        print_status_field("Seccomp_filters", "seccomp_filters");
        printf("pid %d\n", (int)getpid());

        try_modules();
        try_kexec();
        try_keys();
        try_kernel_hooks();
        try_mounts();
        try_namespaces();
        try_device_nodes();
        try_dev_mem(dev_mem);
        try_ptrace();
        try_sockets();
        try_mlock();
        try_personality();
        try_ipc();
        try_hostname();
#if defined(__x86_64__)
        if (i386)
                try_i386();
        else
                printf("i386 absent\n");
#endif
        try_ordinary();
        /* last: it can only fail, but if it did not, the namespace would end here */
        try_reboot();
        printf("done\n");
}

static void list_dev(int dirfd, const char *prefix)
{
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0 || !(d = fdopendir(fd)))
                fatal("listing /dev: %s", strerror(errno));
        while ((de = readdir(d))) {
                struct stat st;
                char target[256], name[256];
                ssize_t n;

                if (STREQ(de->d_name, ".") || STREQ(de->d_name, ".."))
                        continue;
                snprintf(name, sizeof(name), "%s%s", prefix, de->d_name);
                if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        fatal("stat %s: %s", name, strerror(errno));
                if (S_ISLNK(st.st_mode)) {
                        n = readlinkat(dirfd, de->d_name, target, sizeof(target) - 1);
                        target[n < 0 ? 0 : n] = '\0';
                        printf("%s link %s\n", name, target);
                } else if (S_ISCHR(st.st_mode)) {
                        printf("%s chr %04o %u:%u\n", name, st.st_mode & 07777, major(st.st_rdev),
                               minor(st.st_rdev));
                } else if (S_ISDIR(st.st_mode)) {
                        int sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                        char deeper[260];

                        printf("%s dir %04o\n", name, st.st_mode & 07777);
                        snprintf(deeper, sizeof(deeper), "%s/", name);
                        if (sub >= 0) {
                                list_dev(sub, deeper);
                                close(sub);
                        }
                } else {
                        printf("%s %s %04o %lld\n", name, S_ISREG(st.st_mode) ? "file" : "other",
                               st.st_mode & 07777, (long long)st.st_size);
                }
        }
}

static void devices_body(const struct confinement *c)
{
        struct jailor_error err = {0};
        _cleanup_close_ int devfd = -EBADF, diskfd = -EBADF;
        char dev[300];

        mount_scratch();
        /* on a non-tmpfs directory, refused */
        snprintf(dev, sizeof(dev), "%s/dev", scratch);
        mkdir(dev, 0755);
        diskfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (devices_populate(diskfd, c, &err) == 0)
                fatal("devices_populate accepted the host's /");
        printf("not_tmpfs %s\n", strerrorname_np(err.errnum));
        umask(0077); /* the modes must not depend on it */
        if (mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755") < 0)
                fatal("mount dev tmpfs: %s", strerror(errno));
        devfd = open(dev, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (devfd < 0)
                fatal("open %s: %s", dev, strerror(errno));
        if (devices_populate(devfd, c, &err) < 0)
                fatal("%s", err.msg);
        {
                _cleanup_close_ int listfd = open(dev, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

                list_dev(listfd, "");
        }
        /* the nodes work: /dev/null swallows, /dev/zero gives zeros */
        {
                char path[320], buf[4] = {1, 1, 1, 1};
                int fd;

                snprintf(path, sizeof(path), "%s/null", dev);
                fd = open(path, O_WRONLY | O_CLOEXEC);
                report("write_null", fd >= 0 && write(fd, "x", 1) == 1 ? 0 : -1);
                if (fd >= 0)
                        close(fd);
                snprintf(path, sizeof(path), "%s/zero", dev);
                fd = open(path, O_RDONLY | O_CLOEXEC);
                report("read_zero",
                       fd >= 0 && read(fd, buf, 4) == 4 && !buf[0] && !buf[3] ? 0 : -1);
                if (fd >= 0)
                        close(fd);
        }
        /* populating twice is refused: the names are taken */
        if (devices_populate(devfd, c, &err) == 0)
                fatal("devices_populate ran twice on one /dev");
        printf("twice %s\n", strerrorname_np(err.errnum));
        printf("done\n");
}

static void try_write(const char *label, const char *path, const char *data)
{
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        long r = fd;

        if (fd >= 0) {
                r = write(fd, data, strlen(data)) == (ssize_t)strlen(data) ? 0 : -1;
                close(fd);
        }
        report(label, r);
}

static void try_read_size(const char *label, const char *path)
{
        char buf[4096];
        ssize_t n, total = 0;
        int fd = open(path, O_RDONLY | O_CLOEXEC);

        if (fd < 0 && errno == ENOENT) {
                printf("%s absent\n", label);
                return;
        }
        if (fd < 0) {
                report(label, -1);
                return;
        }
        while ((n = read(fd, buf, sizeof(buf))) > 0 && total < 1 << 20)
                total += n;
        close(fd);
        printf("%s %s\n", label, n < 0 ? strerrorname_np(errno) : total ? "data" : "empty");
}

static void procfs_body(const struct confinement *c)
{
        struct jailor_error err = {0};
        char proc[300], path[400], host[65] = "";

        mount_scratch();
        snprintf(proc, sizeof(proc), "%s/proc", scratch);
        mkdir(proc, 0555);
        /* not a procfs yet: refused */
        if (procfs_mask(proc, c, &err) == 0)
                fatal("procfs_mask accepted a tmpfs directory");
        printf("not_procfs %s\n", strerrorname_np(err.errnum));
        if (mount("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
                fatal("mount proc: %s", strerror(errno));
        if (procfs_mask(proc, c, &err) < 0)
                fatal("%s", err.msg);
        gethostname(host, sizeof(host) - 1);
#define P(rel) (snprintf(path, sizeof(path), "%s/%s", proc, rel), path)
        /* this process is root with every capability: only the masks stop it */
        try_write("write_sys_hostname", P("sys/kernel/hostname"), host);
        try_write("write_sysrq_trigger", P("sysrq-trigger"), "h"); /* h: help, harmless */
        try_write("write_sys_ip_forward", P("sys/net/ipv4/ip_forward"), "1");
        /* never written: it is the host's; asking is enough */
        report("access_core_pattern", access(P("sys/kernel/core_pattern"), W_OK));
        /* masks checked by what is mounted there, never by reading the host's kernel log */
        for (size_t i = 0; i < 3; i++) {
                static const char *const names[] = {"kmsg", "keys", "timer_list"};
                char label[32];
                struct stat st;

                snprintf(label, sizeof(label), "stat_%s", names[i]);
                if (stat(P(names[i]), &st) < 0)
                        printf("%s %s\n", label,
                               errno == ENOENT ? "absent" : strerrorname_np(errno));
                else
                        printf("%s %s\n", label,
                               S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3) ? "null"
                                                                                  : "visible");
        }
        try_read_size("read_sys_hostname", P("sys/kernel/hostname"));
        try_read_size("read_kcore", P("kcore"));
        try_read_size("read_keys", P("keys"));
        try_read_size("read_timer_list", P("timer_list"));
        try_read_size("read_self_status", P("self/status"));
        {
                _cleanup_closedir_ DIR *d = opendir(P("acpi"));
                struct dirent *de;
                int n = 0;

                if (!d) {
                        printf("acpi absent\n");
                } else {
                        while ((de = readdir(d)))
                                n += !STREQ(de->d_name, ".") && !STREQ(de->d_name, "..");
                        printf("acpi %s\n", n ? "data" : "empty");
                }
        }
#undef P
        printf("done\n");
}

int main(int argc, char **argv)
{
        struct confinement c;
        void (*body)(const struct confinement *);

        setvbuf(stdout, NULL, _IOLBF, 0);
        if (argc != 3) {
                fprintf(stderr, "usage: confine-harness attempts|devices|procfs PROPS-JSON\n");
                return 2;
        }
        if (STREQ(argv[1], "attempts"))
                body = attempts_body;
        else if (STREQ(argv[1], "devices"))
                body = devices_body;
        else if (STREQ(argv[1], "procfs"))
                body = procfs_body;
        else
                return 2;
        if (geteuid() != 0)
                fatal("needs root");
        load_confinement(argv[2], &c);
        enter_namespaces();
        snprintf(scratch, sizeof(scratch), "%s-%d", SCRATCH, (int)getpid());
        return run_as_init(body, &c);
}
