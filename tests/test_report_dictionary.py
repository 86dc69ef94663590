"""Data dictionary: generated from schemas/, every resource and every field in it."""

from __future__ import annotations

import re

from tfhub_dataset import ROOT
from tfhub_dataset.report.dictionary import constraints_text, load_schemas, render_dictionary
from tfhub_dataset.report.markdown import md_escape

SCHEMAS = load_schemas(ROOT / "schemas" / "tfhub")


def _section(text: str, name: str) -> str:
    return text.split(f"\n## {name}\n", 1)[1].split("\n## ", 1)[0]


def test_every_field_of_every_schema_appears():
    assert SCHEMAS, "no schemas found"
    text = render_dictionary(SCHEMAS)
    for name, schema in SCHEMAS.items():
        assert f"[`{name}`](#{name})" in text
        section = _section(text, name)
        for field in schema["fields"]:
            row = re.search(
                rf"^\| `{re.escape(field['name'])}` \| `{field['type']}` \| (yes|no) \|.*$",
                section,
                flags=re.M,
            )
            assert row, f"{name}.{field['name']} missing"
            required = "yes" if field.get("constraints", {}).get("required") else "no"
            assert row.group(1) == required
            first_words = " ".join(field.get("description", "").split()[:4])
            assert md_escape(first_words) in row.group(0)


def test_keys_and_constraints_are_described():
    text = render_dictionary(SCHEMAS)
    models = _section(text, "models")
    assert "- Primary key: `handle`" in models
    assert "`publisher` → `publishers`.`handle`" in models
    assert "one of `Module`, `Placeholder`" in models
    versions = _section(text, "versions")
    assert "- Primary key: `kind`, `handle`" in versions


def test_constraints_text():
    field = {
        "name": "x",
        "type": "string",
        "constraints": {"required": True, "unique": True, "pattern": "a|b", "minimum": 1},
    }
    assert constraints_text(field) == "unique; matches `a\\|b`; ≥ 1"
    assert constraints_text({"name": "y", "type": "string"}) == ""


def test_row_counts_when_given():
    text = render_dictionary({"models": SCHEMAS["models"]}, row_counts={"models": 1195})
    assert "- Rows: 1,195" in text
    fields = len(SCHEMAS["models"]["fields"])
    assert f"| [`models`](#models) | Models | {fields} | 1,195 |" in text


def test_every_column_a_description_refers_to_names_its_table():
    # "see first_seen_imported" leaves a reader to guess which of four tables; write
    # `model_history.first_seen_imported`. Column names with an underscore cannot be prose.
    fields = {f["name"] for s in SCHEMAS.values() for f in s["fields"]}
    columns = {f for f in fields if "_" in f} - set(SCHEMAS)
    bare = []
    for name, schema in SCHEMAS.items():
        texts = [schema.get("description", "")] + [
            f.get("description", "") for f in schema["fields"]
        ]
        for text in texts:
            for m in re.finditer(r"(?<![\w.`/])`?([a-z][a-z0-9_]*)`?(?![\w(])", text):
                if m.group(1) in columns and not re.search(r"[a-z_]+\.$", text[: m.start()]):
                    bare.append(f"{name}: {m.group(1)}")
    assert bare == []
