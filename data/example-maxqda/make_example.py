"""Write the "Steady at Home" example study's exports (fictional, all made up).

    .venv/bin/python data/example-maxqda/make_example.py [OUT_DIR]

writes, beside this script (or into OUT_DIR), what a researcher's own tools would export:

- `coded-segments.xlsx`: a MAXQDA "Coded segments" export (one row per coded
  segment; code paths joined with a backslash, as MAXQDA writes them with
  its default settings; paragraph positions; a `Cases\\H3` code on the same
  segment says which case the physiotherapist speaks about);
- `survey.sav`: an SPSS file in long layout (one row per participant and
  wave) with value labels (wave, sex, age band, living alone) and a
  user-missing code (timed up-and-go 99 = could not do the test).

`study.toml`, `roster.csv` and `identifiers.csv` are written by hand (the
roster and the identifiers file hold the names pseudonymisation replaces).
The output is byte-identical on every run: fixed document properties and
archive timestamps.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
STAMP = (2025, 3, 1, 12, 0, 0)
GROUPS = {"participant": "Participants", "coach": "Coaches", "physio": "Physiotherapist"}

# ---------------------------------------------------------------- interviews
# Per document: (person id, role, segments); a segment is (code path parts,
# text, case code or None). Every segment carries a stance sub-code in the
# researcher's words (Delivered / Not delivered, Helped / Held back, Yes / No,
# Better / Same / Worse).
# fmt: off
DOCUMENTS = [
    ("H1", "participant", [
        (("Activities", "Home exercises", "Delivered"), "Brian showed me the exercises for my legs and we did them every Tuesday in the kitchen.", None),
        (("Activities", "Home safety check", "Delivered"), "He went round the flat with me and we took up the rug in the hall.", None),
        (("Activities", "Walking out", "Delivered"), "On dry days we walked to the bakery and back together.", None),
        (("Context", "Family support", "Helped"), "My daughter Ruth rings every evening to ask if I did my exercises.", None),
        (("Mechanisms", "Confidence", "Yes"), "I am not so frightened of the stairs any more.", None),
        (("Outcomes", "Balance", "Better"), "My balance is better, I can stand on one leg by the sink now.", None),
        (("Outcomes", "Falls", "Better"), "I have not fallen since the spring. Dr Okafor was pleased with me.", None),
    ]),
    ("H1-c", "coach", [
        (("Activities", "Home exercises", "Delivered"), "Mrs Haverford did the chair exercises with me each week and on her own in between.", None),
        (("Activities", "Home safety check", "Delivered"), "We went through the checklist together and a rail went up by the bath.", None),
        (("Activities", "Walking out", "Delivered"), "We walked to the shops when the pavements were dry.", None),
        (("Mechanisms", "Confidence", "Yes"), "She started to trust her legs again.", None),
        (("Outcomes", "Fear of falling", "Better"), "She worries less about falling now.", None),
    ]),
    ("H2", "participant", [
        (("Activities", "Home exercises", "Delivered"), "Gwen brought the sheet with the exercises and we did them together.", None),
        (("Activities", "Home safety check", "Delivered"), "She found the loose carpet on the stairs and my neighbour Mrs Lindqvist helped us fix it.", None),
        (("Activities", "Walking out", "Not delivered"), "We never went out walking, my knee was too bad for that.", None),
        (("Context", "Health and pain", "Held back"), "The knee pain stops me most days.", None),
        (("Outcomes", "Balance", "Same"), "I don't think my balance has changed much.", None),
    ]),
    ("H2-c", "coach", [
        (("Activities", "Home exercises", "Delivered"), "Mr Adeyemi kept a diary of the exercises and did them most days.", None),
        (("Activities", "Home safety check", "Delivered"), "We moved the lamp cable and got a night light for the landing.", None),
        (("Outcomes", "Balance", "Better"), "He gets out of the chair without pushing on the arms now and walks steadier.", None),
        (("Outcomes", "Falls", "Same"), "He had one fall before and one during the programme, both outside.", None),
    ]),
    ("H3", "participant", [
        (("Activities", "Home exercises", "Not delivered"), "We talked over tea mostly; the exercise sheet stayed in the drawer.", None),
        (("Activities", "Walking out", "Delivered"), "Once a week we walked round the park with the dog.", None),
        (("Context", "Health and pain", "Held back"), "My hip was bad all winter and I was in hospital in February.", None),
        (("Outcomes", "Balance", "Better"), "I feel steadier on my feet than I did.", None),
        (("Outcomes", "Getting about", "Better"), "I get to the library on the bus again.", None),
    ]),
    ("H3-c", "coach", [
        (("Activities", "Home exercises", "Not delivered"), "Mrs Castellane did not want to do the exercises, so we just chatted.", None),
        (("Activities", "Walking out", "Delivered"), "We walked in the park most weeks.", None),
        (("Outcomes", "Balance", "Better"), "She seems steadier when she walks with me.", None),
        (("Outcomes", "Getting about", "Better"), "She goes out more on her own now.", None),
    ]),
    ("H4", "participant", [
        (("Activities", "Home exercises", "Not delivered"), "I never got on with the exercises, my back would not have it.", None),
        (("Activities", "Home safety check", "Delivered"), "They put a grab rail in the bathroom after the check.", None),
        (("Context", "Family support", "Held back"), "My son lives far away and I am on my own most of the time.", None),
        (("Outcomes", "Fear of falling", "Same"), "I still worry about going out in the dark.", None),
    ]),
    # the coach of H4 withdrew consent: every row below is listed once, as withdrawn
    ("H4-c", "coach", [
        (("Activities", "Home exercises", "Delivered"), "Mr Penhaligon did the exercises with me every week.", None),
        (("Outcomes", "Falls", "Better"), "He has not had a fall since we started.", None),
        (("Other", "Weather"), "The winter was hard on everyone.", None),
        (("Activities", "Walking out", "Sometimes"), "Now and then we went round the block.", None),
    ]),
    ("H5", "participant", [
        (("Activities", "Home exercises", "Delivered"), "I did the exercises with Kamal every week, he was very patient.", None),
        (("Activities", "Walking out", "Not delivered"), "It was too icy to go out walking.", None),
        (("Context", "Health and pain", "Held back"), "The dizziness from my tablets is the worst of it; Dr Okafor changed them twice.", None),
        (("Outcomes", "Falls", "Worse"), "I fell twice in the garden this summer.", None),
    ]),
    ("H5-c", "coach", [
        (("Activities", "Home exercises", "Delivered"), "We did the balance exercises at her kitchen table.", None),
        (("Outcomes", "Fear of falling", "Worse"), "After the falls she hardly leaves the house.", None),
    ]),
    ("PT", "physio", [
        (("Activities", "Home exercises", "Delivered"), "Her coach kept to the programme and raised the level at each visit.", "H1"),
        (("Activities", "Home exercises", "Not delivered"), "When I visited, the exercises had been swapped for chatting; the sheet was untouched.", "H5"),
        (("Mechanisms", "Confidence", "No"), "She still holds on to the furniture from room to room.", "H3"),
        (("Outcomes", "Balance", "Better"), "His timed up-and-go came down clearly, and Dr Bakshi at the falls clinic agreed.", "H2"),
    ]),
]
# fmt: on

HEADER = [
    "Color",
    "Document group",
    "Document name",
    "Code",
    "Beginning",
    "End",
    "Weight score",
    "Segment",
    "Comment",
    "Created by",
]


def segment_rows() -> list[list]:
    """One row per coded segment, as MAXQDA lists them."""
    rows = []
    for person, role, segments in DOCUMENTS:
        document = f"{person} interview"
        coder = "RK" if role == "participant" else "JT"
        for paragraph, (parts, text, case) in enumerate(segments, start=2):
            codes = ["\\".join(parts)] + ([f"Cases\\{case}"] if case else [])
            for code in codes:
                colour = "#5b9bd5" if code.startswith("Cases") else "#70ad47"
                rows.append(
                    [colour, GROUPS[role], document, code, paragraph, paragraph, 0, text, "", coder]
                )
    return rows


def write_xlsx(path: Path) -> None:
    """The segments as an XLSX workbook with fixed properties and timestamps."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Coded segments"
    sheet.append(HEADER)
    for row in segment_rows():
        sheet.append(row)
    book.properties.creator = "MAXQDA"
    book.properties.created = datetime(*STAMP)
    book.properties.modified = datetime(*STAMP)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w") as target:
        for info in sorted(source.infolist(), key=lambda i: i.filename):
            fixed = zipfile.ZipInfo(info.filename, date_time=STAMP)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-03-01T12:00:00Z", data
                )
            target.writestr(fixed, data)


# ---------------------------------------------------------------- survey
# record, wave (1 baseline, 2 follow-up), timed up-and-go (s, 99 = could not do
# the test: user-missing), falls in the last 3 months, Short FES-I (7-28),
# sex, age band, lives alone. Lower is better for tug, falls and fes.
SURVEY = [
    (101, 1, 16.4, 2, 15, 1, 2, 1),
    (101, 2, 15.4, 0, 12, 1, 2, 1),
    (102, 1, 17.3, 1, 18, 2, 2, 0),
    (102, 2, 14.5, 1, 17, 2, 2, 0),
    (103, 1, 13.2, 0, 20, 1, 1, 1),
    (103, 2, 99.0, 2, 23, 1, 1, 1),
    (104, 1, 14.0, 1, 16, 2, 3, 1),
    (104, 2, 13.5, 0, 16, 2, 3, 1),
    (105, 1, 21.5, 3, 22, 1, 3, 0),
    (105, 2, 22.1, 4, 24, 1, 3, 0),
]
COLUMNS = ["record", "wave", "tug", "falls", "fes", "sex", "age_band", "lives_alone"]


def write_sav(path: Path) -> None:
    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame(SURVEY, columns=COLUMNS).astype(
        {"tug": "float64", "falls": "float64", "fes": "float64"}
    )
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels={
            "record": "Record",
            "wave": "Wave",
            "tug": "Timed up-and-go (seconds)",
            "falls": "Falls in the last 3 months",
            "fes": "Short FES-I (7-28)",
            "sex": "Sex",
            "age_band": "Age band",
            "lives_alone": "Lives alone",
        },
        variable_value_labels={
            "wave": {1: "Baseline", 2: "Follow-up"},
            "tug": {99: "Could not do the test"},
            "sex": {1: "Female", 2: "Male"},
            "age_band": {1: "65-74", 2: "75-84", 3: "85+"},
            "lives_alone": {0: "No", 1: "Yes"},
        },
        missing_ranges={"tug": [99.0]},
    )
    # the header's creation date and time (offset 92: "dd Mmm yy", "hh:mm:ss")
    data = bytearray(path.read_bytes())
    data[92:109] = b"01 Mar 2512:00:00"
    path.write_bytes(bytes(data))


def main(out: Path = HERE) -> None:
    write_xlsx(out / "coded-segments.xlsx")
    write_sav(out / "survey.sav")
    print(f"wrote {out / 'coded-segments.xlsx'} and {out / 'survey.sav'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
