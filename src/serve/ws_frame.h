/* SPDX-License-Identifier: MIT */
/*
 * WebSocket (RFC 6455) framing for the shell (ws_shell.h): the handshake's
 * accept key, frames from the browser (masked, whole, at most
 * WS_PAYLOAD_MAX), frame headers for the server's own (unmasked).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define WS_PAYLOAD_MAX (64u << 10)
#define WS_HEADER_MAX 14
#define WS_ACCEPT_LEN 28 /* base64 of a SHA-1 */

enum ws_opcode {
        WS_CONTINUATION = 0x0,
        WS_TEXT = 0x1,
        WS_BINARY = 0x2,
        WS_CLOSE = 0x8,
        WS_PING = 0x9,
        WS_PONG = 0xa,
};

struct ws_frame {
        int opcode;
        unsigned char *payload; /* unmasked in place, inside the parsed buffer */
        size_t len;
};

/* Sec-WebSocket-Accept for the client's Sec-WebSocket-Key; -EINVAL for a malformed key. */
int ws_accept_key(const char *key, char out[WS_ACCEPT_LEN + 1]);

/*
 * The first frame of buf: its size in buf (> 0), 0 when it is not whole yet,
 * -EMSGSIZE when larger than WS_PAYLOAD_MAX, -EPROTO when unmasked,
 * fragmented, of an unknown opcode or with reserved bits.
 */
ssize_t ws_frame_parse(unsigned char *buf, size_t len, struct ws_frame *ret);

/* Writes the header of an unmasked, final frame; returns its length. */
size_t ws_frame_header(unsigned char out[WS_HEADER_MAX], int opcode, size_t len);
