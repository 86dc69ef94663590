"""The quirks the PyTorch Hub parser records (the Anomaly type is the one TF Hub's parser uses)."""

from __future__ import annotations

from tfhub_dataset.hubs.tfhub.anomaly import Anomaly

__all__ = ["ANOMALY_KINDS", "Anomaly"]

# Every kind the parser may record, with what it means. The anomalies schema's enum is checked
# against it by the tests.
ANOMALY_KINDS: dict[str, str] = {
    "bom": "the file starts with a UTF-8 byte order mark (removed before parsing)",
    "invalid-utf8": (
        "bytes that are not UTF-8 (replaced by U+FFFD; in a file name, written \\xNN)"
    ),
    "line-endings": "CR or CRLF line ends (normalised to LF)",
    "empty-file": "the file is empty",
    "long-text": (
        "a line, description or summary over 16,384 characters (the largest real paragraph holds "
        "10 kB): only its first 16,384 characters are read as Markdown"
    ),
    "file-too-large": (
        "a page or vocabulary file over 1 MiB (the largest real page holds 16 kB); not parsed"
    ),
    "unclosed-front-matter": (
        "the file opens a '---' front matter that is never closed; it is not read as a page"
    ),
    "not-a-model-page": (
        "a root Markdown file with front matter whose layout is not hub_detail; not a model page"
    ),
    "placeholder-page": (
        "a page with the model layout that offers no model: no torch.hub.load call and no GitHub "
        "repository in github-id, github-link or a call (a test page); not a model page"
    ),
    "invalid-yaml": (
        "the front matter is not valid YAML (Jekyll would have dropped it); fields recovered "
        "line by line as 'key: value'"
    ),
    "unsafe-yaml": (
        "the front matter uses YAML aliases, anchors or explicit tags, nests too deep or is too "
        "large to read safely; fields recovered line by line"
    ),
    "front-matter-not-mapping": "the front matter is YAML but not a mapping of keys to values",
    "legacy-value": (
        "a value of the hub's first weeks (layout pytorch_hub_detail, background-class "
        "pytorch-hub-background, body-class pytorch-hub), renamed in June 2019"
    ),
    "legacy-key": "a key the hub used before it was replaced (demo-model, before demo-model-link)",
    "unknown-key": "a front matter key the hub's template never defined",
    "duplicate-key": "a key given twice with the same value",
    "contradictory-key": (
        "a key given twice with different values; the last is kept, as Jekyll does"
    ),
    "empty-value": "a key with no value",
    "invalid-value": (
        "a value of the wrong shape (a list where text is expected, order not a number)"
    ),
    "oversized-value": "a value longer than the parser keeps (truncated)",
    "quoted-value": "a value wrapped in typographic or doubled quotes (removed)",
    "missing-field": "a field the hub's template requires is absent",
    "missing-section": "no 'Model Description' heading, which the hub's sanity check requires",
    "tags-not-list": "tags given as text rather than a YAML list (split at commas)",
    "case-mismatch": (
        "a tag, category or accelerator written with capitals that matches a declared one only "
        "when lower-cased, or any such value before a vocabulary is declared (read lower-cased)"
    ),
    "undeclared-tag": "a tag the snapshot's scripts/tags.py does not declare (kept, flagged)",
    "undeclared-category": (
        "a category the snapshot's sanity check does not declare (kept, flagged)"
    ),
    "undeclared-accelerator": (
        "an accelerator the snapshot's template does not name (kept, flagged)"
    ),
    "missing-vocabulary": (
        "the snapshot declares no vocabulary of this kind yet; every value used is undeclared"
    ),
    "vocabulary-file-invalid": "a file that declares a vocabulary could not be read",
    "invalid-github-id": "github-id is not '<owner>/<repository>'",
    "non-github-link": "github-link names no GitHub repository",
    "owner-mismatch": "github-id and github-link name different owners",
    "repository-mismatch": (
        "a torch.hub.load call loads another repository than the page's github-id names"
    ),
    "unidentified-publisher": (
        "no GitHub owner in github-id, github-link or the calls; the model has no publisher"
    ),
    "path-convention": (
        "the file name does not start with the publisher's owner, as the hub's "
        "<owner>_<repository>_<title>.md convention asks"
    ),
    "no-entrypoint": "a model page without any torch.hub.load call in its code blocks",
    "call-outside-code": "a torch.hub.load call in prose, outside fenced code (not counted)",
    "unreadable-call": "a torch.hub.load( whose arguments could not be read as Python",
    "invalid-repo": "the repository argument is not '<owner>/<repository>[:ref]'",
    "dynamic-repo": "the repository argument is not a string literal",
    "dynamic-entrypoint": (
        "the entrypoint argument is not a string literal; resolved from an assignment earlier in "
        "the page when there is one (entrypoints.entrypoint_source)"
    ),
    "legacy-argument": "a keyword argument torch.hub later renamed (github=, later repo_or_dir=)",
    "local-source": "a call with source='local': its first argument is a folder, not a repository",
    "too-many-calls": "more torch.hub.load calls than the parser keeps in one page",
    "unannotated-publisher": (
        "a publisher without a curated type annotation under build/annotations"
    ),
}
