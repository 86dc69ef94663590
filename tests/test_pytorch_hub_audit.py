"""Issue 20 (an audit of the PyTorch Hub releases): the history's conventions on a small
synthetic pytorch/hub repository made with git, built through the real pipeline.

The repository: no vocabulary in its first month, pages tagged 'Vision' and 'vision'; a
placeholder page (the hub's own first test page was example.md, 'ELFtest') that comes and goes;
a page renamed to another case only (nvidia_..._resneXt.md -> nvidia_..._resnext.md, as in
9eb039d of 2021-11-25)."""

from __future__ import annotations

import csv
import io

import pytest
from fixtures_git import SyntheticGit

from tests.pytorch_hub_repo import make_pytorch_hub_repo
from tests.synthetic_pytorch_hub import VOCABULARY, page
from tfhub_dataset.build import Pin, build_release
from tfhub_dataset.hubs import PYTORCH_HUB
from tfhub_dataset.sources.git import GitConfig, GitSource

ACME = "acme-lab_acmenet_small.md"
OLD = "nvidia_dle_resneXt.md"
NEW = "nvidia_dle_resnext.md"
CALL = "```python\nm = torch.hub.load('NVIDIA/DeepLearningExamples:torchhub', 'resnext')\n```\n"
PLACEHOLDER = page(
    layout="pytorch_hub_detail", title="ELFtest", tags="[test]", github_link="http://www.github.com",
    drop=("github-id",), body="The fundamental unit in PyTorch is the Tensor.\n",
)  # fmt: skip
STEPS = [
    ("init", "2021-01-05T10:00:00Z", {
        "README.md": b"# PyTorch Hub (synthetic)\n",
        ACME: page(tags="[Vision]").encode(),
        "example.md": PLACEHOLDER.encode(),
    }, {}),
    ("add resnext", "2021-01-16T10:00:00Z", {
        OLD: page(author="NVIDIA", github_id="NVIDIA/DeepLearningExamples", tags="[vision]",
                  body=CALL + "### Model Description\n").encode(),
    }, {}),
    ("drop example", "2021-01-29T10:00:00Z", {"example.md": None}, {}),
    ("vocabulary", "2021-02-02T10:00:00Z", {p: t.encode() for p, t in VOCABULARY.items()}, {}),
    ("case rename", "2021-02-25T10:00:00Z", {}, {NEW: OLD}),
    ("edit resnext", "2021-03-02T10:00:00Z", {
        NEW: page(author="NVIDIA", github_id="NVIDIA/DeepLearningExamples", tags="[vision]",
                  summary="Edited", body=CALL + "### Model Description\n").encode(),
    }, {}),
]  # fmt: skip
LAST = "2021-03-02T10:00:00Z"


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> SyntheticGit:
    root = tmp_path_factory.mktemp("pytorch-hub-audit")
    shas = make_pytorch_hub_repo(root / "work", root / "hub.git", STEPS)
    return SyntheticGit(root / "hub.git", "", shas)


@pytest.fixture(scope="module")
def release(repo, tmp_path_factory):
    h = PYTORCH_HUB
    config = GitConfig(
        path=repo.bare, data_path=h.is_data_path, repository=h.repository, pathspec=h.git_pathspec
    )
    pin = Pin("pytorch-hub-2021-03-02", "2021-03-02", repo.shas["edit resnext"], LAST,
              hub=h.name)  # fmt: skip
    out = tmp_path_factory.mktemp("release")
    with GitSource(config) as src:
        return build_release(pin, src, out, publisher_types={}, progress=lambda _m: None)


def rows(folder, table: str) -> list[dict]:
    text = (folder / "data" / f"{table}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_a_case_only_rename_moves_one_doc(release, repo):
    """Finding 4: the page renamed resneXt -> resnext is one page, first seen when it was added,
    not a removal and an addition; its earlier events carry its later handle."""
    models = {r["handle"]: r for r in rows(release, "model_history")}
    assert "nvidia_dle_resneXt" not in models
    resnext = models["nvidia_dle_resnext"]
    assert (resnext["first_seen_commit"], resnext["removed"]) == (repo.shas["add resnext"], "")
    assert resnext["first_seen"] == "2021-01-16T10:00:00Z"
    docs = {r["handle"]: r for r in rows(release, "doc_history")}
    assert docs["nvidia_dle_resnext"]["interruptions"] == "0"
    nvidia = {r["handle"]: r for r in rows(release, "publisher_history")}["nvidia"]
    assert nvidia["models_seen"] == "1"
    effects = [(e["path"], e["handle"], e["effect"]) for e in rows(release, "events")
               if e["path"] in (OLD, NEW)]  # fmt: skip
    assert effects == [
        (OLD, "nvidia_dle_resnext", "added"),
        (NEW, "nvidia_dle_resnext", "moved"),
        (NEW, "nvidia_dle_resnext", "modified"),
    ]
    (m,) = [r for r in rows(release, "models") if r["handle"] == "nvidia_dle_resnext"]
    assert m["first_seen"] == "2021-01-16T10:00:00Z"


def test_a_placeholder_page_is_no_model_and_is_recorded(release, repo):
    """Finding 5: a page with the model layout, no torch.hub.load call and no repository is a
    placeholder: in no model count, recorded as an anomaly."""
    assert "example" not in {r["handle"] for r in rows(release, "model_history")}
    assert "example" not in {r["handle"] for r in rows(release, "doc_history")}
    (a,) = [r for r in rows(release, "history_anomalies") if r["kind"] == "placeholder-page"]
    assert (a["commit"], a["path"]) == (repo.shas["init"], "example.md")
    assert "'ELFtest'" in a["detail"] and "[test]" in a["detail"]
    january = next(s for s in rows(release, "snapshots") if s["month"] == "2021-01")
    assert january["models"] == "2"


def test_tags_before_a_vocabulary_fold_case_and_say_so(release):
    """Finding 9: 'Vision' and 'vision' before any vocabulary are one tag (2019-05 read vision 1
    where the pages say 2), and the month says its tags are not over a declared vocabulary."""
    months = {s["month"]: s for s in rows(release, "snapshots")}
    got = {m: (months[m]["models_vision"], months[m]["tags_declared"]) for m in months}
    assert got == {"2021-01": ("2", "false"), "2021-02": ("2", "true"), "2021-03": ("2", "true")}
    readme = (release / "README.md").read_text(encoding="utf-8")
    assert "Tags before a vocabulary existed (2021-01, `snapshots.tags_declared` false" in readme
