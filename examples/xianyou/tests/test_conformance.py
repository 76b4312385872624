"""Xianyou keeps the credsup hook contract: it loads under this credsup, and every hook it implements
passes the conformance checks (one test per hook)."""

import pytest

from credsup.testing import implemented_hooks


def test_loads_with_a_matching_contract_version(credsup_check):
    credsup_check("xianyou", hooks=[])


@pytest.mark.parametrize("hook", implemented_hooks("xianyou"))
def test_hook_conforms(credsup_check, hook):
    credsup_check("xianyou", hooks=[hook])


def test_it_implements_the_three_hooks_it_documents():
    assert implemented_hooks("xianyou") == ["credsup_grade", "credsup_demonstration", "credsup_inspection_probability"]
