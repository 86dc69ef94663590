"""Channel rules (hub data) and the shared classifier: every rule of every hub on synthetic
commits, the unrecognised and ambiguous cases, bounded time on hostile messages, and the real
histories (each first-parent commit recognised by exactly one rule)."""

from __future__ import annotations

import os
import shutil
import time
from collections import Counter
from pathlib import Path

import pytest

from tfhub_dataset.history.channels import (
    AMBIGUOUS,
    UNRECOGNISED,
    Channel,
    CommunityRules,
    Match,
    classify,
)
from tfhub_dataset.hubs.paddlehub.channels import RULES as PADDLEHUB
from tfhub_dataset.hubs.pytorch_hub.channels import RULES as PYTORCH_HUB
from tfhub_dataset.hubs.tfhub.channels import RULES as TFHUB
from tfhub_dataset.sources.commits import CommitRef, Person, first_parent_refs

GITHUB = Person("GitHub", "noreply@github.com")
COPYBARA = Person("Copybara-Service", "copybara-worker@google.com")
ALEX = Person("Alex Example", "alex@example.org")
P1, P2 = "1" * 40, "2" * 40


def ref(message: str, committer: Person, parents: int = 1, author: Person = ALEX) -> CommitRef:
    return CommitRef(
        "f" * 40, "2021-01-01T00:00:00Z", message.splitlines()[0] if message else "",
        (P1, P2)[:parents], author, committer, message,
    )  # fmt: skip


CIR = (
    "COPYBARA_INTEGRATE_REVIEW=https://github.com/tensorflow/tfhub.dev/pull/135 from "
    "somelogin:master 3833cf01733de0ae44fcc3a13ddfd7ef94a7aa9d"
)
# (hub rules, message, committer, parents) -> (channel, pull request, login)
CASES = [
    (TFHUB, "Internal change\n\nPiperOrigin-RevId: 328515933", COPYBARA, 1,
     ("copybara-export", None, None)),
    (TFHUB, "Internal change\n\nPiperOrigin-RevId: 328515933", ALEX, 1,
     ("copybara-export", None, None)),
    (TFHUB, f"Copybara import of the project:\n\n--\nx\n\n{CIR}\nPiperOrigin-RevId: 1", COPYBARA,
     1, ("copybara-import", 135, "somelogin")),
    (TFHUB, "Add MAXIM family of models (#136)", GITHUB, 1, ("squash-merge", 136, None)),
    (TFHUB, "add Wav2Vec2 robust & xlsr-53 ckpts #77", GITHUB, 1, ("squash-merge", 77, None)),
    (TFHUB, "Merge pull request #34 from sayakpaul/master", GITHUB, 2,
     ("fork-merge", 34, "sayakpaul")),
    (TFHUB, "Merge pull request #15 from tensorflow/legacy_asset_path", GITHUB, 2,
     ("org-branch-merge", 15, "tensorflow")),
    (TFHUB, "Update 1.md", GITHUB, 1, ("web-edit", None, None)),
    (TFHUB, "Initial commit.", ALEX, 0, ("direct-push", None, None)),
    (TFHUB, "Remove test publisher.", ALEX, 1, ("direct-push", None, None)),
    (PYTORCH_HUB, "Update Ultralytics YOLOv5 PyTorch Hub page (#330)", GITHUB, 1,
     ("squash-merge", 330, None)),
    (PYTORCH_HUB, "Merge pull request #211 from Bgreen23/update-demo-model-links", GITHUB, 2,
     ("fork-merge", 211, "Bgreen23")),
    (PYTORCH_HUB, "Merge pull request #200 from pytorch/handle_model_demo_link", GITHUB, 2,
     ("org-branch-merge", 200, "pytorch")),
    (PYTORCH_HUB, "Whitelist a few more files in sanity_check.py. (#83)", GITHUB, 2,
     ("merge", 83, None)),
    (PYTORCH_HUB, "Add documentation and improve usability", GITHUB, 2, ("merge", None, None)),
    (PYTORCH_HUB, "Add files via upload", GITHUB, 1, ("web-edit", None, None)),
    (PYTORCH_HUB, "Create README.md", GITHUB, 0, ("web-edit", None, None)),
    (PYTORCH_HUB, "add hardnet (#54)", ALEX, 1, ("pushed-pull-request", 54, None)),
    (PYTORCH_HUB, "fix CI", ALEX, 1, ("direct-push", None, None)),
    (PADDLEHUB, "update falsr_c (#2186)", GITHUB, 1, ("squash-merge", 2186, None)),
    (PADDLEHUB, "Merge pull request #2020 from jm12138/linux_doc_patch1", GITHUB, 2,
     ("fork-merge", 2020, "jm12138")),
    (PADDLEHUB, "Add predefined networks for text classification", GITHUB, 2,
     ("merge", None, None)),
    (PADDLEHUB, "Update README.md", GITHUB, 1, ("web-edit", None, None)),
    (PADDLEHUB, "add firstordermotion module (#1748)", ALEX, 1,
     ("pushed-pull-request", 1748, None)),
    (PADDLEHUB, "Merge branch 'release/v2.1' into develop", ALEX, 2, ("local-merge", None, None)),
    (PADDLEHUB, "Merge requirement.txt and requirement_py.txt", ALEX, 1,
     ("direct-push", None, None)),
]  # fmt: skip


@pytest.mark.parametrize(("rules", "message", "committer", "parents", "expected"), CASES)
def test_every_rule_recognises_its_commits(rules, message, committer, parents, expected):
    got = classify(ref(message, committer, parents), rules)
    assert got.problem is None, got.detail
    assert (got.channel.id, got.pull_request, got.login) == expected


def test_every_rule_of_every_hub_is_exercised():
    used = {(rules.hub, expected[0]) for rules, *_, expected in CASES}
    for rules in (TFHUB, PYTORCH_HUB, PADDLEHUB):
        assert {(rules.hub, c.id) for c in rules.channels} <= used


@pytest.mark.parametrize(
    ("rules", "message", "committer", "parents"),
    [
        (TFHUB, "Apply a pull request (#13)", ALEX, 1),  # TF Hub has no pushed pull requests
        (TFHUB, "Merge branch 'x' into master", ALEX, 2),  # nor local merges
        (TFHUB, "Merged by hand", GITHUB, 2),  # nor merges with an edited message
        (TFHUB, "Exported\n\nPiperOrigin-RevId: 1", GITHUB, 1),  # an export GitHub committed
        (PYTORCH_HUB, "Merge branch 'x' into master", ALEX, 2),
        # PaddleHub never merged a branch of its own organisation through GitHub's button
        (PADDLEHUB, "Merge pull request #1 from PaddlePaddle/release", GITHUB, 2),
    ],
)
def test_a_commit_no_rule_fits_is_an_anomaly_not_a_guess(rules, message, committer, parents):
    got = classify(ref(message, committer, parents), rules)
    assert got.channel is None and got.problem == UNRECOGNISED
    assert got.pull_request is None and "fits" in got.detail
    assert "alex" not in got.detail.lower()  # the detail names no one


def test_rules_that_overlap_are_an_anomaly():
    loose = Channel("any-github", "Any", "committed by GitHub", (0, 9), "github")
    rules = CommunityRules("t", "org", "Org", (), (), (*PYTORCH_HUB.channels, loose))
    got = classify(ref("Update README.md", GITHUB), rules)
    assert got.channel is None and got.problem == AMBIGUOUS
    assert "web-edit" in got.detail and "any-github" in got.detail


def test_rules_take_bounded_time_on_hostile_messages():
    """A subject or trailer built to make a backtracking engine crawl: every rule reads lines
    cut to 1,000 characters and at most 1,100 of them."""
    evil = "(" * 200_000 + "#" * 200_000
    body = "\n".join(["PiperOrigin-RevId: " + "9" * 10_000 + " (#1"] * 5_000)
    for rules in (TFHUB, PYTORCH_HUB, PADDLEHUB):
        start = time.perf_counter()
        for message in (evil, evil + "\n\n" + body, "x (#" + "1" * 500_000):
            classify(ref(message, GITHUB), rules)
            classify(ref(message, ALEX, 2), rules)
        assert time.perf_counter() - start < 2.0


def test_rule_definitions_are_checked():
    with pytest.raises(ValueError):
        Match("body", "x")
    with pytest.raises(ValueError):
        Channel("x", "X", "x", (1, 1), "robot")
    with pytest.raises(ValueError):
        Channel("x", "X", "x", (1, 1), "github", content="merged")  # one parent merges nothing
    with pytest.raises(ValueError):
        CommunityRules("t", "o", "O", (), (), (TFHUB.channels[0], TFHUB.channels[0]))


# -- the real histories -----------------------------------------------------------------------

SHARED = Path(__file__).resolve().parents[2] / "shared"
CLONES = {
    "tfhub": Path(os.environ.get("TFHUB_GIT") or SHARED / "tfhub.dev.git"),
    "pytorch-hub": Path(os.environ.get("PYTORCH_HUB_GIT") or SHARED / "pytorch-hub.git"),
    "paddlehub": Path(os.environ.get("PADDLEHUB_GIT") or SHARED / "paddlehub.git"),
}
REAL = {
    "tfhub": (TFHUB, {"copybara-export": 462, "copybara-import": 22, "squash-merge": 113,
                      "fork-merge": 2, "org-branch-merge": 2, "web-edit": 10, "direct-push": 8}),
    "pytorch-hub": (PYTORCH_HUB, {"squash-merge": 83, "fork-merge": 42, "org-branch-merge": 50,
                                  "merge": 12, "web-edit": 35, "pushed-pull-request": 17,
                                  "direct-push": 28}),
    "paddlehub": (PADDLEHUB, {"squash-merge": 242, "fork-merge": 53, "merge": 1, "web-edit": 151,
                              "pushed-pull-request": 72, "local-merge": 64, "direct-push": 505}),
}  # fmt: skip


def readable(clone: Path, tmp: Path) -> Path:
    """The clone, or for one without a ``refs/`` folder (PaddleHub's copy lost the empty folder;
    its refs are in packed-refs) a shadow git directory that borrows its objects."""
    if (clone / "refs").is_dir():
        return clone
    shadow = tmp / f"{clone.name}-shadow"
    (shadow / "refs").mkdir(parents=True)
    (shadow / "objects" / "info").mkdir(parents=True)
    for name in ("HEAD", "packed-refs"):
        shutil.copyfile(clone / name, shadow / name)
    (shadow / "objects" / "info" / "alternates").write_text(f"{clone / 'objects'}\n")
    (shadow / "config").write_text(
        "[core]\n\trepositoryformatversion = 1\n\tbare = true\n"
        "[extensions]\n\tpartialClone = origin\n[remote \"origin\"]\n\tpromisor = true\n"
    )
    return shadow


@pytest.mark.parametrize("hub", sorted(REAL))
def test_every_first_parent_commit_of_the_real_histories_is_recognised(hub, tmp_path):
    clone = CLONES[hub]
    if not (clone / "HEAD").is_file():
        pytest.skip(f"the {hub} clone is absent at {clone}")
    from tfhub_dataset.sources.git.repo import GitRepo

    rules, expected = REAL[hub]
    repo = GitRepo(readable(clone, tmp_path))
    try:
        head = repo.resolve("HEAD")
        assert head is not None
        line = first_parent_refs(repo.commits(head), head)
    finally:
        repo.close()
    found = [classify(r, rules) for r in line]
    assert [(r.sha[:12], f.detail) for r, f in zip(line, found, strict=True) if f.problem] == []
    assert Counter(f.channel.id for f in found) == expected


def test_each_hub_owner_is_a_curated_organisation():
    """The owner a hub's rules name is the organisation the curated publisher annotations use
    (its own publishers are those whose organisation it is)."""
    import csv

    from tfhub_dataset import ROOT

    with (ROOT / "build" / "annotations" / "organizations.csv").open(encoding="utf-8") as fh:
        names = {r["organization"] for r in csv.DictReader(fh)}
    for rules in (TFHUB, PYTORCH_HUB):
        assert rules.owner in names
