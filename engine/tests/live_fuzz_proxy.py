#!/usr/bin/env python3
"""live_fuzz_proxy.py UPSTREAM_PORT PORTFILE MODE: a deliberately bad NFS server for the
fuzz.live_refd test. It forwards every connection to nfs41refd on 127.0.0.1:UPSTREAM_PORT, spoiling
the replies by MODE:
  garbage-args  each RPC reply with accept_stat GARBAGE_ARGS gets three bytes appended inside its
                record: a reply that no longer decodes strictly (RFC 5531 s9);
  break-stream  every 40th reply (over all connections) is followed by an impossible fragment
                header (0xffffffff): the reply stream itself breaks (RFC 5531 s11).
`nfs41check fuzz` must report either as a finding. It writes the port it listens on to PORTFILE
and runs until killed."""
import socket
import struct
import sys
import threading


MODE = sys.argv[3] if len(sys.argv) > 3 else "garbage-args"
replies = [0]
replies_lock = threading.Lock()


def spoil(rec):
    """The bytes to send for one whole reply record (without its fragment header)."""
    if MODE == "break-stream":
        with replies_lock:
            replies[0] += 1
            garble = replies[0] % 40 == 0
        return struct.pack(">I", 0x80000000 | len(rec)) + rec + (b"\xff" * 4 if garble else b"")
    # xid, REPLY, MSG_ACCEPTED, verifier AUTH_NONE with an empty body, then accept_stat
    if len(rec) >= 24 and struct.unpack(">IIIII", rec[4:24]) == (1, 0, 0, 0, 4):
        rec += b"\0\0\0"
    return struct.pack(">I", 0x80000000 | len(rec)) + rec


def read_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def client_to_server(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    try:
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def server_to_client(src, dst):
    try:
        while True:
            rec = b""
            while True:
                hdr = read_exact(src, 4)
                if hdr is None:
                    raise OSError("closed")
                (word,) = struct.unpack(">I", hdr)
                frag = read_exact(src, word & 0x7FFFFFFF)
                if frag is None:
                    raise OSError("closed")
                rec += frag
                if word & 0x80000000:
                    break
            dst.sendall(spoil(rec))
    except OSError:
        pass
    try:  # shutdown, not just close: the other thread still holds the socket in recv()
        dst.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def serve(client, upstream_port):
    try:
        up = socket.create_connection(("127.0.0.1", upstream_port))
    except OSError:
        client.close()
        return
    threading.Thread(target=client_to_server, args=(client, up), daemon=True).start()
    threading.Thread(target=server_to_client, args=(up, client), daemon=True).start()


def main():
    upstream_port = int(sys.argv[1])
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(64)
    with open(sys.argv[2], "w") as f:
        f.write("%d\n" % lsock.getsockname()[1])
    while True:
        client, _ = lsock.accept()
        serve(client, upstream_port)


if __name__ == "__main__":
    main()
