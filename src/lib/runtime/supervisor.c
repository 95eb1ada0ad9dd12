/* SPDX-License-Identifier: MIT */
#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdarg.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "../jail/resolver.h"
#include "../util/cleanup.h"
#include "../util/fs.h"
#include "cgroup.h"
#include "cgroup_join.h"
#include "init.h"
#include "state.h"

#define MAX_CLIENTS 16

struct supervisor {
        const struct supervisor_config *cfg;
        pid_t init;
        int console;      /* the pty master: the jail's /dev/console */
        int log_fd;
        int listen_fd;
        int signal_fd;
        int clients[MAX_CLIENTS];
        size_t n_clients;
        struct cgroup *cgroup;
        struct jailnet *net; /* the jail's network, undone when it stops */
        char init_root[32];  /* /proc/INIT/root: the jail's root once we left its set-up namespace */
        bool stopping;
        struct timespec kill_at;
        bool own_init;      /* the jail's /sbin/init, else jailor's built-in init */
        int stop_signal;    /* what that init takes as "shut down" */
};

/* ---- reporting to `jailor start` ------------------------------------------ */

static void report(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(int fd, const char *fmt, ...)
{
        char buf[JAILOR_ERROR_MAX + 16];
        va_list ap;
        int n;

        if (fd < 0)
                return;
        va_start(ap, fmt);
        n = vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        if (n > 0 && write(fd, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1) < 0)
                return;
}

/* ---- the init ------------------------------------------------------------- */

struct init_pipes {
        int go;     /* read: the supervisor's word that setup is done */
        int failed; /* write, O_CLOEXEC: an error message, or EOF once exec succeeded */
};

_Noreturn static void init_fail(int fd, const struct jailor_error *err)
{
        report(fd, "%s", err->msg);
        _exit(127);
}

static int attach_console(struct jailor_error *err)
{
        int fd;

        setsid();
        fd = open("/dev/console", O_RDWR | O_CLOEXEC);
        if (fd < 0)
                return jailor_error_errno(err, errno, "Cannot open the jail's /dev/console");
        if (ioctl(fd, TIOCSCTTY, 0) < 0)
                return jailor_error_errno(err, errno, "Cannot make /dev/console the jail's terminal");
        if (dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
                return jailor_error_errno(err, errno, "Cannot attach the console");
        close(fd);
        return 0;
}

/*
 * Whether the supervisor gave this process a cgroup2 directory of its own
 * ("0::/jailor/NAME" rather than "0::/"): only then may the jail mount
 * cgroup2, whose root in the new cgroup namespace is that directory.
 */
static bool in_own_cgroup2(void)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
        char line[512];

        while (f && fgets(line, sizeof(line), f))
                if (strncmp(line, "0::", 3) == 0)
                        return strcmp(line + 3, "/\n") != 0;
        return false;
}

/* What the jail's init starts with: nothing of the caller's environment. */
static void clean_environment(void)
{
        clearenv();
        /* systemd and others recognise a container by $container */
        setenv("container", "jailor", 1);
        setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
        setenv("TERM", "linux", 1);
}

/* Runs as PID 1 of the new namespaces: finish the jail, then become its init. */
_Noreturn static void init_main(const struct supervisor *sup, struct init_pipes pipes)
{
        const struct supervisor_config *cfg = sup->cfg;
        struct jailor_error err = {0};
        char go;
        sigset_t none;

        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        /*
         * A jail never outlives its supervisor: killing the init ends the
         * whole PID namespace, so a SIGKILLed supervisor leaves no jail
         * running unsupervised, only a stale state the next command cleans.
         */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() == 1)
                _exit(127);
        /* wait until the supervisor has put us in the jail's cgroup */
        if (read(pipes.go, &go, 1) != 1)
                _exit(127);
        close(pipes.go);
        /* the plan is this process's own copy (clone without CLONE_VM) */
        ((struct rootfs_plan *)&cfg->plan)->cgroup2 = in_own_cgroup2();
        clean_environment();
        /* now the cgroup namespace's root is the jail's own cgroup */
        if (unshare(CLONE_NEWCGROUP) < 0) {
                jailor_error_errno(&err, errno, "Cannot make the jail's cgroup namespace");
                init_fail(pipes.failed, &err);
        }
        if (sethostname(cfg->hostname, strlen(cfg->hostname)) < 0) {
                jailor_error_errno(&err, errno, "Cannot set hostname '%s'", cfg->hostname);
                init_fail(pipes.failed, &err);
        }
        if (rootfs_enter(&cfg->plan, &err) < 0 || attach_console(&err) < 0)
                init_fail(pipes.failed, &err);
        if (cfg->max_open_files) {
                struct rlimit rl = {cfg->max_open_files, cfg->max_open_files};
                if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
                        jailor_error_errno(&err, errno, "Cannot set openfiles");
                        init_fail(pipes.failed, &err);
                }
        }
        if (confine_apply(&cfg->confine, &err) < 0)
                init_fail(pipes.failed, &err);
        if (!sup->own_init) {
                /*
                 * Up: the built-in init needs no exec, so nothing closes the
                 * supervisor's descriptors (the console's master, the log
                 * file on the host, the control socket) for it; the jail
                 * would reach them through /proc/1/fd.
                 */
                close_range(3, ~0U, 0);
                builtin_init(STREQ(cfg->exec_start, "auto") ? NULL : cfg->exec_start);
        }
        execl("/sbin/init", "/sbin/init", (char *)NULL);
        jailor_error_errno(&err, errno, "Cannot run the jail's init '/sbin/init'");
        init_fail(pipes.failed, &err);
}

/* ---- the supervisor --------------------------------------------------------- */

static int open_console(struct supervisor *sup, char *slave, size_t len, struct jailor_error *err)
{
        sup->console = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (sup->console < 0)
                return jailor_error_errno(err, errno, "Cannot make the jail's console");
        if (grantpt(sup->console) < 0 || unlockpt(sup->console) < 0 ||
            ptsname_r(sup->console, slave, len) != 0)
                return jailor_error_errno(err, errno, "Cannot make the jail's console");
        return 0;
}

static int open_control_socket(struct supervisor *sup, struct jailor_error *err)
{
        _cleanup_free_ char *path = runtime_dir(sup->cfg->ctx, sup->cfg->name, "control.sock");
        struct sockaddr_un addr = {.sun_family = AF_UNIX};

        if (!path || strlen(path) >= sizeof(addr.sun_path))
                return jailor_error_set(err, ENAMETOOLONG, "Run directory path too long: '%s'",
                                        sup->cfg->ctx->run_dir);
        strcpy(addr.sun_path, path);
        unlink(path);
        sup->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (sup->listen_fd < 0 || bind(sup->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
            chmod(path, 0600) < 0 || listen(sup->listen_fd, 8) < 0)
                return jailor_error_errno(err, errno, "Cannot listen on '%s'", path);
        return 0;
}

static void tell_clients(struct supervisor *sup, const char *msg)
{
        for (size_t i = 0; i < sup->n_clients; i++) {
                if (write(sup->clients[i], msg, strlen(msg)) < 0)
                        continue;
        }
}

static void begin_stop(struct supervisor *sup)
{
        if (sup->stopping)
                return;
        sup->stopping = true;
        kill(sup->init, sup->stop_signal);
        clock_gettime(CLOCK_MONOTONIC, &sup->kill_at);
        sup->kill_at.tv_sec += sup->cfg->stop_timeout;
}

static void handle_client(struct supervisor *sup, int idx)
{
        char buf[64];
        ssize_t n = read(sup->clients[idx], buf, sizeof(buf) - 1);

        if (n <= 0) {
                close(sup->clients[idx]);
                sup->clients[idx] = sup->clients[--sup->n_clients];
                return;
        }
        buf[n] = '\0';
        if (strncmp(buf, "stop", 4) == 0) {
                if (write(sup->clients[idx], "stopping\n", 9) < 0)
                        return;
                begin_stop(sup);
        }
}

static void log_line(struct supervisor *sup, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void log_line(struct supervisor *sup, const char *fmt, ...)
{
        char buf[256], when[32];
        time_t now = time(NULL);
        struct tm tm;
        va_list ap;
        int n;

        gmtime_r(&now, &tm);
        strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
        n = snprintf(buf, sizeof(buf), "\n[jailor %s] ", when);
        va_start(ap, fmt);
        n += vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
        va_end(ap);
        if (n < (int)sizeof(buf) - 1)
                buf[n++] = '\n';
        if (write(sup->log_fd, buf, (size_t)n) < 0)
                return;
}

/* Copies what the jail wrote on its console into the log. */
static void pump_console(struct supervisor *sup)
{
        char buf[8192];
        ssize_t n = read(sup->console, buf, sizeof(buf));

        if (n > 0 && write(sup->log_fd, buf, (size_t)n) < 0)
                return;
}

static int run_loop(struct supervisor *sup)
{
        int status = 0;

        for (;;) {
                struct pollfd pfd[4 + MAX_CLIENTS];
                struct signalfd_siginfo si;
                struct jailor_error err = {0};
                struct timespec now;
                int timeout = jailnet_timeout_ms(sup->net);
                size_t n = 0;

                pfd[n++] = (struct pollfd){sup->signal_fd, POLLIN, 0};
                pfd[n++] = (struct pollfd){sup->listen_fd, POLLIN, 0};
                pfd[n++] = (struct pollfd){sup->console, POLLIN, 0};
                /* the DHCP client's sockets (-1, ignored by poll, without one) */
                pfd[n++] = (struct pollfd){jailnet_fd(sup->net), POLLIN, 0};
                for (size_t i = 0; i < sup->n_clients; i++)
                        pfd[n++] = (struct pollfd){sup->clients[i], POLLIN, 0};
                if (sup->stopping) {
                        clock_gettime(CLOCK_MONOTONIC, &now);
                        long ms = (sup->kill_at.tv_sec - now.tv_sec) * 1000 +
                                  (sup->kill_at.tv_nsec - now.tv_nsec) / 1000000;
                        if (timeout < 0 || ms < timeout)
                                timeout = ms > 0 ? (int)ms : 0;
                }
                if (poll(pfd, n, timeout) < 0 && errno != EINTR)
                        return -errno;
                if (sup->net && jailnet_handle(sup->net, &err) < 0)
                        log_line(sup, "network: %s", err.msg);
                if (sup->stopping) {
                        clock_gettime(CLOCK_MONOTONIC, &now);
                        /* stop_timeout is over: killing the init ends its whole PID namespace */
                        if (now.tv_sec > sup->kill_at.tv_sec ||
                            (now.tv_sec == sup->kill_at.tv_sec && now.tv_nsec >= sup->kill_at.tv_nsec))
                                kill(sup->init, SIGKILL);
                }
                if (pfd[2].revents & POLLIN)
                        pump_console(sup);
                if (pfd[1].revents & POLLIN) {
                        int c = accept4(sup->listen_fd, NULL, NULL, SOCK_CLOEXEC);
                        if (c >= 0 && sup->n_clients < MAX_CLIENTS)
                                sup->clients[sup->n_clients++] = c;
                        else if (c >= 0)
                                close(c);
                }
                for (size_t i = sup->n_clients; i-- > 0;)
                        if (pfd[4 + i].revents & (POLLIN | POLLHUP))
                                handle_client(sup, (int)i);
                if ((pfd[0].revents & POLLIN) && read(sup->signal_fd, &si, sizeof(si)) > 0) {
                        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
                                begin_stop(sup);
                        if (waitpid(sup->init, &status, WNOHANG) == sup->init)
                                return status;
                }
        }
}

/* After the init is gone: what is left of the jail goes too. */
static void clean_up(struct supervisor *sup, int status)
{
        struct jailor_error ignored = {0};
        char msg[64];

        while (sup->console >= 0 && poll(&(struct pollfd){sup->console, POLLIN, 0}, 1, 0) > 0) {
                char buf[8192];
                ssize_t n = read(sup->console, buf, sizeof(buf));
                if (n <= 0 || write(sup->log_fd, buf, (size_t)n) < 0)
                        break;
        }
        if (WIFEXITED(status))
                log_line(sup, "init exited with status %d", WEXITSTATUS(status));
        else
                log_line(sup, "init killed by signal %d", WTERMSIG(status));
        if (sup->cgroup) {
                cgroup_kill_all(sup->cgroup, &ignored);
                cgroup_destroy(sup->cgroup, &ignored);
        }
        jailnet_teardown(sup->net);
        sup->net = NULL;
        runtime_state_remove(sup->cfg->ctx, sup->cfg->name);
        snprintf(msg, sizeof(msg), "stopped %d\n", status);
        tell_clients(sup, msg);
}

/* The jail's network, built before its init goes on, so its services find it up. */
static int setup_network(struct supervisor *sup, struct jailor_error *err)
{
        const struct supervisor_config *cfg = sup->cfg;
        struct jailnet_start start = {
                .ctx = cfg->ctx,
                .jail = cfg->name,
                .hostname = cfg->hostname,
                .plan = cfg->net,
                .init = sup->init,
                .root = cfg->plan.root,
                .dhcp_timeout_s = cfg->net_timeout,
                .address_file = cfg->address_file,
                .write_resolv_conf = cfg->write_resolv_conf,
        };

        return jailnet_setup(&start, &sup->net, err);
}

static int start_init(struct supervisor *sup, int ready_fd, struct jailor_error *err)
{
        const struct supervisor_config *cfg = sup->cfg;
        int go[2], failed[2];
        unsigned long flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | SIGCHLD;
        char msg[JAILOR_ERROR_MAX];
        bool born_in_unified;
        ssize_t n;
        pid_t pid;
        int r;

        if (cfg->net->mode != JAILNET_INHERIT)
                flags |= CLONE_NEWNET;
        /* sysv*=inherit / allow_sysvipc share the host's SysV IPC */
        if (cfg->confine.ipc == CONFINE_IPC_NEW)
                flags |= CLONE_NEWIPC;
        /* the cgroup first: the init is born into it (cgroup_join.c) */
        r = cgroup_open(cfg->name, &sup->cgroup, err);
        if (r == 0)
                r = cgroup_apply(sup->cgroup, &cfg->limits, err);
        if (r < 0)
                return r;
        if (pipe2(go, O_CLOEXEC) < 0 || pipe2(failed, O_CLOEXEC) < 0)
                return jailor_error_errno(err, errno, "Cannot start the jail");
        pid = cgroup_clone(sup->cgroup, flags, &born_in_unified, err);
        if (pid < 0)
                return jailor_error_prefix(err, "Cannot make the jail's namespaces");
        if (pid == 0) {
                close(go[1]);
                close(failed[0]);
                close(ready_fd);
                if (cgroup_join_rest(sup->cgroup, born_in_unified, err) < 0)
                        init_fail(failed[1], err);
                init_main(sup, (struct init_pipes){go[0], failed[1]});
        }
        sup->init = pid;
        close(go[0]);
        close(failed[1]);
        r = setup_network(sup, err);
        if (r == 0 && write(go[1], "g", 1) != 1)
                r = jailor_error_errno(err, errno, "Cannot start the jail's init");
        close(go[1]);
        if (r < 0) {
                kill(pid, SIGKILL);
                close(failed[0]);
                return r;
        }
        /* EOF: the init exec'd (or the built-in init is running); text: why not */
        n = read(failed[0], msg, sizeof(msg) - 1);
        close(failed[0]);
        if (n > 0) {
                msg[n] = '\0';
                return jailor_error_set(err, EIO, "%s", msg);
        }
        return 0;
}

/*
 * exec_start=auto boots the jail's own /sbin/init when it has one (resolved
 * inside the jail: links must not lead out), else jailor's built-in init.
 * systemd shuts down on SIGRTMIN+3; others, and the built-in init, on SIGTERM.
 */
static void choose_init(struct supervisor *sup)
{
        char link[64], target[PATH_MAX];
        const char *base;
        ssize_t n;
        int fd;

        sup->own_init = false;
        sup->stop_signal = SIGTERM;
        if (!STREQ(sup->cfg->exec_start, "auto"))
                return;
        fd = open_in_root(sup->cfg->plan.root, "/sbin/init", O_PATH, 0);
        if (fd < 0)
                return;
        snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
        n = readlink(link, target, sizeof(target) - 1);
        close(fd);
        if (n <= 0)
                return;
        target[n] = '\0';
        sup->own_init = true;
        base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
        if (STREQ(base, "systemd"))
                sup->stop_signal = SIGRTMIN + 3;
}

static int write_state(struct supervisor *sup, struct jailor_error *err)
{
        struct runtime_state st = {
                .supervisor = getpid(),
                .supervisor_start = proc_start_time(getpid()),
                .init = sup->init,
                .init_start = proc_start_time(sup->init),
        };
        time_t now = time(NULL);
        struct tm tm;

        gmtime_r(&now, &tm);
        strftime(st.started_at, sizeof(st.started_at), "%Y-%m-%d %H:%M:%S", &tm);
        return runtime_state_write(sup->cfg->ctx, sup->cfg->name, &st, err);
}

/* The resolver property, at every start as iocage does; a jail without /etc just lacks it. */
static void write_resolv_conf(struct supervisor *sup)
{
        const struct supervisor_config *cfg = sup->cfg;
        struct jailor_error err = {0};

        if (cfg->resolv_conf && jail_write_resolv_conf(cfg->plan.root, cfg->resolv_conf, &err) < 0)
                jailor_warn(cfg->ctx, "Jail '%s': %s", cfg->name, err.msg);
}

/*
 * The init has its own copy of the jail's mounts by now (and dropped the
 * host's when it pivoted), so they live as long as the jail does.  Staying
 * in the namespace they were made in would pin a copy of every host mount
 * that existed at start: the host could then never free a disk or destroy
 * a dataset unmounted since ("busy").  So the supervisor goes back to the
 * host's namespace, and that one is freed.
 */
static int leave_setup_namespace(struct supervisor *sup, int host_mnt, struct jailor_error *err)
{
        if (setns(host_mnt, CLONE_NEWNS) < 0)
                return jailor_error_errno(err, errno, "Cannot return to the host's mount namespace");
        snprintf(sup->init_root, sizeof(sup->init_root), "/proc/%d/root", (int)sup->init);
        jailnet_set_root(sup->net, sup->init_root);
        return 0;
}

static int setup(struct supervisor *sup, int ready_fd, struct jailor_error *err)
{
        const struct supervisor_config *cfg = sup->cfg;
        struct rootfs_plan *plan = (struct rootfs_plan *)&cfg->plan;
        char slave[64];
        sigset_t mask;
        int r;

        _cleanup_close_ int host_mnt = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);

        if (host_mnt < 0)
                return jailor_error_errno(err, errno, "Cannot open the host's mount namespace");
        /* everything mounted from here on lives and dies with the jail */
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                return jailor_error_errno(err, errno, "Cannot make the jail's mount namespace");
        r = storage_mount(cfg->storage, cfg->root_ds, err);
        if (r < 0)
                return r;
        choose_init(sup);
        r = open_console(sup, slave, sizeof(slave), err);
        if (r < 0)
                return r;
        plan->console = slave;
        r = rootfs_prepare(plan, err);
        if (r < 0)
                return r;
        write_resolv_conf(sup);
        sup->log_fd = open(cfg->console_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
        if (sup->log_fd < 0)
                return jailor_error_errno(err, errno, "Cannot open the console log '%s'",
                                          cfg->console_log);
        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        sup->signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
        if (sup->signal_fd < 0)
                return jailor_error_errno(err, errno, "Cannot watch the jail's init");
        r = open_control_socket(sup, err);
        if (r < 0)
                return r;
        /*
         * What setup parsed is freed (mounting a dir-pool clone reads its
         * release's record, which lists every clone: 0.5 MB with 600
         * jails); give those pages back before the init is cloned from
         * this process, or both keep them for their whole life.
         */
        malloc_trim(0);
        r = start_init(sup, ready_fd, err);
        if (r < 0)
                return r;
        r = leave_setup_namespace(sup, host_mnt, err);
        if (r < 0)
                return r;
        log_line(sup, "jail '%s' started, init PID %d", cfg->name, (int)sup->init);
        return write_state(sup, err);
}

_Noreturn static void supervisor_main(const struct supervisor_config *cfg, int ready_fd)
{
        struct supervisor sup = {.cfg = cfg, .console = -1, .log_fd = -1, .listen_fd = -1,
                                 .signal_fd = -1};
        struct jailor_error err = {0};
        int devnull, status;

        prctl(PR_SET_NAME, "jailor-super");
        if (setup(&sup, ready_fd, &err) < 0) {
                report(ready_fd, "ERR %s", err.msg);
                if (sup.init > 0) {
                        kill(sup.init, SIGKILL);
                        waitpid(sup.init, NULL, 0);
                }
                if (sup.cgroup)
                        cgroup_destroy(sup.cgroup, NULL);
                jailnet_teardown(sup.net);
                runtime_state_remove(cfg->ctx, cfg->name);
                _exit(1);
        }
        report(ready_fd, "OK %d", (int)sup.init);
        close(ready_fd);
        devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (devnull >= 0) {
                dup2(devnull, 0);
                dup2(devnull, 1);
                dup2(devnull, 2);
        }
        status = run_loop(&sup);
        clean_up(&sup, status);
        _exit(0);
}

int supervisor_launch(const struct supervisor_config *cfg, pid_t *ret_init,
                      struct jailor_error *err)
{
        char buf[JAILOR_ERROR_MAX + 16];
        size_t got = 0;
        int ready[2], status;
        pid_t middle;

        if (pipe2(ready, O_CLOEXEC) < 0)
                return jailor_error_errno(err, errno, "Cannot start jail '%s'", cfg->name);
        /* double fork: the supervisor is nobody's child but init's, and outlives us */
        middle = fork();
        if (middle < 0)
                return jailor_error_errno(err, errno, "Cannot start jail '%s'", cfg->name);
        if (middle == 0) {
                close(ready[0]);
                setsid();
                if (fork() == 0) {
                        /* only the ready pipe stays open: no lock of ours may outlive us */
                        close_range(3, (unsigned)ready[1] - 1, 0);
                        close_range((unsigned)ready[1] + 1, ~0U, 0);
                        supervisor_main(cfg, ready[1]);
                }
                _exit(0);
        }
        close(ready[1]);
        waitpid(middle, &status, 0);
        for (;;) {
                ssize_t n = read(ready[0], buf + got, sizeof(buf) - 1 - got);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                got += (size_t)n;
        }
        close(ready[0]);
        buf[got] = '\0';
        if (strncmp(buf, "OK ", 3) == 0) {
                *ret_init = (pid_t)atoi(buf + 3);
                return 0;
        }
        if (strncmp(buf, "ERR ", 4) == 0)
                return jailor_error_set(err, EIO, "Jail '%s' failed to start: %s", cfg->name, buf + 4);
        return jailor_error_set(err, EIO, "Jail '%s' failed to start: its supervisor died", cfg->name);
}

int supervisor_request_stop(const struct jailor_ctx *ctx, const char *name, unsigned timeout_s,
                            struct jailor_error *err)
{
        _cleanup_free_ char *path = runtime_dir(ctx, name, "control.sock");
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        _cleanup_close_ int fd = -EBADF;
        char buf[128];
        size_t got = 0;

        if (!path || strlen(path) >= sizeof(addr.sun_path))
                return jailor_error_set(err, ENAMETOOLONG, "Run directory path too long");
        strcpy(addr.sun_path, path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
                return jailor_error_errno(err, errno, "Cannot reach the supervisor of jail '%s'", name);
        if (write(fd, "stop\n", 5) != 5)
                return jailor_error_errno(err, errno, "Cannot ask jail '%s' to stop", name);
        /* the supervisor kills at stop_timeout; give it a little more before giving up */
        for (;;) {
                struct pollfd pfd = {fd, POLLIN, 0};
                int pr = poll(&pfd, 1, (int)(timeout_s + 15) * 1000);
                ssize_t n;

                if (pr == 0)
                        return jailor_error_set(err, ETIMEDOUT, "Jail '%s' did not stop in time", name);
                if (pr < 0 && errno == EINTR)
                        continue;
                n = read(fd, buf + got, sizeof(buf) - 1 - got);
                if (n <= 0)
                        break;
                got += (size_t)n;
                buf[got] = '\0';
                if (strstr(buf, "stopped"))
                        return 0;
                if (got >= sizeof(buf) - 1)
                        got = 0;
        }
        /* the supervisor went away without saying so: it is down all the same */
        return 0;
}
