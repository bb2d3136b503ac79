#!/usr/bin/env bash
# Capture a real IKEv2 exchange between two strongSwan 5.9.8 charons (Debian 12
# packages) and turn it into the C test vectors in strongswan_vectors.h:
#
#   ns A (initiator) 192.0.2.1 --veth-- 192.0.2.2 ns B (responder)
#
# A starts the connection; dumpcap records UDP in ns A; charon's filelog at
# "enc 3" prints the plaintext of every SK payload it encrypts, which gives
# the decrypted IKE_AUTH bodies. The keys are per-run and are never needed.
# Run as root:  tests/unit/ike/vectors/capture_strongswan.sh
# (See /work/shared/reference/strongswan-peer.md for the charon set-up.)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
na="ikecap$$a"
nb="ikecap$$b"
pids=()

cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	ip netns del "$na" 2>/dev/null || true
	ip netns del "$nb" 2>/dev/null || true
	[ -n "${KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$na"
ip netns add "$nb"
ip link add "v${$}a" netns "$na" type veth peer name "v${$}b" netns "$nb"
ip -n "$na" addr add 192.0.2.1/24 dev "v${$}a"
ip -n "$nb" addr add 192.0.2.2/24 dev "v${$}b"
for n in "$na" "$nb"; do
	ip -n "$n" link set lo up
done
ip -n "$na" link set "v${$}a" up
ip -n "$nb" link set "v${$}b" up
# libipsec routes the protected networks into its TUN device: each side needs a route to use
ip -n "$na" route add default via 192.0.2.2
ip -n "$nb" route add default via 192.0.2.1
# an address inside each protected network: the source of libipsec's routes
ip -n "$na" addr add 198.51.100.1/32 dev lo
ip -n "$nb" addr add 203.0.113.1/32 dev lo

conf() {	# conf DIR LOCAL REMOTE LID RID START
	local d=$1
	mkdir -p "$d/run" "$d/swanctl/conf.d"
	cat >"$d/strongswan.conf" <<EOC
charon {
	load_modular = no
	send_vendor_id = yes
	load = random nonce openssl aes sha1 sha2 hmac gcm kdf pem pkcs1 pubkey x509 kernel-libipsec kernel-netlink socket-default vici
	plugins {
		vici {
			socket = unix://$d/charon.vici
		}
	}
	filelog {
		main {
			path = $d/charon.log
			default = 1
			ike = 2
			enc = 3
			flush_line = yes
		}
	}
}
swanctl {
	socket = unix://$d/charon.vici
}
EOC
	cat >"$d/swanctl/swanctl.conf" <<EOC
connections {
	gw {
		version = 2
		local_addrs = $2
		remote_addrs = $3
		mobike = no
		proposals = aes256gcm16-prfsha384-ecp256-modp2048-x25519, aes128-sha256-ecp256-modp2048-x25519
		local {
			auth = psk
			id = $4
		}
		remote {
			auth = psk
			id = $5
		}
		children {
			net {
				local_ts = $7
				remote_ts = $8
				esp_proposals = aes128gcm16, aes128-sha256
				start_action = $6
			}
		}
	}
}
secrets {
	ike-1 {
		id-a = gw-a.example
		id-b = gw-b.example
		secret = "capture-only-psk"
	}
}
EOC
}
conf "$work/a" 192.0.2.1 192.0.2.2 gw-a.example gw-b.example start 198.51.100.0/24 203.0.113.0/24
conf "$work/b" 192.0.2.2 192.0.2.1 gw-b.example gw-a.example none 203.0.113.0/24 198.51.100.0/24

ip netns exec "$na" dumpcap -q -i "v${$}a" -f udp -w "$work/ike.pcap" 2>/dev/null &
pids+=($!)
start_charon() {	# start_charon NS DIR
	ip netns exec "$1" env STRONGSWAN_CONF="$2/strongswan.conf" \
		sh -c "mount --bind $2/run /run && exec /usr/lib/ipsec/charon" >/dev/null 2>&1 &
	pids+=($!)
}
wait_for() {	# wait_for FILE-OR-CMD: poll up to 20 s for the condition
	for _ in $(seq 200); do eval "$1" && return 0; sleep 0.1; done
	echo "timeout waiting for: $1" >&2
	tail -n 30 "$work"/*/charon.log >&2 || true
	return 1
}
wait_for "[ -s $work/ike.pcap ]"
start_charon "$nb" "$work/b"
wait_for "[ -S $work/b/charon.vici ]"
ip netns exec "$nb" env STRONGSWAN_CONF="$work/b/strongswan.conf" \
	swanctl --load-all --file "$work/b/swanctl/swanctl.conf" >/dev/null 2>&1
start_charon "$na" "$work/a"
wait_for "[ -S $work/a/charon.vici ]"
ip netns exec "$na" env STRONGSWAN_CONF="$work/a/strongswan.conf" \
	swanctl --load-all --file "$work/a/swanctl/swanctl.conf" >/dev/null 2>&1
wait_for "grep -q 'CHILD_SA net{1} established' $work/a/charon.log"
wait_for "grep -q 'CHILD_SA net{1} established' $work/b/charon.log"
kill -INT "${pids[0]}"	# dumpcap writes out what it has and exits
wait "${pids[0]}" || true
/usr/bin/python3 "$here/pcap_to_c.py" "$work/ike.pcap" "$work/a/charon.log" \
	"$work/b/charon.log" >"$here/strongswan_vectors.h"
echo "wrote $here/strongswan_vectors.h"
