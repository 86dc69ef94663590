"""Pure functions from a snapshot's bytes to parsed records. No I/O here."""
