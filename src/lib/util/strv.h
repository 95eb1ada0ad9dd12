/* SPDX-License-Identifier: MIT */
/* NULL-terminated vectors of strings; a NULL vector is an empty one.  Free with strv_freep(). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

size_t strv_len(char *const *v);
/* Appends s, taking it; -ENOMEM when s is NULL (a failed strdup) or on failure, s then freed. */
int strv_push(char ***v, char *s);
bool strv_contains(char *const *v, const char *s);
/* Removes (and frees) every entry equal to s. */
void strv_remove(char **v, const char *s);
/* The entries joined by sep ("a, b, c" for ", "); NULL on out of memory. */
char *strv_join(char *const *v, const char *sep);
