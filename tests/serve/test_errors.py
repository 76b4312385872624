"""Access and errors: tokens are required, compared safely and never echoed; every user mistake is an RFC 9457
problem (4xx) naming the field; nothing a client sends produces a 500 or a traceback."""

from __future__ import annotations

import logging

import pytest

from credsup.serve.config import Tokens, load_tokens

from .conftest import AUTH, TOKEN

PROBLEM = "application/problem+json"
INTERNAL = [
    ("get", "/api/v1/enterprises/E000001/grade", None),
    ("post", "/api/v1/grade", {"enterprises": ["E000001"]}),
    ("get", "/api/v1/enterprises/E000001/inspection-probability?period=2027Q1", None),
    ("get", "/api/v1/enterprises/E000001/repair-check", None),
    ("post", "/api/v1/plan", {"period": "2027Q1", "seed": 1}),
    ("get", "/api/v1/parameters", None),
    ("get", "/api/v1/status", None),
    ("post", "/api/v1/refresh", None),
    ("get", "/api/v1/reports", None),
]


def assert_problem(response, status: int, slug: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"] == f"urn:credsup:problem:{slug}"
    assert body["status"] == status and body["title"] and body["detail"]
    assert body["instance"] == response.request.url.path
    assert "Traceback" not in response.text
    return body


@pytest.mark.parametrize(("method", "path", "body"), INTERNAL)
def test_internal_routes_need_a_token(shared_client, method, path, body) -> None:
    call = getattr(shared_client, method)
    kwargs = {"json": body} if body is not None else {}
    no_token = call(path, **kwargs)
    assert_problem(no_token, 401, "unauthorized")
    assert no_token.headers["www-authenticate"].startswith("Bearer")
    wrong = call(path, headers={"Authorization": "Bearer " + TOKEN[:-1] + "X"}, **kwargs)
    assert_problem(wrong, 401, "unauthorized")
    assert 'error="invalid_token"' in wrong.headers["www-authenticate"]
    for header in (f"Basic {TOKEN}", TOKEN, f"Bearer {TOKEN} extra"):
        assert call(path, headers={"Authorization": header}, **kwargs).status_code == 401
    assert call(path, params={"token": TOKEN}, **kwargs).status_code == 401  # never from the URL (logs)
    ok = call(path, headers=AUTH, **kwargs)
    assert ok.status_code == 200, ok.text
    assert TOKEN not in ok.text and TOKEN not in no_token.text and TOKEN not in wrong.text


def test_a_server_without_tokens_refuses_every_internal_request(make_client) -> None:
    client = make_client(tokens=())
    for method, path, body in INTERNAL:
        got = getattr(client, method)(path, headers=AUTH, **({"json": body} if body else {}))
        detail = assert_problem(got, 401, "no-token-configured")["detail"]
        assert "--token-file" in detail
    assert client.get("/public/v1/enterprises/E000001").status_code == 200


def test_a_token_on_a_public_route_changes_nothing(shared_client) -> None:
    for path in ("/public/v1/enterprises/E000043", "/healthz"):
        plain, with_token = shared_client.get(path), shared_client.get(path, headers=AUTH)
        assert plain.status_code == with_token.status_code == 200
        assert plain.json() == with_token.json()
        assert "grade" not in with_token.text
    page = shared_client.get("/e/E000043", headers=AUTH)
    assert page.status_code == 200 and "grade" not in page.text.lower()
    assert shared_client.get("/public/v1/enterprises/E000043", headers={"Authorization": "Bearer nonsense"}).is_success


def test_several_tokens_are_accepted_for_rotation(make_client, tmp_path) -> None:
    file = tmp_path / "tokens"
    file.write_text("# old and new\nold-token-0123456789abcdef\n\nnew-token-0123456789abcdef\n", encoding="utf-8")
    file.chmod(0o600)
    tokens, warnings = load_tokens(file, environ={"CREDSUP_SERVE_TOKEN": TOKEN})
    assert len(tokens) == 3 and warnings == []
    client = make_client(tokens=())
    client.app.state.tokens = tokens
    for t in ("old-token-0123456789abcdef", "new-token-0123456789abcdef", TOKEN):
        assert client.get("/api/v1/status", headers={"Authorization": f"Bearer {t}"}).status_code == 200
    assert (
        client.get("/api/v1/status", headers={"Authorization": "Bearer old-token-0123456789abcdeF"}).status_code == 401
    )


def test_token_files_are_checked_without_showing_the_token(tmp_path) -> None:
    from credsup.core.errors import InputError

    short = tmp_path / "short"
    short.write_text("ok-token-0123456789abcdef\nsecret12\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_tokens(short, environ={})
    assert f"{short}:2" in str(err.value) and "secret12" not in str(err.value)
    empty = tmp_path / "empty"
    empty.write_text("# nothing\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="no token"):
        load_tokens(empty, environ={})
    with pytest.raises(InputError, match="not found"):
        load_tokens(tmp_path / "missing", environ={})
    with pytest.raises(InputError) as err:
        load_tokens(None, environ={"CREDSUP_SERVE_TOKEN": "tiny"})
    assert "CREDSUP_SERVE_TOKEN" in str(err.value) and "tiny" not in str(err.value)
    readable = tmp_path / "readable"
    readable.write_text("ok-token-0123456789abcdef\n", encoding="utf-8")
    readable.chmod(0o644)
    assert "chmod 600" in load_tokens(readable, environ={})[1][0]


def test_token_comparison_checks_the_whole_token() -> None:
    tokens = Tokens.of(TOKEN)
    assert tokens.accepts(TOKEN)
    assert not tokens.accepts(TOKEN + "x") and not tokens.accepts(TOKEN[:-1]) and not tokens.accepts("")
    assert not Tokens().accepts(TOKEN)


def test_tokens_are_never_logged(shared_client, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    shared_client.get("/api/v1/enterprises/NOPE/grade", headers=AUTH)
    shared_client.get("/api/v1/status", headers={"Authorization": "Bearer wrong-token-0123456789abcdef"})
    assert TOKEN not in caplog.text and "wrong-token" not in caplog.text


# ---------------------------------------------------------------------------------------- user errors


def test_unknown_enterprise_is_a_404_naming_it(shared_client) -> None:
    for path in (
        "/api/v1/enterprises/X999/grade",
        "/api/v1/enterprises/X999/repair-check",
        "/api/v1/enterprises/X999/inspection-probability?period=2027Q1",
    ):
        body = assert_problem(shared_client.get(path, headers=AUTH), 404, "unknown-enterprise")
        assert "'X999'" in body["detail"] and body["errors"][0]["parameter"] == "enterprise_id"
    body = assert_problem(shared_client.get("/public/v1/enterprises/X999"), 404, "unknown-enterprise")
    assert "'X999'" in body["detail"]


def test_unknown_enterprises_in_a_batch_are_pointed_at(shared_client) -> None:
    got = shared_client.post("/api/v1/grade", json={"enterprises": ["E000001", "NOPE", "E000002", "X"]}, headers=AUTH)
    body = assert_problem(got, 422, "validation")
    assert [e["pointer"] for e in body["errors"]] == ["#/enterprises/1", "#/enterprises/3"]
    assert "'NOPE'" in body["detail"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "2027Q5"}, "period"),
        ({"period": "next quarter"}, "period"),
        ({"period": ""}, "period"),
        ({}, "period"),
    ],
)
def test_bad_period_names_the_parameter(shared_client, params, field) -> None:
    got = shared_client.get("/api/v1/enterprises/E000001/inspection-probability", params=params, headers=AUTH)
    body = assert_problem(got, 422, "validation")
    assert body["errors"][0]["parameter"] == field and body["errors"][0]["in"] == "query"
    assert body["detail"].startswith(f"{field}: ")


@pytest.mark.parametrize("as_of", ["2027-02-30", "2027-1-1", "1735689600", "tomorrow", "2027-01-01T00:00"])
def test_bad_dates_name_the_field(shared_client, as_of) -> None:
    got = shared_client.get("/api/v1/enterprises/E000001/grade", params={"as_of": as_of}, headers=AUTH)
    assert assert_problem(got, 422, "validation")["errors"][0]["parameter"] == "as_of"
    got = shared_client.post("/api/v1/grade", json={"enterprises": ["E000001"], "as_of": as_of}, headers=AUTH)
    assert assert_problem(got, 422, "validation")["errors"][0]["pointer"] == "#/as_of"
    got = shared_client.post("/api/v1/grade", json={"enterprises": ["E000001"], "as_of": 1735689600}, headers=AUTH)
    assert assert_problem(got, 422, "validation")["errors"][0]["pointer"] == "#/as_of"


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({}, "#/enterprises"),
        ({"enterprises": []}, "#/enterprises"),
        ({"enterprises": "E000001"}, "#/enterprises"),
        ({"enterprises": [1]}, "#/enterprises/0"),
        ({"enterprises": [""]}, "#/enterprises/0"),
        ({"enterprises": ["E000001"], "extra": 1}, "#/extra"),
        ([1, 2], "#"),
    ],
)
def test_bad_grade_bodies_point_at_the_field(shared_client, body, pointer) -> None:
    got = shared_client.post("/api/v1/grade", json=body, headers=AUTH)
    problem = assert_problem(got, 422, "validation")
    assert pointer in [e["pointer"] for e in problem["errors"]], problem


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"period": "2027Q1"}, "#/seed"),
        ({"period": "2027Q1", "seed": -1}, "#/seed"),
        ({"period": "2027Q1", "seed": "7"}, "#/seed"),
        ({"period": "2027Q1", "seed": 1.5}, "#/seed"),
        ({"period": "2027Q1", "seed": True}, "#/seed"),
        ({"period": "Q1", "seed": 1}, "#/period"),
    ],
)
def test_bad_plan_requests_point_at_the_field(shared_client, body, pointer) -> None:
    problem = assert_problem(shared_client.post("/api/v1/plan", json=body, headers=AUTH), 422, "validation")
    assert pointer in [e["pointer"] for e in problem["errors"]], problem


@pytest.mark.parametrize("raw", [b"{", b"not json", b'{"enterprises": ["E1",]}', b"\xff\xfe", b""])
def test_malformed_json_is_a_400(shared_client, raw) -> None:
    got = shared_client.post("/api/v1/grade", content=raw, headers={**AUTH, "Content-Type": "application/json"})
    assert got.status_code in (400, 422), got.text
    assert got.headers["content-type"] == PROBLEM
    assert got.json()["type"] in ("urn:credsup:problem:malformed-json", "urn:credsup:problem:validation")
    if raw in (b"{", b"not json"):
        assert_problem(got, 400, "malformed-json")


def test_wrong_content_type_and_methods(shared_client) -> None:
    for ctype in ("text/plain", "application/x-www-form-urlencoded", ""):
        got = shared_client.post(
            "/api/v1/grade", content=b'{"enterprises": ["E000001"]}', headers={**AUTH, "Content-Type": ctype}
        )
        assert "Content-Type: application/json" in assert_problem(got, 415, "unsupported-media-type")["detail"]
    ok = shared_client.post(
        "/api/v1/grade",
        content=b'{"enterprises": ["E000001"]}',
        headers={**AUTH, "Content-Type": "application/json; charset=utf-8"},
    )
    assert ok.status_code == 200
    assert_problem(shared_client.delete("/api/v1/grade", headers=AUTH), 405, "method-not-allowed")
    assert_problem(shared_client.get("/api/v1/nothing-here", headers=AUTH), 404, "not-found")
    assert_problem(shared_client.get("/public/v1/nothing"), 404, "not-found")


def test_oversized_bodies_are_refused(make_client) -> None:
    client = make_client(max_json_bytes=2_000)
    big = {"enterprises": [f"E{i:06d}" for i in range(1, 400)]}
    assert_problem(client.post("/api/v1/grade", json=big, headers=AUTH), 413, "payload-too-large")

    def chunks():  # no Content-Length: counted while streaming
        yield b'{"enterprises": ['
        for i in range(1, 400):
            yield f'"E{i:06d}",'.encode()
        yield b'"E000001"]}'

    streamed = client.post("/api/v1/grade", content=chunks(), headers={**AUTH, "Content-Type": "application/json"})
    assert_problem(streamed, 413, "payload-too-large")
    too_many = {"enterprises": ["E000001"] * 10_001}
    roomy = make_client(max_json_bytes=10_000_000)
    assert_problem(roomy.post("/api/v1/grade", json=too_many, headers=AUTH), 422, "validation")


def test_a_plugin_error_is_a_problem_not_a_traceback(make_client, plugin_dist) -> None:
    plugin_dist(
        "broken",
        """
@hookimpl
def credsup_grade(batch, params, today):
    raise ZeroDivisionError("oops in grading")
""",
    )
    client = make_client(jurisdiction="broken", raise_server_exceptions=False)
    body = assert_problem(client.get("/api/v1/enterprises/E000001/grade", headers=AUTH), 500, "plugin-error")
    assert "broken" in body["detail"] and "credsup_grade" in body["detail"]
    public = client.get("/public/v1/enterprises/E000001")
    assert public.status_code == 200  # public views never run the grading hooks


def test_an_internal_error_hides_the_traceback(make_client, monkeypatch, caplog) -> None:
    client = make_client(raise_server_exceptions=False)
    monkeypatch.setattr("credsup.serve.api.check_repair", lambda *a, **k: 1 / 0)
    got = client.get("/api/v1/enterprises/E000001/repair-check", headers=AUTH)
    body = assert_problem(got, 500, "internal")
    assert body["reference"] in caplog.text and "ZeroDivisionError" in caplog.text
    assert "ZeroDivisionError" not in got.text
