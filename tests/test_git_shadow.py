"""Every repository is read through a shadow git dir the project writes (sources/git/shadow.py):
nothing of a clone's own config runs, a history that is not whole is refused in one line, and
HEAD, not a branch that happens to be called ``tip``, is what --git reads."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from fixtures_git import _git

from tests.mirror import ROOT
from tfhub_dataset.build import COMPARISON, Pin
from tfhub_dataset.cli import main
from tfhub_dataset.history.series import build_history
from tfhub_dataset.sources.errors import FetchError
from tfhub_dataset.sources.git import GitConfig, GitSource
from tfhub_dataset.sources.git.repo import GitRepo, git_env
from tfhub_dataset.sources.git.shadow import RepoRefused, open_shadow
from tfhub_dataset.verify import verify

PADDLE = ROOT.parent / "shared" / "paddlehub.git"
QUIET = {"progress": lambda _m: None}


def clone(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest, symlinks=True)
    return dest


def signed_commits(repo: Path) -> list[str]:
    """Two commits on top of HEAD's branch carrying a PGP and an SSH signature header (any bytes
    do: git hands them to the configured program to check)."""
    head = _git(repo, "rev-parse", "HEAD")
    tree = _git(repo, "rev-parse", "HEAD^{tree}")
    made = []
    for n, sig in enumerate(
        (
            ["-----BEGIN PGP SIGNATURE-----", "", "xx", "-----END PGP SIGNATURE-----"],
            ["-----BEGIN SSH SIGNATURE-----", "xx", "-----END SSH SIGNATURE-----"],
        ),
        start=1,
    ):
        body = (
            f"tree {tree}\nparent {head}\nauthor A <a@example.org> 1619000000 +0000\n"
            f"committer A <a@example.org> {1619000000 + n} +0000\ngpgsig "
            + "\n ".join(sig)
            + f"\n\nsigned {n}\n"
        )
        head = subprocess.run(
            ["git", "-C", str(repo), "hash-object", "-t", "commit", "-w", "--stdin"],
            input=body.encode(), capture_output=True, check=True, env=git_env(),
        ).stdout.decode().strip()  # fmt: skip
        made.append(head)
    branch = _git(repo, "symbolic-ref", "HEAD")
    _git(repo, "update-ref", branch, head)
    return made


def plant_programs(repo: Path, mark: Path) -> None:
    """Every known config hook of a clone, each pointing at a program that leaves a mark."""
    prog = repo / "info" / "prog"
    prog.parent.mkdir(exist_ok=True)
    prog.write_text(f'#!/bin/sh\necho "$0 $*" >> {mark}\n')
    prog.chmod(0o755)
    included = repo / "info" / "included"
    included.write_text(f'[gpg]\n\tprogram = {prog}\n[gpg "ssh"]\n\tprogram = {prog}\n')
    settings = {
        "log.showSignature": "true",
        "include.path": str(included),
        "gpg.ssh.allowedSignersFile": str(repo / "info" / "signers"),
        "core.fsmonitor": str(prog),
        "core.pager": str(prog),
        "core.hooksPath": str(repo / "info"),
        "diff.external": str(prog),
        "core.sshCommand": str(prog),
        "uploadpack.packObjectsHook": str(prog),
    }
    for key, value in settings.items():
        _git(repo, "config", key, value)
    (repo / "info" / "signers").write_text("")
    for hook in ("reference-transaction", "post-checkout", "pre-auto-gc"):
        shutil.copy(prog, repo / "info" / hook)


@pytest.fixture(scope="module")
def signed_git(synthetic_git, git_server) -> tuple[Path, str, list[str]]:
    """The synthetic history with two signed commits on top, served: (bare, URL, signed)."""
    name = "signed.git"
    repo = git_server.root / name
    if not repo.exists():
        clone(synthetic_git.bare, repo)
        signed_commits(repo)
    return repo, git_server.url(name), _git(repo, "rev-list", "-2", "HEAD").split()[::-1]


def test_a_clones_config_runs_nothing(signed_git, tmp_path):
    repo = clone(signed_git[0], tmp_path / "planted.git")
    signed = signed_git[2]
    mark = tmp_path / "RAN"
    plant_programs(repo, mark)
    # the plant works: plain git, in the clone, runs the program for each signed commit
    subprocess.run(["git", "-C", str(repo), "log", "--format=%H"], capture_output=True,
                   env=git_env(), check=False)  # fmt: skip
    assert mark.exists() and mark.read_text().count("\n") >= 2
    mark.unlink()
    # a whole build through the CLI, and verify, run nothing
    out = tmp_path / "out"
    argv = ["--git", str(repo), "--as-of", "2021-04-21", "--quiet", "--no-validate",
            "--out", str(out), "--cache", str(tmp_path / "c" / "http.sqlite")]  # fmt: skip
    assert main(["build", *argv]) == 0
    with GitSource(GitConfig(path=repo)) as src:
        h = build_history(src, signed[-1], "2021-04-21", {}, **QUIET)
        assert signed[-1] in {r["sha"] for r in h.tables["commits"]}
        # verify rebuilds what the build wrote, from the same clone (issue 22: it ran the
        # program 230 times and said "identical")
        (built,) = (p for p in out.iterdir() if p.is_dir() and p.name != COMPARISON)
        date = next(r["date"] for r in h.tables["commits"] if r["sha"] == signed[-1])
        pin = Pin(built.name, "2021-04-21", signed[-1], date)
        done = verify(src, releases_dir=out, pins=[pin], comparison=False)
        assert done.checked == [built.name] and done.files > 10
        assert done.differences == [], done.differences[:3]
    assert not mark.exists(), mark.read_text()


def test_a_shallow_grafted_or_replaced_history_is_refused_in_one_line(synthetic_git, tmp_path):
    head = synthetic_git.head
    cases = {}
    shallow = clone(synthetic_git.bare, tmp_path / "shallow.git")
    (shallow / "shallow").write_text(synthetic_git.shas["edit a"] + "\n")
    cases[shallow] = "a shallow clone"
    grafted = clone(synthetic_git.bare, tmp_path / "grafted.git")
    (grafted / "info").mkdir(exist_ok=True)
    (grafted / "info" / "grafts").write_text(synthetic_git.shas["edit a"] + "\n")
    cases[grafted] = "grafted"
    replaced = clone(synthetic_git.bare, tmp_path / "replaced.git")
    _git(replaced, "replace", synthetic_git.shas["edit a"], synthetic_git.shas["import"])
    cases[replaced] = "replace refs"
    depth = tmp_path / "depth.git"  # a real shallow clone, as `git clone --depth` makes it
    _git(tmp_path, "clone", "--quiet", "--bare", "--depth", "2",
         f"file://{synthetic_git.bare}", str(depth))  # fmt: skip
    cases[depth] = "a shallow clone"
    for repo, why in cases.items():
        with pytest.raises(RepoRefused, match=why) as err:
            GitSource(GitConfig(path=repo))
        assert "\n" not in str(err.value) and str(repo) in str(err.value)
    # the whole process: one line, exit 2, for a release and for verify
    for command in ("build", "verify"):
        done = subprocess.run(
            [os.sys.executable, "-m", "tfhub_dataset", command, "--git", str(shallow),
             "--hub", "tfhub", "--quiet",
             *(["--as-of", "2021-05-01", "--out", str(tmp_path / "o")] if command == "build"
               else ["--releases", str(tmp_path)])],
            capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1 and "shallow" in done.stderr
    # the genuine repository still opens, at the same head
    with GitSource(GitConfig(path=synthetic_git.bare)) as src:
        assert src.resolve_as_of(__import__("datetime").date(2021, 5, 1)).sha == head


def test_sha256_and_odd_refs_are_refused_naming_why(tmp_path):
    sha256 = tmp_path / "sha256.git"
    _git(tmp_path, "init", "--quiet", "--bare", "--object-format=sha256", str(sha256))
    with pytest.raises(RepoRefused, match="is a SHA-256 repository"):
        open_shadow(sha256)
    odd = tmp_path / "odd.git"
    _git(tmp_path, "init", "--quiet", "--bare", str(odd))
    (odd / "refs" / "heads" / "master").write_text("not an id\n")
    with pytest.raises(RepoRefused, match="does not hold a commit id"):
        open_shadow(odd)
    (odd / "refs" / "heads" / "master").unlink()
    (odd / "refs" / "heads" / "master").symlink_to("/etc/passwd")
    with pytest.raises(RepoRefused, match="is a symbolic link"):
        open_shadow(odd)
    (odd / "refs" / "heads" / "master").unlink()
    (odd / "packed-refs").write_text(f"{'a' * 40} refs/heads/../../x\n")
    with pytest.raises(RepoRefused, match="odd ref"):
        open_shadow(odd)
    with pytest.raises(RepoRefused, match="not a git repository"):
        open_shadow(tmp_path)


def test_a_bare_repository_without_refs_folder_opens(synthetic_git, tmp_path):
    """A copy that lost its empty refs/ folder (every ref in packed-refs): plain git calls it no
    repository, the shadow reads it."""
    repo = clone(synthetic_git.bare, tmp_path / "norefs.git")
    _git(repo, "pack-refs", "--all")
    shutil.rmtree(repo / "refs")
    plain = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True,
                           env=git_env())  # fmt: skip
    assert plain.returncode != 0
    git = GitRepo(repo)
    try:
        assert git.resolve("HEAD") == synthetic_git.head
        assert len(git.commits(synthetic_git.head)) == len(synthetic_git.shas)
    finally:
        git.close()
    assert not git_dir_left(git)


def git_dir_left(git: GitRepo) -> bool:
    return git._shadow is not None


def test_the_shadow_is_removed_when_closed(synthetic_git):
    git = GitRepo(synthetic_git.bare)
    shadow = git.open()
    assert (shadow.git_dir / "objects" / "info" / "alternates").is_file()
    git.close()
    assert not shadow.git_dir.exists()


@pytest.mark.skipif(not (PADDLE / "HEAD").is_file(), reason=f"no PaddleHub clone at {PADDLE}")
def test_the_paddlehub_clone_without_refs_folder_opens():
    assert not (PADDLE / "refs").exists()
    git = GitRepo(PADDLE)
    try:
        assert git.head == "refs/heads/develop"
        tip = git.resolve("HEAD")
        line = git.run("rev-list", "--first-parent", tip).split()
        assert len(line) == 1088
    finally:
        git.close()


@pytest.mark.skipif(os.geteuid() != 0, reason="making a clone another user owns needs root")
def test_a_clone_another_user_owns_opens(synthetic_git, tmp_path):
    repo = clone(synthetic_git.bare, tmp_path / "theirs.git")
    for folder, dirs, files in os.walk(repo):
        for name in [*dirs, *files, "."]:
            os.lchown(os.path.join(folder, name), 65534, 65534)
    plain = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True,
                           env=git_env())  # fmt: skip
    assert b"dubious ownership" in plain.stderr  # what plain git says of it
    with GitSource(GitConfig(path=repo)) as src:
        assert src.resolve_as_of(__import__("datetime").date(2021, 5, 1)).sha == synthetic_git.head


def test_a_branch_named_tip_does_not_override_head(synthetic_git, tmp_path):
    repo = clone(synthetic_git.bare, tmp_path / "tip.git")
    _git(repo, "branch", "tip", synthetic_git.shas["import"])
    with GitSource(GitConfig(path=repo)) as src:
        ref = src.resolve_as_of(__import__("datetime").date(2021, 5, 1))
    assert ref.sha == synthetic_git.head


def test_the_managed_clone_follows_the_same_rules(synthetic_git, signed_git, tmp_path):
    """The clone the project fetched itself: a config planted in it never runs (it is rewritten
    before each fetch, and reads go through the shadow); a shallow file planted in it is refused
    offline in one line, and online the clone is fetched again from scratch."""
    from test_git_source import FAST

    cache = tmp_path / "git" / "tfhub.dev.git"

    _, url, signed = signed_git

    def source(**kw) -> GitSource:
        return GitSource(GitConfig(url=url, cache=cache, fetch=FAST, **kw))

    with source() as src:
        src.ensure(signed[-1])
    mark = tmp_path / "RAN"
    plant_programs(cache, mark)
    _git(cache, "config", "remote.origin.url", "http://127.0.0.1:9/elsewhere.git")
    # the plant works: plain git in the clone runs the program
    subprocess.run(["git", "-C", str(cache), "log", "--format=%H", "refs/heads/tip"],
                   capture_output=True, env=git_env(), check=False)  # fmt: skip
    assert mark.exists()
    mark.unlink()
    with source(offline=True) as src:  # reads the planted clone as it is
        build_history(src, signed[-1], "2021-04-21", {}, **QUIET)
    assert not mark.exists(), mark.read_text()
    with source() as src:  # fetches (the config rewritten first) and reads
        ref = src.resolve_as_of(__import__("datetime").date(2021, 4, 21))
        assert ref.sha == signed[-1]
        build_history(src, ref.sha, "2021-04-21", {}, **QUIET)
        assert src.fetcher.report.fetches == 1
    assert not mark.exists(), mark.read_text()
    assert (
        url in (cache / "config").read_text() and "elsewhere" not in (cache / "config").read_text()
    )
    (cache / "shallow").write_text(synthetic_git.shas["edit a"] + "\n")
    with source(offline=True) as src, pytest.raises(FetchError, match="shallow") as err:
        src.list_commits(synthetic_git.head)
    assert f"delete {cache}" in str(err.value)
    with source() as src:
        refs = src.list_commits(synthetic_git.head)
    assert len(refs) == len(synthetic_git.shas) and not (cache / "shallow").exists()


def test_the_history_id_is_the_digest_of_the_listed_history(synthetic_git):
    from tfhub_dataset.sources.commits import history_digest

    with GitSource(GitConfig(path=synthetic_git.bare)) as src:
        refs = src.list_commits(synthetic_git.head)
        assert src.history_id(synthetic_git.head) == history_digest(
            (r.sha, r.parents) for r in refs
        )
        assert src.history_id(synthetic_git.shas["edit a"]) != src.history_id(synthetic_git.head)
