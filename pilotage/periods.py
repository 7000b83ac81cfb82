"""The period of a report or an export: whole months, from one month to another, and how it is
named (« novembre 2026 », « le 3e trimestre 2026 », « l'année 2026 », « de mars à juin 2026 »).
The form that asks for it refuses a period reversed, not begun or too long, in French."""

import datetime
import re
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.dateformat import format as format_date

from heurecivique.months import add_months, first_of_month, last_of_month, months_between

# The cockpit's aggregates go back this far (aggregates.KEPT_MONTHS): 3 years.
LONGEST_MONTHS = 36


@dataclass(frozen=True)
class Period:
    start: datetime.date  # the first day of its first month
    end: datetime.date  # the first day of its last month

    @classmethod
    def month(cls, day: datetime.date) -> "Period":
        return cls(first_of_month(day), first_of_month(day))

    @classmethod
    def quarter(cls, year: int, number: int) -> "Period":
        start = datetime.date(year, 3 * number - 2, 1)
        return cls(start, add_months(start, 2))

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 1))

    @classmethod
    def last_quarter(cls, today: datetime.date) -> "Period":
        """The last quarter ended before `today` (its report is sent at the next one's start)."""
        current = (today.month - 1) // 3 + 1
        year, number = (today.year, current - 1) if current > 1 else (today.year - 1, 4)
        return cls.quarter(year, number)

    @property
    def last_day(self) -> datetime.date:
        return last_of_month(self.end)

    @property
    def month_count(self) -> int:
        return months_between(self.start, self.end) + 1

    def months(self) -> list[datetime.date]:
        return [add_months(self.start, n) for n in range(self.month_count)]

    def before(self) -> "Period":
        """The period of the same length just before, to compare with."""
        return Period(add_months(self.start, -self.month_count), add_months(self.start, -1))

    def year_before(self) -> "Period":
        return Period(add_months(self.start, -12), add_months(self.end, -12))

    @property
    def label(self) -> str:
        """What the period is called after « pour » or in a title."""
        if self.month_count == 1:
            return format_date(self.start, "F Y")
        if self.month_count == 3 and self.start.month % 3 == 1:
            number = (self.start.month - 1) // 3 + 1
            return f"le {number}{'er' if number == 1 else 'e'} trimestre {self.start.year}"
        if self.month_count == 12 and self.start.month == 1:
            return f"l'année {self.start.year}"
        first = format_date(self.start, "F" if self.start.year == self.end.year else "F Y")
        return f"de {first} à {format_date(self.end, 'F Y')}"

    @property
    def slug(self) -> str:
        """For a file name: « 2026-07_2026-09 »."""
        return f"{self.start:%Y-%m}_{self.end:%Y-%m}"


class MonthField(forms.CharField):
    """A month typed « 2026-11 » (what a browser's month field sends) or « 11/2026 »."""

    default_error_messages = {
        "invalid": "Indiquez un mois sous la forme 11/2026.",
    }

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        if match := re.fullmatch(r"(\d{4})-(\d{1,2})", value):
            year, month = int(match[1]), int(match[2])
        elif match := re.fullmatch(r"(\d{1,2})\s*/\s*(\d{4})", value):
            month, year = int(match[1]), int(match[2])
        else:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if not (1 <= month <= 12 and 2000 <= year <= 2999):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return datetime.date(year, month, 1)


class PeriodForm(forms.Form):
    """From one month to another, both included."""

    start = MonthField(
        label="Du mois de", help_text="Par exemple 07/2026.", widget=forms.TextInput({"size": 8})
    )
    end = MonthField(
        label="au mois de (inclus)",
        help_text="Par exemple 09/2026.",
        widget=forms.TextInput({"size": 8}),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if not (start and end):
            return cleaned
        current = first_of_month(timezone.localdate())
        if start > end:
            raise forms.ValidationError(
                "Le premier mois est après le dernier : inversez-les.", code="reversed"
            )
        if end > current:
            raise forms.ValidationError(
                "Cette période n'est pas encore passée : choisissez un dernier mois qui ne "
                "soit pas après le mois en cours.",
                code="future",
            )
        if months_between(start, end) + 1 > LONGEST_MONTHS:
            raise forms.ValidationError(
                "Une période compte au plus 36 mois (3 ans) : raccourcissez-la.",
                code="too_long",
            )
        if months_between(start, current) >= LONGEST_MONTHS:
            raise forms.ValidationError(
                "Les chiffres sont gardés pour les 36 derniers mois : choisissez une période "
                "plus récente.",
                code="too_old",
            )
        cleaned["period"] = Period(start, end)
        return cleaned
