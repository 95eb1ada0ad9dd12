/* SPDX-License-Identifier: MIT */
#include "sha256.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"

struct sha256 {
        EVP_MD_CTX *md;
};

struct sha256 *sha256_new(void)
{
        struct sha256 *h = calloc(1, sizeof(*h));

        if (!h)
                return NULL;
        h->md = EVP_MD_CTX_new();
        if (!h->md || EVP_DigestInit_ex(h->md, EVP_sha256(), NULL) != 1) {
                EVP_MD_CTX_free(h->md);
                free(h);
                return NULL;
        }
        return h;
}

void sha256_update(struct sha256 *h, const void *data, size_t len)
{
        EVP_DigestUpdate(h->md, data, len);
}

void sha256_finish(struct sha256 *h, char hex[SHA256_HEX_LEN + 1])
{
        unsigned char digest[32];
        unsigned int n = 0;

        EVP_DigestFinal_ex(h->md, digest, &n);
        for (unsigned int i = 0; i < 32; i++)
                snprintf(hex + 2 * i, 3, "%02x", digest[i]);
        hex[SHA256_HEX_LEN] = '\0';
        EVP_MD_CTX_free(h->md);
        free(h);
}

int sha256_file(const char *path, char hex[SHA256_HEX_LEN + 1], struct jailor_error *err)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct sha256 *h;
        char buf[1 << 16];
        ssize_t n;

        if (fd < 0)
                return jailor_error_errno(err, errno, "Cannot open '%s'", path);
        h = sha256_new();
        if (!h)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        while ((n = read(fd, buf, sizeof(buf))) != 0) {
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        sha256_finish(h, hex);
                        return jailor_error_errno(err, errno, "Cannot read '%s'", path);
                }
                sha256_update(h, buf, (size_t)n);
        }
        sha256_finish(h, hex);
        return 0;
}

int sha256_hex_valid(const char *s)
{
        size_t i;

        for (i = 0; s[i]; i++)
                if (!isxdigit((unsigned char)s[i]))
                        return 0;
        return i == SHA256_HEX_LEN;
}
