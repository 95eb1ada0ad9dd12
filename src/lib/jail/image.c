/* SPDX-License-Identifier: MIT */
/* What export and import agree on: image names and checksum files. */
#include "image.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "../util/cleanup.h"
#include "../util/fs.h"
#include "../util/sha256.h"

/* "2024-05-01_101112": digits where the pattern has 'd'. */
static bool is_stamp(const char *s)
{
        static const char pattern[] = "dddd-dd-dd_dddddd";

        for (size_t i = 0; i < IMAGE_STAMP_LEN; i++) {
                if (pattern[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != pattern[i])
                        return false;
        }
        return true;
}

size_t image_name_length(const char *file, const char *suffix)
{
        size_t len = strlen(file), slen = strlen(suffix), stamp;

        /* at least one character of name, '_', the stamp, the suffix */
        if (len < 1 + 1 + IMAGE_STAMP_LEN + slen || !STREQ(file + len - slen, suffix))
                return 0;
        stamp = len - slen - IMAGE_STAMP_LEN;
        if (file[stamp - 1] != '_' || !is_stamp(file + stamp))
                return 0;
        return stamp - 1;
}

int image_checksum_read(const char *image, const char *label, char hex[65],
                        struct jailor_error *err)
{
        _cleanup_free_ char *path = strjoin(image, IMAGE_SHA256_SUFFIX, NULL), *text = NULL;
        struct jailor_error rerr = {0};
        const char *p;
        size_t len = 0, n;
        int r;

        if (!path)
                return jailor_error_set(err, ENOMEM, "Out of memory");
        r = read_file(path, &text, &len, &rerr);
        if (r == -ENOENT)
                return jailor_error_set(err, ENOENT,
                                        "Image '%s' has no checksum file '%s': it cannot be "
                                        "verified",
                                        label, path);
        if (r < 0) {
                if (err)
                        *err = rerr;
                return r;
        }
        /* "<hex>  <file>" as sha256sum writes it, or the bare digest iocage writes */
        for (p = text; isspace((unsigned char)*p); p++)
                ;
        n = strcspn(p, " \t\r\n");
        if (n == SHA256_HEX_LEN) {
                memcpy(hex, p, SHA256_HEX_LEN);
                hex[SHA256_HEX_LEN] = '\0';
        }
        if (n != SHA256_HEX_LEN || !sha256_hex_valid(hex))
                return jailor_error_set(err, EINVAL, "Checksum file '%s' does not hold a SHA-256",
                                        path);
        for (size_t i = 0; i < SHA256_HEX_LEN; i++)
                hex[i] = (char)tolower((unsigned char)hex[i]);
        return 0;
}
