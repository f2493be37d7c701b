"""Sent communications are evidence (issue 12, requirements 1, 2 and 4): nobody, a manager
included, changes what a sent communication said or when it was sent, over JSON-RPC, XML-RPC or
the ORM; communications are made by the run only, never fabricated as sent; each one that went
out is sealed by a hash chained to the previous one of its company, which *Check Integrity*
recomputes and the court dossier prints."""

import base64
import importlib.util
import json
import time
import xmlrpc.client
from datetime import timedelta as D
from pathlib import Path

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.modules.module import get_module_path
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user
from odoo.tools import SQL

from .common import TODAY
from .credit_common import CreditCase
from .documents import render_report

COMM = "account.dunning.communication"
USER_ERROR = "odoo.exceptions.UserError"
ACCESS_ERROR = "odoo.exceptions.AccessError"
COURT_DOSSIER = "account_dunning_fr.action_report_dunning_court_dossier"


@tagged("post_install", "-at_install")
class TestEvidence(CreditCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the state changes are tracked, as in production
        cls.env = cls.env(context=dict(cls.env.context, mail_notrack=False))
        cls.admin_manager = new_test_user(
            cls.env,
            login="admin.dunning",
            groups="base.group_system,account.group_account_invoice,"
            "account_dunning_fr.group_dunning_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    # -------------------------------------------------------------------------------------
    # Helpers
    # -------------------------------------------------------------------------------------

    def _call(self, model, method, *args, **kwargs):
        """JSON-RPC call_kw in the session of the authenticated user: (result, error name)."""
        return self._json(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )

    def _json(self, route, params):
        response = self.url_open(
            route,
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        body = response.json()
        error = body.get("error")
        self.last_error = error["data"]["message"] if error else ""
        return body.get("result"), error["data"]["name"] if error else False

    def _xmlrpc(self, user, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, user.login, model, method, list(args), kwargs
        )

    def _refused(self, model, method, *args, error=USER_ERROR, text="", **kwargs):
        result, name = self._call(model, method, *args, **kwargs)
        self.assertEqual((result, name), (None, error), f"{model}.{method}{args} must be refused")
        if text:
            self.assertIn(text, self.last_error)
        return self.last_error

    def _sent_email(self, customer=None, amount=100.0):
        """An email communication of the daily run, its email sent by the mail queue."""
        self._invoices([(customer or self.customer, TODAY - D(15), amount)])
        comm = self._run(TODAY)
        self.assertEqual((comm.channel, comm.state), ("email", "sent"))
        self._send_queue(comm)
        return comm

    def _send_queue(self, comms):
        self.env["mail.mail"].sudo().search(
            [("mail_message_id", "in", comms.mail_message_id.ids)]
        ).send()
        self.env.cr.precommit.run()  # the tracking messages of the state changes
        comms.invalidate_recordset()

    def _posted_letter(self, customer=None, amount=200.0):
        """A reminder letter of the run, validated and posted."""
        invoice = self._invoices([(customer or self.customer_2, TODAY - D(25), amount)])
        invoice.dunning_level_override_id = self.level_2
        comm = self._run(TODAY)
        self.assertEqual((comm.channel, comm.state), ("letter", "draft"))
        with freeze_time(TODAY):
            comm.action_validate()
            self._mark_posted(comm)
        self.assertEqual(comm.state, "sent")
        return comm

    def _snapshot(self, comm):
        comm.invalidate_recordset()
        messages = self.env["mail.message"].search([("model", "=", COMM), ("res_id", "=", comm.id)])
        return {
            "state": comm.state,
            "partner": comm.partner_id,
            "amount_due": comm.amount_due,
            "amount_credit": comm.amount_credit,
            "sent_date": comm.sent_date,
            "hash": comm.inalterable_hash,
            "lines": [(line.move_id, line.amount_due) for line in comm.line_ids],
            "attachment": (comm.attachment_id, comm.attachment_id.raw, comm.attachment_id.res_id),
            "email": (comm.mail_message_id, comm.mail_message_id.body),
            "messages": [(msg, msg.body, msg.tracking_value_ids) for msg in messages],
        }

    # -------------------------------------------------------------------------------------
    # Requirement 1: what was sent and when cannot be changed
    # -------------------------------------------------------------------------------------

    def test_sent_communication_cannot_be_tampered_with_over_rpc(self):
        comm = self._sent_email()
        self.assertTrue(comm.inalterable_hash)
        self.assertTrue(comm.attachment_id)
        tracking = self.env["mail.message"].search(
            [("model", "=", COMM), ("res_id", "=", comm.id), ("tracking_value_ids", "!=", False)]
        )
        self.assertTrue(tracking, "the state changes are tracked")
        before = self._snapshot(comm)
        attachment = comm.attachment_id
        for login in ("collector.dunning", "manager.dunning"):
            self.authenticate(login, login)
            # the communication itself
            self._refused(COMM, "write", [comm.id], {"state": "draft"}, text="cannot go from")
            self._refused(COMM, "write", [comm.id], {"state": "to_send"}, text="cannot go from")
            self._refused(
                COMM,
                "write",
                [comm.id],
                {"partner_id": self.customer_2.id, "amount_credit": 50.0},
                text="evidence",
            )
            self._refused(
                COMM, "write", [comm.id], {"sent_date": str(TODAY - D(30))}, text="sending data"
            )
            self._refused(COMM, "write", [comm.id], {"inalterable_hash": "0" * 64})
            self._refused(COMM, "write", [comm.id], {"mail_message_id": False})
            self._refused(COMM, "unlink", [comm.id], text="cannot be deleted")
            self._refused(
                COMM, "unlink", [comm.id], context={"_force_unlink": True}, text="evidence"
            )
            self._refused(
                "account.dunning.communication.line",
                "write",
                comm.line_ids.ids,
                {"amount_due": 1.0},
                text="frozen",
            )
            self._refused(
                "account.dunning.communication.line",
                "unlink",
                comm.line_ids.ids,
                # collectors have no right to delete lines at all
                error=ACCESS_ERROR if login == "collector.dunning" else USER_ERROR,
            )
            # its PDF
            self._refused("ir.attachment", "unlink", attachment.ids, text="evidence")
            self._refused(
                "ir.attachment",
                "write",
                attachment.ids,
                {"datas": base64.b64encode(b"%PDF-1.4 forged").decode()},
                text="evidence",
            )
            self._refused("ir.attachment", "write", attachment.ids, {"res_id": comm.id + 1000})
            # its email and the tracking of its states
            self._refused("mail.message", "unlink", comm.mail_message_id.ids, text="evidence")
            self._refused(
                "mail.message", "write", comm.mail_message_id.ids, {"body": "<p>forged</p>"}
            )
            self._refused("mail.message", "unlink", tracking.ids, text="evidence")
        # XML-RPC gets the same answers
        for user in (self.collector, self.manager):
            for model, method, args in (
                (COMM, "write", ([comm.id], {"sent_date": str(TODAY - D(30))})),
                (COMM, "write", ([comm.id], {"state": "draft"})),
                ("ir.attachment", "unlink", (attachment.ids,)),
                ("mail.message", "unlink", (comm.mail_message_id.ids,)),
            ):
                with self.assertRaises(xmlrpc.client.Fault) as caught:
                    self._xmlrpc(user, model, method, *args)
                self.assertEqual(caught.exception.faultCode, 2, "a UserError (warning)")
                self.assertIn(comm.name, caught.exception.faultString)
        # the chatter's Edit, by an administrator (who may edit any message elsewhere)
        self.authenticate("admin.dunning", "admin.dunning")
        result, error = self._json(
            "/mail/message/update_content",
            {"message_id": comm.mail_message_id.id, "body": "forged", "attachment_ids": []},
        )
        self.assertEqual(error, USER_ERROR)
        self.assertIn("evidence", self.last_error)
        with self.assertRaises(UserError):
            comm.with_user(self.admin_manager)._message_update_content(
                comm.mail_message_id.with_user(self.admin_manager), body="forged"
            )
        # the system itself (sudo) does not rewrite what was sent either
        for vals in (
            {"state": "draft"},
            {"sent_date": TODAY - D(30)},
            {"amount_credit": 1.0},
            {"inalterable_hash": "0" * 64},
        ):
            with self.assertRaises(UserError):
                comm.sudo().write(vals)
        with self.assertRaises(UserError):
            comm.attachment_id.sudo().unlink()
        with self.assertRaises(UserError):
            comm.mail_message_id.sudo().unlink()
        self.assertEqual(self._snapshot(comm), before, "nothing changed")
        self.assertTrue(self.env.company._dunning_check_integrity()[0]["sealed"])
        self.assertFalse(self.env.company._dunning_check_integrity()[0]["breaks"])

    def test_error_messages_are_translated(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        comm = self._sent_email()
        comm = comm.with_user(self.collector).with_context(lang="fr_FR")
        with self.assertRaises(UserError) as caught:
            comm.write({"sent_date": TODAY - D(3)})
        self.assertIn("ne peuvent pas être écrites", str(caught.exception))
        with self.assertRaises(UserError) as caught:
            comm.attachment_id.unlink()
        self.assertIn("ne peut être ni modifié ni supprimé", str(caught.exception))

    def test_a_letter_to_post_is_not_marked_sent_by_a_user(self):
        invoice = self._invoices([(self.customer_2, TODAY - D(25), 200.0)])
        invoice.dunning_level_override_id = self.level_2
        letter = self._run(TODAY)
        with freeze_time(TODAY):
            letter.action_validate()
        self.assertEqual(letter.state, "to_send")
        self.assertEqual(letter.validated_uid, self.env.user, "set by the system")
        for login in ("collector.dunning", "manager.dunning"):
            self.authenticate(login, login)
            self._refused(
                COMM,
                "write",
                [letter.id],
                {"state": "sent", "sent_date": str(TODAY)},
                text="sending data",
            )
            self._refused(COMM, "write", [letter.id], {"state": "sent"})
            self._refused(COMM, "write", [letter.id], {"state": "draft"}, text="cannot go from")
            self._refused(COMM, "write", [letter.id], {"validated_uid": self.collector.id})
        letter.invalidate_recordset()
        self.assertEqual((letter.state, letter.sent_date), ("to_send", False))
        self.assertFalse(letter.inalterable_hash)
        # the documented way: Mark as Posted, by the collector
        with freeze_time(TODAY):
            self._mark_posted(letter.with_user(self.collector))
        self.assertEqual((letter.state, letter.sent_date), ("sent", TODAY))
        self.assertTrue(letter.inalterable_hash, "sealed once posted")

    def test_cancellation_with_reason_keeps_everything(self):
        comm = self._sent_email()
        before = self._snapshot(comm)
        self.authenticate("manager.dunning", "manager.dunning")
        self._refused(
            COMM,
            "write",
            [comm.id],
            {"state": "cancelled", "cancel_reason": "Paid"},
            text="sending data",
        )
        result, error = self._call(COMM, "action_cancel", [comm.id], "Customer paid by cheque")
        self.assertFalse(error)
        self.assertIn("1 communication(s) cancelled", result["params"]["message"])
        after = self._snapshot(comm)
        self.assertEqual(after["state"], "cancelled")
        self.assertEqual(comm.cancel_reason, "Customer paid by cheque")
        self.assertEqual(comm.cancel_uid, self.manager)
        for key in ("partner", "amount_due", "sent_date", "hash", "lines", "attachment", "email"):
            self.assertEqual(after[key], before[key], f"{key} kept")
        self.assertLessEqual(set(before["messages"]), set(after["messages"]), "messages kept")
        # cancelled is final, its reason too
        self._refused(COMM, "write", [comm.id], {"state": "to_send"}, text="cannot go from")
        self._refused(COMM, "write", [comm.id], {"cancel_reason": "Other"})
        self._call(COMM, "action_cancel", [comm.id], "Again")  # nothing left to cancel
        comm.invalidate_recordset()
        self.assertEqual(comm.cancel_reason, "Customer paid by cheque")
        self.assertFalse(self.env.company._dunning_check_integrity()[0]["breaks"])

    # -------------------------------------------------------------------------------------
    # Requirement 2: no communication fabricated as sent
    # -------------------------------------------------------------------------------------

    def test_no_communication_is_created_by_hand(self):
        invoice = self._invoices([(self.customer, TODAY - D(15), 100.0)])
        vals = {
            "name": "FORGED/1",
            "company_id": self.company.id,
            "date": str(TODAY - D(40)),
            "partner_id": self.customer.id,
            "level_id": self.level_1.id,
            "channel": "letter",
            "currency_id": self.company.currency_id.id,
            "state": "sent",
            "sent_date": str(TODAY - D(40)),
            "line_ids": [
                Command.create(
                    {
                        "move_id": invoice.id,
                        "move_name": invoice.name,
                        "currency_id": invoice.currency_id.id,
                        "amount_due": 100.0,
                    }
                )
            ],
        }
        count = self.env[COMM].search_count([])
        for login in ("collector.dunning", "manager.dunning"):
            self.authenticate(login, login)
            self._refused(COMM, "create", vals, error=ACCESS_ERROR)
            self._refused(COMM, "create", {**vals, "state": "draft"}, error=ACCESS_ERROR)
            self._refused(
                "account.dunning.communication.line",
                "create",
                {
                    "communication_id": 1,
                    "move_id": invoice.id,
                    "move_name": "X",
                    "currency_id": invoice.currency_id.id,
                },
                error=ACCESS_ERROR,
            )
        for user in (self.collector, self.manager):
            with self.assertRaises(AccessError):
                self.env[COMM].with_user(user).create({**vals, "state": "draft"})
        # not even the system creates one already sent
        with self.assertRaises(UserError):
            self.env[COMM].sudo().create(vals)
        self.assertEqual(self.env[COMM].search_count([]), count)
        # the run still makes them, for a collector
        with freeze_time(TODAY):
            run = (
                self.env["account.dunning.run"]
                .with_user(self.collector)
                .create({"company_id": self.company.id, "date": TODAY})
            )
            run.action_compute()
        self.assertEqual(run.communication_ids.line_ids.move_id, invoice)

    # -------------------------------------------------------------------------------------
    # Requirement 4: the trail
    # -------------------------------------------------------------------------------------

    def test_trail_of_hashes_and_check_integrity(self):
        first = self._sent_email(self.customer, 100.0)
        letter = self._posted_letter(self.customer_2, 200.0)
        comms = first | letter
        self.assertEqual(
            comms.mapped("secure_sequence_number"), [1, 2], "in the order they went out"
        )
        self.assertEqual(self.company.dunning_evidence_sequence, 2)
        Comm = self.env[COMM]
        values = (first | letter)._get_evidence_values()
        self.assertEqual(first.inalterable_hash, Comm._hash_evidence(values[first.id], ""))
        self.assertEqual(
            letter.inalterable_hash,
            Comm._hash_evidence(values[letter.id], first.inalterable_hash),
            "chained to the previous one",
        )
        self.assertEqual(len(values[letter.id]["document"]), 64, "the PDF's SHA-256")
        self.assertIn("Boulangerie Martin", values[first.id]["email_body"])
        self.assertEqual(values[first.id]["lines"][0][1], first.line_ids.move_name)
        # Check Integrity: OK
        action = self.company.with_user(self.manager).action_dunning_check_integrity()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("2 sent communication(s) is intact", action["params"]["message"])
        with self.assertRaises(AccessError):
            self.company.with_user(self.collector).action_dunning_check_integrity()
        # an amount changed behind the ORM's back
        self.env.flush_all()
        self.env.cr.execute(
            SQL("UPDATE account_dunning_communication SET amount_due = 1 WHERE id = %s", first.id)
        )
        self.env.invalidate_all()
        action = self.company.with_user(self.manager).action_dunning_check_integrity()
        self.assertEqual(action["params"]["type"], "danger")
        message = action["params"]["message"]
        self.assertIn(first.name, message)
        self.assertIn(first.inalterable_hash, message, "the stored hash")
        self.assertIn("changed after it was sent", message)
        self.assertNotIn(letter.name, message, "the next one still chains to the stored hash")
        # a line and a PDF tampered with, a link deleted
        self.env.cr.execute(
            SQL(
                "UPDATE account_dunning_communication_line SET amount_due = 1 "
                "WHERE communication_id = %s",
                letter.id,
            )
        )
        self.env.invalidate_all()
        breaks = self.company._dunning_check_integrity()[0]["breaks"]
        self.assertEqual(len(breaks), 2)
        self.assertIn(letter.name, breaks[1])
        self.env.cr.execute(
            SQL("DELETE FROM account_dunning_communication WHERE id = %s", letter.id)
        )
        self.env.invalidate_all()
        breaks = self.company._dunning_check_integrity()[0]["breaks"]
        self.assertIn("The trail numbers 2 to 2, the last ones, are missing", breaks[-1])

    def test_an_email_is_sealed_once_the_mail_queue_sent_it(self):
        self._invoices([(self.customer, TODAY - D(15), 100.0)])
        comm = self._run(TODAY, mail_queue=False)
        self.assertEqual((comm.state, comm.email_status), ("queued", "ready"))
        self.assertFalse(comm.inalterable_hash, "still in the mail queue: it may fail")
        self.assertFalse(self.company._dunning_check_integrity()[0]["breaks"])
        self._send_queue(comm)
        self.assertEqual(comm.email_status, "sent")
        self.assertTrue(comm.inalterable_hash)
        self.assertEqual(comm.secure_sequence_number, 1)

    def test_sealing_a_batch_reads_in_a_few_queries(self):
        """1,000 communications are sealed in as many queries as 10 (and the time it takes is
        printed)."""
        invoice = self._invoices([(self.customer_2, TODAY - D(25), 200.0)])
        counts = {}
        for size in (10, 1000):
            comms = (
                self.env[COMM]
                .sudo()
                .create(
                    [
                        {
                            "name": f"BATCH/{size}/{index}",
                            "company_id": self.company.id,
                            "date": TODAY,
                            "partner_id": self.customer_2.id,
                            "level_id": self.level_2.id,
                            "channel": "email",
                            "currency_id": self.company.currency_id.id,
                            "line_ids": [
                                Command.create(
                                    {
                                        "move_id": invoice.id,
                                        "move_name": invoice.name,
                                        "currency_id": invoice.currency_id.id,
                                        "amount_due": 200.0 + index,
                                    }
                                )
                            ],
                        }
                        for index in range(size)
                    ]
                )
            )
            # sent by email, the email not accepted yet: not sealed by the write
            comms = comms.with_context(tracking_disable=True)
            comms.write({"state": "to_send"})
            comms.write({"state": "sent", "sent_date": TODAY})
            self.assertFalse(any(comms.mapped("inalterable_hash")))
            self.env.flush_all()
            self.env.invalidate_all()
            start, queries = time.perf_counter(), self.env.cr.sql_log_count
            comms._seal_evidence()
            counts[size] = self.env.cr.sql_log_count - queries
            print(
                f"sealed {size} communications: {counts[size]} queries, "
                f"{time.perf_counter() - start:.2f} s"
            )
            self.assertTrue(all(comms.mapped("inalterable_hash")))
        self.assertLessEqual(counts[1000], counts[10])
        self.assertLess(counts[1000], 20)

    def test_update_seals_the_communications_sent_before_in_order(self):
        """The migration to 18.0.1.3.0 seals the communications sent before the trail existed,
        in the order they were sent."""
        later = self._posted_letter(self.customer_2, 200.0)
        earlier = self._sent_email(self.customer, 100.0)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE account_dunning_communication SET inalterable_hash = NULL, "
                "secure_sequence_number = NULL, sent_date = %s WHERE id = %s",
                TODAY - D(1),
                earlier.id,
            )
        )
        self.env.cr.execute(
            SQL(
                "UPDATE account_dunning_communication SET inalterable_hash = NULL, "
                "secure_sequence_number = NULL WHERE id = %s",
                later.id,
            )
        )
        self.env.cr.execute(
            SQL(
                "UPDATE res_company SET dunning_evidence_sequence = 0 WHERE id = %s",
                self.company.id,
            )
        )
        self.env.invalidate_all()
        breaks = self.company._dunning_check_integrity()[0]["breaks"]
        self.assertEqual(len(breaks), 2, "sent, not in the trail")
        path = (
            Path(get_module_path("account_dunning_fr")) / "migrations/18.0.1.3.0/post-migration.py"
        )
        spec = importlib.util.spec_from_file_location("dunning_post_migration_1_3", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.2.0")
        self.env.invalidate_all()
        self.assertEqual((earlier | later).mapped("secure_sequence_number"), [1, 2])
        self.assertEqual(
            self.company._dunning_check_integrity()[0],
            {"company": self.company, "sealed": 2, "breaks": []},
        )

    # -------------------------------------------------------------------------------------
    # The court dossier: only what went out, with its hash
    # -------------------------------------------------------------------------------------

    def test_court_dossier_lists_what_went_out_with_its_hash(self):
        letter = self._posted_letter(self.customer, 300.0)
        self._invoices([(self.customer, TODAY - D(15), 100.0)])
        with freeze_time(TODAY + D(1)):
            email = self._run(TODAY + D(1), mail_queue=False)
        self.assertEqual((email.state, email.email_status), ("queued", "ready"))
        with freeze_time(TODAY + D(30)):
            pdf = render_report(self.env, COURT_DOSSIER, self.customer.ids)
        self.assertIn(letter.name, pdf.text)
        self.assertIn(letter.inalterable_hash, pdf.text.replace("\n", "").replace(" ", ""))
        self.assertNotIn(email.name, pdf.text, "its email has not left: not evidence yet")
        with freeze_time(TODAY + D(1)):
            self._send_queue(email)
        with freeze_time(TODAY + D(30)):
            pdf = render_report(self.env, COURT_DOSSIER, self.customer.ids)
        compact = pdf.text.replace("\n", "").replace(" ", "")
        self.assertIn(email.name, pdf.text)
        for comm in letter | email:
            self.assertIn(comm.inalterable_hash, compact, f"the hash of {comm.name}")
