/* SPDX-License-Identifier: MIT */
/*
 * Debian releases through debootstrap, in two steps so that the download
 * can be kept and reused: --make-tarball fetches the packages into one
 * tarball (download/SUITE/), --unpack-tarball installs them into the
 * release's root.  Both run in a private mount namespace, so the mounts
 * debootstrap makes inside the target vanish with it even when it is
 * killed, and die with jailor (PR_SET_PDEATHSIG).
 */
#pragma once

#include "../context.h"

/* Packages every Debian release gets on top of minbase (SPEC §4). */
#define DEBOOTSTRAP_INCLUDE "systemd-sysv,iproute2,ca-certificates"

/* Downloads suite's packages from mirror into tarball; work is a scratch directory. */
int debootstrap_make_tarball(const struct jailor_ctx *ctx, const char *suite, const char *mirror,
                             const char *tarball, const char *work, struct jailor_error *err);

/* Installs the packages of tarball into target, an empty directory. */
int debootstrap_unpack_tarball(const struct jailor_ctx *ctx, const char *suite,
                               const char *mirror, const char *tarball, const char *target,
                               struct jailor_error *err);
