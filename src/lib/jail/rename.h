/* SPDX-License-Identifier: MIT */
/*
 * jailor rename JAIL NEW (iocage rename, with the checks iocage forgot: the
 * new name is validated, and the hostname inside the jail follows).
 */
#pragma once

#include "jail.h"

/*
 * Renames jail or template old_name (stopped) to new_name, holding the locks
 * of both names.  All or nothing: everything that names the jail is changed
 * first (its origin snapshot @OLD -> @NEW, a hostname that was the default
 * one in config.json, /etc/hostname and /etc/hosts, the source_template of
 * jails made from a template), then the dataset is renamed: the commit
 * point.  A failure undoes the first steps; a rename killed before the
 * commit leaves the jail under its old name, working, and running the same
 * rename again finishes it.
 */
int jail_rename(const struct jailor_ctx *ctx, struct storage *s, const char *old_name,
                const char *new_name, struct jailor_error *err);
