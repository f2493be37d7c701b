# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
"""Common French legal forms and the court that hears an order for payment against each.

The tribunal de commerce hears claims against traders, artisans and commercial companies (C.
com. L721-3); the tribunal judiciaire hears the others: liberal professions, associations,
farmers, civil companies (SCI, SCP, SCM...) and the sociétés d'exercice libéral, whose disputes
the civil courts hear alone (C. com. L721-5). Labels are the French legal names, in every
language. Without ``env``."""

COMMERCIAL_COURT = "commercial"
JUDICIAL_COURT = "judicial"

# (code, label, court)
LEGAL_FORMS = [
    ("sas", "SAS (société par actions simplifiée)", COMMERCIAL_COURT),
    ("sasu", "SASU (société par actions simplifiée unipersonnelle)", COMMERCIAL_COURT),
    ("sarl", "SARL (société à responsabilité limitée)", COMMERCIAL_COURT),
    ("eurl", "EURL (entreprise unipersonnelle à responsabilité limitée)", COMMERCIAL_COURT),
    ("sa", "SA (société anonyme)", COMMERCIAL_COURT),
    ("snc", "SNC (société en nom collectif)", COMMERCIAL_COURT),
    ("scs", "SCS (société en commandite simple)", COMMERCIAL_COURT),
    ("sca", "SCA (société en commandite par actions)", COMMERCIAL_COURT),
    ("ei_trader", "EI (entrepreneur individuel commerçant ou artisan)", COMMERCIAL_COURT),
    ("ei_liberal", "EI (entrepreneur individuel, profession libérale)", JUDICIAL_COURT),
    ("farmer", "Exploitant agricole (individuel, GAEC, EARL)", JUDICIAL_COURT),
    ("sci", "SCI (société civile immobilière)", JUDICIAL_COURT),
    ("scp", "SCP (société civile professionnelle)", JUDICIAL_COURT),
    ("scm", "SCM (société civile de moyens)", JUDICIAL_COURT),
    ("sc", "Société civile (autre)", JUDICIAL_COURT),
    ("selarl", "SELARL (société d'exercice libéral à responsabilité limitée)", JUDICIAL_COURT),
    ("selas", "SELAS (société d'exercice libéral par actions simplifiée)", JUDICIAL_COURT),
    ("association", "Association (loi de 1901)", JUDICIAL_COURT),
]
LEGAL_FORM_SELECTION = [(code, label) for code, label, _court in LEGAL_FORMS]
COURT_OF_LEGAL_FORM = {code: court for code, _label, court in LEGAL_FORMS}


def court_kind(legal_form, consumer=False):
    """``COMMERCIAL_COURT`` or ``JUDICIAL_COURT`` for a debtor of ``legal_form``; a consumer
    always goes to the tribunal judiciaire; None when the legal form is unknown: the caller must
    ask for it rather than guess."""
    if consumer:
        return JUDICIAL_COURT
    return COURT_OF_LEGAL_FORM.get(legal_form)
