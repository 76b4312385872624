"""The registry is read once, and refreshed on request or on a schedule by swapping in a snapshot built aside;
a registry that fails to load leaves the old snapshot serving."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from credsup.serve import snapshot as snapshot_module

from .conftest import AUTH

NEW_ROW = "E001001,retail,small,2020-01-01,true,true,true,false,false,,,,false\n"


def add_enterprise(folder: Path, row: str = NEW_ROW) -> None:
    path = folder / "enterprises.csv"
    path.write_text(path.read_text(encoding="utf-8") + row, encoding="utf-8")


def test_the_registry_is_read_once(make_client, registry_copy, monkeypatch) -> None:
    reads = []
    real = snapshot_module.load_registry
    monkeypatch.setattr(snapshot_module, "load_registry", lambda *a, **k: reads.append(1) or real(*a, **k))
    client = make_client(registry=registry_copy)
    for i in range(1, 40):
        assert client.get(f"/public/v1/enterprises/E{i:06d}").status_code == 200
        assert client.get(f"/api/v1/enterprises/E{i:06d}/grade", headers=AUTH).status_code == 200
    assert len(reads) == 1
    add_enterprise(registry_copy)
    assert client.get("/public/v1/enterprises/E001001").status_code == 404  # not re-read behind our back
    assert len(reads) == 1


def test_refresh_on_request_swaps_in_the_new_registry(make_client, registry_copy) -> None:
    client = make_client(registry=registry_copy)
    service = client.app.state.service
    first = service.snapshot
    unchanged = client.post("/api/v1/refresh", headers=AUTH).json()
    assert unchanged["last_refresh"]["ok"] and not unchanged["last_refresh"]["changed"]
    assert service.snapshot is first  # same inputs: the old snapshot and its caches stay
    service.fixed_today = dt.date(2027, 1, 2)  # a new day: the next refresh prepares it
    client.post("/api/v1/refresh", headers=AUTH)
    assert service.snapshot is first and ("evaluation", dt.date(2027, 1, 2)) in first.cache._entries
    service.fixed_today = dt.date(2027, 1, 1)
    add_enterprise(registry_copy)
    changed = client.post("/api/v1/refresh", headers=AUTH).json()
    assert changed["last_refresh"]["changed"] and changed["snapshot"]["enterprises"] == 1001
    assert service.snapshot is not first
    # today's evaluation was computed in the refresh, before the new snapshot served anything
    assert ("evaluation", service.today()) in service.snapshot.cache._entries
    assert client.get("/public/v1/enterprises/E001001").status_code == 200
    got = client.get("/api/v1/enterprises/E001001/grade", headers=AUTH).json()
    assert got["results"][0]["grade"] in "ABCD"


def test_a_failed_refresh_keeps_the_old_snapshot(make_client, registry_copy) -> None:
    client = make_client(registry=registry_copy)
    first = client.app.state.service.snapshot
    add_enterprise(registry_copy, "E001002,retail,giant,2020-13-01,,,,,,,,,\n")
    got = client.post("/api/v1/refresh", headers=AUTH)
    assert got.status_code == 422 and got.headers["content-type"] == "application/problem+json"
    body = got.json()
    assert body["type"] == "urn:credsup:problem:registry-error"
    details = " ".join(e["detail"] for e in body["errors"])
    assert "enterprises.csv:1002: size: unknown size 'giant'" in details
    assert client.app.state.service.snapshot is first
    assert client.get("/public/v1/enterprises/E000001").status_code == 200
    status = client.get("/api/v1/status", headers=AUTH).json()
    assert status["last_refresh"]["ok"] is False and "giant" in status["last_refresh"]["error"]
    assert status["snapshot"]["enterprises"] == 1000


def test_refresh_on_a_schedule(make_client, registry_copy) -> None:
    client = make_client(registry=registry_copy, refresh_every=0.2)
    add_enterprise(registry_copy)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if client.get("/public/v1/enterprises/E001001").status_code == 200:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the scheduled refresh did not pick up the new enterprise within 20 s")
    assert client.app.state.service.refreshes >= 1


def test_refresh_interval_parsing() -> None:
    import pytest

    from credsup.serve.config import parse_duration

    assert parse_duration("90") == 90 and parse_duration("15m") == 900 and parse_duration("1h") == 3600
    for bad in ("5s", "fast", "-1m", "10d", ""):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_concurrent_requests_for_one_date_compute_it_once() -> None:
    import threading

    from credsup.serve.snapshot import Cache

    cache = Cache(size=2)
    calls = []
    gate = threading.Event()

    def slow() -> str:
        calls.append(1)
        gate.wait(5)
        return "value"

    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("day", slow))) for _ in range(20)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    gate.set()
    for t in threads:
        t.join()
    assert results == ["value"] * 20 and len(calls) == 1

    def failing() -> str:
        raise RuntimeError("broken")

    import pytest

    with pytest.raises(RuntimeError):
        cache.get("other", failing)
    assert cache.get("other", lambda: "recovered") == "recovered"  # a failure is not cached
    cache.get("third", lambda: "x")  # the cache keeps 2 keys: the least recently used goes
    assert cache.get("day", lambda: "recomputed") == "recomputed"
