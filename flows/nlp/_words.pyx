# cython: language_level=3, boundscheck=False, wraparound=False
"""The per-token loops of the states and features over the forms, in C: the typed
twin of `states.Parsed._clause_numbers_naming` and of the word loops of
`features.word_features` and `features.topic_features` (decision 0376).

The compiled plain modules run these loops as Python operations on Python objects:
a bound method called per token through `map` and `compress` (the naming walk), a
dictionary subclass subscripted per lemma through its Python slot (the feature
names), a list and a filter made per pass. Here each token's form and lemma are
looked up with `PySet_Contains` and `PyDict_GetItem` in one C loop. The answers are
the same lists in the same order (`tests/test_stance_words.py` compares them with
the Python functions). Built by `flows/nlp/compiled.py` beside the reader's
modules; where it is not built the callers run their Python loops.
"""

from cpython.dict cimport PyDict_GetItem
from cpython.list cimport PyList_GET_ITEM, PyList_GET_SIZE
from cpython.object cimport PyObject
from cpython.set cimport PySet_Contains


def naming(list lower, list lemma, list numbers, Py_ssize_t clauses, words, firsts):
    """Per clause: whether it names one of `words` (a token's form or lemma, or two
    neighbouring forms of one clause, `firsts` the first words of the two-word
    terms): `Parsed._clause_numbers_naming`."""
    cdef Py_ssize_t i, n, size = PyList_GET_SIZE(lower)
    cdef list named = [False] * clauses
    cdef object form
    for i in range(size):
        n = <object>PyList_GET_ITEM(numbers, i)
        if n < 0 or named[n] is True:
            continue
        form = <object>PyList_GET_ITEM(lower, i)
        if (
            PySet_Contains(words, form)
            or PySet_Contains(words, <object>PyList_GET_ITEM(lemma, i))
            or (
                PySet_Contains(firsts, form)
                and i + 1 < size
                and <object>PyList_GET_ITEM(numbers, i + 1) == n
                and PySet_Contains(words, f"{form} {<object>PyList_GET_ITEM(lower, i + 1)}")
            )
        ):
            named[n] = True
    return named


cdef inline object _names(object table, object lemma):
    """`table[lemma]` (the features' `_WordNames`: made on a miss by its __missing__)."""
    cdef PyObject* found = PyDict_GetItem(table, lemma)
    if found is NULL:
        return table[lemma]
    return <object>found


def word_names(table, list lemma, list negated):
    """Per lemma its plain or (where `negated` holds 1) negated feature, left out
    where empty (no letter): `features.word_features`'s last step."""
    cdef Py_ssize_t i, size = PyList_GET_SIZE(lemma)
    cdef list out = []
    cdef tuple names
    cdef object name
    for i in range(size):
        names = _names(table, <object>PyList_GET_ITEM(lemma, i))
        if negated is not None and <object>PyList_GET_ITEM(negated, i):
            name = names[1]
        else:
            name = names[0]
        if name:
            out.append(name)
    return out


def topic_names(table, list lemma, list clauses, list picked):
    """The second view's features of the picked clauses, in the order of
    `features.topic_features`: per clause its lemmas' `t=` names, then its pairs."""
    cdef Py_ssize_t k, i, start, end
    cdef list out = []
    cdef list words
    cdef tuple names
    for k in range(PyList_GET_SIZE(clauses)):
        if not <object>PyList_GET_ITEM(picked, k):
            continue
        clause = <object>PyList_GET_ITEM(clauses, k)
        start, end = clause.start, clause.end
        words = []
        for i in range(start, min(end, PyList_GET_SIZE(lemma))):
            word = <object>PyList_GET_ITEM(lemma, i)
            names = _names(table, word)
            if names[0]:
                words.append(word)
                out.append(names[2])
        for i in range(1, PyList_GET_SIZE(words)):
            out.append(f"t={<object>PyList_GET_ITEM(words, i - 1)}_{<object>PyList_GET_ITEM(words, i)}")
    return out
