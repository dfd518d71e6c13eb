"""Duplicates in a stream: exact (normalised text) and near (MinHash over character shingles).

A Weibo repost carries the chain it went through: "own words//@B: B's words//@C: C's words".
When the own words are empty or boilerplate ("转发微博", "Repost"), the repost says nothing new,
so it is keyed by the original it goes back to (the last non-empty text of the chain); otherwise
by its own words. Links and @mentions are left out of the key (campaigns vary them).

Near duplicates: 3-character shingles of the normalised key, a 64-number MinHash signature
(numpy, multiply-shift hashing), and LSH in 16 bands of 4 rows to find candidate clusters;
a candidate joins when the estimated Jaccard similarity reaches ``threshold``.

Memory is bounded: at most ``max_clusters`` clusters are kept, least recently seen first out,
and with ``window`` (seconds) clusters not seen within it are forgotten.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from .normalise import normalise

_CHAIN = re.compile(r"//\s*@([^\s:：/]{1,40})\s*[:：]?")
_NOISE = re.compile(r"https?://\S+|@[^\s:：@/]{1,30}")
BOILERPLATE = frozenset(
    normalise(text)
    for text in ("", "转发微博", "轉發微博", "转发", "repost", "reposted", "转", "分享")
)


@dataclass(frozen=True, slots=True)
class RepostChain:
    own: str
    via: tuple[tuple[str, str], ...]  # (user, their words), nearest first

    @property
    def original(self) -> str:
        """The words this repost adds, or (if none) the earliest words of its chain."""
        own = self.own.strip()
        if normalise(_NOISE.sub(" ", own)) not in BOILERPLATE or not self.via:
            return own
        for _user, words in reversed(self.via):
            if normalise(_NOISE.sub(" ", words)):
                return words.strip()
        return own


def split_repost(text: str) -> RepostChain:
    parts = _CHAIN.split(text)
    # split with one group: [own, user1, words1, user2, words2, ...]
    via = tuple((parts[i], parts[i + 1]) for i in range(1, len(parts) - 1, 2))
    return RepostChain(own=parts[0], via=via)


def dedupe_key(text: str) -> str:
    """The normalised text a post is compared by."""
    return normalise(_NOISE.sub(" ", split_repost(text).original))


class Seen(NamedTuple):
    cluster_id: int
    is_new: bool
    count: int  # type: ignore[assignment]  # shadows tuple.count on purpose


@dataclass
class _Cluster:
    count: int
    last_seen: float
    exact: list[int] = field(default_factory=list)
    bands: list[tuple[int, bytes]] = field(default_factory=list)
    signature: np.ndarray | None = None


BUCKET_SIZE = 8  # clusters remembered per LSH bucket
CANDIDATES_CHECKED = 4  # clusters compared, those sharing the most bands first

_PRIME_1 = np.uint64(0x9E3779B97F4A7C15)
_PRIME_2 = np.uint64(0xC2B2AE3D27D4EB4F)
_SHIFT = np.uint64(32)


class Deduper:
    """``see(text) -> (cluster_id, is_new, count)``; not thread-safe (one per worker)."""

    def __init__(
        self,
        *,
        max_clusters: int = 200_000,
        window: float | None = None,
        threshold: float = 0.7,
        num_perm: int = 64,
        bands: int = 16,
        shingle: int = 3,
        min_chars: int = 12,
        seed: int = 20261126,
        max_exact_per_cluster: int = 32,
    ) -> None:
        if num_perm % bands:
            raise ValueError("num_perm must be a multiple of bands")
        self.max_clusters = max_clusters
        self.window = window
        self.threshold = threshold
        self.bands = bands
        self.rows = num_perm // bands
        self.shingle = shingle
        self.min_chars = max(min_chars, shingle)
        self.max_exact_per_cluster = max_exact_per_cluster
        rng = np.random.default_rng(seed)
        self._a = rng.integers(1, 2**63, size=(num_perm, 1), dtype=np.uint64) | np.uint64(1)
        self._b = rng.integers(0, 2**63, size=(num_perm, 1), dtype=np.uint64)
        self._clusters: OrderedDict[int, _Cluster] = OrderedDict()
        self._exact: dict[int, int] = {}
        self._bands: dict[tuple[int, bytes], set[int]] = {}
        self._next_id = 1
        self._clock = 0.0

    def __len__(self) -> int:
        return len(self._clusters)

    def see(self, text: str, *, at: float | None = None) -> Seen:
        """Record one post; its cluster, whether the cluster is new and its count so far."""
        now = self._clock = at if at is not None else self._clock
        if self.window is not None:
            self._evict(now)
        key = dedupe_key(text)
        exact = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big")
        cluster_id = self._exact.get(exact)
        if cluster_id is not None:
            return self._again(cluster_id, now)
        signature = self.signature(key) if len(key) >= self.min_chars else None
        band_keys: list[tuple[int, bytes]] = []
        if signature is not None:
            band_keys = self._band_keys(signature)
            cluster_id = self._similar(signature, band_keys)
            if cluster_id is not None:
                cluster = self._clusters[cluster_id]
                if len(cluster.exact) < self.max_exact_per_cluster:
                    cluster.exact.append(exact)
                    self._exact[exact] = cluster_id
                return self._again(cluster_id, now)
        cluster_id = self._next_id
        self._next_id += 1
        self._clusters[cluster_id] = _Cluster(
            count=1, last_seen=now, exact=[exact], bands=band_keys, signature=signature
        )
        self._exact[exact] = cluster_id
        for band in band_keys:
            members = self._bands.setdefault(band, set())
            if len(members) < BUCKET_SIZE:  # a template's bucket: a few members represent it
                members.add(cluster_id)
        self._evict(now)
        return Seen(cluster_id, True, 1)

    def signature(self, key: str) -> np.ndarray:
        codes = np.frombuffer(key.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        size = self.shingle
        shingles = codes[: len(codes) - size + 1].copy()
        for offset in range(1, size):
            shingles = shingles * _PRIME_1 + codes[offset : len(codes) - size + 1 + offset]
        shingles ^= shingles >> _SHIFT
        shingles *= _PRIME_2
        hashed = (self._a * shingles[np.newaxis, :] + self._b) >> _SHIFT
        return hashed.min(axis=1).astype(np.uint32)

    def _band_keys(self, signature: np.ndarray) -> list[tuple[int, bytes]]:
        raw, width = signature.tobytes(), self.rows * 4
        return [(i, raw[i * width : (i + 1) * width]) for i in range(self.bands)]

    def _similar(self, signature: np.ndarray, band_keys: list[tuple[int, bytes]]) -> int | None:
        shared: dict[int, int] = {}
        buckets = self._bands
        for band in band_keys:
            members = buckets.get(band)
            if members:
                for member in members:
                    shared[member] = shared.get(member, 0) + 1
        if not shared:
            return None
        best, best_score = None, self.threshold
        ranked = sorted(shared, key=shared.__getitem__, reverse=True)
        for cluster_id in ranked[:CANDIDATES_CHECKED]:
            other = self._clusters[cluster_id].signature
            if other is None:
                continue
            score = float(np.count_nonzero(other == signature)) / len(signature)
            if score >= best_score:
                best, best_score = cluster_id, score
        return best

    def _again(self, cluster_id: int, now: float) -> Seen:
        cluster = self._clusters[cluster_id]
        cluster.count += 1
        cluster.last_seen = max(cluster.last_seen, now)
        self._clusters.move_to_end(cluster_id)
        return Seen(cluster_id, False, cluster.count)

    def _evict(self, now: float) -> None:
        clusters = self._clusters
        while clusters:
            oldest_id, oldest = next(iter(clusters.items()))
            too_many = len(clusters) > self.max_clusters
            too_old = self.window is not None and oldest.last_seen < now - self.window
            if not (too_many or too_old):
                return
            del clusters[oldest_id]
            for exact in oldest.exact:
                if self._exact.get(exact) == oldest_id:
                    del self._exact[exact]
            for band in oldest.bands:
                members = self._bands.get(band)
                if members is not None:
                    members.discard(oldest_id)
                    if not members:
                        del self._bands[band]

    def count(self, cluster_id: int) -> int:
        """How many times the cluster has been seen (0 once forgotten)."""
        cluster = self._clusters.get(cluster_id)
        return cluster.count if cluster is not None else 0
