"""The quirks the PaddleHub parser records (the Anomaly type is the one TF Hub's parser uses)."""

from __future__ import annotations

from tfhub_dataset.hubs.tfhub.anomaly import Anomaly

__all__ = ["ANOMALY_KINDS", "Anomaly"]

# Every kind the parser may record, with what it means. The anomalies schema's enum is checked
# against it by the tests.
ANOMALY_KINDS: dict[str, str] = {
    # bytes
    "bom": "the file starts with a UTF-8 byte order mark (removed before parsing)",
    "invalid-utf8": "bytes that are not UTF-8 (replaced by U+FFFD), or NUL characters",
    "line-endings": "CR or CRLF line ends (normalised to LF)",
    "empty-file": "the file is empty",
    "file-too-large": (
        "a module.py over 256 KiB (the largest real one holds 43 kB) or a README over 1 MiB; "
        "not parsed"
    ),
    # module.py
    "syntax-error": (
        "module.py is not valid Python; its @moduleinfo was read from the decorator alone, when "
        "that parses"
    ),
    "too-complex": (
        "module.py nests too deep for Python's parser, or has more statements than the parser "
        "walks; its decorator read alone when possible"
    ),
    "no-moduleinfo": "a module.py in which no class carries @moduleinfo(...); not a module",
    "unreadable-moduleinfo": (
        "a @moduleinfo line whose arguments could not be read (file not valid Python); not a module"
    ),
    "decorator-not-called": "@moduleinfo without arguments; not a module",
    "several-moduleinfo": "several classes carry @moduleinfo; the first is read",
    "decorates-function": "@moduleinfo decorates a function, not a class (read all the same)",
    "positional-argument": (
        "an argument given by position (mapped onto the decorator's parameters in order: name, "
        "version, author, author_email, summary, type, meta)"
    ),
    "non-literal-argument": (
        "an argument that is not a literal (a name, an expression, **kwargs): folded when made "
        "of string literals only (names bound once at module level to them, '+'), else not read"
    ),
    "non-string-argument": "a literal that is not a string (a number); kept as its text",
    "unknown-argument": "a keyword the decorator does not take",
    "duplicate-argument": (
        "an argument given twice (Python would refuse to load the file); the first is read"
    ),
    "invalid-meta": "meta= is neither a class name nor None",
    "missing-argument": "name= or version=, which have no default, is not given",
    "empty-value": "an argument given as an empty string (kept empty)",
    "invalid-version": "a version that is not dotted numbers (kept as written)",
    "invalid-name": (
        "a name with characters hub install never takes (white space, '/'); not a module"
    ),
    "duplicate-module-name": (
        "two module.py files of one commit declare the same name; the first by path is kept"
    ),
    "name-folder-mismatch": (
        "the declared name differs from the folder's (beyond case and '-' for '_'): the name is "
        "what hub install takes"
    ),
    "invalid-type": "a type that is not '<domain>/<task>' (no '/', or an empty part)",
    # README
    "missing-readme": "a module folder without README.md",
    "readme-without-module": (
        "a folder documented by a README but holding no module.py: the module's code is not in "
        "the repository (the hub's server has it); not a module of the tables"
    ),
    "version-not-in-readme": (
        "the version module.py declares is not among those the README's release notes list"
    ),
    "duplicate-key": "the README's information table gives a key twice; the first is kept",
    "invalid-value": "the README's fine-tuning cell is neither yes nor no",
    "too-many-links": "a README with more links than the parser keeps (2,000)",
    "email-withheld": (
        "an e-mail link in a README: personal data, left out of links (addresses in any text "
        "column are replaced by '[e-mail withheld]')"
    ),
    # authors and annotations
    "missing-author": "author is absent or empty: the module credits no publisher",
    "author-names-no-one": (
        "the annotation says the author string names no publisher (e.g. 'anonymous')"
    ),
    "unannotated-author": (
        "an author string the annotation build/annotations/paddlehub/authors.csv does not map; "
        "split at its separators, each part taken as a publisher"
    ),
    "unannotated-publisher": (
        "a publisher without a curated type annotation under build/annotations"
    ),
}
