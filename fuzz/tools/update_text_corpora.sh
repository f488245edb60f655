#!/bin/sh
# update_text_corpora.sh - regenerate fuzz/corpus/case and fuzz/corpus/pcap, keeping only the
# seeds libFuzzer's -merge=1 finds adding coverage (under their descriptive names).
#   usage: fuzz/tools/update_text_corpora.sh BUILD-DIR [PCAP-DIR [RECORDINGS-DIR]]
# BUILD-DIR: a clang build with -DNFS41_LIBFUZZER=ON. case seeds: every case file of cases/ and
# docs/examples/ (the broken examples too) and the fixtures. pcap seeds (an option byte, see
# fuzz_pcap.c, then a capture): PCAP-DIR's captures (default: the shared ones) whole and cut into
# runs of 40 frames; variants of the smallest one in every link type packet.c reads, IPv6, VLAN
# tags, big-endian, nanosecond, pcapng, snaplen-cut, reordered, retransmitted, split and lossy;
# and RECORDINGS-DIR's engine recordings (`nfs41check run --record-pcap DIR`, see
# build/notes/helper-common.md). TARGETS (environment) limits the corpora rewritten: case, pcap.
set -eu
build=$1
pcaps=${2:-}
recordings=${3:-}
fuzz=$(cd "$(dirname "$0")/.." && pwd)
root=$(dirname "$fuzz")
[ -n "$pcaps" ] || pcaps=$(sed -n 's/^NFS41_SHARED_DIR:[A-Z]*=//p' "$build/CMakeCache.txt")/pcaps
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/case" "$tmp/pcap"

for f in $(cd "$root" && find cases docs/examples -name '*.case' -o -name '*.fixture'); do
	cp "$root/$f" "$tmp/case/$(echo "$f" | sed 's,^cases/,,; s,^docs/,,; s,/,-,g')"
done

python3 - "$tmp/pcap" "$pcaps" "$recordings" <<'EOF'
import glob, os, struct, subprocess, sys
out, pcaps, recordings = sys.argv[1], sys.argv[2], sys.argv[3]

def read(path):
    b = open(path, 'rb').read()
    e = '<' if b[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
    link = struct.unpack(e + 'I', b[20:24])[0]
    frames, off = [], 24
    while off + 16 <= len(b):
        s, us, cap, wire = struct.unpack(e + 'IIII', b[off:off + 16])
        frames.append((s, us, b[off + 16:off + 16 + cap], wire))
        off += 16 + cap
    return link, frames

def write(name, opt, link, frames, e='<', magic=0xa1b2c3d4, snap=262144):
    with open(os.path.join(out, name), 'wb') as f:
        f.write(bytes([opt]) + struct.pack(e + 'IHHiIII', magic, 2, 4, 0, 0, snap, link))
        for s, us, data, wire in frames:
            f.write(struct.pack(e + 'IIII', s, us, len(data), max(wire, len(data))) + data)

def relink(frames, head, keep=14):
    return [(s, us, head(d[12:14]) + d[keep:], w - keep + len(head(d[12:14])))
            for s, us, d, w in frames]

def to_ipv6(d):
    ip = d[14:]
    if d[12:14] != b'\x08\x00' or ip[9] != 6:
        return d
    ihl, total = (ip[0] & 15) * 4, struct.unpack('>H', ip[2:4])[0]
    v6 = struct.pack('>IHBB', 6 << 28, total - ihl, 6, 64) + b'\0' * 15 + ip[15:16] + \
        b'\0' * 15 + ip[19:20]
    return d[:12] + b'\x86\xdd' + v6 + ip[ihl:total]

def tcp_payload(d):
    ip = d[14:]
    if d[12:14] != b'\x08\x00' or ip[9] != 6:
        return None
    ihl = (ip[0] & 15) * 4
    doff = (ip[ihl + 12] >> 4) * 4
    return 14 + ihl + doff, struct.unpack('>H', ip[2:4])[0] - ihl - doff

def split(frames):  # every data segment as two, seq numbers adjusted
    res = []
    for s, us, d, w in frames:
        p = tcp_payload(d)
        if not p or p[1] < 2:
            res.append((s, us, d, w)); continue
        at, n = p[0], p[1] // 2
        hdr = bytearray(d[:at])
        ihl = (hdr[14] & 15) * 4
        for part, seq_add in ((d[at:at + n], 0), (d[at + n:at + p[1]], n)):
            h = bytearray(hdr)
            struct.pack_into('>H', h, 16, ihl + (h[14 + ihl + 12] >> 4) * 4 + len(part))
            seq = struct.unpack('>I', h[14 + ihl + 4:14 + ihl + 8])[0]
            struct.pack_into('>I', h, 14 + ihl + 4, (seq + seq_add) & 0xffffffff)
            res.append((s, us, bytes(h) + part, len(h) + len(part)))
    return res

def data_frames(frames):
    return [i for i, f in enumerate(frames) if (tcp_payload(f[2]) or (0, 0))[1] > 0]

for path in sorted(glob.glob(os.path.join(pcaps, '*.pcap'))):
    base = os.path.basename(path)[:-5]
    link, frames = read(path)
    for i in range(0, len(frames), 40):
        write('%s-frames%d-%d.pcap' % (base, i + 1, i + 40), (0x04, 0x01, 0x0e, 0x07)[i // 40 % 4],
              link, frames[i:i + 40])

small = min(glob.glob(os.path.join(pcaps, '*.pcap')), key=os.path.getsize)
link, fr = read(small)
write('ether.pcap', 0x04, link, fr)
write('ether-json-stats.pcap', 0x0a, link, fr)
write('big-endian.pcap', 0x03, link, fr, e='>')
write('nanoseconds.pcap', 0x01, link, fr, magic=0xa1b23c4d)
write('raw-ip.pcap', 0x00, 101, relink(fr, lambda t: b''))
write('linux-sll.pcap', 0x00, 113, relink(fr, lambda t: b'\0\0\0\1\0\6' + b'\0' * 8 + t))
write('linux-sll2.pcap', 0x00, 276, relink(fr, lambda t: t + b'\0\0\0\0\0\1\0\1\0\0\6' + b'\0' * 7))
write('bsd-null.pcap', 0x00, 0, relink(fr, lambda t: b'\2\0\0\0'))
write('bsd-loop.pcap', 0x00, 108, relink(fr, lambda t: b'\0\0\0\2'))
write('vlan-qinq.pcap', 0x00, link,
      [(s, us, d[:12] + b'\x88\xa8\0\1\x81\0\0\2' + d[12:], w + 8) for s, us, d, w in fr])
write('ipv6.pcap', 0x04, link, [(s, us, to_ipv6(d), len(to_ipv6(d))) for s, us, d, w in fr])
write('snaplen-96.pcap', 0x00, link, [(s, us, d[:96], w) for s, us, d, w in fr], snap=96)
write('split-segments.pcap', 0x61, link, split(fr))
dat = data_frames(fr)
swapped = list(fr)
for a, b in zip(dat[0::2], dat[1::2]):
    swapped[a], swapped[b] = swapped[b], swapped[a]
write('reordered.pcap', 0x80, link, swapped)
write('retransmitted.pcap', 0x00, link, [f for i, f in enumerate(fr) for _ in (0, 1)[:1 + (i in dat)]])
write('lossy.pcap', 0x00, link, [f for i, f in enumerate(fr) if i not in dat[1::3]])
subprocess.run(['editcap', '-F', 'pcapng', small, os.path.join(out, 'tmp.pcapng')], check=True)
with open(os.path.join(out, 'pcapng.pcapng'), 'wb') as f:
    f.write(b'\x04' + open(os.path.join(out, 'tmp.pcapng'), 'rb').read())
os.remove(os.path.join(out, 'tmp.pcapng'))
for path in sorted(glob.glob(os.path.join(recordings, '*.pcap'))) if recordings else []:
    with open(os.path.join(out, 'refd-' + os.path.basename(path)), 'wb') as f:
        f.write(b'\x04' + open(path, 'rb').read())
EOF

for h in ${TARGETS:-case pcap}; do
	mkdir "$tmp/merged-$h"
	"$build/fuzz/fuzz_$h" -merge=1 "$tmp/merged-$h" "$tmp/$h" \
		2>"$tmp/merge-$h.log" || { cat "$tmp/merge-$h.log"; exit 1; }
	find "$fuzz/corpus/$h" -type f ! -name 'README*' -delete
	for f in "$tmp/$h"/*; do
		sum=$(sha1sum <"$f" | cut -c1-40)
		# pcapng adds no coverage libFuzzer sees (libpcap is not instrumented): kept anyway
		case $f in *.pcapng) cp "$f" "$fuzz/corpus/$h/" ;; esac
		[ -e "$tmp/merged-$h/$sum" ] && cp "$f" "$fuzz/corpus/$h/"
	done
	echo "corpus/$h: $(ls "$tmp/merged-$h" | wc -l) of $(ls "$tmp/$h" | wc -l) seeds kept," \
		"$(cat "$fuzz/corpus/$h"/* | wc -c) bytes"
done
