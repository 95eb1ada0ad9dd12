/* SPDX-License-Identifier: MIT */
/*
 * One output layer: human tables (iocage's bordered style, or tab-separated
 * lines with no header for scripts) and JSON.
 */
#pragma once

#include <jansson.h>
#include <stdio.h>

enum table_style {
        TABLE_BORDERED, /* +---+ borders, '=' under the header, '-' between rows */
        TABLE_TABS,     /* no header, fields joined by one tab: iocage's -h */
};

struct table;

struct table *table_new(const char *const *headers);
/* Adds a row of as many cells as headers; NULL cells print as "-". */
int table_add_row(struct table *t, const char *const *cells);
void table_print(const struct table *t, FILE *f, enum table_style style);
void table_free(struct table *t);

/* Prints v as indented JSON followed by a newline. */
void output_json(json_t *v);

/* Prints v (taken) as output_json does; EXIT_FAILED when v is NULL (out of memory). */
int output_json_take(json_t *v);
