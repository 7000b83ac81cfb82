"""The period of a report or an export: its name, and the French refusal of a bad one."""

import datetime

import pytest
from django.utils import timezone

from heurecivique.months import add_months, first_of_month
from pilotage.periods import Period, PeriodForm


@pytest.mark.parametrize(
    ("period", "label"),
    [
        (Period.month(datetime.date(2026, 11, 5)), "novembre 2026"),
        (Period.quarter(2026, 1), "le 1er trimestre 2026"),
        (Period.quarter(2026, 3), "le 3e trimestre 2026"),
        (Period.year(2025), "l'année 2025"),
        (Period(datetime.date(2026, 3, 1), datetime.date(2026, 6, 1)), "de mars à juin 2026"),
        (
            Period(datetime.date(2025, 11, 1), datetime.date(2026, 2, 1)),
            "de novembre 2025 à février 2026",
        ),
    ],
)
def test_a_period_is_named_in_french(period, label):
    assert period.label == label


def test_periods_to_compare_with():
    quarter = Period.quarter(2026, 1)
    assert quarter.before() == Period.quarter(2025, 4)
    assert quarter.year_before() == Period.quarter(2025, 1)
    assert Period.last_quarter(datetime.date(2026, 1, 2)) == Period.quarter(2025, 4)
    assert Period.last_quarter(datetime.date(2026, 7, 1)) == Period.quarter(2026, 2)
    assert quarter.months() == [datetime.date(2026, m, 1) for m in (1, 2, 3)]


def _errors(start, end):
    form = PeriodForm({"start": start, "end": end})
    return form.errors.get("__all__") or form.errors


def test_the_form_takes_both_ways_of_writing_a_month(db):
    current = first_of_month(timezone.localdate())
    before = add_months(current, -2)
    form = PeriodForm({"start": f"{before:%m/%Y}", "end": f"{current:%Y-%m}"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["period"] == Period(before, current)


def test_the_form_refuses_a_bad_period_in_french(db):
    current = first_of_month(timezone.localdate())
    assert _errors(f"{current:%m/%Y}", f"{add_months(current, -1):%m/%Y}") == [
        "Le premier mois est après le dernier : inversez-les."
    ]
    assert "pas encore passée" in _errors(f"{current:%m/%Y}", f"{add_months(current, 1):%m/%Y}")[0]
    assert "au plus 36 mois" in _errors(f"{add_months(current, -120):%m/%Y}", f"{current:%m/%Y}")[0]
    assert (
        "36 derniers mois"
        in _errors(f"{add_months(current, -50):%m/%Y}", f"{add_months(current, -45):%m/%Y}")[0]
    )
    assert _errors("13/2026", "bientôt") == {
        "start": ["Indiquez un mois sous la forme 11/2026."],
        "end": ["Indiquez un mois sous la forme 11/2026."],
    }
