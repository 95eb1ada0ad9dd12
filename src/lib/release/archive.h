/* SPDX-License-Identifier: MIT */
/*
 * Safe extraction of root file system archives (tar, .gz, .xz, .zst, ...)
 * through libarchive.  An archive whose entries would land outside the
 * destination is refused as a whole: absolute paths, `..` components, hard
 * links to outside, and symbolic links whose relative target climbs above
 * the root.  Absolute symbolic link targets are allowed: inside a jail they
 * resolve within its root, and jailor never follows links inside a release
 * from the host.  Owners, modes, times, xattrs, ACLs and device nodes are
 * kept.
 */
#pragma once

#include "../context.h"

/*
 * Extracts archive_path into dest, an existing directory; messages call the
 * archive `label` (what the user named).  On failure dest may hold part of
 * the archive: callers extract into a staging dataset and destroy it.
 */
int archive_extract(const struct jailor_ctx *ctx, const char *archive_path, const char *label,
                    const char *dest, struct jailor_error *err);

/* The rule a path inside an archive breaks, or NULL when it is safe. */
const char *archive_path_unsafe(const char *path);

/* The rule a symbolic link at path with target breaks, or NULL. */
const char *archive_symlink_unsafe(const char *path, const char *target);
