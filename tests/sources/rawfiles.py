"""Tiny hand-built raw files in each source format, for the tests to write into tmp_path."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from unvote.sources.ga_scrape import META_COLUMNS

SCRAPE_COUNTRIES = ("CUBA", "UNITED STATES", "ISRAEL", "USSR", "RUSSIAN FEDERATION", "MEXICO")


def scrape_row(
    symbol: str,
    cells: dict[str, str],
    *,
    date: str = "1992-11-24",
    council: str = "General Assembly",
    title: str = "Some title : resolution / adopted by the General Assembly",
    counts: tuple[int, int, int] | None = None,
) -> dict[str, str]:
    """One row of the wide scrape; counts (yes, no, abstain) default to the cells'."""
    if counts is None:
        counts = tuple(sum(v == code for v in cells.values()) for code in "YNA")
    yes, no, abstain = counts
    row = dict.fromkeys((*META_COLUMNS, *SCRAPE_COUNTRIES), "")
    row.update(
        {
            "Council": council,
            "Date": date,
            "Title": title,
            "Resolution": symbol,
            "TOTAL VOTES": str(len(cells)),
            "NO-VOTE COUNT": str(sum(v == "X" for v in cells.values())),
            "ABSENT COUNT": str(abstain),  # mislabelled in the real file: abstentions
            "NO COUNT": str(no),
            "YES COUNT": str(yes),
            "Link": "https://digitallibrary.un.org/record/1",
            "token": "1",
        }
    )
    row.update(cells)
    return row


def write_scrape(path: Path, rows: list[dict[str, str]], columns=None) -> Path:
    columns = list(columns or (*META_COLUMNS, *SCRAPE_COUNTRIES))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def good_scrape_rows() -> list[dict[str, str]]:
    return [
        scrape_row(
            "A/RES/47/19",
            {"CUBA": "Y", "UNITED STATES": "N", "ISRAEL": "N", "RUSSIAN FEDERATION": "A",
             "MEXICO": "X"},
        ),
        scrape_row("S/RES/1(1992)", {"CUBA": "Y"}, council="Security Council", counts=(9, 9, 9)),
        scrape_row(
            "A/RES/2758(XXVI)",
            {"CUBA": "Y", "UNITED STATES": "N", "USSR": "Y", "ISRAEL": "N"},
            date="1971-10-25",
        ),
    ]  # fmt: skip


def unxml_record(symbol: str, date: str, yes=(), no=(), abstain=(), counts=None, **extra):
    counts = counts or (len(yes), len(no), len(abstain))
    record = {
        "symbol": symbol,
        "title": "A title",
        "adoption_date": date,
        "adoption_type": "By a recorded vote" if any(counts) else "Without a vote",
        "MS_in_favour": list(yes),
        "MS_against": list(no),
        "MS_abstaining": list(abstain),
        "MS_in_favour_count": str(counts[0]),
        "MS_against_count": str(counts[1]),
        "MS_abstaining_count": str(counts[2]),
    }
    record.update(extra)
    return record


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path
