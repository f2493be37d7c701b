"""Posting letters and formal notices: *Mark as Posted* asks for the posting date and the
registered-letter number of each formal notice; the proof of receipt comes later."""

from datetime import timedelta as D

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import TODAY, DunningCase


@tagged("post_install", "-at_install")
class TestPosting(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.level_notice = cls.level_call.copy(
            {
                "name": "Mise en demeure",
                "channel": "formal_notice",
                "delay_days": 60,
                "sequence": 10,
                "auto_send": False,
            }
        )
        cls.level_notice.report_id = cls.env.ref(
            "account_dunning_fr.action_report_dunning_formal_notice"
        )

    def _letters(self):
        """A letter (Reminder 2) to the customer and a formal notice to the second customer,
        both validated and waiting to be posted."""
        inv_1, inv_2 = self._invoices(
            [(self.customer, TODAY - D(25), 100.0), (self.customer_2, TODAY - D(70), 300.0)]
        )
        inv_1.dunning_level_override_id = self.level_2
        inv_2.dunning_level_override_id = self.level_notice
        comms = self._run(TODAY)
        with freeze_time(TODAY):
            comms.with_context(force_report_rendering=True).action_validate()
        letter, notice = self._comm_of(comms, inv_1), self._comm_of(comms, inv_2)
        self.assertEqual((letter | notice).mapped("state"), ["to_send", "to_send"])
        return letter, notice, inv_1, inv_2

    def test_dialog_lists_the_letters_and_requires_the_number_of_formal_notices(self):
        letter, notice, inv_1, inv_2 = self._letters()
        action = (letter | notice).action_mark_posted()
        self.assertEqual(action["res_model"], "account.dunning.communication.post")
        self.assertEqual(action["target"], "new")
        wizard_model = self.env[action["res_model"]].with_context(**action["context"])
        with freeze_time(TODAY + D(1)):
            # the dialog requires the number of a formal notice, and so does the server
            with self.assertRaisesRegex(UserError, f"registered-letter number.*{notice.name}"):
                wizard_model.create({}).action_confirm()
            self.assertEqual(notice.state, "to_send", "nothing is posted without the number")
            form = Form(wizard_model)
            self.assertEqual(form.posting_date, TODAY + D(1), "posted today by default")
            self.assertEqual(len(form.line_ids), 2, "one row per selected letter")
            form.posting_date = TODAY
            with self.assertRaisesRegex(AssertionError, "registered_letter_number is a required"):
                form.save()
            for index in range(2):
                with form.line_ids.edit(index) as line:
                    if line.channel == "formal_notice":
                        line.registered_letter_number = " 1A 234 567 8901 2 "
            wizard = form.save()
            self.assertEqual(wizard.line_ids.communication_id, letter | notice)
            wizard.action_confirm()
        self.assertEqual((letter | notice).mapped("state"), ["sent", "sent"])
        self.assertEqual(notice.registered_letter_number, "1A 234 567 8901 2")
        self.assertFalse(letter.registered_letter_number, "optional for a simple letter")
        self.assertEqual(notice.sent_date, TODAY, "the posting date entered")
        self.assertEqual(inv_2.dunning_last_date, TODAY)
        self.assertEqual(inv_2.dunning_level_id, self.level_notice)
        self.assertFalse(notice.receipt_date, "the proof of receipt comes later")
        # ... and is entered on the communication when it comes back
        notice.receipt_date = TODAY + D(3)
        self.assertEqual(notice.receipt_date, TODAY + D(3))

    def test_posting_date_cannot_be_in_the_future_nor_before_the_letter(self):
        letter, _notice, _inv_1, _inv_2 = self._letters()
        for when in (TODAY + D(1), TODAY - D(1)):
            with freeze_time(TODAY), self.assertRaisesRegex(UserError, "posting date"):
                self._mark_posted(letter, when=when)
        self.assertEqual(letter.state, "to_send")

    def test_only_letters_waiting_to_be_posted(self):
        letter, _notice, _inv_1, _inv_2 = self._letters()
        self._mark_posted(letter)
        with self.assertRaisesRegex(UserError, "waiting to be posted"):
            letter.action_mark_posted()
