from missions.calendar import calendar, event_lines
from tests.factories import MissionFactory


def test_an_ics_escapes_text_and_folds_long_lines(db):
    mission = MissionFactory(title="Courses, pain; lait", summary="é" * 100)
    ics = calendar([event_lines(mission, url="https://x.example/missions/1/")], method="PUBLISH")
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.endswith("END:VCALENDAR\r\n")
    assert "SUMMARY:Courses\\, pain\\; lait\r\n" in ics
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    unfolded = ics.replace("\r\n ", "")
    assert "DESCRIPTION:" + "é" * 100 in unfolded
