"""Build the name gazetteer shipped in flows/privacy/gazetteer/ (a developer's tool,
never run by the pipeline).

Source: the most frequent first names and surnames per country of the
`names-dataset` package (3.3.1, Apache-2.0; 55 MB wheel, about 70-110 s and
1.9 GB of memory to load, so it is not a run-time dependency). Only name strings
are kept, no counts. Names that are also ordinary English or Danish words
(spacy-lookups-data lemma tables and English word probabilities, spaCy stop
words) go to `name-words.txt`:
they count as names only next to another name or after a title.

    python -m venv /tmp/nd && /tmp/nd/bin/pip install names-dataset==3.3.1 Faker==40.63.0 \
        pycountry tamil-names==0.1.1 habesha-names==0.2.0
    /tmp/nd/bin/python scripts/build_gazetteer.py --dump top.json   # the slow part
    .venv/bin/python scripts/build_gazetteer.py --top top.json      # filter and write

An earlier build's lists are kept whole, so `--dump-packages` (the package lists
of decision 0447 and the place names, without names-dataset: seconds) followed
by `--top` adds only those.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
from pathlib import Path

HOME = ["DK", "NO", "SE", "GB", "IE", "US"]  # the study languages' (da, en) neighbours
#: the countries of origin of the Nordic countries' immigrants that names-dataset
#: covers (decision 0385), and, for those it lacks, the nearest it has: Djibouti
#: (Somali names; no Somalia), Ethiopia (Eritrea), Croatia (Bosnia). It has no
#: Pakistan, Vietnam or Sri Lanka; Pakistani names are mostly among the Arabic ones.
ORIGINS = ["TR", "PL", "IQ", "SY", "IR", "AF", "MA", "LB", "JO", "EG", "RS", "DZ", "TN", "PS", "SA"]
NEAREST = ["DJ", "ET", "HR"]
#: decision 0423: the Philippines (names-dataset has it), and for Pakistan and
#: Vietnam, which it lacks, the name lists of the `Faker` package (MIT; not ranked
#: by frequency, so taken whole: 688 + 267 and 56 names). Sri Lanka's Tamil names
#: are in Tamil script there (Faker ta_IN), of no use for a Latin transcript.
MORE_ORIGINS = ["PH"]
FAKER = {"PK": "en_PK", "VN": "vi_VN"}
#: decision 0447: names-dataset has no Sri Lanka or Eritrea. Tamil given names in
#: Latin script (`tamil-names` 0.1.1, MIT: 566 names, hand-curated, not ranked, no
#: surnames: Tamil names are patronymic) and Ethiopian and Eritrean given names
#: with their Latin spellings (`habesha-names` 0.2.0, MIT: 380 names, 1,647
#: spellings; patronymic, so they are the surnames too), each taken whole
PACKAGES = ["LK", "ER"]
COUNTRIES = HOME + ORIGINS + NEAREST + MORE_ORIGINS
TOP = 3000
#: the countries of origin add their 1,000 most frequent first names and surnames,
#: and only those that are no ordinary word: their lists' tails hold acronyms and
#: words ("HbA" of HbA1c, "KOL", "MRI", "Germany"), and their names that are
#: words would join "Med", "Hos", "Om" to a name beside them; none of two letters
#: (measured, decision 0385)
ORIGIN_TOP = 1000
OUT = Path(__file__).resolve().parent.parent / "flows" / "privacy" / "gazetteer"
NAME = re.compile(r"^[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*$")


def dump(path: Path) -> None:
    from names_dataset import NameDataset

    nd = NameDataset()
    top = {}
    for cc in COUNTRIES:
        first = nd.get_top_names(n=TOP, country_alpha2=cc)[cc]
        last = nd.get_top_names(n=TOP, country_alpha2=cc, use_first_names=False)[cc]
        top[cc] = {"first": first, "last": last}
    top |= faker_lists() | package_lists()
    top["places"] = sorted(place_names())
    path.write_text(json.dumps(top, ensure_ascii=False), encoding="utf-8")


def dump_packages(path: Path) -> None:
    """`dump` of `package_lists` and the place names alone (no names-dataset)."""
    top = package_lists() | {"places": sorted(place_names())}
    path.write_text(json.dumps(top, ensure_ascii=False), encoding="utf-8")


def package_lists() -> dict:
    """The `PACKAGES` lists, whole (decision 0447)."""
    import csv
    from importlib import resources

    with (resources.files("tamilnames") / "data" / "names.csv").open(encoding="utf-8") as handle:
        tamil = [row["name_en"].strip() for row in csv.DictReader(handle)]
    given = json.loads(
        (resources.files("habesha_names") / "data" / "given_names.json").read_text("utf-8")
    )["entries"]
    habesha = [n for entry in given for n in [entry["canonical"], *entry["variants"]]]
    return {
        "LK": {"first": tamil, "last": [], "whole": True},
        "ER": {"first": habesha, "last": habesha, "whole": True},
    }


def faker_lists() -> dict:
    """Faker's first names and surnames for `FAKER`'s countries, as listed (their
    lists are not ranked: `whole` says to take them whole)."""
    import importlib

    lists = {}
    for cc, locale in FAKER.items():
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        first: list[str] = []
        for kind in ("first_names", "first_names_male", "first_names_female", "first_names_unisex"):
            listed = getattr(provider, kind, ())
            first += [n for n in listed if n not in first]
        last = list(dict.fromkeys(getattr(provider, "last_names", ())))
        lists[cc] = {"first": first, "last": last, "whole": True}
    return lists


def place_names() -> set[str]:
    """Country, region and language names (`pycountry`, written to the dump): the
    Philippine lists hold "Austria", "Florida", "Quebec", "Tagalog" as surnames,
    and a place is no name to replace (decision 0423)."""
    import pycountry

    found = {c.name for c in pycountry.countries}
    found |= {getattr(c, "common_name", "") for c in pycountry.countries}
    found |= {s.name for s in pycountry.subdivisions} | {lang.name for lang in pycountry.languages}
    return {n.casefold() for n in found if n}


def ordinary_words() -> set[str]:
    import spacy_lookups_data
    from spacy.lang.da import Danish
    from spacy.lang.en import English

    data = Path(os.path.dirname(spacy_lookups_data.__file__)) / "data"
    words: set[str] = set(English.Defaults.stop_words) | set(Danish.Defaults.stop_words)
    for name in ("en_lemma_lookup", "da_lemma_lookup"):
        with gzip.open(data / f"{name}.json.gz") as handle:
            table = json.load(handle)
        words |= {w.lower() for w in table} | {w.lower() for w in table.values()}
    # English words that are more often written in lower case than capitalised
    # ("honestly", "grace", but not "john" or "karen"): spaCy's word probabilities
    with gzip.open(data / "en_lexeme_prob.json.gz") as handle:
        prob = json.load(handle)
    words |= {
        w for w, p in prob.items() if w.islower() and p > -16 and p >= prob.get(w.title(), -99)
    }
    return words


def _names(lists: dict, top: int) -> set[str]:
    """The first names and surnames of one country's lists, the `top` of each."""
    first = lists["first"]
    top = None if lists.get("whole") else top
    found: set[str] = set()
    for group in first.values() if isinstance(first, dict) else [first]:
        found.update(group[:top])
    found.update(lists["last"][:top])
    return {n.strip().casefold() for n in found if NAME.match(n.strip()) and len(n.strip()) > 1}


def folded(name: str) -> str:
    """A name as a transcriber without the letters writes it: its accents dropped,
    `ł` and `đ` as `l` and `d` ("Dũng" -> "dung", "Dąbrowski" -> "dabrowski")."""
    import unicodedata

    name = name.replace("ł", "l").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


def build(top_path: Path, out: Path = OUT) -> None:
    """The six home countries' lists, split into names and names that are words;
    then the countries of origin's plain names added (`ORIGIN_TOP`, no words).
    Names already in the written lists stay where they are."""
    top = json.loads(top_path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for cc in HOME:
        names |= _names(top[cc], TOP) if cc in top else set()
    words = ordinary_words()
    plain = {n for n in names if n not in words}
    common = {n for n in names if n in words}
    for kind, found in (("names.txt", plain), ("name-words.txt", common)):
        if (out / kind).exists():  # an earlier build's lists are kept whole
            found |= set((out / kind).read_text(encoding="utf-8").split())
    common -= plain
    origin: set[str] = set()
    for cc in ORIGINS + NEAREST + MORE_ORIGINS + list(FAKER) + PACKAGES:
        origin |= _names(top[cc], ORIGIN_TOP) if cc in top else set()
    origin |= {folded(n) for n in origin}  # decision 0423: "Dabrowski", "Dung"
    # two letters are initials more often than names there ("HN", "LH": ids, coders)
    known = words | plain | common | set(top.get("places", []))
    added = sorted(n for n in origin if len(n) > 2 and n not in known)
    plain |= set(added)
    out.mkdir(parents=True, exist_ok=True)
    (out / "names.txt").write_text("\n".join(sorted(plain)) + "\n", encoding="utf-8")
    (out / "name-words.txt").write_text("\n".join(sorted(common)) + "\n", encoding="utf-8")
    print(f"{len(plain)} names ({len(added)} from the countries of origin), {len(common)} words")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dump", type=Path, help="write the top names of names-dataset here")
    parser.add_argument("--dump-packages", type=Path, help="write decision 0447's lists here")
    parser.add_argument("--top", type=Path, help="build the gazetteer from a dump")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the two lists")
    args = parser.parse_args()
    if args.dump:
        dump(args.dump)
    if args.dump_packages:
        dump_packages(args.dump_packages)
    if args.top:
        build(args.top, args.out)
