"""French company identifiers and legal forms (tools/identifiers.py, tools/legal_forms.py):
plain functions, no database."""

import pytest

from odoo.addons.account_dunning_fr.tools.identifiers import format_siren, registration_numbers
from odoo.addons.account_dunning_fr.tools.legal_forms import (
    COMMERCIAL_COURT,
    JUDICIAL_COURT,
    LEGAL_FORM_SELECTION,
    court_kind,
)


@pytest.mark.parametrize(
    ("siret", "registry", "expected"),
    [
        ("732 829 320 00074", "", ("732829320", "73282932000074", "")),
        ("73282932000074", "RCS Lyon", ("732829320", "73282932000074", "RCSLyon")),
        (False, "732 829 320", ("732829320", "", "732829320")),
        (None, "732 829 320 00074", ("732829320", "73282932000074", "73282932000074")),
        ("", "HRB 12345", ("", "", "HRB12345")),
        ("12345", False, ("", "12345", "")),
        ("", "1234567890", ("", "", "1234567890")),
    ],
)
def test_siren_from_the_siret_or_the_company_id(siret, registry, expected):
    assert registration_numbers(siret, registry) == expected


def test_siren_printed_in_groups_of_three():
    assert format_siren("732829320") == "732 829 320"


@pytest.mark.parametrize(
    ("legal_form", "consumer", "court"),
    [
        ("sas", False, COMMERCIAL_COURT),
        ("ei_trader", False, COMMERCIAL_COURT),
        ("sci", False, JUDICIAL_COURT),
        ("selarl", False, JUDICIAL_COURT),
        ("association", False, JUDICIAL_COURT),
        ("sas", True, JUDICIAL_COURT),
        (False, True, JUDICIAL_COURT),
        (False, False, None),
        ("unknown", False, None),
    ],
)
def test_court_of_a_legal_form(legal_form, consumer, court):
    assert court_kind(legal_form, consumer) == court


def test_every_legal_form_has_a_label_and_a_court():
    codes = [code for code, _label in LEGAL_FORM_SELECTION]
    assert len(codes) == len(set(codes))
    for code in codes:
        assert court_kind(code) in (COMMERCIAL_COURT, JUDICIAL_COURT)
