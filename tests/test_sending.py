"""One place sends (``account.dunning.send``): the PDF, the email and the collector's activity
of a batch of communications of several levels in one call; the references of the
communications follow the sequence, date ranges included; the run's creation of
communications and lines goes through hooks that other addons extend."""

import re
import subprocess
import tempfile
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import api
from odoo.tests import tagged
from odoo.tools import SQL

from .common import TODAY, DunningCase

D = timedelta
SEQUENCE = "account_dunning_fr.seq_account_dunning_communication"


def _pdf_text(raw):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(raw)
        tmp.flush()
        out = subprocess.run(
            ["pdftotext", tmp.name, "-"], capture_output=True, text=True, check=True
        ).stdout
    return re.sub(r"\s+", " ", out.replace("\u202f", " ").replace("\xa0", " "))


@tagged("post_install", "-at_install")
class TestSending(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_3 = cls.env["res.partner"].create(
            {
                "name": "Menuiserie Roux",
                "is_company": True,
                "email": "roux@menuiserie.test",
                "street": "8 rue Nationale",
                "zip": "37000",
                "city": "Tours",
            }
        )
        cls.collector = cls.env["res.users"].create(
            {"name": "Sophie Recouvrement", "login": "sophie.sending"}
        )
        cls.customer_3.dunning_collector_id = cls.collector

    def _new_run(self, when=TODAY):
        with freeze_time(when):
            return self.env["account.dunning.run"].create({"company_id": self.company.id})

    def _compute(self, run):
        """The run's computation only: its communications, none sent yet."""
        with freeze_time(run.date):
            return run._generate_communications()

    def _three_levels(self):
        """Invoices of three customers that reach, on TODAY, Reminder 1 (email), Reminder 2
        (letter) and the call."""
        email_inv, letter_inv, call_inv = self._invoices(
            [
                (self.customer, TODAY - D(12), 1200.0),
                (self.customer_2, TODAY - D(25), 2300.0),
                (self.customer_3, TODAY - D(40), 3400.0),
            ]
        )
        email_inv.write(
            {"dunning_level_id": self.level_courtesy.id, "dunning_last_date": TODAY - D(20)}
        )
        letter_inv.write({"dunning_level_id": self.level_1.id, "dunning_last_date": TODAY - D(20)})
        call_inv.write({"dunning_level_id": self.level_2.id, "dunning_last_date": TODAY - D(20)})
        return email_inv, letter_inv, call_inv

    # ---- one place sends --------------------------------------------------------------------

    def test_one_call_sends_pdf_email_and_activity_of_several_levels(self):
        email_inv, letter_inv, call_inv = self._three_levels()
        comms = self._compute(self._new_run())
        email = self._comm_of(comms, email_inv)
        letter = self._comm_of(comms, letter_inv)
        call = self._comm_of(comms, call_inv)
        self.assertEqual(
            (email.level_id, letter.level_id, call.level_id),
            (self.level_1, self.level_2, self.level_call),
        )
        self.assertEqual(letter.state, "draft", "a letter waits for a person's validation")
        self.assertFalse(comms.attachment_id or comms.mail_message_id or comms.activity_ids)
        # validated as the button does, without sending yet
        letter._as_system().write({"state": "to_send", "validated_uid": self.env.uid})

        with freeze_time(TODAY):
            self.env["account.dunning.send"]._send_communications(comms)

        # the email: queued with the level's PDF, to the customer, from the company
        self.assertEqual(email.state, "queued")
        message = email.mail_message_id
        self.assertEqual(message.partner_ids, self.customer)
        self.assertEqual(message.attachment_ids, email.attachment_id)
        self.assertIn(email_inv.name, _pdf_text(email.attachment_id.raw))
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
        self.assertEqual(mail.state, "outgoing")
        # the letter: its PDF stored, waiting to be printed and posted
        self.assertEqual(letter.state, "to_send")
        self.assertFalse(letter.mail_message_id)
        text = _pdf_text(letter.attachment_id.raw)
        self.assertIn(letter_inv.name, text)
        self.assertIn("Nantes", text)
        # the call: one activity for the customer's collector, due today, and sent
        activity = call.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(activity.user_id, self.collector)
        self.assertEqual(activity.date_deadline, TODAY)
        self.assertIn("3,400.00", activity.summary)
        self.assertIn(call_inv.name, str(activity.note))
        self.assertEqual(call.state, "sent")
        self.assertEqual(call_inv.dunning_level_id, self.level_call)

        # then the mail queue sends the email: the communication is sent, the evidence logged
        self._process_mail_queue(TODAY)
        self.assertEqual(email.state, "sent")
        self.assertEqual(email_inv.dunning_level_id, self.level_1)
        note = email_inv.message_ids.filtered(
            lambda msg: re.search(rf"data-oe-id=.{email.id}\b", str(msg.body))
        )
        self.assertIn("Dunning Reminder 1 (Email) sent", str(note.body))
        self.assertRegex(str(note.body), rf"data-oe-model=.{email._name}\b")
        self.assertIn(f">{email.name}</a>", str(note.body))

    def test_retry_and_scheduled_action_send_through_the_same_place(self):
        email_inv, letter_inv, call_inv = self._three_levels()
        comms = self._run(TODAY)  # the run sends what its levels send automatically
        email = self._comm_of(comms, email_inv)
        call = self._comm_of(comms, call_inv)
        self.assertEqual(email.state, "sent")
        self.assertEqual(len(call.activity_ids), 1)
        letter = self._comm_of(comms, letter_inv)
        with freeze_time(TODAY):
            letter.action_validate()
        self.assertEqual(letter.state, "to_send")
        self.assertTrue(letter.attachment_id, "the validation rendered the letter")

    # ---- references from the sequence -------------------------------------------------------

    def test_references_follow_the_date_ranges_of_the_sequence(self):
        sequence = self.env.ref(SEQUENCE)
        sequence.write({"use_date_range": True, "prefix": "DUN/%(range_year)s/"})
        # the year 2026 already numbered up to 40 by the user's own choice
        self.env["ir.sequence.date_range"].create(
            {
                "sequence_id": sequence.id,
                "date_from": date(2026, 1, 1),
                "date_to": date(2026, 12, 31),
                "number_next_actual": 41,
            }
        )
        self._invoices(
            [(self.customer, TODAY - D(12), 100.0), (self.customer_2, TODAY - D(12), 200.0)]
        )
        comms = self._compute(self._new_run())
        self.assertEqual(sorted(comms.mapped("name")), ["DUN/2026/000041", "DUN/2026/000042"])

        # next year: a new range, numbered from 1
        next_year = date(2027, 1, 20)
        self._invoices([(self.customer_3, next_year - D(12), 300.0)])
        comms = self._compute(self._new_run(next_year))
        self.assertEqual(comms.mapped("name"), ["DUN/2027/000001"])
        self.env.invalidate_all()
        self.assertEqual(
            sequence.date_range_ids.filtered(
                lambda rng: rng.date_from == date(2027, 1, 1)
            ).number_next_actual,
            2,
        )

    def test_references_without_date_ranges_follow_the_sequence(self):
        sequence = self.env.ref(SEQUENCE)
        sequence.write({"prefix": "REL-%(year)s-", "padding": 4, "number_next_actual": 500})
        self._invoices(
            [(self.customer, TODAY - D(12), 100.0), (self.customer_2, TODAY - D(12), 200.0)]
        )
        comms = self._compute(self._new_run())
        self.assertEqual(sorted(comms.mapped("name")), ["REL-2026-0500", "REL-2026-0501"])

    # ---- hooks of the creation --------------------------------------------------------------

    def test_addons_extend_the_values_and_see_the_creation(self):
        """An addon's ``_prepare_communication_vals`` / ``_prepare_communication_line_vals``
        add their values, which land in the database, and its override of ``create`` of
        communications sees the new communications (the overrides are installed on the
        models' classes for the test, as an addon's would be)."""
        Run = type(self.env["account.dunning.run"])
        Communication = type(self.env["account.dunning.communication"])
        prepare_comm = Run._prepare_communication_vals
        prepare_line = Run._prepare_communication_line_vals
        create = Communication.create
        created = []

        def prepare_communication_vals(run, name, partner, level, *args):
            vals = prepare_comm(run, name, partner, level, *args)
            vals["registered_letter_number"] = f"EXT-{partner.name}"
            return vals

        def prepare_communication_line_vals(run, communication, row, penalty):
            vals = prepare_line(run, communication, row, penalty)
            vals["move_name"] = f"{row['name']} (ext)"
            return vals

        @api.model_create_multi
        def create_communications(model, vals_list):
            records = create(model, vals_list)
            created.append(
                [(rec.name, rec.partner_id, rec.registered_letter_number) for rec in records]
            )
            return records

        self.patch(Run, "_prepare_communication_vals", prepare_communication_vals)
        self.patch(Run, "_prepare_communication_line_vals", prepare_communication_line_vals)
        self.patch(Communication, "create", create_communications)

        inv_1, inv_2 = self._invoices(
            [(self.customer, TODAY - D(12), 100.0), (self.customer_2, TODAY - D(12), 200.0)]
        )
        comms = self._compute(self._new_run()).sorted("name")
        self.assertEqual(len(created), 1, "one create for the run's communications")
        self.assertEqual(
            sorted(created[0], key=lambda item: item[0]),
            [(comm.name, comm.partner_id, f"EXT-{comm.partner_id.name}") for comm in comms],
        )
        self.env.invalidate_all()
        rows = dict(
            self.env.execute_query(
                SQL(
                    "SELECT c.registered_letter_number, l.move_name "
                    "FROM account_dunning_communication c "
                    "JOIN account_dunning_communication_line l ON l.communication_id = c.id "
                    "WHERE c.id = ANY(%s)",
                    comms.ids,
                )
            )
        )
        self.assertEqual(
            rows,
            {
                "EXT-Boulangerie Martin SARL": f"{inv_1.name} (ext)",
                "EXT-Garage Petit": f"{inv_2.name} (ext)",
            },
        )
        # the lines' totals are still those of the communications
        self.assertEqual(sorted(comms.mapped("amount_due")), [100.0, 200.0])
