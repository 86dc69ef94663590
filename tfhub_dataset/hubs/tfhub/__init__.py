"""TF Hub: docs of tensorflow/tfhub.dev (first line, HTML-comment metadata, links), tags/*.yaml
vocabularies, the catalog of one snapshot and its tables. Pure functions over bytes; no I/O."""
