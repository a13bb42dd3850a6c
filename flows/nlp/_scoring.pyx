# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The linear model's sums and its strongest features over integer ids, in C: the
typed twin of `FamilyModel.score_batch`'s gathering and summing and of
`contributions_of`'s ranking (decision 0352).

`score_batch` in Python maps each feature name to its id through `dict.get` and an
`is not None` filter called per name, sorts the ids as Python ints, copies them
into a numpy array, gathers the weight rows (`matrix[flat]`) and sums them with
`np.add.reduceat`: about 80,000 instructions for a Danish dev row. Here the names
are looked up in the same dictionaries without a call per name, the ids sorted as
C integers and each row's weights summed in C in numpy's own order: a segment of
`np.add.reduceat` along axis 0 is its first row plus numpy's pairwise sum of the
rest (`pairwise_sum` in numpy's `loops_utils.h.src`: under 8 values one by one
from 0.0, up to 128 in 8 interleaved partial sums, above that halved at a
multiple of 8), column by column. So the floats are the same bits
(`tests/test_stance_scoring.py` checks it against `np.add.reduceat` on random
rows). The softmax stays numpy's (`score_batch`). Built by `flows/nlp/compiled.py`
beside the reader's modules; where it is not built `model.py` runs the numpy path.
"""

from cpython.dict cimport PyDict_GetItem
from cpython.list cimport PyList_New, PyList_SET_ITEM
from cpython.object cimport PyObject
from cpython.ref cimport Py_INCREF
from libc.stdint cimport int64_t
from libcpp.algorithm cimport sort
from libcpp.vector cimport vector

import numpy as np

#: numpy's PW_BLOCKSIZE: the largest run summed in one block of 8 partial sums
cdef enum:
    BLOCK = 128


cdef double _pairwise(const double* matrix, const int64_t* ids, Py_ssize_t n,
                      Py_ssize_t width, Py_ssize_t column) noexcept nogil:
    """numpy's pairwise sum of `matrix[ids[i], column]` for i < n (`DOUBLE_pairwise_sum`)."""
    cdef Py_ssize_t i, j, half
    cdef double res
    cdef double r[8]
    if n < 8:
        res = 0.0
        for i in range(n):
            res += matrix[ids[i] * width + column]
        return res
    if n <= BLOCK:
        for j in range(8):
            r[j] = matrix[ids[j] * width + column]
        i = 8
        while i < n - (n % 8):
            for j in range(8):
                r[j] += matrix[ids[i + j] * width + column]
            i += 8
        res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        while i < n:
            res += matrix[ids[i] * width + column]
            i += 1
        return res
    half = n // 2
    half -= half % 8
    return (_pairwise(matrix, ids, half, width, column)
            + _pairwise(matrix, ids + half, n - half, width, column))


cdef void _sum_row(const double* matrix, const int64_t* ids, Py_ssize_t n,
                   Py_ssize_t width, double* out) noexcept nogil:
    """One segment of `np.add.reduceat(matrix[ids], ..., axis=0)`: the first row,
    plus the pairwise sum of the others, per column."""
    cdef Py_ssize_t k
    for k in range(width):
        out[k] = matrix[ids[0] * width + k]
        if n > 1:
            out[k] += _pairwise(matrix, ids + 1, n - 1, width, k)


cdef inline void _look_up(object feats, dict table, vector[int64_t]& ids) except *:
    cdef PyObject* found
    for feat in feats:
        found = PyDict_GetItem(table, feat)
        if found is not NULL:
            ids.push_back(<int64_t>(<object>found))


def known_sums(rows, list crossings, dict index, const double[:, ::1] matrix):
    """Per row (a sequence of feature names): its known features' ids sorted, and the
    sum of their weight rows (the zero row, the last, for a row with none), as
    `FamilyModel.score_batch` makes them. `crossings`: per row None, or the table
    of its component's crossed ids (`FamilyModel._crossing`). Returns (sums as an
    array of rows x labels, the ids as a list of lists of ints)."""
    cdef Py_ssize_t n_rows = len(rows)
    cdef Py_ssize_t width = matrix.shape[1]
    cdef Py_ssize_t r, i, size
    cdef int64_t zero = matrix.shape[0] - 1
    cdef vector[int64_t] ids
    cdef double[:, ::1] sums
    cdef object value, row  # Python objects: each put in its list with a reference of its own
    out = np.empty((n_rows, width), dtype=np.float64)
    sums = out
    known = PyList_New(n_rows)
    for r in range(n_rows):
        ids.clear()
        feats = rows[r]
        _look_up(feats, index, ids)
        crossing = crossings[r]
        if crossing is not None:
            _look_up(feats, crossing, ids)
        sort(ids.begin(), ids.end())
        size = ids.size()
        row = PyList_New(size)
        for i in range(size):
            value = ids[i]
            Py_INCREF(value)
            PyList_SET_ITEM(row, i, value)
        Py_INCREF(row)
        PyList_SET_ITEM(known, r, row)
        if size:
            _sum_row(&matrix[0, 0], ids.data(), size, width, &sums[r, 0])
        else:
            _sum_row(&matrix[0, 0], &zero, 1, width, &sums[r, 0])
    return out, known


def top_ranks(const int64_t[::1] ranks, known, Py_ssize_t n):
    """`sorted(ranks[i] for i in known)[:n]`: the n smallest ranks of the known
    features, ascending (a rank is unique: `FamilyModel._ranked`)."""
    cdef vector[int64_t] best
    cdef int64_t rank
    cdef Py_ssize_t at
    if n <= 0:
        return []
    for i in known:
        rank = ranks[<Py_ssize_t>i]
        if <Py_ssize_t>best.size() == n and rank >= best.back():
            continue
        if <Py_ssize_t>best.size() == n:
            best.pop_back()
        at = best.size()
        best.push_back(rank)
        while at > 0 and best[at - 1] > rank:
            best[at] = best[at - 1]
            at -= 1
        best[at] = rank
    return [best[at] for at in range(<Py_ssize_t>best.size())]
