"""Any number of layers: a county on a region on national, in one plugin manager, with pluggy's meaning of
firstresult, tryfirst, trylast and wrappers; the layer that answers is credited; configs follow the chain;
a bad chain is one line naming the file."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from credsup.core import (
    ConfigError,
    EnterpriseBatch,
    HookError,
    HookResultError,
    PluginLoadError,
    load_jurisdiction,
)
from credsup.core.discovery import discover

TODAY = dt.date(2026, 1, 1)
BATCH = EnterpriseBatch.build(3, grade=[0, 1, 3], listed=[False, False, True])

REGION = """
@hookimpl
def credsup_grade(batch, params, today):
    return np.full(len(batch), 1, dtype=np.int8)   # region: everyone B

@hookimpl
def credsup_complaint_intensity(batch, params, today):
    return np.full(len(batch), 2.0)
"""


def config(name: str, parent: str | None, extra: str = "") -> str:
    inherits = f'inherits = "{parent}"\n' if parent else ""
    return f'jurisdiction = "{name}"\ntitle = "{name}"\n{inherits}{extra}'


def three_layers(plugin_dist, county_body: str, region_body: str = REGION) -> None:
    plugin_dist("region", region_body, config=config("region", "national"), module="credsup_test_region_layer")
    plugin_dist("county", county_body, config=config("county", "region"))


def test_a_county_falls_through_its_region_to_national(plugin_dist) -> None:
    three_layers(
        plugin_dist,
        """
@hookimpl
def credsup_grade(batch, params, today):
    return None   # the county leaves grading to its region
""",
    )
    j = load_jurisdiction("county")
    assert j.layers == ("national", "region", "county")
    assert j.grade(BATCH, TODAY).tolist() == [1, 1, 1]  # the region's answer
    assert j.call_unchecked("credsup_grade", batch=BATCH, today=TODAY)[0] == "region"
    assert j.complaint_intensity(BATCH, TODAY).tolist() == [2.0] * 3
    assert j.answered_by("credsup_tolerance") == "national"
    assert j.describe()["hooks"]["credsup_complaint_intensity"] == "region"
    info = {i.name: i for i in discover()}["county"]
    assert info.inherits == "region" and info.as_dict()["inherits"] == "region"


def test_tryfirst_in_a_parent_answers_before_its_child_and_trylast_after_everyone(plugin_dist) -> None:
    region = (
        REGION
        + """
@hookimpl(tryfirst=True)
def credsup_complaint_verification(batch, params, today):
    return np.full(len(batch), 0.25)   # the region insists, whatever its counties say
"""
    )
    three_layers(
        plugin_dist,
        """
@hookimpl
def credsup_complaint_verification(batch, params, today):
    return np.full(len(batch), 0.75)

@hookimpl(trylast=True)
def credsup_grade(batch, params, today):
    return np.full(len(batch), 3, dtype=np.int8)   # after national, which always answers: never used
""",
        region,
    )
    j = load_jurisdiction("county")
    assert j.complaint_verification(BATCH, TODAY).tolist() == [0.25] * 3
    assert j.answered_by("credsup_complaint_verification") == "region"
    assert j.grade(BATCH, TODAY).tolist() == [1, 1, 1]
    assert j._call_order("credsup_grade") == ["region", "national", "county"]


def test_a_wrapper_changes_the_answer_of_the_layers_below_and_is_credited(plugin_dist) -> None:
    three_layers(
        plugin_dist,
        """
@hookimpl(wrapper=True)
def credsup_complaint_intensity(batch, params, today):
    intensity = yield
    return intensity * 3.0

@hookimpl(wrapper=True)
def credsup_grade(batch, params, today):
    return (yield)   # looks, changes nothing
""",
    )
    j = load_jurisdiction("county")
    assert j.complaint_intensity(BATCH, TODAY).tolist() == [6.0] * 3  # the region's 2.0, tripled
    assert j.call_unchecked("credsup_complaint_intensity", batch=BATCH, today=TODAY)[0] == "county"
    assert j.call_unchecked("credsup_grade", batch=BATCH, today=TODAY)[0] == "region"


def test_a_wrapper_that_breaks_the_result_is_named(plugin_dist) -> None:
    three_layers(
        plugin_dist,
        """
@hookimpl(wrapper=True)
def credsup_complaint_intensity(batch, params, today):
    intensity = yield
    return intensity * 100.0   # 200: above the contract's 100
""",
    )
    with pytest.raises(
        HookResultError, match=r"plugin 'county', hook credsup_complaint_intensity: multiplier: value 200"
    ):
        load_jurisdiction("county").complaint_intensity(BATCH, TODAY)


def test_an_error_names_the_layer_that_raised(plugin_dist) -> None:
    three_layers(plugin_dist, "", REGION + "\n@hookimpl\ndef credsup_demonstration(batch, params, today):\n    1 / 0\n")
    with pytest.raises(HookError, match="plugin 'region', hook credsup_demonstration: raised ZeroDivisionError"):
        load_jurisdiction("county").demonstration(BATCH, TODAY)


def test_an_old_style_hookwrapper_is_refused_with_what_to_write(plugin_dist) -> None:
    plugin_dist(
        "oldstyle",
        """
@hookimpl(hookwrapper=True)
def credsup_grade(batch, params, today):
    outcome = yield
""",
    )
    with pytest.raises(PluginLoadError, match=r"credsup_grade: old-style hookwrapper=True is not supported; write "):
        load_jurisdiction("oldstyle")


def test_a_plugin_inheriting_shanghai_gets_every_parameter_of_the_chain(plugin_dist) -> None:
    """One level of `inherits` used to be followed: a plugin on shanghai lacked national's sections."""
    plugin_dist(
        "district",
        "from credsup.plugins.shanghai import ShanghaiParams\nPARAMS_CLASS = ShanghaiParams\n",
        config=config(
            "district",
            "shanghai",
            '[whistleblower]\ncomplaint_multiplier = { value = 2.0, source = "assumption: a test district" }\n',
        ),
    )
    j = load_jurisdiction("district")
    assert j.params.whistleblower.complaint_multiplier == 2.0  # its own
    assert j.params.key_supervision.coverage_months == 12  # shanghai's
    assert j.params.grading.cuts.C == 14.0704  # national's (calibrated)
    assert j.sources["whistleblower.complaint_multiplier"] == "assumption: a test district"
    assert j.sources["grading.cuts.C"].startswith("calibrated to dandong-2023")
    assert [f.rsplit("/", 1)[-1] for f in j.config.files] == ["config.toml", "shanghai.toml", "national.toml"]


@pytest.mark.parametrize(
    ("parents", "message"),
    [
        ({"a": "b", "b": "a"}, "inherits: cycle of layers: a -> b -> a"),
        ({"a": "a"}, "inherits: cycle of layers: a -> a"),
        ({"a": "shanghia"}, "inherits: 'shanghia' is not an installed jurisdiction (did you mean 'shanghai'?)"),
    ],
)
def test_a_bad_chain_is_one_line_naming_the_file(plugin_dist, parents: dict[str, str], message: str) -> None:
    for name, parent in parents.items():
        plugin_dist(name, "", config=config(name, parent))
    with pytest.raises(ConfigError) as err:
        load_jurisdiction("a")
    text = str(err.value)
    assert "\n" not in text and text.endswith(message) and "config.toml: inherits" in text


def test_a_config_file_cannot_change_the_chain(plugin_dist, tmp_path) -> None:
    other = tmp_path / "other.toml"
    other.write_text(config("shanghai", "dalian"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"other.toml: inherits: 'dalian' is not the layer 'shanghai' builds on"):
        load_jurisdiction("shanghai", config=other)


# ------------------------------------------------------------------------------------- dated values


def national_with(tmp_path, old: str, new: str):
    from credsup.plugins import national

    text = national.DEFAULT_CONFIG.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "national.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


RATE_D = (
    'D = { value = 1.0, source = "Bayannur 2022: C and D 100%; Lindian 2024: D 61-100% (SAMR 2022: D raised sharply)" }'
)


def test_a_dated_value_is_in_force_from_its_date_and_hooks_get_it(tmp_path) -> None:
    path = national_with(
        tmp_path,
        RATE_D,
        'D = [{ value = 0.4, source = "assumption: before" }, { since = 2026-03-01, value = 0.8, source = "assumption: after" }]',
    )
    j = load_jurisdiction("national", config=path)
    d = EnterpriseBatch.build(1, grade=[3])
    from credsup.core import Period

    feb, mar = Period.parse("2026-02"), Period.parse("2026-03")
    assert j.inspection_probability(d, feb).chance[0] == pytest.approx(0.4)  # a yearly share
    assert j.inspection_probability(d, mar).chance[0] == pytest.approx(0.8)
    assert j.params_at(dt.date(2026, 2, 28)).inspection.rate_per_year.D == 0.4
    assert j.params_at(dt.date(2026, 3, 1)).inspection.rate_per_year.D == 0.8
    assert j.params.inspection.rate_per_year.D == 0.8  # the latest
    assert (
        load_jurisdiction("national", config=path, as_of=dt.date(2026, 1, 1)).params.inspection.rate_per_year.D == 0.4
    )
    p = j.parameters()["inspection.rate_per_year.D"]
    assert p["dated"] == [
        {"since": None, "value": 0.4, "source": "assumption: before"},
        {"since": "2026-03-01", "value": 0.8, "source": "assumption: after"},
    ]


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (
            'D = [{ since = 2026-03-01, value = 2.0, source = "assumption: after" }]',
            "inspection.rate_per_year.D: no value before 2026-03-01: give its first value without `since`",
        ),
        (
            'D = [{ value = 1.0, source = "assumption: a" }, { since = 2026-03-01, value = 2.0, source = "assumption: b" }, '
            '{ since = 2026-01-01, value = 3.0, source = "assumption: c" }]',
            "inspection.rate_per_year.D[2].since: 2026-01-01 is not after 2026-03-01: list the values by date",
        ),
        (
            'D = [{ value = 1.0, source = "assumption: a" }, { since = 2026-03-01, value = 2.0 }]',
            "inspection.rate_per_year.D[1]: missing source",
        ),
        (
            'D = [{ value = 1.0, source = "assumption: a" }, { since = 2026-03-01, value = 20.0, source = "assumption: b" }]',
            "inspection.rate_per_year.D: must be <= 1 (got 20) (the values in force from 2026-03-01)",
        ),
    ],
)
def test_a_bad_dated_value_names_the_file_key_and_date(tmp_path, new: str, message: str) -> None:
    path = national_with(tmp_path, RATE_D, new)
    with pytest.raises(ConfigError) as err:
        load_jurisdiction("national", config=path)
    assert message in str(err.value) and str(path) in str(err.value), str(err.value)


def test_a_run_refuses_a_schedule_that_changes_inside_it(tmp_path) -> None:
    path = national_with(
        tmp_path,
        'complaint_days = { value = 21, source = "assumption: about 15 working days, the time SAMR\'s penalty procedure rules give to check a lead from a complaint" }',
        'complaint_days = [{ value = 21, source = "assumption: the old limit" }, '
        '{ since = 2026-06-01, value = 10, source = "assumption: the new limit" }]',
    )
    j = load_jurisdiction("national", config=path)
    assert j.schedule_during(dt.date(2026, 6, 1), dt.date(2027, 1, 1)).complaint_days == 10
    with pytest.raises(ConfigError, match=r"schedule.complaint_days: changes on 2026-06-01, inside this run"):
        j.schedule_during(dt.date(2026, 1, 1), dt.date(2027, 1, 1))


# ------------------------------------------------------------------------------------------ reforms


def test_a_reform_changes_parameters_from_its_date_with_its_sources(tmp_path) -> None:
    reform = tmp_path / "later-d.toml"
    reform.write_text(
        'reform = "later-d"\n[inspection.rate_per_year]\n'
        'D = [{ since = 2027-01-01, value = 0.5, source = "assumption: a reform" }]\n',
        encoding="utf-8",
    )
    j = load_jurisdiction(f"national+{reform}")
    assert j.name == f"national+{reform}" and str(reform) in j.config.files
    assert j.params_at(dt.date(2026, 12, 31)).inspection.rate_per_year.D == 1.0  # national's, before
    assert j.params_at(dt.date(2027, 1, 1)).inspection.rate_per_year.D == 0.5
    assert j.parameters()["inspection.rate_per_year.D"]["source"] == "assumption: a reform"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'reform = "x"\n[inspection]\nrate = { value = 1, source = "assumption: typo" }\n',
            "x.toml: inspection.rate: unknown key",
        ),
        (
            'reform = "x"\napplies_to = ["dalian"]\n',
            "x.toml: applies_to: this reform applies to dalian, not to 'shanghai'",
        ),
        (
            'reform = "x"\n[social]\ncomplaint_multiplier = { value = -1.0, source = "assumption: bad" }\n',
            "complaint_multiplier: must be >= 0",
        ),
    ],
)
def test_a_bad_reform_is_reported_like_a_config(tmp_path, text: str, message: str) -> None:
    reform = tmp_path / "x.toml"
    reform.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_jurisdiction(f"shanghai+{reform}")
    assert message in str(err.value), str(err.value)


def test_the_name_grammar_reports_unknown_reforms_and_empty_parts() -> None:
    from credsup.core import InputError

    with pytest.raises(InputError, match="unknown reform 'nope': not in configs/reforms .built-in: minor-unpublished"):
        load_jurisdiction("national+nope")
    with pytest.raises(InputError, match="expected NAME or NAME\\+REFORM"):
        load_jurisdiction("national+")


def test_the_shipped_reforms_load_on_every_jurisdiction_they_apply_to() -> None:
    from credsup.core.reforms import builtin_reforms

    for reform in builtin_reforms():
        j = load_jurisdiction(f"national+{reform}")
        own = [k for k, p in j.parameters().items() if "configs/reforms" not in (p["source"] or "")]
        assert own and all(p["source"] for p in j.parameters().values())
    g = load_jurisdiction("shanghai+quarterly-grading")
    assert g.schedule.grading_months == 3 and g.schedule.joint_visits is True  # the reform's, and shanghai's


def test_overrides_apply_on_top_of_the_reform() -> None:
    j = load_jurisdiction("national+quarterly-grading", overrides=[("schedule.grading_months", 6)])
    assert j.schedule.grading_months == 6
    assert j.sources["schedule.grading_months"] == "override: --set schedule.grading_months=6"


def test_a_reformed_batch_is_graded_like_the_base(plugin_dist) -> None:
    base, reformed = load_jurisdiction("national"), load_jurisdiction("national+quarterly-grading")
    batch = EnterpriseBatch.build(2, serious_36m=[0, 2])
    assert np.array_equal(base.grade(batch, TODAY), reformed.grade(batch, TODAY))


# ------------------------------------------------------------------------- reforms on the command line


def test_run_compare_and_params_name_a_reform(tmp_path) -> None:
    import json

    from click.testing import CliRunner

    from credsup.cli.main import cli
    from credsup.results.db import open_database
    from credsup.results.store import load_experiment

    small = ["--set", "scenario.population.enterprises=500", "--set", "scenario.months=4"]
    runner = CliRunner()
    ran = runner.invoke(cli, ["run", "-s", "demo", "-j", "national+quarterly-grading", "--seed", "2", "--json", *small])
    assert ran.exit_code == 0, ran.output
    data = json.loads(ran.stdout)
    assert data["jurisdiction"] == "national+quarterly-grading"
    assert data["jurisdiction_params"]["schedule.grading_months"] == {
        "value": 3,
        "source": "seed 000 (IV): 'regulatory credit re-evaluation ... every quarter to remove the old and introduce "
        "the new'",
    }
    db = tmp_path / "r.db"
    compared = runner.invoke(
        cli,
        [
            "compare", "-j", "national", "-j", "national+quarterly-grading", "-r", "1", "--seed", "2", "--db", str(db),
            "--json", *small, "--set", "national+quarterly-grading:schedule.grading_months=6",
        ],
    )  # fmt: skip
    assert compared.exit_code == 0, compared.output
    assert json.loads(compared.stdout)["jurisdictions"] == ["national", "national+quarterly-grading"]
    stored = {j["name"]: j for j in load_experiment(open_database(str(db)), 1).experiment["jurisdictions"]}
    assert stored["national+quarterly-grading"]["params"]["schedule.grading_months"]["value"] == 6  # --set on top
    assert stored["national"]["params"]["schedule.grading_months"]["value"] == 12
    assert any("configs/reforms/quarterly-grading.toml" in f for f in stored["national+quarterly-grading"]["config"])
    shown = runner.invoke(cli, ["params", "national+minor-unpublished", "--as-of", "2025-01-01", "--json"])
    rows = {r["key"]: r for r in json.loads(shown.stdout)["parameters"]}
    assert rows["sanction.publicity_days.minor"]["value"] == 90  # national's: the reform starts 2025-06-22
    later = runner.invoke(cli, ["params", "national+minor-unpublished", "--as-of", "2025-07-01", "--json"])
    rows = {r["key"]: r for r in json.loads(later.stdout)["parameters"]}
    assert rows["sanction.publicity_days.minor"]["value"] == 0
    assert rows["sanction.publicity_days.minor"]["source"].startswith("国办发〔2025〕22号")
