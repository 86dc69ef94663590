"""The installed tool: a wheel built from the checkout, installed into a fresh virtual
environment outside any checkout, builds a pinned release equal to the committed one byte for
byte; the commands that need a checkout say so in one line; packaging writes nothing into the
project's build/ folder.

One test (it installs every dependency into the new environment, from pip's own cache once warm):
slow-ish, and run in CI like the rest.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.mirror import GIT, ROOT, needs_git, needs_release
from tfhub_dataset.verify import compare_folders

RELEASE, BEFORE = "2024-03-18", "2022-04-05"
# What packaging might leave in the project: setuptools wrote build/lib and build/bdist.*, and an
# egg-info beside the package.
IGNORED = ("cache", "cffvenv", "staging")


def _project_build_files() -> set[str]:
    build = ROOT / "build"
    return {
        p.relative_to(build).as_posix()
        for p in build.rglob("*")
        if p.relative_to(build).parts[0] not in IGNORED
    }


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 900):
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.mark.heavy
@needs_git
@needs_release(RELEASE)
@needs_release(BEFORE)
def test_the_installed_wheel_builds_a_release_outside_any_checkout(tmp_path):
    before = _project_build_files()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["XDG_CACHE_HOME"] = str(tmp_path / "user-cache")  # the installed tool's caches

    # 1. The wheel, built as pip builds it (hatchling is a test dependency: no isolated env).
    wheels = tmp_path / "wheels"
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "-w", str(wheels), str(ROOT)],
        tmp_path, env,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = wheels.glob("tfhub_dataset-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for data in ("build/releases.toml", "LICENSE", "schemas/tfhub/models.json",
                 "build/annotations/tfhub/publisher_types.csv"):  # fmt: skip
        assert f"tfhub_dataset/_data/{data}" in names, data
    assert _project_build_files() == before, "packaging wrote into the project's build/"
    assert not list(ROOT.glob("*.egg-info")) and not (ROOT / "dist").exists()

    # 2. A fresh environment outside the checkout, the wheel and its dependencies (pip's cache).
    # The environment has no pip of its own: this one's pip installs into it (--python), 8 s
    # against 23 s for ensurepip and the bundled pip. --no-compile: byte-compiling every
    # dependency is most of an install's time, and a user's Python compiles what it imports.
    venv = tmp_path / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path, env)
    assert made.returncode == 0, made.stderr[-2000:]
    python = str(venv / "bin" / "python")
    installed = _run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-compile",
         str(wheel)],
        tmp_path, env,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr[-2000:]

    # 3. It builds the release elsewhere. The release before it, downloaded beside it, is what
    # its CHANGES.md compares with, as the committed release's does.
    work, out = tmp_path / "work", tmp_path / "work" / "out"
    out.mkdir(parents=True)
    shutil.copytree(ROOT / "releases" / BEFORE, out / BEFORE)
    cmd = [python, "-m", "tfhub_dataset", "build", "--release", RELEASE, "--git", str(GIT),
           "--out", "out"]  # fmt: skip
    run = _run(cmd, work, env)
    assert run.returncode == 0, run.stderr[-3000:]
    assert f"CHANGES.md compares with out/{BEFORE}" in run.stderr
    where = _run([python, "-c", "import tfhub_dataset as t; print(t.CHECKOUT, t.DATA)"], work, env)
    assert where.stdout.split()[0] == "None" and "site-packages" in where.stdout
    count, differences = compare_folders(RELEASE, ROOT / "releases" / RELEASE, out / RELEASE)
    assert count > 50 and differences == []
    assert (tmp_path / "user-cache" / "tfhub-dataset" / "derived").is_dir()

    # 4. What needs a checkout says so, in one line, exit status 2.
    for args in (["build", "--release", RELEASE, "--git", str(GIT)], ["verify", "--git", str(GIT)]):
        refused = _run([python, "-m", "tfhub_dataset", *args], work, env, timeout=120)
        assert refused.returncode == 2, refused.stderr
        lines = refused.stderr.strip().splitlines()
        assert len(lines) == 1 and "checkout" in lines[0] and "Traceback" not in refused.stderr
    assert _project_build_files() == before
