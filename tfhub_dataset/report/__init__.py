"""Reports read from the written tables, never from the parser: the release README (readme),
its facts (facts), charts, data dictionary, and the reproduction of the published study."""
