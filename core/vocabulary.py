"""Standard names for coded columns: sectors, violation items, regions.

Batches carry their own vocabularies (``EnterpriseBatch.sectors``, ``ViolationBatch.items``,
``EnterpriseBatch.regions``), so a registry may use any names it likes. These are the names credsup's own
scenarios, synthetic registries and built-in plugins agree on; a plugin's config refers to sectors and
items by these names (for example Dalian's pilot sectors, Shanghai's exemption list), so use them where
they fit.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from credsup.core.enums import Severity


@attrs.frozen
class SectorInfo:
    name: str
    description: str
    key: bool  #: a key-supervision field: public safety, life and health (seed 003 para 8)
    emerging: bool = False  #: an emerging industry or new business form (seed 003 para 12)


@attrs.frozen
class ItemInfo:
    name: str
    description: str
    severity: Severity  #: the usual severity of a violation of this item


SECTORS: Mapping[str, SectorInfo] = {
    s.name: s
    for s in [
        SectorInfo("food_beverage", "restaurants, food and beverage units (Dalian pilot, seed 000 (I))", key=True),
        SectorInfo("automobile_4s", "automobile 4S shops (Dalian pilot, seed 000 (I))", key=False),
        SectorInfo("home_furnishing", "home furnishing market (Dalian pilot, seed 000 (I))", key=False),
        SectorInfo("drugs_medical", "drugs and medical devices", key=True),
        SectorInfo("special_equipment", "special equipment, production safety", key=True),
        SectorInfo("hazardous_chemicals", "hazardous chemicals", key=True),
        SectorInfo("manufacturing", "general manufacturing, industrial products", key=False),
        SectorInfo("construction", "construction and engineering quality", key=True),
        SectorInfo("retail", "general retail and wholesale", key=False),
        SectorInfo("services", "business and consumer services", key=False),
        SectorInfo("education_childcare", "training, elderly care and childcare", key=True),
        SectorInfo("platform_economy", "internet platforms, new business forms", key=False, emerging=True),
        SectorInfo("new_energy", "new energy and emerging technology", key=False, emerging=True),
    ]
}

ITEMS: Mapping[str, ItemInfo] = {
    i.name: i
    for i in [
        ItemInfo("price_marking", "missing or unclear price tags", Severity.MINOR),
        ItemInfo("licence_display", "business licence not displayed", Severity.MINOR),
        ItemInfo("record_keeping", "purchase or inspection records incomplete", Severity.MINOR),
        ItemInfo("annual_report", "annual report late or inaccurate", Severity.MINOR),
        ItemInfo("labelling", "labelling not in line with standards", Severity.MINOR),
        ItemInfo("advertising", "misleading advertising", Severity.GENERAL),
        ItemInfo("hygiene", "hygiene or storage conditions", Severity.GENERAL),
        ItemInfo("contract_terms", "unfair standard contract terms", Severity.GENERAL),
        ItemInfo("product_quality", "substandard products", Severity.GENERAL),
        ItemInfo("unlicensed_operation", "operating without a required licence", Severity.SERIOUS),
        ItemInfo("counterfeit", "counterfeit or shoddy goods", Severity.SERIOUS),
        ItemInfo("safety_hazard", "hazard to life and health (food, drugs, equipment)", Severity.SERIOUS),
        ItemInfo("fraud", "fraud against consumers", Severity.SERIOUS),
        ItemInfo("false_commitment", "a credit commitment found false", Severity.GENERAL),
    ]
}

#: Provinces whose dishonesty lists Hainan recognises (seed 004; mutual recognition), and neighbours.
REGIONS: tuple[str, ...] = ("guangdong", "guangxi", "fujian", "liaoning", "shanghai", "hainan")
