"""Codings of selections: the dialect (how positions are counted: code points,
UTF-16 units or CRLF-as-1, detected or set by `[qda] dialect`), locating each
selection's text exactly (never imported shifted), and one `QdaCoding` per
coding, with its notes and the cases it is assigned to.

`SelectionCodings` is the part of `RefiReader` (flows.readers.refi) that reads them.
"""

from __future__ import annotations

from flows.errors import InputFileError
from flows.readers.common import normalise_newlines
from flows.readers.offsets import (
    DIALECT_SCHEMES,
    SCHEMES,
    Selection,
    detect_scheme,
    lands_differently,
    same_text,
    scheme_from_origin,
)
from flows.readers.qda import QdaCoding
from flows.readers.refi.project_xml import shown_guid
from flows.readers.refi.sources import _Selection, _TextSource


class SelectionCodings:
    """The dialect and the codings of every selection (a part of `RefiReader`)."""

    def choose_scheme(self, texts: list[_TextSource]) -> tuple[str, bool, bool]:
        """The counting scheme, whether names repeat the text, and whether the
        scheme is confirmed (names repeat the text, the origin agrees, or a set
        dialect agrees with the evidence): only an unconfirmed scheme refuses
        single selections that cut words (a coder may cut mid-word).

        A set `[qda] dialect` that the origin or the detection contradicts is
        refused with the evidence, unless `[qda] dialect_override = true`."""
        dialect = self.study.qda.dialect
        candidates = [
            Selection(t.text, s.start, s.end, s.name)
            for t in texts
            if t.text is not None
            for s in t.selections
        ]
        origin_scheme = scheme_from_origin(self.origin)
        detection = detect_scheme(candidates, origin_scheme)
        origin_note = (
            f"origin {self.origin!r} suggests {origin_scheme}"
            if origin_scheme
            else f"origin {self.origin!r} names no known tool"
        )
        if dialect == "auto":
            self.project.scheme = detection.scheme
            self.project.scheme_evidence = (
                f"detected {detection.scheme}; {origin_note}; {detection.evidence}"
            )
            confirmed = detection.names_are_text or origin_scheme == detection.scheme
            return detection.scheme, detection.names_are_text, confirmed
        scheme = DIALECT_SCHEMES[dialect]
        against = []
        if origin_scheme and origin_scheme != scheme:
            moved = lands_differently(candidates, scheme, origin_scheme)
            if moved:
                against.append(
                    f"the origin {self.origin!r} counts as {origin_scheme} "
                    f"({moved} selections would hold other text)"
                )
        if detection.scores.get(detection.scheme, ()) > detection.scores.get(scheme, ()):
            against.append(f"the positions fit {detection.scheme} better")
        how = f"set by [qda] dialect = {dialect!r} ({scheme})"
        if against and not self.study.qda.dialect_override:
            raise InputFileError(
                self.label,
                f"dialect = {dialect!r} counts positions as {scheme}, but "
                + " and ".join(against)
                + f" ({detection.evidence}). Importing would shift or cut passages: remove "
                "dialect (auto-detect), or set dialect_override = true if you are sure",
                where="[qda] dialect",
            )
        override = " despite the evidence (dialect_override = true)" if against else ""
        self.project.scheme = scheme
        self.project.scheme_evidence = f"{how}{override}; {origin_note}; {detection.evidence}"
        matched, _, _ = detection.scores.get(scheme, (0, 0, 0))
        named = sum(1 for c in candidates if c.name.strip())
        names_are_text = named > 0 and matched * 2 >= named
        return scheme, names_are_text, not against

    def locate(
        self,
        entry: _TextSource,
        sel: _Selection,
        scheme: str,
        names_are_text: bool,
        confirmed: bool,
    ) -> tuple[tuple[int, int] | None, str | None]:
        text = entry.text
        span = text.locate(scheme, sel.start, sel.end)
        if span is None:
            if sel.start < 0 or sel.end < sel.start:
                return None, "selection positions are negative or reversed"
            return None, (
                f"selection positions are out of range or inside a character when counted as "
                f"{scheme}; not imported"
            )
        found = text.base(scheme)[span[0] : span[1]]
        if names_are_text and sel.name.strip() and not same_text(sel.name, found):
            return None, (
                f"the text at the selection's positions (counted as {scheme}) differs from its "
                "name; not imported rather than shifted"
            )
        unchecked = not (names_are_text and sel.name.strip())
        if unchecked and not confirmed and text.boundary_score(scheme, span) < 2:
            for other in SCHEMES:
                alt = text.locate(other, sel.start, sel.end)
                if other != scheme and alt and text.boundary_score(other, alt) == 2:
                    advice = "check" if self.study.qda.dialect != "auto" else "set"
                    return None, (
                        f"the selection cuts words when counted as {scheme} but not as "
                        f"{other}; {advice} [qda] dialect; not imported rather than shifted"
                    )
        return span, None

    def read_selections(self, texts: list[_TextSource]) -> None:
        scheme, names_are_text, confirmed = self.choose_scheme(texts)
        seen_codings: set[str] = set()
        for entry in texts:
            source = entry.source
            for sel in entry.selections:
                codings = self.children(sel.element, "Coding")
                self.project.read_codings += len(codings)
                if not codings:
                    self.reject(
                        sel.element,
                        f"PlainTextSelection {shown_guid(sel.guid)}",
                        "selection carries no coding; nothing to import",
                    )
                    continue
                if entry.text is None:
                    for coding in codings:
                        self.reject(
                            coding,
                            f"PlainTextSelection {shown_guid(sel.guid)}",
                            entry.problem or "",
                        )
                    continue
                span, problem = self.locate(entry, sel, scheme, names_are_text, confirmed)
                if span is None:
                    for coding in codings:
                        self.reject(
                            coding, f"PlainTextSelection {shown_guid(sel.guid)}", problem or ""
                        )
                    continue
                text = normalise_newlines(entry.text.base(scheme)[span[0] : span[1]]).strip()
                position = entry.text.paragraph(scheme, span[0])
                notes = [
                    self.notes[r.get("targetGUID", "")]
                    for r in [
                        *self.children(sel.element, "NoteRef"),
                        *(n for c in codings for n in self.children(c, "NoteRef")),
                    ]
                    if r.get("targetGUID", "") in self.notes
                ] + self.note_links.get(sel.guid, [])
                cases = list(self.case_selections.get(sel.guid, []))
                paths = []
                parsed = []
                for coding in codings:
                    guid = coding.get("guid", "")
                    target = self.ref(coding, "CodeRef")
                    if guid and guid in seen_codings:
                        self.reject(
                            coding,
                            f"PlainTextSelection {shown_guid(sel.guid)}",
                            "duplicate coding guid; ignored",
                        )
                        continue
                    seen_codings.add(guid)
                    if target in self.case_names and target not in self.codes:
                        cases.append(self.case_names[target])
                        parsed.append((coding, None, True))
                    elif target in self.case_names:
                        cases.append(self.case_names[target])
                        parsed.append((coding, self.codes[target], True))
                    else:
                        path = self.codes.get(target)
                        if path:
                            paths.append(path)
                        parsed.append((coding, path, False))
                for coding, path, structural in parsed:
                    user = coding.get("creatingUser") or sel.user
                    self.project.codings.append(
                        QdaCoding(
                            ref=self.doc.line(coding),
                            element=f"PlainTextSelection {shown_guid(sel.guid)}",
                            source_key=source.key,
                            code=path,
                            coder=self.users.get(user, ""),
                            position=position,
                            text=text,
                            order=(span[0], span[1], path or "", coding.get("guid", "")),
                            cases=sorted(set(cases)),
                            selection_codes=paths,
                            notes=notes,
                            structural=structural,
                        )
                    )
            for coding in entry.whole_codings:
                self.project.read_codings += 1
                target = self.ref(coding, "CodeRef")
                if entry.text is None:
                    self.reject(
                        coding, f"TextSource {shown_guid(source.key)}/Coding", entry.problem or ""
                    )
                    continue
                whole = entry.text.text
                self.project.codings.append(
                    QdaCoding(
                        ref=self.doc.line(coding),
                        element=f"TextSource {shown_guid(source.key)}/Coding",
                        source_key=source.key,
                        code=self.codes.get(target),
                        coder=self.users.get(coding.get("creatingUser", ""), ""),
                        position=1,
                        text=normalise_newlines(whole).strip(),
                        order=(0, len(whole), self.codes.get(target, ""), coding.get("guid", "")),
                        selection_codes=list(source.codes),
                        structural=target in self.case_names,
                    )
                )
        self.join_same_passages()

    def join_same_passages(self) -> None:
        """Selections of one source with the same start and end are one passage:
        QualCoder writes a selection per coding, so a passage coded with a theme
        and with `Case/C01` is two selections (walk 15, decision 0448). Each
        coding sees the codes of the whole passage (`[qda] case = { from =
        "code_folder" }` reads them)."""
        passages: dict[tuple, list[QdaCoding]] = {}
        for coding in self.project.codings:
            if coding.element.startswith("PlainTextSelection"):
                key = (coding.source_key, coding.order[0], coding.order[1])
                passages.setdefault(key, []).append(coding)
        for members in passages.values():
            if len(members) > 1:
                codes = list(dict.fromkeys(c for m in members for c in m.selection_codes))
                for coding in members:
                    coding.selection_codes = codes
