/* SPDX-License-Identifier: MIT */
#include "conf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/fs.h"

/* Each line of the file; key is NULL for comments and blank lines. */
struct conf_line {
        char *key;
        char *value;
        char *raw;
};

struct jailor_conf {
        struct conf_line *lines;
        size_t n;
};

static char *strip(char *s)
{
        char *end;

        while (isspace((unsigned char)*s))
                s++;
        end = s + strlen(s);
        while (end > s && isspace((unsigned char)end[-1]))
                *--end = '\0';
        return s;
}

static int conf_append(struct jailor_conf *conf, const char *key, const char *value,
                       const char *raw)
{
        struct conf_line *lines = realloc(conf->lines, (conf->n + 1) * sizeof(*lines));

        if (!lines)
                return -ENOMEM;
        conf->lines = lines;
        lines[conf->n] = (struct conf_line){
                .key = key ? strdup(key) : NULL,
                .value = value ? strdup(value) : NULL,
                .raw = raw ? strdup(raw) : NULL,
        };
        if ((key && !lines[conf->n].key) || (value && !lines[conf->n].value) ||
            (raw && !lines[conf->n].raw))
                return -ENOMEM;
        conf->n++;
        return 0;
}

static char *conf_path(const struct jailor_ctx *ctx)
{
        return path_join(ctx->conf_dir, "jailor.conf");
}

int conf_load(const struct jailor_ctx *ctx, struct jailor_conf **ret, struct jailor_error *err)
{
        _cleanup_free_ char *path = conf_path(ctx), *text = NULL;
        struct jailor_conf *conf;
        char *save = NULL;
        int r, lineno = 0;

        if (!path)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        conf = calloc(1, sizeof(*conf));
        if (!conf)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        if (!path_exists(path)) {
                *ret = conf;
                return 0;
        }
        r = read_file(path, &text, NULL, err);
        if (r < 0) {
                conf_free(conf);
                return r;
        }
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *s = strip(line), *eq;

                lineno++;
                if (*s == '\0' || *s == '#') {
                        r = conf_append(conf, NULL, NULL, line);
                } else if (!(eq = strchr(s, '='))) {
                        conf_free(conf);
                        return jailor_error_set(err, EINVAL,
                                                "'%s' line %d: expected 'key = value', got '%s'",
                                                path, lineno, s);
                } else {
                        *eq = '\0';
                        r = conf_append(conf, strip(s), strip(eq + 1), NULL);
                }
                if (r < 0) {
                        conf_free(conf);
                        return jailor_error_set(err, ENOMEM, "Out of memory");
                }
        }
        *ret = conf;
        return 0;
}

int conf_save(const struct jailor_ctx *ctx, const struct jailor_conf *conf,
              struct jailor_error *err)
{
        _cleanup_free_ char *path = conf_path(ctx), *text = NULL;
        size_t len = 0;
        FILE *f;
        int r;

        if (!path)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = mkdir_p(ctx->conf_dir, 0755, err);
        if (r < 0)
                return r;
        f = open_memstream(&text, &len);
        if (!f)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        for (size_t i = 0; i < conf->n; i++) {
                if (conf->lines[i].key)
                        fprintf(f, "%s = %s\n", conf->lines[i].key, conf->lines[i].value);
                else
                        fprintf(f, "%s\n", conf->lines[i].raw);
        }
        if (fclose(f) != 0)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        return write_file_atomic(path, text, len, 0644, err);
}

void conf_free(struct jailor_conf *conf)
{
        if (!conf)
                return;
        for (size_t i = 0; i < conf->n; i++) {
                free(conf->lines[i].key);
                free(conf->lines[i].value);
                free(conf->lines[i].raw);
        }
        free(conf->lines);
        free(conf);
}

const char *conf_get(const struct jailor_conf *conf, const char *key)
{
        for (size_t i = 0; i < conf->n; i++)
                if (conf->lines[i].key && STREQ(conf->lines[i].key, key))
                        return conf->lines[i].value;
        return NULL;
}

int conf_set(struct jailor_conf *conf, const char *key, const char *value)
{
        for (size_t i = 0; i < conf->n; i++) {
                struct conf_line *l = &conf->lines[i];
                char *copy;

                if (!l->key || !STREQ(l->key, key))
                        continue;
                if (!value) {
                        free(l->key);
                        free(l->value);
                        free(l->raw);
                        memmove(l, l + 1, (conf->n - i - 1) * sizeof(*l));
                        conf->n--;
                        return 0;
                }
                copy = strdup(value);
                if (!copy)
                        return -ENOMEM;
                free(l->value);
                l->value = copy;
                return 0;
        }
        return value ? conf_append(conf, key, value, NULL) : 0;
}
