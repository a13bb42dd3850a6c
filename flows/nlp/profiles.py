"""A theme's profile, and what the reader does for a theme that is no scheme theme
(an own theme, read from what the study file says of it; issue #12).

- `profile_for`: the built-in profile a theme's `behaviour` names, else one made
  from its examples, label and `better`;
- `own_words`: the words a study gives a theme; `helping_groups`: its example groups
  that name what helps against its object ("friends" for loneliness);
- `own_words` also gives the theme's word classes (`Profile.lower`, `Profile.good`);
  the states no direction word says are `own_states.py`'s;
- `agreement_threshold`: where the model answers an own theme's outcome when it
  agrees with the rules' comparison of states.
"""

from __future__ import annotations

from functools import lru_cache

from flows.nlp.lexicons import load_behaviours, load_words, shared_pipeline
from flows.nlp.numbers import NUMBER_WORDS, UNITS
from flows.nlp.own_groups import return_group
from flows.nlp.own_times import OWN_TIMES
from flows.nlp.states import Profile


def profile_for(
    theme_id: str,
    language: str,
    component: str | None = None,
    examples: dict[str, list[str]] | None = None,
    behaviour: str | None = None,
    better: str | None = None,
    label: str | None = None,
) -> Profile:
    """A theme's profile: the built-in one its behaviour names (default: its id), with
    the study's example words added; else one read from what the study says of it.

    The study's own words of a theme (its example cue words and the words of its
    label) name the theme's object: they join the topic words, and where lower is
    better (`better = "lower"`, e.g. breathlessness) they are things of which less is
    better, so that quantity words next to them turn ("less puffed") and evaluative
    words do not ("my breathing is better")."""
    builtin = load_behaviours().get(behaviour or theme_id)
    own = own_words(language, examples, label, qualities=builtin is None)
    words = set(own)
    lower: set[str] = set()
    opposite: set[str] = set()
    if builtin is not None:
        words |= {w.lower() for w in builtin.get(language, ())}
        lower |= {w.lower() for w in builtin.get("lower", ())}
    if better == "lower":
        helping = helping_groups(language, examples, label)
        rest = {k: v for k, v in (examples or {}).items() if k not in helping}
        lacks = lacking(language, examples, label)
        named = own_words(language, None, label) - lacks
        # what helps: the groups of what helps, and what the label says the object
        # lacks ("Days not leaving the home": leaving), unless a cue of the object names it
        helps = own_words(language, helping, None) | (own_words(language, None, label) & lacks)
        opposite = helps - own_words(language, rest, None) - named
        lower |= own - opposite
    return Profile(
        theme_id,
        behaviour or theme_id,
        component or (builtin["component"] if builtin is not None else "outcome"),
        frozenset(words),
        frozenset(lower),
        better or "higher",
        _good_things(language, frozenset(words | lower)) | frozenset(opposite)
        if better == "lower"
        else frozenset(),
        own=builtin is None,
        language=language,
    )


def helping_groups(
    language: str, examples: dict[str, list[str]] | None, label: str | None = None
) -> dict[str, list[str]]:
    """The example groups of a theme that name what helps against its object, not the
    object: a group with a word the lexicon reads as a help (`facilitator`: "friends",
    "club", "venner") and none it reads as a hindrance (`barrier`: "lonely",
    "isolated"). Loneliness's `company = ["friends", "group", "club"]` beside
    `isolation = ["lonely", "alone"]`: of company, more is better. So is a group that
    names what the object lacks (`lacking`: `sleep = ["sleep", "søvn"]` beside
    `sleepless = ["sleepless", "søvnløs"]`, or a label "Nights without sleep") and
    none of the lacking words themselves (decision 0279); and a group of a return to
    what the object takes away ("back at work", "raskmeldt": `own_groups`, decision
    0388)."""
    words = load_words(language)
    helps, hinders = set(words["facilitator"]), set(words["barrier"])
    lacks = lacking(language, examples, label)
    negated = {c.strip().lower() for cues in (examples or {}).values() for c in cues}
    negated = {c for c in negated if len(c.split()) > 2 and set(c.split()) & NOT}
    unnegated = {" ".join(w for w in c.split() if w not in NOT) for c in negated}
    vocab = shared_pipeline(language).vocab
    out = {}
    for name, cues in (examples or {}).items():
        forms = {c.strip().lower() for c in cues}
        forms |= {vocab[f].norm_.lower() for f in forms if " " not in f}
        if forms & hinders or any(_stem_lacking(f) for f in forms) or forms & negated:
            continue
        if forms & helps or forms & lacks or forms & unnegated or return_group(cues):
            out[name] = cues
    return out


#: words before what an object lacks: "Nights without sleep", "uden søvn", "lack of"
LACKING_BEFORE = frozenset({"without", "uden", "lack", "mangel"})
#: a negation in a label before what the object lacks ("Days not leaving the home"),
#: or in a cue of several words ("går ikke ud": "går ud" is the object's opposite)
NOT = frozenset({"not", "ikke", "never", "aldrig"})
#: privative endings: "sleepless" (sleep), "søvnløs", "søvnløse" (søvn)
PRIVATIVE = ("lessness", "less", "løshed", "løse", "løst", "løs")


def _stem_lacking(word: str) -> str | None:
    """The stem of a privative word ("sleepless" -> "sleep", "søvnløse" -> "søvn")."""
    for ending in PRIVATIVE:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return None


def lacking(language: str, examples: dict[str, list[str]] | None, label: str | None) -> set[str]:
    """What an own theme's object lacks, from its example cues and label: the stem of a
    privative word ("sleepless", "søvnløs") and the word after "without" / "uden" /
    "lack of" / "mangel på" ("Nights without sleep"), with lookup lemmas."""
    phrases = [c.strip().lower() for cues in (examples or {}).values() for c in cues]
    phrases.append((label or "").lower())
    vocab = shared_pipeline(language).vocab
    out: set[str] = set()
    for phrase in phrases:
        words = [w.strip(".,;:()") for w in phrase.replace("/", " ").split()]
        for i, word in enumerate(words):
            stem = _stem_lacking(word)
            if stem:
                out.add(stem)
            if word in LACKING_BEFORE and i + 1 < len(words):
                after = words[i + 2] if words[i + 1] in ("of", "på") else words[i + 1]
                if i + 2 < len(words) or words[i + 1] not in ("of", "på"):
                    out.add(after)
    said = [w.strip(".,;:()") for w in (label or "").lower().replace("/", " ").split()]
    out |= {b for a, b in zip(said, said[1:], strict=False) if a in NOT and len(b) >= PIECE_LENGTH}
    return out | {vocab[w].norm_.lower() for w in out}


def own_words(
    language: str,
    examples: dict[str, list[str]] | None,
    label: str | None,
    qualities: bool = False,
) -> set[str]:
    """The words a study gives a theme: its example cue words, the longer words of a
    cue of several ("out of breath" -> "breath") and of its label, with their lookup
    lemmas; words of the lexicon's state classes ("better", "reduction") and short
    words left out, and times ("days", "night") unless a cue is the time itself. With
    `qualities` (an own theme), the adjective a label's noun of a quality names
    ("Loneliness": "lonely", decision 0452)."""
    cues = [t.strip().lower() for ts in (examples or {}).values() for t in ts]
    pieces = [w for t in cues if " " in t for w in t.split()]
    said = (label or "").lower().replace("/", " ").split()
    pieces += said + ([w for w in map(_quality, said) if w] if qualities else [])
    classed = _classed_words(language)
    vocab = shared_pipeline(language).vocab
    out: set[str] = set()
    for word, least in [(c, 3) for c in cues] + [(p, PIECE_LENGTH) for p in pieces]:
        word = word.strip(".,;:()")
        if len(word) < least or word in classed or (least > 3 and word in TIME_WORDS):
            continue
        out.add(word)
        if " " not in word:
            out.add(vocab[word].norm_.lower())
    return out


#: the endings of a noun of a quality and what its adjective ends in: "loneliness"
#: (lonely), "breathlessness" (breathless), "tiredness", "ensomhed" (ensom),
#: "træthed" (træt); decision 0452
QUALITY_ENDINGS = (("iness", "y"), ("ness", ""), ("heden", ""), ("hed", ""))


def _quality(word: str) -> str | None:
    """The adjective a label's noun of a quality names ("Loneliness": "lonely"): the
    word an informant says ("I'm not lonely like I was"), where the label is all a
    study gives."""
    word = word.strip(".,;:()")
    for ending, then in QUALITY_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= PIECE_LENGTH:
            return word[: -len(ending)] + then
    return None


#: a word taken from a cue of several words or from a label has at least this many
#: letters ("breath", "work", not "of", "a")
PIECE_LENGTH = 4
#: times name no theme's object ("Missed work days", "dry night"), nor do the words
#: that count them ("every time", "hver gang": decision 0314), nor a number in a cue
#: ("four walls": "four" counts days, decision 0356)
TIME_WORDS = (
    frozenset(UNITS)
    | frozenset(
        {"night", "nights", "morning", "evening", "weekend", "aften", "nat", "morgen"}
        | {"time", "times", "gang", "gange"}
    )
    | frozenset(w for table in NUMBER_WORDS.values() for w in table)
)


@lru_cache(maxsize=4)
def _classed_words(language: str) -> frozenset[str]:
    """The single words of the lexicon's classes that read a state (directions, time,
    negation), and short function words: they never name a theme's object."""
    words = load_words(language)
    return frozenset(
        w for name in STATE_CLASSES for w in words.get(name, ()) if " " not in w
    ) | frozenset(OWN_STOP_WORDS)


#: the word classes that say how or when, not what
STATE_CLASSES = (
    "negation",
    "up",
    "down",
    "start",
    "stop",
    "better",
    "worse",
    "same",
    "relapse",
    "baseline",
    "early",
    "latest",
    "contrast",
    "frequency",
    "hedge",
)


#: label words that name no object ("Reduction of alcohol", "Brug af inhalator")
OWN_STOP_WORDS = frozenset(
    [
        "and",
        "the",
        "use",
        "with",
        "for",
        "out",
        "off",
        "from",
        "into",
        "over",
        "what",
        "that",
        "this",
        "have",
        "been",
        "like",
        "just",
        "only",
        "most",
        "some",
        "much",
        "many",
        "very",
        "og",
        "med",
        "brug",
        "til",
        "ud",
        "fra",
        "over",
        "meget",
        "mest",
        "nogle",
    ]
)


@lru_cache(maxsize=16)
def _good_things(language: str, own: frozenset[str]) -> frozenset[str]:
    """Things of which more is better: the scheme's activity words ("walk", "stairs",
    "cykle") that are not things of which less is better, other than a theme's own
    words. Beside them a quantity word is about them ("I can walk further"), not about
    the theme's object. Eating words are left out (drink, sugar: more is not better),
    and so are everyday verbs ("gå" in "gået fra tyve til fem")."""
    activity = load_behaviours()[GOOD_BEHAVIOUR]
    lower = set(activity.get("lower", ())) | set(load_words(language)["lower_is_better"])
    return frozenset(
        w
        for w in activity.get(language, ())
        if w not in lower and w not in own and w not in EVERYDAY_VERBS
    )


#: the scheme behaviour whose words are things of which more is better
GOOD_BEHAVIOUR = "physical_activity"
#: activity words that are also everyday verbs or nouns
EVERYDAY_VERBS = frozenset({"gå", "have", "move", "bevæge", "garden"})


#: an own theme's outcome: the model's label is taken from this probability on where
#: it is the rules' verdict (decision 0225)
OWN_AGREEMENT = 0.5
#: the rules' outcome verdicts that come from comparing states (not `not_stated`,
#: which says nothing was found, nor `unclear`)
COMPARED = frozenset({"improved", "worsened", "no_change"})
#: `agreement_threshold` where the rules' verdict is the answer, whatever the model says
RULES_STAND = -1.0


def agreement_threshold(profile: Profile, component: str, verdict) -> float | None:
    """For an own theme's outcome: `RULES_STAND` where the rules compared numbers of
    the theme across time (verdict reason `numbers`), else the probability from
    which the model's label is taken when it is the rules' verdict from compared
    states; None (the family's threshold) for anything else.

    The model learnt its words on the scheme's themes: an own theme's words
    ("falls", "indlagt", "GGT") are unknown to it or mean something else there, so
    its probability is spread over labels even where the states are plain. Where the
    rules' comparison of the states and the model's most likely label agree, the
    reading is taken at an even chance or better. Counts of the theme's own object
    compared across time ("three admissions before, one since") are the reading that
    owes least to the words of a field: there the rules' verdict is the answer (on
    the development studies right 18 times of 19, the model 14)."""
    if not profile.own:
        return None
    if verdict.reason == OWN_TIMES:  # own_times, own_counts: outcomes and context
        return RULES_STAND
    if component != "outcome":
        return None
    if verdict.reason == "numbers":
        return RULES_STAND
    if verdict.label in COMPARED:
        return OWN_AGREEMENT
    return None
