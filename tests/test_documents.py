"""Documents: reminder letters, formal notices, statements of account, court dossiers and
emails, rendered for real (wkhtmltopdf, pdftotext) and read as the customer or the judge would."""

import html
import re
import subprocess
import tempfile
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import DunningCase

IBAN = "FR76 3000 6000 0112 3456 7890 189"


def _flat(text):
    """Whitespace of any kind (incl. the narrow no-break spaces of French amounts) as one space."""
    text = html.unescape(text)
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\xa0", " "))


@tagged("post_install", "-at_install")
class TestDocuments(DunningCase):
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
                "external_report_layout_id": cls.env.ref("web.external_layout_standard").id,
            }
        )
        cls.company._dunning_set_default_wording()
        cls.env["res.partner.bank"].create(
            {"acc_number": IBAN, "partner_id": cls.company.partner_id.id}
        )
        cls.customer.write(
            {
                "lang": "fr_FR",
                "street": "3 place Gambetta",
                "zip": "33000",
                "city": "Bordeaux",
                "company_registry": "55210055400012",
            }
        )
        cls.customer_2.write({"lang": "en_US", "city": "Nantes"})
        cls.individual = cls.env["res.partner"].create(
            {
                "name": "Jeanne Morel",
                "email": "jeanne@morel.test",
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
                "email_copy": True,
                "mail_template_id": cls.env.ref(
                    "account_dunning_fr.mail_template_dunning_formal_notice"
                ).id,
                "report_id": cls.env.ref(
                    "account_dunning_fr.action_report_dunning_formal_notice"
                ).id,
            }
        )

    # -- helpers ----------------------------------------------------------------------------

    def _comm(self, level, invoices, when, sent=False):
        """A communication of ``level`` about ``invoices`` as the run would make it on ``when``,
        with the invoices' penalties as of that date."""
        penalties = invoices._dunning_get_penalties(when)
        partner = invoices.commercial_partner_id
        comm = self.env["account.dunning.communication"].create(
            {
                "name": f"DUN/TEST/{level.id}/{invoices[0].id}",
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
        if sent:
            comm.write({"state": "sent", "sent_date": when})
        return comm

    def _pdf(self, report_xmlid, res_ids, data=None):
        report = self.env.ref(report_xmlid)
        pdf, _type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report.report_name, res_ids, data=data)
        )
        return pdf

    def _text(self, pdf):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
            tmp.write(pdf)
            tmp.flush()
            out = subprocess.run(
                ["pdftotext", "-layout", tmp.name, "-"], capture_output=True, text=True, check=True
            ).stdout
        return _flat(out)

    def _pages(self, pdf):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
            tmp.write(pdf)
            tmp.flush()
            info = subprocess.run(
                ["pdfinfo", tmp.name], capture_output=True, text=True, check=True
            ).stdout
        return int(re.search(r"Pages:\s+(\d+)", info).group(1))

    # -- reminder letters -------------------------------------------------------------------

    def test_courtesy_letter_in_english_with_payment_means(self):
        inv = self._invoices([(self.customer_2, date(2026, 3, 5), 1200.0)])
        comm = self._comm(self.level_courtesy, inv, date(2026, 3, 2))
        text = self._text(self._pdf("account_dunning_fr.action_report_dunning_letter", comm.ids))
        self.assertIn("Upcoming due dates", text)
        self.assertIn("will soon be due", text)
        self.assertIn(inv.name, text)
        self.assertIn("1,200.00", text)
        self.assertIn("03/05/2026", text, "the due date")
        self.assertIn(IBAN, text)
        self.assertIn(inv.payment_reference, text)
        self.assertNotIn("View and pay", text, "no on-line column on paper")
        self.assertIn(f"/dunning/pay/{comm.payment_code}", text, "one short payment link")
        self.assertIn("Fournitures Dupont SAS", text, "the company letterhead")
        self.assertIn("Garage Petit", text, "the recipient's address block")
        self.assertNotIn("formal notice", text.lower())
        self.assertTrue(inv.access_token, "the portal link carries the invoice's access token")

    def test_firm_letter_in_french_with_deadline_and_days_late(self):
        inv = self._invoices([(self.customer, date(2026, 1, 31), 1200.0)])
        comm = self._comm(self.level_2, inv, date(2026, 3, 2))
        self.assertEqual(self.level_2.wording_kind, "firm")
        text = self._text(self._pdf("account_dunning_fr.action_report_dunning_letter", comm.ids))
        self.assertIn("Dernière relance avant mise en demeure", text)
        self.assertIn("restent impayées", text)
        self.assertIn("1 200,00 €", text)
        self.assertIn("10/03/2026", text, "deadline: the date of the letter plus 8 days")
        self.assertIn(" 30 ", text, "30 days late")
        self.assertIn("Intérêts de retard courus", text)
        self.assertIn("salutations distinguées", text)
        self.assertIn("Claire Dupont", text, "the signatory")

    def test_first_reminder_tone(self):
        inv = self._invoices([(self.customer_2, date(2026, 2, 15), 500.0)])
        comm = self._comm(self.level_1, inv, date(2026, 3, 2))
        text = self._text(self._pdf("account_dunning_fr.action_report_dunning_letter", comm.ids))
        self.assertIn("Payment reminder", text)
        self.assertIn("probably an oversight", text)
        self.assertNotIn("Final reminder", text)

    def test_wording_comes_from_the_level_in_each_language(self):
        self.level_2.with_context(
            lang="en_US"
        ).letter_intro = "Pay {amount} to {company} by {deadline_date}, please."
        self.level_2.with_context(
            lang="fr_FR"
        ).letter_intro = "Merci de régler {amount} à {company} avant le {deadline_date}."
        inv_fr = self._invoices([(self.customer, date(2026, 1, 31), 300.0)])
        inv_en = self._invoices([(self.customer_2, date(2026, 1, 31), 400.0)])
        comms = self._comm(self.level_2, inv_fr, date(2026, 3, 2)) | self._comm(
            self.level_2, inv_en, date(2026, 3, 2)
        )
        values = comms._get_document_values()
        self.assertEqual(
            _flat(values[comms[0].id]["intro"]),
            "Merci de régler 300,00 € à Fournitures Dupont SAS avant le 10/03/2026.",
        )
        self.assertEqual(
            _flat(values[comms[1].id]["intro"]),
            "Pay 400.00 € to Fournitures Dupont SAS by 03/10/2026, please.",
        )
        text = self._text(self._pdf("account_dunning_fr.action_report_dunning_letter", comms.ids))
        self.assertIn("Merci de régler 300,00 €", text)
        self.assertIn("Pay 400.00 € to Fournitures Dupont SAS", text)
        with self.assertRaises(ValidationError):
            self.level_2.letter_intro = "Pay {amont} now"

    def test_reset_wording_writes_every_language(self):
        self.level_2.with_context(lang="fr_FR").letter_intro = "Texte libre"
        self.level_2.action_reset_wording()
        self.assertIn("restent impayées", self.level_2.with_context(lang="fr_FR").letter_intro)
        self.assertIn("remain unpaid", self.level_2.with_context(lang="en_US").letter_intro)

    # -- formal notice ----------------------------------------------------------------------

    def test_formal_notice_has_every_legal_element(self):
        inv_1, inv_2 = self._invoices(
            [
                (self.customer, date(2025, 12, 31), 15000.0),
                (self.customer, date(2026, 1, 15), 800.0),
            ]
        )
        notice = self._comm(self.level_notice, inv_1 | inv_2, date(2026, 3, 2))
        notice.registered_letter_number = "1A 234 567 8901 2"
        self.assertGreater(notice.amount_interest, 0)
        self.assertEqual(notice.amount_indemnity, 80.0)
        text = self._text(
            self._pdf("account_dunning_fr.action_report_dunning_formal_notice", notice.ids)
        )
        self.assertIn("Mise en demeure de payer", text)
        self.assertIn("LETTRE RECOMMANDÉE AVEC DEMANDE D'AVIS DE RÉCEPTION", text.upper())
        self.assertIn("1A 234 567 8901 2", text)
        # both parties with their SIREN
        self.assertIn("Créancier", text)
        self.assertIn("Débiteur", text)
        self.assertIn("SIREN : 732 829 320", text)
        self.assertIn("SIREN : 552 100 554", text)
        self.assertIn("Boulangerie Martin SARL", text)
        # invoices and breakdown with the legal basis
        self.assertIn(inv_1.name, text)
        self.assertIn(inv_2.name, text)
        self.assertIn("15 800,00 €", text, "the principal")
        interest = f"{notice.amount_interest:,.2f}".replace(",", " ").replace(".", ",")
        self.assertIn(f"{interest} €", text, "the late interest")
        self.assertIn("80,00 €", text, "two recovery indemnities")
        total = notice.amount_balance + notice.amount_interest + notice.amount_indemnity
        self.assertIn(f"{total:,.2f} €".replace(",", " ").replace(".", ","), text)
        for basis in ("L441-10", "D441-5", "1344"):
            self.assertIn(basis, text)
        # deadline, payment means, consequences, place, date and signature
        self.assertIn("15 jours", text)
        self.assertIn("20/03/2026", text, "15 days from receipt, 3 days after posting")
        self.assertIn(IBAN, text)
        self.assertIn("injonction de payer", text)
        self.assertIn("Lyon, 02/03/2026", text)
        self.assertIn("Claire Dupont", text)
        self.assertIn("Responsable du recouvrement", text)

    def test_formal_notice_to_a_consumer(self):
        inv = self._invoices([(self.individual, date(2026, 1, 31), 300.0)])
        notice = self._comm(self.level_notice, inv, date(2026, 3, 2))
        text = self._text(
            self._pdf("account_dunning_fr.action_report_dunning_formal_notice", notice.ids)
        )
        self.assertIn("Mise en demeure de payer", text)
        self.assertIn("1344-1", text)
        self.assertNotIn("D441-5", text, "no recovery indemnity for consumers")

    def test_company_wording_is_used(self):
        self.company.with_context(
            lang="fr_FR"
        ).dunning_notice_consequences = (
            "À défaut, le dossier sera confié à notre avocat, Maître Lenoir."
        )
        inv = self._invoices([(self.customer, date(2026, 1, 31), 300.0)])
        notice = self._comm(self.level_notice, inv, date(2026, 3, 2))
        text = self._text(
            self._pdf("account_dunning_fr.action_report_dunning_formal_notice", notice.ids)
        )
        self.assertIn("confié à notre avocat, Maître Lenoir", text)

    # -- statement of account ---------------------------------------------------------------

    def test_statement_of_account_with_ageing(self):
        old, mid, recent, future = self._invoices(
            [
                (self.customer, date(2025, 11, 15), 1000.0),  # invoiced 2025-10-16
                (self.customer, date(2026, 1, 20), 500.0),
                (self.customer, date(2026, 2, 20), 250.0),
                (self.customer, date(2026, 4, 1), 100.0),
            ]
        )
        self._pay(old, 400.0, date(2026, 1, 10))
        wizard = (
            self.env["account.dunning.statement.wizard"]
            .with_context(active_model="res.partner", active_ids=self.contact.ids)
            .create({"date_from": date(2026, 1, 1), "date_to": date(2026, 3, 2)})
        )
        self.assertEqual(wizard.partner_ids, self.customer, "contacts roll up to the company")
        action = wizard.action_print()
        self.assertEqual(action["report_name"], "account_dunning_fr.report_dunning_statement")
        report = self.env["report.account_dunning_fr.report_dunning_statement"]
        statement = report._get_statements(
            self.customer, self.company, date(2026, 1, 1), date(2026, 3, 2)
        )[self.customer.id]
        self.assertAlmostEqual(statement["opening"], 1500.0, msg="the two invoices of 2025")
        self.assertEqual(
            [e["move_name"] for e in statement["entries"]][-2:], [recent.name, future.name]
        )
        self.assertAlmostEqual(statement["closing"], 1500.0 - 400.0 + 250.0 + 100.0)
        self.assertEqual(statement["ageing"]["91_plus"], 600.0, "107 days late, partly paid")
        self.assertEqual(statement["ageing"]["31_60"], 500.0, "41 days late")
        self.assertEqual(statement["ageing"]["1_30"], 250.0)
        self.assertEqual(statement["ageing"]["not_due"], 100.0)
        self.assertAlmostEqual(statement["open_total"], 1450.0)
        text = self._text(
            self._pdf(
                "account_dunning_fr.action_report_dunning_statement",
                self.customer.ids,
                data=action["data"],
            )
        )
        self.assertIn("Relevé de compte", text)
        self.assertIn("Solde d'ouverture", text)
        self.assertIn("1 450,00 €", text)
        self.assertIn("Plus de 90", text)
        self.assertIn("Non", text)
        for inv in (mid, recent, future):
            self.assertIn(inv.name, text)

    def test_statement_as_of_a_past_date_ignores_later_payments(self):
        inv = self._invoices([(self.customer_2, date(2026, 1, 31), 900.0)])
        self._pay(inv, 900.0, date(2026, 2, 20))
        report = self.env["report.account_dunning_fr.report_dunning_statement"]
        before = report._get_statements(
            self.customer_2, self.company, date(2026, 1, 1), date(2026, 2, 15)
        )[self.customer_2.id]
        after = report._get_statements(
            self.customer_2, self.company, date(2026, 1, 1), date(2026, 2, 28)
        )[self.customer_2.id]
        self.assertEqual(before["open_total"], 900.0)
        self.assertEqual(before["ageing"]["1_30"], 900.0)
        self.assertFalse(after["open_items"])
        self.assertEqual(after["closing"], 0.0)
        with self.assertRaises(ValidationError):
            self.env["account.dunning.statement.wizard"].create(
                {
                    "partner_ids": self.customer_2.ids,
                    "date_from": date(2026, 3, 1),
                    "date_to": date(2026, 2, 1),
                }
            )

    # -- court dossier ----------------------------------------------------------------------

    def test_court_dossier_for_a_professional(self):
        self.env.user.lang = "fr_FR"
        inv = self._invoices([(self.customer, date(2025, 12, 31), 6000.0)])
        self._comm(self.level_1, inv, date(2026, 1, 12), sent=True)
        notice = self._comm(self.level_notice, inv, date(2026, 2, 16), sent=True)
        notice.write(
            {"registered_letter_number": "1A 999 888 7776 5", "receipt_date": date(2026, 2, 18)}
        )
        with freeze_time("2026-03-02"):
            pdf = self._pdf(
                "account_dunning_fr.action_report_dunning_court_dossier", self.customer.ids
            )
        text = self._text(pdf)
        self.assertIn("injonction de payer", text)
        self.assertIn("Tribunal de commerce", text)
        self.assertIn("Bordeaux", text)
        self.assertIn("12946", text)
        self.assertIn("SIREN : 732 829 320", text)
        self.assertIn("SIREN : 552 100 554", text)
        self.assertIn(inv.name, text)
        self.assertIn("6 000,00 €", text)
        self.assertIn("40,00 €", text, "the recovery indemnity")
        self.assertIn("1A 999 888 7776 5", text, "the registered letter number")
        self.assertIn("18/02/2026", text, "the date of the proof of receipt")
        self.assertIn("12/01/2026", text, "the first reminder in the history")
        self.assertIn("Accusé de réception", text, "listed among the supporting documents")
        self.assertIn("Conditions générales de vente", text)

    def test_court_dossier_for_a_consumer_and_without_claim(self):
        self.env.user.lang = "fr_FR"
        inv = self._invoices([(self.individual, date(2026, 1, 31), 300.0)])
        self._comm(self.level_notice, inv, date(2026, 2, 16), sent=True)
        with freeze_time("2026-03-02"):
            text = self._text(
                self._pdf(
                    "account_dunning_fr.action_report_dunning_court_dossier", self.individual.ids
                )
            )
            self.assertIn("Tribunal judiciaire", text)
            self.assertIn("12948", text)
            self.assertIn("procédure simplifiée", text, "a claim under 5,000 EUR")
            self.assertNotIn("D441-5", text)
            with self.assertRaises(UserError):
                self.env.ref(
                    "account_dunning_fr.action_report_dunning_court_dossier"
                )._render_qweb_html(
                    "account_dunning_fr.report_dunning_court_dossier", self.customer_2.ids
                )

    # -- emails and batch printing ----------------------------------------------------------

    def test_emails_in_the_customers_language_with_the_pdf(self):
        self.level_courtesy.mail_template_id = self.env.ref(
            "account_dunning_fr.mail_template_dunning_courtesy"
        )
        self.level_1.mail_template_id = self.env.ref(
            "account_dunning_fr.mail_template_dunning_reminder"
        )
        inv_fr = self._invoices([(self.customer, date(2026, 2, 15), 1234.5)])
        inv_en = self._invoices([(self.customer_2, date(2026, 2, 15), 99.0)])
        comms = self._run(date(2026, 3, 2)).with_context(force_report_rendering=True)
        self.assertEqual(len(comms), 2)
        comm_fr = self._comm_of(comms, inv_fr)
        comm_en = self._comm_of(comms, inv_en)
        for comm in comms:
            self.assertEqual(comm.state, "sent")
        body_fr = _flat(comm_fr.mail_message_id.body)
        body_en = _flat(comm_en.mail_message_id.body)
        self.assertIn("Madame, Monsieur", body_fr)
        self.assertIn("1 234,50 €", body_fr)
        self.assertIn("restent impayées", body_fr)
        self.assertIn("relance de paiement", comm_fr.mail_message_id.subject)
        self.assertIn("Dear Garage Petit", body_en)
        self.assertIn("99.00 €", body_en)
        self.assertIn("remain unpaid", body_en)
        self.assertIn("/my/invoices/", body_en, "the portal link")
        self.assertIn(IBAN, body_en)
        for comm, inv in ((comm_fr, inv_fr), (comm_en, inv_en)):
            attachment = comm.mail_message_id.attachment_ids
            self.assertEqual(attachment, comm.attachment_id)
            self.assertEqual(attachment.mimetype, "application/pdf")
            self.assertIn(inv.name, self._text(attachment.raw))
        self.assertIn("Relance de paiement", self._text(comm_fr.attachment_id.raw))

    def test_formal_notice_waits_for_posting_and_emails_a_copy(self):
        inv = self._invoices([(self.customer, date(2026, 1, 10), 700.0)])
        notice = self._comm(self.level_notice, inv, date(2026, 3, 2))
        notice.with_context(force_report_rendering=True).action_validate()
        self.assertEqual(notice.state, "to_send", "waits to be posted by registered letter")
        self.assertIn("Mise en demeure de payer", self._text(notice.attachment_id.raw))
        self.assertTrue(notice.mail_message_id, "a copy went by email")
        self.assertIn("mise en demeure", notice.mail_message_id.subject.lower())
        self.assertIn("recommandé", _flat(notice.mail_message_id.body))
        self.assertEqual(notice.mail_message_id.attachment_ids, notice.attachment_id)
        self._mark_posted(notice)
        self.assertEqual(notice.state, "sent")

    def test_batch_printing_gives_one_pdf(self):
        invoices = self._invoices(
            [
                (partner, date(2026, 1, 31), 100.0 * (i + 1))
                for i, partner in enumerate([self.customer, self.customer_2, self.individual])
            ]
        )
        letters = self.env["account.dunning.communication"]
        for inv in invoices:
            letters |= self._comm(self.level_2, inv, date(2026, 3, 2))
        action = letters.action_print()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["context"]["active_ids"], letters.ids)
        pdf = self._pdf("account_dunning_fr.action_report_dunning_letter", letters.ids)
        self.assertGreaterEqual(self._pages(pdf), 3)
        text = self._text(pdf)
        for letter in letters:
            self.assertIn(letter.name, text)
        notice = self._comm(self.level_notice, invoices[0], date(2026, 3, 2))
        action = (letters | notice).with_context(force_report_rendering=True).action_print()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        merged = attachment.raw
        self.assertGreaterEqual(self._pages(merged), 4)
        self.assertIn("Mise en demeure de payer", self._text(merged))
