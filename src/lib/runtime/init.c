/* SPDX-License-Identifier: MIT */
#include "init.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Grace given to the jail's processes between SIGTERM and SIGKILL. */
#define INIT_GRACE_SECONDS 5

/*
 * The init of a PID namespace only receives the signals it has a handler
 * for, even blocked ones: this empty handler makes them deliverable to
 * sigwaitinfo.
 */
static void on_signal(int sig)
{
}

static void start_program(const char *command)
{
        struct stat st;
        pid_t pid;

        if (!command && (stat("/etc/rc.local", &st) < 0 || !(st.st_mode & S_IXUSR)))
                return;
        pid = fork();
        if (pid != 0)
                return;
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        setsid();
        if (command)
                execl("/bin/sh", "sh", "-c", command, (char *)NULL);
        else
                execl("/etc/rc.local", "rc.local", (char *)NULL);
        _exit(127);
}

static void reap_all(void)
{
        while (waitpid(-1, NULL, WNOHANG) > 0)
                ;
}

_Noreturn static void shut_down(void)
{
        struct timespec deadline, now;

        kill(-1, SIGTERM);
        kill(-1, SIGCONT);
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += INIT_GRACE_SECONDS;
        for (;;) {
                pid_t pid = waitpid(-1, NULL, WNOHANG);

                if (pid < 0 && errno == ECHILD)
                        break;
                if (pid > 0)
                        continue;
                clock_gettime(CLOCK_MONOTONIC, &now);
                if (now.tv_sec >= deadline.tv_sec) {
                        kill(-1, SIGKILL);
                        while (waitpid(-1, NULL, 0) > 0)
                                ;
                        break;
                }
                usleep(20 * 1000);
        }
        _exit(0);
}

_Noreturn void builtin_init(const char *command)
{
        static const int handled[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2};
        struct sigaction sa = {.sa_handler = on_signal};
        sigset_t set;

        prctl(PR_SET_NAME, "jailor-init");
        sigemptyset(&set);
        for (size_t i = 0; i < sizeof(handled) / sizeof(handled[0]); i++) {
                sigaction(handled[i], &sa, NULL);
                sigaddset(&set, handled[i]);
        }
        sigaction(SIGRTMIN + 3, &sa, NULL);
        sigaddset(&set, SIGRTMIN + 3);
        sigprocmask(SIG_BLOCK, &set, NULL);

        start_program(command);
        for (;;) {
                siginfo_t info;
                int sig = sigwaitinfo(&set, &info);

                if (sig == SIGCHLD)
                        reap_all();
                else if (sig == SIGTERM || sig == SIGINT || sig == SIGRTMIN + 3)
                        shut_down();
        }
}
