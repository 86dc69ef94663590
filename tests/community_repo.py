"""A small TF Hub-shaped repository made with git, whose commits come through every kind of
channel and from people with several addresses: the fixture of the community tests.

Every name and address here is invented (``.example`` domains, and free-mail and GitHub noreply
shapes for the classes); the tests prove that none of them reaches a written table.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tfhub_dataset.history.channels import CommunityRules
from tfhub_dataset.hubs.tfhub.channels import RULES as TFHUB_RULES
from tfhub_dataset.sources.git.repo import git_env

GITHUB = ("GitHub", "noreply@github.com")
COPYBARA = ("Copybara-Service", "copybara@acme.example")
STAFF = ("Staff One", "one@acme.example")
AUTHORS = ("Acme Export Authors", "no-reply@acme.example")
PAT = ("Pat Outside", "pat.outside@gmail.com")
PAT_NOREPLY = ("patlogin", "12345+PatLogin@users.noreply.github.com")
PAT_OTHER = ("P. Outside", "pat.elsewhere@gmail.com")
QUINN = ("Quinn Fork", "quinn@uni.example")
TWO = ("Staff Two", "staff.two@gmail.com")
CAM = ("Cam Paign", "cam@corp.example")
ZED = ("Zed Optout", "zed@zed.example")
PUSHER = ("Riley Push", "riley@corp.example")
PEOPLE = (COPYBARA, STAFF, AUTHORS, PAT, PAT_NOREPLY, PAT_OTHER, QUINN, TWO, CAM, ZED, PUSHER)

# The rules of the fixture: TF Hub's channels, with the fixture's owner, domain and bot.
RULES = CommunityRules(
    hub="tfhub",
    organisation="tensorflow",
    owner="Acme",
    owner_domains=("acme.example",),
    bots=(COPYBARA[1],),
    channels=TFHUB_RULES.channels,
)
OWNER_PUBLISHERS = frozenset({"acme"})
TASKS = b"values:\n  - id: text-embedding\n    domains: [text]\n"


def publisher(handle: str, *urls: str) -> bytes:
    links = "".join(f"\n* [Site {n}]({u})" for n, u in enumerate(urls, start=1))
    return f"# Publisher {handle}\n{handle.title()} Labs.\n{links}\n".encode()


def module(handle: str, summary: str = "A model.") -> bytes:
    return (
        f"# Module {handle}\n{summary}\n\n<!-- asset-path: https://example.org/m.tar.gz -->\n"
        "<!-- task: text-embedding -->\n<!-- fine-tunable: true -->\n"
        "<!-- format: saved_model_2 -->\n<!-- license: apache-2.0 -->\n\n## Overview\nText.\n"
    ).encode()


def doc(pub: str, name: str) -> str:
    return f"assets/docs/{pub}/models/{name}/1.md"


def pub_doc(pub: str) -> str:
    return f"assets/docs/{pub}/{pub}.md"


CIR = (
    "COPYBARA_INTEGRATE_REVIEW=https://github.com/tensorflow/tfhub.dev/pull/7 from "
    "PatLogin:main 0123456789abcdef0123456789abcdef01234567"
)


@dataclass(frozen=True)
class Step:
    name: str
    date: str
    message: str
    author: tuple[str, str]
    committer: tuple[str, str]
    files: Mapping[str, bytes]


# The first-parent line, oldest first; "side" is the commit of the merged branch.
STEPS = [
    Step("initial", "2021-01-04T10:00:00Z", "Initial commit.", STAFF, STAFF, {
        "README.md": b"# Synthetic hub\n", "tags/task.yaml": TASKS,
        pub_doc("acme"): publisher("acme", "https://acme.example/"),
    }),
    Step("export", "2021-01-10T10:00:00Z", "Add acme/a\n\nPiperOrigin-RevId: 123456",
         AUTHORS, COPYBARA, {doc("acme", "a"): module("acme/a/1")}),
    Step("import", "2021-02-01T10:00:00Z",
         f"Copybara import of the project:\n\n--\nabc by {PAT[0]} <{PAT[1]}>:\n\nAdd pat\n\n"
         f"{CIR}\nPiperOrigin-RevId: 123457",
         PAT, COPYBARA, {pub_doc("pat"): publisher("pat", "https://pat.example/"),
                         doc("pat", "x"): module("pat/x/1")}),
    Step("squash", "2021-02-15T10:00:00Z", "Add pat/y (#8)\n\n* Add pat/y", PAT_NOREPLY, GITHUB, {
        pub_doc("pat"): publisher("pat", "https://pat.example/", "https://pat.example/blog"),
        doc("pat", "y"): module("pat/y/1"),
    }),
    Step("merge", "2021-03-01T10:00:00Z", "Merge pull request #9 from quinnlogin/feature\n\nQuinn",
         STAFF, GITHUB, {}),
    Step("web", "2021-03-10T10:00:00Z", "Update 1.md", TWO, GITHUB,
         {doc("acme", "a"): module("acme/a/1", "Edited on the web.")}),
    Step("campaign", "2021-04-01T10:00:00Z", "Add demo links (#10)", CAM, GITHUB, {
        pub_doc("acme"): publisher("acme", "https://acme.example/", "https://demo.example/acme"),
        pub_doc("pat"): publisher("pat", "https://pat.example/", "https://pat.example/blog",
                                  "https://demo.example/pat"),
        pub_doc("quinn"): publisher("quinn", "https://quinn.example/", "https://demo.example/q"),
    }),
    Step("alias", "2021-04-10T10:00:00Z", "Fix pat/x (#11)", PAT_OTHER, GITHUB,
         {doc("pat", "x"): module("pat/x/1", "Fixed.")}),
    Step("optout", "2021-05-01T10:00:00Z", "Add zed (#12)", ZED, GITHUB,
         {pub_doc("zed"): publisher("zed", "https://zed.example/"),
          doc("zed", "z"): module("zed/z/1")}),
    Step("pushed", "2021-05-10T10:00:00Z", "Apply a pull request (#13)", PUSHER, PUSHER,
         {doc("acme", "b"): module("acme/b/1")}),
]  # fmt: skip
SIDE = Step("side", "2021-02-20T10:00:00Z", "Add quinn", QUINN, QUINN, {
    pub_doc("quinn"): publisher("quinn", "https://quinn.example/"),
    doc("quinn", "q"): module("quinn/q/1"),
})  # fmt: skip


def _git(work: Path, *args: str, who: Step | None = None) -> str:
    extra = {}
    if who is not None:
        extra = {
            "GIT_AUTHOR_NAME": who.author[0], "GIT_AUTHOR_EMAIL": who.author[1],
            "GIT_COMMITTER_NAME": who.committer[0], "GIT_COMMITTER_EMAIL": who.committer[1],
            "GIT_AUTHOR_DATE": who.date, "GIT_COMMITTER_DATE": who.date,
        }  # fmt: skip
    done = subprocess.run(
        ["git", "-C", str(work), *args], capture_output=True, env=git_env(**extra), text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _commit(work: Path, step: Step) -> str:
    for path, data in step.files.items():
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        (work / path).write_bytes(data)
        _git(work, "add", path)
    _git(work, "commit", "--quiet", "--allow-empty", "-m", step.message, who=step)
    return _git(work, "rev-parse", "HEAD")


def make_community_repo(root: Path) -> tuple[Path, dict[str, str]]:
    """Write the history with git under ``root`` (a work tree and a bare copy); return the bare
    repository and the commits by step name."""
    work, bare = root / "work", root / "hub.git"
    subprocess.run(["git", "init", "--quiet", "-b", "master", str(work)], check=True, env=git_env())
    shas: dict[str, str] = {}
    for step in STEPS:
        if step.name == "merge":
            _git(work, "checkout", "--quiet", "-b", "feature", shas["initial"])
            shas["side"] = _commit(work, SIDE)
            _git(work, "checkout", "--quiet", "master")
            _git(work, "merge", "--quiet", "--no-ff", "-m", step.message, "feature", who=step)
            shas[step.name] = _git(work, "rev-parse", "HEAD")
        else:
            shas[step.name] = _commit(work, step)
    subprocess.run(
        ["git", "clone", "--quiet", "--bare", str(work), str(bare)], check=True, env=git_env()
    )
    return bare, shas
