"""Writing a workbook so that a controller's work is never lost.

* :func:`write_atomically`: the new version is written to a temporary file in the same folder, flushed
  to disk, and renamed over the old one, so a process killed at any moment leaves either the old or the
  new workbook, never a half-written one. The old version is kept as a backup first (the last
  :data:`BACKUPS`, in :data:`BACKUP_FOLDER` next to the workbook).
* :func:`exclusive`: one command at a time per workbook (a lock file beside it, held by the operating
  system for the life of the process, so a killed process never leaves it locked), and a workbook open
  in Excel (its ``~$`` owner file beside it) is refused unless forced.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Iterator

from filelock import FileLock, Timeout

from budgetcontrol.contract.errors import InputError

BACKUPS = 5  # versions kept of each workbook
BACKUP_FOLDER = ".budgetcontrol-backups"


def _fsync_folder(folder: Path) -> None:
    if os.name == "posix":  # a rename is durable once its folder is flushed
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def backup(target: Path, keep: int = BACKUPS) -> Path | None:
    """Keep the current ``target`` as ``BACKUP_FOLDER/<name>.<time>.<suffix>`` (a hard link where the
    file system allows, else a copy); :func:`prune` then removes all but the newest ``keep``."""
    if not target.is_file() or keep <= 0:
        return None
    folder = target.parent / BACKUP_FOLDER
    if folder.exists() and not folder.is_dir():
        raise InputError(str(target), f"'{BACKUP_FOLDER}' beside the workbook is a file, not the folder its backups are "
                                      f"kept in; rename or move that file, then run the command again")
    folder.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    copy = folder / f"{target.stem}.{stamp}{target.suffix}"
    target = target.resolve()  # a link's target, never the link itself
    try:
        os.link(target, copy)
    except OSError:
        shutil.copy2(target, copy)
    return copy


def prune(target: Path, keep: int = BACKUPS) -> None:
    """Remove all but the newest ``keep`` backups of ``target``."""
    for old in backups(target)[:-keep] if keep > 0 else []:
        old.unlink(missing_ok=True)


def backups(target: str | Path) -> list[Path]:
    """The kept versions of ``target``, oldest first."""
    target = Path(target)
    folder = target.parent / BACKUP_FOLDER
    return sorted(folder.glob(f"{glob.escape(target.stem)}.????????-??????-??????{glob.escape(target.suffix)}"))


@contextlib.contextmanager
def replacing(target: str | Path, keep: int = BACKUPS) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it is flushed to disk and replaces ``target``
    atomically, the old version kept as a backup. A ``target`` reached through a symbolic link is written
    through it: the link's target file is replaced (and backed up as a real copy), the link stays a link."""
    target = Path(target)
    if target.is_symlink():
        target = target.resolve()
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp makes the file private (0600); give it the old file's mode, else the usual umask mode.
        if target.exists():
            mode = target.stat().st_mode & 0o777
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp_path, mode)
        with open(tmp_path, "rb+") as written:
            os.fsync(written.fileno())
        kept = backup(target, keep)
        try:
            os.replace(tmp_path, target)
        except OSError:
            if kept is not None:
                kept.unlink(missing_ok=True)  # nothing was replaced: no new backup either, none pruned
            raise
        prune(target, keep)
        _fsync_folder(folder)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_atomically(target: str | Path, write: Callable[[Path], None], keep: int = BACKUPS) -> None:
    with replacing(target, keep) as tmp:
        write(tmp)


def excel_owner_files(target: Path) -> list[Path]:
    """Excel's owner file while it has ``target`` open: ``~$`` + the name for names of up to 6 characters
    (before the extension), ``~$`` in place of the first one for 7, of the first two for longer names."""
    stem = len(target.stem)
    name = "~$" + (target.name if stem <= 6 else target.name[1:] if stem == 7 else target.name[2:])
    return [target.with_name(name)] if target.with_name(name).exists() else []


def lock_path(target: Path) -> Path:
    """The lock beside the workbook itself (two links to one workbook share its lock)."""
    target = Path(target).resolve()
    return target.with_name(f".{target.name}.lock")


@contextlib.contextmanager
def exclusive(target: str | Path, force: bool = False) -> Iterator[None]:
    """Hold ``target`` for one command: refused (InputError) while Excel has it open unless ``force``, and
    while another budgetcontrol command holds it. Temporary files a killed command left beside it are
    removed once it is held."""
    target = Path(target)
    owners = excel_owner_files(target)
    if owners and not force:
        raise InputError(str(target), f"the workbook is open in Excel ({owners[0].name} beside it); close it there "
                                      f"first, or use --force if that file is left over from a crash")
    lock = FileLock(lock_path(target), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise InputError(str(target), "another budgetcontrol command is writing this workbook; "
                                      "run this one again when it has finished") from None
    except OSError as exc:
        raise InputError(str(target), f"cannot lock the workbook: {exc.strerror or exc}") from None
    try:
        made = re.compile(rf"\.{re.escape(target.name)}\.[a-z0-9_]{{8}}\.tmp")  # replacing()'s mkstemp names
        for stale in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
            if made.fullmatch(stale.name):
                stale.unlink(missing_ok=True)
        yield
    finally:
        lock.release()
