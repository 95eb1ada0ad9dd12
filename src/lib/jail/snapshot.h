/* SPDX-License-Identifier: MIT */
/*
 * Snapshots of a jail (iocage snapshot, snaplist, rollback, snapremove).
 *
 * A jail snapshot SNAP is two things:
 *
 *   <jail ds>/root@SNAP               the storage snapshot of the jail's root
 *   <jail ds>/snapshots/SNAP.json     its record: when, the root's size then
 *                                     (RSIZE), and config.json and fstab as
 *                                     they were, which rollback restores
 *
 * The record is written first and the storage snapshot is the commit point:
 * a snapshot killed at any moment either exists, with its record, or does
 * not (a record without its snapshot is ignored and swept away later).
 * Storage snapshots of the root that jailor did not take (by hand with zfs,
 * or a template's origins of jails made with create -t) are listed with no
 * RSIZE, and rollback to them restores the root only.
 *
 * The snapshot `clone` takes as a new jail's origin is marked in its record
 * with the clone's name.  While no clone outside staging/ uses it, it is
 * debris of a clone that failed or was killed: snaplist does not show it,
 * and the next change to the jail's snapshots removes it.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jail.h"

/* Where a jail keeps its snapshot records: <jail ds>/snapshots/ */
#define JAIL_SNAPSHOT_DIR "snapshots"

struct jail_snapshot {
        char *name;
        int64_t created; /* seconds since the epoch */
        int64_t rsize;   /* bytes of the root when taken; -1 when unknown */
        uint64_t used;   /* bytes held only by this snapshot (best effort) */
        bool has_config; /* rollback restores config.json and fstab too */
        char **clones;   /* the jails cloned from it ("jails/x"); NULL-terminated */
};

/*
 * Takes snapshot snap (NULL: the UTC time, %Y-%m-%d_%H-%M-%S, as iocage
 * names them but with '-' for ':', which snapshot names cannot hold) of jail
 * name.  EEXIST "Snapshot 'jails/web@x' already exists".
 *
 * These commands give the snapshot's label ("jails/web@x", "templates/t@x")
 * in *ret_label when it is not NULL.
 */
int jail_snapshot(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                  const char *snap, char **ret_label, struct jailor_error *err);

/* The snapshots of jail name, oldest first (debris of failed clones left out). */
int jail_snapshot_list(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                       struct jail_snapshot **ret, size_t *ret_n, struct jailor_error *err);
void jail_snapshots_free(struct jail_snapshot *v, size_t n);

/*
 * Returns the stopped jail to snapshot snap: its root (later snapshots are
 * destroyed, as zfs rollback -r does; refused while they have clones), then
 * config.json and fstab.  A rollback killed halfway is finished by running
 * it again.  Templates are refused (their root is read-only).
 */
int jail_rollback(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                  const char *snap, char **ret_label, struct jailor_error *err);

/* Destroys snapshot snap of jail name; refused (EBUSY, naming them) while clones use it. */
int jail_snapremove(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                    const char *snap, char **ret_label, struct jailor_error *err);

/* "jails/web@snap": how messages name a jail snapshot. */
char *jail_snapshot_label(const struct jail *j, const char *snap);

/*
 * For clone.c: takes snapshot snap of jail j (locked), its record marked as
 * the origin of the clone named for_clone (NULL: an ordinary snapshot).
 */
int jail_snapshot_take(struct storage *s, const struct jail *j, const char *snap,
                       const char *for_clone, struct jailor_error *err);

/* For clone.c: undoes jail_snapshot_take (the storage snapshot, then its record). */
void jail_snapshot_drop(struct storage *s, const struct jail *j, const char *snap);

/*
 * For rename.c: renames the snapshot origin_ds@old_snap to @new_snap, and
 * its record with it when origin_ds is a jail's or template's root.  Done
 * as copy record, rename snapshot, remove old record, so a kill leaves the
 * snapshot with a record under one of its names.
 */
int jail_snapshot_rename(struct storage *s, const char *origin_ds, const char *old_snap,
                         const char *new_snap, struct jailor_error *err);

/* For rename.c and clone.c: removes debris of failed clones from jail j's snapshots. */
void jail_snapshot_sweep(struct storage *s, const struct jail *j);
