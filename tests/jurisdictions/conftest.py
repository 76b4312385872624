"""Helpers for the jurisdiction rule tests: small hand-made batches with the standard vocabularies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from credsup.core import EnterpriseBatch, ViolationBatch
from credsup.core.vocabulary import ITEMS, REGIONS, SECTORS

SECTOR_NAMES = tuple(SECTORS)
ITEM_NAMES = tuple(ITEMS)


def _codes(names: Any, vocabulary: tuple[str, ...]) -> Any:
    if isinstance(names, str):
        return vocabulary.index(names)
    return [vocabulary.index(n) if isinstance(n, str) else n for n in names]


@pytest.fixture
def enterprises() -> Callable[..., EnterpriseBatch]:
    """``enterprises(n, sector="retail", registered="2016-01-01", **columns)``: ``n`` enterprises with the
    standard sector and region vocabularies; sectors and ``external_listing`` may be given by name, dates
    as ISO strings (scalars are broadcast)."""

    def make(n: int, **cols: Any) -> EnterpriseBatch:
        cols.setdefault("registered", "2016-01-01")
        cols.setdefault("sector", "retail")
        cols["sector"] = _codes(cols["sector"], SECTOR_NAMES)
        if "external_listing" in cols:
            ext = cols["external_listing"]
            ext = [ext] if isinstance(ext, (str, int)) or ext is None else ext
            cols["external_listing"] = [-1 if e is None else REGIONS.index(e) if isinstance(e, str) else e for e in ext]
        for key, value in list(cols.items()):
            if np.isscalar(value) or value is None:
                cols[key] = [value] * n
            if key in {s.name for s in EnterpriseBatch.columns() if s.dtype.kind == "M"}:
                cols[key] = np.array(["NaT" if v is None else v for v in cols[key]], dtype="M8[D]")
        return EnterpriseBatch.build(n, sectors=SECTOR_NAMES, regions=REGIONS, **cols)

    return make


@pytest.fixture
def violations() -> Callable[..., ViolationBatch]:
    """``violations(m, item="price_marking", **columns)``: ``m`` detected violations (of enterprise 0 unless
    ``enterprise`` is given), items by name, scalars broadcast."""

    def make(m: int, **cols: Any) -> ViolationBatch:
        cols.setdefault("enterprise", 0)
        cols.setdefault("item", "price_marking")
        cols.setdefault("detected", "2025-12-01")
        cols["item"] = _codes(cols["item"], ITEM_NAMES)
        for key, value in list(cols.items()):
            if np.isscalar(value):
                cols[key] = [value] * m
        cols["detected"] = np.array(cols["detected"], dtype="M8[D]")
        return ViolationBatch.build(m, items=ITEM_NAMES, **cols)

    return make
