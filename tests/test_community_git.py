"""The community figures of the written releases, recomputed a sample at a time with plain git
from the repositories (no project code between git and the numbers): first-parent commits,
Copybara exports and imports, merges by owner, data commits, the addresses behind the
contributors, and the commit that first added each Hugging Face link of PyTorch Hub."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from tests.test_channels import CLONES, readable
from tfhub_dataset.build import load_pins

ROOT = Path(__file__).resolve().parents[1]
RELEASES = Path(os.environ.get("TFHUB_TEST_RELEASES") or ROOT / "releases")
PINS = {p.id: p for p in load_pins()}
ENV = {**os.environ, "GIT_NO_LAZY_FETCH": "1", "LC_ALL": "C"}


def git(clone: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(clone), *args], capture_output=True, env=ENV)
    assert done.returncode == 0, done.stderr.decode()[-300:]
    return done.stdout.decode("utf-8", "replace")


def table(release_id: str, name: str) -> list[dict[str, str]]:
    text = (RELEASES / release_id / "data" / f"{name}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def setup(release_id: str, tmp: Path) -> tuple[Path, str]:
    pin = PINS[release_id]
    clone = CLONES[pin.hub]
    if not (clone / "HEAD").is_file():
        pytest.skip(f"the {pin.hub} clone is absent at {clone}")
    if not (RELEASES / release_id / "data" / "contributions.csv").is_file():
        pytest.skip(f"release {release_id} has no community tables")
    return readable(clone, tmp), pin.commit


def first_parent(clone: Path, commit: str) -> list[dict[str, str]]:
    """Each first-parent commit: sha, parents, author address, committer name, whole message."""
    out = git(clone, "log", "--first-parent", "-z", "--format=%H%x1f%P%x1f%ae%x1f%cn%x1f%B", commit)
    rows = []
    for record in out.split("\0"):
        if record.strip():
            sha, parents, ae, cn, body = record.lstrip("\n").split("\x1f", 4)
            rows.append({"sha": sha, "parents": parents.split(), "ae": ae, "cn": cn, "body": body})
    return rows


def channel_counts(release_id: str) -> dict[str, int]:
    return {r["id"]: int(r["commits"]) for r in table(release_id, "channels")}


def merge_owners(line: list[dict[str, str]]) -> Counter[str]:
    owners: Counter[str] = Counter()
    for c in line:
        m = re.match(r"Merge pull request #\d+ from ([^/\s]+)/", c["body"])
        if len(c["parents"]) > 1 and c["cn"] == "GitHub" and m:
            owners[m.group(1).lower()] += 1
    return owners


@pytest.mark.parametrize("release_id", sorted(PINS))
def test_commits_merges_data_commits_and_addresses(release_id, tmp_path):
    clone, commit = setup(release_id, tmp_path)
    line = first_parent(clone, commit)
    contributions = table(release_id, "contributions")
    channels = channel_counts(release_id)
    assert len(contributions) == len(line) == sum(channels.values())
    merges = int(git(clone, "rev-list", "--first-parent", "--merges", "--count", commit))
    merge_channels = ("fork-merge", "org-branch-merge", "merge", "local-merge")
    assert sum(channels.get(c, 0) for c in merge_channels) == merges
    owners = merge_owners(line)
    org = {"tfhub": "tensorflow", "pytorch-hub": "pytorch", "paddlehub": "paddlepaddle"}[
        PINS[release_id].hub
    ]
    assert channels.get("org-branch-merge", 0) == owners[org]
    assert channels["fork-merge"] == sum(owners.values()) - owners[org]
    # Commits that change a data path against their first parent (PaddleHub's paths are the
    # module files at any depth of its catalogue folders: counted by the project's rule only).
    data = {"tfhub": ["assets", "tags", "README.md", "LICENSE"],
            "pytorch-hub": [":(top,glob)*.md", "scripts/tags.py", "scripts/sanity_check.py",
                            "docs/template.md", "LICENSE"]}.get(PINS[release_id].hub)  # fmt: skip
    if data is not None:
        touched = git(clone, "log", "--first-parent", "--format=%H", commit, "--", *data).split()
        assert sum(1 for r in contributions if int(r["data_files"]) > 0) == len(set(touched))
    # The addresses merged into the contributors: each first-parent commit's author, and for a
    # merge the merged tip's author too.
    addresses = set()
    for c in line:
        addresses.add(c["ae"].lower())
        if len(c["parents"]) > 1:
            addresses.add(git(clone, "log", "-1", "--format=%ae", c["parents"][1]).strip().lower())
    contributors = table(release_id, "contributors")
    assert sum(int(r["addresses"]) for r in contributors) == len(addresses)
    assert len(contributors) <= len(addresses)


@pytest.mark.parametrize("release_id", [r for r in sorted(PINS) if PINS[r].hub == "tfhub"])
def test_copybara_exports_and_imports(release_id, tmp_path):
    clone, commit = setup(release_id, tmp_path)
    line = first_parent(clone, commit)
    imports = [c for c in line if "\nCOPYBARA_INTEGRATE_REVIEW=" in "\n" + c["body"]]
    exports = [c for c in line if "\nPiperOrigin-RevId: " in "\n" + c["body"] and c not in imports]
    channels = channel_counts(release_id)
    assert channels["copybara-import"] == len(imports)
    assert channels["copybara-export"] == len(exports)
    prs = {r["commit"]: r["pull_request"] for r in table(release_id, "contributions")}
    for c in imports:
        n = re.search(r"COPYBARA_INTEGRATE_REVIEW=\S+/pull/(\d+) ", c["body"]).group(1)
        assert prs[c["sha"]] == n


@pytest.mark.parametrize("release_id", [r for r in sorted(PINS) if PINS[r].hub == "pytorch-hub"])
def test_the_commit_that_first_added_each_hugging_face_link(release_id, tmp_path):
    """git's pickaxe (-S) finds the first commit of the branch whose page gained the URL; the
    release's `added_commit` must be it, and the campaigns behind them must touch many pages."""
    clone, commit = setup(release_id, tmp_path)
    pages = {m["handle"]: m["source_path"] for m in table(release_id, "models")}
    links = [r for r in table(release_id, "links") if r["link_type"] == "huggingface"]
    if not links:
        pytest.skip("no Hugging Face link at this commit")
    for r in links:
        found = git(clone, "log", "--first-parent", "--reverse", "--format=%H", f"-S{r['url']}",
                    commit, "--", pages[r["model"]]).split()  # fmt: skip
        assert found and r["added_commit"] == found[0], r["url"]
    contributions = {r["commit"]: r for r in table(release_id, "contributions")}
    for r in links:
        if r["added_as"] == "campaign":
            pages_changed = git(clone, "diff", "--name-only", f"{r['added_commit']}^",
                                r["added_commit"], "--", ":(top,glob)*.md").split()  # fmt: skip
            assert len(pages_changed) >= 3
            assert contributions[r["added_commit"]]["campaign"] == "true"
