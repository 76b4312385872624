"""``credsup plugin new``: write a jurisdiction plugin project from the templates in ``cli/templates/plugin``.

The project is a pip-installable package that works at once: its hooks start as the national
baseline's (one calls a ``credsup.plugins.national`` function, one returns None, one is a one-row rule),
its config inherits national's parameters, and its tests run the conformance suite. It is written into
a temporary directory beside the target and renamed into place, so a failure leaves nothing behind.
"""

from __future__ import annotations

import keyword
import os
import re
import shutil
import string
import tempfile
from importlib.resources import files
from pathlib import Path

import attrs

from credsup.core.discovery import discover
from credsup.core.errors import InputError
from credsup.core.hookspecs import CONTRACT_VERSION

TEMPLATES = files("credsup.cli") / "templates" / "plugin"
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")
#: The longest plugin name: assumption, a jurisdiction's name is a short identifier (a region's name in
#: pinyin), and it becomes file and folder names (``credsup_<name>``, ``test_<name>.py``) that must stay
#: well within a file system's 255 bytes.
MAX_NAME_LENGTH = 64

#: template file -> path in the project (itself a template: ``$module``, ``$name``)
LAYOUT: tuple[tuple[str, str], ...] = (
    ("pyproject.toml.tmpl", "pyproject.toml"),
    ("README.md.tmpl", "README.md"),
    ("gitignore.tmpl", ".gitignore"),
    ("module/__init__.py.tmpl", "src/$module/__init__.py"),
    ("module/config.toml.tmpl", "src/$module/$name.toml"),
    ("tests/conftest.py.tmpl", "tests/conftest.py"),
    ("tests/test_conformance.py.tmpl", "tests/test_conformance.py"),
    ("tests/test_rules.py.tmpl", "tests/test_$name.py"),
)


@attrs.frozen
class Project:
    """A generated plugin project."""

    name: str
    root: Path
    module: str
    distribution: str
    files: tuple[Path, ...]


def check_name(name: str) -> None:
    """Raise :class:`InputError` unless ``name`` can be a new jurisdiction's name."""
    if len(name) > MAX_NAME_LENGTH:
        raise InputError(
            f"'{name[:20]}...' cannot be a plugin name: it has {len(name)} characters, at most {MAX_NAME_LENGTH} "
            "are allowed (it becomes file and folder names)"
        )
    if keyword.iskeyword(name):
        raise InputError(
            f"'{name}' cannot be a plugin name: it is a Python keyword, and the name becomes the "
            f"module credsup_<name> and an identifier in tests (e.g. '{_suggest(name)}')"
        )
    if not NAME_PATTERN.match(name):
        raise InputError(
            f"'{name}' cannot be a plugin name: use lower-case letters, digits and underscores, starting "
            f"with a letter (e.g. '{_suggest(name)}'); it becomes the jurisdiction's name, the module "
            f"credsup_<name> and the distribution credsup-<name>"
        )
    for info in discover(load=False):
        if info.name == name:
            raise InputError(
                f"a jurisdiction called '{name}' is already installed (from {info.distribution}); choose "
                "another name, or uninstall that one first"
            )


def _suggest(name: str) -> str:
    cleaned = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_")
    if not cleaned or not cleaned[0].isalpha():
        cleaned = "region_" + cleaned
    return cleaned if not keyword.iskeyword(cleaned) else cleaned + "_region"


def credsup_requirement() -> str:
    """``credsup>=MAJOR.MINOR`` of the running credsup (plain ``credsup`` from an uninstalled tree)."""
    from credsup import __version__

    match = re.match(r"(\d+)\.(\d+)", __version__)
    return f"credsup>={match.group(1)}.{match.group(2)}" if match else "credsup"


def substitutions(name: str) -> dict[str, str]:
    return {
        "name": name,
        "module": f"credsup_{name}",
        "dist": f"credsup-{name.replace('_', '-')}",
        "title": name.replace("_", " ").title(),
        "contract": CONTRACT_VERSION,
        "credsup_requirement": credsup_requirement(),
    }


def create_project(name: str, directory: str | Path = ".") -> Project:
    """Write the plugin project for ``name`` into ``directory/name``; never overwrites anything.

    Raises :class:`InputError` for a bad name, an existing target, or a directory that cannot be written.
    """
    check_name(name)
    parent = Path(directory)
    root = parent / name
    try:
        taken = root.exists() or root.is_symlink()
    except OSError as exc:  # a --dir path too long, a folder that cannot be searched
        raise InputError(f"cannot write in {parent}: {exc.strerror or exc}") from None
    if taken:
        raise InputError(f"{root} already exists; choose another --dir, or remove it first (nothing was written)")
    if parent.exists() and not parent.is_dir():
        raise InputError(f"--dir {parent} is not a directory")
    values = substitutions(name)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=parent))
    except OSError as exc:
        raise InputError(f"cannot write in {parent}: {exc.strerror or exc}") from None
    written: list[Path] = []
    try:
        for template, target in LAYOUT:
            text = string.Template((TEMPLATES / template).read_text(encoding="utf-8")).substitute(values)
            path = staging / string.Template(target).substitute(values)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(root / path.relative_to(staging))
        os.chmod(staging, 0o777 & ~_umask())
        staging.rename(root)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise InputError(f"cannot write {root}: {exc.strerror or exc} (nothing was written)") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Project(name=name, root=root, module=values["module"], distribution=values["dist"], files=tuple(written))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
