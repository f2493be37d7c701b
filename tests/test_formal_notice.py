"""Formal notices and firm letters that can be posted as they are, read from the rendered PDF
(wkhtmltopdf, pdftotext; whitespace normalised, so line wraps do not matter)."""

import html
import re
import subprocess
import tempfile
from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common import DunningCase

NOTICE = "account_dunning_fr.action_report_dunning_formal_notice"
LETTER = "account_dunning_fr.action_report_dunning_letter"


def normalise(text):
    """Entities unescaped, every run of whitespace (no-break spaces of French amounts
    included) as one space."""
    text = html.unescape(text or "").replace("\u202f", " ").replace("\xa0", " ")
    return re.sub(r"\s+", " ", text).strip()


def pdf_text(pdf):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(pdf)
        tmp.flush()
        out = subprocess.run(
            ["pdftotext", tmp.name, "-"], capture_output=True, text=True, check=True
        ).stdout
    return normalise(out)


def pdf_pages(pdf):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(pdf)
        tmp.flush()
        info = subprocess.run(
            ["pdfinfo", tmp.name], capture_output=True, text=True, check=True
        ).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def fr_amount(amount):
    return f"{amount:,.2f} €".replace(",", " ").replace(".", ",")


@tagged("post_install", "-at_install")
class TestFormalNotice(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.company.currency_id = cls.eur
        cls.env["ir.module.module"]._load_module_terms(
            ["account_dunning_fr"], ["fr_FR"], overwrite=True
        )
        cls.company.write(
            {
                "name": "Fournitures Dupont SAS",
                "street": "12 rue de la République",
                "zip": "69002",
                "city": "Lyon",
                "company_registry": "732829320",
                "dunning_signatory_name": "Claire Dupont",
            }
        )
        cls.company._dunning_set_default_wording()
        cls.env["res.partner.bank"].create(
            {
                "acc_number": "FR76 3000 6000 0112 3456 7890 189",
                "partner_id": cls.company.partner_id.id,
            }
        )
        cls.customer.write(
            {"lang": "fr_FR", "street": "3 place Gambetta", "zip": "33000", "city": "Bordeaux"}
        )
        cls.individual = cls.env["res.partner"].create(
            {
                "name": "Jeanne Morel",
                "email": "jeanne@morel.test",
                "street": "8 rue d'Antrain",
                "zip": "35000",
                "city": "Rennes",
                "lang": "fr_FR",
            }
        )
        cls.level_notice = cls.env["account.dunning.level"].create(
            {
                "policy_id": cls.policy.id,
                "sequence": 5,
                "name": "Mise en demeure",
                "delay_days": 45,
                "channel": "formal_notice",
                "payment_deadline_days": 15,
                "report_id": cls.env.ref(NOTICE).id,
            }
        )

    def _comm(self, level, invoices, when):
        """A communication of ``level`` about ``invoices`` as the run makes it on ``when``."""
        penalties = invoices._dunning_get_penalties(when)
        partner = invoices.commercial_partner_id
        return self.env["account.dunning.communication"].create(
            {
                "name": f"DUN/FN/{level.id}/{invoices[0].id}",
                "company_id": self.company.id,
                "date": when,
                "partner_id": partner.id,
                "recipient_id": partner.id,
                "level_id": level.id,
                "channel": level.channel,
                "currency_id": invoices[0].currency_id.id,
                "line_ids": [
                    Command.create(
                        {
                            "move_id": inv.id,
                            "move_name": inv.name,
                            "invoice_date": inv.invoice_date,
                            "date_due": inv.invoice_date_due,
                            "days_overdue": (when - inv.invoice_date_due).days,
                            "currency_id": inv.currency_id.id,
                            "amount_total": inv.amount_total,
                            "amount_due": inv.amount_residual,
                            "level_id": level.id,
                            "interest_amount": penalties.get(inv.id, {}).get("interest", 0.0),
                            "indemnity_amount": penalties.get(inv.id, {}).get("indemnity", 0.0),
                        }
                    )
                    for inv in invoices
                ],
            }
        )

    def _render(self, report_xmlid, comms):
        report = self.env.ref(report_xmlid)
        pdf, _type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report.report_name, comms.ids)
        )
        return pdf

    # -- no contradictory messages ----------------------------------------------------------

    def test_firm_documents_list_the_other_open_invoices_for_information(self):
        late, soon = self._invoices(
            [(self.customer, date(2026, 1, 31), 900.0), (self.customer, date(2026, 3, 5), 120.0)]
        )
        for level in (self.level_2, self.level_notice):
            comm = self._comm(level, late, date(2026, 3, 2))
            text = pdf_text(self._render(LETTER if level == self.level_2 else NOTICE, comm))
            self.assertIn(
                "Autres factures ouvertes, pour information (non réclamées par ce courrier)", text
            )
            self.assertIn(soon.name, text)
            self.assertIn("120,00 €", text)
        courtesy = self._comm(self.level_1, soon, date(2026, 3, 2))
        self.assertNotIn("Autres factures ouvertes", pdf_text(self._render(LETTER, courtesy)))
