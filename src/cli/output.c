/* SPDX-License-Identifier: MIT */
#include "output.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util/cleanup.h"

struct table {
        size_t ncols, nrows;
        char **cells; /* row-major, row 0 is the header */
        size_t *width;
};

struct table *table_new(const char *const *headers)
{
        struct table *t = calloc(1, sizeof(*t));

        if (!t)
                return NULL;
        while (headers[t->ncols])
                t->ncols++;
        t->width = calloc(t->ncols, sizeof(size_t));
        if (!t->width || table_add_row(t, headers) < 0) {
                table_free(t);
                return NULL;
        }
        return t;
}

int table_add_row(struct table *t, const char *const *cells)
{
        char **bigger = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(char *));

        if (!bigger)
                return -1;
        t->cells = bigger;
        for (size_t c = 0; c < t->ncols; c++) {
                char *s = strdup(cells[c] ? cells[c] : "-");
                if (!s)
                        return -1;
                t->cells[t->nrows * t->ncols + c] = s;
                if (strlen(s) > t->width[c])
                        t->width[c] = strlen(s);
        }
        t->nrows++;
        return 0;
}

static void print_rule(const struct table *t, FILE *f, char fill)
{
        for (size_t c = 0; c < t->ncols; c++) {
                fputc('+', f);
                for (size_t i = 0; i < t->width[c] + 2; i++)
                        fputc(fill, f);
        }
        fputs("+\n", f);
}

static void print_row(const struct table *t, FILE *f, size_t row, int centred)
{
        for (size_t c = 0; c < t->ncols; c++) {
                const char *s = t->cells[row * t->ncols + c];
                size_t pad = t->width[c] - strlen(s);
                size_t left = centred ? pad / 2 : 0;

                fprintf(f, "| %*s%s%*s ", (int)left, "", s, (int)(pad - left), "");
        }
        fputs("|\n", f);
}

void table_print(const struct table *t, FILE *f, enum table_style style)
{
        if (style == TABLE_TABS) {
                for (size_t r = 1; r < t->nrows; r++)
                        for (size_t c = 0; c < t->ncols; c++)
                                fprintf(f, "%s%c", t->cells[r * t->ncols + c],
                                        c + 1 == t->ncols ? '\n' : '\t');
                return;
        }
        print_rule(t, f, '-');
        print_row(t, f, 0, 1);
        print_rule(t, f, '=');
        for (size_t r = 1; r < t->nrows; r++) {
                print_row(t, f, r, 0);
                print_rule(t, f, '-');
        }
}

void table_free(struct table *t)
{
        if (!t)
                return;
        for (size_t i = 0; i < t->nrows * t->ncols; i++)
                free(t->cells[i]);
        free(t->cells);
        free(t->width);
        free(t);
}

void output_json(json_t *v)
{
        json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
}

int output_json_take(json_t *v)
{
        if (!v)
                return EXIT_FAILED;
        output_json(v);
        json_decref(v);
        return EXIT_OK;
}
