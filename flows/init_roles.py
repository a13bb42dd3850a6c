"""Informant roles guessed by `triangulate init` (`flows.init_qda`).

Researchers group their documents by informant type (MAXQDA's "Document
group": Peers, Supporters, Staff; a QualCoder file attribute; any grouping
column of a segment export) or name them so ("P3 peer interview"). In that
order, the draft's roles come from:

1. a source variable named like a role or a group (`role`, `type`,
   `informant`, `group`, `category`...; one naming a role before one naming
   a group) holding 2 to 8 values that documents share;
2. failing that, words that recur in the document names (in at least two
   names, not in all of them, not a word such as "interview" or
   "transcript"): each document takes the first such word in its name.

A role's id is the value in the singular (`Coaches` -> `coach`), its label
the same in words. Every guess is marked `# check:` in the draft; a name
that looks like a word may be a person's (a surname in two document names),
which is why the draft asks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flows.init_survey import slug

ROLE_NAMES = re.compile(r"role|type|informant|rolle", re.IGNORECASE)
GROUP_NAMES = re.compile(r"group|gruppe|category|kategori|function|funktion", re.IGNORECASE)
MAX_ROLES = 8
#: words in document names that say what the document is, not who speaks
NOT_ROLES = {
    "interview",
    "interviews",
    "transcript",
    "transcription",
    "transcribed",
    "final",
    "draft",
    "copy",
    "version",
    "notes",
    "session",
    "part",
    "and",
    "the",
    "with",
    "doc",
    "docx",
    "txt",
    "pdf",
    "english",
    "danish",
    "baseline",
    "followup",
    "follow",
    "round",
    "wave",
    "interviewet",
    "samtale",
    "med",
    "og",
}
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")


def role_id(value: str) -> str:
    """A role id from a group or word: slug, last word in the singular."""
    ident = slug(value, "role")
    head, _, last = ident.rpartition("_")
    if last.endswith("ies") and len(last) > 4:
        last = last[:-3] + "y"
    elif last.endswith(("ches", "shes", "sses", "xes")):
        last = last[:-2]
    elif (last.endswith("s") and not last.endswith(("ss", "us", "is")) and len(last) > 3) or (
        re.fullmatch(r"[A-Z]{2,}s", (value.split() or [""])[-1])  # "GPs", "HCAs": gp, hca
    ):
        last = last[:-1]
    return f"{head}_{last}" if head else last


def role_label(ident: str, found: str | None = None) -> str:
    """A role's label: the group or word it was found as, in the singular and
    as written ("GP receptionists" -> "GP receptionist"), else its id in words."""
    words = (found or "").split()
    last = ident.rpartition("_")[2]
    if words and role_id(found or "") == ident:
        # the last word cut to the singular as written ("Støttemødre" stays, "Peers": "Peer")
        cut = next((n for n in range(1, len(words[-1]) + 1) if slug(words[-1][:n]) == last), None)
        if cut is not None:
            label = " ".join([*words[:-1], words[-1][:cut]])
            return label[0].upper() + label[1:]
    return ident.replace("_", " ").capitalize()


@dataclass
class RoleGuess:
    """How the draft finds each source's role."""

    #: the source variable read, or None
    variable: str | None = None
    #: for names: the regular expression whose group is the role word
    pattern: str | None = None
    #: value as found (group, or word as written) -> role id
    values: dict[str, str] = field(default_factory=dict)
    #: source key -> role id ("informant" when nothing said)
    of_source: dict[str, str] = field(default_factory=dict)
    #: what the guess rests on, for the `# check:` comment
    evidence: str = ""


def role_from_variable(
    variables: dict[str, dict[str, str]], sources: list[str]
) -> RoleGuess | None:
    """The source variable giving each document's role, if one is named like
    a role or a group and its values are shared by documents."""
    ranked = sorted(
        (0 if ROLE_NAMES.search(name) else 1, name)
        for name in variables
        if ROLE_NAMES.search(name) or GROUP_NAMES.search(name)
    )
    for _, name in ranked:
        values = variables[name]
        distinct = sorted(set(values.values()))
        if not 1 < len(distinct) <= MAX_ROLES or len(distinct) >= len(values):
            continue
        guess = RoleGuess(variable=name, values={v: role_id(v) for v in distinct})
        guess.of_source = {
            key: guess.values.get(values.get(key, ""), "informant") for key in sources
        }
        guess.evidence = f"{len(distinct)} values shared by documents"
        return guess
    return None


def _words(name: str) -> list[str]:
    return [w for w in re.findall(r"[^\W\d_]{3,}", name) if w.lower() not in NOT_ROLES]


def _first_run(name: str, recurring: set[str]) -> tuple[str, ...]:
    """The first run of consecutive recurring words in a name ("peer supporter")."""
    run: list[str] = []
    for part in re.split(r"[\s_\-.,;:()\[\]]+", name):
        if part.lower() in recurring:
            run.append(part.lower())
        elif run:
            break
    return tuple(run)


def role_from_names(names: dict[str, str]) -> RoleGuess | None:
    """Roles from words recurring in document names (source key -> name), or
    None when no word recurs in some but not all of them. Consecutive such
    words make one role ("P3 peer supporter interview": peer_supporter)."""
    stems = {key: _EXTENSION.sub("", name.strip()) for key, name in names.items()}
    counts: dict[str, set[str]] = {}
    for key, name in stems.items():
        for word in _words(name):
            counts.setdefault(word.lower(), set()).add(key)
    recurring = {w for w, keys in counts.items() if 1 < len(keys) < len(stems)}
    runs = {_first_run(name, recurring) for name in stems.values()} - {()}
    if not runs:
        return None
    alternatives = sorted(runs, key=lambda r: (-len(r), r))
    guess = RoleGuess()
    guess.pattern = (
        r"(?i)\b("
        + "|".join(r"[\s_-]+".join(re.escape(w) for w in run) for run in alternatives)
        + r")\b"
    )
    compiled = re.compile(guess.pattern)
    for key, name in sorted(stems.items()):
        match = compiled.search(name)
        if match is None:
            guess.of_source[key] = "informant"
            continue
        ident = role_id(match.group(1))
        guess.of_source[key] = ident
        if match.group(1).lower() not in (ident, role_label(ident).lower()):
            guess.values[match.group(1)] = ident
    found = sorted(set(guess.of_source.values()))
    guess.evidence = f"words recurring in document names ({', '.join(found)})"
    return guess
