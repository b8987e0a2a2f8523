#!/usr/bin/env python3
"""A recording UDP relay for capture.sh: listens on 127.0.0.1:0 (port written to PORTFILE),
forwards each datagram to 127.0.0.1:TARGET and the answers back, and writes every datagram to
PREFIX-NN-{req,resp}.bin. Exits after 5 idle seconds."""
import select
import socket
import sys

portfile, target, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
front.bind(("127.0.0.1", 0))
back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
back.bind(("127.0.0.1", 0))
with open(portfile, "w") as f:
    f.write(str(front.getsockname()[1]))
client = None
n = 0
while True:
    r, _, _ = select.select([front, back], [], [], 5)
    if not r:
        break
    for s in r:
        data, peer = s.recvfrom(65535)
        n += 1
        if s is front:
            client = peer
            back.sendto(data, ("127.0.0.1", target))
            kind = "req"
        else:
            if client:
                front.sendto(data, client)
            kind = "resp"
        with open("%s-%02d-%s.bin" % (prefix, n, kind), "wb") as f:
            f.write(data)
