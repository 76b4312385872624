"""Jurisdiction plugins shipped with credsup; each is registered in the credsup.jurisdictions entry-point group."""
