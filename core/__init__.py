"""The credsup kernel: domain types, hook contract, plugin discovery, configs and errors.

It knows nothing of simulation: the same jurisdiction decides on a real registry and in the simulator.
Everything a plugin author or a caller needs is importable from here.
"""

from credsup.core.adapter import DEFER, PartialAnswer, per_enterprise
from credsup.core.batch import RECORD_WINDOW_MONTHS, EnterpriseBatch, Period
from credsup.core.cases import ObjectionBatch, RepairApplications, ViolationBatch
from credsup.core.columns import FOREVER, INDEFINITE_DAYS, Columnar, ColumnSpec, column, until
from credsup.core.contracts import FAMILIES, HOOKS, HookContract, extra_hooks
from credsup.core.decisions import (
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
from credsup.core.reforms import JurisdictionRef, parse_ref

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
    "require",
    "until",
]
