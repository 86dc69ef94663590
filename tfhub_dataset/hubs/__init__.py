"""One parser per model hub: pure functions from a snapshot's bytes to parsed records and tables."""
