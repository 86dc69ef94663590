"""A small synthetic pytorch/hub repository made with git by the tests (never a copy of the real
pages): model pages at the root, vocabulary files, an image outside the data paths, a page that
lives only between two month ends, a renamed page and, last, a LICENSE."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from fixtures_git import _git

from tests.synthetic_pytorch_hub import VOCABULARY, page

ACME = "acme-lab_acmenet_small.md"
TINY = "jdoe_tiny_tiny.md"
TINY_RENAMED = "jdoe_tiny.md"
FLASH = "zed_flash_flash.md"
# (name, committer date, files to write (None: delete), renames new -> old)
STEPS: list[tuple[str, str, Mapping[str, bytes | None], Mapping[str, str]]] = [
    ("init", "2021-01-05T10:00:00Z", {
        "README.md": b"# PyTorch Hub (synthetic)\n",
        **{p: t.encode() for p, t in VOCABULARY.items()},
        ACME: page().encode(),
        "images/acme.png": b"\x89PNG not data\n",
    }, {}),
    ("add tiny", "2021-01-20T10:00:00Z", {
        TINY: page(author="Jane Doe", github_id="JDoe/tiny", tags="[audio]",
                   body="```python\nm = torch.hub.load('JDoe/tiny', 'tiny')\n```\n"
                        "### Model Description\n").encode(),
    }, {}),
    ("edit acme", "2021-02-10T10:00:00Z", {ACME: page(summary="An edited summary").encode()}, {}),
    ("rename tiny", "2021-02-20T10:00:00Z", {}, {TINY_RENAMED: TINY}),
    ("add flash", "2021-03-03T10:00:00Z", {
        FLASH: page(author="Zed", github_id="zed/flash", body="```python\n"
                    "m = torch.hub.load('zed/flash', 'flash')\n```\n### Model Description\n")
        .encode(),
    }, {}),
    ("remove flash", "2021-03-04T10:00:00Z", {FLASH: None}, {}),
    ("license", "2021-04-02T10:00:00Z", {"LICENSE": b"Synthetic license text.\n"}, {}),
]  # fmt: skip


Steps = list[tuple[str, str, Mapping[str, bytes | None], Mapping[str, str]]]


def make_pytorch_hub_repo(work: Path, bare: Path, steps: Steps = STEPS) -> dict[str, str]:
    """Write the synthetic history (``steps``, default STEPS) with git and a bare copy of it at
    ``bare``; returns the commits by step name."""
    _git(work.parent, "init", "--quiet", "-b", "master", str(work))
    shas: dict[str, str] = {}
    for name, date, files, renames in steps:
        for new, old in renames.items():
            _git(work, "mv", old, new)
        for path, data in files.items():
            if data is None:
                _git(work, "rm", "--quiet", path)
                continue
            target = work / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            _git(work, "add", path)
        _git(work, "commit", "--quiet", "-m", name, date=date)
        shas[name] = _git(work, "rev-parse", "HEAD")
    _git(work.parent, "clone", "--quiet", "--bare", str(work), str(bare))
    return shas
