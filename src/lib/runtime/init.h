/* SPDX-License-Identifier: MIT */
/*
 * jailor's built-in init, PID 1 of a jail that has no /sbin/init (or whose
 * exec_start is a command): it runs that command or /etc/rc.local when
 * executable, reaps every orphan, and on SIGTERM, SIGINT or SIGRTMIN+3
 * (what `jailor stop` sends) terminates every process of the jail, waits
 * for them, and exits.  It never returns.
 */
#pragma once

/* command: exec_start when it is not "auto", else NULL. */
_Noreturn void builtin_init(const char *command);
