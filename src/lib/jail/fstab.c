/* SPDX-License-Identifier: MIT */
/* The fstab file format: escapes, lines, entries, and rewriting it in place. */
#include "fstab.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/cleanup.h"
#include "../util/fs.h"

/* Characters that would end a field or start a comment, and control characters. */
static bool needs_escape(unsigned char c)
{
        return c <= ' ' || c == '\\' || c == '#' || c == 0x7f;
}

static void put_escaped(FILE *f, const char *s)
{
        for (; *s; s++) {
                if (needs_escape((unsigned char)*s))
                        fprintf(f, "\\%03o", (unsigned char)*s);
                else
                        fputc(*s, f);
        }
}

static bool is_octal(char c)
{
        return c >= '0' && c <= '7';
}

/* Decodes "\ooo" escapes of len bytes at s; other backslashes stay as they are. */
static char *unescape(const char *s, size_t len)
{
        char *out = malloc(len + 1), *o = out;

        if (!out)
                return NULL;
        for (size_t i = 0; i < len; i++) {
                if (s[i] == '\\' && i + 3 < len && is_octal(s[i + 1]) && is_octal(s[i + 2]) &&
                    is_octal(s[i + 3])) {
                        int v = (s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0');

                        if (v > 0 && v < 256) {
                                *o++ = (char)v;
                                i += 3;
                                continue;
                        }
                }
                *o++ = s[i];
        }
        *o = '\0';
        return out;
}

static char *trim_comment(const char *s)
{
        const char *end;

        while (*s == '#' || isblank((unsigned char)*s))
                s++;
        end = s + strlen(s);
        while (end > s && isspace((unsigned char)end[-1]))
                end--;
        return strndup(s, (size_t)(end - s));
}

int fstab_split(const char *line, char ***ret_fields, size_t *ret_n, char **ret_comment)
{
        _cleanup_strv_free_ char **fields = calloc(1, sizeof(char *));
        size_t n = 0;
        const char *p = line;

        if (!fields)
                return -ENOMEM;
        if (ret_comment)
                *ret_comment = NULL;
        for (;;) {
                size_t len;
                char **grown;

                while (isspace((unsigned char)*p))
                        p++;
                if (!*p)
                        break;
                if (*p == '#') {
                        if (ret_comment && !(*ret_comment = trim_comment(p)))
                                return -ENOMEM;
                        break;
                }
                len = strcspn(p, " \t\r\n\v\f");
                grown = realloc(fields, (n + 2) * sizeof(char *));
                if (!grown)
                        return -ENOMEM;
                fields = grown;
                fields[n] = unescape(p, len);
                if (!fields[n])
                        return -ENOMEM;
                fields[++n] = NULL;
                p += len;
        }
        *ret_fields = TAKE_PTR(fields);
        *ret_n = n;
        return 0;
}

int fstab_normalize_dst(const char *dst, char **ret, struct jailor_error *err)
{
        _cleanup_free_ char *out = NULL;
        size_t len = 0;
        const char *p = dst;

        if (dst[0] != '/')
                return jailor_error_set(
                    err, EINVAL,
                    "Invalid destination '%s': expected an absolute path inside "
                    "the jail",
                    dst);
        out = malloc(strlen(dst) + 1);
        if (!out)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        while (*p) {
                size_t n;

                while (*p == '/')
                        p++;
                n = strcspn(p, "/");
                if (n == 0 || (n == 1 && p[0] == '.')) {
                        p += n;
                        continue;
                }
                if (n == 2 && p[0] == '.' && p[1] == '.')
                        return jailor_error_set(
                            err, EINVAL, "Invalid destination '%s': '..' is not allowed", dst);
                out[len++] = '/';
                memcpy(out + len, p, n);
                len += n;
                p += n;
        }
        if (len == 0)
                return jailor_error_set(
                    err, EINVAL, "Invalid destination '%s': cannot mount over the jail's root",
                    dst);
        out[len] = '\0';
        *ret = TAKE_PTR(out);
        return 0;
}

static int parse_number(const char *s, unsigned *ret)
{
        char *end;
        unsigned long v;

        if (!isdigit((unsigned char)*s))
                return -EINVAL;
        errno = 0;
        v = strtoul(s, &end, 10);
        if (errno || *end || v > 9)
                return -EINVAL;
        *ret = (unsigned)v;
        return 0;
}

/*
 * One line: 1 and the entry, 0 for a blank or comment line, or -EINVAL with
 * the rule the line breaks in err.
 */
static int parse_line(const char *line, struct fstab_entry *ret, struct jailor_error *err)
{
        _cleanup_strv_free_ char **fields = NULL;
        _cleanup_free_ char *comment = NULL, *dst = NULL;
        struct fstab_entry e = {0};
        size_t n = 0;
        int r;

        if (fstab_split(line, &fields, &n, &comment) < 0)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (n == 0)
                return 0;
        if (n < 4 || n > 6)
                return jailor_error_set(err, EINVAL, "expected SRC DST TYPE OPTIONS [DUMP PASS]");
        if ((n > 4 && parse_number(fields[4], &e.dump) < 0) ||
            (n > 5 && parse_number(fields[5], &e.pass) < 0))
                return jailor_error_set(err, EINVAL, "DUMP and PASS must be digits");
        r = fstab_normalize_dst(fields[1], &dst, err);
        if (r < 0)
                return r;
        e.src = strdup(fields[0]);
        e.type = strdup(fields[2]);
        e.options = strdup(fields[3]);
        e.dst = TAKE_PTR(dst);
        e.comment = TAKE_PTR(comment);
        e.basejail = e.comment && STREQ(e.comment, FSTAB_BASEJAIL_COMMENT);
        if (!e.src || !e.type || !e.options) {
                fstab_entry_done(&e);
                return jailor_error_set(err, ENOMEM, "Out of memory");
        }
        *ret = e;
        return 1;
}

void fstab_entry_done(struct fstab_entry *e)
{
        free(e->src);
        free(e->dst);
        free(e->type);
        free(e->options);
        free(e->comment);
        *e = (struct fstab_entry){0};
}

void fstab_entries_free(struct fstab_entry *v, size_t n)
{
        for (size_t i = 0; i < n && v; i++)
                fstab_entry_done(&v[i]);
        free(v);
}

static int entry_copy(const struct fstab_entry *from, struct fstab_entry *to)
{
        struct fstab_entry e = *from;

        e.src = strdup(from->src);
        e.dst = strdup(from->dst);
        e.type = strdup(from->type);
        e.options = strdup(from->options);
        e.comment = from->comment ? strdup(from->comment) : NULL;
        if (!e.src || !e.dst || !e.type || !e.options || (from->comment && !e.comment)) {
                fstab_entry_done(&e);
                return -ENOMEM;
        }
        *to = e;
        return 0;
}

char *fstab_format(const struct fstab_entry *e)
{
        char *out = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);

        if (!f)
                return NULL;
        put_escaped(f, e->src);
        fputc('\t', f);
        put_escaped(f, e->dst);
        fputc('\t', f);
        put_escaped(f, e->type);
        fputc('\t', f);
        put_escaped(f, e->options);
        fprintf(f, "\t%u\t%u", e->dump, e->pass);
        if (e->comment) {
                /* a comment runs to the end of the line: it only must not break it */
                fputs("\t# ", f);
                for (const char *c = e->comment; *c; c++)
                        fputc(*c == '\n' || *c == '\r' ? ' ' : *c, f);
        }
        fputc('\n', f);
        if (fclose(f) != 0) {
                free(out);
                return NULL;
        }
        return out;
}

/* ---- the file as lines ---- */

void fstab_file_done(struct fstab_file *f)
{
        for (size_t i = 0; i < f->n_lines; i++) {
                free(f->lines[i].text);
                if (f->lines[i].is_entry)
                        fstab_entry_done(&f->lines[i].entry);
        }
        free(f->lines);
        free(f->path);
        *f = (struct fstab_file){0};
}

static struct fstab_line *new_line(struct fstab_file *f)
{
        struct fstab_line *grown = realloc(f->lines, (f->n_lines + 1) * sizeof(*grown));

        if (!grown)
                return NULL;
        f->lines = grown;
        grown[f->n_lines] = (struct fstab_line){0};
        return &grown[f->n_lines++];
}

int fstab_file_load(const char *path, struct fstab_file *f, struct jailor_error *err)
{
        _cleanup_free_ char *text = NULL;
        struct jailor_error rerr = {0};
        size_t len = 0;
        unsigned lineno = 0;
        int r;

        *f = (struct fstab_file){.path = strdup(path)};
        if (!f->path)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = read_file(path, &text, &len, &rerr);
        if (r == -ENOENT)
                return 0;
        if (r < 0) {
                if (err)
                        *err = rerr;
                fstab_file_done(f);
                return r;
        }
        for (char *p = text; p < text + len;) {
                char *nl = memchr(p, '\n', (size_t)(text + len - p));
                size_t n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
                struct fstab_line *l = new_line(f);

                lineno++;
                if (!l || !(l->text = strndup(p, n))) {
                        fstab_file_done(f);
                        return jailor_error_set(err, ENOMEM, "Out of memory");
                }
                r = parse_line(l->text, &l->entry, err);
                if (r < 0) {
                        jailor_error_prefix(err, "'%s' line %u", path, lineno);
                        fstab_file_done(f);
                        return r;
                }
                l->is_entry = r == 1;
                p += n + (nl ? 1 : 0);
        }
        return 0;
}

int fstab_file_save(const struct fstab_file *f, struct jailor_error *err)
{
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&text, &len);
        bool failed = !out;

        for (size_t i = 0; out && i < f->n_lines; i++) {
                const struct fstab_line *l = &f->lines[i];
                _cleanup_free_ char *formatted = NULL;

                if (l->removed)
                        continue;
                if (l->text) {
                        fprintf(out, "%s\n", l->text);
                        continue;
                }
                formatted = fstab_format(&l->entry);
                if (!formatted)
                        failed = true;
                else
                        fputs(formatted, out);
        }
        if (out && fclose(out) != 0)
                failed = true;
        if (failed)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        return write_file_atomic(f->path, text, len, 0644, err);
}

size_t fstab_file_count(const struct fstab_file *f)
{
        size_t n = 0;

        for (size_t i = 0; i < f->n_lines; i++)
                n += f->lines[i].is_entry && !f->lines[i].removed;
        return n;
}

struct fstab_line *fstab_file_entry(struct fstab_file *f, size_t index)
{
        for (size_t i = 0; i < f->n_lines; i++) {
                if (!f->lines[i].is_entry || f->lines[i].removed)
                        continue;
                if (index-- == 0)
                        return &f->lines[i];
        }
        return NULL;
}

int fstab_line_replace(struct fstab_line *l, const struct fstab_entry *e)
{
        struct fstab_entry copy;

        if (entry_copy(e, &copy) < 0)
                return -ENOMEM;
        if (l->is_entry)
                fstab_entry_done(&l->entry);
        free(l->text);
        l->text = NULL;
        l->entry = copy;
        l->is_entry = true;
        return 0;
}

int fstab_file_append(struct fstab_file *f, const struct fstab_entry *e)
{
        struct fstab_line *l = new_line(f);

        if (!l)
                return -ENOMEM;
        if (fstab_line_replace(l, e) < 0) {
                f->n_lines--;
                return -ENOMEM;
        }
        return 0;
}

int fstab_read(const char *path, struct fstab_entry **ret, size_t *ret_n, struct jailor_error *err)
{
        struct fstab_file f;
        struct fstab_entry *v;
        size_t n = 0;
        int r;

        r = fstab_file_load(path, &f, err);
        if (r < 0)
                return r;
        v = calloc(fstab_file_count(&f) + 1, sizeof(*v));
        if (!v) {
                fstab_file_done(&f);
                return jailor_error_set(err, ENOMEM, "Out of memory");
        }
        /* the entries move out of the file's lines */
        for (size_t i = 0; i < f.n_lines; i++) {
                if (!f.lines[i].is_entry)
                        continue;
                v[n++] = f.lines[i].entry;
                f.lines[i].is_entry = false;
        }
        fstab_file_done(&f);
        *ret = v;
        *ret_n = n;
        return 0;
}
