"""Writing files safely: one file atomically, a set of files together under a lock.

Each file is written to a temporary name and renamed into place; a set is made in a
temporary folder inside the target and moved in only when every file is written, under a
lock on the folder, so the folder never holds files of two runs. Nothing here knows what
the files hold, so every command can use it before it imports the heavier libraries.
"""

from __future__ import annotations

import fcntl
import glob
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

from allocator.errors import OutputError


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and an atomic rename.

    A path that is not a regular file or folder (``/dev/null``, ``/dev/stdout``, a pipe)
    is written to directly, since renaming over it would replace the device. Any
    OSError becomes an :class:`OutputError` naming the path and the reason.
    """
    try:
        if path.exists() and not path.is_file() and not path.is_dir():
            with path.open("wb") as fh:
                fh.write(data)
            return
        if path.is_dir():
            raise OutputError(path, "is a folder, not a file")
        _make_dir(path.parent)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=path.parent)
        try:
            _write_fd(fd, tmp, data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError.from_os(path, exc) from None


def _write_fd(fd: int, path: str, data: bytes) -> None:
    """Write ``data`` through the new file's descriptor with the usual permissions, synced."""
    os.chmod(path, 0o666 & ~_umask())
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: Suffix of every temporary file and folder; a later run removes leftovers of a killed one.
TMP_SUFFIX = ".tmp"
#: The lock file that keeps two runs from writing into the same folder at once.
LOCK_FILE = ".allocator.lock"
_held: dict[Path, int] = {}


def _make_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(path, "exists and is not a folder") from None
    except OSError as exc:
        raise OutputError.from_os(path, exc) from None
    if not path.is_dir():
        raise OutputError(path, "exists and is not a folder")


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold ``out_dir`` (created if missing) for this process, or raise OutputError.

    The lock is an ``fcntl.flock`` on a lock file in the folder, taken without waiting:
    a second run on the same folder fails at once instead of mixing its files with the
    first's. Re-entrant within the process; the lock file is removed on release, and so
    is the folder when this call created it and nothing was written into it.
    """
    created = not out_dir.exists()
    _make_dir(out_dir)
    key = out_dir.resolve()
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    lock = out_dir / LOCK_FILE
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise OutputError.from_os(out_dir, exc) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputError(out_dir, "another allocate run is writing to this folder; "
                                       "wait for it to finish or choose another --out") from None
        try:
            same = os.fstat(fd).st_ino == os.stat(lock).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder removed the file as we opened it: take the new one
    _held[key] = 1
    try:
        yield
    finally:
        del _held[key]
        lock.unlink(missing_ok=True)
        os.close(fd)
        if created:
            with suppress(OSError):  # not empty: the run wrote its files
                out_dir.rmdir()


def clean_leftovers(out_dir: Path, names: Iterable[str]) -> None:
    """Remove the temporary folders and files (of the files ``names``) that a killed run
    left in ``out_dir``; only the tool's own patterns, since --out may be any folder."""
    patterns = [f".set-*{TMP_SUFFIX}", *(f".{glob.escape(n)}.*{TMP_SUFFIX}" for n in names)]
    for entry in [e for pattern in patterns for e in out_dir.glob(pattern)]:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def write_set(out_dir: Path, files: Mapping[str, Callable[[], bytes] | None]) -> list[Path]:
    """Write a set of files into ``out_dir`` so that it never holds files of two runs.

    Under the folder's lock, every file is made and written into a temporary folder
    inside ``out_dir``; only when all are written is every file of the set (the names
    in ``files``, ``None`` meaning "not in this run") removed from ``out_dir`` and the new
    ones renamed into place. A failure before that leaves the earlier set untouched; a
    kill during it leaves part of this run's set and a temporary folder, which the next
    run removes. OSErrors become :class:`OutputError`; the paths written are returned.
    """
    with output_lock(out_dir):
        try:
            clean_leftovers(out_dir, files)
            staging = Path(tempfile.mkdtemp(prefix=".set-", suffix=TMP_SUFFIX, dir=out_dir))
        except OSError as exc:
            raise OutputError.from_os(out_dir, exc) from None
        try:
            made = []
            for name, make in files.items():
                if make is not None:
                    path = staging / name
                    _write_fd(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600),
                              str(path), make())
                    made.append(name)
            for name in files:
                (out_dir / name).unlink(missing_ok=True)
            for name in made:
                os.replace(staging / name, out_dir / name)
            _sync_dir(out_dir)
        except OSError as exc:
            raise OutputError.from_os(out_dir, exc) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return [out_dir / name for name in made]


def _sync_dir(path: Path) -> None:
    """Flush the folder's entries, so that the renames survive a crash."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
