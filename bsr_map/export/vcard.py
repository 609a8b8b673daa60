"""vCard 4.0 (RFC 6350) cards of agencies, for address books and QR codes."""

from __future__ import annotations

from collections.abc import Iterable

from bsr_map.directory.schema import country_name
from bsr_map.directory.taxonomy import Taxonomy


def _escape(value: str) -> str:
    """Escape a text value (RFC 6350 §3.4): backslash, comma, semicolon and new lines."""
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


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
