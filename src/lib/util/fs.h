/* SPDX-License-Identifier: MIT */
/* File and path helpers: atomic writes, whole-file reads, trees. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../error.h"

/*
 * Writes data to path so that a crash leaves either the old file or the new
 * one: write a temporary file in the same directory, fsync it, rename it
 * over path, fsync the directory.
 */
int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
                      struct jailor_error *err);

/* Reads a whole file into a NUL-terminated buffer. */
int read_file(const char *path, char **ret, size_t *ret_len, struct jailor_error *err);

/* fsyncs the directory that contains path. */
int fsync_parent_dir(const char *path);

/* mkdir -p; existing directories are fine. */
int mkdir_p(const char *path, mode_t mode, struct jailor_error *err);

/* rm -rf that never crosses into another mounted file system. */
int rm_rf(const char *path, struct jailor_error *err);

/*
 * The walk of an rm -rf: remove_entry(fd, entry, data) for every entry of
 * the directory name in dfd (a link is not followed).  Goes on after a
 * failure and returns the first one, as -errno.
 */
int remove_dir_entries(int dfd, const char *name,
                       int (*remove_entry)(int dfd, const char *name, void *data), void *data);

/* Concatenates the NULL-terminated list of strings; NULL on out of memory. */
char *strjoin(const char *first, ...) __attribute__((sentinel));

/* "a" + "/" + "b", with exactly one slash between them. */
char *path_join(const char *a, const char *b);

bool path_exists(const char *path);
bool dir_exists(const char *path);

/*
 * Opens path inside the directory tree root as if root were "/": symbolic
 * links and ".." cannot lead out of it (openat2 RESOLVE_IN_ROOT).  For files
 * inside releases and jails, whose links must never reach the host.
 */
int open_in_root(const char *root, const char *path, int flags, mode_t mode);

/* Reads path inside root (open_in_root); -ENOENT when it is not there. */
int read_file_in_root(const char *root, const char *path, char **ret, struct jailor_error *err);

/*
 * write_file_atomic for path inside root: the directory is resolved with
 * open_in_root, the temporary file made in it and renamed over the last
 * component.  A symbolic link there is replaced by the new file, never
 * followed, so a jail's link cannot make jailor write outside the jail.
 */
int write_file_atomic_in_root(const char *root, const char *path, const char *data, size_t len,
                              mode_t mode, struct jailor_error *err);
