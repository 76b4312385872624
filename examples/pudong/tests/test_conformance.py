"""Pudong keeps the credsup hook contract: it loads, and every hook it implements passes the conformance
checks (through its whole chain: a wrapper is checked with the layers it wraps)."""

import pytest

from credsup.testing import implemented_hooks


def test_loads_with_a_matching_contract_version(credsup_check):
    credsup_check("pudong", hooks=[])


@pytest.mark.parametrize("hook", implemented_hooks("pudong"))
def test_hook_conforms(credsup_check, hook):
    credsup_check("pudong", hooks=[hook])


def test_it_implements_the_two_hooks_it_documents():
    assert implemented_hooks("pudong") == ["credsup_demonstration", "credsup_inspection_probability"]
