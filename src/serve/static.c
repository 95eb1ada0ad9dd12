/* SPDX-License-Identifier: MIT */
/* The web UI's static files (static.h). */
#include "static.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"

#define PATH_MAX_UI 512

/*
 * xterm.js sizes and colours its terminal with <style> elements it makes,
 * hence 'unsafe-inline' for styles; scripts, connections (the shell's
 * WebSocket), images and fonts come only from this origin.
 */
#define CSP                                                                                        \
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "            \
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

static char *root;

static const struct {
        const char *ext, *type;
} types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
};

/* Where the UI is when nothing says: the source tree for a jailor run from its build directory. */
static const char *default_root(void)
{
        char exe[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
        size_t len = strlen(JAILOR_BUILD_ROOT);

        if (n > 0) {
                exe[n] = '\0';
                if (strncmp(exe, JAILOR_BUILD_ROOT, len) == 0 && exe[len] == '/')
                        return JAILOR_SOURCE_WEB_DIR;
        }
        return JAILOR_WEB_DIR;
}

int static_set_root(const char *dir, struct jailor_error *err)
{
        struct stat st;
        char index[PATH_MAX];

        if (!dir)
                dir = default_root();
        if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
                return jailor_error_set(err, ENOENT,
                                        "No web UI directory '%s': give one with --ui DIR", dir);
        snprintf(index, sizeof(index), "%s/index.html", dir);
        if (access(index, R_OK) < 0)
                return jailor_error_set(err, ENOENT,
                                        "Web UI directory '%s' has no index.html", dir);
        free(root);
        root = strdup(dir);
        return root ? 0 : jailor_error_set(err, ENOMEM, "Out of memory");
}

const char *static_root(void)
{
        return root;
}

void static_security_headers(struct MHD_Response *resp)
{
        MHD_add_response_header(resp, "Content-Security-Policy", CSP);
        MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
        MHD_add_response_header(resp, "X-Frame-Options", "DENY");
        MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
        MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
}

static const char *content_type(const char *path)
{
        const char *dot = strrchr(path, '.');

        for (size_t i = 0; dot && i < ELEMENTSOF(types); i++)
                if (STREQ(dot, types[i].ext))
                        return types[i].type;
        return "application/octet-stream";
}

/*
 * The path below the UI directory, or NULL when it is refused: every
 * segment must be a plain name (no ".", "..", hidden files, backslashes);
 * a directory means its index.html.  libmicrohttpd has decoded %XX already.
 */
static char *relative_path(const char *url)
{
        char *rel;

        if (url[0] != '/' || strlen(url) > PATH_MAX_UI || strchr(url, '\\'))
                return NULL;
        for (const char *p = url; *p; p++)
                if (p[0] == '/' && (p[1] == '.' || p[1] == '/'))
                        return NULL;
        if (asprintf(&rel, "%s%s", url + 1,
                     url[strlen(url) - 1] == '/' ? "index.html" : "") < 0)
                return NULL;
        return rel;
}

static void answer_text(struct request *r, unsigned status, const char *text)
{
        struct MHD_Response *resp = MHD_create_response_from_buffer(
                strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);

        if (!resp)
                return;
        MHD_add_response_header(resp, "Content-Type", "text/plain; charset=utf-8");
        MHD_add_response_header(resp, "Cache-Control", "no-store");
        static_security_headers(resp);
        r->response = resp;
        r->status = status;
}

/* Opens rel beneath the UI directory: no "..", no symbolic link leading out, no /proc magic. */
static int open_beneath(const char *rel)
{
        struct open_how how = {.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY,
                               .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
        _cleanup_close_ int dir = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

        if (dir < 0)
                return -errno;
        int fd = (int)syscall(SYS_openat2, dir, rel, &how, sizeof(how));
        return fd < 0 ? -errno : fd;
}

static void serve_file(struct request *r, const char *rel)
{
        _cleanup_close_ int fd = open_beneath(rel);
        const char *match = request_header(r, "If-None-Match");
        struct MHD_Response *resp;
        struct stat st;
        char etag[96];

        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                answer_text(r, 404, "Not found\n");
                return;
        }
        snprintf(etag, sizeof(etag), "\"%llx-%llx-%llx.%lx\"", (unsigned long long)st.st_ino,
                 (unsigned long long)st.st_size, (unsigned long long)st.st_mtim.tv_sec,
                 st.st_mtim.tv_nsec);
        if (match && strstr(match, etag)) {
                resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
                r->status = 304;
        } else {
                resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
                if (resp)
                        fd = -EBADF; /* the response owns it now */
                r->status = 200;
        }
        if (!resp)
                return;
        MHD_add_response_header(resp, "Content-Type", content_type(rel));
        /* no build step, so no hashed names: the browser asks again each time, cheaply */
        MHD_add_response_header(resp, "Cache-Control", "no-cache");
        MHD_add_response_header(resp, "ETag", etag);
        static_security_headers(resp);
        r->response = resp;
}

bool static_handles(struct request *r)
{
        _cleanup_free_ char *rel = NULL;

        if (strncmp(r->path, "/api/", 5) == 0 || STREQ(r->path, "/api"))
                return false;
        if (!STREQ(r->method, "GET") && !STREQ(r->method, "HEAD")) {
                answer_text(r, 405, "Only GET and HEAD are allowed here\n");
                if (r->response)
                        MHD_add_response_header(r->response, "Allow", "GET, HEAD");
                return true;
        }
        rel = relative_path(r->path);
        if (!rel || !root) {
                answer_text(r, 404, "Not found\n");
                return true;
        }
        serve_file(r, rel);
        return true;
}
