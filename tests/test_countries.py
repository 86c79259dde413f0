"""Member states as facts: membership, names, regional groups, blocs, countries table."""

from __future__ import annotations

import csv
import json
import re

import numpy as np
import pandas as pd
import pytest

from unvote import countries
from unvote.errors import DataError, UnvoteError
from unvote.paths import SHARED_RAW_DIR

# --- membership ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "count"),
    [
        ("1946-01-26", 51),  # first recorded GA vote: the original members
        ("1992-11-24", 179),  # first embargo vote (Yugoslavia's seat still counted)
        ("2000-11-01", 189),  # FR Yugoslavia admitted: SFRY's seat replaced, Tuvalu in
        ("2006-06-28", 192),  # Montenegro
        ("2011-07-13", 192),
        ("2011-07-14", 193),  # South Sudan
        ("2024-10-30", 193),
        ("2025-09-30", 193),
    ],
)
def test_member_counts_on_known_days(date, count):
    assert len(countries.members_on(date)) == count


@pytest.mark.parametrize(
    ("iso3", "last_day_in", "first_day_out"),
    [
        ("DDR", "1990-10-02", "1990-10-03"),  # German unification
        ("YMD", "1990-05-21", "1990-05-22"),  # Yemeni unification
        ("CSK", "1992-12-31", "1993-01-01"),
        ("YUG", "2000-10-31", "2000-11-01"),
        ("ZAN", "1964-04-25", "1964-04-26"),  # union with Tanganyika
        ("SYR", "1958-02-20", "1958-03-01"),  # United Arab Republic
    ],
)
def test_former_members_leave_on_the_right_day(iso3, last_day_in, first_day_out):
    assert iso3 in countries.members_on(last_day_in)
    assert iso3 not in countries.members_on(first_day_out)


@pytest.mark.parametrize(
    ("iso3", "day_before", "admitted"),
    [
        ("CZE", "1993-01-18", "1993-01-19"),
        ("SVK", "1993-01-18", "1993-01-19"),
        ("SRB", "2000-10-31", "2000-11-01"),
        ("MNE", "2006-06-27", "2006-06-28"),
        ("SSD", "2011-07-13", "2011-07-14"),
        ("SYR", "1961-10-12", "1961-10-13"),  # separate seat resumed
        ("CHE", "2002-09-09", "2002-09-10"),
    ],
)
def test_members_join_on_the_day_of_admission(iso3, day_before, admitted):
    assert iso3 not in countries.members_on(day_before)
    assert iso3 in countries.members_on(admitted)


def test_continuing_seats_never_break():
    for day in ("1950-01-01", "1959-01-01", "1990-05-22", "1991-12-24", "1991-12-25"):
        assert {"RUS", "YEM", "EGY"} <= set(countries.members_on(day))
    for day in ("1973-09-18", "1990-10-02", "1990-10-03"):
        assert "DEU" in countries.members_on(day)
    assert "TZA" in countries.members_on("1962-01-01")  # as Tanganyika
    assert "TZA" in countries.members_on("1964-04-26")


def test_members_on_is_sorted_and_accepts_timestamps():
    members = countries.members_on(pd.Timestamp("2024-10-30 15:30"))
    assert members == sorted(members)
    assert members == countries.members_on("2024-10-30")


def test_membership_spells_are_consistent():
    table = countries.membership()
    assert list(table.columns) == ["iso3", "name", "admitted", "left"]
    assert table["iso3"].str.fullmatch(r"[A-Z]{3}").all()
    assert (table["left"].isna() | (table["left"] >= table["admitted"])).all()
    assert table["left"].isna().sum() == 193
    for _, spells in table.groupby("iso3"):
        starts = spells["admitted"].to_numpy()
        ends = spells["left"].fillna(pd.Timestamp("2262-01-01")).to_numpy()
        assert (starts[1:] > ends[:-1]).all(), spells
    # the table is a copy: editing it does not change the facts
    table.loc[0, "name"] = "changed"
    assert countries.membership().loc[0, "name"] != "changed"


def test_member_mask_matches_members_on():
    days = pd.to_datetime(["1990-10-02", "1990-10-03", "2011-07-14", "2011-07-13"])
    codes = ["DDR", "DDR", "SSD", "SSD"]
    assert countries.member_mask(codes, days).tolist() == [True, False, True, False]
    assert countries.member_mask(["XXX"], days[:1]).tolist() == [False]


def test_display_name():
    assert countries.display_name("GBR") == "United Kingdom"
    assert countries.display_name("RUS") == "Russia"
    assert countries.display_name("DDR") == "East Germany"
    with pytest.raises(DataError, match="'XYZ'"):
        countries.display_name("XYZ")


def test_bad_dates_raise_unvote_error():
    with pytest.raises(UnvoteError, match="not a date"):
        countries.members_on("next week")
    with pytest.raises(UnvoteError, match="missing"):
        countries.members_on(None)


# --- names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("TÜRKİYE", "TUR"),
        ("TÜRKÝYE", "TUR"),  # mis-encoded in the UN's JSON extracts
        ("Türkiye", "TUR"),
        ("TURKEY", "TUR"),
        ("NETHERLANDS (KINGDOM OF THE)", "NLD"),
        ("NETHERLANDS", "NLD"),
        ("CÔTE D'IVOIRE", "CIV"),
        ("COTE D’IVOIRE", "CIV"),  # typographic apostrophe
        ("IVORY COAST", "CIV"),
        ("UNITED\u00a0STATES", "USA"),  # non-breaking space
        ("  united   kingdom ", "GBR"),
        ("USSR", "RUS"),
        ("RUSSIAN FEDERATION", "RUS"),
        ("BYELORUSSIAN SSR", "BLR"),
        ("ZAIRE", "COD"),
        ("DEMOCRATIC REPUBLIC OF THE CONGO", "COD"),
        ("CONGO", "COG"),
        ("NIGER", "NER"),
        ("NIGERIA", "NGA"),
        ("GUINEA", "GIN"),
        ("GUINEA-BISSAU", "GNB"),
        ("GUINEA\u2011BISSAU", "GNB"),  # non-breaking hyphen
        ("DOMINICA", "DMA"),
        ("DOMINICAN REPUBLIC", "DOM"),
        ("BURMA", "MMR"),
        ("GERMANY, FEDERAL REPUBLIC OF", "DEU"),
        ("GERMAN DEMOCRATIC REPUBLIC", "DDR"),
        ("DEMOCRATIC YEMEN", "YMD"),
        ("CZECHOSLOVAKIA", "CSK"),
        ("SERBIA AND MONTENEGRO", "SRB"),
        ("TANGANYIKA", "TZA"),
        ("ZANZIBAR", "ZAN"),
        ("UNITED ARAB REPUBLIC", "EGY"),
        ("DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA", "PRK"),
        ("REPUBLIC OF KOREA", "KOR"),
        ("LAO PEOPLE's DEMOCRATIC REPUBLIC", "LAO"),
        ("THE FORMER YUGOSLAV REPUBLIC OF MACEDONIA", "MKD"),
        ("BOLIVIA (PLURINATIONAL STATE OF)", "BOL"),
        ("Aa UNITED STATES", "USA"),  # the scrape's stray prefix
    ],
)
def test_name_to_iso3_tricky_names(name, iso3):
    assert countries.name_to_iso3(name, source="test") == iso3


def test_yugoslavia_depends_on_the_date():
    assert countries.name_to_iso3("YUGOSLAVIA", source="t", date="1991-12-01") == "YUG"
    assert countries.name_to_iso3("YUGOSLAVIA", source="t", date="2000-10-31") == "YUG"
    assert countries.name_to_iso3("YUGOSLAVIA", source="t", date="2000-11-01") == "SRB"
    with pytest.raises(DataError, match=r"votes\.csv.*'YUGOSLAVIA'.*date"):
        countries.name_to_iso3("YUGOSLAVIA", source="votes.csv")


def test_unknown_names_raise_naming_source_and_name():
    with pytest.raises(DataError, match=r"^file\.json: unknown country name 'NARNIA'"):
        countries.name_to_iso3("NARNIA", source="file.json")
    # known to ISO 3166 but never a UN member state
    with pytest.raises(DataError, match="PUERTO RICO"):
        countries.name_to_iso3("PUERTO RICO", source="file.json")


def test_names_to_iso3_vectorised_equals_scalar():
    names = pd.Series(
        ["USSR", "YUGOSLAVIA", "YUGOSLAVIA", "TÜRKİYE", "CUBA"], index=[10, 11, 12, 13, 14]
    )
    dates = pd.Series(
        pd.to_datetime(["1990-01-01", "1995-01-01", "2001-01-01"] + ["2023-01-01"] * 2)
    )
    dates.index = names.index
    out = countries.names_to_iso3(names, source="t", dates=dates)
    assert out.tolist() == ["RUS", "YUG", "SRB", "TUR", "CUB"]
    assert out.index.tolist() == names.index.tolist()
    with pytest.raises(DataError, match="YUGOSLAVIA"):
        countries.names_to_iso3(names, source="t")
    with pytest.raises(DataError, match="'NARNIA'"):
        countries.names_to_iso3(["CUBA", "NARNIA"], source="t")


def test_code_to_iso3():
    assert countries.code_to_iso3("GER", source="t") == "DEU"
    assert countries.code_to_iso3("ddr", source="t") == "DDR"
    with pytest.raises(DataError, match="'ZZZ'"):
        countries.code_to_iso3("ZZZ", source="t")


def test_every_member_display_name_round_trips():
    for iso3, name in countries.membership()[["iso3", "name"]].itertuples(index=False):
        if iso3 in ("YUG",):  # "Yugoslavia" meant two states: needs a date
            continue
        assert countries.name_to_iso3(name, source="members.csv") == iso3


# --- regional groups ----------------------------------------------------------------------

GROUPS_2025 = {
    "African": (
        "DZA AGO BEN BWA BFA BDI CPV CMR CAF TCD COM COG CIV COD DJI EGY GNQ ERI SWZ ETH GAB "
        "GMB GHA GIN GNB KEN LSO LBR LBY MDG MWI MLI MRT MUS MAR MOZ NAM NER NGA RWA STP SEN "
        "SYC SLE SOM ZAF SSD SDN TZA TGO TUN UGA ZMB ZWE"
    ),
    "Asia-Pacific": (
        "AFG BHR BGD BTN BRN KHM CHN CYP PRK FJI IND IDN IRN IRQ JPN JOR KAZ KIR KWT KGZ LAO "
        "LBN MYS MDV MHL FSM MNG MMR NRU NPL OMN PAK PLW PNG PHL QAT KOR WSM SAU SGP SLB LKA "
        "SYR TJK THA TLS TON TKM TUV ARE UZB VUT VNM YEM"
    ),
    "Eastern European": (
        "ALB ARM AZE BLR BIH BGR HRV CZE EST GEO HUN LVA LTU MNE MKD POL MDA ROU RUS SRB SVK "
        "SVN UKR"
    ),
    "Latin American and Caribbean": (
        "ATG ARG BHS BRB BLZ BOL BRA CHL COL CRI CUB DMA DOM ECU SLV GRD GTM GUY HTI HND JAM "
        "MEX NIC PAN PRY PER KNA LCA VCT SUR TTO URY VEN"
    ),
    "Western European and Others": (
        "AND AUS AUT BEL CAN DNK FIN FRA DEU GRC ISL IRL ISR ITA LIE LUX MLT MCO NLD NZL NOR "
        "PRT SMR ESP SWE CHE TUR GBR USA"
    ),
}


@pytest.mark.parametrize(
    ("group", "size"),
    [
        ("African", 54),
        ("Asia-Pacific", 54),
        ("Eastern European", 23),
        ("Latin American and Caribbean", 33),
        ("Western European and Others", 29),
    ],
)
def test_each_group_in_2025(group, size):
    groups = countries.regional_groups("2025-09-30")
    members = set(groups[groups == group].index)
    assert members == set(GROUPS_2025[group].split())
    assert len(members) == size


def test_groups_cover_every_member_in_2025():
    groups = countries.regional_groups("2025-09-30")
    assert groups.index.tolist() == countries.members_on("2025-09-30")
    assert groups.notna().all()
    assert set(groups) == set(countries.GROUPS)


def test_groups_history():
    g1995 = countries.regional_groups("1995-06-01")
    assert pd.isna(g1995["ISR"])  # in no group before 2000
    assert "KIR" not in g1995.index  # not yet a member
    assert g1995["YUG"] == "Eastern European"
    assert g1995.isna().sum() == 1
    g2005 = countries.regional_groups("2005-06-01")
    assert g2005["ISR"] == "Western European and Others"
    assert pd.isna(g2005["KIR"])  # member since 1999, in no group until 2010
    assert countries.regional_groups("2011-01-01")["KIR"] == "Asia-Pacific"
    g1992 = countries.regional_groups("1992-11-24")
    assert g1992["CSK"] == "Eastern European"
    assert g1992["USA"] == "Western European and Others"
    with pytest.raises(UnvoteError, match="1991-12-31"):
        countries.regional_groups("1991-12-31")


# --- blocs --------------------------------------------------------------------------------


def _bloc(date, bloc):
    table = countries.blocs(date)
    return set(table.index[table[bloc]])


EU_2025 = set(
    "AUT BEL BGR HRV CYP CZE DNK EST FIN FRA DEU GRC HUN IRL ITA LVA LTU LUX MLT NLD POL PRT "
    "ROU SVK SVN ESP SWE".split()
)
NATO_2025 = set(
    "ALB BEL BGR CAN HRV CZE DNK EST FIN FRA DEU GRC HUN ISL ITA LVA LTU LUX MNE NLD MKD NOR "
    "POL PRT ROU SVK SVN ESP SWE TUR GBR USA".split()
)


def test_blocs_frame_shape():
    table = countries.blocs("2025-09-30")
    assert table.index.tolist() == countries.members_on("2025-09-30")
    assert list(table.columns) == list(countries.bloc_names())
    assert {"eu", "nato", "mnna", "csto", "alba", "caricom", "arab_league"} <= set(table)
    assert all(pd.api.types.is_bool_dtype(dtype) for dtype in table.dtypes)


def test_eu():
    assert _bloc("2025-09-30", "eu") == EU_2025
    assert _bloc("2020-01-31", "eu") == EU_2025 | {"GBR"}
    assert _bloc("2020-02-01", "eu") == EU_2025
    assert _bloc("2013-06-30", "eu") == EU_2025 - {"HRV"} | {"GBR"}
    assert len(_bloc("1992-11-24", "eu")) == 12
    assert len(_bloc("1995-01-01", "eu")) == 15


def test_nato():
    assert _bloc("2025-09-30", "nato") == NATO_2025
    assert _bloc("2024-03-06", "nato") == NATO_2025 - {"SWE"}
    assert _bloc("2023-04-03", "nato") == NATO_2025 - {"SWE", "FIN"}
    assert _bloc("2023-04-04", "nato") == NATO_2025 - {"SWE"}
    assert len(_bloc("1992-11-24", "nato")) == 16


def test_major_non_nato_allies():
    expected_2025 = set(
        "ARG AUS BHR BRA COL EGY ISR JPN JOR KEN KOR KWT MAR NZL PAK PHL QAT THA TUN".split()
    )
    assert _bloc("2025-09-30", "mnna") == expected_2025
    assert _bloc("2021-06-23", "mnna") == expected_2025 - {"COL", "KEN", "QAT"} | {"AFG"}
    assert _bloc("1992-11-24", "mnna") == {"AUS", "EGY", "ISR", "JPN", "KOR"}


def test_csto():
    assert _bloc("2025-09-30", "csto") == {"ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"}
    assert _bloc("1995-01-01", "csto") == {
        "ARM",
        "AZE",
        "BLR",
        "GEO",
        "KAZ",
        "KGZ",
        "RUS",
        "TJK",
        "UZB",
    }
    assert "UZB" in _bloc("2010-01-01", "csto")
    assert "UZB" not in _bloc("2013-01-01", "csto")


def test_alba():
    assert _bloc("2025-09-30", "alba") == set("ATG BOL CUB DMA GRD KNA LCA NIC VCT VEN".split())
    assert "BOL" in _bloc("2019-11-07", "alba")  # the embargo vote of 2019
    assert "BOL" not in _bloc("2020-06-01", "alba")
    assert "ECU" in _bloc("2017-11-01", "alba")
    assert "ECU" not in _bloc("2018-11-01", "alba")
    assert _bloc("2009-10-28", "alba") == set("ATG BOL CUB DMA ECU HND NIC VCT VEN".split())
    assert _bloc("2004-01-01", "alba") == set()


def test_caricom():
    expected = set("ATG BHS BRB BLZ DMA GRD GUY HTI JAM KNA LCA SUR TTO VCT".split())
    assert _bloc("2025-09-30", "caricom") == expected
    assert _bloc("1992-11-24", "caricom") == expected - {"HTI", "SUR"}


def test_arab_league():
    expected = set(
        "DZA BHR COM DJI EGY IRQ JOR KWT LBN LBY MRT MAR OMN QAT SAU SOM SDN SYR TUN ARE YEM".split()
    )
    assert _bloc("2025-09-30", "arab_league") == expected
    assert _bloc("2015-10-27", "arab_league") == expected - {"SYR"}  # suspended 2011-2023
    assert _bloc("1992-11-24", "arab_league") == expected - {"COM"}


def test_oas_and_cofa():
    all_35 = set(
        "ATG ARG BHS BRB BLZ BOL BRA CAN CHL COL CRI CUB DMA DOM ECU SLV GRD GTM GUY HTI HND "
        "JAM MEX NIC PAN PRY PER KNA LCA VCT SUR TTO USA URY VEN".split()
    )
    assert _bloc("2025-09-30", "oas") == all_35 - {"CUB", "VEN", "NIC"}
    assert _bloc("2010-10-26", "oas") == all_35 - {"CUB", "HND"}  # Honduras suspended
    assert {"VEN", "NIC"} <= _bloc("2018-11-01", "oas")
    assert _bloc("2025-09-30", "cofa") == {"FSM", "MHL", "PLW"}


def test_bloc_facts_name_a_source():
    spells = countries.bloc_spells()
    assert (spells["source"].str.len() > 3).all()
    assert spells["precision"].isin(["day", "month", "year"]).all()
    assert (spells["left"].isna() | (spells["left"] >= spells["joined"])).all()
    for _, rows in spells.sort_values("joined").groupby(["bloc", "iso3"]):
        ends = rows["left"].fillna(pd.Timestamp("2262-01-01")).to_numpy()
        assert (rows["joined"].to_numpy()[1:] > ends[:-1]).all(), rows


# --- the countries table ------------------------------------------------------------------


def test_countries_table():
    table = countries.countries_table()
    blocs = countries.bloc_names()
    assert list(table.columns) == ["iso3", "country", "un_group", "admitted", "left"] + [
        f"{b}_{end}" for b in blocs for end in ("joined", "left")
    ]
    assert table["iso3"].tolist() == sorted(table["iso3"])
    # 193 of today, Czechoslovakia (to 1992) and Yugoslavia (to 2000)
    assert len(table) == 195
    assert set(table["iso3"]) == set(countries.members_on("2025-09-30")) | {"CSK", "YUG"}
    row = table.set_index("iso3")
    assert row.loc["GBR", "eu_joined"] == "1973-01-01"
    assert row.loc["GBR", "eu_left"] == "2020-01-31"
    assert row.loc["FIN", "nato_joined"] == "2023-04-04"
    assert row.loc["SWE", "nato_joined"] == "2024-03-07"
    assert row.loc["FRA", "eu_left"] == ""
    assert row.loc["BOL", "alba_joined"] == "2006-04-29;2020-11-01"
    assert row.loc["BOL", "alba_left"] == "2019-11-15;"
    assert row.loc["CSK", "left"] == "1992-12-31"
    assert row.loc["SYR", "admitted"] == "1945-10-24"
    assert row.loc["SSD", "admitted"] == "2011-07-14"
    assert row.loc["ISR", "un_group"] == "Western European and Others"
    assert row.loc["USA", "country"] == "United States"
    assert (row["un_group"].drop(["CSK", "YUG"]) != "").all()
    assert row["un_group"].value_counts().to_dict() == {
        "African": 54,
        "Asia-Pacific": 54,
        "Latin American and Caribbean": 33,
        "Western European and Others": 29,
        "Eastern European": 25,
    }


def test_countries_table_period():
    table = countries.countries_table("2012-01-01", "2012-12-31")
    assert len(table) == 193
    with pytest.raises(UnvoteError, match="before start"):
        countries.countries_table("2020-01-01", "2019-01-01")


# --- against the raw files ----------------------------------------------------------------

SCRAPE = SHARED_RAW_DIR / "ga_scrape" / "un_votes_1946_2021.csv"

# GA rows of the scrape whose TOTAL VOTES (which equals the scrape's own count of filled
# cells) disagrees with the membership of the day, and why. Rows on an admission day are
# allowed besides: the admission was voted before the new members took their seats.
SCRAPE_ERRORS = {
    "A/RES/1120(XI)": "Japan marked non-voting before its admission on 1956-12-18",
    "A/RES/1122(XI)": "Japan marked non-voting before its admission on 1956-12-18",
    "A/RES/1127(XI)": "Japan marked non-voting before its admission on 1956-12-18",
    "A/RES/1128(XI)": "Japan marked non-voting before its admission on 1956-12-18",
    "A/RES/1129(XI)": "Japan marked non-voting before its admission on 1956-12-18",
    "A/RES/1130(XI)": "Japan marked non-voting before its admission on 1956-12-18",
    "A/RES/1131(XI)": "Japan marked non-voting before its admission on 1956-12-18",
    "A/RES/1627(XVI)": "Mongolia marked non-voting before its admission on 1961-10-27",
    "A/RES/33/13[B]": "Dominica marked non-voting before its admission on 1978-12-18",
    "A/RES/33/13[C]": "Dominica marked non-voting before its admission on 1978-12-18",
    "A/RES/33/13[D]": "Dominica marked non-voting before its admission on 1978-12-18",
    "A/RES/33/13[E]": "Dominica marked non-voting before its admission on 1978-12-18",
    "A/RES/33/13[F]": "Dominica marked non-voting before its admission on 1978-12-18",
    "A/RES/33/17": "Dominica marked non-voting before its admission on 1978-12-18",
    "A/RES/37/46": "dated 1980-12-03 in the scrape; a 37th-session (1982) resolution",
    "A/RES/37/99I": "156 filled cells where 157 states were members",
    "A/RES/45/62C": "158 filled cells where 159 states were members",
    "A/RES/ES-10/6": "votes for Kiribati, Nauru and Tonga seven months before their admission",
}
# Cells filled before the state's admission on rows that fall on someone else's admission day.
ADMISSION_DAY_ERRORS = {
    "A/RES/31/49": "Samoa marked non-voting on 1976-12-01, before its admission on 1976-12-15",
    "A/RES/2754(XXVI)": "United Arab Emirates marked non-voting before its admission on 1971-12-09",
}


@pytest.fixture(scope="module")
def scrape_ga():
    if not SCRAPE.exists():
        pytest.skip(f"raw scrape not present: {SCRAPE}")
    frame = pd.read_csv(SCRAPE, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    frame = frame[frame["Council"] == "General Assembly"]
    # two rows carry only a year as their date; they cannot be checked against a day
    frame = frame[frame["Date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}")]
    counts = np.array([len(countries.members_on(day)) for day in frame["Date"]])
    return frame.assign(members=counts, total=frame["TOTAL VOTES"].astype(int))


@pytest.mark.raw
def test_members_equal_the_uns_totals_on_every_embargo_vote(scrape_ga):
    pattern = r"embargo imposed by the Unite[ds] States of America against Cuba"
    embargo = scrape_ga[scrape_ga["Title"].str.contains(pattern, case=False)]
    years = sorted(int(day[:4]) for day in embargo["Date"])
    assert years == [*range(1992, 2020), 2021]
    assert (embargo["members"] == embargo["total"]).all(), embargo[["Date", "total", "members"]]


@pytest.mark.raw
def test_members_equal_the_uns_totals_on_every_ga_vote(scrape_ga):
    late = scrape_ga[scrape_ga["Date"] >= "2011-07-14"]
    assert len(late) > 500
    assert (late["total"] == 193).all() and (late["members"] == 193).all()
    admission_days = set(countries.membership()["admitted"].dt.strftime("%Y-%m-%d"))
    wrong = scrape_ga[scrape_ga["members"] != scrape_ga["total"]]
    unexplained = wrong[~wrong["Date"].isin(admission_days)]
    assert set(unexplained["Resolution"]) == set(SCRAPE_ERRORS), unexplained[
        ["Date", "Resolution", "total", "members"]
    ]
    assert len(wrong) - len(unexplained) == 21  # votes on admission days


@pytest.mark.raw
@pytest.mark.slow  # 260 columns, 800,000 cells: a raw-file check like the rebuilds
def test_every_scrape_column_maps_and_votes_only_while_a_member(scrape_ga):
    names = [c for c in scrape_ga.columns[11:-2] if (scrape_ga[c] != "").any()]
    assert len(names) >= 255
    dates = pd.to_datetime(scrape_ga["Date"])
    cells = 0
    for name in names:
        filled = scrape_ga[name] != ""
        codes = countries.names_to_iso3(
            pd.Series(name, index=scrape_ga.index[filled]), source=name, dates=dates[filled]
        )
        ok = countries.member_mask(codes, dates[filled])
        bad = scrape_ga.loc[filled[filled].index[~ok], "Resolution"]
        assert set(bad) <= set(SCRAPE_ERRORS) | set(ADMISSION_DAY_ERRORS), (name, bad.tolist())
        cells += int(filled.sum())
    assert cells > 800_000
    # the one column that maps to nothing holds only Security Council votes
    with pytest.raises(DataError, match="DONOTKNOW"):
        countries.name_to_iso3("DONOTKNOW", source="scrape")


def _raw_files(folder: str, pattern: str):
    files = sorted((SHARED_RAW_DIR / folder).glob(pattern))
    if not files:
        pytest.skip(f"raw files {pattern} not present in {SHARED_RAW_DIR / folder}")
    return files


def _json_names():
    names = set()
    for path in _raw_files("unxml", "*.json"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                for key in ("MS_in_favour", "MS_against", "MS_abstaining"):
                    names.update(record.get(key) or [])
    return names


@pytest.mark.raw
def test_every_json_name_maps_to_a_member_of_2019_2025():
    names = _json_names()
    assert {"TÜRKİYE", "TURKEY", "NETHERLANDS (KINGDOM OF THE)"} <= names
    codes = {countries.name_to_iso3(name, source="unxml") for name in names}
    assert codes == set(countries.members_on("2025-09-30"))


@pytest.mark.raw
def test_every_xml_member_state_maps():
    names = set()
    for path in _raw_files("unxml_emergency", "*.xml"):
        names.update(
            re.findall(
                r'<organization[^>]*refersTo="memberState"[^>]*>([^<]*)</organization>',
                path.read_text(encoding="utf-8"),
            )
        )
    assert len(names) > 150
    codes = {countries.name_to_iso3(name, source=path.name) for name in names}
    assert codes <= set(countries.members_on("2024-01-01"))


@pytest.mark.raw
def test_every_undl_name_maps_to_its_code():
    path = SHARED_RAW_DIR / "undl_sample" / "2025_7_23_ga_voting_sample.csv"
    if not path.exists():
        pytest.skip(f"UN Digital Library sample not present: {path}")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows:
        by_name = countries.name_to_iso3(row["ms_name"], source=path.name)
        assert by_name == countries.code_to_iso3(row["ms_code"], source=path.name), row
