/* SPDX-License-Identifier: MIT */
/* WebSocket framing of the jail shell (src/serve/ws_frame.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ws_frame.h"

/* RFC 6455 section 1.3's example */
static void test_accept_key(void **state)
{
        char out[WS_ACCEPT_LEN + 1];

        assert_int_equal(ws_accept_key("dGhlIHNhbXBsZSBub25jZQ==", out), 0);
        assert_string_equal(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assert_int_equal(ws_accept_key("short", out), -EINVAL);
        assert_int_equal(ws_accept_key("dGhlIHNhbXBsZSBub25jZQ=\n", out), -EINVAL);
}

/* A masked client frame of payload n with opcode op into buf; its length. */
static size_t client_frame(unsigned char *buf, int op, const unsigned char *payload, size_t n)
{
        static const unsigned char mask[4] = {0x37, 0xfa, 0x21, 0x3d};
        size_t h = 2;

        buf[0] = (unsigned char)(0x80 | op);
        if (n < 126) {
                buf[1] = (unsigned char)(0x80 | n);
        } else if (n <= 0xffff) {
                buf[1] = 0x80 | 126;
                buf[2] = (unsigned char)(n >> 8);
                buf[3] = (unsigned char)n;
                h = 4;
        } else {
                buf[1] = 0x80 | 127;
                memset(buf + 2, 0, 8);
                buf[7] = (unsigned char)(n >> 16);
                buf[8] = (unsigned char)(n >> 8);
                buf[9] = (unsigned char)n;
                h = 10;
        }
        memcpy(buf + h, mask, 4);
        for (size_t i = 0; i < n; i++)
                buf[h + 4 + i] = payload[i] ^ mask[i % 4];
        return h + 4 + n;
}

static void test_parse(void **state)
{
        static unsigned char buf[70000], payload[66000];
        struct ws_frame f;
        size_t n = client_frame(buf, WS_TEXT, (const unsigned char *)"Hello", 5);

        /* RFC 6455 section 5.7's masked "Hello" */
        assert_memory_equal(buf, "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11);
        for (size_t part = 0; part < n; part++)
                assert_int_equal(ws_frame_parse(buf, part, &f), 0); /* not whole yet */
        assert_int_equal(ws_frame_parse(buf, n, &f), (ssize_t)n);
        assert_int_equal(f.opcode, WS_TEXT);
        assert_int_equal(f.len, 5);
        assert_memory_equal(f.payload, "Hello", 5);

        memset(payload, 'x', sizeof(payload));
        n = client_frame(buf, WS_BINARY, payload, 300);
        assert_int_equal(ws_frame_parse(buf, n, &f), (ssize_t)n);
        assert_int_equal(f.len, 300);
        n = client_frame(buf, WS_BINARY, payload, WS_PAYLOAD_MAX);
        assert_int_equal(ws_frame_parse(buf, n, &f), (ssize_t)n);
        assert_int_equal(f.len, WS_PAYLOAD_MAX);
        /* one byte over the bound is refused from the header alone */
        client_frame(buf, WS_BINARY, payload, WS_PAYLOAD_MAX + 1);
        assert_int_equal(ws_frame_parse(buf, 10, &f), -EMSGSIZE);
}

static void test_refused(void **state)
{
        unsigned char buf[64];
        struct ws_frame f;
        size_t n = client_frame(buf, WS_BINARY, (const unsigned char *)"ab", 2);

        buf[1] &= 0x7f; /* unmasked */
        assert_int_equal(ws_frame_parse(buf, n, &f), -EPROTO);
        n = client_frame(buf, WS_BINARY, (const unsigned char *)"ab", 2);
        buf[0] &= 0x7f; /* a fragment */
        assert_int_equal(ws_frame_parse(buf, n, &f), -EPROTO);
        n = client_frame(buf, WS_CONTINUATION, (const unsigned char *)"ab", 2);
        assert_int_equal(ws_frame_parse(buf, n, &f), -EPROTO);
        n = client_frame(buf, 0x3, (const unsigned char *)"ab", 2); /* reserved opcode */
        assert_int_equal(ws_frame_parse(buf, n, &f), -EPROTO);
        n = client_frame(buf, WS_BINARY, (const unsigned char *)"ab", 2);
        buf[0] |= 0x40; /* RSV1 without an extension */
        assert_int_equal(ws_frame_parse(buf, n, &f), -EPROTO);
}

static void test_header(void **state)
{
        unsigned char h[WS_HEADER_MAX];

        assert_int_equal(ws_frame_header(h, WS_BINARY, 5), 2);
        assert_memory_equal(h, "\x82\x05", 2);
        assert_int_equal(ws_frame_header(h, WS_TEXT, 300), 4);
        assert_memory_equal(h, "\x81\x7e\x01\x2c", 4);
        assert_int_equal(ws_frame_header(h, WS_BINARY, 70000), 10);
        assert_memory_equal(h, "\x82\x7f\x00\x00\x00\x00\x00\x01\x11\x70", 10);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_accept_key),
                cmocka_unit_test(test_parse),
                cmocka_unit_test(test_refused),
                cmocka_unit_test(test_header),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
