"""Named reforms, and the one grammar for naming a jurisdiction with reforms: ``national+my-reform``.

A reform is a small TOML file of parameter changes on top of a jurisdiction (OpenFisca's reforms are the
model): the same ``{ value, source }`` leaves as a jurisdiction file, dated or not (:mod:`credsup.core.dated`),
plus a few top-level keys::

    reform = "repair-serious-two-years"
    title = "Serious penalty information stays public two years before repair"
    applies_to = ["national"]          # optional: the reform only makes sense on these (or layers on them)

    [repair.min_publicity_days]
    serious = [{ since = 2027-01-01, value = 730, source = "assumption: ..." }]

Wherever a jurisdiction is named (``-j`` of run, compare, grade, plan, params; a sweep spec's
``jurisdictions``), ``NAME+REFORM+REFORM...`` applies the reforms in order. A reform is the name of a
file in ``configs/reforms/`` (``my-reform`` is ``configs/reforms/my-reform.toml``) or a path to any
TOML file (anything with a ``/`` or ending in ``.toml``).
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path
from typing import Any

import attrs

from credsup.core.errors import ConfigError, InputError, Problem

#: Top-level keys of a reform file that are not parameters.
REFORM_META_KEYS = ("reform", "title", "applies_to")
_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")


@attrs.frozen
class JurisdictionRef:
    """A jurisdiction named with its reforms: ``national+a+b`` -> base ``national``, reforms ``(a, b)``."""

    base: str
    reforms: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The name as it is shown and stored (the text that names it again)."""
        return "+".join((self.base, *self.reforms))

    def __str__(self) -> str:
        return self.label


def parse_ref(text: str) -> JurisdictionRef:
    """Read ``NAME[+REFORM]...``; raises :class:`InputError` for an empty part (``national+``)."""
    parts = [p.strip() for p in str(text).split("+")]
    if not parts[0] or any(not p for p in parts):
        raise InputError(f"cannot read jurisdiction {text!r}: expected NAME or NAME+REFORM[+REFORM...]")
    return JurisdictionRef(parts[0], tuple(parts[1:]))


def reforms_dir() -> Any:
    """The folder of the built-in reforms (``configs/reforms``)."""
    return files("credsup.configs") / "reforms"


def builtin_reforms() -> list[str]:
    """Names of the reforms shipped in ``configs/reforms``."""
    folder = reforms_dir()
    return sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))


def reform_path(token: str) -> Any:
    """The file a reform token names: a built-in reform's, or the path given.

    Raises :class:`InputError` naming the built-in reforms when neither exists.
    """
    if "/" in token or token.endswith(".toml"):
        path = Path(token)
        if not path.is_file():
            raise InputError(f"reform {token}: file not found")
        return path
    candidate = reforms_dir() / f"{token}.toml"
    if not _NAME.match(token) or not candidate.is_file():
        known = ", ".join(builtin_reforms()) or "none"
        raise InputError(f"unknown reform '{token}': not in configs/reforms (built-in: {known}) and not a .toml path")
    return candidate


def check_applies(file: str, raw: dict[str, Any], chain: tuple[str, ...], name: str) -> None:
    """A reform's ``applies_to`` names the jurisdiction or a layer it builds on, else ConfigError."""
    applies = raw.get("applies_to")
    if applies is None:
        return
    if isinstance(applies, str):
        applies = [applies]
    if not isinstance(applies, list) or not all(isinstance(a, str) for a in applies):
        raise ConfigError([Problem(file, "applies_to", "expected a list of jurisdiction names")])
    if not set(applies) & set(chain):
        raise ConfigError(
            [
                Problem(
                    file,
                    "applies_to",
                    f"this reform applies to {', '.join(applies)}, not to '{name}' "
                    f"(which builds on {' -> '.join(reversed(chain))})",
                )
            ]
        )


__all__ = [
    "REFORM_META_KEYS",
    "JurisdictionRef",
    "builtin_reforms",
    "check_applies",
    "parse_ref",
    "reform_path",
]
