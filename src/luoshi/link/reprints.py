"""Reprints: the same readout republished with other page furniture, another headline, a cut or
a sentence changed. Pure functions over the clean simplified text; the store keeps the results.

A document's *shingles* are the hashes of its overlapping 5-character pieces, after NFKC and
without white space (line breaks and spacing differ from site to site). Its *signature* is a
MinHash of 128 permutations of those hashes, computed with numpy for all shingles at once; the
signature is cut into ``BANDS`` bands of ``ROWS`` values and each band hashed to one 64-bit
*band key*. Two documents sharing a band key are candidates; a candidate pair is a reprint when
the exact Jaccard similarity of the shingle sets is at least ``MIN_JACCARD``, or when the smaller
set is contained in the larger to ``MIN_CONTAINMENT`` (an excerpt) — and when it is a copy:
at least ``MIN_VERBATIM`` of the smaller text lies in passages of ``RUN`` characters or more that
the other text holds word for word. Different meetings of one series (the same template with
other names, dates and tasks) can share half their shingles, but only in short stretches broken
by the names and numbers; a reprint shares whole paragraphs. Stories are the connected
components of the reprint pairs (``UnionFind``).

With 42 bands of 3 rows, a pair of Jaccard similarity s shares a band with probability
1 - (1 - s³)⁴²: 0.996 at 0.5, 0.9995 at 0.55 (a 60% excerpt), 0.29 at 0.2, 0.04 at 0.1."""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

if TYPE_CHECKING:  # numpy is imported by the functions that compute: commands that only read
    import numpy as np  # stories (search, the reader) start without it
    import numpy.typing as npt

    Hashes = npt.NDArray[np.uint64]
    Values = TypeVar("Values", bound=np.generic)

SHINGLE = 5
PERMUTATIONS = 128
ROWS = 3
BANDS = PERMUTATIONS // ROWS  # 42 bands use 126 of the 128 values
MIN_JACCARD = 0.5
MIN_CONTAINMENT = 0.8
MIN_EXCERPT_SHINGLES = 60  # containment alone is no evidence for a text of a few lines
RUN = 34  # characters: a passage shorter than this may be template ("研究部署贯彻落实工作")
MIN_VERBATIM = 0.55
BLOCK = 512  # shingles per block of MinHash products: 128 × 512 × 4 bytes = 256 KB
WIDTHS = (64, 128, 256, BLOCK)  # a block's shingles padded to the first of these that holds them


def _mix(x: Hashes, out: Hashes | None = None) -> Hashes:
    """splitmix64's finaliser, element-wise (uint64 arithmetic wraps); into ``out`` if given
    (which may be ``x``)."""
    import numpy as np

    x = np.add(x, np.uint64(0x9E3779B97F4A7C15), out=out)
    shifted = x >> np.uint64(30)
    x ^= shifted
    x *= np.uint64(0xBF58476D1CE4E5B9)
    np.right_shift(x, np.uint64(27), out=shifted)
    x ^= shifted
    x *= np.uint64(0x94D049BB133111EB)
    np.right_shift(x, np.uint64(31), out=shifted)
    x ^= shifted
    return x


# The permutations' multipliers a then addends b, little-endian uint32: what
# ``np.random.Generator(np.random.PCG64(20261206))`` drew once (``rng.integers(0, 1 << 31, 128) * 2 + 1``,
# then ``rng.integers(0, 1 << 32, 128)``; tests/link/test_reprints.py draws them again), written out so that
# an ingest does not import numpy.random (10 ms of CPU a command) for 256 numbers.
_PERMUTATIONS_HEX = (
    "b9c3d8c8af6f27dafd944c61832d1f42235ef032bf61ecd0352bd50b4b6c7e2651aa793aa795e8455f9c884a93f25cbf"
    "4ff6915b97f92bcb97bfd72685f7c13c513ddc80655f20c793f7c68dc5d0f83ef16bf9d4113741199fe920ac97fa6ab8"
    "1dfc0dcb0554b4495796dd3f63902debfd14f74e87b862b7f1f4dcecf7e546be6bea0f6b3115e592e53e4d867d6b1014"
    "69c3720e8b7b196e014ebf4f83b475df65e00e07a3442e6e5341dfbe5959e9bb43f2feeff5e40862b55a536cb5e9d140"
    "531e07e053f7bcbaab30073be156b59b3dd75fbdb7ca7b60650c2bb7a72c612a5d6aa88b9bfe45649dcebc48271ea6de"
    "df0317a5e72be1fa670c9e7c05bea017b5d487c64183aec6a1dd17c1eba1981e290a3d676748bc80115458fef7038b69"
    "b7934c67138647382d9c9d6f850fba900dfe69116fabec0e2d53dc5e6bdb43d567726cd3af86941bd5869512eb9398aa"
    "b5b8684ac3673407f585cc6ca181027105ef7eff5178685eb38ae318f348b8be3ffbe9a68fef994111b87cc7952207d6"
    "a5c827fc69b2484a89f29c5b71c899c919a33eeaf99be9a7cb991568c31e14b6df756826f5cb352391cc8aa1a56c47e4"
    "d19b29ef2db05aed9dd679417baf19679513a5d9797215260b1561989534561ee747f05519e8c800f7a8bc6eff81cc13"
    "19d91d14cb47aca7233b21a7559ea87f73f06221d584bdfdbd2e5f45b3cb79566b0c91473d92b42a1f99da6e6220bc69"
    "75dbc4046520f769d224bebfa77b7dccbaa6e585b9aac74161c6ec8ec76ecfbe620888ebf63caca6b81890513708f187"
    "225f5a5c4ab68c13b8b03c9abd55e97a0cc2c1d686825f7a9caffe723b98e89fb2a6f4d027f5cb4488128ef12e150015"
    "2196b4700dec48df70407da7dc1eb53f0bd3de086c93c3d420a4693a1f7367fafed821edcb1ff733f56259ea45bec83b"
    "b04269671f8dab38cdfc855c9bfcd845b40e4be3f977a16fdb396ca50a1e2dbf3d2150ec5c4f2d94ebbb12f2009dffe8"
    "47158c5b34c870bc856cdf1c937aaa6c3cafa84cf1b1362f81f5327d42086e12da40f32aa49447072f3c38a385b8082b"
    "062a6bc19428000ea4a22b8b9a16251bf6c1e33e0c1f6b9b82a14c3a23523ee8a2d1f640f9688abfb2d164619db27512"
    "c308696d7d08b5c020a49ce6e6e6eec95202ba7c4e0c2856a4a2412cb82d1034eedf50a7ec179a9000364c3327ceabc0"
    "b4a40b4731cbed44599b2bb8167520ff6aba7410bfd842a5e4cc0600e72f35aee366c3d55188aad8c5a779c2f0b60048"
    "30186c34029d5a6b4e57c1b3b51894f367c7127d6bfe8b4ed673fe14775de5add88eadd6c3412f79117d8b3d3ec8fc72"
    "d84a9910e96d5e2bca58f2fff22535c3c375f44fbed755e830708c272055d897ec6a36ddde4f41c54bd05e3efb01b3e4"
    "425fec0899180f89ae79ac85646ae888"
)


@cache
def _permutations() -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """128 fixed permutations x → a·x + b (mod 2³²), a odd, of the shingles' 32-bit prints
    (``_PERMUTATIONS_HEX``). Fixed for ever: stored band keys depend on them."""
    import numpy as np

    both = np.frombuffer(bytes.fromhex("".join(_PERMUTATIONS_HEX)), dtype="<u4").astype(np.uint32)
    return both[:PERMUTATIONS], both[PERMUTATIONS:]


@cache
def _band_constants() -> tuple[Hashes, Hashes]:
    """One odd multiplier per row of a band and a salt per band: a band's values are summed as
    Σ cⱼ·vⱼ + saltᵢ (mod 2⁶⁴) and mixed once."""
    import numpy as np

    row_mult = _mix(np.arange(101, 101 + ROWS, dtype=np.uint64)) | np.uint64(1)
    return row_mult, _mix(np.arange(1, BANDS + 1, dtype=np.uint64))


def normalise(simplified: str) -> str:
    """The text shingled: NFKC (full- and half-width punctuation alike), no white space."""
    return "".join(unicodedata.normalize("NFKC", simplified).split())


def pieces(simplified: str, k: int = SHINGLE) -> Hashes:
    """64-bit hashes of the ``k``-character pieces of the normalised text, in text order (a
    text shorter than ``k`` is one piece; an empty text has none)."""
    import numpy as np

    text = normalise(simplified)
    if not text:
        return np.empty(0, dtype=np.uint64)
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    n = max(len(points) - k + 1, 1)
    h = points[:n].copy()  # (in place below: no temporary arrays)
    for j in range(1, min(k, len(points))):
        h *= np.uint64(1_000_003)
        h += points[j : j + n]
    return _mix(h, h)


def unique(values: npt.NDArray[Values]) -> npt.NDArray[Values]:
    """Sorted unique values (np.unique without its general machinery: a third of the time; nor
    its check for a masked array, which imports numpy.ma, 7 ms once a command)."""
    import numpy as np

    ordered = np.sort(values)
    if ordered.size < 2:
        return ordered
    keep = np.empty(ordered.size, dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def shingles(simplified: str, k: int = SHINGLE) -> Hashes:
    """The shingle set: sorted unique hashes of the pieces."""
    return unique(pieces(simplified, k))


_BUFFERS = threading.local()


@cache
def _permuted(width: int) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """The permutations' multipliers and addends, each repeated ``width`` times in a row: flat
    (128 × ``width``) arrays laid out as ``signature``'s products (read-only, shared)."""
    import numpy as np

    a, b = _permutations()
    many, plus = np.repeat(a, width), np.repeat(b, width)
    many.flags.writeable = plus.flags.writeable = False
    return many, plus


def _products() -> npt.NDArray[np.uint32]:
    """This thread's buffer for ``signature``'s products, kept (allocated for each document, its
    pages were faulted in again each time)."""
    import numpy as np

    buf: npt.NDArray[np.uint32] | None = getattr(_BUFFERS, "products", None)
    if buf is None:
        buf = _BUFFERS.products = np.empty(PERMUTATIONS * BLOCK, dtype=np.uint32)
    return buf


def signature(hashes: Hashes) -> npt.NDArray[np.uint32]:
    """MinHash of 128 permutations over the shingles' low 32 bits (all-ones for a text without
    shingles). 32-bit arithmetic halves the memory traffic of the (128 × shingles) products;
    the exact comparison of candidates uses the full 64-bit shingles. The products are laid out
    one permutation a row, so each minimum runs along contiguous memory (a quarter faster than
    shingles a row, ``signature_by_rows``), in blocks of at most BLOCK shingles that stay in
    the cache. A block is padded to its width (one of WIDTHS) with copies of its first print,
    which change no minimum, and written once into every row of the buffer: the products are
    then two operations on flat arrays (``_permuted``) — with one operand broadcast along each
    row instead, numpy ran an inner loop, or buffered a copy, per permutation (0.09 → 0.07 ms
    a document; 0.14 → 0.11 with the caches evicted between two documents, as extraction does
    in the ingest)."""
    import numpy as np

    out = np.full(PERMUTATIONS, 0xFFFFFFFF, dtype=np.uint32)
    if hashes.size == 0:
        return out
    prints = hashes.astype(np.uint32)  # the low 32 bits
    buf = _products()
    for start in range(0, prints.size, BLOCK):
        block = prints[start : start + BLOCK]
        width = next(w for w in WIDTHS if w >= block.size)
        products = buf[: PERMUTATIONS * width]
        rows = products.reshape(PERMUTATIONS, width)
        rows[:, : block.size] = block
        if width > block.size:
            rows[:, block.size :] = block[0]
        many, plus = _permuted(width)
        np.multiply(products, many, out=products)
        np.add(products, plus, out=products)
        np.minimum(out, rows.min(axis=1), out=out)
    return out


def signature_by_rows(hashes: Hashes) -> npt.NDArray[np.uint32]:
    """The same MinHash laid out one shingle a row (the implementation before 2026-12-06): the
    benchmark's baseline and the test's reference."""
    import numpy as np

    out = np.full(PERMUTATIONS, np.iinfo(np.uint32).max, dtype=np.uint32)
    if hashes.size == 0:
        return out
    prints = hashes.astype(np.uint32)
    step = 1024
    a, b = _permutations()
    buf = np.empty((min(step, prints.size), PERMUTATIONS), dtype=np.uint32)
    for start in range(0, prints.size, step):
        block = prints[start : start + step, None]
        products = buf[: block.shape[0]]
        np.multiply(block, a, out=products)
        products += b
        np.minimum(out, products.min(axis=0), out=out)
    return out


def band_keys(sig: npt.NDArray[np.uint32]) -> list[int]:
    """One signed 64-bit key per band (signed: a BIGINT in SQLite and PostgreSQL alike); the
    band's number is mixed in, so equal values in different bands give different keys."""
    import numpy as np

    row_mult, band_salt = _band_constants()
    rows = sig[: BANDS * ROWS].reshape(BANDS, ROWS).astype(np.uint64)
    key = _mix((rows * row_mult).sum(axis=1, dtype=np.uint64) + band_salt)
    return key.view(np.int64).tolist()  # type: ignore[no-any-return]


def band_keys_of(signatures: npt.NDArray[np.uint32]) -> npt.NDArray[np.int64]:
    """``band_keys`` of many signatures at once: (n × 128) → (n × BANDS) signed keys."""
    import numpy as np

    row_mult, band_salt = _band_constants()
    rows = signatures[:, : BANDS * ROWS].reshape(len(signatures), BANDS, ROWS).astype(np.uint64)
    return _mix((rows * row_mult).sum(axis=2, dtype=np.uint64) + band_salt).view(np.int64)


@dataclass(frozen=True)
class Fingerprint:
    """What linking needs of one document: its pieces in text order, its shingle set, its
    signature and its band keys (none for a text without shingles)."""

    pieces: Hashes
    shingles: Hashes
    signature: npt.NDArray[np.uint32]
    keys: tuple[int, ...]

    @classmethod
    def of(cls, simplified: str) -> Fingerprint:
        ordered = pieces(simplified)
        hashes = unique(ordered)
        sig = signature(hashes)
        return cls(ordered, hashes, sig, tuple(band_keys(sig)) if hashes.size else ())

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled without its shingle set (a Dask worker sends each document's to the writer):
        # the set is the pieces' unique values, found again in tens of microseconds, a third
        # of a document's bytes otherwise.
        return _unpickled, (self.pieces, self.signature, self.keys)


def _unpickled(ordered: Hashes, sig: npt.NDArray[np.uint32], keys: tuple[int, ...]) -> Fingerprint:
    return Fingerprint(ordered, unique(ordered), sig, keys)


@dataclass(frozen=True)
class Similarity:
    jaccard: float
    containment: float  # of the smaller set in the larger (0 below MIN_EXCERPT_SHINGLES)
    verbatim: float  # share of the smaller text in passages of RUN characters held by the other

    @property
    def reprint(self) -> bool:
        close = self.jaccard >= MIN_JACCARD or self.containment >= MIN_CONTAINMENT
        return close and self.verbatim >= MIN_VERBATIM


def verbatim_share(ordered: Hashes, other: Hashes, run: int = RUN) -> float:
    """The share of the pieces ``ordered`` (in text order) that lie in runs of consecutive pieces
    all found in the sorted set ``other``, the runs covering at least ``run`` characters."""
    import numpy as np

    if ordered.size == 0 or other.size == 0:
        return 0.0
    at = np.searchsorted(other, ordered)
    held = np.zeros(ordered.size + 2, dtype=np.int8)  # a 0 either side closes every run
    held[1:-1] = other[np.minimum(at, other.size - 1)] == ordered
    edges = held[1:] - held[:-1]
    lengths = np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)
    return float(lengths[lengths >= max(run - SHINGLE + 1, 1)].sum()) / ordered.size


def shared(a: Hashes, b: Hashes) -> int:
    """How many values two sorted sets of distinct values have in common. Their concatenation is
    two sorted runs, which the stable sort (timsort) merges in one pass: 0.6 of the time of
    ``np.intersect1d``, which sorts it from scratch."""
    import numpy as np

    both = np.concatenate((a, b))
    both.sort(kind="stable")
    return int(np.count_nonzero(both[1:] == both[:-1]))


def similarity(a: Fingerprint, b: Fingerprint) -> Similarity:
    """Exact Jaccard similarity, containment and verbatim share of two documents (the verbatim
    share is only measured for a pair close enough to need it; 0 otherwise)."""

    if a.shingles.size == 0 or b.shingles.size == 0:
        return Similarity(0.0, 0.0, 0.0)
    common = shared(a.shingles, b.shingles)
    small, large = (a, b) if a.shingles.size <= b.shingles.size else (b, a)
    containment = common / small.shingles.size if small.shingles.size >= MIN_EXCERPT_SHINGLES else 0.0
    jaccard = common / (a.shingles.size + b.shingles.size - common)
    close = jaccard >= MIN_JACCARD or containment >= MIN_CONTAINMENT
    verbatim = verbatim_share(small.pieces, large.shingles) if close else 0.0
    return Similarity(jaccard, containment, verbatim)


class UnionFind:
    """Disjoint sets over hashable items; each set's root is its smallest item."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = parent.setdefault(x, x)
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> int:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            ra, rb = min(ra, rb), max(ra, rb)
            self.parent[rb] = ra
        return ra

    def groups(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for x in self.parent:
            out.setdefault(self.find(x), []).append(x)
        return {root: sorted(members) for root, members in out.items()}


def clusters(pairs: Iterable[tuple[int, int]]) -> dict[int, list[int]]:
    """Connected components of ``pairs``, keyed by their smallest member."""
    uf = UnionFind()
    for a, b in pairs:
        uf.union(a, b)
    return uf.groups()


# -- the canonical copy of a story -------------------------------------------------------------

UNKNOWN_TIER = 2


@dataclass(frozen=True)
class SourceRule:
    tier: int
    field: str  # host | name
    pattern: str


@cache
def source_rules() -> tuple[SourceRule, ...]:
    """The preference of sources, from ``sources.tsv`` beside this module."""
    rules = []
    for number, line in enumerate(
        (Path(__file__).with_name("sources.tsv")).read_text(encoding="utf-8").splitlines(), 1
    ):
        if not line.strip() or line.startswith("#"):
            continue
        tier, field_, pattern = line.split("\t")
        if field_ not in ("host", "name"):
            raise ValueError(f"sources.tsv line {number}: field must be host or name, not {field_!r}")
        rules.append(SourceRule(int(tier), field_, pattern.strip()))
    return tuple(rules)


def source_tier(url: str | None, site: str | None) -> int:
    """0 for an official body, 1 for news media, 3 for commercial portals, 2 otherwise."""
    host = (urlsplit(url).hostname or "") if url else ""
    tiers = [
        rule.tier
        for rule in source_rules()
        if (rule.field == "host" and host and (host == rule.pattern or host.endswith("." + rule.pattern)))
        or (rule.field == "name" and site and rule.pattern in site)
    ]
    return min(tiers, default=UNKNOWN_TIER)


@dataclass(frozen=True)
class Copy:
    """What the choice of a canonical copy looks at."""

    document_id: int
    published: str | None
    source_url: str | None
    source_site: str | None


def canonical(copies: Iterable[Copy]) -> int:
    """The document id of the canonical copy: official sources first, then the earliest
    publication (a copy without a date comes after the dated ones), then the first stored."""
    return min(
        copies,
        key=lambda c: (source_tier(c.source_url, c.source_site), c.published or "9999-99-99", c.document_id),
    ).document_id
