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
import re
import sys
from pathlib import Path

import pandas as pd

from unvote.countries import normalise_name
from unvote.errors import DataError
from unvote.sources import (
    check_counts,
    clean_title,
    drop_identical_duplicates,
    finish,
    iso3_of,
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
    return tidy_unxml(json_records(path), source=str(path))


def json_records(path: Path) -> list[tuple[int, dict]]:
    """The ``(line number, record)`` pairs of an extract: one JSON object per line.

    Raises
    ------
    DataError
        An unreadable file, a line that is not JSON or not an object (naming the line).
    """
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
    return records


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


# --- sponsors -----------------------------------------------------------------------------
#: ``sponsors`` / ``additional_sponsors`` -> the ``kind`` of the sponsors table.
SPONSOR_KEYS: dict[str, str] = {"sponsors": "sponsor", "additional_sponsors": "additional"}
SPONSOR_COLUMNS: tuple[str, ...] = ("resolution", "date", "iso3", "kind")

#: Entries of the sponsor lists that name no state: drafts submitted by a chair, rapporteur,
#: bureau, committee or the President of the Assembly, text run in from the page ("ANNEX:"),
#: the credentials report. They are no state's sponsorship and are skipped.
NOT_A_STATE = re.compile(
    r"^(?:was )?submitted by\b|^introduced in the committee\b|^the representative of\b"
    r"|\bon the basis of\b|^annex\b|^the amendment\b",
    re.IGNORECASE,
)
#: Observer states (not UN members) that the lists name as sponsors: skipped, because the
#: tables of this package hold member states only (the vote lists never name them).
NON_MEMBERS: frozenset[str] = frozenset({"STATE OF PALESTINE", "PALESTINE", "HOLY SEE"})
#: A state sponsoring for a group ("CUBA (ON BEHALF OF ... THE GROUP OF 77 AND CHINA)",
#: "EGYPT, ON BEHALF OF ...", "ROMANIA (IN ITS CAPACITY AS CHAIR OF ...)", once misspelt "OF
#: BEHALF OF") counts as the
#: state itself: it put its name to the draft, the group's members did not individually.
_ON_BEHALF = re.compile(r"\s*(?:\(|,)\s*(?:o[nf] behalf of|in its capacity as)\b", re.IGNORECASE)

#: Entries garbled in the extracts as published (checked 2025, sessions 74-80), by their
#: normalised text -> the member states they stand for (none when it cannot be told), each
#: with what is wrong. Any other entry that names no member state is an error.
KNOWN_GARBLED_SPONSORS: dict[str, tuple[tuple[str, ...], str]] = {
    "PRINCIPE": ((), "A/RES/74/118: a line-broken duplicate of 'SAO TOME AND PRINCIPE'"),
    "LAO PEOPLE'S DEMOCRATIC": (("LAO",), "A/RES/76/269: 'REPUBLIC' cut off"),
    "SOLOMON": (("SLB",), "A/RES/78/133: 'SOLOMON ISLANDS' broken into two entries"),
    "ISLANDS": ((), "A/RES/78/133: second half of 'SOLOMON ISLANDS', counted under SOLOMON"),
    "THE OF KOREA": ((), "A/RES/78/208: a word lost; either Korea, so neither is counted"),
    "ANGOLA BAHAMAS": (("AGO", "BHS"), "A/RES/79/168: two names without a separator"),
    "UNITED KINGDOMAND URUGUAY": (("GBR", "URY"), "two names run together"),
    "BARBADOS. DOMINICAN REPUBLIC": (("BRB", "DOM"), "a full stop for a comma"),
    "LIBERIA. SUBSEQUENTLY": (("LBR",), "A/RES/79/173: text run in after the name"),
    "MICRONESIA (FEDERATES STATES OF)": (("FSM",), "misspelt 'FEDERATED'"),
    "VENEZUELA (BOLIVARIAN REPUBLIC)": (("VEN",), "'OF' missing"),
    "GUINEA BISSAU": (("GNB",), "hyphen missing"),
    "TIMOR LESTE": (("TLS",), "hyphen missing"),
    "BAHAMAS (THE)": (("BHS",), "article in brackets"),
    "NAMBIA": (("NAM",), "A/RES/77/8: misspelt 'NAMIBIA'"),
    "MALTAS": (("MLT",), "A/RES/77/236: misspelt 'MALTA'"),
    "NORTHERN IRELAND": (
        ("GBR",),
        "A/RES/77/12: the end of 'UNITED KINGDOM OF GREAT BRITAIN AND NORTHERN IRELAND', "
        "the rest of the name lost",
    ),
}


def read_unxml_sponsors(path: str | os.PathLike) -> pd.DataFrame:
    """Read the sponsors of every resolution of one session's JSON-lines extract.

    Parameters
    ----------
    path : path-like
        ``NN.json``: one JSON object per line, with ``sponsors`` and
        ``additional_sponsors`` (lists of names as the Secretariat writes them).

    Returns
    -------
    DataFrame
        One row per resolution and member state that (co-)sponsored its draft: columns
        ``resolution`` (str), ``date`` (adoption day, datetime64), ``iso3`` (str), ``kind``
        (``"sponsor"``: listed when the draft was introduced, or ``"additional"``: joined
        later; a state in both lists is a ``"sponsor"``). Resolutions adopted with or
        without a vote alike; a record without the sponsor keys gives no row. Sorted by date, resolution and iso3; repeated records and
        repeated names read once.

    Raises
    ------
    DataError
        Invalid JSON, a missing key, an unreadable date, or an entry that names no member
        state and is not a known non-state entry (:data:`NOT_A_STATE`), an observer
        (:data:`NON_MEMBERS`) or a known garble (:data:`KNOWN_GARBLED_SPONSORS`); the
        message names the file, line, resolution and entry.
    """
    path = Path(path)
    rows: list[tuple[str, pd.Timestamp, str, str]] = []
    for number, record in json_records(path):
        source = f"{path}: line {number}"
        missing = [k for k in ("symbol", "adoption_date") if k not in record]
        if missing:
            raise DataError(f"{source}: missing key(s) {missing}")
        symbol = " ".join(str(record["symbol"]).split())
        date = parse_date(record["adoption_date"], source=f"{source}: resolution {symbol}")
        for key, kind in SPONSOR_KEYS.items():
            # a record without the key has no sponsors on record (older extracts lack it)
            names = record.get(key, [])
            if not isinstance(names, list):
                raise DataError(
                    f"{source}: resolution {symbol}: {key} is {names!r}, expected a list"
                )
            for name in names:
                where = f"{source}: resolution {symbol}: {key}"
                for code in sponsor_codes(str(name), date=date, source=where):
                    rows.append((symbol, date, code, kind))
    return _tidy_sponsors(rows)


def _tidy_sponsors(rows: list[tuple[str, pd.Timestamp, str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(SPONSOR_COLUMNS))
    frame["date"] = pd.to_datetime(frame["date"])
    # "sponsor" sorts before "additional" once reversed: a state in both lists is a sponsor
    frame = frame.sort_values("kind", ascending=False, kind="stable")
    frame = frame.drop_duplicates(["resolution", "date", "iso3"])
    frame = frame.sort_values(["date", "resolution", "iso3"], kind="stable")
    return frame.reset_index(drop=True)


def sponsor_codes(entry: str, *, date: pd.Timestamp, source: str) -> list[str]:
    """ISO3 codes of the member states one entry of a sponsor list names.

    An entry is usually one name, sometimes several ("AUSTRALIA, AUSTRIA AND TÜRKIYE"),
    with a leading "THE", a group the state speaks for, a stray space inside a word
    ("GE RMANY") or a final comma. Non-state entries and observers give no code.

    Raises
    ------
    DataError
        Naming ``source`` and the entry, when part of it names no member state.
    """
    text = " ".join(entry.replace("\xa0", " ").split()).strip(" ,;")
    key = normalise_name(text)
    if not text or NOT_A_STATE.search(text) or key in NON_MEMBERS:
        return []
    if key in KNOWN_GARBLED_SPONSORS:
        return list(KNOWN_GARBLED_SPONSORS[key][0])
    codes = _names_codes(_drop_on_behalf(text), date)
    if codes is None:
        raise DataError(
            f"{source}: sponsor {entry!r} names no UN member state; allowed: member-state "
            f"names, observers ({', '.join(sorted(NON_MEMBERS))}) and the known garbles of "
            "unvote.sources.unxml.KNOWN_GARBLED_SPONSORS"
        )
    return codes


def _drop_on_behalf(text: str) -> str:
    # Cut each "(on behalf of ...)" with its nested brackets, or ", on behalf of ..." to the
    # end of the entry (the comma form never has a name after it).
    while match := _ON_BEHALF.search(text):
        start = match.start()
        if match.group().lstrip().startswith(","):
            return text[:start]
        depth, end = 0, len(text)
        for i in range(text.index("(", start), len(text)):
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            if depth == 0:
                end = i + 1
                break
        text = text[:start] + text[end:]
    return text


def _names_codes(text: str, date: pd.Timestamp) -> list[str] | None:
    """Codes of a list of names ("A, B AND C"), or None when a part maps to no member."""
    text = text.strip(" ,;")
    code = _one_code(text, date)
    if code is not None:
        return [] if code == "" else [code]
    parts = _split_top_level(text, ",")
    if len(parts) > 1:
        found = [_names_codes(p, date) for p in parts]
        codes = [f for f in found if f is not None]
        return None if len(codes) < len(found) else [c for f in codes for c in f]
    # "A AND B": split at an " AND " where both sides are names ("TRINIDAD AND TOBAGO"
    # is one name and was matched whole above)
    words = text.split(" ")
    for i, word in enumerate(words):
        if word.upper() == "AND" and 0 < i < len(words) - 1:
            left = _names_codes(" ".join(words[:i]), date)
            right = _names_codes(" ".join(words[i + 1 :]), date)
            if left is not None and right is not None:
                return left + right
    return None


def _split_top_level(text: str, sep: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _one_code(name: str, date: pd.Timestamp) -> str | None:
    """ISO3 of one name ("" for an observer), trying without a leading "THE" and without
    each single stray space; None if nothing maps."""
    key = normalise_name(re.sub(r"\(\s*\)", "", name))
    if key.startswith("AND "):
        key = key[4:]
    candidates = [key]
    if key.startswith("THE"):
        candidates.append(key[3:].strip())
    spaces = [i for i, c in enumerate(key) if c == " "]
    candidates += [key[:i] + key[i + 1 :] for i in spaces]
    for candidate in candidates:
        if candidate in NON_MEMBERS:
            return ""
        try:
            return iso3_of(candidate, source="sponsor list", date=date)
        except DataError:
            continue
    return None


def read_unxml_sponsors_dir(folder: str | os.PathLike) -> pd.DataFrame:
    """Read the sponsors of every ``*.json`` session extract in ``folder`` into one table.

    Returns
    -------
    DataFrame
        As :func:`read_unxml_sponsors`, all sessions; the records that sessions 79 and 80
        repeat are read once.

    Raises
    ------
    DataError
        No ``*.json`` file in ``folder``, or any error of :func:`read_unxml_sponsors`.
    """
    files = sorted(Path(folder).glob("*.json"))
    if not files:
        raise DataError(f"{folder}: no session extracts (*.json) found")
    frames = [read_unxml_sponsors(f) for f in files]
    rows = [tuple(r) for frame in frames for r in frame.itertuples(index=False)]
    return _tidy_sponsors(rows)
