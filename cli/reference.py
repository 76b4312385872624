"""The command-line reference, `docs/cli.md`, generated from the commands themselves (as datasette's
`docs/cli-reference.rst`): every command, its usage, its help and every option. Regenerate with
`python -m credsup.cli.reference`; a test fails when it is stale."""

from __future__ import annotations

import sys
from pathlib import Path

import click

CLI_DOC = "docs/cli.md"

INTRO = """# Command-line reference

Every `credsup` command with its options, as `credsup COMMAND --help` prints them. This page is
generated (`python -m credsup.cli.reference`); a test fails when it is stale.

How the options fit together (the same everywhere):

- `--set [J:]KEY.PATH=VALUE` changes a value for one command: `<path>=v` in every jurisdiction of the
  command that has it, `<jurisdiction>:<path>=v` in that one only, `scenario.<path>=v` in the scenario
  (commands that simulate: `run`, `compare`, `sweep`). Values are TOML literals, never code. The same
  parser, metavar and error messages for every command ([configs.md](configs.md)).
- `--out DIR` is a folder, for commands that write several files (`compare`, `sweep`, `results report`,
  `registry generate`); `-o FILE` (`--output FILE`) is one file, for commands that write one (`grade`,
  `plan`, `results export`, `registry summary`; `--out FILE` still works there, with a deprecation
  note). Files are written whole or not at all, with your umask's permissions.
- No command writes over one of its own inputs (a registry table, the inspectors file, a parameter
  file, the results database). An existing file is replaced only with `--force`. An output folder is
  credsup's when it is new, empty, or holds the `.credsup-output` file credsup leaves in every folder it
  writes: `--out report/` may be given again and again, any other existing folder needs `--force`.
- `--json` prints the data as JSON on stdout; numbers are numbers, a seed is the integer `--seed` takes.
- Data goes to stdout, progress and messages to stderr: a live bar on a terminal, a plain line every few
  seconds elsewhere (`CREDSUP_PROGRESS_SECONDS`, default 5; `CREDSUP_PROGRESS=bar|plain|off` to choose).
  `-q` (`--quiet`) silences them, `-v` (`--verbose`) adds detail such as each stage's time; both work
  before or after the command name (`credsup -q compare ...`, `credsup compare ... -q`).
- Tables on a terminal are coloured (a clear difference green when better than the baseline, red when
  worse); `NO_COLOR=1` turns colour off, and a file or a pipe never gets any.
- The results database is `--db URL`, else `$CREDSUP_DB`, else `credsup.db` in your data folder
  (`credsup results path` prints where). Commands that only read never create one.
- Shell completion: `credsup completion bash|zsh|fish` prints the script; it completes commands,
  options, jurisdiction names (and `NAME+` reforms), scenarios, sweeps and stored experiment IDs.
"""


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    out: list[tuple[tuple[str, ...], click.Command]] = []
    ctx = click.Context(group)
    for name in sorted(group.list_commands(ctx)):  # click's contract for groups that load commands lazily
        command = group.get_command(ctx, name)
        if command is None or getattr(command, "hidden", False):
            continue
        path = (*prefix, name)
        out.append((path, command))
        if isinstance(command, click.Group):
            out.extend(_commands(command, path))
    return out


def commands() -> list[tuple[tuple[str, ...], click.Command]]:
    """Every command and subcommand, with its path (``("registry", "generate")``)."""
    from credsup.cli.main import cli

    return _commands(cli)


def help_text(path: tuple[str, ...]) -> str:
    """``credsup PATH --help`` as a user sees it (80 columns)."""
    from click.testing import CliRunner

    from credsup.cli.main import cli

    result = CliRunner().invoke(cli, [*path, "--help"], prog_name="credsup", terminal_width=80)
    if result.exit_code != 0:  # pragma: no cover - a broken command fails its own tests
        raise RuntimeError(result.output)
    return result.output


def reference_markdown() -> str:
    """The text of :data:`CLI_DOC`."""
    parts = [INTRO, "\n## credsup\n\n```text\n" + help_text(()).rstrip() + "\n```\n"]
    for path, _command in commands():
        name = " ".join(path)
        parts.append(f"\n## credsup {name}\n\n```text\n" + help_text(path).rstrip() + "\n```\n")
    return "".join(parts)


def main(argv: list[str] | None = None) -> int:
    root = Path(__file__).resolve().parents[1]
    text = reference_markdown()
    path = root / CLI_DOC
    if "--check" in (argv if argv is not None else sys.argv[1:]):
        return 0 if path.read_text(encoding="utf-8") == text else 1
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
