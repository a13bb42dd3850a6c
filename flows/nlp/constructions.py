"""Constructions read across word classes (thirteenth pass, decision 0405).

The word classes (`lexicons/*.toml`) say what single phrases mean; three
constructions change what the phrases around them mean, and are read here, after
the parse and before the states:

- **A counterfactual** ("he wouldn't have got his feet looked at otherwise", "if it
  hadn't been for Jette I would never have gone", "ellers var jeg aldrig kommet til
  fodterapeuten", "uden gåholdet var jeg aldrig kommet i gang"): a marker
  (`counterfactual`: "otherwise", "if it hadn't been for", "ellers var", "hvis det
  ikke havde været for"; or a sentence that opens with "without" / "uden") with a
  conditional (`conditional`: "would", "ville", "var", "havde") in its sentence.
  The negation in the conditional's clause says what did happen thanks to the
  marker's cause: that negation negates nothing (`counterfactuals` drops it and the
  absence words of those clauses), and the marker is a presence cue (the help or
  the link was there). A counterfactual with no negation ("I would still be sitting
  on the sofa") is left as it reads.
- **"hasn't been" before a verb in -ing** ("He hasn't been sleeping"): the
  progressive, not a plan never carried out ("he hasn't been to the GP").
- **A swap** ("salatbaren i stedet for de varme retter med sovs", "fruit instead of
  biscuits", "a takeaway instead of cooking", "byttet colaen ud med danskvand"):
  the thing taken up is what the stance follows (`swap_states`). With `swap` ("instead
  of", "rather than", "i stedet for", "frem for") the thing taken up stands before
  the marker and the thing dropped after it; with `swap_out` ("swapped", "replaced",
  "byttet ... ud med") the thing dropped stands after the verb and the thing taken
  up after its "for" / "with" / "med". Where only the dropped side names a thing of
  which less is better the swap is +1, where only the side taken up does it is -1;
  otherwise the swap says nothing (nor does a side taken up with a negation in it:
  "saftevand uden sukker"). In its clause it replaces the quantity words' states (a
  "switched to" turned by the cola it replaced); after an intention or advice in its
  clause or the clause before ("we talked about him taking the stairs instead of
  the lift") it is a plan.
- **"That's new" said of a time told as past** ("At the start he rang the doctor at
  night. That's new."): the behaviour is told at the baseline or in an early phase,
  not negated, and then called new; the two disagree, and "new" gives no state
  (`new_of_then`), so nothing anchors a reading (`unclear`). Said after a clause of
  now, or after a negated past ("Before, he never rang. That's new"), it stays a
  gain.
"""

from __future__ import annotations

from dataclasses import replace

from flows.nlp.states import TURNED, Parsed, Profile, State, in_plan

#: a sentence that opens with these and holds a conditional is a counterfactual
#: ("Without the group I would never have started", "Uden gåholdet var jeg aldrig ...")
WITHOUT_OPENERS = frozenset({"without", "uden"})
#: the words after a `swap_out` verb that open the thing taken up
SWAP_CONNECTORS = frozenset({"for", "with", "med"})


def reread(parsed: Parsed) -> Parsed:
    """The parse with its counterfactuals and progressives read (module docstring)."""
    found = parsed.found
    if "counterfactual" not in found and "conditional" not in found and "nonaction" not in found:
        return parsed
    negations, found = _counterfactuals(parsed)
    nonaction = [s for s in found.get("nonaction", ()) if not _progressive(parsed, s)]
    if len(nonaction) != len(found.get("nonaction", ())):
        found = {**found, "nonaction": nonaction}
        if not nonaction:
            del found["nonaction"]
    if negations is parsed.negations and found is parsed.found:
        return parsed
    return replace(parsed, found=found, negations=negations)


def _progressive(parsed: Parsed, span: tuple[int, int]) -> bool:
    """ "hasn't been" / "haven't been" followed by a verb in -ing."""
    words = parsed.lower[span[0] : span[1]]
    return (
        len(words) >= 2
        and words[-1] == "been"
        and span[1] < len(parsed.lower)
        and parsed.lower[span[1]].endswith("ing")
    )


def counterfactual_clauses(parsed: Parsed) -> tuple[set[int], list[tuple[int, int]]]:
    """The clauses of the excerpt's counterfactuals that hold a negation, and the
    markers of those counterfactuals (module docstring)."""
    conditional = parsed.found.get("conditional", ())
    if not conditional:
        return set(), []
    numbers = parsed.clause_numbers()
    markers = list(parsed.found.get("counterfactual", ()))
    for n, clause in enumerate(parsed.clauses):
        first = n == 0 or parsed.clauses[n - 1].sentence != clause.sentence
        if first and parsed.lower[clause.start] in WITHOUT_OPENERS:
            markers.append((clause.start, clause.start + 1))
    negated_clauses = {numbers[i] for i in parsed.negations if numbers[i] >= 0}
    out: set[int] = set()
    kept = []
    for marker in markers:
        if numbers[marker[0]] < 0:
            continue
        sentence = parsed.clauses[numbers[marker[0]]].sentence
        held = {
            numbers[s]
            for s, _ in conditional
            if numbers[s] >= 0 and parsed.clauses[numbers[s]].sentence == sentence
        }
        held = {n for n in held | {numbers[marker[0]]} if n in negated_clauses}
        if held & {numbers[s] for s, _ in conditional if numbers[s] >= 0}:
            out |= held
            kept.append(marker)
    return out, kept


def _counterfactuals(parsed: Parsed):
    """The negations and word classes with each counterfactual's negation and
    absence words dropped and its marker a presence cue."""
    clauses, markers = counterfactual_clauses(parsed)
    if not clauses:
        return parsed.negations, parsed.found
    numbers = parsed.clause_numbers()
    negations = [i for i in parsed.negations if numbers[i] not in clauses]
    found = dict(parsed.found)
    for label in ("absent", "nonaction"):
        spans = [s for s in found.get(label, ()) if numbers[s[0]] not in clauses]
        if spans:
            found[label] = spans
        else:
            found.pop(label, None)
    found["present"] = sorted({*found.get("present", ()), *markers})
    return negations, found


#: `better` phrases that say only that the behaviour is new
NEW = frozenset({"that 's new", "det er nyt", "det er noget nyt"})


def construction_states(
    parsed: Parsed,
    profile: Profile,
    states: list[State],
    topical: list[bool],
    objects: list[tuple[int, int]],
) -> list[State]:
    """The outcome states with the swaps read and "That's new" of a past time dropped."""
    return new_of_then(parsed, swap_states(parsed, profile, states, topical, objects))


def new_of_then(parsed: Parsed, states: list[State]) -> list[State]:
    """The states without a "That's new" whose clause has no time of its own and
    follows, in the excerpt, a clause at the baseline or in an early phase with no
    negation (module docstring)."""
    if not any(s.label == "better" and s.cue in NEW for s in states):
        return states
    numbers = parsed.clause_numbers()
    negated = {numbers[i] for i in parsed.negations if numbers[i] >= 0}
    out = []
    for s in states:
        before = parsed.clauses[s.clause - 1] if s.clause else None
        if (
            s.label == "better"
            and s.cue in NEW
            and s.anchor is None
            and before is not None
            and before.anchor in ("baseline", "early")
            and s.clause - 1 not in negated
        ):
            continue
        out.append(s)
    return out


def swap_states(
    parsed: Parsed,
    profile: Profile,
    states: list[State],
    topical: list[bool],
    objects: list[tuple[int, int]],
) -> list[State]:
    """The states with each swap's state (module docstring), in clause order."""
    if profile.better != "higher" or not (parsed.found.get("swap") or parsed.found.get("swap_out")):
        return states
    numbers = parsed.clause_numbers()
    added: dict[int, State] = {}
    for label in ("swap", "swap_out"):
        for span in parsed.found.get(label, ()):
            n = numbers[span[0]]
            if n < 0 or n in added:
                continue
            clause = parsed.clauses[n]
            if label == "swap":
                taken, dropped = (clause.start, span[0]), (span[1], clause.end)
            else:
                at = next(
                    (i for i in range(span[1], clause.end) if parsed.lower[i] in SWAP_CONNECTORS),
                    None,
                )
                if at is None:
                    continue
                dropped, taken = (span[1], at), (at + 1, clause.end)
            # "saftevand uden sukker i stedet for det almindelige": a side taken up
            # with a negation in it is qualified, no thing of which less is better
            bad_taken = any(taken[0] <= o[0] < taken[1] for o in objects) and not any(
                taken[0] <= i < taken[1] for i in parsed.negations
            )
            bad_dropped = any(dropped[0] <= o[0] < dropped[1] for o in objects)
            if bad_taken == bad_dropped:
                continue
            added[n] = State(
                n,
                clause.anchor,
                1 if bad_dropped else -1,
                "swap",
                parsed.words(span),
                False,
                True,
                topical[n],
                clause.contrast,
                _planned(parsed, span[0], n),
            )
    if not added:
        return states
    kept = [
        s for s in states if not (s.clause in added and (s.label in TURNED or s.label == "object"))
    ]
    return sorted([*kept, *added.values()], key=lambda s: s.clause)


def _planned(parsed: Parsed, position: int, n: int) -> bool:
    """An intention or advice word before the swap in its clause, or in the clause
    before it in its sentence ("Vi talte om, at han kunne tage trappen i stedet for
    elevatoren"): a swap proposed, not made."""
    clause = parsed.clauses[n]
    if in_plan(parsed, position, clause):
        return True
    before = parsed.clauses[n - 1] if n else None
    return (
        before is not None
        and before.sentence == clause.sentence
        and in_plan(parsed, before.end, before)
    )
