"""How GeoReport v2 answers look: JSON lists or XML documents, dates in W3C form, errors."""
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from flask import Response, json

from models.vocabulary import aware_local_time

FORMATS = ("json", "xml")


def w3c(value: datetime | None) -> str | None:
    """A stored naive-UTC timestamp as W3C date-time in WITA, e.g. 2026-11-22T18:04:05+08:00."""
    if value is None:
        return None
    return aware_local_time(value).isoformat(timespec="seconds")


def parse_w3c(text: str) -> datetime:
    """A W3C date or date-time as naive UTC (a time without zone is taken as UTC).

    Raises ValueError when the text is not one.
    """
    value = datetime.fromisoformat(text.strip().replace(" ", "+"))  # '+' arrives as ' ' in a query
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def _xml_value(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _append(parent, name: str, value):
    element = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, item in value.items():
            _append(element, key, item)
    elif isinstance(value, list):
        child_name = {"formats": "format", "endpoints": "endpoint", "attributes": "attribute",
                      "values": "value"}.get(name, "item")
        for item in value:
            _append(element, child_name, item)
    else:
        element.text = _xml_value(value)


def to_xml(root: str, item: str | None, payload) -> bytes:
    """`payload` (a list of dicts under <root><item>…, or one dict under <root>) as XML."""
    document = ET.Element(root)
    if isinstance(payload, list):
        for entry in payload:
            _append(document, item, entry)
    else:
        for key, value in payload.items():
            _append(document, key, value)
    return ET.tostring(document, encoding="UTF-8", xml_declaration=True)


def respond(fmt: str, payload, root: str, item: str | None = None, status: int = 200) -> Response:
    if fmt == "xml":
        return Response(to_xml(root, item, payload), status=status,
                        content_type="text/xml; charset=utf-8")
    return Response(json.dumps(payload, ensure_ascii=False), status=status,
                    content_type="application/json; charset=utf-8")


def error(fmt: str, status: int, description) -> Response:
    """The spec's error array: [{"code", "description"}] or <errors><error>…</error></errors>."""
    return respond(fmt if fmt in FORMATS else "json",
                   [{"code": status, "description": str(description)}], "errors", "error", status)
