"""Registry mode."""
