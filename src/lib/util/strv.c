/* SPDX-License-Identifier: MIT */
#include "strv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

size_t strv_len(char *const *v)
{
        size_t n = 0;

        while (v && v[n])
                n++;
        return n;
}

int strv_push(char ***v, char *s)
{
        size_t n = strv_len(*v);
        char **w;

        if (!s)
                return -ENOMEM;
        w = realloc(*v, (n + 2) * sizeof(char *));
        if (!w) {
                free(s);
                return -ENOMEM;
        }
        w[n] = s;
        w[n + 1] = NULL;
        *v = w;
        return 0;
}

bool strv_contains(char *const *v, const char *s)
{
        for (size_t i = 0; v && v[i]; i++)
                if (STREQ(v[i], s))
                        return true;
        return false;
}

void strv_remove(char **v, const char *s)
{
        size_t n = strv_len(v), j = 0;

        for (size_t i = 0; i < n; i++) {
                if (STREQ(v[i], s))
                        free(v[i]);
                else
                        v[j++] = v[i];
        }
        if (v)
                v[j] = NULL;
}

char *strv_join(char *const *v, const char *sep)
{
        size_t len = 1, seplen = strlen(sep);
        char *out, *p;

        for (size_t i = 0; v && v[i]; i++)
                len += strlen(v[i]) + seplen;
        out = malloc(len);
        if (!out)
                return NULL;
        p = out;
        *p = '\0';
        for (size_t i = 0; v && v[i]; i++)
                p = stpcpy(stpcpy(p, i ? sep : ""), v[i]);
        return out;
}
