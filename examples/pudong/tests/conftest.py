"""The credsup conformance kit as a pytest plugin (fixture ``credsup_check``, a timing summary)."""

pytest_plugins = ["credsup.testing.pytest_plugin"]
