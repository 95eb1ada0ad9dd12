/* SPDX-License-Identifier: MIT */
/* jailor exec | console: entering a running jail. */
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "../jail/jail.h"
#include "../util/cleanup.h"
#include "../util/fs.h"
#include "cgroup.h"
#include "cgroup_join.h"
#include "confine.h"
#include "state.h"

/* The namespaces of the jail, in the order they are entered: mnt last. */
static const char *const ns_names[] = {"ipc", "uts", "net", "cgroup", "pid", "mnt"};
#define N_NS (sizeof(ns_names) / sizeof(ns_names[0]))

struct account {
        uid_t uid;
        gid_t gid;
        char home[256];
        char shell[256];
};

/*
 * The user's line of the jail's /etc/passwd, read after entering the jail's
 * mount namespace.  Parsed here rather than through NSS: the host's NSS
 * modules must not be loaded against the jail's files.
 */
static int lookup_user(const char *user, struct account *ret)
{
        _cleanup_fclose_ FILE *f = fopen("/etc/passwd", "re");
        _cleanup_free_ char *line = NULL;
        size_t cap = 0;

        while (f && getline(&line, &cap, f) > 0) {
                char *fields[7] = {0}, *save = NULL, *p = line;
                int n = 0;

                line[strcspn(line, "\n")] = '\0';
                /* strsep keeps empty fields (an empty password, say) */
                while (n < 7 && (fields[n] = strsep(&p, ":")))
                        n++;
                (void)save;
                if (n < 7 || !STREQ(fields[0], user))
                        continue;
                ret->uid = (uid_t)strtoul(fields[2], NULL, 10);
                ret->gid = (gid_t)strtoul(fields[3], NULL, 10);
                snprintf(ret->home, sizeof(ret->home), "%s", *fields[5] ? fields[5] : "/");
                snprintf(ret->shell, sizeof(ret->shell), "%s", *fields[6] ? fields[6] : "/bin/sh");
                return 0;
        }
        return -ENOENT;
}

/* Supplementary groups of user from the jail's /etc/group. */
static int user_groups(const char *user, gid_t primary, gid_t *groups, int max)
{
        _cleanup_fclose_ FILE *f = fopen("/etc/group", "re");
        _cleanup_free_ char *line = NULL;
        size_t cap = 0;
        int n = 0;

        groups[n++] = primary;
        while (f && n < max && getline(&line, &cap, f) > 0) {
                char *name, *pw, *gid, *members, *p = line, *m;

                line[strcspn(line, "\n")] = '\0';
                name = strsep(&p, ":");
                pw = strsep(&p, ":");
                gid = strsep(&p, ":");
                members = p;
                if (!name || !pw || !gid || !members)
                        continue;
                while ((m = strsep(&members, ",")))
                        if (STREQ(m, user) && n < max)
                                groups[n++] = (gid_t)strtoul(gid, NULL, 10);
        }
        return n;
}

static void clean_environment(const struct account *acct, const char *user)
{
        const char *term = getenv("TERM");
        char term_copy[64];

        snprintf(term_copy, sizeof(term_copy), "%s", term ? term : "xterm-256color");
        clearenv();
        setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
        setenv("HOME", acct->home, 1);
        setenv("SHELL", acct->shell, 1);
        setenv("USER", user, 1);
        setenv("LOGNAME", user, 1);
        setenv("TERM", term_copy, 1);
        setenv("LANG", "C.UTF-8", 1);
}

struct entry {
        const struct exec_request *req;
        const struct confinement *confine;
        bool clean_env;
        int ns[N_NS];
        int pty_slave;   /* opened on the host before entering, or -1 */
        int report;      /* write end: why the command could not start */
};

_Noreturn static void fail(const struct entry *e, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
_Noreturn static void fail(const struct entry *e, const char *fmt, ...)
{
        char buf[JAILOR_ERROR_MAX];
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        if (n > 0 && write(e->report, buf, (size_t)n) < 0)
                _exit(126);
        _exit(126);
}

/* In the jail's namespaces: become the user and run the command. */
_Noreturn static void run_command_inside(const struct entry *e)
{
        const char *user = e->req->user ? e->req->user : "root";
        struct jailor_error err = {0};
        struct account acct;
        gid_t groups[64];
        int ngroups;

        if (chdir("/") < 0)
                fail(e, "Cannot enter the jail's root: %s", strerror(errno));
        if (e->pty_slave >= 0) {
                setsid();
                if (ioctl(e->pty_slave, TIOCSCTTY, 0) < 0 || dup2(e->pty_slave, 0) < 0 ||
                    dup2(e->pty_slave, 1) < 0 || dup2(e->pty_slave, 2) < 0)
                        fail(e, "Cannot attach the terminal: %s", strerror(errno));
                close(e->pty_slave);
        }
        if (lookup_user(user, &acct) < 0)
                fail(e, "No user '%s' in the jail's /etc/passwd", user);
        ngroups = user_groups(user, acct.gid, groups, 64);
        /* the same confinement as the jail's init, while still root (see confine.h) */
        if (confine_apply(e->confine, &err) < 0)
                fail(e, "%s", err.msg);
        if (setgroups((size_t)ngroups, groups) < 0 || setgid(acct.gid) < 0 || setuid(acct.uid) < 0)
                fail(e, "Cannot become user '%s': %s", user, strerror(errno));
        if (e->clean_env || e->req->console)
                clean_environment(&acct, user);
        if (acct.uid != 0 && chdir(acct.home) < 0 && chdir("/") < 0)
                fail(e, "Cannot enter '%s'", acct.home);
        if (e->req->console) {
                if (access("/bin/login", X_OK) == 0 && acct.uid == 0)
                        execl("/bin/login", "login", "-f", user, (char *)NULL);
                execl(acct.shell, "-sh", (char *)NULL);
                execl("/bin/sh", "-sh", (char *)NULL);
                fail(e, "No shell in the jail: %s", strerror(errno));
        }
        execvp(e->req->argv[0], e->req->argv);
        fail(e, "Cannot run '%s' in jail '%s': %s", e->req->argv[0], e->req->name, strerror(errno));
}

/* Joins the jail's namespaces; the PID namespace applies to the child forked after. */
_Noreturn static void enter_and_run(const struct entry *e)
{
        int status;
        pid_t pid;

        for (size_t i = 0; i < N_NS; i++)
                if (setns(e->ns[i], 0) < 0)
                        fail(e, "Cannot enter the jail's %s namespace: %s", ns_names[i],
                             strerror(errno));
        pid = fork();
        if (pid < 0)
                fail(e, "Cannot fork in the jail: %s", strerror(errno));
        if (pid == 0)
                run_command_inside(e);
        /* only the command holds the terminal: its end is the relay's EOF */
        if (e->pty_slave >= 0)
                close(e->pty_slave);
        close(e->report);
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        _exit(126);
        _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

static int open_namespaces(pid_t init, int fds[N_NS], struct jailor_error *err)
{
        for (size_t i = 0; i < N_NS; i++) {
                char path[64];

                snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)init, ns_names[i]);
                fds[i] = open(path, O_RDONLY | O_CLOEXEC);
                if (fds[i] < 0) {
                        int e = errno;
                        while (i-- > 0)
                                close(fds[i]);
                        return jailor_error_errno(err, e, "Cannot open '%s'", path);
                }
        }
        return 0;
}

/* ---- the terminal ------------------------------------------------------------ */

/*
 * A pseudo-terminal of the jail's own devpts for the command: inside the
 * jail it is /dev/pts/N, which tty, login and su look up (one of the
 * host's devpts has no name there, and login refuses it).  The multiplexer
 * is looked up inside the jail's root (root_fd: the init's /proc/PID/root),
 * where no link of the jail leads out, and must really be one (5:2); the
 * slave is opened through the master, never by name.
 */
static int open_jail_pty(int root_fd, int *ret_master, int *ret_slave, struct jailor_error *err)
{
        char root[64];
        struct stat st;
        int master, slave, e;

        snprintf(root, sizeof(root), "/proc/self/fd/%d", root_fd);
        master = open_in_root(root, "/dev/pts/ptmx", O_RDWR | O_NOCTTY, 0);
        if (master < 0)
                return jailor_error_errno(err, -master, "Cannot open the jail's /dev/pts/ptmx");
        if (fstat(master, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(5, 2)) {
                close(master);
                return jailor_error_set(err, ENOTTY,
                                        "The jail's /dev/pts/ptmx is not a pseudo-terminal "
                                        "multiplexer");
        }
        if (unlockpt(master) < 0 ||
            (slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
                e = errno;
                close(master);
                return jailor_error_errno(err, e, "Cannot make a terminal for the command");
        }
        *ret_master = master;
        *ret_slave = slave;
        return 0;
}

static volatile sig_atomic_t window_changed;

static void on_winch(int sig)
{
        window_changed = 1;
}

static void copy_size(int from, int to)
{
        struct winsize ws;

        if (ioctl(from, TIOCGWINSZ, &ws) == 0)
                ioctl(to, TIOCSWINSZ, &ws);
}

/* Relays between our terminal and the command's pty until the command is done. */
static void relay(int master)
{
        struct sigaction sa = {.sa_handler = on_winch};
        struct termios saved, raw;
        bool raw_mode = tcgetattr(STDIN_FILENO, &saved) == 0;
        bool stdin_open = true;

        sigaction(SIGWINCH, &sa, NULL);
        if (raw_mode) {
                raw = saved;
                cfmakeraw(&raw);
                tcsetattr(STDIN_FILENO, TCSANOW, &raw);
        }
        copy_size(STDIN_FILENO, master);
        for (;;) {
                struct pollfd pfd[2] = {{master, POLLIN, 0}, {stdin_open ? STDIN_FILENO : -1, POLLIN, 0}};
                char buf[8192];
                ssize_t n;

                if (window_changed) {
                        window_changed = 0;
                        copy_size(STDIN_FILENO, master);
                }
                if (poll(pfd, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
                if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
                        n = read(master, buf, sizeof(buf));
                        if (n <= 0)
                                break; /* EIO: every holder of the slave is gone */
                        if (write(STDOUT_FILENO, buf, (size_t)n) < 0)
                                break;
                }
                if (pfd[1].revents & (POLLIN | POLLHUP)) {
                        n = read(STDIN_FILENO, buf, sizeof(buf));
                        if (n <= 0)
                                stdin_open = false;
                        else if (write(master, buf, (size_t)n) < 0)
                                break;
                }
        }
        if (raw_mode)
                tcsetattr(STDIN_FILENO, TCSANOW, &saved);
}

int runtime_exec(const struct jailor_ctx *ctx, struct storage *s, const struct exec_request *req,
                 int *ret_status, struct jailor_error *err)
{
        struct entry e = {.req = req, .pty_slave = -1, .report = -1};
        struct confinement confine = {0};
        struct runtime_state st;
        struct cgroup *cg = NULL;
        struct jail *j = NULL;
        char why[JAILOR_ERROR_MAX], root[64];
        _cleanup_close_ int root_fd = -EBADF;
        int report[2] = {-1, -1}, master = -1, status, r;
        bool tty = isatty(STDIN_FILENO), born_in_unified;
        ssize_t n;
        pid_t pid;

        r = jail_open(ctx, s, req->name, &j, err);
        if (r < 0)
                return r;
        if (runtime_state_read(ctx, req->name, &st) <= 0) {
                r = jailor_error_set(err, EALREADY, "%s is not running!", req->name);
                goto out;
        }
        e.clean_env = jail_prop_true(j, "exec_clean");
        r = confine_from_props(j->props, &confine, err);
        if (r == 0)
                r = confine_seccomp_prepare(ctx, &confine, err);
        if (r < 0)
                goto out;
        e.confine = &confine;
        r = open_namespaces(st.init, e.ns, err);
        if (r < 0)
                goto out;
        snprintf(root, sizeof(root), "/proc/%d/root", (int)st.init);
        root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0) {
                r = jailor_error_errno(err, errno, "Cannot open '%s'", root);
                goto close_ns;
        }
        /* the PID must still be the jail's init, not a process that took its number */
        if (proc_start_time(st.init) != st.init_start) {
                r = jailor_error_set(err, EALREADY, "%s is not running!", req->name);
                goto close_ns;
        }
        r = cgroup_open(req->name, &cg, err);
        if (r < 0)
                goto close_ns;
        if (tty || req->console) {
                r = open_jail_pty(root_fd, &master, &e.pty_slave, err);
                if (r < 0)
                        goto close_ns;
        }
        if (pipe2(report, O_CLOEXEC) < 0) {
                r = jailor_error_errno(err, errno, "Cannot run in jail '%s'", req->name);
                goto close_ns;
        }
        e.report = report[1];
        /* born in the jail's cgroup, while the host's cgroup tree is in view (cgroup_join.c) */
        pid = cgroup_clone(cg, SIGCHLD, &born_in_unified, err);
        if (pid < 0) {
                r = jailor_error_prefix(err, "Cannot run in jail '%s'", req->name);
                goto close_ns;
        }
        if (pid == 0) {
                struct jailor_error cerr = {0};

                close(report[0]);
                if (master >= 0)
                        close(master);
                /*
                 * Only stdin, stdout and stderr go into the jail: any other
                 * descriptor the caller left inheritable (a directory, say)
                 * would be a way out of the jail's root through /proc/self/fd.
                 */
                if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
                        fail(&e, "Cannot close the caller's descriptors: %s", strerror(errno));
                if (cgroup_join_rest(cg, born_in_unified, &cerr) < 0)
                        fail(&e, "%s", cerr.msg);
                enter_and_run(&e);
        }
        close(report[1]);
        report[1] = -1;
        if (e.pty_slave >= 0) {
                close(e.pty_slave);
                e.pty_slave = -1;
        }
        if (master >= 0)
                relay(master);
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        break;
        n = read(report[0], why, sizeof(why) - 1);
        if (n > 0) {
                why[n] = '\0';
                r = jailor_error_set(err, EIO, "%s", why);
                goto close_ns;
        }
        *ret_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        r = 0;
close_ns:
        for (size_t i = 0; i < N_NS; i++)
                if (e.ns[i] > 0)
                        close(e.ns[i]);
out:
        if (report[0] >= 0)
                close(report[0]);
        if (report[1] >= 0)
                close(report[1]);
        if (master >= 0)
                close(master);
        if (e.pty_slave >= 0)
                close(e.pty_slave);
        if (cg)
                cgroup_free(cg);
        confine_seccomp_release(&confine);
        jail_free(j);
        return r;
}
