"""Errors of the machine, not of the data: a full disk, a denied or read-only folder, a folder
that is missing or is a file. Each becomes one Russian line that names the folder and what to
do (`MachineError`, a `UserError`: the CLI prints it without a traceback and exits 1).

Writers map the `OSError` where they know which folder they write (`files`, `processed`); the
CLI maps whatever still reaches it from the error's own file name.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path

from analysis.errors import UserError

# errno → what happened and what to do; anything else is a bug and keeps its traceback
_ADVICE = {
    errno.ENOSPC: ("на диске нет места", "освободите место на диске и повторите"),
    errno.EDQUOT: ("исчерпана дисковая квота", "освободите место в квоте и повторите"),
    errno.EACCES: ("нет прав на запись", "дайте права на запись или выберите другую папку"),
    errno.EPERM: ("нет прав на запись", "дайте права на запись или выберите другую папку"),
    errno.EROFS: ("диск только для чтения", "выберите папку на диске, доступном для записи"),
    errno.ENOENT: ("папка не найдена", "проверьте путь или создайте папку"),
    errno.ENOTDIR: (
        "на месте папки (или в её пути) лежит файл",
        "укажите другую папку или уберите этот файл",
    ),
    errno.EEXIST: (  # mkdir of a folder where a file is
        "на месте папки (или в её пути) лежит файл",
        "укажите другую папку или уберите этот файл",
    ),
    errno.EISDIR: ("на месте файла лежит папка", "уберите эту папку или укажите другую"),
}
MACHINE_ERRNOS = frozenset(_ADVICE)
_ERRNO_IN_TEXT = re.compile(r"\[errno (\d+)\]", re.IGNORECASE)


class MachineError(UserError):
    """A write the machine refused; the message names the folder and what to do."""

    def __init__(self, message: str, errno_: int) -> None:
        super().__init__(message)
        self.errno = errno_


def machine_error(exc: OSError, folder: Path | str | None = None) -> MachineError | None:
    """The one-line message for `exc` while writing into `folder` (default: the folder of the
    file the error names); None when `exc` is not an error of the machine."""
    if isinstance(exc, MachineError):
        return exc
    code = error_number(exc)
    if code not in MACHINE_ERRNOS:
        return None
    what, todo = _ADVICE[code]
    where = Path(folder) if folder is not None else _folder_of(exc)
    place = f"папка {where}" if where is not None else "запись на диск"
    return MachineError(f"{place}: {what} — {todo}; прежние файлы сохранены", code)


def error_number(exc: OSError) -> int | None:
    """The errno of `exc`; pyarrow's IO errors carry it only in the text («[errno 28] …»)."""
    if exc.errno is not None:
        return exc.errno
    found = _ERRNO_IN_TEXT.search(str(exc))
    return int(found.group(1)) if found else None


def _folder_of(exc: OSError) -> Path | None:
    """The folder of the path the error names: the path itself for folder operations."""
    name = exc.filename
    if not name:
        return None
    path = Path(name)
    return path if path.is_dir() or not path.suffix else path.parent
