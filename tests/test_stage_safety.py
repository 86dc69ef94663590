"""Writing a release safely: release ids, the lock, killed and concurrent builds, permissions.

Builds run as separate processes where the case is about processes (a kill, three builds at
once); each waits on files the test writes, never on the clock."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.mirror import ROOT
from tfhub_dataset.build import Pin, build_release
from tfhub_dataset.package.stage import recover, write_release

FILES = {"data/x.csv": b"a\n1\n"}
SHA = "0123456789abcdef0123456789abcdef01234567"


def running(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return state != "Z"


def opened(pid: int, path: Path) -> bool:
    """True once process ``pid`` holds ``path`` open."""
    for fd in Path(f"/proc/{pid}/fd").glob("*"):
        try:
            if Path(os.readlink(fd)) == path:
                return True
        except OSError:
            pass
    return False


def wait_for(predicate, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def python(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


class NoSource:
    """A source that must never be asked for anything."""

    def snapshot(self, commit: str):
        raise AssertionError("the source was used although the release id is unsafe")


@pytest.mark.parametrize("release_id", [".", "..", "../../x", "a/b", "/tmp/x", "", ".hidden"])
def test_unsafe_release_ids_are_refused_before_anything_is_touched(tmp_path, release_id):
    out = tmp_path / "keep" / "out"
    out.mkdir(parents=True)
    (out / "sentinel").write_text("keep")
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(ValueError, match="not a safe folder name"):
        build_release(Pin(release_id, "2022-04-05", SHA, "2022-04-04T00:00:00Z"), NoSource(), out)
    if release_id in ("..", "../../x", ".hidden"):  # the others are lost in joining the path
        with pytest.raises(ValueError):
            write_release(FILES, out / release_id, validate=False)
    assert sorted(tmp_path.rglob("*")) == before


def test_a_release_folder_gets_the_permissions_the_umask_asks_for(tmp_path):
    for umask, mode in ((0o022, 0o755), (0o077, 0o700)):
        old = os.umask(umask)
        try:
            write_release(FILES, tmp_path / f"r{umask:o}", validate=False)
        finally:
            os.umask(old)
        assert (tmp_path / f"r{umask:o}").stat().st_mode & 0o777 == mode
        assert (tmp_path / f"r{umask:o}" / "data").stat().st_mode & 0o777 == mode


# A build whose validation (in its forked child) hangs: the child writes its PID, then sleeps.
HANGING_VALIDATION = """
    import os, sys, time
    from pathlib import Path
    from tfhub_dataset.package import stage

    def validate(path, parquet="compare"):
        Path(sys.argv[2]).write_text(str(os.getpid()))
        time.sleep(300)
        return []

    stage.validate_package = validate
    stage.compare_parquet = lambda path: []
    stage.write_release({"datapackage.json": b"{}"}, Path(sys.argv[1]), derived_files=dict)
"""


def test_a_killed_build_leaves_no_validator_holding_the_lock(tmp_path):
    dest, child_pid = tmp_path / "r", tmp_path / "child.pid"
    build = python(HANGING_VALIDATION, str(dest), str(child_pid))
    try:
        wait_for(lambda: child_pid.exists() and child_pid.read_text(), "the validating child")
        pid = int(child_pid.read_text())
        build.kill()
        build.wait()
        wait_for(lambda: not running(pid), "the validator to die with its build", timeout=10)
    finally:
        if build.poll() is None:
            build.kill()
        if child_pid.exists() and child_pid.read_text() and running(int(child_pid.read_text())):
            os.kill(int(child_pid.read_text()), 9)
    with open(tmp_path / ".r.lock", "rb") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free: nobody holds it any more
    write_release(FILES, dest, validate=False, lock_timeout=5)
    assert (dest / "data" / "x.csv").read_bytes() == FILES["data/x.csv"]


HOLD_LOCK = """
    import fcntl, os, sys, time
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.write(fd, str(os.getpid()).encode())
    open(sys.argv[2], "w").close()
    time.sleep(300)
"""


def test_a_waiting_build_names_the_holder_and_gives_up_in_one_line(tmp_path, capsys):
    from tfhub_dataset.package.stage import LockTimeout

    holder = python(HOLD_LOCK, str(tmp_path / ".r.lock"), str(tmp_path / "held"))
    try:
        wait_for((tmp_path / "held").exists, "the holder")
        with pytest.raises(LockTimeout) as err:
            write_release(FILES, tmp_path / "r", validate=False, lock_timeout=0.3)
    finally:
        holder.kill()
        holder.wait()
    waiting = capsys.readouterr().err.strip().splitlines()
    assert len(waiting) == 1 and f"PID {holder.pid}" in waiting[0] and "waiting" in waiting[0]
    message = str(err.value)
    assert "\n" not in message and f"PID {holder.pid}" in message and "0.3 s" in message
    assert not (tmp_path / "r").exists()


# One build that stays in its critical section (staging written, lock held) until told to go on.
STEPPED_BUILD = """
    import sys, time
    from pathlib import Path
    from tfhub_dataset.package.stage import write_release

    name, dest, log = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])

    def inside():
        with log.open("a") as fh:
            fh.write(f"in {name}\\n")
        go = log.with_name(f"go-{name}")
        while not go.exists():
            time.sleep(0.01)
        with log.open("a") as fh:
            fh.write(f"out {name}\\n")
        return {}

    write_release({"data/x.csv": name.encode()}, dest, validate=False, derived_files=inside,
                  lock_timeout=60)
"""


def test_three_builds_of_one_release_take_turns(tmp_path):
    """A second build waits on the lock; when the first ends, a third must wait for the second,
    and neither removes the other's staging."""
    dest, log = tmp_path / "r", tmp_path / "log"
    log.touch()

    def entered(name: str) -> bool:
        return f"in {name}" in log.read_text()

    builds = {}
    try:
        builds["a"] = python(STEPPED_BUILD, "a", str(dest), str(log))
        wait_for(lambda: entered("a"), "build a inside")
        builds["b"] = python(STEPPED_BUILD, "b", str(dest), str(log))
        wait_for(lambda: opened(builds["b"].pid, tmp_path / ".r.lock"), "build b at the lock")
        (tmp_path / "go-a").touch()
        assert builds["a"].wait(timeout=60) == 0
        wait_for(lambda: entered("b"), "build b inside")
        builds["c"] = python(STEPPED_BUILD, "c", str(dest), str(log))
        wait_for(lambda: opened(builds["c"].pid, tmp_path / ".r.lock"), "build c at the lock")
        time.sleep(0.2)  # c would be inside by now if the lock did not stop it
        (tmp_path / "go-b").touch()
        assert builds["b"].wait(timeout=60) == 0
        wait_for(lambda: entered("c"), "build c inside")
        (tmp_path / "go-c").touch()
        assert builds["c"].wait(timeout=60) == 0
    finally:
        for proc in builds.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert log.read_text().split("\n")[:-1] == ["in a", "out a", "in b", "out b", "in c", "out c"]
    assert (dest / "data" / "x.csv").read_bytes() == b"c"


def test_recovery_leaves_a_live_builds_staging_alone(tmp_path):
    dest, log = tmp_path / "r", tmp_path / "log"
    log.touch()
    build = python(STEPPED_BUILD, "b", str(dest), str(log))
    try:
        wait_for(lambda: "in b" in log.read_text(), "build b inside")
        staging = list(tmp_path.glob(".staging-r-*"))
        assert len(staging) == 1
        recover(dest)  # what a build that wrongly got the lock would do first
        assert staging[0].is_dir()
        (tmp_path / "go-b").touch()
        assert build.wait(timeout=60) == 0
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
    assert (dest / "data" / "x.csv").read_bytes() == b"b"
    assert not list(tmp_path.glob(".staging-*"))
