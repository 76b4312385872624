"""Reading and checking a registry: every kind of bad row is reported with its file and line, or
skipped and listed with --skip-bad-rows; unreadable inputs get one clear error; nothing is dropped
silently; results do not depend on row order; a database holds the same tables."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pytest

from credsup.registry.errors import RegistryError
from credsup.registry.load import load_inspectors, load_registry
from credsup.registry.summary import summarise

from .conftest import AS_OF, EXAMPLE, shuffled_copy

ENTERPRISES = """
    id,sector,size,registered,grade
    E1,retail,small,2015-03-01,B
    E2,food_beverage,micro,2020-06-01,
    E3,automobile_4s,medium,2010-01-01,A
"""
INSPECTIONS = """
    id,enterprise,date,department,source,inspectors
    I1,E1,2025-05-01,market_regulation,spot_check,K1;K2
    I2,E2,2026-02-01,market_regulation,spot_check,K3;K4
"""


def rel(text: object, folder: Path) -> str:
    """A message with the registry folder left out, for readable expectations."""
    return str(text).replace(f"{folder}/", "")


def problems(folder: Path, **kwargs: object) -> list[str]:
    with pytest.raises(RegistryError) as info:
        load_registry(folder, **kwargs)
    return [str(p) for p in info.value.problems]


# ------------------------------------------------------------------------------------ each bad row


@pytest.mark.parametrize(
    "table, text, expected",
    [
        (
            "inspections",
            INSPECTIONS.replace("I2,E2", "I2,E9"),
            "inspections.csv:3: enterprise: unknown enterprise id 'E9'",
        ),
        (
            "inspections",
            INSPECTIONS.replace("2026-02-01", "2026-02-30"),
            "inspections.csv:3: date: bad date '2026-02-30': expected YYYY-MM-DD",
        ),
        (
            "inspections",
            INSPECTIONS.replace("2026-02-01", "01/02/2026"),
            "inspections.csv:3: date: bad date '01/02/2026'",
        ),
        ("inspections", INSPECTIONS.replace("2026-02-01", "2026-02"), "inspections.csv:3: date: bad date '2026-02'"),
        (
            "enterprises",
            ENTERPRISES.replace("01,A", "01,E"),
            "enterprises.csv:4: grade: unknown grade 'E': expected one of A, B, C, D",
        ),
        (
            "inspections",
            INSPECTIONS.replace("spot_check,K3", "raid,K3"),
            "inspections.csv:3: source: unknown source 'raid': expected one of spot_check, full_coverage",
        ),
        ("enterprises", ENTERPRISES.replace("E3,", "E1,"), "enterprises.csv:2: id: duplicate id 'E1' (also at"),
        (
            "enterprises",
            ENTERPRISES.replace("E2,food_beverage,micro,2020-06-01,", "E2,food_beverage,micro,2020-06-01"),
            "enterprises.csv:3: has 4 field(s), the header has 5",
        ),
        (
            "enterprises",
            ENTERPRISES.replace("E2,food_beverage,micro,", "E2,food_beverage,,"),
            "enterprises.csv:3: size: missing value",
        ),
    ],
)
def test_each_bad_row_is_an_error_with_file_and_line(write_registry, table, text, expected) -> None:
    tables = {"enterprises": ENTERPRISES, "inspections": INSPECTIONS, table: text}
    folder = write_registry(**tables)
    found = problems(folder)
    assert any(expected in p for p in found), found
    assert all(str(folder) in p for p in found)


def test_every_bad_row_is_reported_not_just_the_first(write_registry) -> None:
    folder = write_registry(
        enterprises=ENTERPRISES.replace("small", "huge").replace("01,A", "01,Z"),
        inspections=INSPECTIONS.replace("I1,E1", "I1,E7").replace("2026-02-01", "x"),
    )
    assert [rel(p, folder) for p in problems(folder)] == [
        "enterprises.csv:2: size: unknown size 'huge': expected one of micro, small, medium, large",
        "enterprises.csv:4: grade: unknown grade 'Z': expected one of A, B, C, D",
        "inspections.csv:2: enterprise: unknown enterprise id 'E7' (not in enterprises.csv)",
        "inspections.csv:3: date: bad date 'x': expected YYYY-MM-DD",
    ]


@pytest.mark.parametrize("kind, bad", [("commitments", "kind"), ("listings", "list"), ("penalties", "ban")])
def test_unknown_kinds_of_events(write_registry, kind, bad) -> None:
    text = {
        "commitments": "id,enterprise,made,kind\nM1,E1,2026-01-01,promise\n",
        "listings": "id,enterprise,list,start\nL1,E1,blacklist,2026-01-01\n",
        "penalties": "id,enterprise,decided,severity,publicity_until,ban,ban_until\n"
        "P1,E1,2026-01-01,serious,2027-01-01,prison,2030-01-01\n",
    }[kind]
    folder = write_registry(enterprises=ENTERPRISES, **{kind: text})
    assert problems(folder) and f"{kind}.csv:2: {bad}: unknown {bad}" in problems(folder)[0]


def test_references_must_exist_and_belong_to_the_same_enterprise(write_registry) -> None:
    folder = write_registry(
        enterprises=ENTERPRISES,
        inspections=INSPECTIONS,
        violations="id,enterprise,detected,item,severity,inspection\n"
        "V1,E1,2025-05-01,price_marking,minor,I2\nV2,E1,2025-05-01,price_marking,minor,I9\n",
        penalties="id,enterprise,decided,severity,publicity_until,ban\nP1,E1,2026-01-01,serious,2027-01-01,market\n",
        repairs="id,enterprise,record,record_id,applied,fulfilled\nR1,E2,penalty,P1,2026-06-01,rectified;luck\n",
    )
    found = [rel(p, folder) for p in problems(folder)]
    assert found == [
        "violations.csv:2: inspection: 'I2' belongs to enterprise 'E2', not 'E1'",
        "violations.csv:3: inspection: unknown inspections id 'I9' (not in inspections.csv)",
        "penalties.csv:2: ban_until: required when ban is not none (9999-12-31 for lifelong)",
        "repairs.csv:2: record_id: 'P1' is a record of enterprise 'E1', not 'E2'",
    ]


def test_missing_required_column_and_unknown_column(write_registry) -> None:
    folder = write_registry(enterprises="id,sector,registered,colour\nE1,retail,2015-03-01,red\n")
    assert problems(folder) == [
        f"{folder}/enterprises.csv:1: colour: unknown column; the columns of enterprises are "
        "id, name, sector, size, registered, key_sector, emerging, annual_report_filed, tax_compliant, "
        "social_security_compliant, ip_holder, self_report_verified, industry_grade, grade, graded_on, "
        "demonstration",
        f"{folder}/enterprises.csv:1: size: required column is missing (header: id, sector, registered, colour)",
    ]
    folder = write_registry("typo", enterprises="id,sector,size,registred\nE1,retail,small,2015-03-01\n")
    assert "registred: unknown column (did you mean 'registered'?)" in problems(folder)[0]


# ------------------------------------------------------------------------------ unreadable inputs


def test_unreadable_inputs_get_one_clear_error(tmp_path, write_registry) -> None:
    assert problems(tmp_path / "nowhere") == [
        f"{tmp_path}/nowhere: registry not found: expected a folder of CSV files or a database URL (sqlite:///file.db)"
    ]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert problems(empty) == [f"{empty}/enterprises.csv: file not found", "docs/registry.md describes every table"][:1]
    folder = write_registry("latin1", enterprises="")
    (folder / "enterprises.csv").write_bytes(
        ENTERPRISES.replace("    ", "").lstrip().encode() + "E4,café,small,2015-03-01,\n".encode("latin-1")
    )
    assert problems(folder) == [
        f"{folder}/enterprises.csv:5: not UTF-8 text (invalid continuation byte); save the file as UTF-8"
    ]
    folder = write_registry("blank", enterprises="\n")
    assert "enterprises.csv:1: no header line" in problems(folder)[0]
    folder = write_registry("dir", enterprises=ENTERPRISES)
    (folder / "inspections.csv").mkdir()
    assert problems(folder) == [f"{folder}/inspections.csv: is a directory, expected a CSV file"]
    assert problems(write_registry("needs", enterprises=ENTERPRISES), need=["checklist"]) == [
        f"{tmp_path}/needs/checklist.csv: file not found"
    ]


# ---------------------------------------------------------------------------------- skip-bad-rows


def test_skip_bad_rows_lists_every_skipped_row_and_what_refers_to_it(write_registry) -> None:
    folder = write_registry(
        enterprises=ENTERPRISES.replace("E2,food_beverage,micro", "E2,food_beverage,giant"),
        inspections=INSPECTIONS + "I3,E1,2026-13-01,market_regulation,spot_check,\n",
        violations="id,enterprise,detected,item,severity,inspection\nV1,E1,2026-02-01,hygiene,general,I3\n",
    )
    reg = load_registry(folder, skip_bad_rows=True)
    assert [rel(p, folder) for p in reg.skipped] == [
        "enterprises.csv:3: size: unknown size 'giant': expected one of micro, small, medium, large",
        "inspections.csv:3: enterprise: 'E2' refers to a skipped row of enterprises (enterprises.csv:3)",
        "inspections.csv:4: date: bad date '2026-13-01': expected YYYY-MM-DD",
        "violations.csv:2: inspection: 'I3' refers to a skipped row of inspections (inspections.csv:4)",
    ]
    assert reg.ids.tolist() == ["E1", "E3"]
    assert reg["inspections"]["id"].tolist() == ["I1"] and len(reg["violations"]) == 0


def test_cli_reports_bad_rows_and_exits_1(write_registry, run) -> None:
    folder = write_registry(enterprises=ENTERPRISES, inspections=INSPECTIONS.replace("I2,E2", "I2,E9"))
    result = run("grade", folder, "-j", "national", "--as-of", "2027-01-01")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: {folder}/inspections.csv:3: enterprise: unknown enterprise id 'E9' (not in {folder}/enterprises.csv)",
        "(--skip-bad-rows leaves the bad rows out and lists every one)",
    ]
    result = run("grade", folder, "-j", "national", "--as-of", "2027-01-01", "--skip-bad-rows")
    assert result.exit_code == 0
    assert (
        f"skipped 1 bad row(s):\n  {folder}/inspections.csv:3: enterprise: unknown enterprise id 'E9'" in result.stderr
    )
    assert len(result.stdout.splitlines()) == 4  # header + 3 enterprises


def test_corrupted_example_registry_reports_file_and_line(tmp_path, run) -> None:
    folder = tmp_path / "corrupt"
    shutil.copytree(EXAMPLE, folder)
    lines = (folder / "violations.csv").read_text().splitlines()
    lines[9] = lines[9].replace("-", "/", 1)
    (folder / "violations.csv").write_text("\n".join(lines) + "\n")
    result = run(
        "plan", folder, "-j", "national", "--inspectors", folder / "inspectors.csv", "--period", "2027Q1", "--seed", "1"
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {folder}/violations.csv:10: detected: bad date")


# ------------------------------------------------------------------------------------ CSV dialect


def test_quoted_newlines_blank_lines_crlf_and_bom_keep_exact_line_numbers(write_registry) -> None:
    text = (
        '\ufeffid,name,sector,size,registered\r\nE1,"Shop, with comma",retail,small,2015-03-01\r\n'
        '\r\nE2,"Two\r\nline name",retail,small,2015-03-01\r\nE3,Bad,retail,small,2015-13-01\r\n'
    )
    folder = write_registry(enterprises="")
    (folder / "enterprises.csv").write_bytes(text.encode("utf-8"))
    assert problems(folder) == [f"{folder}/enterprises.csv:6: registered: bad date '2015-13-01': expected YYYY-MM-DD"]
    (folder / "enterprises.csv").write_bytes(text.replace("2015-13-01", "2015-12-01").encode("utf-8"))
    reg = load_registry(folder)
    assert reg["enterprises"]["name"].tolist() == ["Shop, with comma", "Two\r\nline name", "Bad"]


def test_cells_are_trimmed_and_words_are_case_insensitive(write_registry) -> None:
    folder = write_registry(
        enterprises="id,sector,size,registered,grade,demonstration\n E1 , retail , SMALL ,2015-03-01, b , Yes\n"
    )
    ent = load_registry(folder)["enterprises"]
    assert ent["id"].tolist() == ["E1"] and ent["size"].tolist() == [1] and ent["grade"].tolist() == [1]
    assert ent["demonstration"].tolist() == [True]


def test_results_do_not_depend_on_row_order(tmp_path) -> None:
    shuffled = shuffled_copy(EXAMPLE, tmp_path / "shuffled", seed=5)
    a, b = summarise(load_registry(EXAMPLE), AS_OF), summarise(load_registry(shuffled), AS_OF)
    assert a.equals(b)


def test_notes_name_files_that_are_not_tables(tmp_path) -> None:
    folder = tmp_path / "reg"
    shutil.copytree(EXAMPLE, folder)
    (folder / "complaints.csv").rename(folder / "complaint.csv")
    reg = load_registry(folder)
    assert reg.notes == (f"{folder}/complaint.csv: not a registry table, ignored (did you mean complaints.csv?)",)
    assert len(reg["complaints"]) == 0 and "complaints" not in [i.table for i in reg.inputs]


# --------------------------------------------------------------------------------------- databases


def test_a_database_holds_the_same_registry(tmp_path, run) -> None:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    result = run("registry", "to-sql", EXAMPLE, url, "--inspectors", EXAMPLE / "inspectors.csv")
    assert result.exit_code == 0, result.stderr
    assert "enterprises: 1000 rows" in result.stderr
    from_csv, from_db = load_registry(EXAMPLE), load_registry(url)
    assert summarise(from_csv, AS_OF).equals(summarise(from_db, AS_OF))
    assert (
        load_inspectors(url, from_db)[0]["id"].tolist()
        == load_inspectors(EXAMPLE / "inspectors.csv", from_csv)[0]["id"].tolist()
    )
    plan = ["plan", "-j", "national", "--period", "2027Q1", "--seed", "9"]
    by_csv = run(plan[0], EXAMPLE, *plan[1:], "--inspectors", EXAMPLE / "inspectors.csv")
    by_db = run(plan[0], url, *plan[1:], "--inspectors", url)
    assert by_db.exit_code == 0 and by_db.stdout == by_csv.stdout
    again = run("registry", "to-sql", EXAMPLE, url)
    assert again.exit_code == 1 and "already exist; write into an empty database" in again.stderr


def test_database_bad_rows_name_the_table_and_row(tmp_path) -> None:
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'r.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE enterprises (id TEXT, sector TEXT, size TEXT, registered TEXT)"))
        conn.execute(
            sa.text(
                "INSERT INTO enterprises VALUES ('E1','retail','small','2015-03-01'),"
                "('E2','retail','tiny','2015-03-01')"
            )
        )
        conn.execute(sa.text("CREATE TABLE inspections (id TEXT, enterprise TEXT, date DATE, department TEXT)"))
        conn.execute(sa.text("INSERT INTO inspections VALUES ('I1','E3','2026-01-01','m')"))
    assert problems(url) == [
        f"{url}#enterprises[E2]: size: unknown size 'tiny': expected one of micro, small, medium, large",
        f"{url}#inspections[I1]: enterprise: unknown enterprise id 'E3' (not in {url}#enterprises)",
    ]
    typo = tmp_path / "registy.db"
    assert problems(f"sqlite:///{typo}") == [f"sqlite:///{typo}: database file not found: {typo}"]
    assert not typo.exists()  # reading never creates a database
    assert problems("nosuchdriver://x")[0].startswith("nosuchdriver://x: cannot open the database: NoSuchModuleError")


def test_dates_from_a_database_may_be_typed(tmp_path) -> None:
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'typed.db'}"
    md = sa.MetaData()
    t = sa.Table(
        "enterprises",
        md,
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("sector", sa.String),
        sa.Column("size", sa.String),
        sa.Column("registered", sa.Date),
        sa.Column("demonstration", sa.Boolean),
    )
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        md.create_all(conn)
        conn.execute(
            t.insert(),
            [
                {
                    "id": "E1",
                    "sector": "retail",
                    "size": "small",
                    "registered": dt.date(2015, 3, 1),
                    "demonstration": True,
                }
            ],
        )
    ent = load_registry(url)["enterprises"]
    assert ent["registered"].tolist() == [dt.date(2015, 3, 1)] and ent["demonstration"].tolist() == [True]
    assert np.array_equal(ent["size"], [1])
