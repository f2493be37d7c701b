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
        self.env["account.dunning.rate"].create(
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
        self.assertEqual(comm.state, "to_send")

    def test_first_reminder_is_sent_with_its_flag(self):
        """A first reminder states no penalties: incomplete figures do not hold it."""
        inv = self._invoices([(self.customer, date(2026, 5, 31), 1000.0)])
        inv.dunning_level_override_id = self.level_1
        comm = self._run(date(2026, 8, 3))
        self.assertEqual(comm.level_id, self.level_1)
        self.assertEqual(comm.state, "sent")
        self.assertEqual(comm.amount_interest, 9.99)
