"""A small multinomial logistic regression over named features, one per component
family, trained on the development corpora and shipped as JSON.

Training is deterministic: full-batch gradient descent with a fixed number of steps
and fixed step size, no random initialisation, features and rows in a fixed order,
weights rounded to 4 decimals when saved. `make train-stance` runs it
(`python -m flows.nlp.train`).

A prediction is the softmax of the summed weights of the excerpt's features. Its
confidence is the top probability; under the family's threshold the reader answers
`unclear`. A tie between the top two labels is `unclear` too.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from importlib import resources
from itertools import chain
from operator import is_not
from pathlib import Path
from sys import intern

import numpy as np

try:  # the typed twin of the sums and contributions, where built and current (compiled.py)
    from flows.nlp import _scoring
except ImportError:
    _scoring = None

#: the labels each component family chooses between
FAMILY_LABELS = {
    "outcome": ("improved", "no_change", "worsened", "not_stated"),
    "context": ("facilitator", "barrier", "not_stated"),
    "presence": ("present", "absent", "not_stated"),
}
MODEL_FILE = "stance-model.json"
#: a feature's index is known (not None); a filter that runs in C
_KNOWN = partial(is_not, None)
#: a row's features are weighted SCALE / sqrt(their number): long excerpts do not dominate
SCALE = 3.0


def _insert_zero_rows(flat: np.ndarray, sizes: np.ndarray, zero: int) -> np.ndarray:
    """The feature indices with the zero row's index put in for every empty row."""
    out, at = [], 0
    for size in sizes.tolist():
        out.append(flat[at : at + size] if size else np.array([zero], dtype=np.int64))
        at += size
    return np.concatenate(out)


def family_of(component: str) -> str:
    return component if component in ("outcome", "context") else "presence"


@dataclass
class FamilyModel:
    """Weights of one family: feature -> one weight per label, and a bias per label."""

    labels: tuple[str, ...]
    bias: list[float]
    weights: dict[str, list[float]]
    threshold: float = 0.0

    def probabilities(self, feats: Sequence[str]) -> list[float]:
        return self.probabilities_batch([feats])[0].tolist()

    def _compiled(self) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
        """The weights as a matrix (one row per feature, a last row of zeros for
        unknown features), built once. A feature's index is its rank by name, so that
        a row's indices sorted are its names sorted (`score_batch`)."""
        compiled = self.__dict__.get("_matrix")
        if compiled is None:
            index = {intern(f): i for i, f in enumerate(sorted(self.weights))}
            matrix = np.zeros((len(index) + 1, len(self.labels)), dtype=np.float64)
            for f, i in index.items():
                matrix[i] = self.weights[f]
            compiled = self.__dict__["_matrix"] = (index, matrix, np.array(self.bias))
        return compiled

    def probabilities_batch(self, rows: Sequence[Sequence[str]]) -> np.ndarray:
        """Probabilities of many rows at once: one row of label probabilities each."""
        return self.score_batch(rows)[0]

    def _crossing(self, component: str) -> dict[str, int]:
        """Feature -> the index of the feature crossed with the component
        (`output:w=go` for `w=go`), for the features of the model that are so crossed;
        never a second view's (`t=`: not crossed, `features.feature_bag`). Built once
        per component."""
        crossing = self.__dict__.setdefault("_crossing_by_component", {})
        found = crossing.get(component)
        if found is None:
            prefix = f"{component}:"
            found = crossing[component] = {
                intern(name[len(prefix) :]): i
                for name, i in self._compiled()[0].items()
                if name.startswith(prefix) and not name.startswith("t=", len(prefix))
            }
        return found

    def score_batch(
        self, rows: Sequence[Sequence[str]], components: Sequence[str | None] | None = None
    ) -> tuple[np.ndarray, list[list[int]]]:
        """`probabilities_batch`, and each row's known features as indices for
        `contributions_of`. A row's features may come in any order: the weights are
        summed in the order of their names (as indices sorted, `_compiled`), so the
        same features give the same floats however they were listed (decision 0263).
        `components`: per row, the component its features are also crossed with
        (`features.feature_bag` without `cross`), or None (decision 0310)."""
        index, matrix, bias = self._compiled()
        if _scoring is not None:  # the same sums in C (decision 0352)
            crossings = (
                [None] * len(rows)
                if components is None
                else [None if c is None else self._crossing(c) for c in components]
            )
            sums, known = _scoring.known_sums(rows, crossings, index, matrix)
            sizes = np.array([len(k) for k in known], dtype=np.int64)
            padded = np.where(sizes == 0, 1, sizes)
        else:
            sums, known, padded = self._sums(rows, components)
        scores = bias + sums * (SCALE / np.sqrt(padded))[:, None]
        scores -= scores.max(axis=1, keepdims=True)
        exps = np.exp(scores)
        return exps / exps.sum(axis=1, keepdims=True), known

    def _sums(
        self, rows: Sequence[Sequence[str]], components: Sequence[str | None] | None
    ) -> tuple[np.ndarray, list[list[int]], np.ndarray]:
        """`score_batch`'s known features (indices, sorted), the sums of their weight
        rows and the rows' sizes (1 for none), in numpy: the pure-Python twin of
        `_scoring.known_sums`."""
        index, matrix, _ = self._compiled()
        get = index.get
        if components is None:
            known = [sorted(filter(_KNOWN, map(get, feats))) for feats in rows]
        else:
            known = [
                sorted(filter(_KNOWN, map(get, feats)))
                if component is None
                else sorted(
                    filter(
                        _KNOWN, chain(map(get, feats), map(self._crossing(component).get, feats))
                    )
                )
                for feats, component in zip(rows, components, strict=True)
            ]
        sizes = np.array([len(k) for k in known], dtype=np.int64)
        flat = np.array(list(chain.from_iterable(known)), dtype=np.int64)
        # rows with no known feature read the zero row
        padded = np.where(sizes == 0, 1, sizes)
        if (sizes == 0).any():
            flat = _insert_zero_rows(flat, sizes, len(matrix) - 1)
        starts = np.concatenate(([0], np.cumsum(padded)[:-1]))
        return np.add.reduceat(matrix[flat], starts, axis=0), known, padded

    def contributions(self, feats: Sequence[str], label: str, n: int = 4) -> list[str]:
        """The features that speak most for `label`."""
        index = self._compiled()[0]
        return self.contributions_of([index[f] for f in feats if f in index], label, n)

    def contributions_of(self, known: Sequence[int], label: str, n: int = 4) -> list[str]:
        """`contributions` of a row's known features given as indices (`score_batch`):
        ranked by weight for the label, then name, the positive ones first."""
        names, weights, ranks, orders = self._ranked()
        k = self.labels.index(label)
        weight, order = weights[k], orders[k]
        # the n best ranks, sorted as plain integers (no key function), then their features
        if _scoring is not None:  # the same ranks picked in C (decision 0352)
            top = _scoring.top_ranks(self._rank_arrays()[k], known, n)
        else:
            top = sorted(map(ranks[k].__getitem__, known))[:n]
        return [names[i] for i in map(order.__getitem__, top) if weight[i] > 0]

    def _rank_arrays(self) -> list[np.ndarray]:
        """`_ranked`'s ranks per label as int64 arrays (`_scoring.top_ranks`), built once."""
        arrays = self.__dict__.get("_rank_arrays_by_label")
        if arrays is None:
            arrays = [np.array(rank, dtype=np.int64) for rank in self._ranked()[2]]
            self.__dict__["_rank_arrays_by_label"] = arrays
        return arrays

    def _ranked(self) -> tuple[list[str], list[list[float]], list[list[int]], list[list[int]]]:
        """The feature names by index and, per label, every feature's weight, its
        rank by (-weight, name) and the features in that order, built once."""
        ranked = self.__dict__.get("_ranked_by_label")
        if ranked is None:
            names = sorted(self.weights)  # by index (`_compiled`)
            rows = [self.weights[name] for name in names]
            weights = [[w[k] for w in rows] for k in range(len(self.labels))]
            ranks, orders = [], []
            for column in weights:
                rank = [0] * len(names)
                order = sorted(range(len(names)), key=lambda i, c=column: (-c[i], names[i]))
                for position, i in enumerate(order):
                    rank[i] = position
                ranks.append(rank)
                orders.append(order)
            ranked = self.__dict__["_ranked_by_label"] = (names, weights, ranks, orders)
        return ranked


@dataclass
class StanceModel:
    families: dict[str, FamilyModel] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)

    def to_json(self) -> str:
        payload = {
            "meta": self.meta,
            "families": {
                name: {
                    "labels": list(m.labels),
                    "threshold": m.threshold,
                    "bias": m.bias,
                    "weights": dict(sorted(m.weights.items())),
                }
                for name, m in sorted(self.families.items())
            },
        }
        return json.dumps(payload, ensure_ascii=False, sort_keys=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> StanceModel:
        data = json.loads(text)
        families = {
            name: FamilyModel(tuple(f["labels"]), f["bias"], f["weights"], f["threshold"])
            for name, f in data["families"].items()
        }
        return cls(families, data.get("meta", {}))


def model_digest() -> str:
    """The first 12 hex digits of the shipped model file's sha256 ("none" without one)."""
    import hashlib

    entry = resources.files("flows.nlp") / MODEL_FILE
    if not entry.is_file():
        return "none"
    return hashlib.sha256(entry.read_bytes()).hexdigest()[:12]


def load_model(path: Path | None = None) -> StanceModel | None:
    """The shipped model (flows/nlp/stance-model.json), or None when there is none."""
    if path is not None:
        return StanceModel.from_json(Path(path).read_text(encoding="utf-8"))
    entry = resources.files("flows.nlp") / MODEL_FILE
    if not entry.is_file():
        return None
    return StanceModel.from_json(entry.read_text(encoding="utf-8"))


#: a feature of the second view (the theme's clauses' lemmas, `features.topic_features`)
#: is learnt only where it occurs in the rows of at least this many writers: one
#: writer's phrasing is not learnt (decision 0168)
VIEW_MIN_WRITERS = 2


def is_view(feature: str) -> bool:
    """A feature of the second view (`t=...`, `output:t=...`)."""
    return feature.startswith("t=") or ":t=" in feature


def _vocabulary(
    rows: Sequence[tuple[list[str], str, float]],
    min_count: int,
    groups: Sequence[str] | None,
) -> list[str]:
    """The features seen in at least `min_count` rows; those of the second view also
    in the rows of at least VIEW_MIN_WRITERS groups (writers), when groups are given."""
    counts = Counter(f for feats, _, _ in rows for f in set(feats))
    keep = {f for f, n in counts.items() if n >= min_count}
    if groups is not None:
        seen: dict[str, set[str]] = {}
        for (feats, _, _), group in zip(rows, groups, strict=True):
            for f in feats:
                if is_view(f):
                    seen.setdefault(f, set()).add(group)
        keep -= {f for f, g in seen.items() if len(g) < VIEW_MIN_WRITERS}
    return sorted(keep)


def train_family(
    rows: Sequence[tuple[list[str], str, float]],
    labels: tuple[str, ...],
    min_count: int = 2,
    l2: float = 0.0,
    steps: int = 400,
    rate: float = 0.5,
    groups: Sequence[str] | None = None,
) -> FamilyModel:
    """Fit weights on (features, gold label, row weight) rows by full-batch gradient
    descent (AdaGrad). The fixed number of steps is the regularisation: with twelve
    writers an L2 penalty on top of it (0.0002 until the fifth pass) only cost out of
    writer (decision 0147). `groups`: each row's writer, for the second view's
    least number of writers. The rows are held sparse (row, feature) pairs; sums
    run in a fixed order (`np.bincount`), so the same rows give the same weights."""
    vocab = _vocabulary(rows, min_count, groups)
    index = {f: i for i, f in enumerate(vocab)}
    n_rows, n_labels = len(rows), len(labels)
    pairs = [
        (r, i)
        for r, (feats, _, _) in enumerate(rows)
        for i in sorted({index[f] for f in feats if f in index})
    ]
    at = np.array([r for r, _ in pairs], dtype=np.int64)
    col = np.array([i for _, i in pairs], dtype=np.int64)
    # scale by row size: long excerpts do not dominate
    sizes = np.bincount(at, minlength=n_rows).astype(np.float64)
    value = (SCALE / np.sqrt(np.maximum(sizes, 1.0)))[at][:, None]
    y = np.zeros((n_rows, n_labels), dtype=np.float64)
    for r, (_, gold, _) in enumerate(rows):
        y[r, labels.index(gold)] = 1.0
    weight = np.array([[float(w)] for _, _, w in rows]) if rows else np.zeros((0, 1))
    w = np.zeros((len(vocab), n_labels))
    b = np.zeros(n_labels)
    g2w = np.full_like(w, 1e-8)
    g2b = np.full_like(b, 1e-8)
    n = max(float(weight.sum()), 1.0)

    def by(where: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
        return np.stack(
            [np.bincount(where, weights=values[:, k], minlength=size) for k in range(n_labels)],
            axis=1,
        )

    for _ in range(steps):
        scores = by(at, w[col] * value, n_rows) + b
        scores -= scores.max(axis=1, keepdims=True)
        p = np.exp(scores)
        p /= p.sum(axis=1, keepdims=True)
        grad = (p - y) * weight / n
        gw = by(col, grad[at] * value, len(vocab)) + l2 * w
        gb = grad.sum(axis=0)
        g2w += gw * gw
        g2b += gb * gb
        w -= rate * gw / np.sqrt(g2w)
        b -= rate * gb / np.sqrt(g2b)
    weights = {f: [round(float(v), 4) for v in w[i]] for f, i in index.items()}
    return FamilyModel(labels, [round(float(v), 4) for v in b], weights)


def train(
    rows: Sequence[tuple[str, list[str], str, float]],
    meta: dict | None = None,
    groups: Sequence[str] | None = None,
) -> StanceModel:
    """One model per family from (family, features, gold, row weight) rows; `groups`:
    each row's writer (`train_family`)."""
    model = StanceModel(meta=meta or {})
    for family, labels in FAMILY_LABELS.items():
        index = [i for i, row in enumerate(rows) if row[0] == family]
        if index:
            model.families[family] = train_family(
                [rows[i][1:] for i in index],
                labels,
                groups=None if groups is None else [groups[i] for i in index],
            )
    return model
