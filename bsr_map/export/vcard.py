"""vCard 4.0 (RFC 6350) cards of agencies, for address books and QR codes."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bsr_map.directory.schema import country_name
from bsr_map.directory.taxonomy import Taxonomy

#: Every kind of line break: CR LF, CR, LF, NEL, the Unicode line and paragraph separators, VT and FF.
_LINE_BREAK = re.compile(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
#: Other control codes, which no property value may hold (RFC 6350 §3.3: values are UTF-8 text).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")


def _escape(value: str) -> str:
    r"""Escape a text value (RFC 6350 §3.4): backslash, comma, semicolon, and any line break as ``\n``.

    A bare CR, NEL (U+0085) or LINE SEPARATOR (U+2028) ends a line for some
    readers as surely as LF does, so each becomes ``\n`` too; other control
    codes are dropped. The card, and the QR code made of it, then hold exactly
    one line per property.
    """
    text = str(value).replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return _CONTROL.sub("", _LINE_BREAK.sub("\\\\n", text))


def _fold(line: str) -> str:
    """Fold a content line at 75 octets with CRLF + space, never splitting a UTF-8 character."""
    out: list[str] = []
    current = b""
    for ch in line:
        encoded = ch.encode("utf-8")
        limit = 75 if not out else 74  # continuation lines start with a space
        if len(current) + len(encoded) > limit:
            out.append(current.decode("utf-8"))
            current = b""
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def agency_vcard(record: dict, taxonomy: Taxonomy) -> str:
    """One agency as a vCard 4.0 card (an organisation: KIND:org).

    Parameters
    ----------
    record : dict
        An agency record with schema fields, plus ``lat`` and ``lon`` in degrees.
    taxonomy : Taxonomy
        For the sector labels written as CATEGORIES.

    Returns
    -------
    str
        The card, CRLF line endings, folded at 75 octets.
    """
    lines = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        "KIND:org",
        f"FN:{_escape(record['name'])}",
        f"ORG:{_escape(record['name'])}",
    ]
    if record.get("local_name") and record["local_name"] != record["name"]:
        lines.append(f"NICKNAME:{_escape(record['local_name'])}")
    address = [
        "",
        "",
        record.get("street_address", ""),
        record.get("city", ""),
        record.get("region", ""),
        record.get("postcode", ""),
        country_name(record["country"]),
    ]
    lines.append("ADR;TYPE=work:" + ";".join(_escape(part) for part in address))
    if record.get("phone"):
        lines.append(f"TEL;TYPE=work,voice;VALUE=uri:tel:{record['phone'].replace(' ', '')}")
    if record.get("email"):
        lines.append(f"EMAIL;TYPE=work:{record['email']}")
    if record.get("website"):
        lines.append(f"URL:{record['website']}")
    if "lat" in record and "lon" in record:
        lines.append(f"GEO:geo:{record['lat']:.6f},{record['lon']:.6f}")
    if record.get("sectors"):
        lines.append("CATEGORIES:" + ",".join(_escape(taxonomy.sectors.label(c)) for c in record["sectors"]))
    if record.get("description"):
        lines.append(f"NOTE:{_escape(record['description'])}")
    lines.append(f"UID:urn:bsr-map:{record['id']}")
    if record.get("last_verified"):
        lines.append(f"REV:{record['last_verified'].replace('-', '')}")
    lines.append("END:VCARD")
    return "".join(_fold(line) + "\r\n" for line in lines)


def vcards(records: Iterable[dict], taxonomy: Taxonomy) -> str:
    """Several cards, one after another, as in a .vcf file."""
    return "".join(agency_vcard(r, taxonomy) for r in records)


#: The largest QR code version printed: 69 modules, a quarter of a millimetre each in the directory's
#: 21 mm code, about the smallest a phone camera reads from paper. Bigger data is not "in" the code.
QR_MAX_VERSION = 13


def _fits_qr(content: str) -> bool:
    import segno
    from segno import DataOverflowError

    try:
        version = segno.make(content, error="m", micro=False).version  # an int: micro codes are off
        return isinstance(version, int) and version <= QR_MAX_VERSION
    except DataOverflowError:
        return False


def qr_payload(record: dict, taxonomy: Taxonomy) -> tuple[str, str | None]:
    """What an agency's QR code holds: its website, or else its vCard, shortened until a readable QR code holds it.

    Readable: at most version :data:`QR_MAX_VERSION`.

    Parameters
    ----------
    record : dict
        An agency record (schema fields, ``lat`` and ``lon``).
    taxonomy : Taxonomy

    Returns
    -------
    content : str
        The website, the full card, a card without description, sectors and local name, or
        that card with the name cut (ending in "…").
    shortened : str or None
        What was left out, for the export's report; None when nothing was.
    """
    if record.get("website") and _fits_qr(record["website"]):
        return record["website"], None
    website = {"website": ""} if record.get("website") else {}  # a web address no QR code holds is left out
    card = agency_vcard({**record, **website}, taxonomy)
    if _fits_qr(card):
        return card, "its website is too long for a QR code; the code holds its card" if website else None
    lean = {**record, **website, "description": "", "sectors": [], "local_name": "", "street_address": ""}
    card = agency_vcard(lean, taxonomy)
    if _fits_qr(card):
        return card, "its QR code holds a shorter card (without description, sectors, local name and street)"
    # The last resort: a card of the name (cut as far as needed), the country and the id only.
    bare: dict = {key: "" for key in lean if key not in ("id", "name", "country", "lat", "lon")} | {"sectors": []}
    bare = {**lean, **bare, "city": record.get("city", ""), "phone": record.get("phone", "")}
    card = agency_vcard(bare, taxonomy)
    if _fits_qr(card):
        return card, "its QR code holds only its name, city, country and phone"
    bare["city"] = bare["phone"] = ""
    name = str(record["name"])
    low, high = -1, len(name)  # the longest start of the name whose card fits (-1: none does)
    while low < high:
        middle = (low + high + 1) // 2
        if _fits_qr(agency_vcard({**bare, "name": name[:middle] + "…"}, taxonomy)):
            low = middle
        else:
            high = middle - 1
    if low < 0:
        return str(record["id"]), "its QR code holds only its id: even its name and country do not fit"
    card = agency_vcard({**bare, "name": name[:low] + "…"}, taxonomy)
    return card, f"its QR code holds only its name, cut to {low:,} characters, and its country"
