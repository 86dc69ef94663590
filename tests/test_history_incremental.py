"""The incremental parse of the history (HistoryRules.incremental, TF Hub's hubs/tfhub/counts.py)
gives what the full parse (HistoryRules.parse) gives, snapshot after snapshot: on random
sequences of small synthetic snapshots and on every month-end snapshot of the real history."""

from __future__ import annotations

import random

import pytest

from tests.synthetic import TASK_YAML, snapshot
from tfhub_dataset.annotations import PublisherType
from tfhub_dataset.history.series import _blob_ids, month_ends
from tfhub_dataset.hubs.tfhub.history import HISTORY

TYPES = {
    "acme": PublisherType("acme", "organization", "test"),
    "solo": PublisherType("solo", "individual", "test"),
}
TASK_YAML_2 = TASK_YAML.replace("      - image\n", "      - audio\n")


def _module(kind: str, handle: str, task: str) -> str:
    return f"# {kind} {handle}\nA model.\n\n<!-- task: {task} -->\n<!-- format: saved_model_2 -->\n"


def _pool() -> dict[str, list[str]]:
    """Paths and the texts each may hold (a path may also be absent)."""
    pool: dict[str, list[str]] = {}
    for pub in ("acme", "solo", "ghost"):
        pool[f"assets/docs/{pub}/{pub}.md"] = [f"# Publisher {pub}\n{pub.title()}.\n\nModels.\n"]
        for name in ("vision", "text"):
            for v in (1, 2):
                handle = f"{pub}/{name}/{v}"
                texts = [
                    _module(kind, handle, task)
                    for kind in ("Module", "Placeholder")
                    for task in ("image-classification", "text-embedding", "Video audio text",
                                 "free words")
                ]  # fmt: skip
                pool[f"assets/docs/{pub}/models/{name}/{v}.md"] = texts
                # the same handle at another path: a duplicate the catalog drops (first path wins)
                pool[f"assets/docs/{pub}/models/{name}/copy/{v}.md"] = texts[:2]
            pool[f"assets/docs/{pub}/models/{name}/lite/1.md"] = [
                f"# Lite {pub}/{name}/1\nA lite model.\n\n<!-- parent-model: {pub}/{name}/1 -->\n"
            ]
        pool[f"assets/docs/{pub}/collections/set/1.md"] = [
            f"# Collection {pub}/set/1\nA set.\n\n<!-- task: text-embedding -->\n\n"
            f"## Modules\n* https://tfhub.dev/{pub}/vision/1\n"
        ]
    pool["assets/docs/acme/broken.md"] = ["no heading at all\n", "# Module acme\nbad\n"]
    pool["tags/task.yaml"] = [TASK_YAML, TASK_YAML_2]
    pool["README.md"] = [
        "# tfhub.dev\n",
        "# TF Hub has moved to Kaggle Models\n\nUnmigrated and deleted assets:\n\n"
        "* [acme/vision](https://tfhub.dev/acme/vision)\n",
    ]
    return pool


def _compare(a, b) -> None:
    assert a.counts == b.counts
    assert a.docs == b.docs
    assert a.kaggle == b.kaggle
    assert a.paths == b.paths
    assert a.publishers == b.publishers


@pytest.mark.parametrize("seed", range(6))
def test_incremental_equals_full_parse_on_random_sequences(seed: int) -> None:
    rng = random.Random(seed)
    pool = _pool()
    state: dict[str, str] = {}
    stepper = HISTORY.incremental(TYPES, {})
    before: dict[str, str] = {}
    seen = set()
    for step in range(25):
        for path in rng.sample(sorted(pool), k=rng.randint(1, 12) if step else len(pool)):
            if rng.random() < 0.3:
                state.pop(path, None)
            else:
                state[path] = rng.choice(pool[path])
        snap = snapshot(dict(state), tags=False)
        ids = _blob_ids(snap)
        changed = {p: b for p, b in ids.items() if before.get(p) != b}
        changed.update((p, None) for p in before.keys() - ids.keys())
        full = HISTORY.parse(snap, TYPES, {})
        _compare(stepper.advance(snap, changed), full)
        seen.add(tuple(sorted(full.counts.items())))
        before = dict(ids)
    assert len(seen) > 10  # the sequence moved the counts about


@pytest.mark.heavy
def test_incremental_equals_full_parse_on_every_month_of_the_real_history(real_git, real_doc_cache):
    from tfhub_dataset.annotations import load_publisher_types
    from tfhub_dataset.build import load_pins

    types = load_publisher_types()
    pin = max((p for p in load_pins() if p.hub == "tfhub"), key=lambda p: p.as_of)
    months = month_ends(real_git.list_commits(pin.commit), pin.commit, pin.as_of)
    stepper = HISTORY.incremental(types, real_doc_cache)
    before: dict[str, str] = {}
    shas = list(dict.fromkeys(m.ref.sha for m in months))
    for sha in shas:
        snap = real_git.snapshot(sha)
        ids = _blob_ids(snap)
        changed = {p: b for p, b in ids.items() if before.get(p) != b}
        changed.update((p, None) for p in before.keys() - ids.keys())
        _compare(stepper.advance(snap, changed), HISTORY.parse(snap, types, real_doc_cache))
        before = dict(ids)
    assert len(shas) > 30
