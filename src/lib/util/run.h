/* SPDX-License-Identifier: MIT */
/*
 * Running a helper program (zfs, zpool, btrfs, debootstrap) without a shell:
 * argv is passed as is, so no input is ever interpreted by /bin/sh.
 */
#pragma once

#include "../error.h"

/*
 * Runs argv[0] (looked up in PATH) with stdin from /dev/null.  On success,
 * *ret_stdout (when not NULL) gets what it printed.  A non-zero exit becomes
 * an error whose message names the command and quotes its stderr.
 */
int run_command(char *const argv[], char **ret_stdout, struct jailor_error *err);

/* Like run_command, and treats the exit status as data: *ret_status gets it. */
int run_command_status(char *const argv[], char **ret_stdout, char **ret_stderr, int *ret_status,
                       struct jailor_error *err);

/*
 * Runs `from | to`: from's stdout feeds to's stdin (zfs send | zfs recv), both
 * without a shell.  Fails when either fails; the message names the failing
 * command and quotes its stderr (the receiver's first, as it knows why).
 */
int run_pipeline(char *const from[], char *const to[], struct jailor_error *err);
