"""Formal notices and firm letters that can be posted as they are, read from the rendered PDF
(wkhtmltopdf, pdftotext; whitespace normalised, so line wraps do not matter)."""

import html
import re
import subprocess
import tempfile
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

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
            ["pdftotext", "-layout", tmp.name, "-"], capture_output=True, text=True, check=True
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
        # made by the system only (sudo), as the run makes them
        comm = (
            self.env["account.dunning.communication"]
            .sudo()
            .create(
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
        )
        return comm.sudo(False)

    def _render(self, report_xmlid, comms):
        report = self.env.ref(report_xmlid)
        pdf, _type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report.report_name, comms.ids)
        )
        return pdf

    # -- address window ---------------------------------------------------------------------

    def test_address_window_uses_the_company_address_when_the_contact_has_none(self):
        accounting = self.env["res.partner"].create(
            {
                "name": "Service comptabilité",
                "type": "invoice",
                "parent_id": self.customer.id,
                "email": "factures@martin.test",
                "street": False,
                "city": False,
                "zip": False,
            }
        )
        inv = self._invoices([(self.customer, date(2026, 1, 10), 700.0)])
        for level, report in ((self.level_2, LETTER), (self.level_notice, NOTICE)):
            comm = self._comm(level, inv, date(2026, 3, 2))
            comm.recipient_id = accounting
            self.assertEqual(comm._get_document_values()[comm.id]["address_partner"], self.customer)
            text = pdf_text(self._render(report, comm))
            self.assertIn("Boulangerie Martin SARL 3 place Gambetta", text, "a full address")

    def test_no_registered_letter_without_a_street(self):
        self.customer.write({"street": False})
        inv = self._invoices([(self.customer, date(2026, 1, 10), 700.0)])
        notice = self._comm(self.level_notice, inv, date(2026, 3, 2))
        with self.assertRaisesRegex(
            UserError, "Boulangerie Martin SARL n'a pas d'adresse postale complète"
        ):
            notice.with_context(lang="fr_FR").action_validate()
        self.assertEqual(notice.state, "draft")
        # a letter level of the daily run that sends itself: flagged, it waits for the address
        self.level_2.auto_send = True
        inv.dunning_level_override_id = self.level_2
        notice.unlink()
        letter = self._run(date(2026, 3, 2))
        self.assertEqual(letter.state, "draft")
        self.assertTrue(letter.address_missing)
        # validated before the address was removed: it fails when sent, with the reason
        self.customer.street = "3 place Gambetta"
        letter.write({"state": "to_send"})
        self.customer.street = False
        letter._send()
        self.assertEqual(letter.state, "failed")
        self.assertIn(
            "Boulangerie Martin SARL has no complete postal address", letter.failure_reason
        )

    def test_formal_notice_needs_a_signatory(self):
        self.company.dunning_signatory_name = False
        inv = self._invoices([(self.customer, date(2026, 1, 10), 700.0)])
        notice = self._comm(self.level_notice, inv, date(2026, 3, 2))
        with self.assertRaisesRegex(UserError, "Saisissez le signataire de Fournitures Dupont"):
            notice.with_context(lang="fr_FR").action_validate()
        self.assertEqual(notice.state, "draft")
        letter = self._comm(self.level_2, inv, date(2026, 3, 2))
        with freeze_time("2026-03-02"):
            letter.with_context(force_report_rendering=True).action_validate()
        self.assertEqual(letter.state, "to_send", "a simple letter may go unsigned")

    # -- what the formal notice says ----------------------------------------------------------

    def test_deadline_counted_from_receipt_and_total_claimed(self):
        inv_1, inv_2 = self._invoices(
            [
                (self.customer, date(2025, 12, 31), 15000.0),
                (self.customer, date(2026, 1, 15), 800.0),
            ]
        )
        notice = self._comm(self.level_notice, inv_1 | inv_2, date(2026, 3, 2))
        self.assertEqual(self.company.dunning_posting_delay_days, 3, "3 days by default")
        text = pdf_text(self._render(NOTICE, notice))
        self.assertIn("15 jours à compter de la réception", text)
        self.assertIn("20/03/2026", text, "02/03 + 3 days to arrive + 15 days")
        self.assertNotIn("17/03/2026", text, "never counted from the date of the letter")
        self.assertNotRegex(text, r"au plus tard[^.]*au plus tard")
        total = notice.amount_balance + notice.amount_interest + notice.amount_indemnity
        self.assertGreater(notice.amount_interest, 0)
        self.assertIn(f"Total réclamé {fr_amount(total)}", text)
        self.assertIn(f"la somme de {fr_amount(total)}", text, "the letter demands the total")
        self.assertNotIn(f"la somme de {fr_amount(notice.amount_balance)}", text)
        self.company.dunning_posting_delay_days = 8
        self.assertIn("25/03/2026", pdf_text(self._render(NOTICE, notice)))

    def test_article_1344_once_and_one_short_payment_link(self):
        inv = self._invoices([(self.customer, date(2026, 1, 10), 700.0)])
        notice = self._comm(self.level_notice, inv, date(2026, 3, 2))
        text = pdf_text(self._render(NOTICE, notice))
        self.assertEqual(len(re.findall(r"article 1344(?!-)", text)), 1, text)
        self.assertNotIn("Consulter et payer", text, "no on-line column on paper")
        self.assertTrue(notice.payment_code)
        self.assertIn(f"/dunning/pay/{notice.payment_code}", text)
        self.assertIn("En ligne", text)

    def test_the_invoices_said_enclosed_are_enclosed(self):
        inv_1, inv_2 = self._invoices(
            [(self.customer, date(2026, 1, 10), 700.0), (self.customer, date(2026, 1, 20), 90.0)]
        )
        notice = self._comm(self.level_notice, inv_1 | inv_2, date(2026, 3, 2))
        letter = self._comm(self.level_2, inv_1 | inv_2, date(2026, 3, 2))
        notice_pdf = self._render(NOTICE, notice)
        text = pdf_text(notice_pdf)
        self.assertIn("Pièces jointes : copies des factures impayées.", text)
        self.assertGreaterEqual(
            pdf_pages(notice_pdf), pdf_pages(self._render(LETTER, letter)) + 2, "one per invoice"
        )
        for inv in (inv_1, inv_2):
            self.assertRegex(text, rf"(Facture|Invoice) {inv.name}", "the invoice's own PDF")
        # the PDF stored to be printed and posted, and emailed as a copy, encloses them too
        with freeze_time("2026-03-02"):
            notice.with_context(force_report_rendering=True).action_validate()
        self.assertRegex(pdf_text(notice.attachment_id.raw), rf"(Facture|Invoice) {inv_2.name}")

    def test_consumer_notice_states_only_what_a_consumer_owes(self):
        inv = self._invoices([(self.individual, date(2026, 1, 31), 300.0)])
        notice = self._comm(self.level_notice, inv, date(2026, 3, 2))
        text = pdf_text(self._render(NOTICE, notice))
        self.assertIn("Mise en demeure de payer", text)
        self.assertIn("1344-1", text)
        self.assertNotIn("indemnit", text.lower(), "no indemnity, not even in the consequences")
        self.assertIn("intérêts au taux légal", text)
        total = notice.amount_balance + notice.amount_interest
        self.assertIn(f"Total réclamé {fr_amount(total)}", text)
        self.assertIn(f"la somme de {fr_amount(total)}", text)

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


@tagged("post_install", "-at_install")
class TestPaymentLink(DunningCase, HttpCase):
    def test_short_link_leads_to_the_first_open_invoice(self):
        inv_1, inv_2 = self._invoices(
            [(self.customer, date(2026, 1, 10), 700.0), (self.customer, date(2026, 1, 20), 90.0)]
        )
        inv_2.dunning_level_override_id = self.level_2
        inv_1.dunning_level_override_id = self.level_2
        letter = self._run(date(2026, 3, 2))
        values = letter._get_document_values()[letter.id]
        self.assertTrue(values["payment_url"].endswith(f"/dunning/pay/{letter.payment_code}"))
        response = self.url_open(f"/dunning/pay/{letter.payment_code}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn(
            f"/my/invoices/{inv_1.id}?access_token={inv_1.access_token}",
            response.headers["Location"],
        )
        self._pay(inv_1, 700.0, date(2026, 3, 3))
        response = self.url_open(f"/dunning/pay/{letter.payment_code}", allow_redirects=False)
        self.assertIn(f"/my/invoices/{inv_2.id}?", response.headers["Location"], "still to pay")
        self.assertEqual(self.url_open("/dunning/pay/nothing-here").status_code, 404)
