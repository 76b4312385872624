"""Registry outputs a spreadsheet and pandas can use (issue 19 point 4), guarded against overwriting
(issue 18 point 3): indicators as columns, letters and names instead of codes, --force, owned folders."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from credsup.cli.main import cli

EXAMPLE = Path(__file__).parents[2] / "examples" / "registry"
AS_OF = "2027-01-01"


def invoke(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_grade_gives_each_indicator_its_own_column() -> None:
    graded = invoke("grade", EXAMPLE, "-j", "national", "--as-of", AS_OF)
    assert graded.exit_code == 0, graded.output
    table = rows(graded.stdout)
    header = next(csv.reader(io.StringIO(graded.stdout)))
    assert len(header) == len(set(header)) and "previous_demonstration" in header
    assert header[:5] == ["enterprise", "grade", "previous_grade", "demonstration", "decided_by"]
    assert "record" not in header and {"serious_36m", "listed_until", "annual_report_filed"} <= set(header)
    # the oracle: the record summary of the same registry on the same day (`credsup registry summary`)
    summary = {r["enterprise"]: r for r in rows(invoke("registry", "summary", EXAMPLE, "--as-of", AS_OF).stdout)}
    for row in table:
        mine = summary[row["enterprise"]]
        assert row["serious_36m"] == mine["serious_36m"] and row["minor_36m"] == mine["minor_36m"]
        assert row["annual_report_filed"] == mine["annual_report_filed"] in ("true", "false")
        assert row["listed_until"] in ("", mine["listed_until"])
        assert not any("=" in row[c] for c in header[5:])  # values, not "name=value" texts
    decided = [r for r in table if r["decided_by"].startswith("serious_36m=")]
    assert decided and all(int(r["serious_36m"]) > 0 for r in decided)


def test_grade_json_types_the_values() -> None:
    doc = json.loads(invoke("grade", EXAMPLE, "-j", "national", "--as-of", AS_OF, "--json").stdout)
    assert doc["jurisdiction"] == "national" and doc["as_of"] == AS_OF and len(doc["enterprises"]) == 1000
    first = doc["enterprises"][0]
    assert isinstance(first["serious_36m"], int) and isinstance(first["annual_report_filed"], bool)
    assert isinstance(first["decided_by"], list)
    csv_rows = {r["enterprise"]: r for r in rows(invoke("grade", EXAMPLE, "-j", "national", "--as-of", AS_OF).stdout)}
    for e in doc["enterprises"]:
        assert e["grade"] == csv_rows[e["enterprise"]]["grade"]
        assert "; ".join(e["decided_by"]) == csv_rows[e["enterprise"]]["decided_by"]


def test_registry_summary_writes_letters_and_names() -> None:
    table = rows(invoke("registry", "summary", EXAMPLE, "--as-of", AS_OF).stdout)
    enterprises = {r["id"]: r for r in rows((EXAMPLE / "enterprises.csv").read_text())}
    assert {r["size"] for r in table} <= {"micro", "small", "medium", "large"}
    assert {r["grade"] for r in table} <= {"", "A", "B", "C", "D"} and {r["industry_grade"] for r in table} <= {
        "",
        "A",
        "B",
        "C",
        "D",
    }
    for r in table:  # the registry's own words for size
        assert r["size"] == enterprises[r["enterprise"]]["size"]


def test_plan_json_holds_the_published_summary_and_every_inspection() -> None:
    words = ["plan", EXAMPLE, "-j", "national", "--inspectors", EXAMPLE / "inspectors.csv", "--period", "2027Q1"]
    text = invoke(*words, "--seed", "5")
    doc = json.loads(invoke(*words, "--seed", "5", "--json").stdout)
    assert doc["seed"] == 5 and len(doc["plan"]) == len(rows(text.stdout)) == doc["inspections"]
    assert [str(i["enterprise"]) for i in doc["plan"]] == [r["enterprise"] for r in rows(text.stdout)]


def test_an_existing_output_file_needs_force(tmp_path: Path) -> None:
    out = tmp_path / "grades.csv"
    out.write_text("keep\n")
    refused = invoke("grade", EXAMPLE, "-j", "national", "--as-of", AS_OF, "-o", out)
    assert refused.exit_code == 1 and f"-o {out}: the file exists; add --force" in refused.stderr
    assert out.read_text() == "keep\n"
    assert invoke("grade", EXAMPLE, "-j", "national", "--as-of", AS_OF, "-o", out, "--force").exit_code == 0
    assert out.read_text().startswith("enterprise,grade")
    own = invoke("grade", EXAMPLE, "-j", "national", "-o", EXAMPLE / "enterprises.csv", "--force")
    assert own.exit_code == 1 and "an input of this command" in own.stderr  # --force never covers an input


def test_generate_writes_into_new_empty_or_its_own_folders_only(tmp_path: Path) -> None:
    out = tmp_path / "reg"
    for _ in range(2):
        made = invoke("registry", "generate", "--enterprises", "50", "--seed", "1", "--out", out)
        assert made.exit_code == 0, made.output
    assert (out / ".credsup-output").is_file() and (out / "enterprises.csv").is_file()
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "enterprises.csv").write_text("precious\n")
    refused = invoke("registry", "generate", "--enterprises", "50", "--seed", "1", "--out", foreign)
    assert refused.exit_code == 1 and "add --force" in refused.stderr
    assert (foreign / "enterprises.csv").read_text() == "precious\n"
    assert (
        invoke("registry", "generate", "--enterprises", "50", "--seed", "1", "--out", foreign, "--force").exit_code == 0
    )
    checked = invoke("registry", "check", foreign, "--json")
    assert checked.exit_code == 0 and json.loads(checked.stdout)["enterprises"] == 50


def test_the_fast_csv_writer_gives_the_csv_modules_bytes(monkeypatch) -> None:
    """Many-column tables (the grade CSV) are written by pyarrow; whatever it writes must be what the
    csv module writes, and a chunk that needs quoting falls back to the csv module."""
    import numpy as np

    from credsup.registry import output

    monkeypatch.setattr(output, "_CHUNK", 3)
    columns = {
        "id": np.array(["E1", "E2", "E3", "E4", "E5", "E6", "E7"]),
        "count": np.array([0, 1, 2, 3, 40, 5, 6], dtype=np.int16),
        "flag": output.Labels(np.array([0, 1, 1, 0, 0, 1, 0], dtype=np.int8), ("false", "true")),
        "reason": np.array(["", "a (without: B); b=1", "x", "needs, quoting", 'a "quote"', "", "商店"], dtype=object),
    }
    text = "".join(output.csv_chunks(columns))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(list(columns))
    plain = [c.text() if isinstance(c, output.Labels) else c for c in columns.values()]
    writer.writerows(zip(*(np.asarray(c).tolist() for c in plain)))
    assert text == buf.getvalue()
    doc = json.loads("".join(output.json_chunks({}, columns, key="rows")))
    assert [r["flag"] for r in doc["rows"]] == [False, True, True, False, False, True, False]
