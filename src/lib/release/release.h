/* SPDX-License-Identifier: MIT */
/*
 * Releases (SPEC §4): pristine root file systems in releases/NAME/root, with
 * releases/NAME/release.json describing where each came from.
 *
 * A fetch works in a staging dataset, download/NAME/partial, and renames it
 * to releases/NAME as its last step: a fetch killed at any moment leaves no
 * release, only staging debris that the next fetch of NAME (or `clean -d`)
 * removes.  What was downloaded stays in download/NAME/ and is reused.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "../context.h"
#include "../storage/storage.h"

struct fetch_request {
        const char *name;    /* the release's name; a Debian suite without file/url */
        const char *file;    /* a local root file system archive */
        const char *url;     /* an archive to download ... */
        const char *sha256;  /* ... which must have this SHA-256 */
        const char *tarball; /* a Debian suite from this `debootstrap --make-tarball` file */
        bool force;          /* allow a suite newer than the host's Debian */
};

int release_fetch(const struct jailor_ctx *ctx, struct storage *s, const struct fetch_request *req,
                  struct jailor_error *err);

/* Debian suites that can be fetched: [{name, version, fetched, newer_than_host}]. */
int release_fetchable(struct storage *s, bool all, json_t **ret, struct jailor_error *err);

/* The fetched releases, sorted by name: their release.json objects. */
int release_list(struct storage *s, json_t **ret, struct jailor_error *err);

/* Jails and templates that use release name, as "jails/NAME"/"templates/NAME". */
int release_dependants(struct storage *s, const char *name, char ***ret, struct jailor_error *err);

/* Removes a release; refused while jails or templates use it, unless recursive. */
int release_destroy(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                    bool recursive, struct jailor_error *err);

/* Empties download/ (and staging debris); releases and jails are untouched. */
int release_clean_downloads(const struct jailor_ctx *ctx, struct storage *s,
                            struct jailor_error *err);
