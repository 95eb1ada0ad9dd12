/* SPDX-License-Identifier: MIT */
#include "debian.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/cleanup.h"
#include "../util/fs.h"

#define DEFAULT_MIRROR "http://deb.debian.org/debian"

const struct debian_suite debian_suites[] = {
        {"buster", 10}, {"bullseye", 11}, {"bookworm", 12},
        {"trixie", 13}, {"forky", 14},    {NULL, 0},
};

const struct debian_suite *debian_suite_find(const char *name)
{
        for (const struct debian_suite *s = debian_suites; s->name; s++)
                if (STREQ(s->name, name))
                        return s;
        return NULL;
}

/* The value of KEY= in an os-release file, unquoted; NULL when absent. */
static char *os_release_value(const char *text, const char *key)
{
        size_t klen = strlen(key);

        for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
                if (strncmp(line, key, klen) == 0 && line[klen] == '=') {
                        const char *v = line + klen + 1;
                        size_t n = strcspn(v, "\n");

                        if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
                                v++;
                                n -= 2;
                        }
                        return strndup(v, n);
                }
        }
        return NULL;
}

int debian_host_version(const char *os_release_path)
{
        _cleanup_free_ char *text = NULL, *id = NULL, *version = NULL, *codename = NULL;
        const struct debian_suite *s;

        if (read_file(os_release_path, &text, NULL, NULL) < 0)
                return 0;
        id = os_release_value(text, "ID");
        if (!id || !STREQ(id, "debian"))
                return 0;
        version = os_release_value(text, "VERSION_ID");
        if (version && atoi(version) > 0)
                return atoi(version);
        /* testing/unstable have no VERSION_ID: go by the codename */
        codename = os_release_value(text, "VERSION_CODENAME");
        s = codename ? debian_suite_find(codename) : NULL;
        return s ? s->version : 0;
}

/* True for an archive URI that serves Debian itself (not security, not a third party). */
static bool uri_is_debian_mirror(const char *uri)
{
        size_t n = strlen(uri);

        while (n > 0 && uri[n - 1] == '/')
                n--;
        return (strncmp(uri, "http://", 7) == 0 || strncmp(uri, "https://", 8) == 0) &&
               n >= 7 && strncmp(uri + n - 7, "/debian", 7) == 0;
}

/* "deb [opts] URI suite comp..." lines of a sources.list file. */
static char *mirror_from_list(const char *text)
{
        _cleanup_free_ char *copy = strdup(text);
        char *save = NULL;

        if (!copy)
                return NULL;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *p = line, *uri;

                while (isspace((unsigned char)*p))
                        p++;
                if (strncmp(p, "deb", 3) != 0 || !isspace((unsigned char)p[3]))
                        continue;
                p += 4;
                while (isspace((unsigned char)*p))
                        p++;
                if (*p == '[') { /* options */
                        p = strchr(p, ']');
                        if (!p)
                                continue;
                        p++;
                        while (isspace((unsigned char)*p))
                                p++;
                }
                uri = p;
                uri[strcspn(uri, " \t")] = '\0';
                if (uri_is_debian_mirror(uri))
                        return strdup(uri);
        }
        return NULL;
}

/* "URIs: a b" fields of deb822 .sources stanzas whose Types include deb. */
static char *mirror_from_sources(const char *text)
{
        _cleanup_free_ char *copy = strdup(text);
        char *save = NULL;

        if (!copy)
                return NULL;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *uri, *usave = NULL;

                if (strncasecmp(line, "URIs:", 5) != 0)
                        continue;
                for (uri = strtok_r(line + 5, " \t", &usave); uri; uri = strtok_r(NULL, " \t", &usave))
                        if (uri_is_debian_mirror(uri))
                                return strdup(uri);
        }
        return NULL;
}

static char *mirror_from_file(const char *path)
{
        _cleanup_free_ char *text = NULL;
        size_t n = strlen(path);

        if (read_file(path, &text, NULL, NULL) < 0)
                return NULL;
        if (n > 8 && STREQ(path + n - 8, ".sources"))
                return mirror_from_sources(text);
        if (n > 5 && STREQ(path + n - 5, ".list"))
                return mirror_from_list(text);
        return NULL;
}

static int compare_names(const struct dirent **a, const struct dirent **b)
{
        return strcmp((*a)->d_name, (*b)->d_name);
}

int debian_host_mirror(const char *apt_dir, char **ret, struct jailor_error *err)
{
        _cleanup_free_ char *list = path_join(apt_dir, "sources.list"),
                            *dir = path_join(apt_dir, "sources.list.d");
        struct dirent **entries = NULL;
        char *found = NULL;
        int n;

        if (!list || !dir)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        found = mirror_from_file(list);
        n = found ? 0 : scandir(dir, &entries, NULL, compare_names);
        for (int i = 0; i < n; i++) {
                if (!found) {
                        _cleanup_free_ char *path = path_join(dir, entries[i]->d_name);
                        if (path)
                                found = mirror_from_file(path);
                }
                free(entries[i]);
        }
        free(entries);
        *ret = found ? found : strdup(DEFAULT_MIRROR);
        return *ret ? 0 : jailor_error_set(err, ENOMEM, "Out of memory");
}
