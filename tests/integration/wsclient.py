"""A minimal WebSocket client (RFC 6455) on the standard library, for the
shell endpoint's tests: the handshake, masked frames out, frames in."""
import base64
import json
import os
import socket
import ssl
import struct


class WebSocket:
    def __init__(self, port, path, headers=None, protocols=(), tls_ca=None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        if tls_ca:
            ctx = ssl.create_default_context(cafile=tls_ca)
            self.sock = ctx.wrap_socket(self.sock, server_hostname="127.0.0.1")
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket",
                 "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
        if protocols:
            lines.append("Sec-WebSocket-Protocol: " + ", ".join(protocols))
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                break
            head += chunk
        status_line, *header_lines = head.decode().split("\r\n")
        self.status = int(status_line.split()[1])
        self.headers = {}
        for line in header_lines:
            if ":" in line:
                k, v = line.split(":", 1)
                self.headers[k.strip().lower()] = v.strip()
        self.buf = b""

    def send(self, data, opcode=None):
        if isinstance(data, str):
            data, op = data.encode(), 0x1
        else:
            op = 0x2
        op = opcode if opcode is not None else op
        mask = os.urandom(4)
        n = len(data)
        head = bytes([0x80 | op])
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", n)
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def resize(self, cols, rows):
        self.send(json.dumps({"resize": {"cols": cols, "rows": rows}}))

    def _need(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed")
            self.buf += chunk

    def recv(self):
        """(opcode, payload) of the next frame."""
        self._need(2)
        op, n = self.buf[0] & 0x0F, self.buf[1] & 0x7F
        off = 2
        if n == 126:
            self._need(4)
            n, off = struct.unpack(">H", self.buf[2:4])[0], 4
        elif n == 127:
            self._need(10)
            n, off = struct.unpack(">Q", self.buf[2:10])[0], 10
        self._need(off + n)
        payload, self.buf = self.buf[off:off + n], self.buf[off + n:]
        return op, payload

    def frames_until_closed(self):
        """Every frame until the server closes the connection."""
        frames = []
        try:
            while True:
                frames.append(self.recv())
        except EOFError:
            pass
        return frames

    def read_until(self, text, limit=200):
        """Terminal output until text appears; returns all of it."""
        out = b""
        for _ in range(limit):
            op, payload = self.recv()
            if op == 0x2:
                out += payload
                if text.encode() in out:
                    return out.decode("utf-8", "replace")
            elif op == 0x8:
                break
        raise AssertionError(f"{text!r} not in {out!r}")

    def close(self):
        self.sock.close()
