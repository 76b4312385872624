"""Default parameter files (jurisdictions/) and scenarios (scenarios/), shipped as package data."""
