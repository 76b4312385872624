"""The credsup kernel: domain types, hook contract, plugin discovery, configs and errors.

It knows nothing of simulation: the same jurisdiction decides on a real registry and in the simulator.
Everything a plugin author or a caller needs is importable from here.

The names are loaded on first use (PEP 562): ``import credsup.core.errors`` or ``credsup --help`` does
not pay for numpy and the whole kernel. ``from credsup.core import X`` works as before.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the same names, eagerly, for type checkers and IDEs
    from credsup.core.adapter import DEFER, PartialAnswer, per_enterprise
    from credsup.core.batch import RECORD_WINDOW_MONTHS, EnterpriseBatch, Period
    from credsup.core.cases import ObjectionBatch, RepairApplications, ViolationBatch
    from credsup.core.columns import FOREVER, INDEFINITE_DAYS, Columnar, ColumnSpec, column, until
    from credsup.core.contracts import FAMILIES, HOOKS, HookContract, extra_hooks
    from credsup.core.decisions import (
        InspectionRate,
        InspectionRates,
        ObjectionDecision,
        ObjectionDecisions,
        RepairDecision,
        RepairDecisions,
        Sanction,
        Sanctions,
        ToleranceDecision,
        ToleranceDecisions,
    )
    from credsup.core.declare import hook
    from credsup.core.discovery import PluginInfo, discover
    from credsup.core.enums import (
        NO_GRADE,
        BanScope,
        CommitmentKind,
        DetectionSource,
        Grade,
        InspectionBasis,
        Reason,
        RecordKind,
        RepairCondition,
        RepairStatus,
        Severity,
        Size,
        Tolerance,
    )
    from credsup.core.errors import (
        ConfigError,
        ContractVersionError,
        CredsupError,
        HookError,
        HookResultError,
        InputError,
        PluginLoadError,
        Problem,
        UnknownJurisdictionError,
    )
    from credsup.core.hookspecs import CONTRACT_VERSION, hookimpl, hookspec
    from credsup.core.jurisdiction import Jurisdiction, load_jurisdiction, params_class_of
    from credsup.core.params import (
        ByGrade,
        BySeverity,
        DaysBySeverity,
        JurisdictionParams,
        RatesByGrade,
        Schedule,
        SharesByGrade,
        fraction,
        param,
        require,
        section,
    )
    from credsup.core.plans import period_chance
    from credsup.core.reforms import JurisdictionRef, parse_ref

#: public name -> the module that defines it
_EXPORTS: dict[str, str] = {
    **dict.fromkeys(["DEFER", "PartialAnswer", "per_enterprise"], "credsup.core.adapter"),
    **dict.fromkeys(["RECORD_WINDOW_MONTHS", "EnterpriseBatch", "Period"], "credsup.core.batch"),
    **dict.fromkeys(["ObjectionBatch", "RepairApplications", "ViolationBatch"], "credsup.core.cases"),
    **dict.fromkeys(
        ["FOREVER", "INDEFINITE_DAYS", "Columnar", "ColumnSpec", "column", "until"], "credsup.core.columns"
    ),
    **dict.fromkeys(["FAMILIES", "HOOKS", "HookContract", "extra_hooks"], "credsup.core.contracts"),
    **dict.fromkeys(
        [
            "InspectionRate",
            "InspectionRates",
            "ObjectionDecision",
            "ObjectionDecisions",
            "RepairDecision",
            "RepairDecisions",
            "Sanction",
            "Sanctions",
            "ToleranceDecision",
            "ToleranceDecisions",
        ],
        "credsup.core.decisions",
    ),
    **dict.fromkeys(["hook"], "credsup.core.declare"),
    **dict.fromkeys(["PluginInfo", "discover"], "credsup.core.discovery"),
    **dict.fromkeys(
        [
            "NO_GRADE",
            "BanScope",
            "CommitmentKind",
            "DetectionSource",
            "Grade",
            "InspectionBasis",
            "Reason",
            "RecordKind",
            "RepairCondition",
            "RepairStatus",
            "Severity",
            "Size",
            "Tolerance",
        ],
        "credsup.core.enums",
    ),
    **dict.fromkeys(
        [
            "ConfigError",
            "ContractVersionError",
            "CredsupError",
            "HookError",
            "HookResultError",
            "InputError",
            "PluginLoadError",
            "Problem",
            "UnknownJurisdictionError",
        ],
        "credsup.core.errors",
    ),
    **dict.fromkeys(["CONTRACT_VERSION", "hookimpl", "hookspec"], "credsup.core.hookspecs"),
    **dict.fromkeys(["Jurisdiction", "load_jurisdiction", "params_class_of"], "credsup.core.jurisdiction"),
    **dict.fromkeys(
        [
            "ByGrade",
            "BySeverity",
            "DaysBySeverity",
            "JurisdictionParams",
            "RatesByGrade",
            "Schedule",
            "SharesByGrade",
            "fraction",
            "param",
            "require",
            "section",
        ],
        "credsup.core.params",
    ),
    **dict.fromkeys(["period_chance"], "credsup.core.plans"),
    **dict.fromkeys(["JurisdictionRef", "parse_ref"], "credsup.core.reforms"),
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


__all__ = [
    "DEFER",
    "JurisdictionRef",
    "PartialAnswer",
    "extra_hooks",
    "hook",
    "params_class_of",
    "parse_ref",
    "BanScope",
    "ByGrade",
    "BySeverity",
    "DaysBySeverity",
    "RatesByGrade",
    "SharesByGrade",
    "section",
    "CONTRACT_VERSION",
    "ColumnSpec",
    "Columnar",
    "CommitmentKind",
    "ConfigError",
    "ContractVersionError",
    "CredsupError",
    "DetectionSource",
    "EnterpriseBatch",
    "FAMILIES",
    "FOREVER",
    "Grade",
    "HOOKS",
    "HookContract",
    "HookError",
    "HookResultError",
    "InspectionBasis",
    "InspectionRate",
    "InspectionRates",
    "INDEFINITE_DAYS",
    "InputError",
    "Jurisdiction",
    "JurisdictionParams",
    "NO_GRADE",
    "ObjectionBatch",
    "ObjectionDecision",
    "ObjectionDecisions",
    "Period",
    "PluginInfo",
    "PluginLoadError",
    "Problem",
    "RECORD_WINDOW_MONTHS",
    "Reason",
    "RecordKind",
    "RepairApplications",
    "RepairCondition",
    "RepairDecision",
    "RepairDecisions",
    "RepairStatus",
    "Sanction",
    "Sanctions",
    "Schedule",
    "Severity",
    "Size",
    "Tolerance",
    "ToleranceDecision",
    "ToleranceDecisions",
    "UnknownJurisdictionError",
    "ViolationBatch",
    "column",
    "discover",
    "fraction",
    "hookimpl",
    "hookspec",
    "load_jurisdiction",
    "param",
    "per_enterprise",
    "period_chance",
    "require",
    "until",
]
