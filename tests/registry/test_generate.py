"""``credsup registry generate``: a synthetic registry of any size, the same files for the same seed,
valid under the schema, and the committed example is what the command makes."""

from __future__ import annotations

import datetime as dt

from credsup.core.vocabulary import ITEMS, SECTORS
from credsup.registry.load import load_inspectors, load_registry

from .conftest import EXAMPLE


def test_same_seed_same_files_other_seed_other_files(run, tmp_path) -> None:
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        result = run("registry", "generate", "--enterprises", 200, "--seed", seed, "--out", tmp_path / name)
        assert result.exit_code == 0, result.stderr
    files = sorted(p.name for p in (tmp_path / "a").iterdir() if p.name != ".credsup-output")  # credsup's mark
    assert files == sorted(p.name for p in EXAMPLE.iterdir())
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    assert (tmp_path / "a" / "enterprises.csv").read_bytes() != (tmp_path / "c" / "enterprises.csv").read_bytes()


def test_the_committed_example_is_the_generators_output(run, tmp_path) -> None:
    result = run("registry", "generate", "--enterprises", 1000, "--seed", 2026, "--out", tmp_path / "ex")
    assert result.exit_code == 0
    for path in EXAMPLE.iterdir():
        assert (tmp_path / "ex" / path.name).read_bytes() == path.read_bytes(), path.name


def test_generated_registries_are_valid_and_use_the_standard_vocabulary(run, tmp_path) -> None:
    for n in (1, 7, 3000):
        folder = tmp_path / f"n{n}"
        assert run("registry", "generate", "--enterprises", n, "--seed", 1, "--out", folder).exit_code == 0
        reg = load_registry(folder, need=["checklist"])
        load_inspectors(folder / "inspectors.csv", reg)
        assert len(reg) == n and reg.sectors == tuple(SECTORS)
        assert set(reg["violations"]["item"].tolist()) <= set(ITEMS)
    big = load_registry(tmp_path / "n3000")
    for table in (
        "inspections",
        "violations",
        "penalties",
        "complaints",
        "commitments",
        "listings",
        "repairs",
        "objections",
    ):
        assert len(big[table]) > 0, table
    assert big["enterprises"]["demonstration"].any() and big["enterprises"]["key_sector"].any()
    assert big["enterprises"]["registered"].max() <= dt.date(2026, 12, 31)


def test_registry_check_reports_counts_and_hashes(run) -> None:
    result = run("registry", "check", EXAMPLE, "--inspectors", EXAMPLE / "inspectors.csv")
    assert result.exit_code == 0
    assert f"{EXAMPLE}/enterprises.csv: 1000 rows, sha256 " in result.stdout
    assert result.stdout.splitlines()[-1] == "1000 enterprise(s); 0 bad row(s)"


def test_registry_summary_writes_the_batch_columns(run) -> None:
    result = run("registry", "summary", EXAMPLE, "--as-of", "2027-01-01")
    header, first = result.stdout.splitlines()[:2]
    assert header.startswith("enterprise,sector,size,registered,key_sector")
    assert first.startswith("E000001,")
    assert len(result.stdout.splitlines()) == 1001
