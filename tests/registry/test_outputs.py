"""Output files of the registry commands (issue 19 point 6, issue 18 point 3): written whole, with the
umask's permissions (a replaced file keeps its mode), never over one of the command's own inputs; and
the CSV writer gives exactly the csv module's bytes."""

from __future__ import annotations

import csv
import io
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from credsup.core.errors import InputError
from credsup.registry import output
from credsup.registry.output import csv_text, write_atomic

from .conftest import EXAMPLE

PLAN = ["-j", "national", "--period", "2027Q1", "--seed", "3"]


@pytest.fixture
def umask() -> Iterator[object]:
    """``umask(0o022)`` sets the process umask for the test; the old one comes back after it."""
    old = os.umask(0o022)
    os.umask(old)
    yield os.umask
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def plan(run, out: Path, *extra: object) -> object:
    return run("plan", EXAMPLE, *PLAN, "--inspectors", EXAMPLE / "inspectors.csv", "-o", out, *extra)


# ---------------------------------------------------------------------------------- permissions


def test_a_plan_written_under_umask_022_is_world_readable(tmp_path, run, umask) -> None:
    umask(0o022)
    result = plan(run, tmp_path / "plan.csv", "--summary", tmp_path / "plan.json")
    assert result.exit_code == 0, result.stderr
    assert mode(tmp_path / "plan.csv") == 0o644 and mode(tmp_path / "plan.json") == 0o644
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


@pytest.mark.parametrize("mask, expected", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_grade_and_summary_files_follow_the_umask(tmp_path, run, umask, mask, expected) -> None:
    umask(mask)
    grade = run("grade", EXAMPLE, "-j", "national", "--as-of", "2027-01-01", "-o", tmp_path / "g.csv")
    summary = run("registry", "summary", EXAMPLE, "--as-of", "2027-01-01", "-o", tmp_path / "s.csv")
    assert grade.exit_code == 0 and summary.exit_code == 0, grade.stderr + summary.stderr
    assert mode(tmp_path / "g.csv") == expected and mode(tmp_path / "s.csv") == expected


def test_a_replaced_file_keeps_its_mode(tmp_path, run, umask) -> None:
    umask(0o077)
    target = tmp_path / "plan.csv"
    target.write_text("old\n")
    target.chmod(0o640)
    assert plan(run, target).exit_code == 1  # an existing file is replaced only with --force
    assert target.read_text() == "old\n"
    assert plan(run, target, "--force").exit_code == 0
    assert mode(target) == 0o640 and target.read_text().startswith("visit,")


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")

    def chunks() -> Iterator[str]:
        yield "new,"
        raise OSError(28, "No space left on device")

    with pytest.raises(InputError, match="out.csv: cannot write \\(No space left on device\\)"):
        write_atomic(target, chunks())
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


# ---------------------------------------------------------------------------- never over an input


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    folder = tmp_path / "reg"
    shutil.copytree(EXAMPLE, folder)
    return folder


def refused(result: object, folder: Path) -> str:
    assert result.exit_code == 1 and result.stdout == "", result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    return result.stderr.replace(f"{folder}/", "")


def test_grade_refuses_to_write_over_the_registry_it_reads(registry, run) -> None:
    before = {p.name: p.read_bytes() for p in registry.iterdir()}
    out = registry / "enterprises.csv"
    result = run("grade", registry, "-j", "national", "--as-of", "2027-01-01", "-o", out)
    assert refused(result, registry) == (
        "Error: -o enterprises.csv: is the registry's enterprises table (enterprises.csv), an input of this "
        "command; write the output elsewhere\n"
    )
    # a table the registry does not have yet would become one: refused as well
    result = run("grade", registry, "-j", "national", "--as-of", "2027-01-01", "-o", registry / "objections.csv")
    assert "is the registry's objections table" in refused(result, registry)
    assert {p.name: p.read_bytes() for p in registry.iterdir()} == before


def test_plan_refuses_its_inspectors_file_its_parameter_file_and_one_file_for_two_outputs(
    registry, run, tmp_path
) -> None:
    elsewhere = tmp_path / "inspectors.csv"
    shutil.copy(registry / "inspectors.csv", elsewhere)
    args = ["plan", registry, *PLAN, "--inspectors", elsewhere]
    assert "is the inspectors file" in refused(run(*args, "-o", elsewhere), registry)
    link = tmp_path / "link.csv"
    link.symlink_to(elsewhere)
    assert "is the inspectors file" in refused(run(*args, "-o", link), registry)
    config = tmp_path / "national.toml"
    from credsup.core.jurisdiction import load_jurisdiction

    shutil.copy(load_jurisdiction("national").config.files[0], config)
    result = run(*args, "--config", config, "--summary", config)
    assert "is a parameter file of the jurisdiction" in refused(result, registry)
    both = tmp_path / "plan.csv"
    result = run(*args, "-o", both, "--summary", both)
    assert refused(result, registry) == (
        f"Error: --summary {both}: is also given to -o; give each output its own file\n"
    )
    assert not both.exists() and elsewhere.read_bytes() == (registry / "inspectors.csv").read_bytes()


def test_summary_and_a_database_registry_are_guarded_too(registry, run, tmp_path) -> None:
    result = run("registry", "summary", registry, "--as-of", "2027-01-01", "-o", registry / "violations.csv")
    assert "is the registry's violations table" in refused(result, registry)
    db = tmp_path / "r.db"
    url = f"sqlite:///{db}"
    assert run("registry", "to-sql", registry, url).exit_code == 0
    size = db.stat().st_size
    result = run("grade", url, "-j", "national", "--as-of", "2027-01-01", "-o", db)
    assert "is the registry database" in refused(result, registry)
    result = run("registry", "to-sql", registry, f"sqlite:///{registry / 'checklist.csv'}")
    assert "is the registry's checklist table" in refused(result, registry)
    assert db.stat().st_size == size


# ------------------------------------------------------------------------------------- CSV bytes


def csv_module(columns: dict[str, np.ndarray]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(columns))
    writer.writerows(zip(*(np.asarray(v).tolist() for v in columns.values()), strict=True))
    return out.getvalue()


@pytest.mark.parametrize("chunk", [2, 100_000])
def test_csv_text_is_byte_for_byte_the_csv_module(monkeypatch, chunk) -> None:
    monkeypatch.setattr(output, "_CHUNK", chunk)
    tricky = ["a\rb", "a\nb", "a,b", 'a"b', " a", "a\tb", "", "x", "商店"]
    columns = {
        "text": np.array(tricky),
        "int": np.arange(9),
        "float": np.array([0.1, 1e-5, 1e16, 2.5, 3.0, -0.0, 1 / 3, 1e300, np.nan]),
        "flag": np.array([True, False] * 4 + [True]),
        "object": np.array([None, "x", 1, 2.5, "", "q", "r", "s", "t"], dtype=object),
    }
    assert csv_text(columns) == csv_module(columns)
    plain = {k: v[[4, 5, 7, 8]] for k, v in columns.items()}  # nothing to quote: the fast join
    assert csv_text(plain) == csv_module(plain)
    for single in (np.array(["", "x", ""]), np.array([], dtype=str)):
        assert csv_text({"a": single}) == csv_module({"a": single})
