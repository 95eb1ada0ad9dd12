/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the parse*.c files only: message formatting, integer
 * and list scanning on substrings.  Not part of the library's interface.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../error.h"

/* "Invalid value 'VALUE' for 'WHAT': RULE" (EINVAL). */
int parse_fail(struct jailor_error *err, const char *what, const char *value, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* "Invalid entry 'ENTRY' in 'WHAT': RULE" for one element of a list (EINVAL). */
int parse_fail_entry(struct jailor_error *err, const char *what, const char *entry, size_t len,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

int parse_oom(struct jailor_error *err);

/*
 * Copies s[0..len) into buf for quoting in a message: control characters
 * and quotes escaped, long input cut with "...".
 */
#define PARSE_QUOTE_MAX 128
const char *parse_quote(const char *s, size_t len, char buf[static PARSE_QUOTE_MAX]);

/*
 * Decimal digits s[0..len) into *ret.  -EINVAL when empty or not all digits,
 * -ERANGE when above max.
 */
int parse_digits(const char *s, size_t len, uint64_t max, uint64_t *ret);

/* A size "512M" in s[0..len) (no "off"); NULL or the rule broken. */
const char *parse_size_rule(const char *s, size_t len, uint64_t *ret);

/* A jail/release/template name in s[0..len); NULL or the rule broken. */
const char *parse_name_rule(const char *s, size_t len);

/* Case-insensitive comparison of s[0..len) with the NUL-terminated word. */
bool parse_word_eq(const char *s, size_t len, const char *word);

/*
 * Walks a list separated by sep.  Each call yields the next element, with
 * spaces and tabs around it trimmed, in *ret and *ret_len; false at the end.
 */
struct parse_iter {
        const char *pos;
        char sep;
        bool done;
};

void parse_iter_init(struct parse_iter *it, const char *s, char sep);
bool parse_iter_next(struct parse_iter *it, const char **ret, size_t *ret_len);

/* Number of elements parse_iter would yield. */
size_t parse_count(const char *s, char sep);

/* Parses one port "80" or range "1000-2000" (1-65535, first <= last); NULL or a rule. */
const char *parse_port_range(const char *s, size_t len, uint16_t *first, uint16_t *last);

/* RFC 1123 labels separated by dots (length not checked); NULL or a rule. */
const char *parse_dns_name_rule(const char *s, size_t len, bool allow_trailing_dot);

/* Ends a string built with open_memstream(): *buf or NULL when anything failed. */
char *parse_stream_end(FILE *f, char **buf);

/* An address of family in s[0..len); false when it is not one. */
bool parse_inet(const char *s, size_t len, int family, void *ret);
