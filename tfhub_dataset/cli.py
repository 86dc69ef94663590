"""Command line: argument parsing only; the work is in build.py and the modules it calls."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path

from tfhub_dataset import CACHE, CHECKOUT, __version__
from tfhub_dataset.build import (
    NEEDS_CHECKOUT,
    RELEASES_DIR,
    Pin,
    build_comparison,
    build_release,
    has_history,
    load_pins,
    root_citation,
    root_descriptor,
    stderr_progress,
)
from tfhub_dataset.derived import DerivedCache
from tfhub_dataset.guards import (
    UsageError,
    as_of_within_history,
    existing_folder,
    not_replacing_another_kind,
    writable_folder,
)
from tfhub_dataset.hubs import DEFAULT_HUB, HUBS, hub
from tfhub_dataset.package.memo import OutputCache
from tfhub_dataset.package.stage import LOCK_TIMEOUT, LockTimeout, ReleaseInvalid, safe_release_id
from tfhub_dataset.sources.by_hub import GitOptions, HubSources
from tfhub_dataset.sources.local import LocalMirror, LocalSnapshot


def _description() -> str:
    """The command's description, naming the hubs of the registry."""
    import textwrap

    names = ", ".join(f"{h.repository} ({h.title})" for h in HUBS.values())
    other = ", ".join(h.repository for h in HUBS.values() if h.other_sources)
    text = (
        f"Build releases of the tfhub-dataset from {names}, and the comparison of the hubs.\n\n"
        "Without options, rebuilds every pinned release (build/releases.toml) of every hub from "
        "its git repository: a bare partial clone per hub kept under build/cache/git/, fetched "
        "only when a pinned commit is missing, then releases/comparison/. Where GitHub cannot be "
        "reached: --git PATH (clones on disk, repeatable: each release is read from the clone "
        "that holds its commit, and releases no clone holds are skipped), --offline (the cached "
        "clones only), or --snapshot PATH (a local tarball, folder or GitHub-shaped mirror of "
        f"{other})."
    )
    return "\n\n".join(textwrap.fill(p, 96) for p in text.split("\n\n"))


DESCRIPTION = _description()


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from exc


def _sha(text: str) -> str:
    if len(text) != 40 or any(c not in "0123456789abcdef" for c in text.lower()):
        raise argparse.ArgumentTypeError(f"not a full 40-hex commit SHA: {text!r}")
    return text.lower()


def _release_id(text: str) -> str:
    try:
        return safe_release_id(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"not a number of seconds (0 or more): {text!r}")
    return value


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        """One line on stderr and exit status 2 (argparse would print the usage too)."""
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python -m tfhub_dataset",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"tfhub-dataset {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser(
        "build",
        help="rebuild the pinned releases, or one release for a date or commit",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    what = b.add_argument_group(
        "what to build (default: every pinned release)"
    ).add_mutually_exclusive_group()
    what.add_argument(
        "--release",
        action="append",
        metavar="ID",
        help="a pinned release id from build/releases.toml (repeatable)",
    )
    _hub_option(b)
    what.add_argument(
        "--as-of",
        type=_date,
        metavar="YYYY-MM-DD",
        help="build the state in force on this day (last commit at or before its "
        "end, committer date, UTC); the release id is the date",
    )
    what.add_argument(
        "--commit",
        type=_sha,
        metavar="SHA",
        help="build this commit; the release id is its commit date unless --release-id is given",
    )
    ids = b.add_argument_group("with --as-of or --commit")
    ids.add_argument(
        "--commit-date",
        metavar="ISO",
        help="commit date (YYYY-MM-DDTHH:MM:SSZ) of a --snapshot folder, which "
        "cannot tell it by itself",
    )
    ids.add_argument(
        "--release-id",
        type=_release_id,
        metavar="ID",
        help="id (folder name) of the release built: letters, digits, '.', '_', '-'",
    )
    _source_options(b, build=True)
    out = b.add_argument_group("output")
    out.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder that receives <release-id>/ (default releases/ of the checkout; an "
        "installed copy needs --out)",
    )
    out.add_argument(
        "--no-validate",
        action="store_true",
        help="skip frictionless validation, of the comparison too (faster; for experiments only)",
    )
    out.add_argument(
        "--no-derived-cache",
        action="store_true",
        help="re-read and re-parse every month-end snapshot instead of reusing what earlier runs "
        "derived from them (kept beside the HTTP cache, keyed by history, commit and code "
        "version)",
    )
    out.add_argument(
        "--no-output-cache",
        action="store_true",
        help="make every output file (Parquet, report, charts, SQLite) and validate again, even "
        "when earlier runs made them from the same inputs (records kept beside the HTTP cache, "
        "keyed by the digests of the inputs)",
    )
    out.add_argument(
        "--replace",
        action="store_true",
        help="let a build into the default releases/ replace a committed release with one of "
        "another kind (another commit, or a lone snapshot without the history)",
    )
    out.add_argument(
        "--lock-timeout",
        type=_seconds,
        default=LOCK_TIMEOUT,
        metavar="SECONDS",
        help="how long to wait for another build of the same release to finish "
        f"(default {LOCK_TIMEOUT:g})",
    )
    out.add_argument("--quiet", action="store_true", help="no progress messages")

    v = sub.add_parser(
        "verify",
        help="rebuild every committed release from its pinned commit and compare file by file",
        description="Rebuild each pinned release committed under releases/ into a temporary "
        "folder and compare every file byte for byte; any difference is listed and "
        "the exit status is 1.",
    )
    _hub_option(v, build=False)
    _source_options(v, build=False)
    v.add_argument(
        "--releases",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder holding the committed releases (default releases/ of the checkout; an "
        "installed copy needs --releases)",
    )
    v.add_argument(
        "--no-validate",
        action="store_true",
        help="compare bytes only: skip the frictionless validation of each rebuilt release and "
        "of the comparison (a release identical to the committed one is as valid as it; "
        "`frictionless validate` checks that)",
    )
    v.add_argument("--quiet", action="store_true", help="no progress messages")

    a = sub.add_parser(
        "archive",
        help="write each release's deposit: a deterministic zip and its Zenodo metadata",
        description="Write <out>/tfhub-dataset-<release>.zip (every file of the release "
        "folder, checked against its SHA256SUMS; the same bytes on every run) and, beside it, "
        "tfhub-dataset-<release>.zenodo.json (the deposit's metadata) for each release.",
    )
    a.add_argument(
        "--release",
        action="append",
        metavar="ID",
        help="a pinned release id (repeatable; default every pinned release in --releases)",
    )
    a.add_argument(
        "--releases",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder holding the releases (default releases/ of the checkout; an installed "
        "copy needs --releases)",
    )
    a.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder written to")
    a.add_argument("--quiet", action="store_true", help="no progress messages")
    return p


def _hub_option(p: argparse.ArgumentParser, *, build: bool = True) -> None:
    p.add_argument(
        "--hub",
        action="append",
        choices=list(HUBS),
        metavar="NAME",
        help=f"only the releases of this hub ({', '.join(HUBS)}; repeatable; default: every "
        "hub, and the comparison)"
        + (f"; with --as-of or --commit, the hub built (default {DEFAULT_HUB})" if build else ""),
    )


def _source_options(p: argparse.ArgumentParser, *, build: bool) -> None:
    where = p.add_argument_group("where the source comes from")
    where.add_argument(
        "--source",
        choices=("git", "api"),
        default="git",
        help="git: the repository over git smart HTTP, or on disk with --git (default); "
        "api: GitHub's REST API and codeload tarballs, through an HTTP cache",
    )
    where.add_argument(
        "--git",
        type=Path,
        action="append",
        metavar="PATH",
        help="a git repository on disk (bare or not) holding a hub's history; no network. "
        "Repeatable: each release is read from the clone that holds its commit, and the pinned "
        "releases that no clone holds are skipped (one line says which)",
    )
    where.add_argument(
        "--git-url",
        metavar="URL",
        help="the repository of the one hub built, fetched into build/cache/git/ (defaults: "
        + "; ".join(f"{h.name} {h.git_url}, env {h.git_url_env}" for h in HUBS.values())
        + ")",
    )
    where.add_argument(
        "--snapshot",
        type=Path,
        metavar="PATH",
        help="a local source read from disk: a GitHub-shaped mirror folder "
        "(commits.json, commits/, tarballs/: history included)"
        + (
            ", a GitHub tarball (.tar.gz, self-describing) or a checked-out folder (needs "
            "--commit and --commit-date); a single snapshot has no history"
            if build
            else ""
        ),
    )
    where.add_argument(
        "--mirror",
        type=Path,
        metavar="DIR",
        help="a GitHub-shaped mirror folder (commits.json, commits/, tarballs/): "
        "served on 127.0.0.1 and crawled over HTTP like GitHub",
    )
    where.add_argument(
        "--mirror-port",
        type=int,
        default=47470,
        metavar="PORT",
        help="port of the --mirror API on 127.0.0.1 (codeload on PORT+1); fixed so that the "
        "HTTP cache stays warm from one run to the next (default 47470)",
    )
    where.add_argument(
        "--api-url",
        default=None,
        metavar="URL",
        help="GitHub API base URL of --source api (default https://api.github.com; env "
        "TFHUB_DATASET_API_URL)",
    )
    where.add_argument(
        "--offline",
        action="store_true",
        help="no network: git reads the cached clone only, the API source serves every request "
        "from the HTTP cache; anything missing is an error",
    )
    where.add_argument(
        "--cache",
        type=Path,
        default=CACHE / "http.sqlite",
        metavar="FILE",
        help="HTTP cache of the API source (SQLite; default build/cache/http.sqlite of the "
        "checkout, ~/.cache/tfhub-dataset/ when installed); the git source keeps its clones in "
        "git/ beside it",
    )
    where.add_argument(
        "--min-interval",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="minimum time between two requests of --source api (default 1 to a remote host, 0 "
        "to a loopback host such as --mirror's: politeness is for remote hosts)",
    )


def _check_source_options(args: argparse.Namespace) -> None:
    chosen = [
        name
        for name, value in (("--snapshot", args.snapshot), ("--mirror", args.mirror))
        if value is not None
    ]
    if args.git:
        chosen.append("--git")
    if len(chosen) > 1:
        raise UsageError(f"give one of {', '.join(chosen)}, not several")
    if args.mirror is not None:
        args.source = "api"  # a GitHub-shaped mirror is crawled through the REST API
    if args.source == "api" and (args.git or args.git_url):
        raise UsageError("--git and --git-url choose the git source, not --source api")
    crawler_only = [o for o, v in (("--api-url", args.api_url), ("--min-interval",
                    args.min_interval)) if v is not None]  # fmt: skip
    if crawler_only and (args.source != "api" or args.snapshot is not None):
        raise UsageError(
            f"{' and '.join(crawler_only)} set the REST crawler: add --source api "
            "(the default source is git, which makes a few requests and needs neither)"
        )
    if args.git_url and args.git:
        raise UsageError("give --git (a clone on disk) or --git-url, not both")


def _hubs_asked(args: argparse.Namespace) -> list[str]:
    """The hubs the command builds: --hub, else the hubs of --release, else every hub (one hub
    with --as-of or --commit)."""
    if getattr(args, "as_of", None) or getattr(args, "commit", None):
        if args.hub and len(set(args.hub)) > 1:
            raise UsageError("--as-of and --commit build one hub: give --hub once")
        return [args.hub[0] if args.hub else DEFAULT_HUB]
    if args.hub:
        return list(dict.fromkeys(args.hub))
    if getattr(args, "release", None):
        known = {p.id: p.hub for p in load_pins()}
        return list(dict.fromkeys(known[r] for r in args.release if r in known))
    return list(HUBS)


@contextlib.contextmanager
def _source(args: argparse.Namespace) -> Iterator[HubSources]:
    _check_source_options(args)
    say = None if args.quiet else stderr_progress
    if args.snapshot is None and args.source == "git":
        urls = {}
        if args.git_url:
            hubs = _hubs_asked(args)
            if len(hubs) != 1:
                raise UsageError(
                    "--git-url names one repository: give --hub NAME (or --release) too"
                )
            urls[hubs[0]] = args.git_url
        git = GitOptions(
            paths=list(dict.fromkeys(args.git or [])),
            urls=urls,
            cache_dir=args.cache.parent / "git",
            offline=args.offline,
            hubs=_hubs_asked(args),
        )
        with HubSources(git=git, progress=say) as sources:
            yield sources
            if not args.quiet:
                for report in sources.reports():
                    print(report, file=sys.stderr)
        return
    if args.snapshot is not None:
        if (args.snapshot / "commits.json").is_file():
            yield HubSources(other=LocalMirror(args.snapshot))
        else:
            yield HubSources(
                other=LocalSnapshot(
                    args.snapshot,
                    commit=getattr(args, "commit", None),
                    commit_date=getattr(args, "commit_date", None),
                )
            )
        return
    from tfhub_dataset.sources.api.github import GitHubConfig, GitHubSource

    def make(api_url: str | None, **more: object) -> GitHubSource:
        config = GitHubConfig(
            cache_path=args.cache,
            offline=args.offline,
            min_interval=args.min_interval,
            **({"api_url": api_url} if api_url else {}),
            **more,  # type: ignore[arg-type]
        )
        return GitHubSource(config, progress=None if args.quiet else stderr_progress)

    if args.mirror is not None:
        from tfhub_dataset.sources.api.fake_server import MirrorServer

        port = args.mirror_port
        with MirrorServer(args.mirror, port=port, codeload_port=port + 1) as server:
            source = make(server.api_url, token=None)  # a local mirror is not GitHub
            yield HubSources(other=source)
    else:
        source = make(args.api_url)
        yield HubSources(other=source)
    if not args.quiet:
        print(source.report.format(), file=sys.stderr)


Target = tuple[Pin, object]  # a release to build and the source that serves it


def _targets(args: argparse.Namespace, sources: HubSources) -> list[Target]:
    pins = load_pins()
    if args.as_of or args.commit:
        name = _hubs_asked(args)[0]
        source = sources.for_hub(name, pins)
        if args.as_of:
            if not hasattr(source, "resolve_as_of"):
                raise UsageError(
                    "a single snapshot cannot resolve --as-of; give --commit, or a source "
                    "with commits (GitHub, --mirror, or --snapshot with a mirror folder)"
                )
            ref = source.resolve_as_of(args.as_of)
            as_of_within_history(source, args.as_of, ref)
            sha, date, as_of = ref.sha, ref.date, args.as_of.isoformat()
        else:
            snap = source.snapshot(args.commit)  # type: ignore[attr-defined]
            sha, date, as_of = snap.commit, snap.commit_date, snap.date
        pin = Pin(args.release_id or hub(name).release_prefix + as_of, as_of, sha, date, hub=name)
        pinned = {p.id: p for p in pins}.get(pin.id)
        if pinned is not None and (pinned.commit, pinned.hub) != (pin.commit, pin.hub):
            raise UsageError(
                f"release id {pin.id} is pinned to commit {pinned.commit[:12]} of {pinned.hub} in "
                f"build/releases.toml, not {pin.commit[:12]} of {pin.hub}; give another "
                "--release-id"
            )
        return [(pin, source)]
    chosen = [p for p in pins if p.hub in _hubs_asked(args)]
    if args.release:
        known = {p.id: p for p in pins}
        missing = [r for r in args.release if r not in known]
        if missing:
            raise UsageError(
                f"no pinned release {', '.join(missing)} in build/releases.toml; the pinned "
                f"releases are {', '.join(known)}"
            )
        chosen = [known[r] for r in args.release]
        if args.hub and any(p.hub not in args.hub for p in chosen):
            raise UsageError("--release names a release of another hub than --hub")
    if isinstance(sources.other, LocalSnapshot):
        snap = sources.other.snapshot(None)
        chosen = [p for p in chosen if p.commit == snap.commit]
        if not chosen:
            raise UsageError(
                f"{args.snapshot} holds commit {snap.commit}, which no pinned release uses; "
                "give --commit (and --release-id) to build it anyway"
            )
    return _served(args, sources, chosen)


def _served(args: argparse.Namespace, sources: HubSources, pins: list[Pin]) -> list[Target]:
    """Each pin with its source. A pin no source serves is skipped, with one line on stderr
    (unless --quiet) saying which and how to include it; it is an error when the command named
    it (--release, --hub), or when no pin is left."""
    served = [(p, sources.for_pin(p)) for p in pins]
    lost = [p for p, s in served if s is None]
    if lost:
        hubs = list(dict.fromkeys(p.hub for p in lost))
        hint = "; ".join(sources.missing_hint(h) for h in hubs)
        ids = ", ".join(p.id for p in lost)
        if args.hub or getattr(args, "release", None) or len(lost) == len(pins):
            raise UsageError(f"no source given holds release {ids}: {hint}")
        if not args.quiet:
            print(f"{args.command}: skipping {ids}, which no source given holds: {hint}",
                  file=sys.stderr)  # fmt: skip
    return [(p, s) for p, s in served if s is not None]


def _check_targets(args: argparse.Namespace, targets: list[Target]) -> None:
    """Before anything is built: a build into the committed releases/ must not replace a
    committed release with one of another kind, unless --replace asks for it."""
    if args.replace or not _into_committed(args.out):
        return
    for pin, source in targets:
        not_replacing_another_kind(args.out / pin.id, pin.commit, has_history(source))


def _into_committed(folder: Path) -> bool:
    """True when ``folder`` is the checkout's committed releases/."""
    return RELEASES_DIR is not None and folder.resolve() == RELEASES_DIR.resolve()


def _needs_checkout(args: argparse.Namespace) -> None:
    """The default folders (releases/) exist in a checkout only: one line says so otherwise."""
    option, attr = ("--out", "out") if args.command == "build" else ("--releases", "releases")
    if getattr(args, attr) is not None:
        return
    if RELEASES_DIR is None:
        what = {"build": "builds into", "verify": "compares with"}.get(args.command, "reads")
        raise UsageError(
            f"{args.command} without {option} {what} the committed releases/ of a checkout of the "
            f"project, and {NEEDS_CHECKOUT}: give {option} DIR"
        )
    setattr(args, attr, RELEASES_DIR)


def _verify(args: argparse.Namespace, sources: HubSources, progress) -> int:
    from tfhub_dataset.verify import verify

    pins = [p for p in load_pins() if p.hub in _hubs_asked(args)]
    targets = _served(args, sources, pins)
    result = verify(
        dict((p.id, s) for p, s in targets).get,
        releases_dir=args.releases,
        pins=[p for p, _ in targets],
        progress=progress,
        comparison=not args.hub,
        validate=not args.no_validate,
    )
    for d in result.differences:
        where = "/".join(part for part in (d.release, d.path) if part)
        print(f"{where}: {d.what} {d.detail}".rstrip(), file=sys.stderr)
    verdict = "identical" if result.ok else f"{len(result.differences)} difference(s)"
    print(
        f"verify: {', '.join(result.checked) or 'no release'} rebuilt, {result.files} files "
        f"compared: {verdict}"
    )
    return 0 if result.ok else 1


def _archive(args: argparse.Namespace, progress) -> int:
    from tfhub_dataset.publish.archive import write_archive

    pins = {p.id: p for p in load_pins()}
    unknown = [r for r in args.release or [] if r not in pins]
    if unknown:
        raise UsageError(f"no pinned release {', '.join(unknown)} in build/releases.toml")
    ids = args.release or [p for p in pins if (args.releases / p).is_dir()]
    if not ids:
        raise UsageError(f"{args.releases} holds no pinned release")
    writable_folder(args.out, "--out")
    for rid in ids:
        folder = args.releases / rid
        if not folder.is_dir():
            raise UsageError(f"{folder} does not exist: build release {rid} first")
        zipped, meta = write_archive(folder, args.out)
        progress(f"[{rid}] {zipped} ({zipped.stat().st_size:,} bytes), {meta.name}")
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a wrong argument (one line, status 2)
        return exc.code if isinstance(exc.code, int) else 2
    progress = (lambda _m: None) if args.quiet else stderr_progress
    from tfhub_dataset.sources.errors import FetchError

    try:
        _needs_checkout(args)
        if args.command == "archive":
            existing_folder(args.releases, "--releases")
            return _archive(args, progress)
        if args.command == "verify":
            existing_folder(args.releases, "--releases")
            with _source(args) as sources:
                return _verify(args, sources, progress)
        writable_folder(args.out, "--out")
        with _source(args) as sources:
            built = []
            derived_dir = args.cache.parent / "derived"
            outputs = None if args.no_output_cache else OutputCache(args.cache.parent / "outputs")
            targets = _targets(args, sources)
            _check_targets(args, targets)
            for pin, source in targets:
                built.append(
                    build_release(
                        pin,
                        source,
                        args.out,
                        validate=not args.no_validate,
                        progress=progress,
                        derived=None if args.no_derived_cache else DerivedCache(derived_dir),
                        lock_timeout=args.lock_timeout,
                        outputs=outputs,
                    )
                )
        pinned = {p.id for p in load_pins()}
        if built and all(b.name in pinned for b in built):
            # The comparison reads the tables of both hubs' releases (built here, else committed).
            build_comparison(
                args.out, progress=progress, lock_timeout=args.lock_timeout, outputs=outputs,
                validate=not args.no_validate,
            )  # fmt: skip
        # The root descriptor describes the default hub's latest release.
        latest = max((p for p in load_pins() if p.hub == DEFAULT_HUB), key=lambda p: p.as_of)
        if _into_committed(args.out) and latest.id in {b.name for b in built}:
            assert CHECKOUT is not None and RELEASES_DIR is not None
            tmp = CHECKOUT / ".datapackage.json.tmp"
            tmp.write_bytes(root_descriptor(RELEASES_DIR / latest.id, CHECKOUT))
            tmp.replace(CHECKOUT / "datapackage.json")
            tmp = CHECKOUT / ".CITATION.cff.tmp"
            tmp.write_bytes(root_citation(load_pins(), RELEASES_DIR, CHECKOUT))
            tmp.replace(CHECKOUT / "CITATION.cff")
            progress(f"root datapackage.json and CITATION.cff now describe release {latest.id}")
    except FetchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (ValueError, OSError, LockTimeout, ReleaseInvalid) as exc:
        # UsageError and NoSource are ValueErrors; OSError: a folder that cannot be written.
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
