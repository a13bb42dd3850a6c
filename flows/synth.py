"""Synthetic studies of any size with known ground truth (`triangulate synth`).

`generate_study(n_cases, out_dir, seed)` writes a complete study in the native
CSV layout (docs/input-formats.md): `study.toml` (the demo's roles, themes,
survey items and rules, with its own id and title), `roster.csv`,
`interviews.csv`, `excerpts.csv` and `survey.csv`, plus two answer keys the
pipeline never reads:

- `truth.json`: per case, whether the peer achieves outcomes, the activities
  delivered, the survey domains that improved or worsened beyond the smallest
  change that counts, and the themes where a disagreement between sources was
  planted (which should be coded as dissonance);
- `gold_stances.csv`: the stance each excerpt was written to carry.

Everything is drawn from one `random.Random(seed)`: the same seed gives
byte-identical files. Sizes per case follow the demo: a peer and one
supporter (about one case in ten has two), about 40 coded excerpts of 1-4
sentences, and project managers (one per 30 cases) and diabetes nurses (one
per 20 cases) whose interviews each speak about a few cases. About 40% of the
excerpts carry a coded stance (a child code, or now and then the stance
column); the others carry only the wording a rule-based tagger reads.

The text is spoken English built from phrase banks per theme, stance and
speaker (several hundred fragments) with names and theme examples slotted
in; the example phrases use the example words of the demo's `study.toml`, so
the examples are found. All people are fictional; some excerpts name them, so
pseudonymisation and the leak audit are exercised.
"""

from __future__ import annotations

import csv
import json
import random
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_STUDY = PROJECT_ROOT / "data" / "demo" / "study.toml"

PM_CASES = 30  # cases per project manager
NURSE_CASES = 20  # cases per diabetes nurse
CASES_PER_STAFF_INTERVIEW = 3
TWO_SUPPORTERS = 0.1
ACHIEVER_SHARE = 0.45
PEER_CLAIM_SHARE = 0.25  # non-achievers whose peer claims an improvement nobody else sees
PM_LINKAGE_SHARE = 0.1  # cases without linkage where the PM says it happened
CHILD_CODE_SHARE = 0.35
STANCE_COLUMN_SHARE = 0.05
MISSING_ITEM_SHARE = 0.03

# ---------------------------------------------------------------- study facts
THEME_CODES = {
    "social_support": "Intervention/Social and emotional support",
    "daily_management": "Intervention/Assistance in daily management",
    "healthcare_linkage": "Intervention/Linkage to healthcare services",
    "finances": "Context/Occupation and finances",
    "health_condition": "Context/Health condition",
    "energy": "Context/Energy",
    "life_events": "Context/Life events",
    "needs_readiness": "Mechanism/Perceived needs and readiness",
    "encouragement": "Mechanism/Encouragement and energy",
    "social_experience": "Mechanism/Experience of social and emotional support",
    "self_care_awareness": "Output/Self-care awareness",
    "eating": "Outcome/Eating habits",
    "physical_activity": "Outcome/Physical activity",
    "medication": "Outcome/Medication adherence",
    "monitoring": "Outcome/Blood-sugar monitoring",
    "healthcare_use": "Outcome/Use of healthcare services",
}
STANCE_LEAVES = {
    "improved": "Improved",
    "no_change": "No change",
    "worsened": "Worsened",
    "not_stated": "Not stated",
    "present": "Present",
    "absent": "Absent",
    "facilitator": "Facilitator",
    "barrier": "Barrier",
}
OUTCOME_DOMAINS = ("eating", "physical_activity", "medication", "monitoring", "healthcare_use")

# (item id, domain, example, better, mcid, low, high, step)
ITEMS = (
    ("veg_days_week", "eating", "vegetables", "higher", 2, 0, 7, 1),
    ("fruit_days_week", "eating", "fruit", "higher", 2, 0, 7, 1),
    ("fish_meals_week", "eating", "fish", "higher", 1, 0, 5, 1),
    ("sugary_items_week", "eating", "sugary", "lower", 3, 0, 25, 1),
    ("walking_min_week", "physical_activity", "walking", "higher", 60, 0, 420, 10),
    ("exercise_min_week", "physical_activity", "exercise", "higher", 30, 0, 240, 10),
    ("sitting_hours_day", "physical_activity", "sitting", "lower", 2, 3, 14, 0.5),
    ("med_adherence", "medication", "pills", "higher", 2, 0, 8, 1),
    ("glucose_checks_week", "monitoring", "measuring", "higher", 3, 0, 21, 1),
    ("gp_contacts_12m", "healthcare_use", "gp_visit", "higher", 2, 0, 10, 1),
    ("dietitian_contacts_12m", "healthcare_use", "dietitian", "higher", 1, 0, 4, 1),
    ("eye_contacts_12m", "healthcare_use", "eye_check", "higher", 1, 0, 3, 1),
    ("other_contacts_12m", "healthcare_use", "other_contact", "higher", 1, 0, 4, 1),
)
CONTEXT_VARIABLES = (
    "sex",
    "age_band",
    "birthplace",
    "income_source",
    "education",
    "living",
    "diagnoses",
    "complications",
)


# ---------------------------------------------------------------- names
def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Fictional first names and surnames. None is an English word, so the leak
# audit cannot mistake ordinary text for a name ("Hans" is left out: Office files
# name the script "Hans" in their theme XML, which the audit reads).
MALE = _words(
    "Poul Kim Samir Klaus Flemming Bjarne Preben Jørgen Lars Torben Niels Steen Erling Henrik "
    "Søren Morten Jesper Anders Michael Thomas Peter Jens Ole Carsten Brian Kenneth Allan Svend "
    "Knud Arne Leif Erik Johnny Benny Finn Gert Kurt Mogens Ahmed Hassan Omar Tariq "
    "Yusuf Mehmet Piotr Tomasz Marek Dragan Goran Juan Carlos Rasmus Mads Kasper Mikkel Jonas "
    "Nikolaj Frederik Christian Martin Kristian Karsten Palle Verner Vagn Aage Holger Ejnar Kaj"
)
FEMALE = _words(
    "Bente Lise Birgitte Susanne Hanne Karen Mette Kirsten Inge Anne Annette Jytte Lene Pia "
    "Tina Dorthe Helle Vibeke Merete Grethe Ingrid Marianne Louise Camilla Tove Ulla Yvonne "
    "Aisha Fatima Leyla Amira Zeynep Agnieszka Ewa Maria Elena Sofia Ida Eva Mia Hanna Jette "
    "Bodil Edith Gerda Irene Winnie Heidi Rikke Trine Maja Signe Astrid Dagmar"
)
NICKNAMES = {
    "Lars": "Lasse",
    "Birgitte": "Gitte",
    "Susanne": "Sanne",
    "Samir": "Sami",
    "Flemming": "Flemse",
    "Michael": "Micky",
    "Christian": "Chris",
    "Kristian": "Kris",
    "Henrik": "Henne",
    "Morten": "Mogge",
    "Annette": "Nette",
    "Frederik": "Freddy",
    "Thomas": "Tommy",
    "Marianne": "Janne",
}
SURNAMES = _words(
    "Jensen Nielsen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen "
    "Petersen Madsen Kristensen Olsen Thomsen Christiansen Johansen Møller Mortensen Knudsen "
    "Jakobsen Mikkelsen Frederiksen Laursen Henriksen Lund Holm Schmidt Eriksen Clausen Simonsen "
    "Svendsen Andreasen Iversen Jeppesen Mogensen Vestergaard Nissen Lauridsen Kjær Jepsen Bach "
    "Dahl Skov Brandt Hougaard Thygesen Kaya Yilmaz Hussein Nowak Kowalski Bruun Damgaard "
    "Friis Gregersen Juhl Krogh Lindberg Mathiasen Nygaard Overgaard Riis Vinther Winther "
    "Zimmermann Ahmadi Petrović Kofoed Ravn Lykke Bisgaard Engholm Fogh Gade"
)
CODERS = ("AK", "MB", "LS", "JT")

# ---------------------------------------------------------------- phrase banks
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

# Activity themes: "we" sentences for peer and supporter ({O}: the other one),
# "staff" sentences for the project manager and the nurse. {x}: a verb phrase
# (daily management) or a place (linkage).
ACTIVITY = {
    "daily_management": {
        "present": {
            "we": [
                "{O} and I would {x} together.",
                "We started to {x} together once a week.",
                "{O} came along when it was time to {x}.",
                "We would {x} together, and it went well.",
                "Most weeks the two of us would {x} together.",
                "{O} showed me how to {x} in a new way.",
            ],
            "staff": [
                "{S} and {P} would {x} together.",
                "{S} helped {P} to {x}.",
                "They used to {x} together, {S} told me.",
                "{S} went along with {P} to {x}.",
            ],
        },
        "absent": {
            "we": [
                "We talked about trying to {x}, but it never happened.",
                "We never got to {x} together.",
                "{O} and I didn't {x}, it was just coffee.",
                "There was no room for that, we didn't {x} together.",
                "I wish we could {x} together, but it never happened.",
            ],
            "staff": [
                "As far as I know, {S} and {P} never got to {x}.",
                "They did not {x} together, it was only a chat.",
                "They didn't {x}, it was mostly coffee.",
                "{S} wanted to {x} with {P}, but it never happened.",
            ],
        },
    },
    "healthcare_linkage": {
        "present": {
            "we": [
                "{O} and I went to {x} together.",
                "We went along to {x} together.",
                "{O} came along to {x}, the first time.",
                "{O} helped with the appointment at {x}, and we went together.",
            ],
            "self": [
                "{S} came with me to {x}.",
                "{S} helped me to get an appointment with {x}.",
                "{S} came along to {x} with me.",
            ],
            "staff": [
                "{S} went with {P} to {x}.",
                "{S} helped {P} to get an appointment with {x}.",
                "{S} came along when {P} went to {x}.",
                "{S} took {P} to {x}, and that was new for {him}.",
            ],
        },
        "absent": {
            "we": [
                "We never went to {x} together.",
                "{O} and I didn't get to {x} together.",
                "We talked about {x}, but it never happened.",
            ],
            "self": [
                "No, {S} never came with me to {x}.",
                "We didn't go to {x} together, I do that on my own.",
                "Nobody came with me to {x}.",
            ],
            "staff": [
                "As far as I know, {S} never went with {P} to {x}.",
                "They didn't get to {x} together.",
                "{S} never got to go along to {x} with {P}.",
            ],
        },
    },
}
# The planted conflict: a project manager remembers linkage that never happened.
PM_LINKAGE_CLAIM = [
    "{S} went along to {P}'s appointment at {x}, as far as I know.",
    "I think {S} came with {P} to {x}, so they did get the linkage going.",
    "{S} helped {P} with {x}, I believe, and they went together.",
]

# Everything else: sentences per theme and stance, "self" (the peer speaking),
# "other" (the supporter or staff speaking about the peer) and "staff" (the
# project manager or nurse, may name the supporter).
SENTENCES: dict[str, dict[str, dict[str, list[str]]]] = {
    "social_support": {
        "present": {
            "self": [
                "{S} comes by every other week and we have coffee and talk.",
                "It is nice to have a chat with someone who knows what it is like.",
                "I am alone most of the time, so the company means a lot.",
                "When I feel low I can call {S}.",
                "We drink coffee and talk about all sorts of things, not only the diabetes.",
                "{S} is a friend now, we talk about everything.",
                "I was lonely before {S} started coming.",
            ],
            "other": [
                "We drink coffee and talk about all sorts of things.",
                "We have a chat every week, {he} likes the company.",
                "{P} is alone a lot, so the company is important for {him}.",
                "I listen when {he} wants to talk about how {he} feels.",
                "Mostly we talk over a cup of coffee.",
            ],
            "staff": [
                "{S} and {P} had good conversations over coffee.",
                "Their meetings were mostly talk and company, which {P} needed.",
                "{S} was good at listening to {P}.",
                "With {P} it was a lot of coffee and talk, {S} says.",
            ],
        },
    },
    "finances": {
        "facilitator": {
            "self": [
                "I have my {income} and it is steady, so I don't worry about money.",
                "The money is stable, the {income} comes every month.",
                "We manage fine on the {income}.",
                "I can afford the good food, the {income} is enough.",
            ],
            "other": [
                "{He} has a {income}, so the money is stable.",
                "{His} economy is steady, money is not the issue for {him}.",
                "The {income} gives {him} a secure income.",
                "{P} manages fine with the money.",
            ],
        },
        "barrier": {
            "self": [
                "I am on {income} and at the end of the month I can't afford much.",
                "The jobcentre keeps me busy and the bills pile up.",
                "Money is a constant worry.",
                "There are debts from before, and it is hard.",
                "I am short of money most months, so it is bread and whatever is cheap.",
            ],
            "other": [
                "{He} is on {income} and struggles with the jobcentre.",
                "Money is a constant problem for {him}.",
                "{He} can't afford the healthy food.",
                "{P} worries about the bills all the time.",
                "The money situation is chaotic for {him}.",
            ],
        },
    },
    "health_condition": {
        "facilitator": {
            "self": [
                "My heart is stable now and the blood pressure is under control.",
                "Apart from my knees I am fit and well.",
                "The diabetes is the main thing, otherwise my health is good.",
                "My kidneys are fine, the doctor says.",
                "My nerves are calm these days, the treatment helps.",
            ],
            "other": [
                "{His} heart is stable and {his} blood pressure is fine.",
                "{P} is one of the healthier ones, {he} is fit for {his} age.",
                "{His} health is good apart from the diabetes.",
                "The depression is well treated now, {he} is stable.",
            ],
        },
        "barrier": {
            "self": [
                "The pain in my feet is terrible, it is the neuropathy.",
                "My heart is bad and I get tired quickly.",
                "The depression makes everything heavy.",
                "My feet hurt every day.",
                "I have the anxiety, and the kidney problem on top of it.",
                "My back aches and I cannot stand for long.",
            ],
            "other": [
                "{He} has severe pain from the neuropathy.",
                "{His} kidney disease and {his} heart make it difficult.",
                "{He} struggles with {his} nerves, and {he} sees a psychiatrist.",
                "{His} feet hurt a lot, so walking is a problem.",
                "{His} health is a problem, with the depression and the pain.",
            ],
        },
    },
    "energy": {
        "facilitator": {
            "self": [
                "I have good energy, I get up early and go out.",
                "I still have the strength for it.",
                "I sleep well and feel rested.",
                "I have plenty of energy these days.",
                "I am strong enough to go out most days.",
            ],
            "other": [
                "{He} has plenty of energy.",
                "{He} is active and has good energy.",
                "{P} has the strength to go out every day.",
                "{He} sleeps well and is full of energy.",
            ],
        },
        "barrier": {
            "self": [
                "Some days I don't get out of bed at all, I have no energy.",
                "I am tired all the time.",
                "I am exhausted by the afternoon.",
                "I sleep badly and I am drained.",
                "There is nothing left in me at the end of the day.",
            ],
            "other": [
                "{He} is exhausted, there is nothing left at the end of the day.",
                "{He} has no energy, some days {he} stays in bed.",
                "{P} is tired all the time.",
                "{He} sleeps badly and is drained.",
            ],
        },
    },
    "life_events": {
        "facilitator": {
            "self": [
                "I go to the bowls club on Thursdays, it keeps me going.",
                "I sing in the church choir, it makes me happy.",
                "I volunteer at the community garden, I enjoy that.",
                "I have my club and some good people there.",
            ],
            "other": [
                "{He} has the choir and the church, so {he} is happy.",
                "{He} helps at a football club, and {he} enjoys it.",
                "{P} volunteers twice a week, that keeps {him} going.",
                "{His} club is good for {him}.",
            ],
        },
        "barrier": {
            "self": [
                "My brother died in the spring and it was hard.",
                "My wife was ill in hospital most of the autumn.",
                "I had a fall and broke my wrist.",
                "A good friend passed away, and I went to the funeral alone.",
                "My sister is sick, and I worry about her.",
            ],
            "other": [
                "{His} brother died during the period, it was hard for {him}.",
                "{He} had a fall and broke {his} arm.",
                "Someone close to {him} was ill in hospital.",
                "{He} lost a friend and could not go to the funeral.",
            ],
        },
    },
    "needs_readiness": {
        "present": {
            "self": [
                "The doctor's warning about the sugar was a wake-up call, so I decided it was time.",
                "I was ready to do something about it.",
                "I got scared when they talked about my eyes, so I decided to change things.",
                "It was a warning, and I knew I was ready.",
            ],
            "other": [
                "{He} was ready for a change.",
                "{He} decided it was time to do something.",
                "The heart scare was a wake-up call for {him}, {he} was ready.",
                "{P} knew {he} had to change, and {he} decided to.",
            ],
        },
        "absent": {
            "self": [
                "I knew I should do something, but I was not ready.",
                "I didn't want to change anything then.",
                "There was too much going on, I wasn't ready for it.",
            ],
            "other": [
                "{He} was not ready for it, there was too much else.",
                "I don't think {he} really wanted to change.",
                "{P} wasn't ready, the timing was wrong.",
            ],
        },
    },
    "encouragement": {
        "present": {
            "self": [
                "{S} encouraged me and I felt proud.",
                "{S} would say well done, and that little push helps.",
                "{S} pushed me to go one more round.",
                "When I told {S} about the salad, {sh} praised me.",
            ],
            "other": [
                "I tried to motivate {him}, and {he} was proud when it worked.",
                "I would say well done, and {he} liked that.",
                "{He} needed a little push now and then, and I pushed.",
            ],
            "staff": [
                "{S} praised {P} a lot, and {he} needed that push.",
                "{S} encouraged {P} all the way.",
            ],
        },
        "absent": {
            "self": [
                "Nobody really pushed me to do anything.",
                "There was no push, we just talked.",
            ],
            "other": [
                "I couldn't really motivate {him}.",
                "I didn't push {him}, {he} had enough on {his} plate.",
            ],
            "staff": ["{S} never managed to motivate {P}."],
        },
    },
    "social_experience": {
        "present": {
            "self": [
                "{S} listens, and {sh} understands because {sh} has the diabetes too.",
                "I can open up to {S} about things I would not tell my doctor.",
                "It helps to talk to someone who understands.",
                "I trust {S}, I am not alone with it any longer.",
                "I feel heard when we talk.",
            ],
            "other": [
                "{He} could open up to me, I think {he} trusted me.",
                "{He} told me that {he} felt heard.",
                "{He} says it helps to have someone who understands.",
                "{P} trusts me, {he} confides in me.",
            ],
        },
        "absent": {
            "self": ["I never really felt I could open up to {S}."],
            "other": ["I don't think {he} ever trusted me."],
        },
    },
    "self_care_awareness": {
        "present": {
            "self": [
                "I have learned a lot about the food.",
                "I notice now what is in the food.",
                "I realised how much sugar there is in the bread.",
                "I pay attention to the labels now.",
                "I know now why the walking matters.",
            ],
            "other": [
                "{He} knows a lot more about the food now.",
                "{He} has learned to read the labels.",
                "{P} is aware of the sugar now.",
                "{He} realised what the numbers mean.",
            ],
        },
        "absent": {
            "self": [
                "I don't think I have learned much new.",
                "Nothing new, I knew it all before.",
            ],
            "other": [
                "I don't think {he} learned much.",
                "{He} didn't learn anything new, I think.",
            ],
        },
    },
}

# Second sentences: elaborations that keep the stance, and neutral fillers.
ELABORATIONS = {
    "improved": ["It has made a real difference.", "That is a big step.", "It really shows."],
    "no_change": ["Nothing has changed there.", "It is the same as always.", "No change, really."],
    "worsened": ["It has gone downhill, to be honest.", "It got worse over the winter."],
    "present": ["That was a big part of it.", "It meant a lot."],
    "absent": ["It never happened.", "That part never happened."],
    "facilitator": ["So that part is fine.", "That helps a lot."],
    "barrier": ["It is a real struggle.", "It makes everything difficult."],
    "not_stated": [],
}
FILLERS = ("You know how it is.", "That is how it is.", "Let me think.", "So, yes.", "Anyway.")
OPENERS = ("Well, ", "Yes, ", "Oh, ", "Hmm, ", "You know, ", "To be honest, ", "I must say, ")
HEDGES = ("As far as I know, ", "I think ", "Maybe ")
LOWER_FIRST = frozenset(
    _words(
        "We The It There My His Her He She They At In After When Since On Every Most Some Now "
        "That This One A An Our Both No Nothing Money Apart Someone Nobody Mostly Usually "
        "These Their As I"
    )
)

INCOMES = {
    "state pension": ("state pension", "facilitator"),
    "disability pension": ("disability pension", "facilitator"),
    "social security": ("social security", "barrier"),
    "wages": ("wages", None),
}


# ---------------------------------------------------------------- truth
@dataclass
class CaseTruth:
    case_id: str
    achieves: bool
    activities: list[str]
    improved_domains: list[str]
    worsened_domains: list[str]
    dissonant_themes: list[str]
    supporters: int


@dataclass
class Truth:
    study_id: str
    seed: int
    n_cases: int
    counts: dict[str, int] = field(default_factory=dict)
    cases: list[CaseTruth] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- people
@dataclass
class Person:
    person_id: str
    role: str
    cases: list[str]
    first: str
    full: str
    aliases: list[str]
    female: bool

    def spoken(self, rng: random.Random) -> str:
        """How others call this person in speech: mostly the first name."""
        roll = rng.random()
        if roll < 0.25 and len(self.aliases) > 1:
            return self.aliases[1]
        if roll > 0.95:
            return self.full
        return self.first


class NameBook:
    """Unique full names; first names repeat, as in any large study."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def person(self, person_id: str, role: str, cases: list[str], female: bool) -> Person:
        first = self.rng.choice(FEMALE if female else MALE)
        while True:
            last = self.rng.choice(SURNAMES)
            if self.rng.random() < 0.3:
                last = f"{self.rng.choice(SURNAMES)} {last}"
            full = f"{first} {last}"
            if full not in self.used:
                break
        self.used.add(full)
        aliases = [first] + ([NICKNAMES[first]] if first in NICKNAMES else [])
        return Person(person_id, role, cases, first, full, aliases, female)


# ---------------------------------------------------------------- cases
@dataclass
class CasePlan:
    case_id: str
    peer: Person
    supporters: list[Person]
    manager: Person | None = None
    nurse: Person | None = None
    achieves: bool = False
    income: str = "state pension"
    stances: dict[str, str] = field(default_factory=dict)  # theme -> true stance
    item_deltas: dict[str, tuple[float, float]] = field(default_factory=dict)
    item_direction: dict[str, str] = field(default_factory=dict)
    domain_stance: dict[str, str] = field(default_factory=dict)
    peer_claim: str | None = None  # outcome theme the peer wrongly claims improved
    pm_linkage: bool = False
    context: dict[str, str] = field(default_factory=dict)


def _pick(rng: random.Random, options, weights=None):
    return rng.choices(options, weights=weights)[0] if weights else rng.choice(options)


def _steps(value: float, step: float) -> list[float]:
    return [round(i * step, 2) for i in range(int(value / step) + 1)]


def _survey_pair(rng: random.Random, item: tuple, direction: str) -> tuple[float, float]:
    """Baseline and follow-up values whose signed change has the wanted direction."""
    _, _, _, better, mcid, low, high, step = item
    span = high - low
    if direction == "improved":
        signed = mcid + rng.choice(_steps(min(mcid * 1.5, span - mcid), step))
    elif direction == "worsened":
        signed = -(mcid + rng.choice(_steps(min(mcid * 1.5, span - mcid), step)))
    else:
        small = [s for s in _steps(mcid, step) if s < mcid]
        signed = rng.choice(small) * rng.choice((-1, 1))
    change = signed if better == "higher" else -signed
    lowest, highest = max(low, low - change), min(high, high - change)
    # baselines lean towards the unhealthy end of the scale, as in the demo
    options = _steps(highest - lowest, step)
    picks = (rng.choice(options), rng.choice(options))
    baseline = lowest + (min(picks) if better == "higher" else max(picks))
    baseline = round(baseline / step) * step
    followup = baseline + change
    return round(baseline, 2), round(followup, 2)


def plan_case(rng: random.Random, case_id: str, names: NameBook) -> CasePlan:
    female = rng.random() < 0.45
    peer = names.person(case_id, "peer", [case_id], female)
    n_sup = 2 if rng.random() < TWO_SUPPORTERS else 1
    supporters = [
        names.person(f"{case_id}-{'ab'[i]}", "supporter", [case_id], rng.random() < 0.55)
        for i in range(n_sup)
    ]
    plan = CasePlan(case_id, peer, supporters)
    plan.achieves = rng.random() < ACHIEVER_SHARE
    a = plan.achieves
    st = plan.stances
    plan.income = _pick(
        rng,
        list(INCOMES),
        [4, 3, 2, 1] if a else [1, 3, 5, 1],
    )
    fin = INCOMES[plan.income][1] or _pick(rng, ["facilitator", "barrier"])
    st["finances"] = fin
    # activities: social support always; achievers at least one more
    st["social_support"] = "present"
    if a:
        extra = _pick(rng, [("daily_management",), ("healthcare_linkage",), ("both",)])[0]
        st["daily_management"] = "present" if extra in ("daily_management", "both") else "absent"
        st["healthcare_linkage"] = (
            "present" if extra in ("healthcare_linkage", "both") else "absent"
        )
    else:
        st["daily_management"] = "present" if rng.random() < 0.06 else "absent"
        st["healthcare_linkage"] = "present" if rng.random() < 0.04 else "absent"
    st["energy"] = ("facilitator" if rng.random() < 0.9 else "barrier") if a else "barrier"
    if not a and rng.random() < 0.1:
        st["energy"] = "facilitator"
    st["health_condition"] = (
        ("facilitator" if rng.random() < 0.7 else "barrier")
        if a
        else ("barrier" if rng.random() < 0.85 else "facilitator")
    )
    st["life_events"] = "facilitator" if rng.random() < (0.7 if a else 0.3) else "barrier"
    st["needs_readiness"] = "present" if (rng.random() < 0.92) == a else "absent"
    st["encouragement"] = "present" if (rng.random() < 0.9) == a else "absent"
    st["social_experience"] = "present" if rng.random() < 0.96 else "absent"
    st["self_care_awareness"] = "present" if rng.random() < 0.88 else "absent"

    # outcome domains: achievers improve in 1-3 domains, tied to their activities
    improved: list[str] = []
    if a:
        pool = []
        if st["daily_management"] == "present":
            pool += ["eating", "physical_activity"]
        if st["healthcare_linkage"] == "present":
            pool += ["healthcare_use", "monitoring", "medication"]
        improved = sorted(rng.sample(pool, k=min(len(pool), rng.choice((1, 1, 2, 2, 3)))))
    worsened = []
    if not a and rng.random() < 0.3:
        worsened = [_pick(rng, ["physical_activity", "eating", "medication"], [3, 1, 1])]
    for domain in OUTCOME_DOMAINS:
        stance = (
            "improved" if domain in improved else "worsened" if domain in worsened else "no_change"
        )
        plan.domain_stance[domain] = stance
        st[domain] = stance
        items = [i for i in ITEMS if i[1] == domain]
        key = rng.randrange(len(items))
        for index, item in enumerate(items):
            if stance != "no_change" and index == key:
                direction = stance
            elif stance == "improved" and rng.random() < 0.35:
                direction = "improved"
            else:
                direction = "no_change"
            plan.item_direction[item[0]] = direction
            plan.item_deltas[item[0]] = _survey_pair(rng, item, direction)
    # planted conflicts
    if not a and rng.random() < PEER_CLAIM_SHARE:
        plan.peer_claim = _pick(rng, ["eating", "physical_activity", "medication", "monitoring"])
    if st["healthcare_linkage"] == "absent" and rng.random() < PM_LINKAGE_SHARE:
        plan.pm_linkage = True
    plan.context = {
        "sex": "female" if female else "male",
        "age_band": _pick(rng, ["<50", "50-65", ">65"], [2, 5, 4]),
        "birthplace": _pick(
            rng, ["Denmark", "other Western country", "non-Western country"], [7, 1, 2]
        ),
        "income_source": plan.income,
        "education": _pick(rng, ["primary", "secondary", "vocational", "higher"], [3, 3, 3, 1]),
        "living": _pick(rng, ["alone", "with partner", "with children"], [5, 4, 1]),
        "diagnoses": ";".join(
            sorted(
                rng.sample(
                    ["arthritis", "mental health", "COPD", "oral health", "other chronic"],
                    rng.randrange(0, 3),
                )
            )
        ),
        "complications": ";".join(
            sorted(
                rng.sample(
                    ["cardiovascular", "hypertension", "neuropathy", "nephropathy", "retinopathy"],
                    rng.randrange(0, 4),
                )
            )
        ),
    }
    return plan


# ---------------------------------------------------------------- text
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


def _anchor(rng: random.Random, plan: CasePlan, domain: str, stance: str) -> str:
    """An example whose survey item moved the way the speaker says (or any, else)."""
    items = [i for i in ITEMS if i[1] == domain]
    fitting = [i[2] for i in items if plan.item_direction[i[0]] == stance]
    return rng.choice(fitting or [i[2] for i in items])


# ---------------------------------------------------------------- per role plans
def peer_themes(rng: random.Random, plan: CasePlan) -> list[tuple[str, str]]:
    """(theme, stance) of each passage in the peer's interview."""
    st = plan.stances
    out = [("social_support", "present")] * rng.choice((1, 2, 2))
    out.append(("daily_management", st["daily_management"]))
    if st["daily_management"] == "present" and rng.random() < 0.5:
        out.append(("daily_management", "present"))
    out.append(("healthcare_linkage", st["healthcare_linkage"]))
    out += [("finances", st["finances"]), ("health_condition", st["health_condition"])]
    if rng.random() < 0.5:
        out.append(("health_condition", st["health_condition"]))
    out.append(("energy", st["energy"]))
    if rng.random() < 0.85:
        out.append(("life_events", st["life_events"]))
    out.append(("needs_readiness", st["needs_readiness"]))
    if rng.random() < 0.9:
        out.append(("encouragement", st["encouragement"]))
    out += [
        ("social_experience", st["social_experience"]),
        ("self_care_awareness", st["self_care_awareness"]),
    ]
    for domain in OUTCOME_DOMAINS:
        stance = "improved" if plan.peer_claim == domain else st[domain]
        if stance != "no_change" or plan.peer_claim == domain or rng.random() < 0.8:
            out += [(domain, stance)] * (2 if rng.random() < 0.4 else 1)
        if stance == "no_change" and rng.random() < 0.05:
            out.append((domain, "not_stated"))
    return out


def supporter_themes(rng: random.Random, plan: CasePlan, share: float) -> list[tuple[str, str]]:
    st = plan.stances

    def maybe(p: float) -> bool:
        return rng.random() < p * share

    out = [("social_support", "present")]
    out += [(t, st[t]) for t in ("daily_management", "healthcare_linkage") if maybe(1.0)]
    out += [("finances", st["finances"])] if maybe(0.5) else []
    out += [("health_condition", st["health_condition"])] if maybe(0.7) else []
    out += [("energy", st["energy"])] if maybe(1.0) else []
    out += [("life_events", st["life_events"])] if maybe(0.5) else []
    out += [("needs_readiness", st["needs_readiness"])] if maybe(0.7) else []
    out += [("encouragement", st["encouragement"])] if maybe(1.0) else []
    out += [("social_experience", st["social_experience"])] if maybe(1.0) else []
    out += [("self_care_awareness", st["self_care_awareness"])] if maybe(0.7) else []
    for domain in OUTCOME_DOMAINS:
        stance = st[domain]
        if plan.peer_claim == domain or stance != "no_change" or maybe(0.7):
            out.append((domain, stance))
    return out


def manager_themes(rng: random.Random, plan: CasePlan) -> list[tuple[str, str]]:
    st = plan.stances
    out = []
    if rng.random() < 0.5:
        out.append(("social_support", "present"))
    if rng.random() < 0.6:
        out.append(("daily_management", st["daily_management"]))
    if plan.pm_linkage:
        out.append(("healthcare_linkage", "claim"))
    elif rng.random() < 0.6:
        out.append(("healthcare_linkage", st["healthcare_linkage"]))
    if rng.random() < 0.5:
        out.append(("finances", st["finances"]))
    if rng.random() < 0.4:
        out.append(("life_events", st["life_events"]))
    improved = [d for d in OUTCOME_DOMAINS if st[d] == "improved"]
    if improved and rng.random() < 0.5:
        out.append((rng.choice(improved), "improved"))
    if rng.random() < 0.1:
        out.append(("encouragement", st["encouragement"]))
    return out


def nurse_themes(rng: random.Random, plan: CasePlan) -> list[tuple[str, str]]:
    st = plan.stances
    out = [("health_condition", st["health_condition"])]
    if rng.random() < 0.5:
        out.append(("energy", st["energy"]))
    must = [d for d in OUTCOME_DOMAINS if st[d] != "no_change" or plan.peer_claim == d]
    rest = [d for d in OUTCOME_DOMAINS if d not in must]
    chosen = must + rng.sample(rest, k=min(len(rest), max(0, 3 - len(must))))
    out += [(d, st[d]) for d in OUTCOME_DOMAINS if d in chosen]
    return out


# ---------------------------------------------------------------- writing
def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _number(value: float) -> str:
    return f"{value:g}"


def study_toml(n_cases: int, seed: int) -> str:
    text = TEMPLATE_STUDY.read_text(encoding="utf-8")
    header = (
        f"# Synthetic study written by `triangulate synth --cases {n_cases} --seed {seed}`\n"
        "# (flows/synth.py) from the demo's study file. All people are fictional.\n"
    )
    text = re.sub(r'(?m)^id = ".*"$', f'id = "synth-{n_cases}-s{seed}"', text, count=1)
    text = re.sub(
        r'(?m)^title = ".*"$',
        f'title = "Synthetic study: {n_cases} cases (seed {seed}), generated by triangulate synth"',
        text,
        count=1,
    )
    return header + text


def generate_study(n_cases: int, out_dir: Path, seed: int = 0) -> Truth:
    """Write a synthetic study of `n_cases` cases into `out_dir`; returns the truth."""
    if n_cases < 1:
        raise ValueError("n_cases must be at least 1")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    names = NameBook(rng)
    writer = Writer(rng)
    width = len(str(n_cases))
    case_ids = [f"P{i:0{width}d}" for i in range(1, n_cases + 1)]
    plans = [plan_case(rng, case_id, names) for case_id in case_ids]

    # cross-case staff: one project manager per PM_CASES, one nurse per NURSE_CASES
    staff: list[tuple[Person, list[CasePlan]]] = []
    for role, prefix, per in (("manager", "PM", PM_CASES), ("nurse", "DN", NURSE_CASES)):
        groups = [plans[i : i + per] for i in range(0, n_cases, per)]
        digits = len(str(len(groups)))
        for number, group in enumerate(groups, 1):
            person = names.person(
                f"{prefix}{number:0{digits}d}",
                role,
                [p.case_id for p in group],
                rng.random() < (0.4 if role == "manager" else 0.8),
            )
            for plan in group:
                setattr(plan, role, person)
            staff.append((person, group))

    people: list[Person] = [p for plan in plans for p in (plan.peer, *plan.supporters)]
    people += [person for person, _ in staff]

    interviews: list[list[str]] = []
    excerpts: list[Excerpt] = []
    iid_width = len(str(2 * n_cases + n_cases // 2 + 10))
    counter = {"i": 0}

    def new_interview(person: Person) -> str:
        counter["i"] += 1
        iid = f"I{counter['i']:0{iid_width}d}"
        mode = _pick(rng, ["in person", "telephone", "video call"], [16, 3, 1])
        interviews.append([iid, person.person_id, mode, "en"])
        return iid

    def add(iid: str, speaker: Person, plan: CasePlan, supporter: Person, items) -> None:
        for theme, stance in items:
            if stance == "claim":
                text = pm_linkage_excerpt(writer, plan, speaker, supporter)
                stance = "present"
            elif theme in ACTIVITY:
                text = activity_excerpt(writer, plan, speaker, supporter, theme, stance)
            elif theme in OUTCOME_DOMAINS:
                anchor = _anchor(rng, plan, theme, stance)
                if plan.peer_claim == theme and speaker is plan.peer:
                    anchor = _anchor(rng, plan, theme, plan.domain_stance[theme])
                text = outcome_excerpt(writer, plan, speaker, supporter, theme, stance, anchor)
            else:
                text = theme_excerpt(writer, plan, speaker, supporter, theme, stance)
            excerpts.append(Excerpt(iid, speaker, plan.case_id, theme, stance, text))

    for plan in plans:
        add(new_interview(plan.peer), plan.peer, plan, plan.supporters[0], peer_themes(rng, plan))
    for plan in plans:
        share = 1.0 if len(plan.supporters) == 1 else 0.75
        for supporter in plan.supporters:
            items = supporter_themes(rng, plan, share)
            add(new_interview(supporter), supporter, plan, supporter, items)
    for person, group in staff:
        chooser = manager_themes if person.role == "manager" else nurse_themes
        # interviews of about three cases each, as even as the group allows
        n_interviews = max(1, round(len(group) / CASES_PER_STAFF_INTERVIEW))
        bounds = [len(group) * i // n_interviews for i in range(n_interviews + 1)]
        for start, stop in zip(bounds, bounds[1:], strict=False):
            iid = new_interview(person)
            for plan in group[start:stop]:
                supporter = rng.choice(plan.supporters)
                add(iid, person, plan, supporter, chooser(rng, plan))

    # excerpt rows: positions rise within an interview; ~40% carry a coded stance
    eid_width = len(str(len(excerpts))) + 1
    positions: dict[str, int] = {}
    excerpt_rows, gold_rows = [], []
    for number, ex in enumerate(excerpts, 1):
        eid = f"E{number:0{eid_width}d}"
        positions[ex.interview_id] = positions.get(ex.interview_id, 0) + rng.randint(1, 4)
        code, stance_col = THEME_CODES[ex.theme], ""
        roll = rng.random()
        if roll < CHILD_CODE_SHARE:
            code = f"{code}/{STANCE_LEAVES[ex.stance]}"
        elif roll < CHILD_CODE_SHARE + STANCE_COLUMN_SHARE:
            stance_col = ex.stance
        excerpt_rows.append(
            [
                eid,
                ex.interview_id,
                ex.case_id,
                code,
                stance_col,
                positions[ex.interview_id],
                rng.choice(CODERS),
                ex.text,
            ]
        )
        gold_rows.append([eid, ex.case_id, ex.theme, ex.stance])

    # survey: baseline and follow-up per case; a few follow-up cells left blank
    survey_rows = []
    for plan in plans:
        baseline = [plan.case_id, "baseline"]
        followup = [plan.case_id, "followup"]
        blank = None
        if rng.random() < MISSING_ITEM_SHARE:
            candidates = [
                i[0]
                for i in ITEMS
                if plan.item_direction[i[0]] == "no_change"
                and sum(1 for j in ITEMS if j[1] == i[1]) > 1
                and plan.peer_claim != i[1]
            ]
            blank = rng.choice(candidates) if candidates else None
        for item in ITEMS:
            before, after = plan.item_deltas[item[0]]
            baseline.append(_number(before))
            followup.append("" if item[0] == blank else _number(after))
        baseline += [plan.context[v] for v in CONTEXT_VARIABLES]
        followup += [""] * len(CONTEXT_VARIABLES)
        survey_rows += [baseline, followup]

    roster_rows = [
        [p.person_id, p.role, ";".join(p.cases), p.full, ";".join(p.aliases), "active"]
        for p in people
    ]
    (out_dir / "study.toml").write_text(study_toml(n_cases, seed), encoding="utf-8")
    _write_csv(
        out_dir / "roster.csv",
        ["person_id", "role", "case_ids", "name", "aliases", "status"],
        roster_rows,
    )
    _write_csv(
        out_dir / "interviews.csv", ["interview_id", "person_id", "mode", "language"], interviews
    )
    _write_csv(
        out_dir / "excerpts.csv",
        ["excerpt_id", "interview_id", "case_id", "code", "stance", "position", "coder", "text"],
        excerpt_rows,
    )
    _write_csv(
        out_dir / "survey.csv",
        ["case_id", "wave", *(i[0] for i in ITEMS), *CONTEXT_VARIABLES],
        survey_rows,
    )
    _write_csv(
        out_dir / "gold_stances.csv", ["excerpt_id", "case_id", "theme", "gold_stance"], gold_rows
    )

    truth = Truth(
        study_id=f"synth-{n_cases}-s{seed}",
        seed=seed,
        n_cases=n_cases,
        counts={
            "persons": len(roster_rows),
            "interviews": len(interviews),
            "excerpts": len(excerpt_rows),
            "words": sum(len(row[-1].split()) for row in excerpt_rows),
            "survey_rows": len(survey_rows),
        },
    )
    for plan in plans:
        dissonant = []
        if plan.peer_claim:
            dissonant.append(plan.peer_claim)
        if plan.pm_linkage:
            dissonant.append("healthcare_linkage")
        truth.cases.append(
            CaseTruth(
                case_id=plan.case_id,
                achieves=plan.achieves,
                activities=[
                    t
                    for t in ("social_support", "daily_management", "healthcare_linkage")
                    if plan.stances[t] == "present"
                ],
                improved_domains=[
                    d for d in OUTCOME_DOMAINS if plan.domain_stance[d] == "improved"
                ],
                worsened_domains=[
                    d for d in OUTCOME_DOMAINS if plan.domain_stance[d] == "worsened"
                ],
                dissonant_themes=sorted(dissonant),
                supporters=len(plan.supporters),
            )
        )
    (out_dir / "truth.json").write_text(truth.to_json(), encoding="utf-8")
    return truth
