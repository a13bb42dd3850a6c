"""`triangulate validate` hints on a study's own themes (decision 0227): excerpts
that name none of an own theme's words, an own outcome with no `better`. A hint
never fails validation and never quotes an excerpt."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from typer.testing import CliRunner

from flows.cli import app
from flows.nlp.own_hints import own_theme_hints

ROOT = Path(__file__).resolve().parents[1]


def _theme(theme_id, kind="outcome", examples=None, behaviour=None, better="lower", label=""):
    return SimpleNamespace(
        id=theme_id,
        kind=kind,
        examples=examples or {},
        behaviour=behaviour,
        better=better,
        label=label or theme_id.title(),
    )


FALLS = _theme("falls", examples={"falls": ["fall", "fell", "falde", "faldt"]})


def test_excerpts_naming_none_of_an_own_themes_words_get_a_hint_per_language():
    excerpts = [
        ("falls", "en", "Grethe had three falls over the winter."),
        ("falls", "en", "She went down twice in October."),
        ("falls", "en", "He ended up on the floor in the bathroom."),
        ("falls", "en", "Not a single tumble since the summer."),
        ("falls", "da", "Jeg faldt tre gange i vinter."),
    ]
    hints = own_theme_hints([FALLS], excerpts)
    assert [(h.theme_id, h.language) for h in hints] == [("falls", "en")]
    assert "3 of 4 English excerpts" in hints[0].text
    assert "Grethe" not in hints[0].text and "floor" not in hints[0].text


def test_forms_and_lemmas_name_the_theme():
    excerpts = [("falls", "en", f"She {w} again.") for w in ("fell", "falls", "fall")]
    assert own_theme_hints([FALLS], excerpts) == []


def test_scheme_themes_get_no_hint_and_an_own_outcome_without_better_does():
    excerpts = [("physical_activity", "en", "Nothing here names it.")] * 5
    scheme = _theme("physical_activity", better=None)
    assert own_theme_hints([scheme], excerpts) == []
    hints = own_theme_hints([_theme("pain", examples={"p": ["pain"]}, better=None)], [])
    assert len(hints) == 1 and "`better" in hints[0].text


def test_validate_prints_the_hints_and_stays_valid():
    result = CliRunner().invoke(app, ["validate", str(ROOT / "data/eval/studies/blind-4")])
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "hint: own theme 'drinking'" in output and "valid" in output


def test_hints_read_with_the_pipeline_of_the_moment():
    """The shared pipeline may be replaced between runs (`reader_store`); the hints
    read with the one there is then, not one kept from before."""
    from flows.nlp import lexicons, reader

    excerpts = [("falls", "en", f"She went down on the {w}.") for w in ("ice", "stairs", "path")]
    assert len(own_theme_hints([FALLS], excerpts)) == 1
    lexicons.shared_pipeline.cache_clear()  # as `reader_store.fresh_reader` does
    reader._matcher.cache_clear()
    unseen = [(t, lang, text.replace("the", "the qzxv")) for t, lang, text in excerpts]
    assert len(own_theme_hints([FALLS], unseen)) == 1


def test_a_group_read_as_what_helps_is_named_in_a_hint():
    sleep = _theme(
        "nights",
        examples={"sleepless": ["sleepless", "søvnløs"], "sleep": ["sleep", "søvn"]},
        label="Nights without sleep",
    )
    hints = [h for h in own_theme_hints([sleep], []) if "helps" in h.text]
    assert [(h.theme_id, h.language) for h in hints] == [("nights", None)]
    assert "group(s) sleep read as what helps" in hints[0].text
    assert [h for h in own_theme_hints([FALLS], []) if "helps" in h.text] == []
    higher = _theme("nights", examples=sleep.examples, better="higher")
    assert [h for h in own_theme_hints([higher], []) if "helps" in h.text] == []
