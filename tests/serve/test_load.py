"""`credsup serve` as a real uvicorn server on loopback: it starts with one command, answers 200 concurrent
grade requests correctly while the registry is refreshed under it, and never logs a token. Nothing here
measures time (the figures are in docs/performance.md, from benchmarks/bench_serve.py)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import httpx

from .conftest import AS_OF, AUTH, EXAMPLE, ROOT, TOKEN

CONCURRENT = 200


async def _fire(base: str, ids: list[str], refreshes: int) -> tuple[list[httpx.Response], list[httpx.Response]]:
    limits = httpx.Limits(max_connections=CONCURRENT + refreshes, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base, headers=AUTH, limits=limits, timeout=120) as client:
        start = asyncio.Event()

        async def grade(eid: str) -> httpx.Response:
            await start.wait()
            return await client.get(f"/api/v1/enterprises/{eid}/grade")

        async def refresh() -> httpx.Response:
            await start.wait()
            return await client.post("/api/v1/refresh")

        tasks = [asyncio.create_task(grade(e)) for e in ids]
        tasks += [asyncio.create_task(refresh()) for _ in range(refreshes)]
        await asyncio.sleep(0)
        start.set()  # release them together
        answers = await asyncio.gather(*tasks)
    return list(answers[: len(ids)]), list(answers[len(ids) :])


def _toggle(folder: Path, stop: threading.Event) -> None:
    """Switch complaints.csv between two versions again and again, atomically as an export would: with and
    without a complaint about E000999 (outside the graded ids), so refreshes really swap snapshots."""
    path = folder / "complaints.csv"
    versions = [path.read_bytes(), path.read_bytes() + b"Q999999,E000999,2026-12-01,,\n"]
    k = 0
    while not stop.is_set():
        k = 1 - k
        tmp = folder / ".complaints.csv.tmp"
        tmp.write_bytes(versions[k])
        os.replace(tmp, path)
        stop.wait(0.005)


def test_200_concurrent_grade_requests_on_a_real_server(start_server, registry_copy, grade_oracle, tmp_path) -> None:
    server = start_server(registry_copy, "-j", "national", "--as-of", AS_OF, "--reports", f"sqlite:///{tmp_path}/r.db")
    ids = sorted(grade_oracle)[:CONCURRENT]
    stop = threading.Event()
    toggler = threading.Thread(target=_toggle, args=(registry_copy, stop), daemon=True)
    toggler.start()
    try:
        answers, refreshes = asyncio.run(_fire(server.base, ids, refreshes=5))
    finally:
        stop.set()
        toggler.join()
    assert [a.status_code for a in answers] == [200] * CONCURRENT
    assert [r.status_code for r in refreshes] == [200] * 5
    for eid, answer in zip(ids, answers, strict=True):
        (result,) = answer.json()["results"]
        expected = grade_oracle[eid]
        assert result["enterprise"] == eid and result["grade"] == expected["grade"]
        assert "; ".join(result["decided_by"]) == expected["decided_by"]
    status = httpx.get(server.base + "/api/v1/status", headers=AUTH).json()
    assert status["snapshot"]["enterprises"] == 1000 and status["last_refresh"]["ok"]
    server.stop()
    log = server.output()
    assert "GET /api/v1/enterprises/E000001/grade" in log  # the access log is on ...
    assert TOKEN not in log  # ... and never carries the token
    assert "Traceback" not in log


def test_one_command_starts_it_and_the_public_page_answers(start_server, tmp_path) -> None:
    # the README's command, with only a port and a reports file added for the test
    server = start_server(EXAMPLE, "-j", "national", "--reports", f"sqlite:///{tmp_path}/r.db")
    page = httpx.get(server.base + "/e/E000043")
    assert page.status_code == 200 and "E000043" in page.text
    assert httpx.get(server.base + "/api/v1/status").status_code == 401
    assert httpx.get(server.base + "/api/v1/status", headers=AUTH).json()["jurisdiction"] == "national"
    server.stop()
    log = server.output()
    assert "serving 1000 enterprise(s)" in log and "Uvicorn running on http://127.0.0.1:" in log


def test_the_load_benchmark_runs(tmp_path) -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_serve.py"), "--requests", "40", "--rounds", "1", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    data = json.loads(out.stdout)
    assert data["requests"] == 40 and data["correct"] == 40 and data["errors"] == 0
    assert data["requests_per_s"] > 0 and data["latency_ms"]["p50"] > 0
