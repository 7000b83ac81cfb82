"""Missions as iCalendar (RFC 5545): the `.ics` of an invitation or a reminder, and a
volunteer's personal feed. Written by hand: a dozen lines of a plain text format do not earn a
dependency."""

import datetime

from django.utils import timezone

from heurecivique.email import mail_domain

PRODUCT = "-//L'Heure Civique//Missions//FR"


def _escape(text: str) -> str:
    """A TEXT value: backslashes, commas, semicolons and line breaks escaped (3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded, never inside a UTF-8 character (3.1)."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def event_lines(mission, *, url: str, description: str = "", cancelled: bool = False) -> list[str]:
    """One VEVENT for a mission; its UID stays the same, so a calendar updates it in place."""
    place = mission.commune.name + (f", {mission.quartier}" if mission.quartier else "")
    lines = [
        "BEGIN:VEVENT",
        f"UID:mission-{mission.pk}@{mail_domain()}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(mission.starts_at)}",
        f"DTEND:{_utc(mission.ends_at)}",
        f"SUMMARY:{_escape(mission.title)}",
        f"LOCATION:{_escape(place)}",
        f"DESCRIPTION:{_escape(description or mission.summary)}",
        f"URL:{url}",
    ]
    if cancelled:
        lines.append("STATUS:CANCELLED")
    lines.append("END:VEVENT")
    return lines


def calendar(events: list[list[str]], *, name: str = "", method: str = "") -> str:
    """A whole iCalendar file from the lines of its events."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODUCT}", "CALSCALE:GREGORIAN"]
    if method:
        lines.append(f"METHOD:{method}")
    if name:
        lines.append(f"X-WR-CALNAME:{_escape(name)}")
    for event in events:
        lines += event
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
