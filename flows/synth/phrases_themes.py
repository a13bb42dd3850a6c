"""Phrase banks for activity and context/mechanism passages, the planted
linkage claim, and the openers, hedges, elaborations and fillers that pad a
passage (slots as described in flows/synth/phrases_outcome.py)."""

from __future__ import annotations

from flows.synth.facts import words

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
    words(
        "We The It There My His Her He She They At In After When Since On Every Most Some Now "
        "That This One A An Our Both No Nothing Money Apart Someone Nobody Mostly Usually "
        "These Their As I"
    )
)
