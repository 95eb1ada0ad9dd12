/* SPDX-License-Identifier: MIT */
/*
 * For the backends only (btrfs.c, dir.c, recorded.c, records.c): the record
 * store they share, described at the top of records.c.
 */
#pragma once

#include <errno.h>

#include "storage.h"
#include "../util/cleanup.h"

/*
 * Per dataset, what the file system cannot tell by itself (origin,
 * snapshots and their clones, read-only flag, quota, properties), keyed by
 * a random id so that renames never touch it.
 */
#define STORAGE_ID_LEN 16

struct storage_snaprec {
        char *name;
        int64_t created;
        bool ref;      /* dir: a reference to the read-only dataset itself, no copy */
        char **clones; /* ids of the datasets cloned from it; NULL-terminated, may be NULL */
};

struct storage_rec {
        char id[STORAGE_ID_LEN + 1];
        char *name;      /* the dataset's name when last saved: a hint */
        char *origin_id; /* a clone of origin_id@origin_snap, or NULL */
        char *origin_snap;
        bool readonly;
        uint64_t quota;
        struct storage_snaprec *snaps; /* oldest first */
        size_t n_snaps;
        char **props; /* key, value, key, value, ..., NULL; may be NULL */
};

int storage_store_init(struct storage *s, struct jailor_error *err);
/* <root>/.storage/<a>[/<b>]; NULL on out of memory. */
char *storage_store_path(const struct storage *s, const char *a, const char *b);
/* A fresh unused path in the store's staging area (not created); NULL on out of memory. */
char *storage_store_tmp(const struct storage *s, const char *what);
/* Serialises changes to the store: an exclusive flock held until *ret_fd is closed. */
int storage_store_lock(struct storage *s, int *ret_fd, struct jailor_error *err);

/* ids/<id>/<sub>, or ids/<id>/ when sub is NULL: a dataset's data; NULL on out of memory. */
char *storage_rec_data_path(const struct storage *s, const char *id, const char *sub);
/* ids/<id>/snap/<snap>: where both backends keep a snapshot's data; NULL on out of memory. */
char *storage_rec_snap_path(const struct storage *s, const char *id, const char *snap);
/* Creates ids/<id>/snap/ when missing. */
int storage_rec_make_snap_dir(const struct storage *s, const char *id, struct jailor_error *err);

int storage_rec_new(struct storage_rec **ret, struct jailor_error *err);
void storage_rec_free(struct storage_rec *r);
DEFINE_CLEANUP_FUNC(struct storage_rec, storage_rec_free)
/* 1 when ds has a record, 0 when not, -errno. */
int storage_rec_exists(struct storage *s, const char *ds);
/* ENOENT "Dataset 'ds' does not exist" when it has no record. */
int storage_rec_load(struct storage *s, const char *ds, struct storage_rec **ret,
                     struct jailor_error *err);
int storage_rec_load_id(struct storage *s, const char *id, struct storage_rec **ret,
                        struct jailor_error *err);
/* Takes the store's lock into *ret_lock, then loads ds's record: how a change to ds starts. */
int storage_rec_lock_load(struct storage *s, const char *ds, int *ret_lock,
                          struct storage_rec **ret, struct jailor_error *err);
int storage_rec_save(struct storage *s, const struct storage_rec *r, struct jailor_error *err);
/* Creates ids/<id>/ and saves r in it: the dataset's private area. */
int storage_rec_create(struct storage *s, const struct storage_rec *r, struct jailor_error *err);
/* Gives ds its name: names/<ds>/@id appears atomically (the commit point of a create). */
int storage_rec_link(struct storage *s, const char *ds, const char *id, struct jailor_error *err);
/* Removes the names of ds and its descendants. */
int storage_rec_unlink(struct storage *s, const char *ds, struct jailor_error *err);
/*
 * The commit point of a destroy: removes the names of ds and the datasets of
 * subtree below it, then their ids from their origins' clone lists.
 * *ret_ids gets the ids whose data (ids/<id>/) the backend removes next.
 */
int storage_rec_forget(struct storage *s, const char *ds, char **subtree, char ***ret_ids,
                       struct jailor_error *err);
/* Renames ds and its descendants in names/ and refreshes their hints. */
int storage_rec_move(struct storage *s, const char *old_ds, const char *new_ds,
                     struct jailor_error *err);
/* ds and all its descendants, parents before children. */
int storage_rec_subtree(struct storage *s, const char *ds, char ***ret, struct jailor_error *err);
/* The last components of ds's direct children ("root" for "jails/web/root"). */
int storage_rec_children(struct storage *s, const char *ds, char ***ret, struct jailor_error *err);
/* The current name of the dataset with this id. */
int storage_rec_name(struct storage *s, const char *id, char **ret, struct jailor_error *err);
/* The names of the datasets with these ids; ids of datasets half destroyed are left out. */
int storage_rec_names(struct storage *s, char **ids, char ***ret, struct jailor_error *err);
/* Checks that ds can be created: its parent exists, nothing of that name does. */
int storage_rec_check_new(struct storage *s, const char *ds, struct jailor_error *err);

struct storage_snaprec *storage_rec_snap(const struct storage_rec *r, const char *snap);
int storage_rec_snap_add(struct storage_rec *r, const char *snap, int64_t created, bool ref,
                         struct jailor_error *err);
void storage_rec_snap_drop(struct storage_rec *r, struct storage_snaprec *sr);
/* Adds or removes clone_id in the clone list of origin_id@snap, and saves. */
int storage_rec_clone_link(struct storage *s, const char *origin_id, const char *snap,
                           const char *clone_id, bool add, struct jailor_error *err);
/* EBUSY "Snapshot 'ds@snap' has dependent clones: a, b" when sr has clones. */
int storage_rec_snap_busy(struct storage *s, const char *ds, const struct storage_snaprec *sr,
                          struct jailor_error *err);
/* EBUSY naming them when snapshots in the subtree have clones outside it. */
int storage_rec_subtree_busy(struct storage *s, const char *ds, char **subtree,
                             struct jailor_error *err);

/* The one message for a failed allocation. */
static inline int oom(struct jailor_error *err)
{
        return jailor_error_set(err, ENOMEM, "Out of memory");
}
