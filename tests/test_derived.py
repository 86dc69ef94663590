"""The derived cache: a hit only for the same key and the same code; other versions pruned."""

from tfhub_dataset import derived
from tfhub_dataset.derived import DerivedCache


def test_round_trip_and_miss(tmp_path):
    cache = DerivedCache(tmp_path)
    key = cache.key("history", "abc", "2022-04-05")
    assert cache.load(key) is None
    cache.save(key, {"rows": [{"b": 1, "a": None}], "n": 3})
    again = DerivedCache(tmp_path)
    assert again.load(key) == {"rows": [{"b": 1, "a": None}], "n": 3}
    assert list(again.load(key)["rows"][0]) == ["b", "a"]  # field order kept
    assert again.load(cache.key("history", "abc", "2024-03-18")) is None
    assert (again.hits, again.misses) == (2, 1)


def test_another_code_version_never_hits_and_is_pruned(tmp_path, monkeypatch):
    old = DerivedCache(tmp_path)
    key = old.key("x")
    old.save(key, 1)
    monkeypatch.setattr(derived, "code_fingerprint", lambda: "f" * 64)
    new = DerivedCache(tmp_path)
    assert new.load(key) is None
    new.save(key, 2)
    assert [p.name for p in tmp_path.iterdir()] == ["f" * 16]


def test_fingerprint_moves_with_code_and_schemas(tmp_path):
    code = tmp_path / "tfhub_dataset" / "hubs" / "parse.py"
    schema = tmp_path / "schemas" / "models.json"
    code.parent.mkdir(parents=True)
    schema.parent.mkdir()
    code.write_text("X = 1\n")
    schema.write_text('{"fields": []}\n')
    annotations = tmp_path / "build" / "annotations" / "a_hub"
    annotations.mkdir(parents=True)
    seen = []
    for change in (
        lambda: None,
        lambda: code.write_text("X = 2\n"),  # the code changes
        lambda: schema.write_text('{"fields": [{"name": "a"}]}\n'),  # a schema changes
        lambda: (code.parent / "new.py").write_text(""),  # a module is added
        lambda: (annotations / "authors.csv").write_text("author,publishers,evidence\n"),
    ):
        change()
        derived.code_fingerprint.cache_clear()
        seen.append(derived.code_fingerprint(tmp_path))
    derived.code_fingerprint.cache_clear()
    assert len(set(seen)) == 5
    (tmp_path / "tfhub_dataset" / "notes.txt").write_text("not code")
    assert derived.code_fingerprint(tmp_path) == seen[-1]


def test_damaged_entries_are_misses(tmp_path):
    """Truncated, empty (what a crash can leave of an entry that was never synced) or not gzip
    at all: a miss, never an error."""
    cache = DerivedCache(tmp_path)
    key = cache.key("k")
    cache.save(key, {"a": 1})
    path = cache.folder / f"{key}.json.gz"
    good = path.read_bytes()
    for damaged in (good[: len(good) // 2], b"\x1f\x8b" + b"\0" * 30, b"not gzip", b""):
        path.write_bytes(damaged)
        assert DerivedCache(tmp_path).load(key) is None
