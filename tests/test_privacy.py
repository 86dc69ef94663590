"""People are data subjects, not data: no written file of any committed release holds a commit
author's or committer's e-mail address or name from the git history, or a hash of either (where
the hub's own data files do not publish it), and a control proves the scan catches one."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.privacy_scan import Identities, file_texts, identities, leaks
from tests.test_channels import CLONES, readable
from tfhub_dataset.build import load_pins
from tfhub_dataset.history.identities import WITHHELD, person_strings, withhold
from tfhub_dataset.hubs import hub
from tfhub_dataset.sources.commits import CommitRef, Person

ROOT = Path(__file__).resolve().parents[1]
RELEASES = Path(os.environ.get("TFHUB_TEST_RELEASES") or ROOT / "releases")  # (to scan a build)
PINS = {p.id: p for p in load_pins()}


def _identities(release_id: str, tmp: Path) -> Identities:
    pin = PINS[release_id]
    clone = CLONES.get(pin.hub)
    if clone is None or not (clone / "HEAD").is_file():
        pytest.skip(f"the {pin.hub} clone is absent at {clone}")
    if not (RELEASES / release_id / "datapackage.json").is_file():
        pytest.skip(f"release {release_id} is not committed")
    return identities(readable(clone, tmp), pin.commit, hub(pin.hub).is_data_path)


@pytest.mark.parametrize("release_id", sorted(PINS))
def test_no_release_file_holds_a_name_an_address_or_a_hash_of_either(release_id, tmp_path):
    ids = _identities(release_id, tmp_path)
    assert ids.emails and ids.names
    assert leaks(file_texts(RELEASES / release_id), ids) == []


def test_the_scan_catches_a_planted_address_in_every_format(tmp_path):
    """The control: an address of the history planted in Markdown, Parquet and SQLite, an
    address the docs publish planted in a community table, and a hash of a name, each found."""
    release_id = max((r for r in PINS if PINS[r].hub == "pytorch-hub"), default=sorted(PINS)[0])
    ids = _identities(release_id, tmp_path)
    hidden = sorted(s for s in ids.emails if not ids.is_published(s))
    name = sorted(s for s in ids.names if not ids.is_published(s))[0]
    folder = tmp_path / release_id
    shutil.copytree(RELEASES / release_id, folder)
    assert leaks(file_texts(folder), ids) == []
    (folder / "README.md").write_text("Thanks to " + hidden[0].upper() + "!\n")
    pq.write_table(pa.table({"who": [hidden[1]]}), folder / "data" / "planted.parquet")
    db = sqlite3.connect(folder / "planted.sqlite")
    db.execute("CREATE TABLE t (who TEXT)")
    db.execute("INSERT INTO t VALUES (?)", (hidden[2],))
    db.commit()
    db.close()
    digest = hashlib.sha256(name.lower().encode()).hexdigest()
    (folder / "data" / "channels.csv").write_text(f"id\n{digest}\n")
    found = leaks(file_texts(folder), ids)
    assert {f.split(":")[0] for f in found} == {
        "README.md", "data/planted.parquet", "planted.sqlite", "data/channels.csv"
    }  # fmt: skip
    assert not any(s in "\n".join(found) for s in (*hidden[:3], name)), "reports mask them"
    published = Identities(ids.names, ids.emails | {"pub@docs.example"}, "pub@docs.example")
    (folder / "data" / "contributors.csv").write_text("contributor\npub@docs.example\n")
    assert any(f.startswith("data/contributors.csv: holds the address") for f in
               leaks({"data/contributors.csv": "pub@docs.example", "README.md": "pub@docs.example"},
                     published))  # fmt: skip


def test_a_first_line_naming_a_person_keeps_the_line_and_withholds_the_name():
    pat = Person("patlogin", "pat@example.org")
    web, export = Person("GitHub", "noreply@github.com"), Person("Authors", "no-reply@x.example")
    day = "2021-01-01T00:00:00Z"
    refs = [
        CommitRef("a" * 40, day, "x", (), pat, web),
        CommitRef("b" * 40, day, "x", (), export, pat),
    ]
    names = person_strings(refs)
    assert names == ["pat@example.org", "patlogin"]  # not GitHub's web flow, not a no-reply one
    assert withhold("Merge pull request #7 from PatLogin/main", names) == (
        f"Merge pull request #7 from {WITHHELD}/main"
    )
    assert withhold("Update patlogins.md for pat@example.org", names) == (
        f"Update patlogins.md for {WITHHELD}"
    )
    # Two strings in one text (lowered again after the first is withheld), and a text that is
    # not ASCII (lowered character by character, so positions still match).
    assert withhold("PATLOGIN: pat@example.org", names) == f"{WITHHELD}: {WITHHELD}"
    assert withhold("Ünïcode by PatLogin, İstanbul", names) == f"Ünïcode by {WITHHELD}, İstanbul"


def test_descriptors_and_schemas_name_no_one():
    """The channel rules and the community schemas describe shapes, never a person or a bot's
    address (what a release's channels table and schemas carry)."""
    for release_id in sorted(PINS):
        folder = RELEASES / release_id
        if not (folder / "schemas" / "channels.json").is_file():
            pytest.skip("the releases are not rebuilt with the community tables yet")
        for name in ("channels", "contributions", "contributors", "publisher_contributions"):
            text = json.dumps(json.loads((folder / "schemas" / f"{name}.json").read_text()))
            assert "@" not in text.replace("noreply@github.com", "")
