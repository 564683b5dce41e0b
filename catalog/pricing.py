"""Cost wording and cost maths, free of Django.

An unknown amount is never zero: it reads "not published" and has no total.
"""

from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

DEFAULT_SUBSCRIPTION_MONTHS = 3

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


class Billing(StrEnum):
    PER_ATTEMPT = "per-attempt"
    PER_MONTH = "per-month"
    ONE_TIME = "one-time"
    TUITION = "tuition"
    FREE = "free"
    UNKNOWN = "unknown"


BILLING_LABELS = {
    Billing.PER_ATTEMPT: "Per exam attempt",
    Billing.PER_MONTH: "Monthly subscription",
    Billing.ONE_TIME: "One-time purchase",
    Billing.TUITION: "Tuition",
    Billing.FREE: "Free",
    Billing.UNKNOWN: "Not published",
}

_SUFFIXES = {
    Billing.PER_ATTEMPT: " per attempt",
    Billing.PER_MONTH: " / month",
    Billing.ONE_TIME: " one-time",
    Billing.TUITION: " tuition",
}


def format_money(amount: Decimal, currency: str) -> str:
    """ "$200", "$49.50", "CHF 120": whole amounts drop their cents."""
    whole = amount == amount.to_integral_value()
    number = f"{amount:,.0f}" if whole else f"{amount:,.2f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{currency} {number}"


def format_cost(
    *,
    amount: Decimal | None,
    currency: str,
    billing: str,
    approximate: bool = False,
) -> str:
    """The cost as a visitor reads it: "$200 per attempt", "~$49 / month"."""
    billing = Billing(billing)
    if billing is Billing.FREE:
        return "Free"
    if amount is None:
        if billing in (Billing.PER_MONTH,):
            return "not published (monthly subscription)"
        if billing is Billing.TUITION:
            return "not published (tuition)"
        return "not published"
    prefix = "~" if approximate else ""
    return f"{prefix}{format_money(amount, currency)}{_SUFFIXES.get(billing, '')}"


def estimated_total(
    *,
    amount: Decimal | None,
    billing: str,
    typical_months: int | None = None,
) -> Decimal | None:
    """What a visitor can expect to pay in all, or None when it is not known.

    A subscription costs its monthly price times the months people typically
    take; every other billing model costs its stated amount.
    """
    billing = Billing(billing)
    if billing is Billing.FREE:
        return Decimal(0)
    if amount is None:
        return None
    if billing is Billing.PER_MONTH:
        months = typical_months or DEFAULT_SUBSCRIPTION_MONTHS
        return (amount * months).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return amount
