#!/usr/bin/env python3
"""Derives the seeds of the scoped-PDU and USM targets from the captured datagrams in
decode_message/: the plaintext ScopedPDUs of the noAuthNoPriv v3 messages (decode_scoped_pdu/), and for usm_open
(usm_open/) each v3 datagram behind a key-selecting byte (raw mode), plus each ScopedPDU behind the
sealed-mode header (0x80 | keys, position, xor)."""
import os

here = os.path.dirname(os.path.abspath(__file__))


def read(buf, pos):
    tag = buf[pos]
    ln = buf[pos + 1]
    pos += 2
    if ln & 0x80:
        k = ln & 0x7F
        ln = int.from_bytes(buf[pos:pos + k], "big")
        pos += k
    return tag, pos, pos + ln


def scoped_pdu(msg):
    """The plaintext ScopedPDU TLV of a v3 message, or None."""
    try:
        _, p, end = read(msg, 0)
        _, _, p = read(msg, p)  # version
        if msg[p - 1] != 3:
            return None
        _, _, p = read(msg, p)  # header
        _, _, p = read(msg, p)  # security parameters
        tag, body, e = read(msg, p)
        return msg[p:e] if tag == 0x30 else None
    except IndexError:
        return None


def main():
    os.makedirs(os.path.join(here, "decode_scoped_pdu"), exist_ok=True)
    os.makedirs(os.path.join(here, "usm_open"), exist_ok=True)
    for name in sorted(os.listdir(os.path.join(here, "decode_message"))):
        data = open(os.path.join(here, "decode_message", name), "rb").read()
        if not name.startswith("v3-"):
            continue
        base = name[:-4]
        for keys in (0, 1, 2):
            with open(os.path.join(here, "usm_open", "%s-raw%d.bin" % (base, keys)), "wb") as f:
                f.write(bytes([keys]) + data)
        s = scoped_pdu(data)
        if s:
            with open(os.path.join(here, "decode_scoped_pdu", base + ".bin"), "wb") as f:
                f.write(s)
            with open(os.path.join(here, "usm_open", base + "-sealed.bin"), "wb") as f:
                f.write(bytes([0x80, 0x00, 0x30, 0x01]) + s)


if __name__ == "__main__":
    main()
