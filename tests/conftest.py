"""Shared test fixtures: the GitHub crawler's live in fixtures_github.py."""

pytest_plugins = ["fixtures_github"]
