"""Penalty figures in the cases found wrong: a missing reference rate (the claim is flagged
incomplete, never zeroed, and firm documents wait for the rate), foreign currencies, credit
notes, penalty invoices, consumers and promises made after a payment."""

import subprocess
import tempfile
from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DunningCase


def pdf_text(pdf):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(pdf)
        tmp.flush()
        out = subprocess.run(
            ["pdftotext", "-layout", tmp.name, "-"], capture_output=True, text=True, check=True
        ).stdout
    return " ".join(out.split())


@tagged("post_install", "-at_install")
class TestMissingRate(DunningCase):
    """2026 H2 rates are not shipped (the law file says "to be entered")."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        eur = cls.env.ref("base.EUR")
        eur.active = True
        cls.company.currency_id = eur

    def _enter_ecb_rate(self):
        # Test data only: the figure the ECB will publish is not known to the addon.
        self.env["account.dunning.rate"].sudo().create(  # rates: managers of every company
            {"kind": "ecb", "date_start": date(2026, 7, 1), "rate": 2.15}
        )

    def test_known_semesters_counted_indemnity_kept_and_flagged(self):
        inv = self._invoices([(self.customer, date(2026, 5, 31), 1000.0)])
        # 1-30 June 2026 at 2.15 + 10 = 12.15 %: 1000 x 12.15 % x 30 / 365 = 9.986 -> 9.99;
        # July (2026 H2) has no rate: left out, and said so. The 40 EUR needs no rate.
        penalty = inv._dunning_get_penalties(date(2026, 8, 1))[inv.id]
        self.assertEqual(penalty["interest"], 9.99)
        self.assertEqual(penalty["indemnity"], 40.0)
        self.assertEqual(penalty["missing"], [date(2026, 7, 1)])
        self.env["res.lang"]._activate_lang("fr_FR")
        with freeze_time("2026-08-01"):
            inv.invalidate_recordset()
            self.assertEqual(inv.dunning_interest_amount, 9.99)
            self.assertEqual(inv.dunning_indemnity_amount, 40.0)
            self.assertEqual(inv.dunning_claim_total, 1049.99)
            self.assertEqual(inv.dunning_penalty_missing_rates, "2026 H2")
            self.assertIn("2026 H2 is missing", inv.dunning_penalty_error)
            self.assertEqual(
                inv.with_context(lang="fr_FR").dunning_penalty_missing_rates, "2026-S2"
            )
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.dunning_interest_total, 9.99)
            self.assertEqual(self.customer.dunning_indemnity_total, 40.0)
            self.assertEqual(self.customer.dunning_penalty_missing_rates, "2026 H2")

    def test_firm_reminder_waits_for_the_rate_then_goes(self):
        self.level_2.auto_send = True
        inv = self._invoices([(self.customer, date(2026, 5, 31), 1000.0)])
        inv.dunning_level_override_id = self.level_2  # the firm reminder (a letter)
        comm = self._run(date(2026, 8, 3))
        self.assertEqual(comm.level_id, self.level_2)
        self.assertEqual(comm.state, "waiting_rates", "never sent with incomplete figures")
        self.assertFalse(comm.attachment_id)
        self.assertIn("2026 H2", comm.waiting_reason)
        self.assertIn("2026 H2", comm.run_id.log)
        self.assertEqual(comm.amount_interest, 9.99)  # June only (see above)
        self.assertEqual(comm.amount_indemnity, 40.0)
        self.assertIn("2026 H2", comm.line_ids.interest_note)
        # Printed anyway (e.g. to check it): the figure says it is incomplete, in French.
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        pdf, _type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(comm.level_id.report_id.report_name, comm.ids)
        )
        self.assertIn("(incomplet : taux 2026-S2 manquant)", pdf_text(pdf))
        # The next run, after the rate is entered, recomputes and sends it: interest from
        # 1 June to 3 August 2026, 64 days at 12.15 %: 1000 x 12.15 % x 64 / 365 = 21.304.
        self._enter_ecb_rate()
        self._run(date(2026, 8, 4))
        self.assertEqual(comm.state, "to_send", "a letter: printed, waiting to be posted")
        self.assertTrue(comm.attachment_id)
        self.assertFalse(comm.waiting_reason)
        self.assertEqual(comm.line_ids.interest_amount, 21.30)
        self.assertFalse(comm.line_ids.interest_note)
        self.assertEqual(comm.amount_interest, 21.30)

    def test_draft_recomputed_when_validated_and_on_demand(self):
        inv = self._invoices([(self.customer, date(2026, 5, 31), 1000.0)])
        inv.dunning_level_override_id = self.level_2
        comm = self._run(date(2026, 8, 3))
        self.assertEqual(comm.state, "draft")
        self.assertIn("2026 H2", comm.waiting_reason)
        with freeze_time("2026-08-05"):
            comm.action_validate()
        self.assertEqual(comm.state, "waiting_rates", "still no rate: it waits")
        self._enter_ecb_rate()
        with freeze_time("2026-08-05"):
            comm.action_recompute()
        # As of the communication's date (3 August): 21.30, as above.
        self.assertEqual(comm.amount_interest, 21.30)
        self.assertEqual(comm.state, "to_send", "a letter: printed, waiting to be posted")
        self.assertTrue(comm.attachment_id)

    def test_first_reminder_is_sent_with_its_flag(self):
        """A first reminder states no penalties: incomplete figures do not hold it."""
        inv = self._invoices([(self.customer, date(2026, 5, 31), 1000.0)])
        inv.dunning_level_override_id = self.level_1
        comm = self._run(date(2026, 8, 3))
        self.assertEqual(comm.level_id, self.level_1)
        self.assertEqual(comm.state, "sent")
        self.assertEqual(comm.amount_interest, 9.99)


@tagged("post_install", "-at_install")
class TestPenaltyCases(DunningCase):
    """Figures found wrong on the demo database, each worked out by hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        eur = cls.env.ref("base.EUR")
        eur.active = True
        cls.company.currency_id = eur
        # Dollars per euro: 1.10 from 1 January 2026, 1.25 from 15 January, 1.20 from 15 February.
        cls.usd = cls.setup_other_currency(
            "USD", rates=[("2026-01-01", 1.10), ("2026-01-15", 1.25), ("2026-02-15", 1.20)]
        )
        cls.individual = cls.env["res.partner"].create(
            {"name": "Camille Bernard", "is_company": False, "email": "camille@example.test"}
        )

    def _pdf_text(self, report_name, ids):
        pdf, _type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report_name, ids)
        )
        return pdf_text(pdf)

    def test_foreign_currency_invoice_paid_on_time_owes_nothing(self):
        # 1,100.00 USD due 31 January 2026 (1,000.00 EUR at 1.10), paid in full on 20 January
        # (880.00 EUR at 1.25). The payment is matched in February, after the January books
        # are locked: Odoo books the 120.00 EUR exchange difference on 1 February, after the
        # due date. It is not a payment of the debtor: paid on time, nothing is owed (before:
        # a 40 EUR indemnity, 44.00 USD, and interest to that date).
        inv = self._invoices([(self.customer, date(2026, 1, 31), 1100.0, self.usd)])
        with freeze_time("2026-01-20"):
            payment = self.env["account.payment"].create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": self.customer.id,
                    "amount": 1100.0,
                    "currency_id": self.usd.id,
                    "date": date(2026, 1, 20),
                }
            )
            payment.action_post()
        with freeze_time("2026-02-10"):
            self.company.fiscalyear_lock_date = date(2026, 1, 31)
            (inv.line_ids | payment.move_id.line_ids).filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            ).reconcile()
        self.assertEqual(inv.payment_state, "paid")
        exchange = (
            self.env["account.partial.reconcile"]
            .search([("debit_move_id", "in", inv.line_ids.ids), ("exchange_move_id", "=", False)])
            .credit_move_id.move_id
            - payment.move_id
        )
        self.assertTrue(exchange, "an exchange-difference entry was booked")
        self.assertGreater(exchange.date, inv.invoice_date_due)
        self.assertFalse(inv._dunning_get_penalties(date(2026, 3, 2)), "paid on time")
        self.assertEqual(inv._dunning_get_acknowledgment_dates(), {inv.id: [date(2026, 1, 20)]})

    def test_indemnity_is_40_eur_converted_once_at_the_due_date(self):
        # 1,100.00 USD due 31 January 2026: the indemnity is 40.00 EUR; in dollars, its
        # counter-value at the due date (rate 1.25 since 15 January), 40 x 1.25 = 50.00 USD,
        # whatever the date of the computation (not 40 x 1.20 = 48.00 USD at the rate of
        # March).
        inv = self._invoices([(self.customer, date(2026, 1, 31), 1100.0, self.usd)])
        for as_of in (date(2026, 3, 2), date(2026, 4, 30)):
            penalty = inv._dunning_get_penalties(as_of)[inv.id]
            self.assertEqual(penalty["indemnity"], 50.0)
            self.assertEqual(penalty["indemnity_company"], 40.0)
        with freeze_time("2026-04-30"):
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.dunning_indemnity_total, 40.0, "in EUR on the customer")
        inv.dunning_level_override_id = self.level_2
        comm = self._run(date(2026, 3, 2))
        self.assertEqual(comm.currency_id, self.usd)
        self.assertEqual(comm.line_ids.indemnity_amount, 50.0)
        self.assertEqual(comm.line_ids.indemnity_company_amount, 40.0)
        self.assertEqual(comm.amount_indemnity_company, 40.0)
        with freeze_time("2026-03-02"):
            penalty_invoice = self.env["account.dunning.penalty.charge"]._create_penalty_invoices(
                inv, date(2026, 3, 2)
            )
        indemnity_line = penalty_invoice.invoice_line_ids.filtered(
            lambda line: line.dunning_penalty_kind == "indemnity"
        )
        self.assertEqual(indemnity_line.price_subtotal, 50.0)
        self.assertIn("40.00", indemnity_line.name)
        self.assertIn("converted at the due date", indemnity_line.name)
        text = self._pdf_text(comm.level_id.report_id.report_name, comm.ids)
        self.assertRegex(text, r"€ ?40\.00|40\.00 ?€")
        self.assertIn("($ 50.00 at the due", text)

    def test_penalty_invoices_bear_no_penalties_and_are_not_dunned(self):
        # 10,000.00 due 31 January 2025, charged on 30 April 2025 (89 days at 3.15 + 10 =
        # 13.15 %: 10,000 x 13.15 % x 89 / 365 = 320.64, plus 40.00): the penalty invoice of
        # 360.64, due at once, bears no interest and no indemnity of its own.
        inv = self._invoices([(self.customer, date(2025, 1, 31), 10000.0)])
        with freeze_time("2025-04-30"):
            penalty = self.env["account.dunning.penalty.charge"]._create_penalty_invoices(
                inv, date(2025, 4, 30)
            )
            penalty.action_post()
        self.assertEqual(penalty.amount_total, 360.64)
        self.assertLess(penalty.invoice_date_due, date(2025, 6, 30))
        penalties = (inv | penalty)._dunning_get_penalties(date(2025, 6, 30))
        self.assertNotIn(penalty.id, penalties)
        self.assertIn(inv.id, penalties)
        # Not dunned as a commercial invoice...
        comms = self._run(date(2025, 6, 30))
        self.assertNotIn(penalty, comms.line_ids.move_id)
        self.assertIn(inv, comms.line_ids.move_id)
        # ... unless a level says so.
        self.level_courtesy.dun_penalty_invoices = True
        comms = self._run(date(2025, 7, 1))
        self.assertEqual(comms.line_ids.move_id, penalty)
        self.assertFalse(comms.amount_interest + comms.amount_indemnity)

    def test_invoice_cancelled_by_a_full_credit_note_owes_nothing(self):
        # 1,000.00 due 31 January 2025, cancelled by a credit note on 15 March 2025: never
        # owed (before: 43 days at 13.15 %, 1,000 x 13.15 % x 43 / 365 = 15.49, plus 40.00).
        inv = self._invoices([(self.customer, date(2025, 1, 31), 1000.0)])
        with freeze_time("2025-03-15"):
            self.env["account.move.reversal"].with_context(
                active_model="account.move", active_ids=inv.ids
            ).create(
                {"journal_id": inv.journal_id.id, "date": date(2025, 3, 15), "reason": "Error"}
            ).refund_moves()
            inv.reversal_move_ids.action_post()  # matched with the invoice
        self.assertEqual(inv.payment_state, "reversed")
        self.assertFalse(inv._dunning_get_penalties(date(2025, 4, 30)))
        # A partial credit note only reduces the base from its date: 400.00 credited on
        # 15 March (the helper dates it 30 days before its due date): 1,000 x 13.15 % x 43 / 365
        # + 600 x 13.15 % x 46 / 365 = 15.492 + 9.944 = 25.44 on 30 April, plus 40.00.
        inv_2 = self._invoices([(self.customer_2, date(2025, 1, 31), 1000.0)])
        refund = self._invoices(
            [(self.customer_2, date(2025, 4, 14), 400.0)], move_type="out_refund"
        )
        (inv_2 | refund).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        penalty = inv_2._dunning_get_penalties(date(2025, 4, 30))[inv_2.id]
        self.assertEqual(penalty["interest"], 25.44)
        self.assertEqual(penalty["indemnity"], 40.0)

    def test_consumer_whatever_its_clause(self):
        # A consumer with the professionals' clause: no indemnity, and interest at the legal
        # rate only from the formal notice. 2,000.00 due 31 January 2025, notice received
        # 4 March: 5 March to 30 April, 57 days at 3.71 % ("autres cas", 2025 H1):
        # 2,000 x 3.71 % x 57 / 365 = 11.587 -> 11.59.
        self.individual.with_company(
            self.company
        ).dunning_penalty_clause_id = self.company.dunning_penalty_clause_id
        inv = self._invoices([(self.individual, date(2025, 1, 31), 2000.0)])
        self.assertFalse(
            inv._dunning_get_penalties(date(2025, 4, 30)).get(inv.id, {}).get("interest")
        )
        self.assertFalse(
            inv._dunning_get_penalties(date(2025, 4, 30)).get(inv.id, {}).get("indemnity")
        )
        self._sent_formal_notice(inv, date(2025, 3, 1), date(2025, 3, 4))
        penalty = inv._dunning_get_penalties(date(2025, 4, 30))[inv.id]
        self.assertEqual(penalty["interest"], 11.59)
        self.assertEqual(penalty["indemnity"], 0.0)
        text = self._pdf_text("account.account_invoices", inv.ids)
        self.assertIn("1344-1", text)
        self.assertNotIn("D441-5", text, "no recovery indemnity for consumers")
        self.assertNotIn("L441-10", text)

    def test_promise_counts_only_payments_received_after_it(self):
        # 9,432.00 paid on 2 March 2026, then a promise of 5,000.00 recorded the same day:
        # that payment was before the promise, so 0.00 received (before: 9,432.00, "kept").
        inv, inv_2 = self._invoices(
            [(self.customer, date(2026, 2, 15), 9432.0), (self.customer, date(2026, 2, 20), 5000.0)]
        )
        self._pay(inv, 9432.0, date(2026, 3, 2))
        Promise = self.env["account.dunning.promise"]
        with freeze_time("2026-03-02"):
            promise = Promise.create(
                {"partner_id": self.customer.id, "date": date(2026, 3, 10), "amount": 5000.0}
            )
            self.assertEqual(promise.received_before, 9432.0)
            self.assertEqual(promise.amount_received, 0.0)
            Promise._check_promises(self.company, date(2026, 3, 2))
            self.assertEqual(promise.state, "open")
        # 5,000.00 paid later the same day: counted, the promise is kept.
        self._pay(inv_2, 5000.0, date(2026, 3, 2))
        promise.invalidate_recordset(["amount_received"])
        self.assertEqual(promise.amount_received, 5000.0)
        Promise._check_promises(self.company, date(2026, 3, 2))
        self.assertEqual(promise.state, "kept")
