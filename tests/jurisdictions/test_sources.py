"""Every parameter of every built-in jurisdiction has a source; what a region models cites the region."""

from __future__ import annotations

import pytest

from credsup.core import discover, load_jurisdiction
from credsup.core.config import check_source, leaf_paths, read_toml, source_of
from credsup.core.dated import read_leaves

BUILTIN = sorted(i.name for i in discover() if i.builtin)
REGIONAL_SEED = {"dalian": "seed 000", "shanghai": "seed 003", "hainan": "seed 004"}


@pytest.mark.parametrize("name", BUILTIN)
def test_every_parameter_has_a_source(name: str) -> None:
    j = load_jurisdiction(name)
    paths = leaf_paths(j.params)
    assert paths, name
    missing = [p for p in paths if not source_of(j.sources, p)]
    assert not missing, f"{name}: parameters without a source: {missing}"
    bad = {p: source_of(j.sources, p) for p in paths if check_source(source_of(j.sources, p))}
    assert not bad, f"{name}: malformed sources: {bad}"


@pytest.mark.parametrize("name", sorted(REGIONAL_SEED))
def test_what_a_region_models_carries_the_regions_own_source(name: str) -> None:
    """A value that is not the national one, or a parameter national does not have, is set in the region's
    own file (not inherited), and every source in that file cites the region's seed text."""
    j = load_jurisdiction(name)
    national = leaf_paths(load_jurisdiction("national").params)
    info = next(i for i in discover() if i.name == name)
    leaves, _ = read_leaves(read_toml(info.plugin.DEFAULT_CONFIG), name, skip=("jurisdiction", "title", "inherits"))
    own = {path: e.source for path, entries in leaves.items() for e in entries if e.source}
    for path, value in leaf_paths(j.params).items():
        if path not in national or national[path] != value:
            assert source_of(own, path), f"{name}: {path} is modelled but its source is inherited"
    uncited = {p: s for p, s in own.items() if REGIONAL_SEED[name] not in s}
    assert not uncited, f"{name}: sources that do not cite {REGIONAL_SEED[name]}: {uncited}"


def test_region_specific_schedules() -> None:
    dalian = load_jurisdiction("dalian").schedule
    assert dalian.demonstration_grading_months == 3  # seed 000 (IV): the participants every quarter
    assert dalian.grading_months == 12  # everyone else on the national cycle
    assert load_jurisdiction("shanghai").schedule.joint_visits is True  # seed 003 para 11
