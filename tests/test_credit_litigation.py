"""Dispute reasons, litigation hand-over and insolvency proceedings."""

from datetime import date
from datetime import timedelta as D

from freezegun import freeze_time

from odoo.tests import tagged

from .common import TODAY
from .credit_common import CreditCase


@tagged("post_install", "-at_install")
class TestCreditLitigation(CreditCase):
    def test_dispute_reasons(self):
        reasons = self.env["account.dunning.dispute.reason"].search([])
        self.assertGreaterEqual(len(reasons), 6)
        self.assertIn(
            self.env.ref("account_dunning_fr.dispute_reason_already_paid"),
            reasons.with_user(self.billing),
            "every invoicing user picks a reason",
        )
        inv, other = self._invoices(
            [(self.customer, TODAY - D(15), 100.0), (self.customer_2, TODAY - D(15), 100.0)]
        )
        inv.write(
            {
                "dunning_disputed": True,
                "dunning_dispute_reason_id": reasons[0].id,
                "dunning_dispute_note": "Two pallets damaged",
            }
        )
        self.assertEqual(self._run(TODAY).line_ids.move_id, other, "the disputed one is not dunned")

    def test_hand_over_stops_automatic_dunning(self):
        inv = self._invoices([(self.customer_2, TODAY - D(15), 100.0)])
        for state in ("agency", "lawyer", "court"):
            self.customer_2.write(
                {
                    "dunning_litigation_state": state,
                    "dunning_litigation_date": TODAY,
                    "dunning_litigation_ref": "Me Lenoir 2026-114",
                    "dunning_litigation_partner_id": self.insurer.id,
                }
            )
            self.assertFalse(self._run(TODAY), state)
            self.assertFalse(inv.dunning_next_date, "no next reminder announced")
        self.customer_2.dunning_litigation_state = "amicable"
        self.assertEqual(self._run(TODAY + D(1)).line_ids.move_id, inv, "back to amicable")

    def test_formal_notice_sets_the_litigation_state(self):
        inv = self._invoices([(self.customer, TODAY - D(50), 100.0)])
        notice_level = self.level_call.copy(
            {
                "name": "MED",
                "channel": "formal_notice",
                "delay_days": 45,
                "sequence": 10,
                "auto_send": False,
            }
        )
        inv.dunning_level_override_id = notice_level
        comm = self._run(TODAY)
        with freeze_time(TODAY):
            comm.action_validate()
            self._mark_posted(comm)
        self.assertEqual(self.customer.dunning_litigation_state, "formal_notice")
        self.assertEqual(self.customer.dunning_litigation_date, TODAY)

    def test_insolvency_stops_dunning_and_reminds_to_declare_the_claim(self):
        self.customer.dunning_collector_id = self.collector
        self._invoices([(self.customer, TODAY - D(15), 2400.0)])
        with freeze_time(TODAY):
            self.customer.write(
                {
                    "dunning_insolvency_state": "receivership",
                    "dunning_insolvency_date": date(2026, 2, 20),
                }
            )
            self.customer.write({"comment": "BODACC"})
            self.customer.write({"dunning_insolvency_state": "receivership"})
        activity_type = self.env.ref("account_dunning_fr.mail_activity_type_declare_claim")
        activities = self.customer.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        self.assertEqual(len(activities), 1, "one reminder per proceedings")
        self.assertEqual(activities.date_deadline, date(2026, 4, 20), "2 months after publication")
        self.assertEqual(activities.user_id, self.collector)
        self.assertIn("2,400.00", activities.summary)
        self.assertIn("Receivership", str(activities.note))
        self.assertIn("mandataire judiciaire", str(activities.note))
        self.assertFalse(self._run(TODAY), "dunning stops at once")
        # converted into liquidation, published later: a new deadline, a new reminder
        self.customer.write(
            {"dunning_insolvency_state": "liquidation", "dunning_insolvency_date": date(2026, 3, 1)}
        )
        activities = self.customer.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        self.assertEqual(
            sorted(activities.mapped("date_deadline")), [date(2026, 4, 20), date(2026, 5, 1)]
        )

    def test_claim_reminder_once_even_when_done_and_per_company_claims(self):
        company_2 = self.setup_other_company(name="Filiale Lyon")["company"]
        self._invoices([(self.customer, TODAY - D(15), 1000.0)])
        self._invoices([(self.customer, TODAY - D(15), 300.0)], company=company_2)
        both = self.customer.with_context(allowed_company_ids=[self.company.id, company_2.id])
        with freeze_time(TODAY):
            both.write({"dunning_insolvency_state": "safeguard", "dunning_insolvency_date": TODAY})
        activity_type = self.env.ref("account_dunning_fr.mail_activity_type_declare_claim")
        activity = self.customer.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        self.assertIn("1,000.00", activity.summary)
        self.assertIn("Filiale Lyon declares its own claim", str(activity.note))
        self.assertIn("300.00", str(activity.note))
        activity.action_done()
        with freeze_time(TODAY):
            self.customer.write({"dunning_insolvency_state": "safeguard"})
        self.assertFalse(
            self.customer.activity_ids.filtered(lambda a: a.activity_type_id == activity_type),
            "declared already: no new reminder",
        )
