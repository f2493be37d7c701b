"""Documents: reminder letters, formal notices, statements of account, court dossiers and
emails, rendered for real (wkhtmltopdf, pdftotext) and read as the customer or the judge would."""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .document_common import COURT_DOSSIER, FORMAL_NOTICE, IBAN, LETTER, STATEMENT, DocumentsCase
from .documents import normalise, paperformat_options, pdf_from_bytes


@tagged("post_install", "-at_install")
class TestDocuments(DocumentsCase):
    def _pdf(self, report, res_ids, data=None):
        """The document as the customer gets it, after the layout checks."""
        pdf = self.render(report, res_ids, data=data)
        self.assertLayoutOk(pdf)
        return pdf

    def _read(self, raw, report):
        """A PDF made by the addon (attachment, merged batch) of ``report``'s paper format,
        after the layout checks."""
        pdf = pdf_from_bytes(raw, **paperformat_options(self.env.ref(report)))
        self.assertLayoutOk(pdf)
        return pdf

    # -- reminder letters -------------------------------------------------------------------

    def test_courtesy_letter_in_english_with_payment_means(self):
        inv = self._invoices([(self.customer_2, date(2026, 3, 5), 1200.0)])
        comm = self._comm(self.level_courtesy, inv, date(2026, 3, 2))
        pdf = self._pdf(LETTER, comm.ids)
        self.assertPdfContains(pdf, "Upcoming due dates")
        self.assertPdfContains(pdf, "will soon be due")
        self.assertPdfContains(pdf, inv.name)
        self.assertPdfContains(pdf, "1,200.00")
        self.assertPdfContains(pdf, "03/05/2026", "the due date")
        self.assertPdfContains(pdf, IBAN)
        self.assertPdfContains(pdf, inv.payment_reference)
        self.assertPdfNotContains(pdf, "View and pay", "no on-line column on paper")
        self.assertPdfContains(pdf, f"/dunning/pay/{comm.payment_code}", "one short payment link")
        self.assertPdfContains(pdf, "Fournitures Dupont SAS", "the company letterhead")
        self.assertPdfContains(pdf, "Garage Petit", "the recipient's address block")
        self.assertNotIn("formal notice", pdf.text.lower())
        self.assertTrue(inv.access_token, "the portal link carries the invoice's access token")

    def test_firm_letter_in_french_with_deadline_and_days_late(self):
        inv = self._invoices([(self.customer, date(2026, 1, 31), 1200.0)])
        comm = self._comm(self.level_2, inv, date(2026, 3, 2))
        self.assertEqual(self.level_2.wording_kind, "firm")
        pdf = self._pdf(LETTER, comm.ids)
        self.assertPdfContains(pdf, "Dernière relance avant mise en demeure")
        self.assertPdfContains(pdf, "restent impayées")
        self.assertPdfContains(pdf, "1 200,00 €")
        self.assertPdfContains(pdf, "10/03/2026", "deadline: the date of the letter plus 8 days")
        self.assertTrue(pdf.has_word("30"), "30 days late")
        self.assertPdfContains(pdf, "Intérêts de retard courus")
        self.assertPdfContains(pdf, "salutations distinguées")
        self.assertPdfContains(pdf, "Claire Dupont", "the signatory")

    def test_first_reminder_tone(self):
        inv = self._invoices([(self.customer_2, date(2026, 2, 15), 500.0)])
        comm = self._comm(self.level_1, inv, date(2026, 3, 2))
        pdf = self._pdf(LETTER, comm.ids)
        self.assertPdfContains(pdf, "Payment reminder")
        self.assertPdfContains(pdf, "probably an oversight")
        self.assertPdfNotContains(pdf, "Final reminder")

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
            normalise(values[comms[0].id]["intro"]),
            "Merci de régler 300,00 € à Fournitures Dupont SAS avant le 10/03/2026.",
        )
        self.assertEqual(
            normalise(values[comms[1].id]["intro"]),
            "Pay 400.00 € to Fournitures Dupont SAS by 03/10/2026, please.",
        )
        pdf = self._pdf(LETTER, comms.ids)
        self.assertPdfContains(pdf, "Merci de régler 300,00 €")
        self.assertPdfContains(pdf, "Pay 400.00 € to Fournitures Dupont SAS")
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
        pdf = self._pdf(FORMAL_NOTICE, notice.ids)
        self.assertPdfContains(pdf, "Mise en demeure de payer")
        self.assertPdfContains(pdf, "LETTRE RECOMMANDÉE AVEC DEMANDE D'AVIS DE RÉCEPTION")
        self.assertPdfContains(pdf, "1A 234 567 8901 2")
        # both parties with their SIREN
        self.assertPdfContains(pdf, "Créancier")
        self.assertPdfContains(pdf, "Débiteur")
        self.assertPdfContains(pdf, "SIREN : 732 829 320")
        self.assertPdfContains(pdf, "SIREN : 552 100 554")
        self.assertPdfContains(pdf, "Boulangerie Martin SARL")
        # invoices and breakdown with the legal basis
        self.assertPdfContains(pdf, inv_1.name)
        self.assertPdfContains(pdf, inv_2.name)
        self.assertPdfContains(pdf, "15 800,00 €", "the principal")
        interest = f"{notice.amount_interest:,.2f}".replace(",", " ").replace(".", ",")
        self.assertPdfContains(pdf, f"{interest} €", "the late interest")
        self.assertPdfContains(pdf, "80,00 €", "two recovery indemnities")
        total = notice.amount_balance + notice.amount_interest + notice.amount_indemnity
        self.assertPdfContains(pdf, f"{total:,.2f} €".replace(",", " ").replace(".", ","))
        for basis in ("L441-10", "D441-5", "1344"):
            self.assertPdfContains(pdf, basis)
        # deadline, payment means, consequences, place, date and signature
        self.assertPdfContains(pdf, "15 jours")
        self.assertPdfContains(pdf, "20/03/2026", "15 days from receipt, 3 days after posting")
        self.assertPdfContains(pdf, IBAN)
        self.assertPdfContains(pdf, "injonction de payer")
        self.assertPdfContains(pdf, "Lyon, 02/03/2026")
        self.assertPdfContains(pdf, "Claire Dupont")
        self.assertPdfContains(pdf, "Responsable du recouvrement")

    def test_formal_notice_to_a_consumer(self):
        inv = self._invoices([(self.individual, date(2026, 1, 31), 300.0)])
        notice = self._comm(self.level_notice, inv, date(2026, 3, 2))
        pdf = self._pdf(FORMAL_NOTICE, notice.ids)
        self.assertPdfContains(pdf, "Mise en demeure de payer")
        self.assertPdfContains(pdf, "1344-1")
        self.assertPdfNotContains(pdf, "D441-5", "no recovery indemnity for consumers")

    def test_company_wording_is_used(self):
        self.company.with_context(
            lang="fr_FR"
        ).dunning_notice_consequences = (
            "À défaut, le dossier sera confié à notre avocat, Maître Lenoir."
        )
        inv = self._invoices([(self.customer, date(2026, 1, 31), 300.0)])
        notice = self._comm(self.level_notice, inv, date(2026, 3, 2))
        pdf = self._pdf(FORMAL_NOTICE, notice.ids)
        self.assertPdfContains(pdf, "confié à notre avocat, Maître Lenoir")

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
        pdf = self._pdf(
            STATEMENT,
            self.customer.ids,
            data=action["data"],
        )
        self.assertPdfContains(pdf, "Relevé de compte")
        self.assertPdfContains(pdf, "Solde d'ouverture")
        self.assertPdfContains(pdf, "1 450,00 €")
        self.assertPdfContains(pdf, "Plus de 90")
        self.assertPdfContains(pdf, "Non")
        for inv in (mid, recent, future):
            self.assertPdfContains(pdf, inv.name)

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
        self.customer.dunning_legal_form = "sarl"  # a commercial company: tribunal de commerce
        inv = self._invoices([(self.customer, date(2025, 12, 31), 6000.0)])
        # a reminder letter (an email communication is listed once its email has left)
        self._comm(self.level_2, inv, date(2026, 1, 12), sent=True)
        notice = self._comm(self.level_notice, inv, date(2026, 2, 16), sent=True)
        notice.write(
            {"registered_letter_number": "1A 999 888 7776 5", "receipt_date": date(2026, 2, 18)}
        )
        with freeze_time("2026-03-02"):
            pdf = self._pdf(COURT_DOSSIER, self.customer.ids)
        self.assertPdfContains(pdf, "injonction de payer")
        self.assertPdfContains(pdf, "Tribunal de commerce")
        self.assertPdfContains(pdf, "Bordeaux")
        self.assertPdfContains(pdf, "12946")
        self.assertPdfContains(pdf, "SIREN : 732 829 320")
        self.assertPdfContains(pdf, "SIREN : 552 100 554")
        self.assertPdfContains(pdf, inv.name)
        self.assertPdfContains(pdf, "6 000,00 €")
        self.assertPdfContains(pdf, "40,00 €", "the recovery indemnity")
        self.assertPdfContains(pdf, "1A 999 888 7776 5", "the registered letter number")
        self.assertPdfContains(pdf, "18/02/2026", "the date of the proof of receipt")
        self.assertPdfContains(pdf, "12/01/2026", "the first reminder in the history")
        self.assertPdfContains(pdf, "Accusé de réception", "listed among the supporting documents")
        self.assertPdfContains(pdf, "Conditions générales de vente")

    def test_court_dossier_for_a_consumer_and_without_claim(self):
        self.env.user.lang = "fr_FR"
        inv = self._invoices([(self.individual, date(2026, 1, 31), 300.0)])
        self._comm(self.level_notice, inv, date(2026, 2, 16), sent=True)
        with freeze_time("2026-03-02"):
            pdf = self._pdf(COURT_DOSSIER, self.individual.ids)
            self.assertPdfContains(pdf, "Tribunal judiciaire")
            self.assertPdfContains(pdf, "12948")
            self.assertPdfContains(pdf, "procédure simplifiée", "a claim under 5,000 EUR")
            self.assertPdfNotContains(pdf, "D441-5")
            with self.assertRaises(UserError):
                self.env.ref(COURT_DOSSIER)._render_qweb_html(
                    "account_dunning_fr.report_dunning_court_dossier", self.customer_2.ids
                )

    # -- emails and batch printing ----------------------------------------------------------

    def test_emails_in_the_customers_language_with_the_pdf(self):
        (self.level_courtesy | self.level_1).mail_template_id = self.env.ref(
            "account_dunning_fr.mail_template_dunning"
        )
        inv_fr = self._invoices([(self.customer, date(2026, 2, 15), 1234.5)])
        inv_en = self._invoices([(self.customer_2, date(2026, 2, 15), 99.0)])
        comms = self._run(date(2026, 3, 2)).with_context(force_report_rendering=True)
        self.assertEqual(len(comms), 2)
        comm_fr = self._comm_of(comms, inv_fr)
        comm_en = self._comm_of(comms, inv_en)
        for comm in comms:
            self.assertEqual(comm.state, "sent")
        body_fr = normalise(comm_fr.mail_message_id.body)
        body_en = normalise(comm_en.mail_message_id.body)
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
            self.assertPdfContains(self._read(attachment.raw, LETTER), inv.name)
        self.assertPdfContains(self._read(comm_fr.attachment_id.raw, LETTER), "Relance de paiement")

    def test_formal_notice_waits_for_posting_and_emails_a_copy(self):
        inv = self._invoices([(self.customer, date(2026, 1, 10), 700.0)])
        notice = self._comm(self.level_notice, inv, date(2026, 3, 2))
        notice.with_context(force_report_rendering=True).action_validate()
        self.assertEqual(notice.state, "to_send", "waits to be posted by registered letter")
        self.assertPdfContains(
            self._read(notice.attachment_id.raw, FORMAL_NOTICE), "Mise en demeure de payer"
        )
        self.assertTrue(notice.mail_message_id, "a copy went by email")
        self.assertIn("mise en demeure", notice.mail_message_id.subject.lower())
        self.assertIn("recommandé", normalise(notice.mail_message_id.body))
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
        pdf = self._pdf(LETTER, letters.ids)
        self.assertGreaterEqual(len(pdf.pages), 3)
        for letter in letters:
            self.assertPdfContains(pdf, letter.name)
        notice = self._comm(self.level_notice, invoices[0], date(2026, 3, 2))
        action = (letters | notice).with_context(force_report_rendering=True).action_print()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        merged = attachment.raw
        merged = self._read(merged, LETTER)
        self.assertGreaterEqual(len(merged.pages), 4)
        self.assertPdfContains(merged, "Mise en demeure de payer")
