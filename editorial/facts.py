"""The facts visitors may correct, and how a typed value becomes a field value.

The parsers are shared by the correction form, by an editor accepting a correction
and by the CSV price import, so "$1,200", "1200" and "1200.00 USD" mean the same
everywhere. They raise ``ValueError`` with a sentence a visitor can act on.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from catalog import pricing

# ISO 4217 codes in use (2026).
_CURRENCY_TABLE = """
    AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR
    FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD
    JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD
    MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP
    PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC
    SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF
    XCD XCG XOF XPF YER ZAR ZMW ZWG
"""
CURRENCIES = frozenset(_CURRENCY_TABLE.split())
MAX_AMOUNT = Decimal("99999999.99")  # Certification.cost_amount: 10 digits, 2 decimals
NONE_WORDS = {"", "none", "no", "never", "not published", "unknown", "n/a", "-", "—"}
DATE_FORMATS = ["%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%d/%m/%Y"]


def parse_amount(text: str) -> Decimal | None:
    """ "250", "$1,200.50", "249.99 USD" → a Decimal; "" or "not published" → None."""
    cleaned = (text or "").strip()
    if cleaned.lower() in NONE_WORDS:
        return None
    cleaned = re.sub(r"^(?:[A-Za-z]{3}|US)?\s*[$€£]?\s*", "", cleaned)
    cleaned = re.sub(r"\s*(?:[A-Za-z]{3})?$", "", cleaned).replace(",", "").replace(" ", "")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"“{text}” is not a number: write it like 250 or 249.99.") from None
    if not amount.is_finite():
        raise ValueError(f"“{text}” is not a number: write it like 250 or 249.99.")
    if amount < 0:
        raise ValueError("A price cannot be negative.")
    if amount > MAX_AMOUNT:
        raise ValueError(f"{text} is more than any price we list.")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"“{text}” has more than two decimal places.")
    return amount.quantize(Decimal("0.01"))


def parse_currency(text: str) -> str:
    code = (text or "").strip().upper()
    if code not in CURRENCIES:
        shown = text.strip() if text and text.strip() else "(empty)"
        raise ValueError(
            f"Unknown currency “{shown}”: use a three-letter code such as USD, EUR or GBP."
        )
    return code


def parse_billing(text: str) -> str:
    wanted = (text or "").strip().lower()
    for billing in pricing.Billing:
        if wanted in {billing.value, pricing.BILLING_LABELS[billing].lower()}:
            return billing.value
    allowed = ", ".join(b.value for b in pricing.Billing)
    raise ValueError(f"Unknown billing “{text}”: use one of {allowed}.")


def parse_date_or_none(text: str) -> dt.date | None:
    cleaned = " ".join((text or "").replace(",", " ").split())
    if cleaned.lower() in NONE_WORDS:
        return None
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"“{text}” is not a date: write it like 2026-03-31 or 31 March 2026.")


def parse_count(text: str) -> int | None:
    """ "120", "120 minutes", "24 months" → 120 / 24; "" → None."""
    cleaned = (text or "").strip().lower()
    if cleaned in NONE_WORDS:
        return None
    match = re.fullmatch(r"(\d{1,5})\s*(?:minutes?|mins?|months?)?", cleaned)
    if not match or int(match[1]) == 0:
        raise ValueError(f"“{text}” is not a whole number above zero.")
    return int(match[1])


def text_of_length(max_length: int | None) -> Callable[[str], str]:
    def parse(text: str) -> str:
        cleaned = (text or "").strip()
        if max_length and len(cleaned) > max_length:
            raise ValueError(f"Keep it under {max_length} characters.")
        return cleaned

    return parse


def parse_url(text: str) -> str:
    cleaned = (text or "").strip()
    try:
        URLValidator(schemes=["https", "http"])(cleaned)
    except ValidationError:
        raise ValueError(f"“{text}” is not a web address (https://…).") from None
    return cleaned


def _count_display(unit: str) -> Callable:
    return lambda value: f"{value} {unit}" if value else "not published"


@dataclass(frozen=True)
class Fact:
    label: str
    parse: Callable[[str], object] | None  # None: not one field, an editor applies it by hand
    display: Callable[[object], str] = lambda value: str(value) if value else "not published"
    hint: str = ""


FACTS: dict[str, Fact] = {
    "cost_amount": Fact(
        "Price (amount)",
        parse_amount,
        lambda value: f"{value:,.2f}" if value is not None else "not published",
        "A number, like 250 or 249.99; the currency is its own fact.",
    ),
    "cost_currency": Fact("Currency", parse_currency, str, "A code such as USD, EUR or GBP."),
    "billing": Fact(
        "How it is billed",
        parse_billing,
        lambda value: pricing.BILLING_LABELS[pricing.Billing(value)],
        "Per exam attempt, monthly subscription, one-time purchase, tuition or free.",
    ),
    "retirement_date": Fact(
        "Retirement date (last day to sit the exam)",
        parse_date_or_none,
        lambda value: value.strftime("%-d %B %Y") if value else "none announced",
        "A date, like 2026-03-31; or “none” if the retirement was called off.",
    ),
    "exam_duration_minutes": Fact(
        "Exam length in minutes", parse_count, _count_display("minutes"), "A whole number."
    ),
    "question_count": Fact("Number of questions", text_of_length(40)),
    "passing_score": Fact("Passing score", text_of_length(200)),
    "validity_months": Fact(
        "Validity in months", parse_count, _count_display("months"), "A whole number."
    ),
    "languages": Fact("Languages", text_of_length(300)),
    "prerequisites": Fact("Prerequisites", text_of_length(2000)),
    "official_url": Fact("Official page", parse_url, str, "The provider's page, https://…"),
    "other": Fact("Something else", None, hint="Say what is wrong in the note."),
}
OTHER = "other"


def current_display(certification, field: str) -> str:
    """The value the site shows now, in the words of the correction form."""
    fact = FACTS[field]
    if fact.parse is None:
        return ""
    if field == "cost_amount":
        return certification.cost_display
    return fact.display(getattr(certification, field))


def parse(field: str, text: str):
    """The field value for a suggested text; ValueError says what is wrong with it."""
    fact = FACTS[field]
    if fact.parse is None:
        raise ValueError("This correction is not about one fact: apply it by hand.")
    value = fact.parse(text)
    if field in {"cost_currency", "billing", "official_url"} and value in (None, ""):
        raise ValueError("Give a value.")
    return value
