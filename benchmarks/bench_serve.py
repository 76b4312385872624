"""`credsup serve` under load: concurrent grade requests against a real uvicorn server on loopback.

    python benchmarks/bench_serve.py                          # examples/registry, 200 concurrent, 5 rounds
    python benchmarks/bench_serve.py --enterprises 100000     # a generated registry of that size
    python benchmarks/bench_serve.py --requests 500 --json

Starts ``credsup serve REGISTRY -j national --as-of 2027-01-01`` in its own process on 127.0.0.1 (a free
port) and times it until it answers (the "start" figure: read and check the registry, grade it with
reasons as of today), sends one request (the "first request"), then fires ``--requests`` grade requests
at once (one connection each, released together), ``--rounds`` times. Every answer is checked against the grades and reasons
computed here, in this process, by registry mode's own functions (never by the server's code). Prints
wall time per round, requests per second and latency percentiles. Not a test: nothing asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "registry"
AS_OF = dt.date(2027, 1, 1)
TOKEN = "bench-token-" + "0123456789abcdef"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def oracle(registry: Path) -> dict[str, tuple[str, str]]:
    """Grade and reasons of every enterprise, by registry mode in this process."""
    from credsup.core import load_jurisdiction
    from credsup.registry.grading import evaluate, explain, grade_letters
    from credsup.registry.load import load_registry
    from credsup.registry.summary import summarise

    reg = load_registry(registry)
    evaluation = evaluate(load_jurisdiction("national"), summarise(reg, AS_OF), AS_OF)
    reasons = explain(evaluation)
    letters = grade_letters(evaluation.grades)
    return {
        str(e): (str(g), str(d)) for e, g, d in zip(reg.ids.tolist(), letters.tolist(), reasons.decided_by.tolist())
    }


def start(registry: Path, port: int, workdir: Path) -> subprocess.Popen:
    import httpx

    env = {**os.environ, "CREDSUP_SERVE_TOKEN": TOKEN}
    cmd = [sys.executable, "-m", "credsup.cli.main", "serve", str(registry), "-j", "national"]
    cmd += ["--as-of", AS_OF.isoformat(), "--port", str(port), "--reports", f"sqlite:///{workdir / 'reports.db'}"]
    proc = subprocess.Popen(cmd, env=env, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"credsup serve exited with status {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("credsup serve did not start in 10 minutes")


def peak_memory_mib(pid: int) -> float | None:
    """Peak resident memory of the server process (Linux ``VmHWM``), None elsewhere."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


async def one_round(base: str, ids: list[str]) -> tuple[float, list[float], list[tuple[str, int, dict]]]:
    import httpx

    limits = httpx.Limits(max_connections=len(ids), max_keepalive_connections=0)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=600) as client:
        go = asyncio.Event()
        latencies: list[float] = []

        async def grade(eid: str) -> tuple[str, int, dict]:
            await go.wait()
            t0 = time.perf_counter()
            r = await client.get(f"/api/v1/enterprises/{eid}/grade")
            latencies.append(time.perf_counter() - t0)
            return eid, r.status_code, r.json() if r.status_code == 200 else {}

        tasks = [asyncio.create_task(grade(e)) for e in ids]
        await asyncio.sleep(0)
        t0 = time.perf_counter()
        go.set()
        answers = await asyncio.gather(*tasks)
        wall = time.perf_counter() - t0
    return wall, latencies, answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registry", type=Path, default=None, help="registry folder (default: examples/registry)")
    parser.add_argument("--enterprises", type=int, default=None, help="generate a registry of this size instead")
    parser.add_argument("--requests", type=int, default=200, help="concurrent requests per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        registry = args.registry or EXAMPLE
        if args.enterprises:
            registry = work / "registry"
            subprocess.run(
                [sys.executable, "-m", "credsup.cli.main", "registry", "generate", "--enterprises",
                 str(args.enterprises), "--seed", "1", "--out", str(registry)],
                check=True, capture_output=True,
            )  # fmt: skip
        expected = oracle(registry)
        ids = sorted(expected)
        port = free_port()
        t_start = time.perf_counter()
        proc = start(registry, port, work)
        started = time.perf_counter() - t_start
        base = f"http://127.0.0.1:{port}"
        try:
            import httpx

            t0 = time.perf_counter()
            first = httpx.get(
                f"{base}/api/v1/enterprises/{ids[0]}/grade", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=600
            )
            cold = time.perf_counter() - t0
            assert first.status_code == 200, first.text
            walls, latencies, correct, errors = [], [], 0, 0
            for k in range(args.rounds):
                chosen = [ids[(k * args.requests + i) % len(ids)] for i in range(args.requests)]
                wall, lat, answers = asyncio.run(one_round(base, chosen))
                walls.append(wall)
                latencies += lat
                for eid, status, body in answers:
                    if status != 200:
                        errors += 1
                        continue
                    (result,) = body["results"]
                    ok = (result["grade"], "; ".join(result["decided_by"])) == expected[eid]
                    correct += ok
            peak_mib = peak_memory_mib(proc.pid)
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)

    latencies.sort()
    total = args.requests * args.rounds
    result = {
        "registry": str(args.registry or (f"generated {args.enterprises}" if args.enterprises else EXAMPLE)),
        "enterprises": len(ids),
        "requests": total,
        "concurrent": args.requests,
        "rounds": args.rounds,
        "correct": correct,
        "errors": errors,
        "start_s": round(started, 2),
        "first_request_ms": round(cold * 1000, 1),
        "server_peak_mib": peak_mib,
        "round_wall_s": [round(w, 3) for w in walls],
        "requests_per_s": round(total / sum(walls), 1),
        "latency_ms": {
            "p50": round(1000 * statistics.median(latencies), 1),
            "p95": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1),
            "max": round(1000 * latencies[-1], 1),
        },
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{result['requests']} grade requests, {args.requests} at once x {args.rounds} rounds, "
          f"{result['enterprises']} enterprises: {correct} correct, {errors} errors")  # fmt: skip
    print(f"start (read, check and evaluate the registry): {result['start_s']} s; "
          f"first request: {result['first_request_ms']} ms; "
          f"server peak memory {peak_mib} MiB")  # fmt: skip
    print(f"rounds: {result['round_wall_s']} s; {result['requests_per_s']} requests/s")
    lat = result["latency_ms"]
    print(f"latency: p50 {lat['p50']} ms, p95 {lat['p95']} ms, max {lat['max']} ms ({result['machine']})")
    if errors or correct != total:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
