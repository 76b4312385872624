"""Languages: the glossary names every metric and parameter in every language, the catalogues translate
every message, the template catalogue is up to date with the code, and languages behave as documented."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from credsup.core.discovery import discover
from credsup.core.errors import InputError
from credsup.i18n import LANGUAGES, glossary, language

ROOT = Path(__file__).parents[1]
POT = ROOT / "i18n" / "locale" / "credsup.pot"


def _catalog(path: Path):  # type: ignore[no-untyped-def]
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        return read_po(fh)


def test_every_metric_has_names_units_definitions_in_every_language() -> None:
    from credsup.simulation.metrics import METRIC_INFO, METRICS

    metrics = glossary()["metrics"]
    assert set(METRICS) <= set(metrics)
    for key in METRICS:
        for code in LANGUAGES:
            text = metrics[key][code]
            assert text["name"] and text["unit"] and text["definition"], (key, code)
        # the English names are those `credsup run` prints, so the two cannot drift apart
        assert (metrics[key]["en"]["name"], metrics[key]["en"]["unit"]) == METRIC_INFO[key]


def test_every_parameter_of_every_shipped_jurisdiction_has_a_chinese_name() -> None:
    parts = glossary()["parameters"]
    missing = set()
    for info in discover():
        if info.status != "ok" or info.distribution != "credsup":
            continue
        from credsup.core.jurisdiction import load_jurisdiction

        for path in load_jurisdiction(info.name).parameters():
            missing |= {p for p in path.split(".") if p not in parts}
    assert not missing, f"add these to i18n/glossary.toml [parameters]: {sorted(missing)}"
    zh = language("zh")
    assert zh.parameter("inspection.rate_per_year.D") == "检查 › 每年抽查比例 › D"
    assert language().parameter("inspection.rate_per_year.D") == "inspection › rate per year › D"
    assert zh.parameter("brand_new.key") == "brand new › key"  # unknown parts stay readable


def test_policy_terms_are_the_seeds_chinese_terms() -> None:
    zh = language("zh")
    assert zh.name("terms", "credit_commitment") == "信用承诺"
    assert zh.name("terms", "classified_supervision") == "信用分级分类监管"
    assert zh.name("terms", "double_random") == "双随机、一公开"
    assert "容错" in zh.name("terms", "tolerance")
    assert zh.name("terms", "credit_repair") == "信用修复"
    assert zh.name("grades", "no_grades") == "不分级"


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != "en"])
def test_catalogue_translates_every_message(code: str) -> None:
    po = _catalog(ROOT / "i18n" / "locale" / code / "LC_MESSAGES" / "credsup.po")
    pot_ids = {m.id for m in _catalog(POT) if m.id}
    po_ids = {m.id for m in po if m.id}
    assert pot_ids == po_ids, "run pybabel update (docs/results.md, Languages)"
    for m in po:
        if not m.id:
            continue
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        assert all(strings) and not m.fuzzy, m.id
        # every placeholder of the English message is in the translation, and no other
        import string as _s

        fields = {f for _t, f, _s2, _c in _s.Formatter().parse(m.id if isinstance(m.id, str) else m.id[0]) if f}
        for text in strings:
            assert {f for _t, f, _s2, _c in _s.Formatter().parse(text) if f} == fields, m.id


@pytest.mark.slow
def test_template_catalogue_is_up_to_date_with_the_code(tmp_path: Path) -> None:
    out = tmp_path / "fresh.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "i18n/babel.cfg",
            "--no-location",
            "--sort-output",
            "-o",
            str(out),
            "results",
            "cli",
            "i18n",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    fresh = {m.id for m in _catalog(out) if m.id}
    shipped = {m.id for m in _catalog(POT) if m.id}
    assert fresh == shipped, "run pybabel extract (docs/results.md, Languages)"


def test_languages_translate_and_unknown_codes_are_refused() -> None:
    zh = language("zh")
    assert zh.gettext("Baseline") == "基准"
    assert zh.ngettext("No clear difference on {n} other key outcome ({names}).", "x", 3).startswith("另有")
    assert language().gettext("Baseline") == "Baseline"
    assert zh.join(["a", "b", "c"]) == "a、b和c" and language().join(["a", "b", "c"]) == "a, b and c"
    with pytest.raises(InputError, match=r"--lang fr: no such language \(available: en \(English\), zh"):
        language("fr")
