"""Truncated CSV files name their last row; legacy encodings are detected, reported and can be overridden."""

from __future__ import annotations

import pytest

from bsr_map.directory import DirectoryReadError, read_directory

HEADER = "id,name,type,country,city,lat,lon,sectors,description\n"
GOOD = "a,Agency A,network,FI,Helsinki,60.17,24.94,ict,Helps investors\n"
LAST = 'b,Agency B,network,FI,Oulu,65.01,25.47,ict,"Helps investors, founders and researchers"\n'
#: The whole file, then six ways to cut it short; each case gives the text and what the problem says.
WHOLE = HEADER + GOOD + LAST
TRUNCATED = {
    "inside an unclosed quote": (WHOLE[: WHOLE.rindex("founders")], "quoted value that is never closed"),
    "inside a quote over several lines": (
        HEADER + GOOD + 'b,Agency B,network,FI,Oulu,65.01,25.47,ict,"Helps investors\nand founders\nand',
        "quoted value that is never closed",
    ),
    "in the middle of a row": (WHOLE[: WHOLE.rindex(",65.01")], "ends in the middle of this row (5 of 9 values"),
    "right after a delimiter": (WHOLE[: WHOLE.rindex("65.01")], "ends in the middle of this row (6 of 9 values"),
    "semicolons, in the middle of a row": (
        WHOLE.replace(",", ";").replace('"Helps investors; founders and researchers"', "x")[
            : WHOLE.replace(",", ";").replace('"Helps investors; founders and researchers"', "x").rindex(";Oulu")
        ],
        "ends in the middle of this row (4 of 9 values",
    ),
    "inside a character": (HEADER + GOOD + "b,Agency B,network,FI,Oulu,65.01,25.47,ict,Helps in Gda\u0144", None),
}


@pytest.mark.parametrize("case", TRUNCATED)
def test_a_truncated_csv_names_its_last_row_and_keeps_the_others(write_csv, case):
    text, message = TRUNCATED[case]
    data = text.encode("utf-8")
    if case == "inside a character":
        data = data[:-1]  # the last byte of "ń" is gone
        message = "ends in the middle of a character"
    result = read_directory(write_csv(data))
    assert result.total_rows == 2 and result.bad_rows == [3], [str(p) for p in result.problems]
    assert any(p.row == 3 and message in p.message and "cut short" in p.message for p in result.problems)
    assert list(result.agencies["id"]) == ["a"]  # the cut row is never imported as if it were whole


def test_a_whole_file_without_a_final_newline_is_not_called_truncated(write_csv):
    result = read_directory(write_csv(WHOLE.rstrip("\n")))
    assert result.problems == [] and len(result.agencies) == 2


def _agency_csv(city: str, country: str, lat: float, lon: float, name: str = "Agency") -> str:
    return f"name;type;country;city;lat;lon;sectors\n{name};network;{country};{city};{lat};{lon};ict\n"


@pytest.mark.parametrize(
    ("encoding", "label", "city", "country", "lat", "lon", "name"),
    [
        ("iso8859-2", "ISO-8859-2", "Łódź", "PL", 51.7592, 19.4560, "Agencja Rozwoju Regionalnego Łódź"),
        ("iso8859-2", "ISO-8859-2", "Szczecin", "PL", 53.4285, 14.5528, "Zachodniopomorska Agencja Źródła Łąki Ś"),
        ("mac-roman", "Mac Roman", "Malmö", "SE", 55.6050, 13.0038, "Malmö Näringsliv och Tillväxt"),
        ("shift_jis", "Shift-JIS", "Helsinki", "FI", 60.17, 24.94, "フィンランド貿易投資庁"),
    ],
)
def test_a_legacy_encoding_is_detected_and_named_in_the_report(
    write_csv, encoding, label, city, country, lat, lon, name
):
    result = read_directory(write_csv(_agency_csv(city, country, lat, lon, name), encoding=encoding))
    assert result.problems == [], [str(p) for p in result.problems]
    assert (result.agencies.iloc[0].city, result.agencies.iloc[0]["name"]) == (city, name)
    assert result.encoding == encoding.replace("shift_jis", "cp932") or result.encoding == encoding
    assert any(f"read as {label}" in w for w in result.warnings), result.warnings


def test_utf8_is_reported_as_the_encoding_without_a_warning(write_csv):
    result = read_directory(write_csv(_agency_csv("Łódź", "PL", 51.7592, 19.4560)))
    assert result.encoding == "utf-8" and not any("read as" in w for w in result.warnings)


def test_the_encoding_the_user_names_wins_over_the_detected_one(write_csv):
    path = write_csv(_agency_csv("Łódź", "PL", 51.7592, 19.4560), encoding="iso8859-2")
    result = read_directory(path, encoding="cp1250")
    assert result.encoding == "cp1250" and result.agencies.iloc[0].city == "ŁódĽ"  # as asked, though wrong
    assert not any("detected" in w for w in result.warnings)


def test_a_named_encoding_that_does_not_fit_or_does_not_exist_is_a_clear_error(write_csv):
    path = write_csv(_agency_csv("Łódź", "PL", 51.7592, 19.4560), encoding="iso8859-2")
    with pytest.raises(DirectoryReadError, match=r"agencies\.csv is not in UTF-8: byte \d+ cannot be decoded"):
        read_directory(path, encoding="utf-8")
    with pytest.raises(DirectoryReadError, match="'klingon' is not a known text encoding"):
        read_directory(path, encoding="klingon")
