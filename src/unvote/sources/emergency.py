"""Reader of the emergency special sessions' resolutions (``unxml_emergency/*.xml``).

Akoma Ntoso 3.0 XML as published by the UN Secretariat: the symbol is the
``docNumber`` with ``refersTo="#symbol"`` (``A/RES/ES-11/1``), the adoption date the
``FRBRdate`` named ``adoption``, the title the ``docTitle`` with
``refersTo="#resolutionTitle"``, and the vote a ``<voting>`` element holding one
``<count value=N refersTo="inFavour|against|abstaining">`` per side, each listing
``<organization refersTo="memberState">NAME</organization>``. Members that did not vote
are listed nowhere and are derived from membership on the day. ``session`` is the regular
session in which the emergency session sat.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd

from unvote.errors import DataError
from unvote.sources import check_counts, finish, parse_date, read_folder, roll_call

NS = {"akn": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
SIDES: dict[str, str] = {"inFavour": "yes", "against": "no", "abstaining": "abstain"}
#: The ``<voting outcome>`` of a resolution adopted without a vote (none in the files
#: published so far, which all say ``adoptedRecordedVote``).
WITHOUT_VOTE = "adoptedWithoutVote"


def read_emergency(path: str | os.PathLike) -> pd.DataFrame:
    """Read one Akoma Ntoso resolution with a recorded vote into the tidy table.

    Returns
    -------
    DataFrame
        Tidy table, one row per member state on the adoption date (193 rows for
        2022-2024), sorted by iso3. A resolution whose ``<voting outcome>`` is
        :data:`WITHOUT_VOTE` gives no rows.

    Raises
    ------
    DataError
        Malformed XML, a missing symbol, adoption date or ``<voting>``, a recorded vote
        without counts, an unknown side of a count,
        an unmappable name, or lists that disagree with their ``value``.
    """
    path = Path(path)
    source = str(path)
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as err:
        raise DataError(f"{source}: cannot read the XML: {err}") from err
    symbol_el = root.find(".//akn:docNumber[@refersTo='#symbol']", NS)
    date_el = root.find(".//akn:FRBRWork/akn:FRBRdate[@name='adoption']", NS)
    if symbol_el is None or not (symbol_el.text or "").strip():
        raise DataError(f"{source}: no <docNumber refersTo='#symbol'> (the resolution symbol)")
    if date_el is None:
        raise DataError(f"{source}: no <FRBRdate name='adoption'> (the adoption date)")
    symbol = " ".join((symbol_el.text or "").split())
    date = parse_date(date_el.get("date", ""), source=f"{source}: FRBRdate adoption")
    title_el = root.find(".//akn:docTitle[@refersTo='#resolutionTitle']", NS)
    title = " ".join("".join(title_el.itertext()).split()) if title_el is not None else ""

    voting = root.find(".//akn:voting", NS)
    # The emergency sessions' resolutions here were all adopted by a recorded vote: a
    # file without one has lost its vote, and reading it as adopted without a vote
    # would silently drop a roll call.
    if voting is None:
        raise DataError(
            f"{source}: resolution {symbol}: no <voting> element (the recorded vote); "
            f"allowed: <voting outcome=...> holding <count refersTo=...> per side, or "
            f"outcome {WITHOUT_VOTE!r}"
        )
    if voting.get("outcome", "") == WITHOUT_VOTE:
        return finish([], source=source)
    if voting.find("akn:count", NS) is None:
        raise DataError(
            f"{source}: resolution {symbol}: <voting outcome={voting.get('outcome')!r}> "
            f"holds no <count>; allowed: one <count refersTo=...> per side "
            f"({', '.join(SIDES)}), or outcome {WITHOUT_VOTE!r}"
        )
    lists: dict[str, list[str]] = {vote: [] for vote in SIDES.values()}
    stated: dict[str, int] = dict.fromkeys(SIDES.values(), 0)
    for count in voting.findall("akn:count", NS):
        side = count.get("refersTo", "")
        if side not in SIDES:
            raise DataError(
                f"{source}: resolution {symbol}: <count refersTo={side!r}>; "
                f"allowed: {', '.join(SIDES)}"
            )
        try:
            stated[SIDES[side]] = int(count.get("value", ""))
        except ValueError:
            raise DataError(
                f"{source}: resolution {symbol}: <count refersTo={side!r}> has value "
                f"{count.get('value')!r}, expected a whole number"
            ) from None
        lists[SIDES[side]] = [
            " ".join("".join(org.itertext()).split())
            for org in count.iter(f"{{{NS['akn']}}}organization")
            if org.get("refersTo", "memberState") == "memberState"
        ]
    check_counts(symbol, {k: len(v) for k, v in lists.items()}, stated, source=source)
    return finish([roll_call(symbol, date, title, lists, source=source)], source=source)


def read_emergency_dir(folder: str | os.PathLike) -> pd.DataFrame:
    """Read every ``*.xml`` resolution in ``folder`` into one tidy table."""
    return read_folder(folder, "*.xml", read_emergency, what="emergency-session resolutions")
