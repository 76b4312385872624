"""``credsup serve``: a web service over a registry, for registry systems and for the public.

Two audiences, kept apart by design:

* **Registry systems** (token required, ``/api/v1``): grade one enterprise or a batch with the indicators
  that decided each grade, an enterprise's inspection probability for a period, a repair check, the
  period's "double random, one public" plan with its seed and input hashes, and the jurisdiction's
  parameters with their sources. JSON in and out, an OpenAPI document at ``/openapi.json``, errors as
  RFC 9457 problem details naming the field.
* **The public** (no token, ``/e/{id}``, ``/public/v1``): an enterprise's public commitments, its
  demonstration status and the penalties and listings still in their publicity period, on a page reached
  by the QR code of seed 000 (II), with a form to report a breach (seed 000 (III)). Risk grades never
  appear there: the classification is for the supervisors' internal use (docs/serve.md cites the rule).

The registry is read once into an immutable :class:`~credsup.serve.snapshot.Snapshot` and refreshed on
request or on a schedule by building a new snapshot aside and swapping it in.

The web stack (FastAPI, uvicorn, Jinja2, segno ...) is the optional ``serve`` extra:
``pip install "credsup[serve]"``. `credsup serve` says so when it is missing.
"""

from __future__ import annotations

#: The modules of the ``serve`` extra, by the distribution that provides them.
EXTRA_MODULES = {
    "fastapi": "fastapi",
    "uvicorn": "uvicorn",
    "jinja2": "jinja2",
    "multipart": "python-multipart",
    "segno": "segno",
    "itsdangerous": "itsdangerous",
}


def missing_extra() -> list[str]:
    """Distributions of the ``serve`` extra that cannot be imported here (empty when all are there)."""
    import importlib.util

    return [dist for module, dist in EXTRA_MODULES.items() if importlib.util.find_spec(module) is None]
