"""Imported by the fork server that the render and NLP workers are forked from
(`dossiers.process_pool`, `flows.nlp.parallel.PRELOAD`; decision 0345), never by
a run's own process.

Every worker screens text for roster names, and the screen reads word lists that
hold no name: the ordinary word forms (the sorted file of decision 0342, mapped
in; spaCy's lemma tables where that file cannot be written), the common-word and
gazetteer lists. Loaded in each worker, they cost about 1.8-2.2 s of CPU before
its first page when measured with the lemma tables read whole (two render
workers: about 4 s on the two cores a cold run renders on); the sorted file has
made the tables' part small since. Loaded here once, in the fork server, every
worker forked from it inherits them. They are loaded by building the screen of a made-up name, so
whatever the screen reads is loaded, and nothing of a study is."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

#: a made-up name (no word of any list, so every list is consulted)
PLACEHOLDER = "Qzxvbn Wkqjhv"


def warm() -> None:
    """Build and use the name screen of `PLACEHOLDER` in each language the screen
    knows; a failure is only logged (each worker then loads what it needs)."""
    from flows.privacy import audit
    from flows.privacy.matching import NameSet

    try:
        for language in ("en", "da"):
            screen = audit.screen_for(NameSet((PLACEHOLDER,), language=language))
            screen.html_hits(f"<p>{PLACEHOLDER} Qzxvbnn Qzx-<br>vbn</p>")
    except Exception as error:  # the workers load what they need themselves
        log.warning("fork server: name screen not preloaded (%s)", type(error).__name__)


warm()
