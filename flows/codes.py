"""Codebook paths to themes and coded stances.

`parse_code` maps a code path to its theme and the stance its sub-code names
(the scheme's words, or the study's `stance_labels`); `unmapped_reason` says
why a code maps to nothing, naming the key to set. Shared by the native
reader, the QDA mapping and the segment reader's separator detection.
"""

from __future__ import annotations

from flows.study import Study

#: how `export-qdpx` names a stance sub-code holding machine suggestions
SUGGESTED_SUFFIX = " (suggested)"
WITHDRAWN_EXCERPT = "informant withdrew consent; excerpt excluded"
WITHDRAWN_SURVEY_ROW = "participant withdrew consent; survey row excluded"
#: rejects the roster declares (status = withdrawn): expected by `validate`
WITHDRAWN_REASONS = (WITHDRAWN_EXCERPT, WITHDRAWN_SURVEY_ROW)
#: How a reject the study file declares expected begins (`validate` exits 0 on these).
EXPECTED = "expected ([qda] no_case"
NOT_MAPPED = "code not mapped to any theme in study.toml"
#: separators code paths are often joined with (MAXQDA writes " > " or "\\")
SEPARATOR_CANDIDATES = (" > ", "\\", "/", "::", ":", ">")


def parse_code(code: str, study: Study) -> tuple[str, str | None] | None:
    """Map a codebook path to (theme id, coded stance or None); None if unknown.

    A child code named after a stance of its theme ("Outcome/Eating habits/Improved")
    or listed in the study's stance labels ("Activities/Home exercises/Delivered"
    with `[stance_labels] intervention = { "Delivered" = "present" }`) carries
    a coded stance. One marked as a machine suggestion by `export-qdpx`
    ("Outcome/Eating habits/Improved (suggested)") carries none: the researcher
    has not moved it to a stance yet, so the excerpt is read again.
    """
    code_map = study.code_map()
    sep = study.study.code_separator
    path = sep.join(part.strip() for part in code.split(sep))
    if path in code_map:
        return code_map[path], None
    parent, _, leaf = path.rpartition(sep)
    if parent in code_map:
        label = leaf.strip()
        suggested = label.endswith(SUGGESTED_SUFFIX)
        stance = study.stance_label(code_map[parent], label.removesuffix(SUGGESTED_SUFFIX))
        if stance is not None:
            return code_map[parent], None if suggested else stance
    return None


#: how a reject reason shows a code holding a frequent first name or surname
CODE_WITHHELD = "<a code whose text is withheld: a word of it is a first name or surname>"


def shown_code(code: str) -> str:
    """A code as a reject reason (published in rejects.csv and the index) may quote
    it: itself, or `CODE_WITHHELD` when a word of it is a gazetteer name ("Family/
    Sofie"), which the leak audit, knowing roster names only, would let through."""
    import re

    from flows.privacy.unknown_names import gazetteer

    names = gazetteer()
    if any(names.kind(word) == "name" for word in re.findall(r"[^\W\d_]+", code)):
        return CODE_WITHHELD
    return code


def unmapped_reason(code: str, study: Study, file_separator: str = "") -> str:
    """Why `parse_code` maps a code to nothing, with the key to set.

    A sub-code under a theme's code names no stance label: the reason names
    the sub-code and `stance_labels`. A code that would map with another path
    separator gets a hint about `code_separator`. Code names come from the
    codebook, never from excerpt text; one holding a first name or surname is
    withheld (`shown_code`)."""
    if shown_code(code) != code:
        return f"{NOT_MAPPED}: {CODE_WITHHELD} (add it to a theme's codes)"
    sep = study.study.code_separator
    path = sep.join(part.strip() for part in code.split(sep))
    parent, _, leaf = path.rpartition(sep)
    code_map = study.code_map()
    if parent in code_map:
        theme = study.theme(code_map[parent])
        return (
            f"sub-code {leaf!r} of theme {theme.id!r} matches no stance label: set "
            f'[stance_labels] {theme.kind} = {{ "{leaf}" = "..." }} or the theme\'s '
            f"stance_labels (one of {', '.join(theme.stances)}), or list the code in its codes"
        )
    for other in SEPARATOR_CANDIDATES:
        rejoined = sep.join(p.strip() for p in code.split(other))
        if other != sep and other in code and parse_code(rejoined, study) is not None:
            where = f"the file joins code paths with {other!r}" + (
                f", not {file_separator!r}" if file_separator else ""
            )
            return (
                f"{NOT_MAPPED}: {code}; {where}: set [segments] code_separator = {other!r} "
                "(or [study] code_separator for the themes' paths)"
            )
    return f"{NOT_MAPPED}: {code} (add it to a theme's codes; validate lists every such code)"


def expected_rejects(reasons) -> int:
    """How many of the rejects' reasons (`rejects.reason`) the roster or the study
    file declares expected (a withdrawn person's rows, programme-level remarks)."""
    return sum(1 for r in reasons if r in WITHDRAWN_REASONS or str(r).startswith(EXPECTED))
