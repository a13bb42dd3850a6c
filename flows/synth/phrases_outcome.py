"""Phrase banks for outcome passages: the example phrases of each theme example
(slotted into sentences as {x}) and the outcome sentences per stance and speaker."""

# Slots: {P} the peer's name, {S} the supporter's name, {O} the other one of the
# pair (peer <-> supporter), {N} the nurse, {M} the project manager; {he} {He}
# {his} {His} {him} the peer's pronouns ("I"-forms when the peer speaks of
# themself: {me}/{my} in example phrases); {sh} {Sh} {shis} the supporter's;
# {x} an example phrase. Wording is chosen so that the cue words of
# flows/nlp/lexicons/en.toml point to the intended stance.

# Example phrases per theme example. Outcome examples have a base-form verb
# phrase ("vp") and, for things of which less is better, a noun phrase ("np").
EXAMPLE_PHRASES: dict[str, dict[str, dict[str, list[str]]]] = {
    "daily_management": {
        "shopping": {"vp": ["go shopping", "go to the supermarket", "do the grocery shopping"]},
        "cooking": {"vp": ["cook a meal", "try a new recipe", "cook dinner"]},
        "exercising": {"vp": ["go for a walk", "go for a swim", "take the bike out", "exercise"]},
        "cleaning": {"vp": ["clean the flat", "tidy the kitchen", "do some cleaning"]},
    },
    "healthcare_linkage": {
        "gp_visit": {"np": ["the GP", "the doctor"]},
        "dietitian": {"np": ["the dietitian", "the food therapist"]},
        "eye_check": {"np": ["the eye doctor", "the ophthalmologist"]},
        "municipality": {"np": ["the caseworker", "the health centre", "the municipality"]},
    },
    "eating": {
        "vegetables": {"vp": ["eat vegetables", "eat salad", "have greens with dinner"]},
        "fruit": {"vp": ["eat fruit", "have an apple", "eat a banana"]},
        "fish": {"vp": ["eat fish", "have fish for dinner", "cook salmon", "eat mackerel"]},
        "sugary": {"np": ["cola", "soda", "cake", "sweets", "candy"]},
    },
    "physical_activity": {
        "walking": {"vp": ["walk", "go for a walk", "take a stroll"]},
        "exercise": {"vp": ["swim", "go to the gym", "ride the bike", "exercise"]},
        "sitting": {"np": ["the sofa"]},
    },
    "medication": {
        "pills": {"vp": ["take {my} pills", "take the tablets", "take the metformin"]},
        "insulin": {"vp": ["take {my} insulin", "do the injections", "use the insulin pen"]},
    },
    "monitoring": {
        "measuring": {"vp": ["measure {my} blood sugar", "check the glucose", "use the meter"]},
    },
    "healthcare_use": {
        "gp_visit": {"vp": ["see the GP", "go to the doctor"]},
        "dietitian": {"vp": ["see the dietitian", "go to the food therapist"]},
        "eye_check": {"vp": ["go to the eye doctor", "see the ophthalmologist"]},
        "other_contact": {"vp": ["see the podiatrist", "go to the diabetes clinic"]},
    },
}
#: Examples with no survey item, mentioned now and then besides the anchor.
EXTRA_EXAMPLES = {"medication": ["insulin"]}

# Outcome sentences for examples of which more is better ({x}: a verb phrase).
OUTCOME_GOOD = {
    "improved": {
        "self": [
            "I {x} a lot more than I used to.",
            "These days I {x} almost every day.",
            "I have started to {x} regularly.",
            "I try to {x} every morning now.",
            "I {x} more often than before.",
            "Now I {x} most days, which is new for me.",
            "I have taken up the habit, I {x} twice a week now.",
        ],
        "other": [
            "{P} has started to {x} more often.",
            "{He} tries to {x} every day now.",
            "Now {he} will {x} most days.",
            "{He} has begun to {x} regularly.",
            "{He} manages to {x} more often than before.",
            "{P} wants to {x} daily now, and {he} does.",
        ],
    },
    "no_change": {
        "self": [
            "I {x} like I did before, nothing has changed.",
            "I {x} about the same as before.",
            "It is the same as always, I {x} now and then.",
            "Nothing new there, I {x} just as before.",
            "I {x} as before, no different.",
        ],
        "other": [
            "{He} tends to {x} the same as before.",
            "Nothing has changed, {he} likes to {x} now and then, as before.",
            "As far as I can see, {P} would {x} just as before.",
            "It is unchanged, {he} will {x} as before.",
            "{He} used to {x} now and then and that is still how it is.",
        ],
    },
    "worsened": {
        "self": [
            "I {x} less than I used to.",
            "These days I barely {x}.",
            "I have stopped trying to {x}.",
            "I used to {x}, but I gave up on it.",
            "It has gone downhill, I {x} less and less.",
        ],
        "other": [
            "{He} would {x} less than before.",
            "{He} has stopped trying to {x}.",
            "These days {he} can barely {x}.",
            "{P} used to {x}, but {he} gave up on it.",
            "It went downhill, {he} wants to {x} less and less.",
        ],
    },
    "not_stated": {
        "self": [
            "I {x} in the morning, before the coffee.",
            "Usually I {x} after breakfast.",
            "On Sundays I {x} with my daughter.",
        ],
        "other": [
            "{He} tends to {x} in the morning.",
            "{He} likes to {x} after breakfast.",
        ],
    },
}
# Outcome sentences for things of which less is better ({x}: a noun phrase).
OUTCOME_BAD = {
    "eating": {
        "improved": {
            "self": [
                "I have cut down on {x}.",
                "I stopped buying {x}, it is only on Sundays now.",
                "I eat less {x} than before.",
                "I have reduced the {x} a lot.",
            ],
            "other": [
                "{He} has cut down on {x}.",
                "{He} stopped buying {x}.",
                "{He} eats less {x} than before.",
                "{He} has reduced the {x} a lot.",
            ],
        },
        "no_change": {
            "self": [
                "I have {x} just as before.",
                "Nothing has changed with the {x}.",
                "The {x} is the same as always.",
            ],
            "other": [
                "{He} has {x} just as before.",
                "Nothing has changed with the {x}.",
                "The {x} is the same as it was.",
            ],
        },
        "worsened": {
            "self": ["I have more {x} than before.", "I buy more {x} these days."],
            "other": ["{He} has more {x} than before.", "{He} buys more {x} these days."],
        },
        "not_stated": {"self": ["I like {x} with the coffee."], "other": ["{He} likes {x}."]},
    },
    "physical_activity": {
        "improved": {
            "self": [
                "I sit much less on {x} than I used to.",
                "I spend fewer hours on {x}.",
                "I have cut down on {x} time.",
            ],
            "other": [
                "{He} sits much less on {x} than before.",
                "{He} spends fewer hours on {x}.",
                "{He} is less on {x} these days.",
            ],
        },
        "no_change": {
            "self": ["Nothing has changed, I sit on {x} as before.", "I sit on {x} as before."],
            "other": [
                "Nothing has changed, {he} sits on {x} as before.",
                "{He} sits on {x} just as before.",
            ],
        },
        "worsened": {
            "self": ["I sit more on {x} these days.", "I spend more hours on {x} now."],
            "other": ["{He} sits more on {x} these days.", "{He} spends more hours on {x}."],
        },
        "not_stated": {"self": ["I watch the news from {x}."], "other": ["{He} reads on {x}."]},
    },
}
