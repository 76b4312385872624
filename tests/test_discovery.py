"""Plugin discovery through entry points, plugin validation on load, and the kill switch."""

from __future__ import annotations

import importlib.metadata as md

import pytest

from credsup.core import CONTRACT_VERSION, HOOKS, ConfigError, load_jurisdiction
from credsup.core.discovery import DISABLE_ENV, ENTRY_POINT_GROUP, discover
from credsup.core.errors import ContractVersionError, PluginLoadError, UnknownJurisdictionError


def by_name(**kwargs: object) -> dict:
    return {i.name: i for i in discover(**kwargs)}


def test_builtin_plugins_come_through_the_entry_point_group() -> None:
    eps = {ep.name: ep for ep in md.entry_points(group=ENTRY_POINT_GROUP)}
    assert eps["national"].value == "credsup.plugins.national"
    assert eps["traditional"].value == "credsup.plugins.traditional"
    infos = by_name()
    for name in ("national", "traditional"):
        info = infos[name]
        assert info.status == "ok", info.error
        assert info.builtin and info.distribution == "credsup"
        assert info.contract == CONTRACT_VERSION
        assert set(info.hooks) == set(HOOKS)


def test_third_party_plugin_is_discovered_with_its_distribution_and_version(plugin_dist) -> None:
    plugin_dist(
        "testland",
        """
        @hookimpl
        def credsup_grade(batch, params, today):
            return np.full(len(batch), Grade.C, dtype=np.int8)
    """,
        version="2.3.1",
        dist="credsup-testland",
    )
    info = by_name()["testland"]
    assert info.status == "ok", info.error
    assert (info.distribution, info.version, info.builtin) == ("credsup-testland", "2.3.1", False)
    assert info.hooks == ("credsup_grade",)
    assert info.title == "Test jurisdiction testland"


def test_loaded_jurisdiction_uses_its_hook_and_national_for_the_rest(plugin_dist, rng, today) -> None:
    from credsup.core.samples import random_batch

    plugin_dist(
        "testland",
        """
        @hookimpl
        def credsup_grade(batch, params, today):
            return np.full(len(batch), Grade.C, dtype=np.int8)
    """,
    )
    j = load_jurisdiction("testland")
    batch = random_batch(rng, 50, today)
    assert (j.grade(batch, today) == 2).all()
    assert j.answered_by("credsup_grade") == "testland"
    assert j.answered_by("credsup_tolerance") == "national"
    national = load_jurisdiction("national")
    assert (j.demonstration(batch, today) == national.demonstration(batch, today)).all()


def test_each_use_builds_its_own_plugin_manager(plugin_dist) -> None:
    plugin_dist("testland")
    a, b = load_jurisdiction("testland"), load_jurisdiction("national")
    assert a.pm is not b.pm
    assert a.layers == ("national", "testland") and b.layers == ("national",)
    assert {n.split(":")[0] for n, _ in a.pm.list_name_plugin()} == {"testland", "national"}
    assert {n.split(":")[0] for n, _ in b.pm.list_name_plugin()} == {"national"}


def test_broken_import_is_reported_by_name_and_others_still_load(plugin_dist) -> None:
    plugin_dist("broken", "import credsup_module_that_does_not_exist\n")
    infos = by_name()
    assert infos["broken"].status == "error"
    assert "ModuleNotFoundError" in infos["broken"].error
    assert "credsup_module_that_does_not_exist" in infos["broken"].error
    assert infos["national"].status == "ok" and infos["traditional"].status == "ok"
    with pytest.raises(PluginLoadError, match="Error loading plugin 'broken': ModuleNotFoundError"):
        load_jurisdiction("broken")


def test_environment_variable_disables_plugins_by_name(plugin_dist, monkeypatch) -> None:
    module = plugin_dist("testland", "raise RuntimeError('must not be imported')\n")
    monkeypatch.setenv(DISABLE_ENV, "testland, traditional")
    infos = by_name()
    assert infos["testland"].status == "disabled" and infos["traditional"].status == "disabled"
    assert infos["national"].status == "ok"
    import sys

    assert module not in sys.modules  # a disabled plugin is never imported
    with pytest.raises(UnknownJurisdictionError, match="unknown jurisdiction 'traditional' .disabled"):
        load_jurisdiction("traditional")


def test_disabling_a_layer_is_an_error_for_every_jurisdiction_built_on_it(monkeypatch) -> None:
    monkeypatch.setenv(DISABLE_ENV, "national")
    with pytest.raises(ConfigError) as err:
        load_jurisdiction("shanghai")
    message = str(err.value)
    assert "\n" not in message and message.endswith(
        "shanghai.toml: inherits: 'national' is disabled (disabled by CREDSUP_DISABLE_PLUGINS)"
    )
    assert load_jurisdiction("traditional").layers == ("traditional",)  # a root layer needs no other


def test_unknown_jurisdiction_names_the_installed_ones() -> None:
    with pytest.raises(UnknownJurisdictionError) as err:
        load_jurisdiction("atlantis")
    assert str(err.value).startswith(
        "unknown jurisdiction 'atlantis'; installed: dalian, hainan, national, shanghai, traditional"
    )


@pytest.mark.parametrize(
    ("body", "header", "message"),
    [
        ("", False, "does not declare CREDSUP_CONTRACT"),
        (
            'CREDSUP_CONTRACT = "3.0"\n',
            False,
            f"declares hook contract 3.0 but this credsup provides {CONTRACT_VERSION}",
        ),
        (
            'CREDSUP_CONTRACT = "1.9"\n',
            False,
            f"declares hook contract 1.9 but this credsup provides {CONTRACT_VERSION}",
        ),
        ('CREDSUP_CONTRACT = "one"\n', False, "is not a version like"),
    ],
)
def test_contract_version_is_checked(plugin_dist, body: str, header: bool, message: str) -> None:
    plugin_dist("versioned", body, header=header)
    info = by_name()["versioned"]
    assert info.status == "error"
    assert message in info.error
    with pytest.raises(ContractVersionError):
        load_jurisdiction("versioned")


def test_older_minor_contract_is_accepted(plugin_dist) -> None:
    plugin_dist("older", 'CREDSUP_CONTRACT = "1.0"\n')
    assert by_name()["older"].status == "ok"


def test_misspelt_hook_is_caught_by_check_pending(plugin_dist) -> None:
    plugin_dist(
        "typo",
        """
        @hookimpl
        def credsup_grades(batch, params, today):
            return None
    """,
    )
    info = by_name()["typo"]
    assert info.status == "error"
    assert info.error == "implements unknown hook credsup_grades (did you mean credsup_grade?)"


def test_wrong_argument_name_is_caught_by_pluggy_validation(plugin_dist) -> None:
    plugin_dist(
        "badargs",
        """
        @hookimpl
        def credsup_grade(enterprises, params, today):
            return None
    """,
    )
    info = by_name()["badargs"]
    assert info.status == "error"
    assert "credsup_grade" in info.error and "enterprises" in info.error


def test_hook_without_hookimpl_marker_is_an_error(plugin_dist) -> None:
    plugin_dist(
        "unmarked",
        """
        def credsup_grade(batch, params, today):
            return None
    """,
    )
    assert by_name()["unmarked"].error == "credsup_grade not marked with @hookimpl (from credsup import hookimpl)"


def test_params_class_must_derive_from_jurisdiction_params(plugin_dist) -> None:
    plugin_dist(
        "noparams",
        """
        import attrs
        @attrs.frozen
        class Mine:
            x: int = 1
        PARAMS_CLASS = Mine
    """,
    )
    assert "must derive from credsup.core.JurisdictionParams" in by_name()["noparams"].error


def test_own_params_without_national_base_must_implement_every_hook(plugin_dist) -> None:
    plugin_dist(
        "partial",
        """
        import attrs
        from credsup.core import JurisdictionParams
        @attrs.frozen
        class Mine(JurisdictionParams):
            pass
        PARAMS_CLASS = Mine

        @hookimpl
        def credsup_grade(batch, params, today):
            return np.zeros(len(batch), dtype=np.int8)
    """,
        config='jurisdiction = "partial"\n[schedule]\n'
        'grading_months = { value = 12, source = "assumption: test value" }\n'
        'complaint_days = { value = 10, source = "assumption: test value" }\n'
        'commitment_check_months = { value = 3, source = "assumption: test value" }\n'
        "[schedule.rectification_days]\n"
        'minor = { value = 10, source = "assumption: test value" }\n'
        'general = { value = 10, source = "assumption: test value" }\n'
        'serious = { value = 10, source = "assumption: test value" }\n',
    )
    # no `inherits`: a root layer, which must answer every hook itself
    with pytest.raises(
        PluginLoadError,
        match="plugin 'partial': no layer of partial implements credsup_commitment_eligible, .*; a root layer",
    ):
        load_jurisdiction("partial")


def test_a_layer_whose_params_do_not_derive_from_its_parents_is_refused(plugin_dist) -> None:
    plugin_dist(
        "partial",
        """
        import attrs
        from credsup.core import JurisdictionParams

        @attrs.frozen
        class Mine(JurisdictionParams):
            pass

        PARAMS_CLASS = Mine
    """,
    )
    with pytest.raises(
        PluginLoadError,
        match="plugin 'partial': PARAMS_CLASS Mine does not derive from NationalParams, the PARAMS_CLASS of "
        "'national' it builds on",
    ):
        load_jurisdiction("partial")


def test_two_distributions_claiming_one_name_are_both_reported(plugin_dist) -> None:
    plugin_dist("twin", dist="credsup-twin-a")
    plugin_dist("twin", dist="credsup-twin-b")
    info = by_name()["twin"]
    assert info.status == "error"
    assert "provided by both" in info.error and "uninstall one of them" in info.error
