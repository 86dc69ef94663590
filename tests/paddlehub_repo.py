"""A small synthetic PaddleHub repository made with git by the tests (never a copy of the real
modules), with the layout moves of the real one: hubmodule/modules/ renamed hub_module/modules/
the same day, a version bump, a module credited to two people, the move to modules/ with a
community module under modules/thirdparty/, its move into modules/ with an edit, a removal, a
module added on a side branch and merged, and files outside the catalogue."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from fixtures_git import _git

from tests.synthetic_paddlehub import OLD_README, module_py, readme

ACME = "image/classification/acme_net"
POEM = "text/text_generation/poem"
SKY = "image/Image_gan/gan/sky"
# (name, committer date, files to write (None: delete), renames new -> old)
STEPS: list[tuple[str, str, Mapping[str, bytes | None], Mapping[str, str]]] = [
    ("framework", "2019-01-02T10:00:00Z", {
        "LICENSE": b"Apache License 2.0 (synthetic)\n",
        "paddlehub/module/module.py": b"def moduleinfo(name, version): ...\n",
        "demo/senta_module_sample/senta_test/module.py": module_py("sample").encode(),
    }, {}),
    ("add hub modules", "2020-04-26T03:00:47Z", {
        f"hubmodule/modules/{ACME}/module.py": module_py().encode(),
        f"hubmodule/modules/{ACME}/README.md": OLD_README.encode(),
        f"hubmodule/modules/{ACME}/label.png": b"\x89PNG not data\n",
        "hubmodule/modules/demo/senta_test/module.py": module_py(
            "senta_test", author="anonymous"
        ).encode(),
    }, {}),
    ("rename", "2020-04-26T03:13:59Z", {}, {
        f"hub_module/modules/{ACME}/module.py": f"hubmodule/modules/{ACME}/module.py",
        f"hub_module/modules/{ACME}/README.md": f"hubmodule/modules/{ACME}/README.md",
        f"hub_module/modules/{ACME}/label.png": f"hubmodule/modules/{ACME}/label.png",
        "hub_module/modules/demo/senta_test/module.py":
            "hubmodule/modules/demo/senta_test/module.py",
    }),
    ("bump acme", "2020-05-10T10:00:00Z", {
        f"hub_module/modules/{ACME}/module.py": module_py(version="1.1.0").encode(),
    }, {}),
    ("add poem", "2020-06-01T10:00:00Z", {
        f"hub_module/modules/{POEM}/module.py": module_py(
            "poem", author="张三、李四", type="nlp/text_generation"
        ).encode(),
        f"hub_module/modules/{POEM}/README.md": readme("poem").encode(),
    }, {}),
    ("move to modules", "2021-06-01T02:55:58Z", {
        f"modules/thirdparty/{SKY}/module.py": module_py("sky", author="JDoe").encode(),
    }, {
        f"modules/{ACME}/module.py": f"hub_module/modules/{ACME}/module.py",
        f"modules/{ACME}/README.md": f"hub_module/modules/{ACME}/README.md",
        f"modules/{ACME}/label.png": f"hub_module/modules/{ACME}/label.png",
        f"modules/{POEM}/module.py": f"hub_module/modules/{POEM}/module.py",
        f"modules/{POEM}/README.md": f"hub_module/modules/{POEM}/README.md",
        "modules/demo/senta_test/module.py": "hub_module/modules/demo/senta_test/module.py",
    }),
    ("thirdparty joins", "2021-09-24T03:45:12Z", {
        f"modules/{SKY}/module.py": module_py("sky", "1.0.1", author="JDoe").encode(),
    }, {f"modules/{SKY}/module.py": f"modules/thirdparty/{SKY}/module.py"}),
    ("remove demo", "2021-10-01T10:00:00Z", {"modules/demo/senta_test/module.py": None}, {}),
]  # fmt: skip
# A module added on a side branch and merged: (branch commit, merge).
SIDE = ("add flash", "2022-01-05T10:00:00Z", "merge flash", "2022-02-01T10:00:00Z")
FLASH = "text/embedding/flash"


def make_paddlehub_repo(work: Path, bare: Path) -> dict[str, str]:
    """Write the synthetic history with git and a bare copy at ``bare`` (branch develop);
    returns the commits by step name."""
    _git(work.parent, "init", "--quiet", "-b", "develop", str(work))
    shas: dict[str, str] = {}
    for name, date, files, renames in STEPS:
        _apply(work, files, renames)
        _git(work, "commit", "--quiet", "-m", name, date=date)
        shas[name] = _git(work, "rev-parse", "HEAD")
    branch, branch_date, merge, merge_date = SIDE
    _git(work, "checkout", "--quiet", "-b", "flash")
    _apply(work, {f"modules/{FLASH}/module.py": module_py("flash", author="JDoe").encode()}, {})
    _git(work, "commit", "--quiet", "-m", branch, date=branch_date)
    shas[branch] = _git(work, "rev-parse", "HEAD")
    _git(work, "checkout", "--quiet", "develop")
    _git(work, "merge", "--quiet", "--no-ff", "-m", merge, "flash", date=merge_date)
    shas[merge] = _git(work, "rev-parse", "HEAD")
    _git(work.parent, "clone", "--quiet", "--bare", str(work), str(bare))
    return shas


def _apply(work: Path, files: Mapping[str, bytes | None], renames: Mapping[str, str]) -> None:
    for new, old in renames.items():
        (work / new).parent.mkdir(parents=True, exist_ok=True)
        _git(work, "mv", old, new)
    for path, data in files.items():
        if data is None:
            _git(work, "rm", "--quiet", path)
            continue
        target = work / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        _git(work, "add", path)
