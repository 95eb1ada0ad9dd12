/* SPDX-License-Identifier: MIT */
/* WebSocket frames and the handshake's key (ws_frame.h). */
#include "ws_frame.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

int ws_accept_key(const char *key, char out[WS_ACCEPT_LEN + 1])
{
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int digest_len = 0;
        char text[64];

        /* the key is 16 random bytes in base64: 24 characters */
        if (strlen(key) != 24 || strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                             "0123456789+/=") != 24)
                return -EINVAL;
        snprintf(text, sizeof(text), "%s%s", key, WS_GUID);
        if (!EVP_Digest(text, strlen(text), digest, &digest_len, EVP_sha1(), NULL) ||
            digest_len != 20)
                return -EIO;
        EVP_EncodeBlock((unsigned char *)out, digest, 20);
        return 0;
}

ssize_t ws_frame_parse(unsigned char *buf, size_t len, struct ws_frame *ret)
{
        size_t head = 2, n;
        unsigned char *mask;

        if (len < 2)
                return 0;
        if ((buf[0] & 0x70) || !(buf[0] & 0x80) || !(buf[1] & 0x80))
                return -EPROTO; /* reserved bits, a fragment, an unmasked client frame */
        ret->opcode = buf[0] & 0x0f;
        if (ret->opcode != WS_TEXT && ret->opcode != WS_BINARY && ret->opcode != WS_CLOSE &&
            ret->opcode != WS_PING && ret->opcode != WS_PONG)
                return -EPROTO;
        n = buf[1] & 0x7f;
        if (n == 126) {
                if (len < 4)
                        return 0;
                n = (size_t)buf[2] << 8 | buf[3];
                head = 4;
        } else if (n == 127) {
                if (len < 10)
                        return 0;
                if (buf[2] | buf[3] | buf[4] | buf[5] | buf[6])
                        return -EMSGSIZE;
                n = (size_t)buf[7] << 16 | (size_t)buf[8] << 8 | buf[9];
                head = 10;
        }
        if (n > WS_PAYLOAD_MAX)
                return -EMSGSIZE;
        if (len < head + 4 + n)
                return 0;
        mask = buf + head;
        ret->payload = buf + head + 4;
        ret->len = n;
        for (size_t i = 0; i < n; i++)
                ret->payload[i] ^= mask[i % 4];
        return (ssize_t)(head + 4 + n);
}

size_t ws_frame_header(unsigned char out[WS_HEADER_MAX], int opcode, size_t len)
{
        out[0] = (unsigned char)(0x80 | opcode);
        if (len < 126) {
                out[1] = (unsigned char)len;
                return 2;
        }
        if (len <= 0xffff) {
                out[1] = 126;
                out[2] = (unsigned char)(len >> 8);
                out[3] = (unsigned char)len;
                return 4;
        }
        out[1] = 127;
        for (int i = 0; i < 8; i++)
                out[2 + i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
        return 10;
}
