"""What the reports say: effort, intervals inside a metric's range, multiple comparisons, the conclusion in
words, the parameters that differ, "no grades", escaping, plugin sections, restyling, the sweep page.

Oracles are independent of the code under test: scipy.stats for t tests, a Benjamini-Hochberg procedure
written out here, data made up with known differences (reports_data.py), and coverage measured by
simulation."""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from credsup.cli.main import cli
from credsup.i18n import language
from credsup.results.store import load_experiment

sys.path.insert(0, str(Path(__file__).parent))
from reports_data import PROFILES, XSS, store_compare, store_sweep


def db(tmp_path: Path, name: str = "r.db") -> str:
    return f"sqlite:///{tmp_path / name}"


# -- statistics ------------------------------------------------------------------------------------------


def test_share_intervals_stay_in_range_and_lose_no_coverage() -> None:
    """Two replications of a share near 0: the t interval often reaches below 0; cut to [0, 1] it never
    does, and it covers the true mean in exactly the draws where the uncut interval does."""
    from credsup.results.stats import mean_ci

    rng = np.random.default_rng(11)
    true, trials = 0.01, 4000
    crossed = raw_covered = covered = 0
    for _ in range(trials):
        x = rng.binomial(200, true, size=2) / 200  # each replication's share of 200 enterprise-months
        raw = mean_ci(x)
        e = mean_ci(x, bounds=(0.0, 1.0))
        assert e.mean == raw.mean and e.clipped == (raw.low < 0 or raw.high > 1)
        crossed += raw.low < 0
        assert 0.0 <= e.low <= e.high <= 1.0
        raw_covered += raw.low <= true <= raw.high
        covered += e.low <= true <= e.high
    assert crossed > trials * 0.2  # the problem is real at this size
    assert covered == raw_covered


def test_paired_p_values_match_scipy_and_fdr_matches_benjamini_hochberg() -> None:
    from scipy import stats as st

    from credsup.results.stats import fdr_adjust, paired_difference

    rng = np.random.default_rng(5)
    ps = []
    for shift in (0.0, 0.1, 0.5, 1.0, 0.02):
        a = rng.normal(0, 1, 6)
        b = a + shift + rng.normal(0, 0.3, 6)
        d = paired_difference(b, a)
        assert d.p == pytest.approx(st.ttest_rel(b, a).pvalue, rel=1e-9)
        ps.append(d.p)
    # Benjamini-Hochberg written out: sort, scale by m/rank, take the running minimum from the top
    order = np.argsort(ps)
    m = len(ps)
    scaled = np.array(ps)[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1].clip(max=1)
    expected = np.empty(m)
    expected[order] = adjusted
    assert fdr_adjust(ps) == pytest.approx(list(expected))
    assert fdr_adjust([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert math.isnan(fdr_adjust([math.nan, 0.01])[0])


# -- the comparison table and conclusion ------------------------------------------------------------------


def test_effort_rows_measure_inspections_per_1000_enterprises_per_year(tmp_path: Path) -> None:
    from credsup.results.table import comparison

    engine, exp = store_compare(db(tmp_path), sources=True)
    table = comparison(load_experiment(engine, exp))
    rows = {r["key"]: r for r in table["effort"]}
    # order: inspections, then its sources, then visits, then utilisation
    assert [r["key"] for r in table["effort"]] == [
        "inspections",
        "inspections.complaint",
        "inspections.spot",
        "visits",
        "inspector_utilisation",
    ]
    for j, p in PROFILES.items():
        # monthly inspections x 12 months / (1000 enterprises x 1 year) x 1000
        assert rows["inspections"]["values"][j].mean == pytest.approx(p["inspections"] * 12, rel=0.02)
        assert rows["visits"]["values"][j].mean == pytest.approx(1.5 * p["inspections"] * 12, rel=0.02)
    assert rows["inspections.spot"]["source"] == "spot"
    assert rows["inspections.spot"]["label"] == "random spot checks"
    assert rows["inspections"]["relative"]["shanghai"] == pytest.approx(250 / 120 - 1, rel=0.03)


def test_conclusion_says_what_is_better_worse_and_that_effort_differs(tmp_path: Path) -> None:
    from credsup.results.conclusion import conclusion
    from credsup.results.table import comparison

    engine, exp = store_compare(db(tmp_path))
    text = conclusion(comparison(load_experiment(engine, exp)))
    shanghai = next(p for p in text if p.startswith("shanghai against traditional:"))
    better, worse = shanghai.split("but worse on")
    assert "violation prevalence (-24 %)" in better and "undetected exposure" in better
    assert "hit rate" in worse and "compliant burden" in worse
    assert "more inspections than traditional" in shanghai
    assert any(p.startswith("Effort is not equal:") for p in text)
    assert text[-1].startswith("How sure: 5 replications")
    assert "lowest violation prevalence" in text[0] and "shanghai" in text[0]


def test_equal_effort_and_no_difference_are_said_plainly(tmp_path: Path) -> None:
    from credsup.results.conclusion import conclusion
    from credsup.results.table import comparison

    twin = {**PROFILES["national"], "params": {}}
    engine, exp = store_compare(
        db(tmp_path), ("national", "twin"), profiles={"national": PROFILES["national"], "twin": twin}
    )
    text = conclusion(comparison(load_experiment(engine, exp)))
    assert not any(p.startswith("Who does best") for p in text)  # twins: nobody is clearly ahead
    assert "twin against national: no clear difference on any key outcome." in text[0]
    assert "about as many inspections as national" in text[0]
    assert any(p.startswith("Effort is about equal:") for p in text)


def test_few_replications_warn_in_table_report_and_conclusion(tmp_path: Path) -> None:
    from credsup.results.conclusion import conclusion
    from credsup.results.report import render_report
    from credsup.results.table import comparison, render_text

    engine, exp = store_compare(db(tmp_path), replications=3)
    results = load_experiment(engine, exp)
    table = comparison(results)
    assert table["small"]
    assert "Warning: only 3 replication(s)" in render_text(table)
    assert "--replications 5" in conclusion(table)[-1]
    page = render_report(results)
    assert 'class="warning"' in page and "Only 3 replication(s)" in page
    engine, exp = store_compare(db(tmp_path, "five.db"), replications=5)
    assert 'class="warning"' not in render_report(load_experiment(engine, exp))


def test_clear_means_fdr_adjusted_and_matches_the_stars(tmp_path: Path) -> None:
    from scipy import stats as st

    from credsup.results.table import FDR, comparison

    engine, exp = store_compare(db(tmp_path))
    results = load_experiment(engine, exp)
    table = comparison(results)
    ps, cells = [], []
    for row in table["metrics"]:
        base = results.summary[(0, "traditional")][row["metric"]]
        for j in ("national", "shanghai"):
            ps.append(st.ttest_rel(results.summary[(0, j)][row["metric"]], base).pvalue)
            cells.append((row, j))
    q = st.false_discovery_control(ps)
    for (row, j), qj in zip(cells, q):
        assert row["q"][j] == pytest.approx(qj)
        assert row["clear"][j] == (qj < FDR)
    assert table["tests"] == len(ps)


def test_the_best_is_named_only_when_clearly_ahead_of_the_next_best(tmp_path: Path) -> None:
    from scipy import stats as st

    from credsup.results.table import FDR, comparison

    engine, exp = store_compare(db(tmp_path))
    results = load_experiment(engine, exp)
    table = comparison(results)
    rows = [r for r in table["metrics"] if r["better"]]
    ps = []
    for row in rows:
        means = {j: float(np.mean(results.summary[(0, j)][row["metric"]])) for j in table["jurisdictions"]}
        ranked = sorted(means, key=means.get, reverse=row["better"] == "higher")
        assert (row["leader"]["jurisdiction"], row["leader"]["runner_up"]) == tuple(ranked[:2])
        best, second = (results.summary[(0, j)][row["metric"]] for j in ranked[:2])
        ps.append(st.ttest_rel(best, second).pvalue)
    for row, q in zip(rows, st.false_discovery_control(ps)):
        assert row["leader"]["q"] == pytest.approx(q) and row["leader"]["clear"] == (q < FDR)
    prevalence = next(r for r in rows if r["metric"] == "violation_prevalence")
    assert prevalence["leader"]["jurisdiction"] == "shanghai" and prevalence["leader"]["clear"]


# -- the compare report ------------------------------------------------------------------------------------


def test_report_first_screen_is_the_conclusion_and_the_page_is_complete(tmp_path: Path) -> None:
    from credsup.results.output import write_outputs

    engine, exp = store_compare(db(tmp_path))
    page = write_outputs(load_experiment(engine, exp), tmp_path / "out").read_text()
    order = [page.index(f'id="{s}"') for s in ("conclusion", "effort", "comparison", "parameters", "definitions")]
    assert order == sorted(order)
    conclusion = page[page.index('id="conclusion"') : page.index("</section>", page.index('id="conclusion"'))]
    assert "shanghai against traditional:" in conclusion and "more inspections" in conclusion
    assert "Effort is not equal:" in conclusion and "How sure:" in conclusion
    # self-contained: definitions inside, images embedded, nothing fetched
    assert "Detections divided by inspections" in page and "docs/metrics.md" not in page
    assert page.count('src="data:image/png;base64,') == 6
    assert "http://" not in page and "https://" not in page
    assert "Benjamini-Hochberg" in page and "12 paired tests" in page


def test_parameters_that_differ_from_national_with_sources_and_assumptions(tmp_path: Path) -> None:
    from credsup.i18n import language
    from credsup.results.parameters import differences

    engine, exp = store_compare(db(tmp_path))
    data = differences(load_experiment(engine, exp).experiment, language())
    assert data["origin"] == "experiment"
    shanghai = next(j for j in data["jurisdictions"] if j["name"] == "shanghai")
    assert {r["path"] for r in shanghai["rows"]} == {"inspection.rate_per_year.B", "sandbox.years"}
    rate = next(r for r in shanghai["rows"] if r["path"] == "inspection.rate_per_year.B")
    assert rate["value"] == "0.08" and rate["reference"] == "0.05" and rate["assumption"]
    assert rate["name"] == "inspection › rate per year › B"
    assert shanghai["assumptions"] == 1 and shanghai["total"] == 3
    # without national in the experiment, the installed plugin's values are the reference
    engine, exp = store_compare(db(tmp_path, "b.db"), ("traditional", "shanghai"))
    data = differences(load_experiment(engine, exp).experiment, language())
    assert data["origin"] == "installed"


def test_a_jurisdiction_without_grades_is_shown_as_no_grades(tmp_path: Path) -> None:
    from credsup.results.plots import by_grade, grade_shares
    from credsup.results.table import comparison

    engine, exp = store_compare(db(tmp_path))
    results = load_experiment(engine, exp)
    lang = language()
    table = comparison(results, lang=lang)
    assert table["graded"] == {"traditional": False, "national": True, "shanghai": True}
    fig = by_grade(results, 0, lang, table)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks == ["A", "B", "C", "D", "no grades"]  # no empty "ungraded"; traditional apart
    from matplotlib.container import BarContainer

    bars = [c for c in fig.axes[0].containers if isinstance(c, BarContainer)]
    assert len(bars) == 3  # one set per jurisdiction
    # traditional: one bar, centred on "no grades" (tick 4); national: one under each grade
    assert len(bars[0]) == 1 and bars[0][0].get_x() + bars[0][0].get_width() / 2 == pytest.approx(4)
    assert len(bars[1]) == 4 and max(b.get_x() + b.get_width() for b in bars[1]) < 3.5
    shares = grade_shares(results, 0, lang, table)
    assert [ax.get_title() for ax in shares.axes] == ["national", "shanghai"]
    assert [t.get_text() for t in shares.legends[0].get_texts()] == ["A", "B", "C", "D"]


def test_user_strings_are_escaped(tmp_path: Path) -> None:
    from credsup.results.report import render_report

    engine, exp = store_compare(db(tmp_path))
    page = render_report(load_experiment(engine, exp))
    assert "<script" not in page
    assert "District &lt;script&gt;window.__credsup_xss = 1&lt;/script&gt;" in page
    assert "a &lt;script&gt;" in page  # a parameter source


def test_plugin_sections_escaped_unless_trusted_and_broken_ones_named(tmp_path: Path) -> None:
    from markupsafe import escape

    from credsup.results.report import render_report
    from credsup.results.sections import Section, hookimpl

    class Budget:
        @hookimpl
        def credsup_report_sections(self, page, results, lang):
            assert page == "compare"
            return [
                Section(id="budget", title="Budget", body="<b>raw</b> text"),
                Section(id="chart", title="Chart", body=f"<p class='mine'>{escape(XSS)}</p>", trusted=True),
            ]

    class Broken:
        @hookimpl
        def credsup_report_sections(self, page, results, lang):
            raise RuntimeError("no budget data")

    engine, exp = store_compare(db(tmp_path))
    page = render_report(load_experiment(engine, exp), sections=[Budget(), Broken()])
    assert '<section id="plugin-budget"' in page and "&lt;b&gt;raw&lt;/b&gt; text" in page
    assert "<p class='mine'>&lt;script&gt;" in page
    assert "raised RuntimeError: no budget data" in page and 'id="notes"' in page


def test_templates_folder_restyles_the_report(tmp_path: Path) -> None:
    engine, exp = store_compare(db(tmp_path))
    style = tmp_path / "style"
    style.mkdir()
    (style / "report.css").write_text("body { background: #123456; }")
    out = CliRunner().invoke(
        cli,
        [
            "results",
            "report",
            str(exp),
            "--db",
            str(engine.url),
            "--out",
            str(tmp_path / "o"),
            "--templates",
            str(style),
        ],
    )
    assert out.exit_code == 0, out.output
    page = (tmp_path / "o" / "report.html").read_text()
    assert "#123456" in page and "--accent" not in page
    missing = CliRunner().invoke(cli, ["results", "report", str(exp), "--db", str(engine.url), "--templates", "/nope"])
    assert missing.exit_code == 1 and "template folder /nope does not exist" in missing.stderr


# -- Chinese -------------------------------------------------------------------------------------------------


def test_chinese_table_report_and_conclusion(tmp_path: Path) -> None:
    from credsup.results.output import write_outputs
    from credsup.results.table import comparison, render_text

    engine, exp = store_compare(db(tmp_path))
    results = load_experiment(engine, exp)
    zh = language("zh")
    text = render_text(comparison(results, lang=zh), zh)
    assert "上海对比传统监管：" in text and "违法发生率（-24%）" in text and "监管投入并不相等" in text
    assert "对比传统监管" in text and "越低越好" in text
    page = write_outputs(results, tmp_path / "zh", lang=zh).read_text()
    assert '<html lang="zh-Hans">' in page and "结论摘要" in page and "检查命中率" in page
    shown = CliRunner().invoke(cli, ["results", "show", str(exp), "--db", str(engine.url), "--lang", "zh"])
    assert shown.exit_code == 0 and "文字结论" in shown.output


def test_chinese_plots_draw_every_glyph(tmp_path: Path) -> None:
    """Warnings as errors: a missing glyph ("Glyph ... missing from font") fails the test."""
    import warnings

    from credsup.results.plots import figures, save_figures
    from credsup.results.sweep_plots import sweep_figures

    engine, exp = store_compare(db(tmp_path))
    zh = language("zh")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        save_figures(figures(load_experiment(engine, exp), 0, zh), tmp_path / "p", ("png",), zh)
        engine, exp = store_sweep(db(tmp_path, "s.db"), design="sobol")
        save_figures(sweep_figures(load_experiment(engine, exp), zh), tmp_path / "s", ("png",), zh)


def test_no_cjk_font_is_one_clear_line_before_anything_runs(tmp_path: Path, monkeypatch) -> None:
    from credsup.core.errors import InputError
    from credsup.results import fonts

    def none() -> str:
        raise InputError(fonts.INSTALL_HINT)

    monkeypatch.setattr(fonts, "cjk_family", none)
    out = CliRunner().invoke(
        cli,
        [
            "compare",
            "-s",
            "demo",
            "-j",
            "national",
            "-r",
            "1",
            "--lang",
            "zh",
            "--out",
            str(tmp_path / "o"),
            "--db",
            str(tmp_path / "x.db"),
        ],
    )
    assert out.exit_code == 1
    assert out.stderr.strip().splitlines() == [f"Error: {fonts.INSTALL_HINT}"]
    assert "apt install fonts-noto-cjk" in out.stderr
    assert (
        not (tmp_path / "x.db").exists()
        or "compare" not in CliRunner().invoke(cli, ["results", "list", "--db", str(tmp_path / "x.db")]).output
    )


def test_font_finder_finds_a_font_with_the_glyphs(monkeypatch) -> None:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    from credsup.results import fonts

    fonts.cjk_family.cache_clear()
    family = fonts.cjk_family()
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    charmap = FT2Font(path).get_charmap()
    assert all(ord(c) in charmap for c in "信用分级分类双随机一公开容错修复")


def test_unknown_language_is_refused(tmp_path: Path) -> None:
    out = CliRunner().invoke(cli, ["results", "show", "1", "--db", str(tmp_path / "x.db"), "--lang", "fr"])
    assert out.exit_code == 2 and "'fr' is not one of 'en', 'zh'" in out.output


# -- the sweep page ----------------------------------------------------------------------------------------


def test_sweep_page_for_a_grid(tmp_path: Path) -> None:
    from credsup.results.sweep_plots import write_sweep_outputs

    engine, exp = store_sweep(db(tmp_path))
    written = write_sweep_outputs(load_experiment(engine, exp), tmp_path / "s")
    page = written["report.html"].read_text()
    assert "plots/heatmaps.png" in written and 'id="plot-heatmaps"' in page and 'id="plot-response"' in page
    assert "credsup sweep t.toml --seed 5" in page  # reproduce
    assert "scenario.regulator.inspectors" in page and "3, 6, 12" in page  # the spec
    assert "Sweep &lt;script&gt;" in page and "<script" not in page
    assert "2 replications per point" in page  # below 5: said
    assert 'id="sobol"' not in page


def test_sweep_page_for_a_sobol_design_and_the_cli(tmp_path: Path) -> None:
    engine, exp = store_sweep(db(tmp_path), design="sobol", replications=1)
    out = CliRunner().invoke(
        cli, ["results", "report", str(exp), "--db", str(engine.url), "--out", str(tmp_path / "s"), "--lang", "zh"]
    )
    assert out.exit_code == 0, out.output
    page = (tmp_path / "s" / "report.html").read_text()
    assert 'id="sobol"' in page and 'id="indices"' in page and "如何解读" in page
    assert re.search(r"<td>-?\d\.\d\d ± \d\.\d\d</td>", page)
    assert "热力图仅适用于恰好两个参数的网格设计" in page  # no heatmap for a Sobol' design, and it says why


def test_section_plugins_come_from_their_entry_point_group_and_a_broken_one_is_named(monkeypatch) -> None:
    import types

    from credsup.i18n import language
    from credsup.results import sections

    good = types.ModuleType("good_sections")

    @sections.hookimpl
    def credsup_report_sections(page, results, lang):
        return sections.Section(id="good", title="Good", body="from an entry point")

    good.credsup_report_sections = credsup_report_sections  # type: ignore[attr-defined]

    class EP:
        def __init__(self, name: str, target: object) -> None:
            self.name, self.target = name, target

        def load(self) -> object:
            if isinstance(self.target, Exception):
                raise self.target
            return self.target

    calls = []

    def fake_entry_points(group: str):  # type: ignore[no-untyped-def]
        calls.append(group)
        return [EP("good", good), EP("broken", ImportError("no module named budget")), EP("off", good)]

    monkeypatch.setattr(sections, "entry_points", fake_entry_points)
    monkeypatch.setenv("CREDSUP_DISABLE_PLUGINS", "off")
    found, problems = sections.collect("compare", None, language())  # type: ignore[arg-type]
    assert calls == ["credsup.report_sections"]
    assert [s.id for s in found] == ["good"]
    assert problems == ["report section plugin 'broken' did not load: ImportError: no module named budget"]
