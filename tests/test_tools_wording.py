"""Placeholders of the documents' wording (tools/wording.py): plain functions, no database."""

from odoo.addons.account_dunning_fr.tools.wording import (
    PLACEHOLDERS,
    braced_words,
    fill_placeholders,
    unknown_placeholders,
)

VALUES = {
    "amount": "1 234,50 €",
    "deadline_days": "8",
    "deadline_date": "10/03/2026",
    "company": "Dupont",
    "customer": "Martin",
}


def test_every_placeholder_is_filled():
    text = " ".join(PLACEHOLDERS)
    assert fill_placeholders(text, VALUES) == "1 234,50 € 8 10/03/2026 Dupont Martin"


def test_stray_braces_and_unknown_placeholders_are_left_as_typed():
    text = "Pay {amount} {within} {{ or } else {"
    assert fill_placeholders(text, VALUES) == "Pay 1 234,50 € {within} {{ or } else {"


def test_missing_value_and_empty_text():
    assert fill_placeholders("To {customer}.", {}) == "To ."
    assert fill_placeholders(False, VALUES) == ""
    assert fill_placeholders(None, VALUES) == ""


def test_unknown_placeholders_in_order():
    assert braced_words("a {amount} b {amont} c {x") == ["amount", "amont"]
    assert unknown_placeholders("{amount} {amont} {Company} {deadline_days}") == [
        "{amont}",
        "{Company}",
    ]
    assert unknown_placeholders(False) == []
    assert unknown_placeholders("no braces") == []
