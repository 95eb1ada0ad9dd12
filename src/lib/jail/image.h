/* SPDX-License-Identifier: MIT */
/*
 * Jails as image files: jailor export and import (SPEC §5, iocage §5.4).
 *
 * An image is images/NAME_<UTC %Y-%m-%d_%H%M%S>.tar.zst, a pax tar archive
 * compressed with zstd holding
 *
 *   config.json   the jail's config.json, with host_hostuuid naming the jail
 *   fstab         its mount points
 *   root/         its root file system: owners as numbers (never names, the
 *                 host's passwd is not the jail's), modes, times, xattrs,
 *                 ACLs, device nodes, hard links
 *
 * and, beside it, NAME_<...>.tar.zst.sha256 holding "<hex>  <file>\n" as
 * sha256sum writes it.  Unlike iocage, import checks that checksum before
 * anything is created.
 */
#pragma once

#include <stdbool.h>

#include "../context.h"
#include "../storage/storage.h"

#define IMAGE_SUFFIX ".tar.zst"
#define IMAGE_PART_SUFFIX ".part"
#define IMAGE_SHA256_SUFFIX ".sha256"

/*
 * Exports the stopped jail or template name into images/; *ret_path gets
 * the image's path.  The archive is written as IMAGE.part, its checksum
 * file next, and the rename of IMAGE.part to IMAGE is the commit point: a
 * killed export leaves no image, only a .part (or a lone .sha256) that the
 * next export of the jail removes.
 */
int jail_export(const struct jailor_ctx *ctx, struct storage *s, const char *name, char **ret_path,
                struct jailor_error *err);

/*
 * Imports an image as a new jail.  image is a path (anything with a '/', or
 * an existing file), or a name matched in images/: the file name itself,
 * NAME_<time> with or without .tar.zst, or NAME when exactly one export of
 * NAME is there.  The jail is named name, or else as in the image's config.
 *
 * The checksum and the layout of the archive (only config.json, fstab and
 * root/, every entry safe to extract) are checked before anything is
 * created.  The jail is then built in staging/NAME, a plain dataset filled
 * from the archive, and renamed into jails/NAME: an exported template comes
 * back as a jail, as iocage does.  A basejail's release mounts are pointed
 * at this pool's release.  *ret_name gets the jail's name.
 */
int jail_import(const struct jailor_ctx *ctx, struct storage *s, const char *image,
                const char *name, char **ret_name, struct jailor_error *err);

/* ---- shared by image_export.c and image_import.c (image.c) ---- */

/* The time part of an image name: "2024-05-01_101112" (UTC). */
#define IMAGE_STAMP_LEN 17

/*
 * When file is "<name>_<stamp><suffix>" (suffix exactly, e.g.
 * IMAGE_SUFFIX), returns the length of <name>; else 0.
 */
size_t image_name_length(const char *file, const char *suffix);

/* Reads the hex digest of the checksum file of image (image + ".sha256"). */
int image_checksum_read(const char *image, const char *label, char hex[65],
                        struct jailor_error *err);
