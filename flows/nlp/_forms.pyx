# cython: language_level=3
"""Every token's lower-case form and lemma, read from spaCy's token structs: the
typed twin of `lexicons.Forms` (decision 0306).

`lexicons.Forms` gets the same two lists through `Doc.to_array`, two `tolist` and a
dictionary of Python ints: about 60,000 instructions for a dev row, as much as the
tokenizer. Here each token's LOWER and NORM hash (NORM: the token's own norm, a
tokenizer exception's "n't" -> "not", else its lexeme's lookup lemma, as
`to_array` reads it) indexes a C hash map of the strings met so far. Built by
`flows/nlp/compiled.py` beside the reader's modules when a C++ compiler is there;
otherwise `parsing.form_reader` uses `lexicons.Forms`, with the same result
(`tests/test_stance_parsing.py`).
"""

from cpython.list cimport PyList_New, PyList_SET_ITEM
from cpython.ref cimport Py_INCREF
from preshed.maps cimport PreshMap
from spacy.structs cimport TokenC
from spacy.tokens.doc cimport Doc


cdef class FormTable:
    """hash -> string of a vocabulary's StringStore, each looked up once and kept."""

    cdef PreshMap index
    cdef list strings
    cdef object store

    def __init__(self, store):
        self.index = PreshMap()
        self.strings = [None]  # position 0: not found
        self.store = store

    cdef object form(self, unsigned long long key):
        cdef size_t at
        if key < 2:  # the C map's empty and deleted keys: looked up as ever
            return self.store[key]
        at = <size_t>self.index.get(key)
        if at == 0:
            self.strings.append(self.store[key])
            at = len(self.strings) - 1
            self.index.set(key, <void*>at)
        return self.strings[at]

    def __reduce__(self):
        """Pickled (a stored reader, `reader_store`) as its StringStore: the map is
        filled again as texts are read."""
        return FormTable, (self.store,)

    def __call__(self, Doc doc):
        """The doc's lower-case forms and lemmas, as `lexicons.Forms` gives them."""
        cdef int n = doc.length
        cdef int i
        cdef const TokenC* token
        lower = PyList_New(n)
        lemma = PyList_New(n)
        for i in range(n):
            token = &doc.c[i]
            word = self.form(token.lex.lower)
            Py_INCREF(word)
            PyList_SET_ITEM(lower, i, word)
            word = self.form(token.norm if token.norm != 0 else token.lex.norm)
            Py_INCREF(word)
            PyList_SET_ITEM(lemma, i, word)
        return lower, lemma
