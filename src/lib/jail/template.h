/* SPDX-License-Identifier: MIT */
/*
 * Templates (SPEC §5, iocage.md §4.5): `set template=yes JAIL` moves the
 * stopped jail from jails/NAME to templates/NAME and makes its root
 * read-only; `template=no` does the reverse.  New jails are made from a
 * template with `create -t` (create.c), which clones a snapshot of the
 * template's root, so a template with such jails cannot become a jail
 * again: its root would change under them.
 *
 * The caller holds the jail's lock (jail_lock).  Whether the jail is
 * running is asked of jail_state() (list.h).
 */
#pragma once

#include "../context.h"
#include "../storage/storage.h"
#include "jail.h"

/* Whether template_make can proceed: j is a jail, it and its clones are stopped. */
int template_check_make(const struct jailor_ctx *ctx, struct storage *s, const struct jail *j,
                        struct jailor_error *err);
/* Whether template_unmake can proceed: j is a template, no jail was cloned from it. */
int template_check_unmake(const struct jailor_ctx *ctx, struct storage *s, const struct jail *j,
                          struct jailor_error *err);

/*
 * Makes jail j a template: its root read-only, then the rename of jails/NAME
 * to templates/NAME.  On success j describes the template (ds, root_ds,
 * is_template); on failure nothing changed.
 */
int template_make(const struct jailor_ctx *ctx, struct storage *s, struct jail *j,
                  struct jailor_error *err);

/* The reverse: templates/NAME back to jails/NAME, then its root writable. */
int template_unmake(const struct jailor_ctx *ctx, struct storage *s, struct jail *j,
                    struct jailor_error *err);
