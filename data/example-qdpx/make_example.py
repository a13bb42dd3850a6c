"""Write the "Walking Together" example study's exports (fictional, all made up).

    .venv/bin/python data/example-qdpx/make_example.py

writes, beside this script, what a researcher's own tools would export:

- `walking-together.qdpx`: a REFI-QDA project as a QDA tool writes it
  (codebook with folders and stance child codes, six kinds of variables,
  cases W1-W4 holding the peer and buddy interviews whole and the
  coordinator's and physiotherapist's passages by selection reference, a
  note on one selection, text in `sources/` as UTF-8, positions counted in
  code points as the standard says);
- `redcap_export.csv` and `redcap_dictionary.csv`: a REDCap longitudinal
  export (events `baseline_arm_1`, `follow_up_arm_1`) and its data
  dictionary.

`study.toml` and `roster.csv` are written by hand (the roster holds the
names pseudonymisation replaces). The output is byte-identical on every run:
GUIDs come from uuid5 and the archive's timestamps are fixed.
"""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

HERE = Path(__file__).resolve().parent
NAMESPACE = uuid.UUID("6f1b7c1e-3d5a-4f7e-9a53-0c2d4e5f6a7b")
STAMP = (2024, 6, 1, 12, 0, 0)


def guid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts))).upper()


# ---------------------------------------------------------------- codebook
CODEBOOK = {
    "Intervention": ["Group walks", "Practical help", "Company"],
    "Context": ["Breathing and health"],
    "Mechanism": ["Confidence", "Belonging"],
    "Outcome": ["Physical activity", "Breathlessness", "Getting out"],
}
STANCES = {
    "Intervention": ["Present", "Absent"],
    "Context": ["Facilitator", "Barrier"],
    "Mechanism": ["Present", "Absent"],
    "Outcome": ["Improved", "No change", "Worsened"],
}

# ---------------------------------------------------------------- interviews
# Each source: who (the "Participant" variable is the roster person id), the
# informant type, how, and turns: ("I", question) or ("R", answer, codes,
# cases). Answers are coded whole; `cases` (coordinator and physiotherapist)
# become the QDA cases' selection references.
SOURCES = [
    {
        "name": "Interview 01 (W1 peer)",
        "person": "W1",
        "type": "Participant",
        "mode": "in person",
        "coder": "AK",
        "turns": [
            ("I", "How did you come to join the walking group?"),
            (
                "R",
                "My doctor gave me a leaflet after the winter I spent mostly indoors. I was "
                "afraid of getting out of breath in front of other people, so I nearly did not "
                "go.",
                ["Mechanism/Confidence/Absent"],
            ),
            ("I", "And now?"),
            (
                "R",
                "Now I walk with the group every Tuesday and Thursday, the slow route round "
                "the lake. Tom waits for me at the benches and we stop when I need to.",
                ["Intervention/Group walks/Present"],
            ),
            (
                "R",
                "I walk much more than before. I started counting my steps on the little "
                "pedometer, and on a good day I get past four thousand steps.",
                ["Outcome/Physical activity/Improved"],
            ),
            (
                "R",
                "I am less breathless on the hill up to the shops. I still puff, but I do not "
                "have to stop three times any more.",
                ["Outcome/Breathlessness/Improved"],
            ),
            (
                "R",
                "Tom showed me how to take the inhaler properly before a walk, with the "
                "spacer. Nobody had ever shown me that.",
                ["Intervention/Practical help/Present"],
            ),
            (
                "R",
                "I am not scared of walking now. I know I can manage if I take it slowly.",
                ["Mechanism/Confidence/Present"],
            ),
            (
                "R",
                "I go into town on my own now, to the market on Saturdays, which I had not "
                "done for two years.",
                ["Outcome/Getting out/Improved"],
            ),
        ],
    },
    {
        "name": "Interview 02 (W1 buddy)",
        "person": "W1-a",
        "type": "Buddy",
        "mode": "in person",
        "coder": "JM",
        "turns": [
            ("I", "Tell me about walking with Margaret."),
            (
                "R",
                "Maggie comes to nearly every walk now. At first she walked with us to the "
                "first bench and went home; by the summer she did the whole lake route.",
                ["Intervention/Group walks/Present", "Outcome/Physical activity/Improved"],
            ),
            (
                "R",
                "We went through her inhaler technique together, and I gave her a lift to the "
                "start when it rained.",
                ["Intervention/Practical help/Present"],
            ),
            (
                "R",
                "She talks with the others over coffee after the walk; she says the group is "
                "like friends now.",
                ["Intervention/Company/Present", "Mechanism/Belonging/Present"],
            ),
            (
                "R",
                "She gets less out of breath than in the spring, you can hear it on the hill.",
                ["Outcome/Breathlessness/Improved"],
            ),
        ],
    },
    {
        "name": "Interview 03 (W2 peer)",
        "person": "W2",
        "type": "Participant",
        "mode": "telephone",
        "coder": "AK",
        "turns": [
            ("I", "How have the walks gone for you?"),
            (
                "R",
                "I went to three or four walks in the autumn. Then I had a chest infection and "
                "ended up in hospital for a week in December.",
                ["Context/Breathing and health/Barrier", "Intervention/Group walks"],
            ),
            (
                "R",
                "The cold wind makes my breathing worse. In winter I hardly leave the flat.",
                ["Context/Breathing and health/Barrier", "Outcome/Getting out/No change"],
            ),
            (
                "R",
                "Inge rings me every week and we talk, which is nice, but we have not been "
                "walking much.",
                ["Intervention/Company/Present", "Outcome/Physical activity/No change"],
            ),
            (
                "R",
                "My breathing is the same as before, maybe a bit worse since the infection.",
                ["Outcome/Breathlessness/No change"],
            ),
        ],
    },
    {
        "name": "Interview 04 (W2 buddy)",
        "person": "W2-a",
        "type": "Buddy",
        "mode": "in person",
        "coder": "JM",
        "turns": [
            ("I", "How has it been with Ahmed?"),
            (
                "R",
                "Ahmed cancelled most of the walks, usually because of the weather or his "
                "chest. I understand it; the winter was hard on him.",
                ["Intervention/Group walks/Absent", "Context/Breathing and health/Barrier"],
            ),
            (
                "R",
                "Mostly we chat on the phone. I would say he does not walk more than when we "
                "started.",
                ["Intervention/Company/Present", "Outcome/Physical activity/No change"],
            ),
            (
                "R",
                "He is still scared of getting breathless outside, he says he panics.",
                ["Mechanism/Confidence/Absent"],
            ),
        ],
    },
    {
        "name": "Interview 05 (W3 peer)",
        "person": "W3",
        "type": "Participant",
        "mode": "in person",
        "coder": "AK",
        "turns": [
            ("I", "What has the programme meant for you?"),
            (
                "R",
                "I walk every day now, not only with the group. Peter and Sofie take turns "
                "walking with me on Mondays.",
                ["Intervention/Group walks/Present", "Outcome/Physical activity/Improved"],
            ),
            (
                "R",
                "Being in the group, I feel I belong somewhere again. We are together, we laugh.",
                ["Mechanism/Belonging/Present"],
            ),
            (
                "R",
                "I dare to go further now. I used to think I would collapse.",
                ["Mechanism/Confidence/Present"],
            ),
            (
                "R",
                "The breathlessness is about the same, the lungs do not get better, but I "
                "manage it.",
                ["Outcome/Breathlessness/No change"],
            ),
        ],
    },
    {
        "name": "Interview 06 (W3 buddy P)",
        "person": "W3-a",
        "type": "Buddy",
        "mode": "in person",
        "coder": "JM",
        "turns": [
            ("I", "How is Ruth doing?"),
            (
                "R",
                "Ruth walks a lot more. She has a step counter and shows me the numbers every "
                "Monday.",
                ["Outcome/Physical activity/Improved"],
            ),
            (
                "R",
                "We walk the lake route together; she sets the pace.",
                ["Intervention/Group walks/Present"],
            ),
        ],
    },
    {
        "name": "Interview 07 (W3 buddy S)",
        "person": "W3-b",
        "type": "Buddy",
        "mode": "telephone",
        "coder": "JM",
        "turns": [
            ("I", "How do you find the walks with Ruth?"),
            (
                "R",
                "Honestly, I think she walks about as much as before. On my Mondays we mostly "
                "sit on the bench and talk.",
                ["Outcome/Physical activity/No change", "Intervention/Company/Present"],
            ),
            (
                "R",
                "I drive her to the start of the route, otherwise she would not come.",
                ["Intervention/Practical help/Present"],
            ),
        ],
    },
    {
        "name": "Interview 08 (W4 peer)",
        "person": "W4",
        "type": "Participant",
        "mode": "in person",
        "coder": "AK",
        "turns": [
            ("I", "How are things going?"),
            (
                "R",
                "I walk more than before, I would say. I go out to the shops most days.",
                ["Outcome/Physical activity/Improved", "Outcome/Getting out/Improved"],
            ),
            (
                "R",
                "The group walks are a bit fast for me, so I walk on my own instead.",
                ["Intervention/Group walks"],
            ),
        ],
    },
    {
        "name": "Interview 09 (W4 buddy)",
        "person": "W4-a",
        "type": "Buddy",
        "mode": "telephone",
        "coder": "JM",
        "turns": [
            ("I", "How was it, being Johan's buddy?"),
            (
                "R",
                "Johan stopped coming after the first month. When I visit he is in his chair "
                "by the window; I do not think he walks more at all.",
                ["Intervention/Group walks/Absent", "Outcome/Physical activity/Worsened"],
            ),
            (
                "R",
                "His oxygen makes going out a big job, he needs the portable bottle.",
                ["Context/Breathing and health/Barrier"],
            ),
        ],
    },
    {
        "name": "Coordinator interview",
        "person": "CO",
        "type": "Coordinator",
        "mode": "in person",
        "coder": "AK",
        "turns": [
            ("I", "Could you go through the participants you followed?"),
            (
                "R",
                "Margaret is our success story: she comes twice a week and walks the whole "
                "route now.",
                ["Intervention/Group walks/Present", "Outcome/Physical activity/Improved"],
                ["W1"],
            ),
            (
                "R",
                "With Ahmed it never really started; the winter and his hospital stay got in "
                "the way, and the contact was mostly phone calls.",
                ["Context/Breathing and health/Barrier", "Intervention/Group walks/Absent"],
                ["W2"],
            ),
            (
                "R",
                "Both Ruth and Margaret found friends in the group; for them the coffee after "
                "the walk matters as much as the walk.",
                ["Mechanism/Belonging/Present"],
                ["W1", "W3"],
            ),
            (
                "R",
                "Ruth walks more, that is clear from her step counter.",
                ["Outcome/Physical activity/Improved"],
                ["W3"],
            ),
            (
                "R",
                "Johan dropped out of the group walks early and moved in with his daughter.",
                ["Intervention/Group walks/Absent"],
                ["W4"],
            ),
        ],
    },
    {
        "name": "Physiotherapist interview",
        "person": "PT",
        "type": "Physiotherapist",
        "mode": "telephone",
        "coder": "JM",
        "turns": [
            ("I", "What did you see in the participants?"),
            (
                "R",
                "Margaret's inhaler technique is much better, and she is less breathless on "
                "the walking test than at the start.",
                ["Intervention/Practical help/Present", "Outcome/Breathlessness/Improved"],
                ["W1"],
            ),
            (
                "R",
                "Ahmed had an exacerbation in December and lost a lot of ground.",
                ["Context/Breathing and health/Barrier", "Outcome/Physical activity/No change"],
                ["W2"],
            ),
            (
                "R",
                "Ruth's breathing has not changed, but she is far more confident being active.",
                ["Outcome/Breathlessness/No change", "Mechanism/Confidence/Present"],
                ["W3"],
            ),
            (
                "R",
                "Johan needs oxygen when he walks; he is less active than at the start.",
                ["Context/Breathing and health/Barrier", "Outcome/Physical activity/Worsened"],
                ["W4"],
            ),
        ],
    },
]
# Source variables beyond the participant, type and mode: one of each REFI-QDA type.
EXTRA_SOURCE_VARIABLES = {
    "Interview date": ("Date", lambda i: f"2024-0{3 + i % 3}-{10 + i:02d}"),
    "Transcribed at": ("DateTime", lambda i: f"2024-05-{10 + i:02d}T09:30:00Z"),
    "Length (minutes)": ("Float", lambda i: f"{32.5 + 3 * i}"),
    "Consent on file": ("Boolean", lambda i: "true"),
}
CASES = {
    "W1": {"Walking group": "Lakeside", "Walks attended": "38"},
    "W2": {"Walking group": "Harbour", "Walks attended": "4"},
    "W3": {"Walking group": "Lakeside", "Walks attended": "30"},
    "W4": {"Walking group": "Harbour", "Walks attended": "3"},
}
CASE_MEMBERS = {
    "W1": ["W1", "W1-a"],
    "W2": ["W2", "W2-a"],
    "W3": ["W3", "W3-a", "W3-b"],
    "W4": ["W4", "W4-a"],
}
NOTE = ("Coordinator interview", 2, "Check the attendance list for the number of walks.")


def _codes() -> tuple[str, dict[str, str]]:
    """The CodeBook XML and the guid of every code path."""
    guids: dict[str, str] = {}
    lines = ["  <CodeBook>", "    <Codes>"]
    for folder, codes in CODEBOOK.items():
        guids[folder] = guid("code", folder)
        lines.append(f'      <Code guid="{guids[folder]}" name="{folder}" isCodable="false">')
        for code in codes:
            path = f"{folder}/{code}"
            guids[path] = guid("code", path)
            lines.append(f'        <Code guid="{guids[path]}" name="{code}" isCodable="true">')
            for stance in STANCES[folder]:
                child = f"{path}/{stance}"
                guids[child] = guid("code", child)
                lines.append(
                    f'          <Code guid="{guids[child]}" name="{stance}" isCodable="true"/>'
                )
            lines.append("        </Code>")
        lines.append("      </Code>")
    lines += ["    </Codes>", "  </CodeBook>"]
    return "\n".join(lines), guids


def _value(kind: str, value: str) -> str:
    return f"<{kind}Value>{escape(value)}</{kind}Value>"


def build_project() -> tuple[str, dict[str, str]]:
    """The project.qde text and the internal source files (name -> text)."""
    codebook, code_guids = _codes()
    users = {"AK": guid("user", "AK"), "JM": guid("user", "JM")}
    variables = {
        "Participant": "Text",
        "Informant type": "Text",
        "Interview mode": "Text",
        **{name: kind for name, (kind, _) in EXTRA_SOURCE_VARIABLES.items()},
        "Walking group": "Text",
        "Walks attended": "Integer",
    }
    var_guids = {name: guid("variable", name) for name in variables}
    files: dict[str, str] = {}
    sources_xml = []
    case_sources: dict[str, list[str]] = {case: [] for case in CASES}
    case_selections: dict[str, list[str]] = {case: [] for case in CASES}
    note_target = ""
    for index, source in enumerate(SOURCES):
        source_guid = guid("source", source["name"])
        text_guid = guid("text", source["name"])
        text, selections = "", []
        for turn_number, turn in enumerate(source["turns"]):
            if turn[0] == "I":
                text += f"I: {turn[1]}\n\n"
                continue
            answer, codes = turn[1], turn[2]
            cases = turn[3] if len(turn) > 3 else []
            text += "R: "
            start = len(text)
            text += answer
            end = len(text)
            text += "\n\n"
            selection_guid = guid("selection", source["name"], str(turn_number))
            selections.append((selection_guid, start, end, codes))
            for case in cases:
                case_selections[case].append(selection_guid)
            if (source["name"], turn_number) == NOTE[:2]:
                note_target = selection_guid
        files[f"{text_guid}.txt"] = text
        for case, members in CASE_MEMBERS.items():
            if source["person"] in members:
                case_sources[case].append(source_guid)
        values = {
            "Participant": source["person"],
            "Informant type": source["type"],
            "Interview mode": source["mode"],
            **{name: make(index) for name, (_, make) in EXTRA_SOURCE_VARIABLES.items()},
        }
        user = users[source["coder"]]
        lines = [
            f'    <TextSource guid="{source_guid}" name={quoteattr(source["name"] + ".docx")} '
            f'plainTextPath="internal://{text_guid}.txt" creatingUser="{user}">'
        ]
        for selection_guid, start, end, codes in selections:
            lines.append(
                f'      <PlainTextSelection guid="{selection_guid}" name="" '
                f'startPosition="{start}" endPosition="{end}" creatingUser="{user}">'
            )
            for code in codes:
                coding_guid = guid("coding", selection_guid, code)
                lines += [
                    f'        <Coding guid="{coding_guid}" creatingUser="{user}">',
                    f'          <CodeRef targetGUID="{code_guids[code]}"/>',
                    "        </Coding>",
                ]
            if selection_guid == note_target:
                lines.append(f'        <NoteRef targetGUID="{guid("note", "attendance")}"/>')
            lines.append("      </PlainTextSelection>")
        for name, value in values.items():
            lines += [
                "      <VariableValue>",
                f'        <VariableRef targetGUID="{var_guids[name]}"/>',
                f"        {_value(variables[name], value)}",
                "      </VariableValue>",
            ]
        lines.append("    </TextSource>")
        sources_xml.append("\n".join(lines))

    cases_xml = []
    for case, case_values in CASES.items():
        lines = [f'    <Case guid="{guid("case", case)}" name="{case}">']
        for name, value in case_values.items():
            lines += [
                "      <VariableValue>",
                f'        <VariableRef targetGUID="{var_guids[name]}"/>',
                f"        {_value(variables[name], value)}",
                "      </VariableValue>",
            ]
        lines += [f'      <SourceRef targetGUID="{g}"/>' for g in case_sources[case]]
        lines += [f'      <SelectionRef targetGUID="{g}"/>' for g in case_selections[case]]
        lines.append("    </Case>")
        cases_xml.append("\n".join(lines))

    qde = "\n".join(
        [
            '<?xml version="1.0" encoding="utf-8" standalone="yes"?>',
            '<Project xmlns="urn:QDA-XML:project:1.0" name="Walking Together (fictional example)" '
            'origin="triangulate example generator (REFI-QDA 1.5)" '
            f'creatingUserGUID="{users["AK"]}" creationDateTime="2024-06-01T12:00:00Z">',
            "  <Users>",
            *(f'    <User guid="{g}" name="{n}"/>' for n, g in users.items()),
            "  </Users>",
            codebook,
            "  <Variables>",
            *(
                f'    <Variable guid="{var_guids[n]}" name="{n}" typeOfVariable="{k}"/>'
                for n, k in variables.items()
            ),
            "  </Variables>",
            "  <Cases>",
            *cases_xml,
            "  </Cases>",
            "  <Sources>",
            *sources_xml,
            "  </Sources>",
            "  <Notes>",
            f'    <Note guid="{guid("note", "attendance")}" name="Attendance">',
            f"      <PlainTextContent>{escape(NOTE[2])}</PlainTextContent>",
            "    </Note>",
            "  </Notes>",
            "</Project>",
            "",
        ]
    )
    return qde, files


def write_qdpx(path: Path) -> None:
    qde, files = build_project()
    members = {"project.qde": qde, **{f"sources/{n}": t for n, t in sorted(files.items())}}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            info = zipfile.ZipInfo(name, date_time=STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))
    path.write_bytes(buffer.getvalue())


# ---------------------------------------------------------------- REDCap
DICTIONARY_HEADER = [
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
]
FIELDS = [
    # name, form, type, label, choices, validation, min, max
    ("record_id", "participant", "text", "Record ID", "", "", "", ""),
    ("sex", "participant", "radio", "Sex", "1, Female | 2, Male", "", "", ""),
    (
        "age_band",
        "participant",
        "dropdown",
        "Age",
        "1, Under 60 | 2, 60-74 | 3, 75 or over",
        "",
        "",
        "",
    ),
    (
        "living",
        "participant",
        "radio",
        "Living situation",
        "1, Alone | 2, With partner | 3, With others",
        "",
        "",
        "",
    ),
    (
        "comorbidities",
        "participant",
        "checkbox",
        "Other conditions",
        "1, Heart disease | 2, Diabetes | 3, Anxiety or depression | 4, Arthritis",
        "",
        "",
        "",
    ),
    ("oxygen", "participant", "yesno", "Uses home oxygen", "", "", "", ""),
    ("walk_min_week", "activity", "text", "Minutes walking last week", "", "integer", "0", "3000"),
    (
        "steps_day",
        "activity",
        "text",
        "Average steps per day (pedometer)",
        "",
        "integer",
        "0",
        "30000",
    ),
    (
        "mmrc_grade",
        "activity",
        "radio",
        "Breathlessness (mMRC grade)",
        "0, 0 Only with strenuous exercise | 1, 1 Hurrying or walking up a slight hill | "
        "2, 2 Walks slower than people of the same age | 3, 3 Stops after about 100 m | "
        "4, 4 Too breathless to leave the house",
        "",
        "",
        "",
    ),
    (
        "days_out_week",
        "activity",
        "dropdown",
        "Days out of the house last week",
        " | ".join(f"{n}, {n}" for n in range(8)),
        "",
        "",
        "",
    ),
]
# record_id, baseline answers, follow-up answers (None: no follow-up row)
RECORDS = [
    (
        "1001",
        {"sex": "1", "age_band": "2", "living": "1", "comorbidities": ["1", "4"], "oxygen": "0"},
        {"walk_min_week": "30", "steps_day": "2400", "mmrc_grade": "3", "days_out_week": "2"},
        {"walk_min_week": "130", "steps_day": "4300", "mmrc_grade": "2", "days_out_week": "5"},
    ),
    (
        "1002",
        {"sex": "2", "age_band": "1", "living": "1", "comorbidities": ["2", "3"], "oxygen": "0"},
        {"walk_min_week": "20", "steps_day": "1800", "mmrc_grade": "3", "days_out_week": "1"},
        {"walk_min_week": "25", "steps_day": "", "mmrc_grade": "3", "days_out_week": "1"},
    ),
    (
        "1003",
        {"sex": "1", "age_band": "3", "living": "2", "comorbidities": ["1"], "oxygen": "0"},
        {"walk_min_week": "45", "steps_day": "2600", "mmrc_grade": "2", "days_out_week": "3"},
        {"walk_min_week": "110", "steps_day": "3900", "mmrc_grade": "2", "days_out_week": "4"},
    ),
    (
        "1004",
        {"sex": "2", "age_band": "3", "living": "3", "comorbidities": ["1", "2"], "oxygen": "1"},
        {"walk_min_week": "60", "steps_day": "3000", "mmrc_grade": "2", "days_out_week": "3"},
        None,
    ),
]


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def write_redcap(export: Path, dictionary: Path) -> None:
    dictionary.write_text(
        _csv(
            [DICTIONARY_HEADER]
            + [
                [
                    name,
                    form,
                    "",
                    kind,
                    label,
                    choices,
                    "",
                    validation,
                    low,
                    high,
                    "y" if name == "record_id" else "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ]
                for name, form, kind, label, choices, validation, low, high in FIELDS
            ]
        ),
        encoding="utf-8",
    )
    checkbox = [f"comorbidities___{n}" for n in range(1, 5)]
    header = [
        "record_id",
        "redcap_event_name",
        "redcap_repeat_instrument",
        "redcap_repeat_instance",
        "sex",
        "age_band",
        "living",
        *checkbox,
        "oxygen",
        "participant_complete",
        "walk_min_week",
        "steps_day",
        "mmrc_grade",
        "days_out_week",
        "activity_complete",
    ]
    rows = [header]
    for record, person, baseline, followup in RECORDS:
        ticks = ["1" if str(n) in person["comorbidities"] else "0" for n in range(1, 5)]
        rows.append(
            [record, "baseline_arm_1", "", "", person["sex"], person["age_band"], person["living"]]
            + ticks
            + [person["oxygen"], "2"]
            + [baseline[f] for f in ("walk_min_week", "steps_day", "mmrc_grade", "days_out_week")]
            + ["2"]
        )
        if followup is not None:
            rows.append(
                [record, "follow_up_arm_1", "", "", "", "", ""]
                + ["0"] * 4
                + ["", ""]
                + [
                    followup[f]
                    for f in ("walk_min_week", "steps_day", "mmrc_grade", "days_out_week")
                ]
                + ["2"]
            )
    export.write_text(_csv(rows), encoding="utf-8")


def main(folder: Path = HERE) -> None:
    write_qdpx(folder / "walking-together.qdpx")
    write_redcap(folder / "redcap_export.csv", folder / "redcap_dictionary.csv")


if __name__ == "__main__":
    main()
