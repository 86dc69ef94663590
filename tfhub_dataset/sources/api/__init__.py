"""The GitHub REST API source: a polite crawler with a persistent HTTP cache (github), and a
GitHub-shaped server of a local mirror for tests and offline runs (fake_server)."""
