"""A zip member compressed in pieces, so a re-run reuses the pieces it stored
(issue 16: deflating the 10 MB review sheet was a fifth of its cost).

Each piece is a raw DEFLATE stream of its own ended by a sync flush (an empty
stored block, byte-aligned, not final), so the pieces put end to end, with a
final empty block after them, are one valid stream. A piece's compressed bytes
depend only on its bytes, so a piece seen before (same digest) is taken from
the cache; a cold run compresses every piece the same way, so the member's
bytes are the same either way. `write_zip` writes the package with the
headers `zipfile` writes for `ZIP_DEFLATED` members (fixed time, owner-only).
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from pathlib import Path

#: the stream's final block: fixed Huffman codes, no symbols but end-of-block
_FINAL_BLOCK = b"\x03\x00"
_LEVEL = 6  # zlib's default, as `zipfile` uses
#: MS-DOS date and time of 2000-01-01 00:00:00 (`exports.FIXED_TIME`)
_DOS_DATE, _DOS_TIME = (2000 - 1980) << 9 | 1 << 5 | 1, 0
_ATTRIBUTES = 0o600 << 16


#: a piece compressed before: (compressed bytes, CRC-32, size) of its bytes
Packed = tuple[bytes, int, int]


def piece_key(piece: bytes) -> bytes:
    return hashlib.blake2b(piece, digest_size=16).digest()


def deflate_pieces(
    pieces: list[bytes | Packed], cache: dict[bytes, bytes], used: dict[bytes, bytes]
) -> tuple[bytes, int, int]:
    """The pieces compressed as one stream: (compressed bytes, CRC-32, size).
    A piece given as bytes is taken from `cache` by digest when there (every
    such piece's compressed bytes are put in `used`); one given `Packed`
    (`pack`) is used as it is, its CRC-32 combined with the others'."""
    packed, crc, size = [], 0, 0
    for piece in pieces:
        if isinstance(piece, tuple):
            data, piece_crc, piece_size = piece
            crc = crc32_combine(crc, piece_crc, piece_size)
            size += piece_size
            packed.append(data)
            continue
        key = piece_key(piece)
        data = used.get(key) or cache.get(key)
        if data is None:
            data = _compress(piece)
        used[key] = data
        packed.append(data)
        crc = zlib.crc32(piece, crc)
        size += len(piece)
    packed.append(_FINAL_BLOCK)
    return b"".join(packed), crc, size


def pack(piece: bytes) -> Packed:
    """A piece compressed on its own, with its CRC-32 and size, to be kept and
    given to `deflate_pieces` again without its bytes."""
    return _compress(piece), zlib.crc32(piece), len(piece)


def _compress(piece: bytes) -> bytes:
    compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(piece) + compressor.flush(zlib.Z_SYNC_FLUSH)


_POLY = 0xEDB88320  # CRC-32, reflected


def _multmodp(a: int, b: int) -> int:
    """a times b modulo the CRC-32 polynomial (zlib's `multmodp`; a != 0)."""
    m, p = 1 << 31, 0
    while True:
        if a & m:
            p ^= b
            if not a & (m - 1):
                return p
        m >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1


def _x2n_table() -> list[int]:
    table, p = [], 1 << 30  # x^1
    for _ in range(32):
        table.append(p)
        p = _multmodp(p, p)
    return table


_X2N = _x2n_table()


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """The CRC-32 of two byte strings end to end, from the first's CRC-32 and
    the second's CRC-32 and length (zlib's `crc32_combine`, which Python's
    zlib does not offer)."""
    p, k, n = 1 << 31, 3, len2  # x^0; x^(8 * len2) from x^(2^k)
    while n:
        if n & 1:
            p = _multmodp(_X2N[k & 31], p)
        n >>= 1
        k += 1
    return _multmodp(p, crc1) ^ crc2


def write_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> None:
    """A zip of deflated members (name, compressed bytes, CRC-32, size)."""
    body, directory = [], []
    offset = 0
    for name, data, crc, size in members:
        encoded = name.encode("ascii")
        common = (8, _DOS_TIME, _DOS_DATE, crc, len(data), size, len(encoded))
        local = struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0, *common, 0)
        central = (b"PK\x01\x02", 20, 3, 20, 0, 0, *common, 0, 0, 0, 0, _ATTRIBUTES, offset)
        directory.append(struct.pack("<4s4B4HL2L5H2L", *central) + encoded)
        body += [local, encoded, data]
        offset += len(local) + len(encoded) + len(data)
    listing = b"".join(directory)
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(listing), offset, 0
    )
    path.write_bytes(b"".join(body) + listing + end)


def deflate_whole(data: bytes) -> tuple[bytes, int, int]:
    """A small member compressed as one piece (not cached)."""
    return deflate_pieces([data], {}, {})
