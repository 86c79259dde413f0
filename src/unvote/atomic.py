"""Write files and folders whole or not at all.

A file is written to a temporary file beside it, then renamed onto it. A folder of
outputs is built complete as a temporary folder beside it (the new files, plus hard links
to the files of the old folder that this run does not rewrite), then swapped with the old
folder in one atomic exchange of names: a reader sees the old folder or the new one,
never a mix of two runs.

Temporary files and folders are named ``.unvote-tmp-<pid>-<name>-<random>``; a run that
is killed leaves them behind, and the next write into the same folder removes those
whose process no longer runs (:func:`remove_stale`).
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pandas as pd

from unvote.errors import UnvoteError

#: Prefix of every temporary file or folder; the pid after it says whose it is.
TMP_PREFIX = ".unvote-tmp-"
_TMP_RE = re.compile(rf"^{re.escape(TMP_PREFIX)}(\d+)-")
#: Temporary folders of unvote 0.x (``.<name>.<random>``), which had no pid in their name.
_LEGACY_TMP_RE = re.compile(r"^\.[^.].*\.[a-z0-9_]{8}(\.tmp)?$")


def _is_tmp(name: str) -> bool:
    """Whether a name is a temporary file or folder of a run, this version's or 0.x's."""
    return bool(_TMP_RE.match(name) or _LEGACY_TMP_RE.match(name))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def remove_stale(folder: str | os.PathLike) -> list[Path]:
    """Remove the temporary files and folders in ``folder`` left by killed runs.

    Only names starting with :data:`TMP_PREFIX` whose pid no longer runs are removed; a
    run in progress keeps its own.

    Returns
    -------
    list of Path
        What was removed.
    """
    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _TMP_RE.match(entry.name)
        if match is None or _running(int(match.group(1))):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            with suppress(OSError):
                entry.unlink()
        removed.append(entry)
    return removed


def _tmp_prefix(name: str) -> str:
    return f"{TMP_PREFIX}{os.getpid()}-{name}-"


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (one writer at a time swaps its entries)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX: no lock
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it onto ``target`` on success.

    On any exception the temporary file is removed and ``target`` is left untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(target.parent)
    fd, tmp = tempfile.mkstemp(prefix=_tmp_prefix(target.name), dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp creates the file private (0600); give it the mode a plain open() would.
        os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text(target: str | os.PathLike, text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line endings) to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")


def write_csv(target: str | os.PathLike, frame: pd.DataFrame, **kwargs) -> None:
    """Write ``frame`` as CSV atomically, with ``\\n`` line endings (byte-stable across runs)."""
    kwargs.setdefault("index", False)
    kwargs.setdefault("lineterminator", "\n")
    with atomic_path(target) as tmp:
        frame.to_csv(tmp, **kwargs)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Swap the names ``a`` and ``b`` in one step (Linux ``renameat2(RENAME_EXCHANGE)``).

    Returns
    -------
    bool
        False if the system or file system cannot do it (nothing changed then).
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), os.fspath(b))


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        shutil.copy2(src, dst, follow_symlinks=False)


def _carry_over(old: Path, new: Path) -> None:
    """Give ``new`` the entries of ``old`` that it lacks (hard links, so no bytes are copied)."""
    for entry in sorted(old.iterdir()):
        if (new / entry.name).exists() or (new / entry.name).is_symlink():
            continue
        if _is_tmp(entry.name):
            continue  # a killed run's leftovers: the new folder is rid of them
        if entry.is_symlink() or not entry.is_dir():
            _link_or_copy(str(entry), str(new / entry.name))
        else:
            shutil.copytree(entry, new / entry.name, symlinks=True, copy_function=_link_or_copy)


def _swappable(target: Path) -> bool:
    """Whether ``target`` is a plain folder of output files, which can be swapped whole.

    A folder holding sub-folders (a user's ``--out .`` in a project, say) or holding the
    working directory is updated file by file instead: swapping it would move everything
    in it and leave the shell in a deleted folder.
    """
    if not target.exists():
        return True
    cwd = Path.cwd().resolve()
    if cwd == target or target in cwd.parents:
        return False
    return not any(
        entry.is_dir() and not entry.is_symlink()
        for entry in target.iterdir()
        if not _is_tmp(entry.name)
    )


@contextmanager
def atomic_dir(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces ``target`` as a whole.

    The new ``target`` holds the files written into the temporary folder and, unchanged,
    the other files of the old ``target`` (another command's outputs in the same folder).
    The swap is one atomic exchange of names where the system allows it (Linux), else two
    renames in quick succession; a failure before it leaves ``target`` as it was. Folders
    that are not plain folders of files (see :func:`_swappable`) get per-file renames.

    Raises
    ------
    UnvoteError
        If ``target`` is a file, or a folder sits where a new file goes.
    """
    target = Path(os.path.realpath(target))
    if target.exists() and not target.is_dir():
        raise UnvoteError(f"{target}: is a file; allowed: a folder (or nothing) at that path")
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    remove_stale(parent)
    tmp = Path(tempfile.mkdtemp(prefix=_tmp_prefix(target.name), dir=parent))
    try:
        yield tmp
        items = sorted(tmp.iterdir())
        with _locked(parent):
            # A folder in the way of a file would stop the swap: refuse first.
            blocked = [target / item.name for item in items if (target / item.name).is_dir()]
            if blocked:
                raise UnvoteError(
                    f"{blocked[0]}: is a folder; allowed: a file (or nothing) at that path"
                )
            if not _swappable(target):
                for item in items:
                    os.replace(item, target / item.name)
                return
            # mkdtemp makes the folder private (0700): give it the old folder's mode.
            mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o777 & ~_umask()
            os.chmod(tmp, mode)
            if not target.exists():
                os.rename(tmp, target)
                return
            _carry_over(target, tmp)
            if not exchange(tmp, target):
                old = Path(tempfile.mkdtemp(prefix=_tmp_prefix(target.name), dir=parent))
                os.replace(target, old / target.name)
                os.rename(tmp, target)
                tmp = old
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
