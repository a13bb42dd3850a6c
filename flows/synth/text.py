"""Excerpt texts built from the phrase banks: the `Writer` (slots, filling,
composing 1-4 sentences) and one builder per kind of passage."""

from __future__ import annotations

import random
from dataclasses import dataclass

from flows.synth.facts import ITEMS
from flows.synth.people import Person
from flows.synth.phrases_outcome import EXAMPLE_PHRASES, EXTRA_EXAMPLES, OUTCOME_BAD, OUTCOME_GOOD
from flows.synth.phrases_themes import (
    ACTIVITY,
    ELABORATIONS,
    FILLERS,
    HEDGES,
    LOWER_FIRST,
    OPENERS,
    PM_LINKAGE_CLAIM,
    SENTENCES,
)
from flows.synth.plans import CasePlan


class Writer:
    """Builds excerpt texts from the phrase banks."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def slots(self, plan: CasePlan, speaker: Person, supporter: Person) -> dict[str, str]:
        peer = plan.peer
        self_speaking = speaker is peer
        f = peer.female
        sf = supporter.female
        other = supporter if self_speaking else peer
        return {
            "P": peer.spoken(self.rng),
            "S": supporter.spoken(self.rng),
            "O": other.spoken(self.rng),
            "N": plan.nurse.spoken(self.rng) if plan.nurse else "the nurse",
            "M": plan.manager.spoken(self.rng) if plan.manager else "the manager",
            "he": "she" if f else "he",
            "He": "She" if f else "He",
            "his": "her" if f else "his",
            "His": "Her" if f else "His",
            "him": "her" if f else "him",
            "sh": "she" if sf else "he",
            "Sh": "She" if sf else "He",
            "shis": "her" if sf else "his",
            "my": "my" if self_speaking else ("her" if f else "his"),
            "income": plan.income,
        }

    def fill(self, template: str, slots: dict[str, str], x: str = "") -> str:
        return template.replace("{x}", x).format(**slots)

    def compose(self, sentences: list[str], stance: str, hedge: bool = False) -> str:
        """1-4 sentences: the core ones, maybe an opener or hedge, an elaboration, a filler."""
        rng = self.rng
        parts = list(sentences)
        prefix = rng.choice(HEDGES) if hedge else rng.choice(OPENERS) if rng.random() < 0.25 else ""
        if prefix:
            word = parts[0].split(" ", 1)[0]
            lower = word in LOWER_FIRST and word != "I"
            parts[0] = prefix + (parts[0][0].lower() + parts[0][1:] if lower else parts[0])
        elaborations = ELABORATIONS.get(stance, [])
        if elaborations and rng.random() < (0.4 if len(parts) == 1 else 0.15):
            parts.append(rng.choice(elaborations))
        if len(parts) < 4 and rng.random() < 0.15:
            parts.insert(0 if rng.random() < 0.4 else len(parts), rng.choice(FILLERS))
        return " ".join(parts[:4])


# ---------------------------------------------------------------- excerpts
@dataclass
class Excerpt:
    interview_id: str
    person: Person
    case_id: str
    theme: str
    stance: str
    text: str


def _perspective(speaker: Person, plan: CasePlan) -> str:
    return "self" if speaker is plan.peer else "other"


def _example_phrase(rng: random.Random, theme: str, example: str, kind: str) -> str:
    return rng.choice(EXAMPLE_PHRASES[theme][example][kind])


def activity_excerpt(
    w: Writer, plan: CasePlan, speaker: Person, supporter: Person, theme: str, stance: str
) -> str:
    rng = w.rng
    bank = ACTIVITY[theme][stance]
    if speaker.role in ("peer", "supporter"):
        options = bank["we"] + (bank.get("self", []) if speaker is plan.peer else [])
    else:
        options = bank["staff"]
    slots = w.slots(plan, speaker, supporter)
    kind = "vp" if theme == "daily_management" else "np"
    examples = sorted(EXAMPLE_PHRASES[theme])
    chosen = rng.sample(options, k=2 if rng.random() < 0.4 else 1)
    sentences = [
        w.fill(t, slots, _example_phrase(rng, theme, rng.choice(examples), kind)) for t in chosen
    ]
    return w.compose(sentences, stance)


def pm_linkage_excerpt(w: Writer, plan: CasePlan, speaker: Person, supporter: Person) -> str:
    slots = w.slots(plan, speaker, supporter)
    x = _example_phrase(w.rng, "healthcare_linkage", "gp_visit", "np")
    return w.compose([w.fill(w.rng.choice(PM_LINKAGE_CLAIM), slots, x)], "present")


def theme_excerpt(
    w: Writer, plan: CasePlan, speaker: Person, supporter: Person, theme: str, stance: str
) -> str:
    rng = w.rng
    bank = SENTENCES[theme][stance]
    persp = _perspective(speaker, plan)
    staff = speaker.role in ("manager", "nurse")
    options = list(bank["staff"] if staff and "staff" in bank else bank[persp])
    slots = w.slots(plan, speaker, supporter)
    chosen = rng.sample(options, k=2 if len(options) > 2 and rng.random() < 0.4 else 1)
    hedge = staff and rng.random() < 0.15
    return w.compose([w.fill(t, slots) for t in chosen], stance, hedge=hedge)


def outcome_excerpt(
    w: Writer,
    plan: CasePlan,
    speaker: Person,
    supporter: Person,
    domain: str,
    stance: str,
    anchor: str,
) -> str:
    """An outcome passage about `anchor` (an example whose survey direction fits)."""
    rng = w.rng
    persp = _perspective(speaker, plan)
    slots = w.slots(plan, speaker, supporter)
    examples = [anchor]
    others = [e for e in sorted(EXAMPLE_PHRASES[domain]) if e != anchor]
    others += EXTRA_EXAMPLES.get(domain, [])
    if others and rng.random() < 0.45:
        second = rng.choice(others)
        # a second example in the same direction only where the survey allows it
        item = next((i for i in ITEMS if i[2] == second and i[1] == domain), None)
        claim = plan.peer_claim == domain and speaker is plan.peer
        fits = item is None or plan.item_direction.get(item[0]) == stance
        if fits or claim or stance == "not_stated":
            examples.append(second)
    sentences = []
    for example in examples:
        phrases = EXAMPLE_PHRASES[domain][example]
        if "np" in phrases:
            bank = OUTCOME_BAD[domain][stance][persp]
            x = rng.choice(phrases["np"])
        else:
            bank = OUTCOME_GOOD[stance][persp]
            x = rng.choice(phrases["vp"])
        x = x.replace("{my}", slots["my"])
        sentences.append(w.fill(rng.choice(bank), slots, x))
    if speaker.role == "nurse" and rng.random() < 0.3 and stance != "not_stated":
        sentences.insert(0, "At follow-up we went through the questionnaire.")
    hedge = speaker.role in ("manager", "nurse") and rng.random() < 0.1
    return w.compose(sentences[:3], stance, hedge=hedge)


def choose_anchor(rng: random.Random, plan: CasePlan, domain: str, stance: str) -> str:
    """An example whose survey item moved the way the speaker says (or any, else)."""
    items = [i for i in ITEMS if i[1] == domain]
    fitting = [i[2] for i in items if plan.item_direction[i[0]] == stance]
    return rng.choice(fitting or [i[2] for i in items])
