/* SPDX-License-Identifier: MIT */
/*
 * A jail's mount points: the file jails/NAME/fstab (SPEC §2, iocage §3.4).
 *
 * One entry a line: six fields separated by tabs, then an optional comment:
 *
 *   SRC <TAB> DST <TAB> TYPE <TAB> OPTIONS <TAB> DUMP <TAB> PASS [<TAB># comment]
 *
 * SRC is a path on the host; DST an absolute path inside the jail, always
 * resolved within the jail's root, never on the host.  Space, tab, newline,
 * '\' and '#' in a field are written as fstab(5) octal escapes ("\040" for
 * a space).  Blank lines and lines starting with '#' are not entries; the
 * editing functions keep them byte for byte.  Entries are numbered from 0
 * in file order, as iocage numbers them.
 *
 * Entries commented "basejail" are the release's system directories of a
 * basejail (create.c writes them): listed with the others, but `fstab -r`
 * and `-e` refuse them, since they follow the release, not the user.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "../context.h"
#include "../storage/storage.h"

#define FSTAB_BASEJAIL_COMMENT "basejail"

struct fstab_entry {
        char *src;     /* decoded */
        char *dst;     /* decoded, absolute, no ".." */
        char *type;    /* "bind" for everything jailor writes */
        char *options; /* "ro", "rw", ... */
        unsigned dump, pass;
        char *comment; /* the text after '#', trimmed; NULL when none */
        bool basejail;
};

/*
 * The runtime's reader: every entry of the fstab at path, in order.  A
 * missing file has no entries.  EINVAL naming the file and line for a line
 * that is not an entry, or whose DST is not an absolute path free of "..".
 */
int fstab_read(const char *path, struct fstab_entry **ret, size_t *ret_n, struct jailor_error *err);

void fstab_entry_done(struct fstab_entry *e);
void fstab_entries_free(struct fstab_entry *v, size_t n);

/*
 * Splits one line into its fields, decoding escapes, up to a field starting
 * with '#' (the comment, returned trimmed in *ret_comment when wanted).
 * Fields are separated by any run of blanks, as fstab(5) has it.
 */
int fstab_split(const char *line, char ***ret_fields, size_t *ret_n, char **ret_comment);

/* The entry as one line of the file, newline included; NULL on out of memory. */
char *fstab_format(const struct fstab_entry *e);

/*
 * A path inside the jail in its one spelling: absolute, no empty or "."
 * components, no trailing '/'.  "..", a relative path and "/" itself are
 * refused (EINVAL, quoting what was given).
 */
int fstab_normalize_dst(const char *dst, char **ret, struct jailor_error *err);

/*
 * The file as lines, for editing: lines that are not entries are written
 * back as they were read, entries that were not touched too.
 */
struct fstab_line {
        char *text; /* as read, without its newline; NULL for an entry added or replaced */
        bool is_entry;
        bool removed;
        struct fstab_entry entry; /* when is_entry */
};

struct fstab_file {
        char *path;
        struct fstab_line *lines;
        size_t n_lines;
};

/* Loads path (a missing file is an empty one). */
int fstab_file_load(const char *path, struct fstab_file *f, struct jailor_error *err);
/* Writes the file atomically. */
int fstab_file_save(const struct fstab_file *f, struct jailor_error *err);
void fstab_file_done(struct fstab_file *f);

size_t fstab_file_count(const struct fstab_file *f);
/* The line holding entry index, or NULL when there is none. */
struct fstab_line *fstab_file_entry(struct fstab_file *f, size_t index);
/* Puts a copy of e in place of the line's entry. */
int fstab_line_replace(struct fstab_line *l, const struct fstab_entry *e);
/* Appends a copy of e as a new last line. */
int fstab_file_append(struct fstab_file *f, const struct fstab_entry *e);

/* ---- the fstab command (fstab_edit.c) ---------------------------------- */

/* A bind mount as `fstab -a` and `-e` take it. */
struct fstab_mount {
        const char *src; /* an existing absolute host path, not inside the jail's own directory */
        const char *dst; /* an absolute path inside the jail */
        bool rw;         /* default read-only */
};

/* Which entry `fstab -r` removes. */
struct fstab_match {
        bool by_index;
        size_t index;
        /*
         * Otherwise the entry's fields, decoded: SRC DST, then either ro|rw
         * (as -a takes it) or TYPE OPTIONS [DUMP PASS]; only those given are
         * compared.
         */
        char *const *fields;
        size_t n_fields;
};

/* The entries of jail (or template) name, in order. */
int jail_fstab_list(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                    struct fstab_entry **ret, size_t *ret_n, struct jailor_error *err);

/*
 * Adds a bind mount to the stopped jail name; *ret_index gets its index.
 * DST is created in the jail's root when missing (a directory, or an empty
 * file when SRC is not a directory), through directories opened inside the
 * root, so links in the jail cannot lead the creation out of it.  A DST
 * already mounted by another entry is refused (EEXIST).  The file is
 * written atomically; templates are refused (their records are read-only).
 */
int jail_fstab_add(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                   const struct fstab_mount *m, size_t *ret_index, struct jailor_error *err);

/* Replaces entry index with m, checked as jail_fstab_add checks it. */
int jail_fstab_edit(const struct jailor_ctx *ctx, struct storage *s, const char *name, size_t index,
                    const struct fstab_mount *m, struct jailor_error *err);

/* Removes the entry m selects; a copy of it goes to *ret_removed when not NULL. */
int jail_fstab_remove(const struct jailor_ctx *ctx, struct storage *s, const char *name,
                      const struct fstab_match *m, struct fstab_entry *ret_removed,
                      struct jailor_error *err);
