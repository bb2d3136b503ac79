"""The seed network's addresses (RFC 5737 documentation ranges only), and each gateway's
view of them: a dpsecd on either side is configured from its side's row, so gwA's config
is gwB's mirrored.

   ns h1 (host1)         ns gwa (gwA)                         ns gwb (gwB)            ns h2 (host2)
   h1-a 198.51.100.10 -- gwa-in 198.51.100.1                   gwb-in 203.0.113.1 -- h2-b 203.0.113.10
                         gwa-out 192.0.2.1 ==== IKEv2/ESP ==== gwb-out 192.0.2.2
"""
H1, GWA_IN, GWA_OUT = "198.51.100.10", "198.51.100.1", "192.0.2.1"
GWB_OUT, GWB_IN, H2 = "192.0.2.2", "203.0.113.1", "203.0.113.10"
NET1, NET2 = "198.51.100.0/24", "203.0.113.0/24"
PSK = "DOCUMENTATION-ONLY-PSK-gwA-gwB"
PORT = 9000     # the stream's UDP port on host2 (and host1, reversed)

# name: the gateway's namespace key; host/host_dev: the inside host's namespace and device
# (its MAC is the inside neighbour); peer_ns/peer_dev: the other gateway's outside device
# (its MAC is the outside neighbour).
SIDES = {
    "gwb": dict(hostname="gwB", peer_name="gwA", local=GWB_OUT, peer=GWA_OUT, inside=GWB_IN,
                in_dev="gwb-in", out_dev="gwb-out", host_ip=H2, host="h2",
                host_dev="h2-b", peer_ns="gwa", peer_dev="gwa-out", local_net=NET2,
                remote_net=NET1),
    "gwa": dict(hostname="gwA", peer_name="gwB", local=GWA_OUT, peer=GWB_OUT, inside=GWA_IN,
                in_dev="gwa-in", out_dev="gwa-out", host_ip=H1, host="h1",
                host_dev="h1-a", peer_ns="gwb", peer_dev="gwb-out", local_net=NET1,
                remote_net=NET2),
}
