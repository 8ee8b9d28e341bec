"""Form fields that never fail on odd input: every problem becomes a plain error message."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovTextInput
from wtforms import Field, StringField
from wtforms.validators import StopValidation

_TIME = re.compile(r"([0-9]{1,2})(?:[:.]([0-9]{2}))?\s*(am|pm|a\.m\.|p\.m\.)?", re.IGNORECASE)
_DIGITS = re.compile(r"[0-9]+")


class _PlainRequired(Field):
    """`required_message` shown when nothing was typed, unless a clearer error is already
    there (WTForms' DataRequired would replace that error with its own)."""

    #: What the field holds (a date, a time, a number) or None; each subclass decides.
    data: Any

    def __init__(
        self,
        label=None,
        validators=None,
        *,
        required_message: str | None = None,
        called: str | None = None,
        **kw,
    ):
        super().__init__(label, validators, **kw)
        self.required_message = required_message
        #: How error messages name the field when its label is not a noun ("Day 1 starts
        #: at" reads "The time day 1 starts must be a real time").
        self.called = called or self.label.text

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
        if self.data is None and self.required_message:
            raise StopValidation(self.required_message)


class DayMonthYearField(_PlainRequired, Field):
    """A GOV.UK date input (day, month, year boxes) that turns any input into a date or an
    error. Missing or extra parts are an error, not a crash (GovDateInput needs three)."""

    widget = GovDateInput()

    def _value(self):
        return self.data.strftime("%d %m %Y") if self.data else ""

    def process_formdata(self, valuelist):
        parts = [str(part).strip() for part in valuelist][:3]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        self.data = None
        if not any(parts):
            return
        label = self.called
        if not all(parts):
            missing = [
                name for name, part in zip(("day", "month", "year"), parts, strict=True) if not part
            ]
            raise ValueError(f"{label} must include a {' and '.join(missing)}")
        if not all(_DIGITS.fullmatch(part) for part in parts):
            raise ValueError(f"{label} must be a real date, using numbers, for example 27 3 2026")
        day, month, year = (int(part) for part in parts)
        if len(parts[2]) != 4:
            raise ValueError(f"{label} must have a year with 4 numbers, for example 2026")
        try:
            self.data = date(year, month, day)
        except (ValueError, OverflowError):
            raise ValueError(f"{label} must be a real date, for example 27 3 2026") from None


class ClockTimeField(_PlainRequired, StringField):
    """A time of day typed as 9:30, 09:30, 9.30am or 2pm."""

    widget = GovTextInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data:%H:%M}" if isinstance(self.data, time) else ""

    def process_formdata(self, valuelist):
        text = str(valuelist[0]).strip() if valuelist else ""
        self.data = None
        if not text:
            return
        match = _TIME.fullmatch(text)
        if not match:
            raise ValueError(f"{self.called} must be a time, like 9:30am or 14:00")
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        suffix = (match.group(3) or "").replace(".", "").lower()
        if suffix:
            if not 1 <= hour <= 12:
                raise ValueError(f"{self.called} must be a real time, like 9:30am")
            hour = hour % 12 + (12 if suffix == "pm" else 0)
        if hour > 23 or minute > 59:
            raise ValueError(f"{self.called} must be a real time, like 14:00")
        self.data = time(hour, minute)


class WholeNumberField(_PlainRequired, StringField):
    """A whole number typed in a text box (GOV.UK advises against type=number)."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, **kw):
        kw.setdefault("render_kw", {"inputmode": "numeric", "spellcheck": "false"})
        super().__init__(label, validators, **kw)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist):
        text = str(valuelist[0]).strip().replace(",", "") if valuelist else ""
        self.data = None
        if not text:
            return
        if not _DIGITS.fullmatch(text) or len(text) > 6:
            raise ValueError(f"{self.called} must be a whole number, like 20")
        self.data = int(text)


def add_problems(form, problems) -> None:
    """Show a service's Problems against the form's fields (or the first field)."""
    first = next(name for name in form._fields if name != "csrf_token")
    for name, message in problems:
        target = form._fields.get(name or "") or form._fields[first]
        target.errors = [*target.errors, message]
    form._errors = None
