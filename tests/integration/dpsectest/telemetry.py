"""DPDK telemetry of a running dpsecd, read the way dpdk-telemetry.py reads it: the v2 socket
in the runtime directory DPDK names after the EAL file prefix."""
import json
import socket


def ask(prefix, *commands):
    """The values of the answers to commands, in order, over one connection (a command's
    ",parameter" is not part of the key its answer comes under)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        s.settimeout(10)
        s.connect("/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix)
        s.recv(4096)    # the greeting
        answers = []
        for cmd in commands:
            s.send(cmd.encode())
            answers.append(json.loads(s.recv(65536))[cmd.split(",")[0]])
        return answers
    finally:
        s.close()
