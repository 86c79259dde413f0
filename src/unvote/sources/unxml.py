"""Reader of the UN Secretariat's JSON-lines extracts of GA resolutions (``unxml/NN.json``).

One JSON object per adopted resolution, with the names of the member states voting
yes, no and abstaining (``MS_in_favour``, ``MS_against``, ``MS_abstaining``) and the
stated totals (``MS_*_count``, strings, ``"N.A."`` for none). Members that did not vote
are in no list: they are derived as the members of the day minus the three lists.
Resolutions adopted without a vote have empty lists and give no rows.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pandas as pd

from unvote.errors import DataError
from unvote.sources import (
    check_counts,
    clean_title,
    drop_identical_duplicates,
    finish,
    parse_date,
    read_folder,
    roll_call,
)

LIST_KEYS: dict[str, str] = {"yes": "MS_in_favour", "no": "MS_against", "abstain": "MS_abstaining"}
REQUIRED_KEYS: tuple[str, ...] = (
    "symbol",
    "title",
    "adoption_date",
    *LIST_KEYS.values(),
    *(f"{key}_count" for key in LIST_KEYS.values()),
)

#: Records whose name lists contradict their own stated totals, in the extracts as
#: published (checked 2025; none is a Cuba embargo vote). They are skipped with a
#: warning; any other disagreement is an error. Each entry says what is wrong.
KNOWN_BAD_RECORDS: dict[str, str] = {
    "A/RES/75/254 A-C": "recorded vote 168-2-0 published without any name lists",
    "A/RES/75/290 A": "name lists hold 274 names (most twice) for a vote of 90-0-47",
    "A/RES/77/293": "abstention list has 58 names for a stated 59 abstentions",
}


def read_unxml(path: str | os.PathLike) -> pd.DataFrame:
    """Read one session's JSON-lines extract into the tidy table.

    Parameters
    ----------
    path : path-like
        ``NN.json``: one JSON object per line.

    Returns
    -------
    DataFrame
        Tidy table of the session's recorded votes (one row per member state of the day
        per vote), sorted by date, resolution and iso3. Duplicate entries of a resolution
        that agree are read once.

    Raises
    ------
    DataError
        Invalid JSON, missing key, unreadable date, unmappable name, lists that disagree
        with the stated counts (except :data:`KNOWN_BAD_RECORDS`), or duplicate entries
        that disagree.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise DataError(f"{path}: cannot read: {err}") from err
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise DataError(f"{path}: line {number}: not valid JSON ({err.msg})") from err
        if not isinstance(record, dict):
            raise DataError(f"{path}: line {number}: expected a JSON object per line")
        records.append((number, record))
    return tidy_unxml(records, source=str(path))


def tidy_unxml(records: list[tuple[int, dict]], *, source: str) -> pd.DataFrame:
    """Tidy table of ``(line number, record)`` pairs from one extract; see read_unxml."""
    frames = []
    for number, record in records:
        frame = _record_votes(record, source=f"{source}: line {number}")
        if frame is not None:
            frames.append(frame.assign(record=number))
    if not frames:
        return finish([], source=source)
    tidy = drop_identical_duplicates(pd.concat(frames, ignore_index=True), source=source)
    return finish([tidy], source=source)


def _record_votes(record: dict, *, source: str) -> pd.DataFrame | None:
    missing = [k for k in REQUIRED_KEYS if k not in record]
    if missing:
        raise DataError(f"{source}: missing key(s) {missing}; expected {list(REQUIRED_KEYS)}")
    symbol = " ".join(str(record["symbol"]).split())
    lists = {vote: record[key] for vote, key in LIST_KEYS.items()}
    for vote, names in lists.items():
        if not isinstance(names, list):
            raise DataError(
                f"{source}: resolution {symbol}: {LIST_KEYS[vote]} is {names!r}, "
                "expected a list of names"
            )
        bad = next((name for name in names if not isinstance(name, str)), None)
        if bad is not None:
            raise DataError(
                f"{source}: resolution {symbol}: {LIST_KEYS[vote]} holds "
                f"{_short(bad)}; allowed: member-state names (strings)"
            )
    stated = {vote: _count(record, key, symbol, source) for vote, key in LIST_KEYS.items()}
    if not any(lists.values()) and not any(stated.values()):
        return None  # adopted without a vote
    counted = {vote: len(names) for vote, names in lists.items()}
    if counted != stated:
        if symbol in KNOWN_BAD_RECORDS:
            print(
                f"unvote: warning: {source}: skipping resolution {symbol}: "
                f"{KNOWN_BAD_RECORDS[symbol]} (known defect, see data/README.md)",
                file=sys.stderr,
            )
            return None
        check_counts(symbol, counted, stated, source=source)
    date = parse_date(record["adoption_date"], source=f"{source}: resolution {symbol}")
    title = clean_title(record["title"])
    return roll_call(symbol, date, title, lists, source=source)


def _short(value, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def _count(record: dict, key: str, symbol: str, source: str) -> int:
    text = str(record[f"{key}_count"]).strip()
    if text.upper() in ("N.A.", "N/A", ""):
        return 0
    try:
        return int(text)
    except ValueError:
        raise DataError(
            f"{source}: resolution {symbol}: {key}_count is {text!r}, "
            "expected a whole number or 'N.A.'"
        ) from None


def read_unxml_dir(folder: str | os.PathLike) -> pd.DataFrame:
    """Read every ``*.json`` session extract in ``folder`` into one tidy table."""
    return read_folder(folder, "*.json", read_unxml, what="session extracts")
