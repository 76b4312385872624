"""Parameters of the Shanghai plugin: the national schema plus key supervision, risk warning, tolerant and
prudent supervision, whistleblowers and severe punishment (seed 003, SMPG G [2020] No. 7).

Values and their sources are in ``configs/jurisdictions/shanghai.toml``; notes in
``docs/jurisdictions/shanghai.md``.
"""

from __future__ import annotations

import attrs

from credsup.core.params import MAX_HARM, flag, param, require, section
from credsup.core.vocabulary import ITEMS, SECTORS
from credsup.plugins.national.params import NationalParams, names_from, severity_name


@attrs.frozen
class KeySupervision:
    """Key supervision with full coverage in special and key fields, instead of the random draws (seed 003
    paras 8 and 11)."""

    coverage_months: int = param(
        lo=1,
        hi=60,
        doc="full coverage: each enterprise of a key field is visited once in this many months",
        unit="months",
    )


@attrs.frozen
class RiskWarning:
    """Early warning from the record (seed 003 para 9); a threshold of 0 switches that signal off."""

    violations_12m: int = param(lo=0, hi=1000, doc="warn at this many violations found in 12 months")
    failed_rectifications_36m: int = param(lo=0, hi=1000, doc="warn at this many missed rectification deadlines")
    verified_complaints_36m: int = param(lo=0, hi=1000, doc="warn at this many founded complaints")
    abnormal_operation: bool = flag("warn for an enterprise with abnormal operations")
    rate_multiplier: float = param(lo=0.0, hi=12.0, doc="multiplies the spot-check rate of a warned enterprise")


@attrs.frozen
class ExemptionList:
    """Published list of minor violations that are not penalised when corrected in time without harm (seed 003
    para 12; 沪司规〔2019〕1号): it names the conduct that counts as minor for Administrative Penalty Law
    Art. 33, including conduct the general rules class as more than minor."""

    items: tuple[str, ...] = names_from(ITEMS, "item", "violation items on the exemption list")
    max_severity: str = severity_name(
        "a violation of a listed item up to this severity is minor in the list's sense (minor, general, serious)"
    )
    first_offence_only: tuple[str, ...] = names_from(ITEMS, "item", "items of the list exempt on a first offence only")

    def __attrs_post_init__(self) -> None:
        extra = sorted(set(self.first_offence_only) - set(self.items))
        require(not extra, "first_offence_only", f"{', '.join(extra)} not on the exemption list (items)")


@attrs.frozen
class Observation:
    """ "Observation period" management for emerging industries (seed 003 para 12)."""

    years: float = param(lo=0.0, hi=20.0, doc="observation period after registration", unit="years")
    max_severity: str = severity_name("violations up to this severity are tolerated (minor, general, serious)")


@attrs.frozen
class Sandbox:
    """A regulatory "sandbox" for new business forms (seed 003 para 12)."""

    sectors: tuple[str, ...] = names_from(SECTORS, "sector", "sectors admitted to the sandbox")
    years: float = param(
        lo=0.0,
        hi=20.0,
        doc="an emerging enterprise of a sandbox sector is inside for this long after registration",
        unit="years",
    )
    max_severity: str = severity_name("violations up to this severity are tolerated inside the sandbox")


@attrs.frozen
class Whistleblower:
    """Rewarded and protected whistleblowers and internal informants (seed 003 para 15)."""

    complaint_multiplier: float = param(lo=0.0, hi=100.0, doc="multiplies the national reporting intensity")


@attrs.frozen
class SeverePunishment:
    """Severe punishment, huge fines and lifelong access prohibition (seed 003 paras 12 and 19)."""

    serious_fine_multiplier: float = param(lo=1.0, hi=100.0, doc="multiplies the fine of a penalised serious violation")
    lifelong_harm: float = param(
        lo=0.0,
        hi=MAX_HARM,
        doc="a deliberate serious violation with at least this harm ('causing bad influence') brings a lifelong ban",
        unit="harm units",
    )
    lifelong_repeat: int = param(
        lo=1,
        hi=1000,
        doc="a serious violation is deliberate when at least this many earlier ones of the same item are on record",
    )


@attrs.frozen
class ShanghaiParams(NationalParams):
    """Shanghai SMPG G [2020] No. 7 (seed 003) on top of the national baseline."""

    key_supervision: KeySupervision = section("key supervision with full coverage in key fields")
    risk_warning: RiskWarning = section("risk early warning from the record")
    exemption_list: ExemptionList = section("exemption list of minor violations")
    observation: Observation = section("observation period for emerging industries")
    sandbox: Sandbox = section("regulatory sandbox")
    whistleblower: Whistleblower = section("whistleblower rewards")
    severe_punishment: SeverePunishment = section("severe punishment and lifelong bans")
