"""Which code decided: the SHA-256 of every layer's plugin code, to publish beside the input hashes.

A plan (or any result) is reproducible only with the same inputs, the same seed *and the same rules*.
The rules are the plugin's code: two installs of "dalian 0.1.0" edited in place give different plans,
so a version number alone does not identify them. :func:`plugin_code` records, for each layer of a
jurisdiction (its own plugin and every layer it ``inherits``, root first), the distribution and version
that installed it and the SHA-256 of each of its module files, plus one digest over them all.

**Module files.** A plugin that is a package contributes every ``*.py`` file under its package directory
(sub-packages included, ``__pycache__`` excluded), in sorted order of their path relative to the
package; a plugin that is a single module contributes its file. Paths are recorded relative to the
package's parent directory (``credsup_guangzhou/__init__.py``), so the record is the same wherever the
plugin is installed. The layer's ``sha256`` is the SHA-256 of the lines ``<sha256>  <relative path>``
(the format of ``sha256sum``), one per file, so anyone can check it with ``sha256sum`` and the list.
Parameter files are not part of it: they are hashed as inputs (``jurisdiction_config``).
"""

from __future__ import annotations

import hashlib
import inspect
from pathlib import Path
from typing import Any

from credsup.core.jurisdiction import Jurisdiction


def _file_sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def module_files(plugin: Any) -> tuple[Path, list[Path]]:
    """The files of ``plugin`` (a module or package, or an object defined in one) and the directory
    their recorded paths are relative to. A plugin whose code is not in files (built at run time) has none."""
    module = plugin if inspect.ismodule(plugin) else inspect.getmodule(plugin)
    if module is None or getattr(module, "__file__", None) is None:
        return Path("."), []
    file = Path(module.__file__).resolve()  # type: ignore[arg-type]
    if hasattr(module, "__path__"):  # a package: every module under its directory
        root = file.parent
        files = sorted((p for p in root.rglob("*.py") if "__pycache__" not in p.parts), key=lambda p: p.as_posix())
        return root.parent, files
    return file.parent, [file]


def layer_code(name: str, distribution: str, version: str, plugin: Any) -> dict[str, Any]:
    """The code record of one layer: name, distribution, version, module files with their SHA-256, and
    ``sha256`` over the ``sha256sum``-style list of them."""
    base, files = module_files(plugin)
    modules = [{"file": p.relative_to(base).as_posix(), "sha256": _file_sha256(p)} for p in files]
    listing = "".join(f"{m['sha256']}  {m['file']}\n" for m in modules)
    return {
        "layer": name,
        "distribution": distribution,
        "version": version,
        "modules": modules,
        "sha256": hashlib.sha256(listing.encode("utf-8")).hexdigest(),
    }


def plugin_code(jurisdiction: Jurisdiction) -> list[dict[str, Any]]:
    """The code record (:func:`layer_code`) of every layer of ``jurisdiction``, root first."""
    return [layer_code(i.name, i.distribution, i.version, i.plugin) for i in jurisdiction.chain]


__all__ = ["layer_code", "module_files", "plugin_code"]
