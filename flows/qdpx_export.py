"""`triangulate export-qdpx`: the study's REFI-QDA project with stance sub-codes.

The copy adds, under each code a machine-read excerpt is coded with, a stance
sub-code per suggested stance ("Outcome/Physical activity/Improved
(suggested)") and moves the selection's coding to it (same Coding element and
GUID, so no excerpt is doubled); a stance the researcher
reviewed in the review sheet becomes the plain stance sub-code ("Improved").
The researcher imports the copy into their QDA tool, moves codings from the
"(suggested)" sub-codes to the right stance sub-code, exports again, and the
next run reads those as coded stances (a coding still under "(suggested)" is
read as no stance: flows/codes.py `parse_code`).

Nothing else changes: every other archive member (the sources) is copied
byte for byte, and project.qde keeps its elements, attributes, GUIDs,
positions, cases and variables; only Code elements are added (GUIDs derived
from the parent code and name, uuid5, so the same inputs give the same file)
and the moved codings' CodeRef targets change. The file holds the researcher's raw texts: it is written only
where asked, owner-only, never into the published output.
"""

from __future__ import annotations

import uuid
import zipfile
from pathlib import Path

import pandas as pd
from lxml import etree

from flows.errors import InputFileError
from flows.ingest import SUGGESTED_SUFFIX
from flows.readers.safe_zip import SafeZip
from flows.study import Study

NAMESPACE = uuid.UUID("1b6a4a3e-57d1-4f0e-9a55-1e4b3c2d7a10")  # fixed: GUIDs reproducible
PROJECT_MEMBER = "project.qde"


def _guid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "|".join(parts))).upper()


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def stance_code_name(stance: str, suggested: bool) -> str:
    """The sub-code's name: "Improved (suggested)", "No change", ..."""
    name = stance.replace("_", " ").capitalize()
    return name + SUGGESTED_SUFFIX if suggested else name


def stance_codings(excerpts: pd.DataFrame) -> list[tuple[str, str, str, bool]]:
    """(selection GUID, code path, stance, suggested) per machine-read or reviewed
    excerpt with a stance, one per selection and code, in a stable order."""
    seen, out = set(), []
    ordered = excerpts.sort_values(["selection_id", "code", "case_id"], kind="stable")
    for row in ordered.itertuples(index=False):
        coded = getattr(row, "coded_stance", None)
        if (isinstance(coded, str) and coded) or not isinstance(row.selection_id, str):
            continue  # coded (a missing stance is None or NaN: NaN is truthy)
        reviewed = getattr(row, "reviewed_stance", None)
        stance = reviewed if isinstance(reviewed, str) else row.suggested_stance
        if not isinstance(stance, str) or stance == "unclear":
            continue
        key = (row.selection_id, row.code)
        if key in seen:
            continue
        seen.add(key)
        out.append((row.selection_id, row.code, stance, not isinstance(reviewed, str)))
    return out


def _code_paths(root, sep: str) -> dict[str, etree._Element]:
    """Every Code element of the codebook by its path of names."""
    paths: dict[str, etree._Element] = {}

    def walk(element, prefix: str) -> None:
        for child in element:
            if _local(child.tag) == "Code":
                path = (prefix + sep if prefix else "") + (child.get("name") or "").strip()
                paths.setdefault(path, child)
                walk(child, path)

    for codes in root.iter():
        if _local(codes.tag) == "Codes":
            walk(codes, "")
            break
    return paths


def _sub_code(parent, name: str) -> etree._Element:
    """The parent's child code of this name, added (codable, after the parent's
    other children) when missing."""
    for child in parent:
        if _local(child.tag) == "Code" and (child.get("name") or "").strip() == name:
            return child
    ns = parent.tag.rsplit("}", 1)[0] + "}" if parent.tag.startswith("{") else ""
    code = etree.SubElement(parent, f"{ns}Code")
    code.set("guid", _guid("code", parent.get("guid", ""), name))
    code.set("name", name)
    code.set("isCodable", "true")
    return code


def _retarget(selection, from_guid: str, to_guid: str) -> bool:
    """Move the selection's coding with one code to another (its Coding element
    and GUID stay; only the CodeRef's target changes). False if there is none."""
    for child in selection:
        if _local(child.tag) != "Coding":
            continue
        for ref in child:
            if _local(ref.tag) == "CodeRef" and ref.get("targetGUID") == from_guid:
                ref.set("targetGUID", to_guid)
                return True
    return False


def add_stance_codes(qde: bytes, study: Study, codings: list[tuple[str, str, str, bool]]) -> bytes:
    """project.qde with the stance sub-codes and their codings added."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=False
    )
    root = etree.fromstring(qde, parser)
    sep = study.study.code_separator
    prefix = study.qda.code_prefix
    prefix = sep.join(p.strip() for p in prefix.split(sep)) if prefix else ""
    codes = _code_paths(root, sep)
    selections = {
        el.get("guid"): el for el in root.iter() if _local(el.tag) == "PlainTextSelection"
    }
    for selection_id, code, stance, suggested in codings:
        path = sep.join(p.strip() for p in code.split(sep))
        parent = codes.get(sep.join([prefix, path]) if prefix else path)
        selection = selections.get(selection_id)
        if parent is None or selection is None:
            continue  # a whole-source coding or a code the reader resolved otherwise
        sub = _sub_code(parent, stance_code_name(stance, suggested))
        _retarget(selection, parent.get("guid"), sub.get("guid"))
    encoding = (etree.fromstring(qde, parser).getroottree().docinfo.encoding) or "utf-8"
    return etree.tostring(
        root.getroottree(), xml_declaration=True, encoding=encoding, standalone=None
    )


def write_qdpx(source: Path, target: Path, study: Study, excerpts: pd.DataFrame) -> int:
    """Copy the .qdpx at `source` to `target` with the stance codes added; returns
    how many codings were added. Every member but project.qde is copied as is."""
    if source.suffix.lower() != ".qdpx":
        raise InputFileError(str(source), "export-qdpx needs the study's excerpts in a .qdpx")
    codings = stance_codings(excerpts)
    with SafeZip(source) as archive, zipfile.ZipFile(source) as original:
        if PROJECT_MEMBER not in archive.names():
            raise InputFileError(str(source), f"no {PROJECT_MEMBER} in the archive")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        with zipfile.ZipFile(partial, "w") as out:
            for info in original.infolist():
                data = archive.read(info.filename)  # bounded: sizes checked by SafeZip
                if info.filename == PROJECT_MEMBER:
                    data = add_stance_codes(data, study, codings)
                copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                copy.compress_type = info.compress_type
                copy.external_attr = 0o600 << 16
                out.writestr(copy, data)
        partial.chmod(0o600)
        partial.replace(target)
    return len(codings)


def inside_published_output(target: Path) -> bool:
    """Whether `target` would land in a published output folder (one holding a
    run's manifest.json and index.html)."""
    for folder in Path(target).resolve().parents:
        if (folder / "manifest.json").is_file() and (folder / "index.html").is_file():
            return True
    return False


def export_qdpx(study_dir: Path, target: Path, nlp_model: str | None = None) -> int:
    """Read the study as a run does (ingest, reviews, suggestions) and write the
    project copy with stance codes to `target`; returns the codings added."""
    from flows import stages

    if inside_published_output(target):
        raise InputFileError(
            str(target),
            "the project copy holds raw interview texts: write it outside the published "
            "output folder",
        )
    ingested = stages.ingest(Path(study_dir))
    spec = ingested.study.input_spec("excerpts")
    if spec.format != "refi-qda":
        raise InputFileError(
            str(ingested.study.path), "inputs.excerpts: export-qdpx needs a REFI-QDA project"
        )
    excerpts, _ = stages.annotate(ingested, nlp_model)
    study = ingested.study.definition
    return write_qdpx(ingested.study.input_path("excerpts"), Path(target), study, excerpts)
