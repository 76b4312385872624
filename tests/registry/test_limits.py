"""Registry limits (issue 18 point 6, the registry parts of point 2): a documented cell limit that holds
on every reading path, memory that does not grow with the longest cell, and impossible facts reported
as ``file:line: column: problem``: dates out of the supported range, an end before its start, a
registration after the as-of date, control characters. Each case failed (or passed silently) before.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from credsup.registry.errors import RegistryError
from credsup.registry.load import load_registry
from credsup.registry.schema import CELL_LIMIT, MAX_DATE, MIN_DATE

from .conftest import EXAMPLE

HEADER = "id,name,sector,size,registered"


def enterprises(rows: int, **cells: str) -> str:
    """``rows`` plain enterprises E0001.., with ``cells`` ({"E0005": "name text"}) as the name of some."""
    lines = [HEADER]
    for i in range(1, rows + 1):
        ident = f"E{i:04d}"
        lines.append(f"{ident},{cells.get(ident, 'Shop')},retail,small,2015-03-01")
    return "\n".join(lines) + "\n"


def write(folder: Path, table: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{table}.csv").write_text(text, encoding="utf-8")
    return folder


def problems(folder: Path | str, **kwargs: object) -> list[str]:
    with pytest.raises(RegistryError) as info:
        load_registry(folder, **kwargs)
    return [str(p).replace(f"{folder}/", "") for p in info.value.problems]


# ----------------------------------------------------------------------------------- the cell limit


@pytest.mark.parametrize("blank_line", [False, True], ids=["plain", "with-blank-line"])
def test_a_one_megabyte_cell_is_refused_with_its_line_whatever_the_file_looks_like(tmp_path, blank_line) -> None:
    text = enterprises(1000, E0500="x" * 1_048_576)
    if blank_line:  # a blank line used to switch readers, and with them whether any limit applied
        text = text.replace("\nE0003,", "\n\nE0003,")
    folder = write(tmp_path / "reg", "enterprises", text)
    line = 501 + (1 if blank_line else 0)
    assert problems(folder) == [
        f"enterprises.csv:{line}: name: cell of 1,048,576 bytes is longer than the limit of {CELL_LIMIT:,} bytes"
    ]
    reg = load_registry(folder, skip_bad_rows=True)
    assert len(reg) == 999 and "E0500" not in reg.ids.tolist()


def test_the_limit_counts_bytes_and_holds_at_its_edge(tmp_path) -> None:
    at_limit = "x" * CELL_LIMIT
    over = "商" * (CELL_LIMIT // 3 + 1)  # fewer characters than the limit, more bytes (3 each in UTF-8)
    folder = write(tmp_path / "reg", "enterprises", enterprises(3, E0001=at_limit, E0002=over))
    assert problems(folder) == [
        f"enterprises.csv:3: name: cell of {len(over.encode()):,} bytes is longer than the limit of "
        f"{CELL_LIMIT:,} bytes"
    ]
    reg = load_registry(folder, skip_bad_rows=True)
    assert reg["enterprises"]["name"].tolist() == [at_limit, "Shop"]


def test_a_row_of_the_wrong_length_with_a_long_cell_takes_the_row_by_row_reader_and_the_same_limit(tmp_path) -> None:
    text = enterprises(4, E0002="y" * (CELL_LIMIT + 1)).replace("E0004,Shop,retail,small,2015-03-01", "E0004,Shop")
    folder = write(tmp_path / "reg", "enterprises", text)
    assert problems(folder) == [
        f"enterprises.csv:3: name: cell of {CELL_LIMIT + 1:,} bytes is longer than the limit of {CELL_LIMIT:,} bytes",
        "enterprises.csv:5: has 2 field(s), the header has 5",
    ]
    # far beyond the limit the row-by-row reader stops at the line (it never holds such a cell)
    huge = enterprises(4, E0002="y" * (5 * CELL_LIMIT)).replace("E0004,Shop,retail,small,2015-03-01", "E0004,Shop")
    write(folder, "enterprises", huge)
    assert problems(folder) == [
        f"enterprises.csv:3: cannot parse CSV: a cell is longer than the limit of {CELL_LIMIT:,} bytes"
    ]


def test_memory_does_not_grow_with_the_longest_cell(tmp_path) -> None:
    """One long (allowed) cell among 2,000 rows: the loaded columns stay near the size of the file.

    numpy's fixed-width strings held every cell at the width of the longest: 2,000 x 100,000 characters
    x 4 bytes = 800 MB for this file (numpy reports its buffers to tracemalloc).
    """
    folder = write(tmp_path / "reg", "enterprises", enterprises(2000, E1000="z" * 100_000))
    tracemalloc.start()
    try:
        reg = load_registry(folder)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reg["enterprises"]["name"][999] == "z" * 100_000
    assert peak < 20 * 2**20, f"loading a 0.2 MB registry traced {peak / 2**20:.0f} MiB"


# -------------------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "date, ok",
    [
        ("-001-01-01", False),
        ("0001-01-01", False),
        (str(MIN_DATE - dt.timedelta(days=1)), False),
        (str(MIN_DATE), True),
        (str(MAX_DATE), True),
    ],
)
def test_dates_outside_the_supported_range_are_bad_rows(tmp_path, date, ok) -> None:
    folder = write(
        tmp_path / "reg", "enterprises", f"{HEADER}\nE1,Shop,retail,small,2015-03-01\nE2,Shop,retail,small,{date}\n"
    )
    if ok:
        assert load_registry(folder)["enterprises"]["registered"][1] == np.datetime64(date)
    else:
        assert problems(folder) == [
            f"enterprises.csv:3: registered: date '{date}' is outside the supported range {MIN_DATE} to {MAX_DATE}"
        ]


@pytest.mark.parametrize(
    "table, text, expected",
    [
        (
            "violations",
            "id,enterprise,detected,item,severity,rectify_by,rectified_on\n"
            "V1,E1,2026-03-01,hygiene,minor,2026-04-01,2026-02-01\n",
            "violations.csv:2: rectified_on: is before detected",
        ),
        (
            "violations",
            "id,enterprise,detected,item,severity,rectify_by\nV1,E1,2026-03-01,hygiene,minor,2026-02-01\n",
            "violations.csv:2: rectify_by: is before detected",
        ),
        (
            "complaints",
            "id,enterprise,received,founded,verified_on\nQ1,E1,2026-03-01,true,2026-02-01\n",
            "complaints.csv:2: verified_on: is before received",
        ),
        (
            "commitments",
            "id,enterprise,made,kind,verified_on,found_false\nM1,E1,2026-03-01,notification,2026-02-01,true\n",
            "commitments.csv:2: verified_on: is before made",
        ),
        (
            "penalties",
            "id,enterprise,decided,severity,publicity_until,ban,ban_until\n"
            "P1,E1,2026-03-01,serious,2029-03-01,market,2026-01-01\n",
            "penalties.csv:2: ban_until: is before the decision date",
        ),
        (
            "enterprises",
            f"{HEADER},graded_on\nE1,Shop,retail,small,2015-03-01,2014-12-31\n",
            "enterprises.csv:2: graded_on: is before registered",
        ),
    ],
)
def test_an_end_before_its_start_is_a_bad_row(tmp_path, table, text, expected) -> None:
    folder = write(tmp_path / "reg", "enterprises", f"{HEADER}\nE1,Shop,retail,small,2015-03-01\n")
    write(folder, table, text)
    assert problems(folder) == [expected]


def test_a_registration_after_the_as_of_date_is_a_bad_row_not_a_negative_age(tmp_path, run) -> None:
    folder = write(
        tmp_path / "reg",
        "enterprises",
        f"{HEADER}\nE1,Shop,retail,small,2015-03-01\nE2,Later,retail,small,2099-01-01\n",
    )
    write(folder, "inspections", "id,enterprise,date,department\nI1,E2,2026-05-01,market_regulation\n")
    assert problems(folder, as_of=dt.date(2027, 1, 1)) == [
        "enterprises.csv:3: registered: 2099-01-01 is after the as-of date 2027-01-01: the enterprise does not exist "
        "yet on that date"
    ]
    result = run("grade", folder, "-j", "national", "--as-of", "2027-01-01")
    assert result.exit_code == 1 and result.stdout == ""
    assert "enterprises.csv:3: registered: 2099-01-01 is after the as-of date 2027-01-01" in result.stderr
    skipped = run("grade", folder, "-j", "national", "--as-of", "2027-01-01", "--skip-bad-rows")
    assert skipped.exit_code == 0, skipped.stderr
    assert [line.split(",")[0] for line in skipped.stdout.splitlines()] == ["enterprise", "E1"]
    assert "inspections.csv:2: enterprise: 'E2' refers to a skipped row of enterprises" in skipped.stderr
    assert "age=-" not in skipped.stdout
    # without an evaluation date (registry check) the row is fine, and a later date accepts it
    assert len(load_registry(folder)) == 2
    assert len(load_registry(folder, as_of=dt.date(2099, 1, 1))) == 2


@pytest.mark.parametrize(
    "args",
    [
        ["grade", EXAMPLE, "-j", "national", "--as-of", "0001-01-01"],
        ["registry", "summary", EXAMPLE, "--as-of", "1899-12-31"],
        ["repair-check", EXAMPLE, "E000001", "-j", "national", "--as-of", "0001-01-01"],
        ["registry", "generate", "--enterprises", "5", "--seed", "1", "--out", "unused", "--as-of", "0001-01-01"],
        [
            "plan",
            EXAMPLE,
            "-j",
            "national",
            "--inspectors",
            EXAMPLE / "inspectors.csv",
            "--period",
            "0001Q1",
            "--seed",
            "1",
        ],
    ],
    ids=["grade", "summary", "repair-check", "generate", "plan"],
)
def test_an_evaluation_date_outside_the_supported_range_is_one_clear_error(run, args) -> None:
    result = run(*args)
    assert result.exit_code not in (0, 70), result.stderr
    assert result.stdout == ""
    assert "outside the supported range 1900-01-01 to 9999-12-30" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


# ------------------------------------------------------------------------------- control characters


@pytest.mark.parametrize(
    "cell, column, expected",
    [
        ("retail\x00", "sector", "sector: control character U+0000 in 'retail\\x00': cells hold printable text"),
        ("E\x072", "id", "id: control character U+0007 in 'E\\x072': cells hold printable text"),
        ('"retail\nfood"', "sector", "sector: control character U+000A in 'retail\\nfood': cells hold printable text"),
        (
            "Shop\x1b[31m",
            "name",
            "name: control character U+001B in 'Shop\\x1b[31m': cells hold printable text (and tabs and line breaks)",
        ),
    ],
)
@pytest.mark.parametrize("ragged", [False, True], ids=["pyarrow", "row-by-row"])
def test_control_characters_are_bad_rows(tmp_path, cell, column, expected, ragged) -> None:
    row = {"id": "E2", "name": "Shop", "sector": "retail"} | {column: cell}
    text = f"{HEADER}\nE1,Shop,retail,small,2015-03-01\n{row['id']},{row['name']},{row['sector']},small,2015-03-01\n"
    if ragged:  # a short row sends the file to the csv module's reader
        text += "E3,Shop\n"
    folder = write(tmp_path / "reg", "enterprises", text)
    found = problems(folder)
    assert found[0] == f"enterprises.csv:3: {expected}"
    last = 4 + cell.count("\n")  # a quoted line break moves the rows after it down a line
    assert found[1:] == ([f"enterprises.csv:{last}: has 2 field(s), the header has 5"] if ragged else [])


def test_tabs_around_a_cell_are_trimmed_not_refused(tmp_path) -> None:
    folder = write(tmp_path / "reg", "enterprises", f"{HEADER}\nE1\t,\tShop ,retail\t,small,2015-03-01\n")
    ent = load_registry(folder)["enterprises"]
    assert ent["id"].tolist() == ["E1"] and ent["name"].tolist() == ["Shop"] and ent["sector"].tolist() == ["retail"]


def test_free_text_may_hold_tabs_and_line_breaks(tmp_path) -> None:
    folder = write(
        tmp_path / "reg", "enterprises", f'{HEADER}\nE1,"Shop\tNo. 1\nsecond line",retail,small,2015-03-01\n'
    )
    assert load_registry(folder)["enterprises"]["name"].tolist() == ["Shop\tNo. 1\nsecond line"]


# ------------------------------------------------------------------------ numbers and the BOM


def test_numbers_have_documented_maxima(tmp_path) -> None:
    folder = write(tmp_path / "reg", "enterprises", f"{HEADER}\nE1,Shop,retail,small,2015-03-01\n")
    write(
        folder,
        "penalties",
        "id,enterprise,decided,severity,publicity_until,fine\n"
        "P1,E1,2026-01-01,minor,2027-01-01,1e308\nP2,E1,2026-01-01,minor,2027-01-01,1e12\n",
    )
    assert problems(folder) == [
        "penalties.csv:2: fine: expected a finite number from 0 to 1,000,000,000,000, got '1e308'"
    ]
    inspectors = tmp_path / "inspectors.csv"
    inspectors.write_text(f"id,department,capacity\nK1,food,{2**63}\nK2,food,10000\n", encoding="utf-8")
    from credsup.registry.load import load_inspectors

    shutil.copy(EXAMPLE / "enterprises.csv", folder / "enterprises.csv")
    (folder / "penalties.csv").unlink()
    with pytest.raises(RegistryError) as info:
        load_inspectors(inspectors, load_registry(folder))
    assert [str(p) for p in info.value.problems] == [
        f"{inspectors}:2: capacity: expected a whole number from 0 to 10,000, got '{2**63}'"
    ]


def test_a_byte_order_mark_is_accepted_on_the_fast_path(tmp_path) -> None:
    folder = write(tmp_path / "reg", "enterprises", "")
    (folder / "enterprises.csv").write_bytes(f"\ufeff{HEADER}\nE1,Shop,retail,small,2015-03-01\n".encode())
    assert load_registry(folder).ids.tolist() == ["E1"]


# ---------------------------------------------------------------- the same rules on every path


def test_blank_lines_change_line_numbers_and_nothing_else(tmp_path) -> None:
    """A blank line makes pyarrow's rows no longer lines: the rows are matched to their lines again."""
    plain = tmp_path / "plain"
    shutil.copytree(EXAMPLE, plain)
    blank = tmp_path / "blank"
    shutil.copytree(EXAMPLE, blank)
    for folder in (plain, blank):
        path = folder / "violations.csv"
        lines = path.read_text(encoding="utf-8").splitlines()
        lines[20] = lines[20].replace("-", "/", 1)
        if folder is blank:
            lines.insert(5, "")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert problems(plain) == [p.replace(":22:", ":21:") for p in problems(blank)]
    assert problems(plain)[0].startswith("violations.csv:21: detected: bad date")
    a, b = load_registry(plain, skip_bad_rows=True), load_registry(blank, skip_bad_rows=True)
    for table, frame in a.frames.items():
        for column, values in frame.columns.items():
            if column != "_row":
                assert values.tolist() == b[table][column].tolist(), (table, column)


def test_a_database_registry_gets_the_same_checks(tmp_path) -> None:
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'r.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE enterprises (id TEXT, name TEXT, sector TEXT, size TEXT, registered TEXT)"))
        conn.execute(
            sa.text("INSERT INTO enterprises VALUES (:id, :name, :sector, 'small', :registered)"),
            [
                {"id": "E1", "name": "Shop", "sector": "retail\x00", "registered": "2015-03-01"},
                {"id": "E2", "name": "x" * (CELL_LIMIT + 1), "sector": "retail", "registered": "2015-03-01"},
                {"id": "E3", "name": "Shop", "sector": "retail", "registered": "0001-01-01"},
                {"id": "E4", "name": "Shop", "sector": "retail", "registered": "2099-01-01"},
            ],
        )
    assert problems(url, as_of=dt.date(2027, 1, 1)) == [
        f"{url}#enterprises[E1]: sector: control character U+0000 in 'retail\\x00': cells hold printable text",
        f"{url}#enterprises[E2]: name: cell of {CELL_LIMIT + 1:,} bytes is longer than the limit of {CELL_LIMIT:,} "
        "bytes",
        f"{url}#enterprises[E3]: registered: date '0001-01-01' is outside the supported range {MIN_DATE} to {MAX_DATE}",
        f"{url}#enterprises[E4]: registered: 2099-01-01 is after the as-of date 2027-01-01: the enterprise does not "
        "exist yet on that date",
    ]
