/* SPDX-License-Identifier: MIT */
#include "download.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../util/cleanup.h"
#include "../util/fs.h"

struct transfer {
        const struct jailor_ctx *ctx;
        int fd;
        struct sha256 *hash;
        int write_errno;
};

static size_t on_data(char *data, size_t size, size_t nmemb, void *userdata)
{
        struct transfer *t = userdata;
        size_t len = size * nmemb, done = 0;

        while (done < len) {
                ssize_t n = write(t->fd, data + done, len - done);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        t->write_errno = errno;
                        return 0; /* makes curl fail with CURLE_WRITE_ERROR */
                }
                done += (size_t)n;
        }
        sha256_update(t->hash, data, len);
        return len;
}

static int on_progress(void *userdata, curl_off_t total, curl_off_t now, curl_off_t ut,
                       curl_off_t un)
{
        struct transfer *t = userdata;

        if (t->ctx->progress && now > 0)
                t->ctx->progress(t->ctx->progress_data, "Downloading", (uint64_t)now,
                                 (uint64_t)total);
        return 0;
}

static int fetch_to_fd(const struct jailor_ctx *ctx, const char *url, struct transfer *t,
                       struct jailor_error *err)
{
        char curl_err[CURL_ERROR_SIZE] = "";
        long status = 0;
        CURL *c = curl_easy_init();
        CURLcode rc;

        if (!c)
                return jailor_error_set(err, ENOMEM, "Cannot start a download");
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
        curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, t);
        curl_easy_setopt(c, CURLOPT_USERAGENT, "jailor");
        /* a stalled server must not hang a fetch forever */
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
        rc = curl_easy_perform(c);
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_cleanup(c);
        if (rc == CURLE_WRITE_ERROR && t->write_errno)
                return jailor_error_errno(err, t->write_errno, "Cannot save download of '%s'", url);
        if (rc != CURLE_OK)
                return jailor_error_set(err, EIO, "Cannot download '%s': %s", url,
                                        curl_err[0] ? curl_err : curl_easy_strerror(rc));
        return 0;
}

int download_url(const struct jailor_ctx *ctx, const char *url, const char *sha256_hex,
                 const char *dest, struct jailor_error *err)
{
        _cleanup_free_ char *part = strjoin(dest, ".part", NULL);
        char got[SHA256_HEX_LEN + 1];
        struct transfer t = {.ctx = ctx, .fd = -1};
        int r;

        if (!part)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        t.fd = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (t.fd < 0)
                return jailor_error_errno(err, errno, "Cannot create '%s'", part);
        t.hash = sha256_new();
        if (!t.hash) {
                close(t.fd);
                unlink(part);
                return jailor_error_set(err, ENOMEM, "Out of memory");
        }
        r = fetch_to_fd(ctx, url, &t, err);
        sha256_finish(t.hash, got);
        if (r == 0 && fsync(t.fd) < 0)
                r = jailor_error_errno(err, errno, "Cannot write '%s'", part);
        close(t.fd);
        if (r == 0 && strcasecmp(got, sha256_hex) != 0)
                r = jailor_error_set(err, EBADMSG,
                                     "Checksum mismatch for '%s': expected %s, got %s; nothing kept",
                                     url, sha256_hex, got);
        if (r == 0 && rename(part, dest) < 0)
                r = jailor_error_errno(err, errno, "Cannot rename '%s'", part);
        if (r < 0)
                unlink(part);
        return r;
}
