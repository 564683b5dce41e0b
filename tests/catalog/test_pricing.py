from decimal import Decimal

import pytest

from catalog.pricing import estimated_total, format_cost, format_money


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"amount": Decimal("200"), "billing": "per-attempt"}, "$200 per attempt"),
        ({"amount": Decimal("49"), "billing": "per-month", "approximate": True}, "~$49 / month"),
        ({"amount": Decimal("4700"), "billing": "tuition"}, "$4,700 tuition"),
        ({"amount": Decimal("49.50"), "billing": "one-time"}, "$49.50 one-time"),
        ({"amount": None, "billing": "unknown"}, "not published"),
        ({"amount": None, "billing": "per-attempt"}, "not published"),
        ({"amount": None, "billing": "per-month"}, "not published (monthly subscription)"),
        ({"amount": None, "billing": "free"}, "Free"),
    ],
)
def test_cost_reads_as_a_visitor_expects(kwargs, expected):
    assert format_cost(currency="USD", **kwargs) == expected


def test_unknown_cost_is_never_zero():
    assert format_cost(amount=None, currency="USD", billing="unknown") != "$0"
    assert estimated_total(amount=None, billing="unknown") is None
    assert estimated_total(amount=None, billing="per-month", typical_months=3) is None


def test_other_currencies_keep_their_code():
    assert format_money(Decimal("120"), "CHF") == "CHF 120"
    assert format_money(Decimal("99"), "EUR") == "€99"


def test_subscription_total_is_monthly_price_times_typical_months():
    assert estimated_total(amount=Decimal("49"), billing="per-month", typical_months=4) == Decimal(
        "196.00"
    )


def test_subscription_total_defaults_to_three_months():
    assert estimated_total(amount=Decimal("49"), billing="per-month") == Decimal("147.00")


def test_one_off_costs_total_their_amount():
    assert estimated_total(amount=Decimal("300"), billing="per-attempt") == Decimal("300")
    assert estimated_total(amount=None, billing="free") == Decimal(0)


def test_unknown_billing_value_is_rejected():
    with pytest.raises(ValueError):
        format_cost(amount=Decimal(1), currency="USD", billing="per-fortnight")
