"""`credsup serve` on the command line: one command, defaults on loopback, one clear line for every mistake."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from credsup.cli import serve_cmds
from credsup.cli.main import cli

from .conftest import EXAMPLE, TOKEN


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict:
    """Replace uvicorn with a recorder: what would have been served, and how."""
    seen: dict = {}

    def record(app, host, port, **kwargs):
        seen.update(app=app, host=host, port=port, **kwargs)

    monkeypatch.setattr(serve_cmds, "run_server", record)
    monkeypatch.delenv("CREDSUP_SERVE_TOKEN", raising=False)
    monkeypatch.delenv("CREDSUP_SERVE_TOKEN_FILE", raising=False)
    return seen


def run(*args: object, env: dict | None = None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def test_one_command_serves_on_loopback(served, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = run("serve", EXAMPLE, "-j", "national")
    assert out.exit_code == 0, out.output
    assert served["host"] == "127.0.0.1" and served["port"] == 8000 and served["proxy_headers"] is True
    assert served["forwarded_allow_ips"] == "127.0.0.1" and served["root_path"] == ""
    app = served["app"]
    assert len(app.state.service.snapshot.registry) == 1000
    assert app.state.service.snapshot.inspectors is not None  # examples/registry/inspectors.csv
    assert "serving 1000 enterprise(s)" in out.stderr
    assert "warning: no API token configured" in out.stderr
    assert "sqlite:///credsup-reports.db" in out.stderr


def test_options_reach_the_service(served, tmp_path: Path) -> None:
    tokens = tmp_path / "tokens"
    tokens.write_text(TOKEN + "\n", encoding="utf-8")
    tokens.chmod(0o600)
    out = run(
        "serve", EXAMPLE, "-j", "dalian", "--host", "0.0.0.0", "--port", "9001", "--token-file", tokens,
        "--as-of", "2027-01-01", "--refresh-every", "15m", "--public-url", "https://credit.example.cn",
        "--reports", f"sqlite:///{tmp_path / 'r.db'}", "--set", "publicity.complaint_multiplier=3.0",
        "--root-path", "/credit",
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    app = served["app"]
    assert (served["host"], served["port"], served["root_path"]) == ("0.0.0.0", 9001, "/credit")
    config = app.state.config
    assert config.refresh_every == 900 and config.public_url == "https://credit.example.cn"
    assert app.state.service.today().isoformat() == "2027-01-01"
    assert app.state.tokens.accepts(TOKEN)
    assert app.state.service.jurisdiction.params.publicity.complaint_multiplier == 3.0
    assert "1 token(s) accepted" in out.stderr and TOKEN not in out.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("serve", "no/such/registry", "-j", "national"), "registry not found"),
        (("serve", EXAMPLE, "-j", "atlantis"), "unknown jurisdiction 'atlantis'"),
        (("serve", EXAMPLE, "-j", "national", "--token-file", "no-such-file"), "no-such-file: token file not found"),
        (("serve", EXAMPLE, "-j", "national", "--set", "inspection.rate_per_year.D=-1"), "inspection.rate_per_year.D"),
        (("serve", EXAMPLE, "-j", "national", "--inspectors", "nope.csv"), "nope.csv: file not found"),
        (("serve", EXAMPLE, "-j", "national", "--reports", "nosuchdriver://x"), "cannot open the reports store"),
    ],
)
def test_mistakes_are_one_line_and_exit_1(served, args, message, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = run(*args)
    assert out.exit_code == 1, out.output
    assert message in out.stderr and "Traceback" not in out.output
    assert "app" not in served  # nothing was served


def test_bad_option_values_are_usage_errors(served) -> None:
    out = run("serve", EXAMPLE, "-j", "national", "--refresh-every", "1s")
    assert out.exit_code == 2 and "--refresh-every" in out.stderr
    out = run("serve", EXAMPLE, "-j", "national", "--port", "70000")
    assert out.exit_code == 2


def test_a_short_token_in_the_environment_is_refused(served) -> None:
    out = run("serve", EXAMPLE, "-j", "national", env={"CREDSUP_SERVE_TOKEN": "short"})
    assert out.exit_code == 1 and "CREDSUP_SERVE_TOKEN" in out.stderr and "short" not in out.stderr.split(":")[0]


def test_without_the_serve_extra_the_message_says_what_to_install(served, monkeypatch) -> None:
    monkeypatch.setattr("credsup.serve.missing_extra", lambda: ["fastapi", "uvicorn"])
    out = run("serve", EXAMPLE, "-j", "national")
    assert out.exit_code == 1
    assert out.stderr.strip() == (
        'Error: credsup serve needs the serve extra (missing: fastapi, uvicorn): pip install "credsup[serve]" '
        '(from a clone: pip install -e ".[serve]")'
    )
