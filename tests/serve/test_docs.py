"""docs/serve.md and the README stay true to the service: every route, every problem type, the curl answer."""

from __future__ import annotations

import json
import re

from credsup.serve.problems import TYPES

from .conftest import AUTH, ROOT

DOC = (ROOT / "docs" / "serve.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_api_route_is_documented(shared_client) -> None:
    paths = shared_client.get("/openapi.json").json()["paths"]
    for path, methods in paths.items():
        if not path.startswith("/api/"):
            continue
        shown = path.replace("{enterprise_id}", "{id}")
        for method in methods:
            assert f"`{method.upper()} {shown}" in DOC, f"docs/serve.md does not document {method.upper()} {shown}"


def test_every_problem_type_is_documented() -> None:
    table = DOC[DOC.index("### Errors") :]
    for slug, problem in TYPES.items():
        assert f"`{slug}`" in table, f"problem type {slug} is missing from docs/serve.md"
        row = next(line for line in table.splitlines() if f"`{slug}`" in line)
        assert str(problem.status) in row or (slug == "http-error" and "4xx" in row)


def test_the_readme_curl_answer_is_the_service_answer(shared_client) -> None:
    section = README[README.index("## Serving a registry") :]
    url = re.search(r'"http://127\.0\.0\.1:8000(/api/v1/[^"]+)"', section).group(1)
    got = shared_client.get(url, headers=AUTH).json()
    (result,) = got["results"]
    shown = section[section.index('{"jurisdiction"') :]
    assert f'"grade":"{result["grade"]}"' in shown
    assert json.dumps(result["decided_by"], separators=(",", ":"))[1:-1] in shown.replace("\n ", "")
    assert (ROOT / "docs" / "img" / "serve-phone.png").is_file()


def test_templates_and_static_files_ship_with_the_package() -> None:
    import fnmatch
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "credsup.serve" in config["packages"]
    globs = config["package-data"]["credsup.serve"]
    folder = ROOT / "serve"
    files = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.suffix != ".py"]
    files = [f for f in files if "__pycache__" not in f]
    assert files
    for name in files:
        assert any(fnmatch.fnmatch(name, g) for g in globs), f"serve/{name} is not in the package data"
