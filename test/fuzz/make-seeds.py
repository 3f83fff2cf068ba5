#!/usr/bin/env python3
"""Write the hand-made seed inputs of each fuzz harness into corpus/<harness>/.

The seeds are valid inputs (so that the fuzzer starts inside the formats) and the reproducers
of defects found before (so that each stays a regression input). Inputs the fuzzer finds later
are added beside them (scripts/fuzz --merge). Run from anywhere; rewrites only seed-* files.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
MAGIC, VERSION = 0x444C, 1


def header(phase=0, kind=0, source=0, rnd=1, block=0, chunk=0, chunks=1, offset=0, count=0,
           magic=MAGIC, version=VERSION):
    """A ModelBlockHeader on the wire (32 bytes, network order)."""
    return struct.pack('>HBBBBHIIIIII', magic, version, phase, kind, 0, source, rnd, block,
                       chunk, chunks, offset, count)


def floats(n, start=0.0):
    return struct.pack('>%df' % n, *[start + 0.5 * i for i in range(n)])


def write(harness, name, data):
    folder = os.path.join(HERE, 'corpus', harness)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, 'seed-' + name), 'wb') as f:
        f.write(data)


# --- block-receive: config (4 workers, 100 parameters, 10 floats per chunk), then a datagram.
# Blocks of 25 floats: block 1 is [25, 50), its chunks [25,35) [35,45) [45,50).
packet_cfg = bytes([3, 99, 0x00, 9])
block_cfg = bytes([3, 99, 0x80, 9])  # the same, block granularity
write('block-receive', 'chunk', packet_cfg + header(source=2, block=1, chunk=1, chunks=3,
                                                    offset=35, count=10) + floats(10))
write('block-receive', 'last-chunk', packet_cfg + header(source=2, block=1, chunk=2, chunks=3,
                                                         offset=45, count=5) + floats(5))
write('block-receive', 'end-marker', packet_cfg + header(phase=1, source=3, block=1, chunk=3,
                                                         chunks=3))
write('block-receive', 'block-granularity', block_cfg + header(kind=1, block=3, chunk=0,
                                                               chunks=3, offset=75, count=10)
      + floats(10))
write('block-receive', 'short-payload', packet_cfg + header(block=1, chunk=0, chunks=3,
                                                            offset=25, count=10) + floats(9))
write('block-receive', 'bad-magic', packet_cfg + header(magic=0x4d4c, block=1, chunks=3,
                                                        offset=25, count=10) + floats(10))
write('block-receive', 'truncated-header', packet_cfg + header(block=1)[:20])

# --- stream-reader: piece-size byte, then a stream of messages.
stream = (header(block=0, chunk=0, chunks=1, offset=0, count=3) + floats(3)
          + header(block=1, chunk=0, chunks=1, offset=3, count=0)  # an empty block (D3)
          + header(phase=1, block=2, chunk=0, chunks=1, offset=3, count=4) + floats(4))
write('stream-reader', 'three-messages', bytes([5]) + stream)
write('stream-reader', 'partial-tail', bytes([11]) + stream + header(count=8) + floats(3))
write('stream-reader', 'corrupt-middle', bytes([2]) + stream[:60] + header(version=9, count=1)
      + floats(1) + stream)

# --- idx-reader: where the images end (2 bytes, little-endian), images, labels.


def idx_pair(images, labels, rows, cols):
    img = struct.pack('>IIII', 0x803, len(labels), rows, cols) + bytes(images)
    lab = struct.pack('>II', 0x801, len(labels)) + bytes(labels)
    return struct.pack('<H', len(img)) + img + lab


write('idx-reader', 'three-2x2', idx_pair(range(0, 240, 20), [0, 9, 4], 2, 2))
write('idx-reader', 'bad-label', idx_pair(range(12), [0, 10, 4], 2, 2))
write('idx-reader', 'count-mismatch', idx_pair(range(12), [0, 1], 2, 2)[:-1])
# D2: dimensions whose product wraps (2^31 x 2^31 on a 16-byte file).
d2_img = bytes.fromhex('00000803 00000004 80000000 80000000'.replace(' ', ''))
d2_lab = bytes.fromhex('00000801 00000004 00010203'.replace(' ', ''))
write('idx-reader', 'd2-wrapping-dims', struct.pack('<H', len(d2_img)) + d2_img + d2_lab)

# --- cifar-reader: records of 1 label byte + 3072 pixels.
record = bytes([7]) + bytes(i % 256 for i in range(3072))
write('cifar-reader', 'two-records', record + bytes([0]) + record[1:])
write('cifar-reader', 'bad-label', record + bytes([10]) + record[1:])
write('cifar-reader', 'cut-record', record + record[:100])
