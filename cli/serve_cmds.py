"""``credsup serve``: the registry as a web service for registry systems and the public (docs/serve.md)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import click

from credsup.cli.completion import complete_jurisdictions
from credsup.cli.options import set_option
from credsup.core.errors import InputError

DEFAULT_PORT = 8000


class Duration(click.ParamType):
    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        from credsup.serve.config import parse_duration

        try:
            return parse_duration(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def _require_extra() -> None:
    from credsup.serve import missing_extra

    missing = missing_extra()
    if missing:
        raise InputError(
            f"credsup serve needs the serve extra (missing: {', '.join(missing)}): "
            'pip install "credsup[serve]" (from a clone: pip install -e ".[serve]")'
        )


def run_server(
    app: Any, host: str, port: int, *, proxy_headers: bool, forwarded_allow_ips: str, root_path: str
) -> None:
    """Serve ``app`` with uvicorn until interrupted (tests replace this)."""
    import uvicorn

    uvicorn.run(
        app,
        host=host,
        port=port,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
        root_path=root_path,
        log_level="info",
        server_header=False,
    )


@click.command("serve")
@click.argument("registry")
@click.option(
    "-j",
    "--jurisdiction",
    "name",
    required=True,
    metavar="NAME[+REFORM]",
    shell_complete=complete_jurisdictions,
    help="Jurisdiction plugin to decide with.",
)
@click.option(
    "--config",
    "config",
    type=click.Path(dir_okay=False),
    default=None,
    help="Another parameter file of the jurisdiction.",
)
@set_option()
@click.option(
    "--skip-bad-rows", is_flag=True, help="Leave bad registry rows out (listed on stderr) instead of stopping."
)
@click.option(
    "--inspectors",
    default=None,
    help="Inspectors file or database URL for plans (default: inspectors.csv in the registry folder, if there).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535), help="Port.")
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False),
    default=None,
    envvar="CREDSUP_SERVE_TOKEN_FILE",
    help="File of API tokens, one per line (also $CREDSUP_SERVE_TOKEN). Without a token the internal API refuses all.",
)
@click.option(
    "--reports",
    default=None,
    help="Database URL for the public's breach reports (default: the registry database, or "
    "sqlite:///credsup-reports.db for a CSV folder).",
)
@click.option(
    "--public-url",
    default=None,
    help="Address the public reaches the site at, for QR codes (https://credit.example.cn).",
)
@click.option(
    "--refresh-every", type=Duration(), default=None, help="Also re-read the registry on a schedule (15m, 1h, 300)."
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Serve as of this date instead of today (demonstrations).",
)
@click.option(
    "--secret-file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Key signing the form's session cookie (also $CREDSUP_SERVE_SECRET; default: random per process).",
)
@click.option("--templates", type=click.Path(file_okay=False, exists=True), default=None, help="Own page templates.")
@click.option("--https-only", is_flag=True, help="Send the session cookie over HTTPS only (behind a TLS proxy).")
@click.option("--root-path", default="", help="Path prefix the proxy serves the site under (/credit).")
@click.option(
    "--forwarded-allow-ips",
    default="127.0.0.1",
    show_default=True,
    help="Proxies whose X-Forwarded-* headers are trusted.",
)
def serve_command(
    registry: str,
    name: str,
    config: str | None,
    overrides: tuple[str, ...],
    skip_bad_rows: bool,
    inspectors: str | None,
    host: str,
    port: int,
    token_file: str | None,
    reports: str | None,
    public_url: str | None,
    refresh_every: float | None,
    as_of: dt.datetime | None,
    secret_file: str | None,
    templates: str | None,
    https_only: bool,
    root_path: str,
    forwarded_allow_ips: str,
) -> None:
    """Serve REGISTRY (a CSV folder or a database URL) over HTTP: an internal API for registry systems and
    public commitment pages with QR codes and a report form.

    Internal endpoints (/api/v1, token required): grades with the indicators that decided them, inspection
    probabilities, repair checks, inspection plans, parameters with sources, refresh. Public pages (/e/ID)
    and JSON (/public/v1): commitments, demonstration status, penalties and listings on display; never a
    grade. The registry is read once; POST /api/v1/refresh or --refresh-every reads it again.
    """
    _require_extra()
    from credsup.cli.registry_cmds import jurisdiction_of, report_loading, say
    from credsup.serve.app import create_app
    from credsup.serve.config import ServeConfig, load_secret, load_tokens
    from credsup.serve.snapshot import shown

    tokens, warnings = load_tokens(token_file)
    secret, _configured = load_secret(secret_file)
    j = jurisdiction_of(name, config, overrides)
    settings = ServeConfig(
        registry=registry,
        inspectors=inspectors,
        skip_bad_rows=skip_bad_rows,
        tokens=tokens,
        reports=reports,
        public_url=public_url,
        refresh_every=refresh_every,
        today=as_of.date() if as_of else None,
        secret=secret,
        https_only=https_only,
        templates=templates,
        overrides=overrides,
    )
    app = create_app(settings, j)
    service = app.state.service
    snapshot = service.snapshot
    report_loading(snapshot.registry, snapshot.inspectors.skipped if snapshot.inspectors else ())
    for warning in warnings:
        say(f"warning: {warning}")
    say(
        f"serving {len(snapshot.registry)} enterprise(s) of {shown(registry)} with {j.name} {j.version}"
        + (f" as of {settings.today}" if settings.today else "")
    )
    say(
        f"inspectors for plans: {shown(snapshot.inspectors.location) if snapshot.inspectors else 'none (POST /api/v1/plan is off)'}"
    )
    say(f"public reports go to: {app.state.reports.display_url}")
    if tokens:
        say(f"internal API: {len(tokens)} token(s) accepted")
    else:
        say("warning: no API token configured: every /api/v1 request is refused (--token-file or $CREDSUP_SERVE_TOKEN)")
    if refresh_every:
        say(f"registry refreshed every {refresh_every:g} s")
    address = "localhost" if host in ("127.0.0.1", "::1") else host
    say(f"public page: http://{address}:{port}{root_path}/e/<enterprise id>; API description: /openapi.json")
    logger = logging.getLogger("credsup.serve")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s:     credsup: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    run_server(app, host, port, proxy_headers=True, forwarded_allow_ips=forwarded_allow_ips, root_path=root_path)


COMMANDS = [serve_command]
