#!/usr/bin/env python3
"""Holds packets for a fixed time, for kernels built without sch_netem (no `tc ... netem`).

sandbox.ts puts an iptables rule in each server's network namespace that sends the packets a server
sends to the sandbox infrastructure (host, registry, builder) to NFQUEUE queue 0. This process binds
queue 0 in each of those namespaces (one netlink socket per namespace, opened after setns) and gives
each packet its ACCEPT verdict DELAY_MS milliseconds after it arrived. Packets are released in FIFO
order, so one batch verdict accepts every id up to the newest due one. If this process dies, the
kernel lets the packets through (fail-open flag and --queue-bypass): no delay, no outage.

Python standard library only (raw netlink, no libnetfilter_queue).

usage: delayer.py DELAY_MS NETNS_PATH [NETNS_PATH ...]
"""
import collections
import ctypes
import os
import select
import socket
import struct
import sys
import time

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
MSG_PACKET, MSG_VERDICT, MSG_CONFIG, MSG_VERDICT_BATCH = 0, 1, 2, 3
CFG_CMD, CFG_PARAMS, CFG_QUEUE_MAXLEN, CFG_MASK, CFG_FLAGS = 1, 2, 3, 4, 5
CMD_BIND = 1
COPY_META = 1
FLAG_FAIL_OPEN, FLAG_GSO = 1, 4
ATTR_PACKET_HDR, ATTR_VERDICT_HDR = 1, 2
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLMSG_ERROR = 2
NF_ACCEPT = 1
CLONE_NEWNET = 0x40000000
SO_RCVBUFFORCE = 33
QUEUE_NUM = 0

_libc = ctypes.CDLL(None, use_errno=True)


def enter_netns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def nlattr(kind, payload):
    length = 4 + len(payload)
    return struct.pack("=HH", length, kind) + payload + b"\0" * (-length % 4)


def nfmsg(kind, payload, flags=NLM_F_REQUEST, seq=0):
    # nlmsghdr + nfgenmsg (family AF_UNSPEC, version 0, queue number big-endian)
    body = struct.pack("=BBH", socket.AF_UNSPEC, 0, socket.htons(QUEUE_NUM)) + payload
    return struct.pack("=IHHII", 16 + len(body), (NFNL_SUBSYS_QUEUE << 8) | kind, flags, seq, 0) + body


class Queue:
    """Queue 0 of one network namespace, and the packets it holds (arrival deadline, packet id)."""

    def __init__(self, netns_path):
        self.name = netns_path
        self.held = collections.deque()
        home = os.open("/proc/self/ns/net", os.O_RDONLY)
        there = os.open(netns_path, os.O_RDONLY)
        try:
            enter_netns(there)
            self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
        finally:
            enter_netns(home)
            os.close(home)
            os.close(there)
        self.sock.bind((0, 0))
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
        except OSError:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        flags = FLAG_FAIL_OPEN | FLAG_GSO
        self.configure(1, nlattr(CFG_CMD, struct.pack("=BBH", CMD_BIND, 0, socket.htons(socket.AF_INET))))
        self.configure(2, nlattr(CFG_PARAMS, struct.pack(">IB", 0, COPY_META)))
        self.configure(3, nlattr(CFG_QUEUE_MAXLEN, struct.pack(">I", 65536)))
        self.configure(4, nlattr(CFG_FLAGS, struct.pack(">I", flags)) + nlattr(CFG_MASK, struct.pack(">I", flags)))
        self.sock.setblocking(False)

    def configure(self, seq, payload):
        self.sock.send(nfmsg(MSG_CONFIG, payload, NLM_F_REQUEST | NLM_F_ACK, seq))
        reply = self.sock.recv(65536)
        _, kind = struct.unpack_from("=IH", reply, 0)
        if kind == NLMSG_ERROR:
            code = struct.unpack_from("=i", reply, 16)[0]
            if code != 0:
                raise OSError(-code, "%s: nfqueue config step %d: %s" % (self.name, seq, os.strerror(-code)))

    def receive(self, due):
        while True:
            try:
                data = self.sock.recv(262144)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:  # ENOBUFS: the kernel dropped queue messages; the packets stay queued
                return
            for packet_id in packet_ids(data):
                self.held.append((due, packet_id))

    def release(self, now):
        newest = None
        while self.held and self.held[0][0] <= now:
            newest = self.held.popleft()[1]
        if newest is not None:
            verdict = nlattr(ATTR_VERDICT_HDR, struct.pack(">II", NF_ACCEPT, newest))
            self.sock.send(nfmsg(MSG_VERDICT_BATCH, verdict))


def packet_ids(data):
    """The packet ids of the NFQNL_MSG_PACKET messages in one netlink read."""
    offset = 0
    while offset + 16 <= len(data):
        length, kind = struct.unpack_from("=IH", data, offset)
        if length < 16:
            return
        if kind == (NFNL_SUBSYS_QUEUE << 8) | MSG_PACKET:
            attr, end = offset + 20, offset + length  # after nlmsghdr (16) + nfgenmsg (4)
            while attr + 4 <= end:
                attr_len, attr_kind = struct.unpack_from("=HH", data, attr)
                if attr_len < 4:
                    break
                if attr_kind & 0x3FFF == ATTR_PACKET_HDR:
                    yield struct.unpack_from(">I", data, attr + 4)[0]
                    break
                attr += (attr_len + 3) & ~3
        offset += (length + 3) & ~3


def main():
    delay = float(sys.argv[1]) / 1000.0
    queues = [Queue(path) for path in sys.argv[2:]]
    by_socket = {queue.sock: queue for queue in queues}
    print("delayer: %g ms on %d namespaces" % (delay * 1000, len(queues)), file=sys.stderr, flush=True)
    while True:
        now = time.monotonic()
        due = [queue.held[0][0] for queue in queues if queue.held]
        timeout = max(0.0, min(due) - now) if due else None
        ready, _, _ = select.select(list(by_socket), [], [], timeout)
        now = time.monotonic()
        for sock in ready:
            by_socket[sock].receive(now + delay)
        for queue in queues:
            queue.release(now)


if __name__ == "__main__":
    main()
