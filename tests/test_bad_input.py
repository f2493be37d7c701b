"""Bad input is refused when entered, with a message a user understands (issue 12, req. 11
and 13): out-of-range delays and counts, deleting what the dunning history refers to, letters
to customers without a postal address."""

from datetime import timedelta as D

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import TODAY, DunningCase
from .documents import pdf_from_bytes


def pdf_text(pdf):
    return pdf_from_bytes(pdf).text


@tagged("post_install", "-at_install")
class TestBadInput(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(
            ["account_dunning_fr"], ["fr_FR"], overwrite=True
        )
        cls.fr = cls.env(context=dict(cls.env.context, lang="fr_FR"))

    def _refused(self, records, vals, word, exception=ValidationError):
        """Writing ``vals`` on ``records`` is refused with a message containing ``word``; the
        records keep their values."""
        before = records.read(list(vals))
        with self.assertRaises(exception) as caught, self.env.cr.savepoint():
            records.write(vals)
        self.assertIn(word, str(caught.exception))
        records.invalidate_recordset()
        self.assertEqual(records.read(list(vals)), before)
        return str(caught.exception)

    # ---------------------------------------------------------------------------------------
    # Requirement 11: values out of range
    # ---------------------------------------------------------------------------------------

    def test_level_delays_beyond_the_database_are_refused_with_a_message(self):
        # 3,000,000,000 does not fit an integer column: refused before the database sees it
        message = self._refused(self.level_call, {"delay_days": 3_000_000_000}, "3650")
        self.assertIn("Delay (days)", message)
        self.assertIn("3000000000", message)
        # 2,000,000,000 fits the column but would date the next reminder in year 5477840
        self._refused(self.level_call, {"delay_days": 2_000_000_000}, "between")
        self._refused(self.level_courtesy, {"delay_days": -366}, "-365")
        french = self._refused(
            self.level_call.with_env(self.fr), {"delay_days": 3651}, "saisissez une valeur entre"
        )
        self.assertIn("Délai (jours)", french)

    def test_new_level_out_of_range_is_refused_on_the_policy(self):
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            self.policy.write(
                {
                    "level_ids": [
                        Command.create({"name": "Far", "sequence": 9, "delay_days": 3_000_000_000})
                    ]
                }
            )
        self.assertIn("Delay (days)", str(caught.exception))
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.env["account.dunning.level"].create(
                {
                    "policy_id": self.policy.id,
                    "name": "Later",
                    "sequence": 9,
                    "delay_days": 40,
                    "min_gap_days": 5_000_000_000,
                }
            )
        self.assertEqual(len(self.policy.level_ids), 4)

    def test_level_bounds_are_accepted(self):
        self.level_courtesy.delay_days = -365
        self.level_call.delay_days = 3650
        self.level_1.write({"min_gap_days": 0, "payment_deadline_days": 0})
        self.level_2.write({"min_gap_days": 3650, "payment_deadline_days": 365})
        self.assertEqual(self.level_call.delay_days, 3650)
        self.assertEqual(self.level_2.payment_deadline_days, 365)
        inv = self._invoices([(self.customer, TODAY - D(400), 100.0)])
        comms = self._run(TODAY)
        self.assertEqual(comms.level_id, self.level_courtesy, "the run works with the bounds")
        self.assertTrue(inv.dunning_next_date)

    def test_level_gaps_and_deadlines_out_of_range(self):
        self._refused(self.level_1, {"min_gap_days": -1}, "Minimum Days Since Previous")
        self._refused(self.level_1, {"min_gap_days": 3651}, "3650")
        self._refused(self.level_1, {"payment_deadline_days": -1}, "Deadline to Pay")
        self._refused(self.level_1, {"payment_deadline_days": 366}, "365")

    def test_sequences_beyond_the_database_are_refused(self):
        reason = self.env["account.dunning.dispute.reason"].create({"name": "Goods damaged"})
        for records in (self.policy, self.level_1, reason):
            self._refused(records, {"sequence": 3_000_000_000}, "Sequence")
        self.policy.sequence = 2**31 - 1
        self.assertEqual(self.policy.sequence, 2**31 - 1)

    def test_promise_grace_days(self):
        promise = self.env["account.dunning.promise"].create(
            {
                "partner_id": self.customer.id,
                "date": TODAY + D(5),
                "amount": 100.0,
                "grace_days": 365,
            }
        )
        self.assertEqual(promise.pause_until, TODAY + D(370))
        promise.grace_days = 0
        self.assertEqual(promise.pause_until, TODAY + D(5))
        self._refused(promise, {"grace_days": 366}, "Grace Days")
        self._refused(promise, {"grace_days": -1}, "between 0 and 365")
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.env["account.dunning.promise"].create(
                {
                    "partner_id": self.customer.id,
                    "date": TODAY,
                    "amount": 10.0,
                    "grace_days": 3_000_000_000,
                }
            )

    def test_payment_plan_grace_days_and_installments(self):
        plan = self.env["account.dunning.payment.plan"].create(
            {"partner_id": self.customer.id, "grace_days": 365, "installment_count": 120}
        )
        plan.write({"grace_days": 0, "installment_count": 1})
        self._refused(plan, {"grace_days": 366}, "Grace Days")
        self._refused(plan, {"installment_count": 0}, "Number of Installments")
        self._refused(plan, {"installment_count": 121}, "between 1 and 120")
        french = self._refused(
            plan.with_env(self.fr), {"installment_count": 3_000_000_000}, "entre 1 et 120"
        )
        self.assertIn("Nombre d'échéances", french)

    def test_last_level_of_an_active_policy_cannot_be_deleted(self):
        levels = self.policy.level_ids
        with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
            levels.unlink()
        self.assertIn("archive the policy", str(caught.exception))
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self.policy.write({"level_ids": [Command.delete(level.id) for level in levels]})
        self.assertEqual(self.policy.level_ids, levels)
        (levels - self.level_1).unlink()
        with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
            self.level_1.with_env(self.fr).unlink()
        self.assertIn("archivez la politique", str(caught.exception))
        self.assertEqual(self.policy.level_ids, self.level_1)
        # an archived policy may lose its last level; it needs one again to be reactivated
        self.policy.active = False
        self.level_1.unlink()
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.policy.active = True

    # ---------------------------------------------------------------------------------------
    # Requirement 13: deleting what the dunning history refers to
    # ---------------------------------------------------------------------------------------

    def _deletion_refused(self, records, *words):
        with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
            records.unlink()
        message = str(caught.exception)
        self.assertNotIn("another model requires", message)
        for word in words:
            self.assertIn(word, message)
        self.assertTrue(records.exists())
        return message

    def test_used_level_and_policy_cannot_be_deleted(self):
        invoices = self._invoices(
            [(self.customer, TODAY + D(2), 100.0), (self.customer_2, TODAY + D(1), 50.0)]
        )
        comms = self._run(TODAY)
        self.assertEqual(len(comms), 2)
        self.assertEqual(invoices.dunning_level_id, self.level_courtesy)
        self._deletion_refused(
            self.level_courtesy,
            "The level Test policy / Courtesy was used by 2 communication(s), 2 invoice(s)",
            "Archive its policy instead",
        )
        self.assertEqual(comms.level_id, self.level_courtesy)
        self._deletion_refused(
            self.policy.with_env(self.fr),
            "La politique de relance Test policy a été utilisée par 2 relance(s), 2 facture(s)",
            "Archivez-la",
        )
        self.policy.active = False  # what the message offers
        self.assertFalse(self.policy.active)
        self.assertTrue(self.policy.exists())

    def test_level_named_by_an_override_or_a_plan_cannot_be_deleted(self):
        inv = self._invoices([(self.customer, TODAY - D(40), 100.0)])
        inv.dunning_level_override_id = self.level_2
        self._deletion_refused(self.level_2, "1 invoice(s)")
        inv.dunning_level_override_id = False
        self.env["account.dunning.payment.plan"].create(
            {
                "partner_id": self.customer.id,
                "breach_action": "level",
                "breach_level_id": self.level_2.id,
            }
        )
        self._deletion_refused(self.level_2, "1 payment plan(s)")

    def test_unused_level_and_policy_can_be_deleted(self):
        self.level_call.unlink()
        self.assertFalse(self.level_call.exists())
        other = self.policy.copy({"name": "Copy", "is_default": False})
        other.unlink()
        self.assertFalse(other.exists())

    def test_used_dispute_reason_cannot_be_deleted(self):
        reason, unused = self.env["account.dunning.dispute.reason"].create(
            [{"name": "Goods damaged"}, {"name": "Never delivered"}]
        )
        invoices = self._invoices([(self.customer, TODAY, 100.0), (self.customer_2, TODAY, 100.0)])
        invoices.write({"dunning_disputed": True, "dunning_dispute_reason_id": reason.id})
        self._deletion_refused(
            reason, "The dispute reason Goods damaged was used by 2 invoice(s)", "Archive it"
        )
        self.assertEqual(invoices.dunning_dispute_reason_id, reason, "the invoices keep it")
        reason.active = False
        unused.unlink()
        self.assertFalse(unused.exists())

    def test_customer_and_contact_of_the_history_cannot_be_deleted(self):
        self.contact.type = "invoice"
        self._invoices([(self.contact, TODAY + D(2), 100.0)])
        comms = self._run(TODAY)
        self.assertEqual(comms.recipient_id, self.contact)
        self._deletion_refused(
            self.customer, "Boulangerie Martin SARL was used by 1 communication(s)", "Archive it"
        )
        self._deletion_refused(self.contact, "1 communication(s)")
        with_promise = self.env["res.partner"].create({"name": "Quincaillerie Roux"})
        self.env["account.dunning.promise"].create(
            {"partner_id": with_promise.id, "date": TODAY + D(5), "amount": 10.0}
        )
        french = self._deletion_refused(with_promise.with_env(self.fr), "1 promesse(s)")
        self.assertIn("Archivez-le", french)
        with_plan = self.env["res.partner"].create({"name": "Menuiserie Blanc"})
        self.env["account.dunning.payment.plan"].create({"partner_id": with_plan.id})
        self._deletion_refused(with_plan, "1 payment plan(s)")
        nobody = self.env["res.partner"].create({"name": "Prospect"})
        nobody.unlink()
        self.assertFalse(nobody.exists())

    # ---------------------------------------------------------------------------------------
    # Requirement 11: letters to customers without a postal address
    # ---------------------------------------------------------------------------------------

    def _address(self, partner, street, zip_code="33000", city="Bordeaux"):
        partner.write({"street": street, "zip": zip_code, "city": city})

    def test_letters_of_a_batch_without_one_address(self):
        self._address(self.customer, "3 place Gambetta")
        self._address(self.customer_2, "5 quai de la Fosse", "44000", "Nantes")
        nowhere = self.env["res.partner"].create(
            {"name": "Traiteur Sans Adresse", "is_company": True, "city": "Lyon"}
        )
        self.level_2.auto_send = True
        invoices = self._invoices(
            [
                (self.customer, TODAY - D(25), 100.0),
                (self.customer_2, TODAY - D(25), 200.0),
                (nowhere, TODAY - D(25), 300.0),
            ]
        )
        invoices.dunning_level_override_id = self.level_2
        comms = self._run(TODAY)
        self.assertEqual(comms.mapped("channel"), ["letter"] * 3)
        flagged = comms.filtered("address_missing")
        self.assertEqual(flagged.partner_id, nowhere)
        self.assertEqual(flagged.state, "draft", "not sent: it waits for the address")
        self.assertFalse(flagged.attachment_id)
        produced = comms - flagged
        self.assertEqual(produced.mapped("state"), ["to_send", "to_send"])
        self.assertTrue(all(produced.mapped("attachment_id")), "the other letters are produced")
        self.assertEqual(
            self.env["account.dunning.communication"].search(
                [("address_missing", "=", True), ("run_id", "=", comms.run_id.id)]
            ),
            flagged,
            "the filter of the list finds it",
        )
        # the street is entered: the letter can be validated and posted
        nowhere.street = "8 rue d'Antrain"
        self.assertTrue(flagged.address_missing, "no zip code yet")
        with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
            flagged.action_validate()
        self.assertIn("no complete postal address", str(caught.exception))
        nowhere.zip = "69001"
        self.assertFalse(flagged.address_missing)
        flagged.action_validate()
        self.assertEqual(flagged.state, "to_send")
        self.assertTrue(flagged.attachment_id)

    def test_contact_without_address_uses_its_company_address(self):
        self.contact.write({"type": "invoice", "street": False})
        self.customer.street = False
        inv = self._invoices([(self.contact, TODAY - D(25), 100.0)])
        inv.dunning_level_override_id = self.level_2
        comms = self._run(TODAY)
        self.assertEqual((comms.channel, comms.recipient_id), ("letter", self.contact))
        self.assertTrue(comms.address_missing, "neither the contact nor its company has one")
        self._address(self.customer, "3 place Gambetta")
        self.assertFalse(comms.address_missing, "the company's address is printed")
        self.assertEqual(self.contact._dunning_get_postal_partner(), self.customer)
        self._address(self.contact, "1 rue du Port", "17000", "La Rochelle")
        self.assertEqual(self.contact._dunning_get_postal_partner(), self.contact)
        self.customer.zip = False
        self.assertEqual(self.customer._dunning_get_postal_partner(), self.customer.browse())

    def test_email_level_without_email_nor_address_waits(self):
        self.customer.write({"email": False, "street": False})
        self.contact.email = False
        self._invoices([(self.customer, TODAY + D(2), 100.0)])
        comms = self._run(TODAY)
        self.assertEqual(comms.channel, "letter")
        self.assertTrue(comms.email_missing and comms.address_missing)
        self.assertEqual(comms.state, "draft", "the courtesy level sends itself, not this one")
        self.assertFalse(comms.attachment_id)

    def test_emails_are_not_flagged_and_sent_letters_are_not_either(self):
        self._invoices([(self.customer, TODAY + D(2), 100.0)])
        email = self._run(TODAY)
        self.assertEqual((email.channel, email.state), ("email", "sent"))
        self.assertFalse(email.address_missing, "an email needs no postal address")
        letter = self._sent_formal_notice(
            self._invoices([(self.customer_2, TODAY - D(70), 100.0)]), TODAY
        )
        self.assertFalse(letter.address_missing, "what was sent is not to be posted any more")

    def test_company_posting_delay(self):
        self.company.dunning_posting_delay_days = 30
        self.company.dunning_posting_delay_days = 0
        self._refused(self.company, {"dunning_posting_delay_days": -1}, "Posting Delay (days)")
        self._refused(
            self.company, {"dunning_posting_delay_days": 3_000_000_000}, "between 0 and 30"
        )

    def test_one_failing_letter_does_not_fail_the_others(self):
        # a letter template that breaks on the data of one customer (no internal reference)
        self.env["ir.ui.view"].create(
            {
                "name": "Fragile letter",
                "type": "qweb",
                "key": "account_dunning_fr.test_fragile_letter",
                "arch": """
                    <t t-name="account_dunning_fr.test_fragile_letter">
                        <t t-call="web.html_container">
                            <t t-foreach="docs" t-as="doc">
                                <div class="page">
                                    <p>Reference <t t-out="doc.partner_id.ref.upper()"/></p>
                                </div>
                            </t>
                        </t>
                    </t>
                """,
            }
        )
        fragile = self.env["ir.actions.report"].create(
            {
                "name": "Fragile letter",
                "model": "account.dunning.communication",
                "report_type": "qweb-pdf",
                "report_name": "account_dunning_fr.test_fragile_letter",
            }
        )
        self.level_2.write({"auto_send": True, "report_id": fragile.id})
        self.customer.ref = "c-001"
        self.customer_2.ref = False
        third = self.env["res.partner"].create(
            {
                "name": "Fromagerie Durand",
                "is_company": True,
                "ref": "c-003",
                "street": "2 rue Basse",
                "zip": "35000",
                "city": "Rennes",
            }
        )
        invoices = self._invoices(
            [
                (self.customer, TODAY - D(25), 100.0),
                (self.customer_2, TODAY - D(25), 200.0),
                (third, TODAY - D(25), 300.0),
            ]
        )
        invoices.dunning_level_override_id = self.level_2
        comms = self._run(TODAY)
        self.assertEqual(len(comms), 3)
        failed = comms.filtered(lambda comm: comm.state == "failed")
        self.assertEqual(failed.partner_id, self.customer_2, "only the letter that fails")
        self.assertIn("upper", failed.failure_reason, "with the reason")
        self.assertFalse(failed.attachment_id)
        produced = comms - failed
        self.assertEqual(produced.mapped("state"), ["to_send", "to_send"])
        for comm in produced:
            text = pdf_text(comm.attachment_id.raw)
            self.assertIn(f"Reference {comm.partner_id.ref.upper()}", text)
        # the reference entered, the retry produces it
        self.customer_2.ref = "c-002"
        failed.action_retry()
        self.assertEqual(failed.state, "to_send")
        self.assertIn("Reference C-002", pdf_text(failed.attachment_id.raw))
