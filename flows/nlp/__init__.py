"""Stance reading: lexicons, annotation, evaluation."""

from flows.nlp.compiled import install

install()  # the reader's compiled modules where they are current (decision 0221)
