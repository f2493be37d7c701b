# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

import functools
import hashlib
import io
import json
import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_repr, format_amount, format_date, pdf

from ..tools.french import elide_before
from ..tools.wording import WORDING_KINDS, fill_placeholders
from .account_dunning_level import CHANNELS, PAPER_CHANNELS
from .dunning_documents import ensure_portal_tokens, partner_identifiers
from .dunning_feedback import done_notification
from .dunning_rights import check_dunning_manager
from .res_partner import POSTAL_ADDRESS_FIELDS

# Short link of a letter to pay online: PAYMENT_ROUTE/<payment code> (controllers/main.py).
PAYMENT_ROUTE = "/dunning/pay"
# Shipped email template of every tone: its subject and paragraphs follow ``document_kind``.
MAIL_TEMPLATE = "account_dunning_fr.mail_template_dunning"

_logger = logging.getLogger(__name__)

STATES = [
    ("draft", "To Validate"),
    ("waiting_rates", "Waiting for Rates"),
    ("to_send", "To Send"),
    ("queued", "Queued"),
    ("sent", "Sent"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
]
# The scheduled action that sends large selections in the background, batch after batch.
SEND_CRON = "account_dunning_fr.ir_cron_account_dunning_send"
# pg_try_advisory_xact_lock(CLICK_LOCK_NAMESPACE, communication id): one click at a time.
CLICK_LOCK_NAMESPACE = 0x44554F
# States in which a communication still holds its invoices: the next runs leave them alone.
PENDING_STATES = ("draft", "waiting_rates", "to_send", "queued", "failed")
# Tones of the levels that state the penalties: never sent with incomplete figures.
PENALTY_KINDS = ("firm", "formal_notice")
PENALTY_CHANNELS = ("email", *PAPER_CHANNELS)
# What the customer was told: frozen once the communication leaves the draft state.
FROZEN_FIELDS = {
    "name",
    "run_id",
    "company_id",
    "partner_id",
    "recipient_id",
    "level_id",
    "channel",
    "email_missing",
    "currency_id",
    "date",
    "line_ids",
    "amount_credit",
}
# Written by the system only (sending, cancellation, the trail), never by a user over RPC:
# under sudo() or in a method decorated with ``system_write``.
SYSTEM_FIELDS = {
    "sent_date",
    "sent_uid",
    "validated_uid",
    "cancel_reason",
    "cancel_date",
    "cancel_uid",
    "attachment_id",
    "mail_message_id",
    "inalterable_hash",
    "secure_sequence_number",
}
# What was sent and when: frozen for everyone, the system included, once the communication
# is sent (or sealed); the hashed ones besides FROZEN_FIELDS.
SENT_FIELDS = {
    "sent_date",
    "sent_uid",
    "validated_uid",
    "attachment_id",
    "mail_message_id",
    "inalterable_hash",
    "secure_sequence_number",
}
CANCEL_FIELDS = {"cancel_reason", "cancel_date", "cancel_uid"}
# The states a communication may go to from each state, whoever writes (sent is final but for
# a cancellation; cancelled is final).
TRANSITIONS = {
    "draft": {"waiting_rates", "to_send", "cancelled"},
    "waiting_rates": {"to_send", "cancelled"},
    "to_send": {"waiting_rates", "queued", "sent", "failed", "cancelled"},
    # an email in the mail queue: sent or failed as the queue reports it
    "queued": {"sent", "failed", "cancelled"},
    # a failed email that Odoo's queue delivers after all (its own retry) is sent
    "failed": {"to_send", "sent", "cancelled"},
    # a bounce reported after the email left: it did not reach the customer (system only)
    "sent": {"cancelled", "failed"},
    "cancelled": set(),
}
# Transitions only the system makes (the mail queue's outcome), never a user.
SYSTEM_TRANSITIONS = {("sent", "failed")}
# Communications whose messages and attachments are evidence: all but those to validate.
EVIDENCE_STATES = ("waiting_rates", "to_send", "sent", "failed", "cancelled")

# The mark of the system's own writes: a context value that no RPC request can carry (JSON and
# XML-RPC carry no Python object), unlike a context key alone.
_SYSTEM = object()
SYSTEM_CONTEXT_KEY = "dunning_system_write"


def system_write(method):
    """Run ``method`` as the system: the writes it makes of SYSTEM_FIELDS (and the state
    "sent") are the system's, whoever triggered it."""

    @functools.wraps(method)
    def as_system(self, *args, **kwargs):
        return method(self.with_context(**{SYSTEM_CONTEXT_KEY: _SYSTEM}), *args, **kwargs)

    return as_system


class AccountDunningCommunication(models.Model):
    """What one customer is told about its unpaid invoices, at one level, in one currency.

    Sent communications are evidence (for a formal notice or a court): they are never
    deleted or rewritten, only cancelled with a reason.
    """

    _name = "account.dunning.communication"
    _description = "Dunning Communication"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, index=True)
    run_id = fields.Many2one(
        "account.dunning.run", readonly=True, index=True, ondelete="restrict", check_company=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    date = fields.Date(required=True, readonly=True, help="Date the situation was assessed.")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True
    )
    recipient_id = fields.Many2one(
        "res.partner",
        readonly=True,
        index="btree_not_null",
        help="The invoicing contact of the customer when it has an email, else the customer.",
    )
    collector_id = fields.Many2one("res.users", tracking=True)
    level_id = fields.Many2one("account.dunning.level", required=True, readonly=True, index=True)
    policy_id = fields.Many2one(related="level_id.policy_id", store=True)
    channel = fields.Selection(CHANNELS, required=True, readonly=True)
    email_missing = fields.Boolean(
        string="No Email Address",
        readonly=True,
        help="The level asks for an email but the customer has no email address: a letter "
        "is sent instead.",
    )
    address_missing = fields.Boolean(
        string="No Postal Address",
        compute="_compute_address_missing",
        store=True,
        help="A letter or formal notice not sent yet whose customer has no complete postal "
        "address (street, zip and city): it waits for validation until the address is "
        "completed.",
    )
    auto_send = fields.Boolean(related="level_id.auto_send")
    state = fields.Selection(
        STATES,
        required=True,
        default="draft",
        tracking=True,
        index=True,
        help="An email is Queued until Odoo's mail queue has sent it: only then is it Sent "
        "(its invoices move to its level); an email the queue could not send, or that "
        "bounced, is Failed.",
    )
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    line_ids = fields.One2many(
        "account.dunning.communication.line", "communication_id", string="Invoices", readonly=True
    )
    invoice_count = fields.Integer(compute="_compute_amounts", store=True)
    amount_due = fields.Monetary(
        compute="_compute_amounts", store=True, help="Sum of the reminded invoices' amounts due."
    )
    is_courtesy = fields.Boolean(
        compute="_compute_amounts",
        store=True,
        help="None of the invoices is due yet: a courtesy reminder, worded as such.",
    )
    amount_interest = fields.Monetary(
        string="Late Interest",
        compute="_compute_amounts",
        store=True,
        help="Late-payment interest of the reminded invoices, not charged yet, as of the date.",
    )
    amount_indemnity = fields.Monetary(
        string="Recovery Indemnities",
        compute="_compute_amounts",
        store=True,
        help="Fixed recovery indemnities of the reminded invoices, not charged yet.",
    )
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    amount_indemnity_company = fields.Monetary(
        string="Recovery Indemnities (Company Currency)",
        compute="_compute_amount_indemnity_company",
        currency_field="company_currency_id",
        help="The recovery indemnities as claimed: 40 EUR per invoice (D441-5), whatever the "
        "invoices' currency.",
    )
    amount_credit = fields.Monetary(
        string="Unallocated Credits",
        readonly=True,
        help="Credit notes and payments of the customer not yet matched with an invoice, when "
        "the communication was made.",
    )
    amount_balance = fields.Monetary(
        string="Balance Due",
        compute="_compute_amounts",
        store=True,
        help="Amount due less credits.",
    )
    other_open_invoice_ids = fields.Many2many(
        "account.move",
        compute="_compute_other_invoices",
        string="Other Open Invoices",
        help="The customer's other open invoices, listed for information.",
    )
    disputed_invoice_ids = fields.Many2many(
        "account.move", compute="_compute_other_invoices", string="Disputed Invoices"
    )
    attachment_id = fields.Many2one("ir.attachment", string="Document", readonly=True, copy=False)
    mail_message_id = fields.Many2one(
        "mail.message", string="Email", readonly=True, copy=False, index="btree_not_null"
    )
    email_status = fields.Selection(
        [
            ("ready", "Queued"),
            ("sent", "Email Sent"),
            ("bounce", "Bounced"),
            ("exception", "Exception"),
            ("canceled", "Email Cancelled"),
        ],
        compute="_compute_email_status",
        store=True,
    )
    email_failure = fields.Char(compute="_compute_email_failure")
    failure_reason = fields.Text(readonly=True, copy=False)
    validated_uid = fields.Many2one("res.users", string="Validated By", readonly=True, copy=False)
    background_uid = fields.Many2one(
        "res.users",
        string="Sending Requested By",
        readonly=True,
        copy=False,
        help="Who validated, retried or computed it when it was left to the background sending: "
        "notified when that sending is over.",
    )
    sent_date = fields.Date(readonly=True, copy=False)
    sent_uid = fields.Many2one("res.users", string="Sent By", readonly=True, copy=False)
    registered_letter_number = fields.Char(copy=False, tracking=True)
    receipt_date = fields.Date(string="Proof of Receipt Date", copy=False, tracking=True)
    document_kind = fields.Selection(
        WORDING_KINDS,
        string="Tone",
        compute="_compute_document_texts",
        help="Tone of the letter and email: the level's, except that invoices already late are "
        "never worded as a courtesy reminder.",
    )
    document_intro = fields.Text(
        compute="_compute_document_texts",
        help="Opening paragraph of the letter and email, in the recipient's language.",
    )
    document_closing = fields.Text(compute="_compute_document_texts")
    document_deadline_date = fields.Date(
        string="Deadline to Pay",
        compute="_compute_document_texts",
        help="Date by which the customer is asked to pay, from the level's deadline.",
    )
    payment_code = fields.Char(
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Code of the short link printed on the letter to pay online.",
    )
    interest_note = fields.Char(
        string="Interest Incomplete",
        compute="_compute_waiting_reason",
        help="Says that the late interest is incomplete, and which rate is missing.",
    )
    waiting_reason = fields.Char(
        compute="_compute_waiting_reason",
        help="Why the communication cannot be sent yet: the late interest it states is "
        "incomplete because a reference rate is missing.",
    )
    cancel_reason = fields.Text(readonly=True, copy=False)
    cancel_date = fields.Date(readonly=True, copy=False)
    cancel_uid = fields.Many2one("res.users", string="Cancelled By", readonly=True, copy=False)
    inalterable_hash = fields.Char(
        string="Inalterability Hash",
        readonly=True,
        copy=False,
        help="Fingerprint of what was sent (document, email, recipient, amounts, invoices, "
        "dates), chained to the previous communication sent by the company: any later change "
        "is reported by Check Integrity.",
    )
    secure_sequence_number = fields.Integer(
        string="Trail Number",
        readonly=True,
        copy=False,
        help="Rank of the communication in the company's trail of sent communications.",
    )

    _sql_constraints = [
        ("name_company_unique", "UNIQUE(name, company_id)", "The reference must be unique."),
        ("payment_code_unique", "UNIQUE(payment_code)", "The payment code must be unique."),
        (
            "secure_sequence_unique",
            "UNIQUE(company_id, secure_sequence_number)",
            "Two communications cannot hold the same place in the trail.",
        ),
    ]

    @api.depends(
        "channel",
        "state",
        *(f"partner_id.{name}" for name in POSTAL_ADDRESS_FIELDS),
        *(f"recipient_id.{name}" for name in POSTAL_ADDRESS_FIELDS),
        *(f"recipient_id.commercial_partner_id.{name}" for name in POSTAL_ADDRESS_FIELDS),
    )
    def _compute_address_missing(self):
        for comm in self:
            comm.address_missing = (
                comm.channel in PAPER_CHANNELS
                and comm.state in PENDING_STATES
                and not (comm.recipient_id or comm.partner_id)._dunning_get_postal_partner()
            )

    @api.depends(
        "line_ids.amount_due",
        "line_ids.days_overdue",
        "line_ids.interest_amount",
        "line_ids.indemnity_amount",
        "amount_credit",
    )
    def _compute_amounts(self):
        for comm in self:
            comm.invoice_count = len(comm.line_ids)
            comm.is_courtesy = bool(comm.line_ids) and all(
                line.days_overdue <= 0 for line in comm.line_ids
            )
            comm.amount_due = sum(comm.line_ids.mapped("amount_due"))
            comm.amount_balance = max(comm.amount_due - comm.amount_credit, 0.0)
            comm.amount_interest = sum(comm.line_ids.mapped("interest_amount"))
            comm.amount_indemnity = sum(comm.line_ids.mapped("indemnity_amount"))

    @api.depends("line_ids.indemnity_company_amount")
    def _compute_amount_indemnity_company(self):
        for comm in self:
            comm.amount_indemnity_company = sum(comm.line_ids.mapped("indemnity_company_amount"))

    @api.depends("state", "level_id", "line_ids.missing_rate_semesters")
    @api.depends_context("lang")
    def _compute_waiting_reason(self):
        Rate = self.env["account.dunning.rate"]
        for comm in self:
            starts = [start for line in comm.line_ids for start in line._get_missing_rate_starts()]
            comm.interest_note = bool(starts) and Rate._get_incomplete_mention(starts)
            comm.waiting_reason = (
                bool(starts)
                and comm.state in ("draft", "waiting_rates")
                and comm._states_penalties()
                and self.env._(
                    "Waiting for the reference rate of %(semesters)s: the late interest this "
                    "communication states would be incomplete.",
                    semesters=Rate._get_semester_labels(starts),
                )
            )

    @api.depends("partner_id", "line_ids")
    def _compute_other_invoices(self):
        moves = self.env["account.move"].search(
            [
                *self.env["account.move"]._dunning_open_invoice_domain(),
                ("commercial_partner_id", "in", self.partner_id.ids),
                ("company_id", "in", self.company_id.ids),
            ],
            order="invoice_date_due, id",
        )
        by_partner = defaultdict(lambda: self.env["account.move"])
        for move in moves:
            by_partner[move.commercial_partner_id.id, move.company_id.id] |= move
        for comm in self:
            others = by_partner[comm.partner_id.id, comm.company_id.id] - comm.line_ids.move_id
            comm.disputed_invoice_ids = others.filtered("dunning_disputed")
            comm.other_open_invoice_ids = others - comm.disputed_invoice_ids

    @api.depends("mail_message_id.notification_ids.notification_status")
    def _compute_email_status(self):
        rank = {"exception": 5, "bounce": 4, "ready": 3, "sent": 2, "canceled": 1}
        for comm in self:
            statuses = comm.mail_message_id.notification_ids.filtered(
                lambda n: n.notification_type == "email"
            ).mapped("notification_status")
            comm.email_status = max(statuses, key=rank.get) if statuses else False

    @api.depends_context("lang")
    @api.depends(
        "mail_message_id.notification_ids.notification_status",
        "mail_message_id.notification_ids.failure_type",
        "mail_message_id.notification_ids.failure_reason",
    )
    def _compute_email_failure(self):
        """Why the email did not leave or came back, in the reader's language: the mail
        queue's own words when it gave some, else its kind of failure (never the technical
        code such as ``mail_smtp``)."""
        notifications = self.env["mail.notification"]
        kinds = dict(notifications._fields["failure_type"]._description_selection(self.env))
        for comm in self:
            failure = comm.mail_message_id.notification_ids.filtered(
                lambda n: n.notification_status in ("bounce", "exception")
            )[:1]
            if not failure:
                comm.email_failure = False
                continue
            kind = failure.failure_type != "unknown" and kinds.get(failure.failure_type)
            reason = " ".join(filter(None, [kind, failure.failure_reason]))
            comm.email_failure = self.env._(
                "The email could not be delivered: %(reason)s",
                reason=reason or self.env._("unknown error"),
            )

    @api.depends_context("lang")
    @api.depends(
        "level_id",
        "amount_balance",
        "amount_interest",
        "amount_indemnity",
        "date",
        "sent_date",
        "company_id.dunning_posting_delay_days",
    )
    def _compute_document_texts(self):
        for comm in self:
            if not comm.level_id:
                comm.document_intro = comm.document_closing = False
                comm.document_deadline_date = comm.document_kind = False
                continue
            comm.document_kind = comm._get_document_kind()
            comm.document_deadline_date = comm._get_deadline_date()
            texts = comm._get_document_texts()
            comm.document_intro = texts["intro"]
            comm.document_closing = texts["closing"]

    @api.model_create_multi
    def create(self, vals_list):
        """Communications are made by the dunning run (raw insert, under the run's rights) and,
        for the system, here: never by a user over RPC, never already sent."""
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "Communications are made by the dunning run only: they cannot be created "
                    "by hand."
                )
            )
        for vals in vals_list:
            if vals.get("state", "draft") not in ("draft", "waiting_rates", "to_send") or (
                SYSTEM_FIELDS.intersection(k for k, v in vals.items() if v)
            ):
                raise UserError(
                    self.env._(
                        "A communication is created to be validated or sent: it cannot be "
                        "created as sent, cancelled or with the sending data of the system."
                    )
                )
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("state") == "cancelled":
            check_dunning_manager(
                self.env, self.env._("Only a dunning manager can cancel a communication.")
            )
        self._check_evidence_write(vals)
        if vals.get("state") == "cancelled" and not vals.get("cancel_reason"):
            if any(comm.state == "sent" and not comm.cancel_reason for comm in self):
                raise UserError(
                    self.env._("A sent communication can only be cancelled with a reason.")
                )
        res = super().write(vals)
        if vals.get("state") == "sent":
            self._filter_to_seal()._seal_evidence()
        return res

    def _is_system(self):
        return self.env.su or self.env.context.get(SYSTEM_CONTEXT_KEY) is _SYSTEM

    def _as_system(self):
        return self.with_context(**{SYSTEM_CONTEXT_KEY: _SYSTEM})

    def _check_evidence_write(self, vals):
        """Refuse what would change the evidence: what the customer was told once validated,
        what was sent and when once sent, the cancellation once made, a state going back, and
        the system's fields or the state "sent" written by a user."""
        names = ", ".join(self.mapped("name"))
        system = self._is_system()
        if not system and (SYSTEM_FIELDS.intersection(vals) or vals.get("state") == "sent"):
            raise UserError(
                self.env._(
                    "%(names)s: the sending data of a communication (%(fields)s) is recorded "
                    "by the system when it is validated, sent or cancelled; it cannot be "
                    "written.",
                    names=names,
                    fields=", ".join(
                        sorted(
                            self._fields[f].string
                            for f in (SYSTEM_FIELDS.intersection(vals) or {"state"})
                        )
                    ),
                )
            )
        frozen = FROZEN_FIELDS.intersection(vals)
        if frozen and any(comm.state != "draft" for comm in self):
            raise UserError(
                self.env._(
                    "A validated or sent communication is evidence and cannot be edited "
                    "(%(fields)s). Cancel it with a reason instead.",
                    fields=", ".join(sorted(self._fields[f].string for f in frozen)),
                )
            )
        sent = SENT_FIELDS.intersection(vals)
        if sent and any(
            comm.inalterable_hash
            or comm.state not in ("draft", "waiting_rates", "to_send", "queued", "failed")
            for comm in self
        ):
            raise UserError(
                self.env._(
                    "%(names)s: what was sent and when (%(fields)s) is evidence and cannot be "
                    "changed.",
                    names=names,
                    fields=", ".join(sorted(self._fields[f].string for f in sent)),
                )
            )
        cancel = CANCEL_FIELDS.intersection(vals)
        if cancel and any(comm.state == "cancelled" for comm in self):
            raise UserError(
                self.env._(
                    "%(names)s: a cancellation is final; its reason, date and author cannot "
                    "be changed.",
                    names=names,
                )
            )
        state = vals.get("state")
        if state:
            labels = dict(self._fields["state"]._description_selection(self.env))
            wrong = self.filtered(
                lambda comm: comm.state != state
                and (
                    state not in TRANSITIONS[comm.state]
                    or ((comm.state, state) in SYSTEM_TRANSITIONS and not system)
                )
            )
            if wrong:
                raise UserError(
                    self.env._(
                        "%(names)s: a communication cannot go from %(from)s to %(to)s. A "
                        "sent communication can only be cancelled with a reason, and a "
                        "cancelled one stays cancelled.",
                        names=", ".join(wrong.mapped("name")),
                        **{"from": labels[wrong[0].state], "to": labels[state]},
                    )
                )

    def unlink(self):
        # before mail.thread deletes the messages: the refusal names the communications
        self._unlink_except_evidence()
        return super().unlink()

    @api.ondelete(at_uninstall=True)
    def _unlink_except_evidence(self):
        kept = self.filtered(lambda comm: comm.state != "draft")
        if kept:
            raise UserError(
                self.env._(
                    "Communications are evidence: %(names)s cannot be deleted because "
                    "they have been validated or sent. Cancel them with a reason instead.",
                    names=", ".join(kept.mapped("name")),
                )
            )

    def _message_update_content(self, message, body, attachment_ids=None, **kwargs):
        """The chatter's *Edit*: the messages of a validated or sent communication are
        evidence."""
        if self.state != "draft":
            raise UserError(self._get_evidence_message_error())
        return super()._message_update_content(
            message, body, attachment_ids=attachment_ids, **kwargs
        )

    def _get_evidence_message_error(self):
        return self.env._(
            "%(names)s: the messages and documents of a validated or sent communication are "
            "evidence; they cannot be edited or deleted. Post a note instead.",
            names=", ".join(self.mapped("name")),
        )

    # ---------------------------------------------------------------------------------------
    # Actions
    # ---------------------------------------------------------------------------------------

    @api.model
    def _action_view(self, domain):
        """The communications window, restricted to ``domain`` (smart buttons)."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_dunning_fr.action_account_dunning_communication"
        )
        action.update(domain=domain, context={"create": False})
        return action

    def action_validate(self):
        """Validate communications waiting for a person (one or many) and send them, with
        their penalties recomputed; those stating incomplete penalties wait for the rates.
        Many at once are sent in the background (see ``_send_or_defer``)."""
        self._lock_for_click()
        drafts = self.filtered(lambda comm: comm.state in ("draft", "waiting_rates"))
        if not drafts:
            raise UserError(
                self.env._("None of the selected communications is waiting for validation.")
            )
        drafts._recompute_penalties()
        drafts._check_sendable()
        drafts._as_system().write({"state": "to_send", "validated_uid": self.env.uid})
        return drafts._send_or_defer(
            self.env._(
                "%(count)s communications validated: they are being sent in the background.",
                count=len(drafts),
            ),
            done=self.env._("%(count)s communication(s) validated.", count=len(drafts)),
        )

    def action_recompute(self):
        """Refresh the penalties of draft or waiting communications (a rate was entered); the
        waiting ones whose figures are now complete are sent."""
        self._lock_for_click()
        todo = self.filtered(lambda comm: comm.state in ("draft", "waiting_rates"))
        if not todo:
            raise UserError(
                self.env._("Only communications to validate or waiting for rates are recomputed.")
            )
        todo._recompute_penalties()
        # Those waiting were validated (or sent automatically): complete now, they go.
        ready = todo.filtered(
            lambda comm: comm.state == "waiting_rates" and not comm.waiting_reason
        )
        ready.write({"state": "to_send"})
        return ready._send_or_defer(
            self.env._(
                "%(count)s communications complete: they are being sent in the background.",
                count=len(ready),
            ),
            done=self.env._(
                "%(count)s communication(s) recomputed, %(ready)s now complete.",
                count=len(todo),
                ready=len(ready),
            ),
        )

    def action_retry(self):
        self._lock_for_click()
        failed = self.filtered(lambda comm: comm.state == "failed")
        if not failed:
            raise UserError(self.env._("None of the selected communications has failed."))
        failed._check_sendable()
        failed.write({"state": "to_send", "failure_reason": False})
        return failed._send_or_defer(
            self.env._(
                "%(count)s communications to retry: they are being sent in the background.",
                count=len(failed),
            ),
            done=self.env._("%(count)s communication(s) retried.", count=len(failed)),
        )

    def _lock_for_click(self):
        """Take the communications for the current transaction, or say that another person
        (or a double click) is already validating or sending them: two clicks at once never
        send twice, nor end in a database error."""
        if not self:
            return
        self.env.cr.execute(
            SQL(
                "SELECT bool_and(pg_try_advisory_xact_lock(%s, id)) FROM unnest(%s::int[]) AS t(id)",
                CLICK_LOCK_NAMESPACE,
                self.ids,
            )
        )
        if not self.env.cr.fetchone()[0]:
            raise UserError(
                self.env._(
                    "These communications are already being validated or sent by another user "
                    "(or by a previous click). Reload the list in a moment to see their state."
                )
            )

    def _notify_sent_in_background(self, queue_domain):
        """Tell each person who validated or retried communications of this batch, once none
        of theirs is left in the sending queue (``queue_domain``), that the background sending
        is over."""
        users = self.background_uid
        if not users:
            return
        waiting = self._read_group(
            [*queue_domain, ("background_uid", "in", users.ids)], ["background_uid"]
        )
        for user in users - self.env["res.users"].union(*(user for (user,) in waiting)):
            user._bus_send(
                "simple_notification",
                {
                    "type": "success",
                    "title": self.env._("Sending in the background"),
                    "message": self.env._(
                        "The communications you validated have been sent. Those that could "
                        "not be are in the Failed filter, with the reason."
                    ),
                    "sticky": True,
                },
            )

    def _send_or_defer(self, message, done=None):
        """Send the communications to send at once, or, when they are more than the company's
        *Background Sending Above*, leave them in the queue of the scheduled action, which sends
        them in committed batches with its progress: a click never outlasts the request's time
        limit; the person who clicked is told when that sending is over (see
        ``_notify_sent_in_background``). Returns the notification saying so (``message``), or,
        when sent at once, the notification of ``done`` (what the click did) and of how many
        were sent, queued, left to print and post or failed (True without ``done``)."""
        comms = self.filtered(lambda comm: comm.state == "to_send")
        threshold = min(self.company_id.mapped("dunning_background_threshold") or [0])
        if len(comms) <= threshold:
            self.env["account.dunning.send"]._send_communications(comms)
            if not done:
                return True
            return done_notification(self.env, " ".join([done, *comms._describe_outcome()]))
        comms._as_system().write({"background_uid": self.env.uid})
        self.env.ref(SEND_CRON).sudo()._trigger()
        return done_notification(
            self.env,
            " ".join([message, self.env._("You will be notified when the sending is over.")]),
            title=self.env._("Sending in the background"),
            type_="info",
        )

    def _describe_outcome(self):
        """Where the communications stand after their sending, in a sentence (empty list when
        there were none to send)."""
        if not self:
            return []
        self.invalidate_recordset(["state"])
        counts = defaultdict(int)
        for comm in self:
            counts[comm.state] += 1
        env = self.env
        parts = {
            "sent": lambda count: env._("%(count)s sent", count=count),
            "queued": lambda count: env._("%(count)s in the mail queue", count=count),
            "to_send": lambda count: env._("%(count)s to print and post", count=count),
            "waiting_rates": lambda count: env._("%(count)s waiting for the rates", count=count),
            "failed": lambda count: env._("%(count)s failed", count=count),
        }
        described = [part(counts[state]) for state, part in parts.items() if counts[state]]
        return [env._("Outcome: %(parts)s.", parts=", ".join(described))]

    def action_mark_posted(self):
        """Letters and formal notices: the printed documents have been posted. Opens the
        dialog that asks for the posting date and the registered-letter numbers."""
        paper = self._get_to_post()
        if not paper:
            raise UserError(self.env._("Select letters or formal notices waiting to be posted."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Mark as Posted"),
            "res_model": "account.dunning.communication.post",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": paper.ids},
        }

    def action_print(self):
        """One PDF for all the selected communications, for batch printing."""
        comms = self.filtered(lambda comm: comm.level_id.report_id)
        if not comms:
            raise UserError(self.env._("The selected communications have no document to print."))
        by_report = comms.grouped(lambda comm: comm.level_id.report_id)
        if len(by_report) == 1:
            report, comms = next(iter(by_report.items()))
            return report.report_action(comms)
        # Letters and formal notices together: one wkhtmltopdf call per kind, one merged PDF.
        pdfs = [
            report._render_qweb_pdf(report.report_name, group.ids)[0]
            for report, group in by_report.items()
        ]
        attachment = self.env["ir.attachment"].create(
            {
                "name": self.env._("Dunning documents.pdf"),
                "raw": pdf.merge_pdf(pdfs),
                "mimetype": "application/pdf",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_cancel_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel Communications"),
            "res_model": "account.dunning.communication.cancel",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids},
        }

    def action_cancel(self, reason):
        check_dunning_manager(
            self.env, self.env._("Only a dunning manager can cancel a communication.")
        )
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason of the cancellation."))
        to_cancel = self.filtered(lambda comm: comm.state != "cancelled")
        sent = to_cancel.filtered(lambda comm: comm.state == "sent")
        to_cancel._as_system().write(
            {
                "state": "cancelled",
                "cancel_reason": reason.strip(),
                "cancel_date": fields.Date.context_today(self),
                "cancel_uid": self.env.uid,
            }
        )
        to_cancel._cancel_queued()
        sent._restore_invoices()
        body = Markup("<p>%s</p>") % self.env._("Cancelled: %(reason)s", reason=reason.strip())
        to_cancel._message_log_batch(dict.fromkeys(to_cancel.ids, body))
        return done_notification(
            self.env,
            self.env._(
                "%(count)s communication(s) cancelled, %(sent)s of them already sent: their "
                "invoices go back to their previous level.",
                count=len(to_cancel),
                sent=len(sent),
            )
            if sent
            else self.env._("%(count)s communication(s) cancelled.", count=len(to_cancel)),
            close=True,
        )

    def _cancel_queued(self):
        """What the communications queued does not go out: their emails still in the mail
        queue are cancelled, the collector's activities removed."""
        self._cancel_queued_mails()
        self.activity_ids.unlink()

    def _cancel_queued_mails(self):
        """The emails of the communications still in the mail queue (or failed) are cancelled:
        neither the queue nor a retry of the mail sends them."""
        if not self.mail_message_id:
            return
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("mail_message_id", "in", self.mail_message_id.ids),
                    ("state", "in", ("outgoing", "exception")),
                ]
            )
        )
        mails.cancel()
        # Their failed notifications too: Odoo's *Resend* of them would send the email again.
        self.env["mail.notification"].sudo().search(
            [
                ("mail_message_id", "in", self.mail_message_id.ids),
                ("notification_type", "=", "email"),
                ("notification_status", "not in", ("sent", "canceled")),
            ]
        ).write({"notification_status": "canceled"})

    def _restore_invoices(self):
        """The invoices of cancelled communications go back to the level, last date and
        override they had before they were sent, unless a later communication moved them."""
        self.env["account.move"].flush_model()
        self.env["account.dunning.communication.line"].flush_model()
        self.flush_model(["level_id", "sent_date"])
        moved = self.env.execute_query(
            SQL(
                """
                UPDATE account_move m
                   SET dunning_level_id = l.previous_level_id,
                       dunning_last_date = l.previous_last_date,
                       dunning_level_override_id = COALESCE(m.dunning_level_override_id,
                                                            l.previous_override_id)
                  FROM account_dunning_communication_line l
                  JOIN account_dunning_communication c ON c.id = l.communication_id
                 WHERE l.communication_id = ANY(%(ids)s)
                   AND l.previous_recorded
                   AND m.id = l.move_id
                   AND m.dunning_level_id = c.level_id
                   AND m.dunning_last_date = c.sent_date
                RETURNING m.id
                """,
                ids=self.ids,
            )
        )
        self.env["account.move"].invalidate_model(
            ["dunning_level_id", "dunning_last_date", "dunning_level_override_id"]
        )
        move_ids = {move_id for (move_id,) in moved}
        for company, comms in self.grouped("company_id").items():
            ids = sorted(move_ids.intersection(comms.line_ids.move_id.ids))
            if ids:
                self.env["account.move"]._dunning_update_next_dates(company, ids)

    def action_create_penalty_invoice(self):
        """Charge the interest and indemnities of the communication's invoices."""
        return self.line_ids.move_id.action_dunning_create_penalty_invoice()

    def action_view_invoices(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", self.line_ids.move_id.ids)]
        action["context"] = {"default_move_type": "out_invoice"}
        return action

    # ---------------------------------------------------------------------------------------
    # Sending
    # ---------------------------------------------------------------------------------------

    def _send(self):
        """Send the communications in state 'to send' (see ``account.dunning.send``)."""
        self.env["account.dunning.send"]._send_communications(self)

    def _drop_closed_invoices(self):
        """Leave out of the communications about to be sent the invoices no longer owed since
        they were prepared (reset to draft, cancelled, paid in full): the lines are removed,
        the amounts recomputed and the chatter says so; a communication left without invoices
        is cancelled with the reason. Returns the communications still to send."""
        closed = self.line_ids.filtered(lambda line: not line._is_still_due())
        if not closed:
            return self
        states = dict(self.env["account.move"]._fields["state"]._description_selection(self.env))
        payment_states = dict(
            self.env["account.move"]._fields["payment_state"]._description_selection(self.env)
        )
        notes = {}
        for comm, lines in closed.grouped("communication_id").items():
            reasons = ", ".join(
                "{} ({})".format(
                    line.move_name,
                    states[line.move_id.state]
                    if line.move_id.state != "posted"
                    else payment_states[line.move_id.payment_state],
                )
                for line in lines
            )
            body = Markup("<p>%s</p>") % self.env._(
                "Left out, no longer owed since the communication was prepared: %(invoices)s.",
                invoices=reasons,
            )
            notes[comm.id] = body
        emptied = closed.communication_id.filtered(lambda comm: not (comm.line_ids - closed))
        # Documents made before (a retry) would still claim them: made again, without them.
        redone = closed.communication_id - emptied
        redone._cancel_queued_mails()
        redone.filtered("attachment_id")._as_system().write({"attachment_id": False})
        redone.filtered("mail_message_id")._as_system().write({"mail_message_id": False})
        closed.sudo().unlink()  # a fact, not the user's edit: the invoices are not owed
        self.browse(notes)._message_log_batch(notes)
        if emptied:
            emptied._cancel_automatically(
                self.env._(
                    "Cancelled automatically: all its invoices were paid, cancelled or reset to "
                    "draft before it was sent."
                )
            )
        return self - emptied

    def _cancel_automatically(self, reason):
        """Cancel communications not sent yet, for ``reason`` found by the system (not a
        decision of the user: no manager right needed)."""
        self.sudo().write(
            {
                "state": "cancelled",
                "cancel_reason": reason,
                "cancel_date": fields.Date.context_today(self),
                "cancel_uid": self.env.uid,
            }
        )
        self._cancel_queued()
        body = Markup("<p>%s</p>") % reason
        self._message_log_batch(dict.fromkeys(self.ids, body))

    def _get_payment_means(self, bank):
        """{"transfer", "cheque": the sentence of each way to pay} of the letter, in the
        environment's language, the French "de" elided before the payee ("à l'ordre
        d'Atelier Dupont")."""
        self.ensure_one()
        company, lang = self.company_id, self.env.lang
        means = {}
        if bank:
            holder = bank.partner_id.name or company.name
            values = {"creditor": holder, "iban": bank.acc_number, "bic": bank.bank_bic}
            text = (
                self.env._(
                    "By bank transfer to %(creditor)s, IBAN %(iban)s, BIC %(bic)s, quoting the "
                    "payment reference of each invoice.",
                    **values,
                )
                if bank.bank_bic
                else self.env._(
                    "By bank transfer to %(creditor)s, IBAN %(iban)s, quoting the payment "
                    "reference of each invoice.",
                    **values,
                )
            )
            means["transfer"] = elide_before(text, holder, lang)
        text = self.env._(
            "By cheque payable to %(creditor)s, sent to the address above with the reference "
            "%(reference)s.",
            creditor=company.name,
            reference=self.name,
        )
        means["cheque"] = elide_before(text, company.name, lang)
        return means

    def _states_penalties(self):
        """A firm reminder or formal notice sent to the customer states the penalties (phone
        calls and hand-overs are tasks of the collector)."""
        self.ensure_one()
        return self.level_id.wording_kind in PENALTY_KINDS and self.channel in PENALTY_CHANNELS

    def _hold_incomplete(self):
        """Communications stating penalties (firm reminders, formal notices) are not sent with
        incomplete figures: those to send wait for the missing rates. Returns the others."""
        held = self.filtered(
            lambda comm: comm.state == "to_send"
            and comm._states_penalties()
            and any(comm.line_ids.mapped("missing_rate_semesters"))
        )
        held.write({"state": "waiting_rates"})
        return self - held

    def _recompute_penalties(self):
        """Refresh the interest and indemnity of the lines of draft or waiting communications
        as of each communication's date: one computation per date, one update."""
        comms = self.filtered(lambda comm: comm.state in ("draft", "waiting_rates"))
        Line = self.env["account.dunning.communication.line"]
        ids, interest, indemnity, indemnity_company, missing = [], [], [], [], []
        for day, day_comms in comms.grouped("date").items():
            lines = day_comms.line_ids
            penalties = lines.move_id._dunning_get_penalties(day)
            for line in lines:
                penalty = penalties.get(line.move_id.id, {})
                ids.append(line.id)
                interest.append(penalty.get("interest", 0.0))
                indemnity.append(penalty.get("indemnity", 0.0))
                indemnity_company.append(penalty.get("indemnity_company", 0.0))
                missing.append(Line._format_missing_rate_semesters(penalty))
        if not ids:
            return
        fnames = [
            "interest_amount",
            "indemnity_amount",
            "indemnity_company_amount",
            "missing_rate_semesters",
        ]
        Line.flush_model(fnames)
        self.env.execute_query(
            SQL(
                """
                UPDATE account_dunning_communication_line line
                   SET interest_amount = v.interest, indemnity_amount = v.indemnity,
                       indemnity_company_amount = v.indemnity_company,
                       missing_rate_semesters = v.missing
                  FROM unnest(%s::int[], %s::numeric[], %s::numeric[], %s::numeric[],
                              %s::varchar[])
                       AS v(id, interest, indemnity, indemnity_company, missing)
                 WHERE line.id = v.id
                """,
                ids,
                interest,
                indemnity,
                indemnity_company,
                missing,
            )
        )
        lines = Line.browse(ids)
        lines.invalidate_recordset(fnames)
        lines.modified(fnames)
        comms.invalidate_recordset(["interest_note", "waiting_reason"])
        comms.flush_recordset()

    @api.model
    def _resume_waiting(self, company):
        """Communications of ``company`` waiting for rates: recomputed, and sent once their
        figures are complete. Returns those ready to send."""
        waiting = self.search([("state", "=", "waiting_rates"), ("company_id", "=", company.id)])
        waiting._recompute_penalties()
        ready = waiting.filtered(lambda comm: not comm.waiting_reason)
        ready.write({"state": "to_send"})
        return ready

    def _append_enclosures(self, streams):
        """Append to each communication's PDF stream (``streams``, as prepared by
        ``ir.actions.report``) the PDF of its invoices, from Odoo's invoice report: one
        rendering for all the invoices."""
        moves = self.line_ids.move_id
        if not moves:
            return streams
        reports = self.env["ir.actions.report"]
        invoices = reports._render_qweb_pdf_prepare_streams(
            "account.account_invoices", {}, res_ids=moves.ids
        )
        for comm in self:
            enclosed = [
                invoices[move.id]["stream"].getvalue()
                for move in comm.line_ids.move_id
                if move.id in invoices
            ]
            if enclosed and comm.id in streams:
                merged = pdf.merge_pdf([streams[comm.id]["stream"].getvalue(), *enclosed])
                streams[comm.id]["stream"] = io.BytesIO(merged)
        return streams

    def _process_email_outcome(self):
        """What the mail queue did with the emails of the communications (mail.mail.send and
        the bounces): an email sent makes its communication Sent (its invoices move to its
        level, the evidence is logged, as of the day it left); an email the queue could not
        send makes it Failed with the reason, its invoices untouched; a sent email that
        bounces makes it Failed and puts its invoices back. Email copies of letters only
        show their status: the letter is evidence once posted."""
        comms = self.sudo().filtered(lambda comm: comm.mail_message_id and comm.channel == "email")
        if not comms:
            return
        # noted in the company's language (the queue runs as a scheduler user), as the run is
        langs = set(comms.company_id.partner_id.mapped("lang"))
        if len(langs) == 1:
            comms = comms.with_context(lang=langs.pop() or self.env.lang)
        notifications = (
            self.env["mail.notification"]
            .sudo()
            .search(
                [
                    ("mail_message_id", "in", comms.mail_message_id.ids),
                    ("notification_type", "=", "email"),
                ]
            )
        )
        by_message = notifications.grouped("mail_message_id")
        by_comm = {}
        for comm in comms:
            mine = by_message.get(comm.mail_message_id, notifications.browse())
            recipient = comm.recipient_id
            by_comm[comm] = (
                mine.filtered(lambda n, r=recipient: n.res_partner_id == r)[:1] or (mine[:1])
            )
        sent = comms.browse(
            comm.id
            for comm, notif in by_comm.items()
            if notif.notification_status == "sent" and comm.state in ("queued", "failed")
        )
        failed = defaultdict(list)  # {reason: communication ids}
        bounced = defaultdict(list)
        for comm, notif in by_comm.items():
            if notif.notification_status not in ("exception", "bounce"):
                continue
            if comm.state == "queued":
                failed[comm._get_email_failure_reason(notif)].append(comm.id)
            elif comm.state == "sent" and notif.notification_status == "bounce":
                bounced[comm._get_email_failure_reason(notif)].append(comm.id)
        if sent:
            sent.write({"failure_reason": False})
            sent._mark_sent()
        for reason, comm_ids in failed.items():
            comms.browse(comm_ids).write({"state": "failed", "failure_reason": reason})
        if bounced:
            returned = comms.browse([comm_id for ids in bounced.values() for comm_id in ids])
            for reason, comm_ids in bounced.items():
                comms.browse(comm_ids).write({"state": "failed", "failure_reason": reason})
            returned._restore_invoices()
            returned._log_evidence(bounced=True)

    def _get_email_failure_reason(self, notification):
        """Why the email of the communication did not reach the customer, readable, in the
        company's language (the mail queue that finds it runs as a scheduler user)."""
        self.ensure_one()
        env = self.with_context(lang=self.company_id.partner_id.lang or self.env.lang).env
        types = dict(notification._fields["failure_type"]._description_selection(env))
        detail = notification.failure_reason or notification.mail_mail_id.failure_reason
        kind = types.get(notification.failure_type) or ""
        if notification.notification_status == "bounce":
            return env._(
                "The email to %(email)s bounced: %(detail)s",
                email=self.recipient_id.email or "",
                detail=detail or kind,
            )
        return env._(
            "The mail queue could not send the email to %(email)s: %(detail)s",
            email=self.recipient_id.email or "",
            detail=" ".join(part for part in (kind, detail) if part),
        )

    @api.model
    def _process_pending_outcomes(self):
        """Queued communications whose email the queue has already dealt with (a crash
        between sending and recording): their outcome is recorded now."""
        self.search(
            [
                ("state", "=", "queued"),
                (
                    "mail_message_id.notification_ids.notification_status",
                    "in",
                    ("sent", "exception", "bounce"),
                ),
            ]
        )._process_email_outcome()

    # ---------------------------------------------------------------------------------------
    # Documents
    # ---------------------------------------------------------------------------------------

    def _get_document_lang(self):
        self.ensure_one()
        return self.recipient_id.lang or self.partner_id.lang or self.env.lang or "en_US"

    def _get_deadline_date(self):
        """Date by which the customer is asked to pay: the deadline of the level, counted from
        the day the communication went out (or was made, while not sent). A formal notice
        counts it from receipt: the company's posting delay is added for the letter to arrive."""
        self.ensure_one()
        days = self.level_id.payment_deadline_days or 0
        if self._is_registered_notice():
            days += self.company_id.dunning_posting_delay_days
        return fields.Date.add(self.sent_date or self.date, days=days)

    def _is_registered_notice(self):
        """A formal notice sent by registered letter (its deadline runs from receipt)."""
        self.ensure_one()
        return self.channel == "formal_notice"

    def _get_claim_total(self):
        """What the document demands: the balance due, the late interest and, from a
        professional, the recovery indemnities (the total of its claim table)."""
        self.ensure_one()
        indemnity = 0.0 if self.partner_id.dunning_customer_kind == "b2c" else self.amount_indemnity
        return self.amount_balance + self.amount_interest + indemnity

    def _get_postal_recipient(self):
        """Whose address the letter's window shows: the recipient, or its commercial entity
        when the recipient (an invoicing contact) has no complete address
        (res.partner._dunning_get_postal_partner)."""
        self.ensure_one()
        recipient = self.recipient_id or self.partner_id
        return recipient._dunning_get_postal_partner() or recipient.commercial_partner_id

    def _check_sendable(self):
        """Refuse to send a letter that cannot be posted as it is: no complete postal address
        (flagged when computed), or a formal notice without the company's signatory."""
        problems = self._get_sending_problems()
        if problems:
            raise UserError("\n".join(problems.values()))

    def _get_sending_problems(self):
        """{communication id: why it cannot be sent as it is}, for letters and formal notices."""
        problems = {}
        for comm in self.filtered(lambda comm: comm.channel in PAPER_CHANNELS):
            if comm.address_missing:
                problems[comm.id] = self.env._(
                    "%(name)s: %(customer)s has no complete postal address (street, zip and "
                    "city): a letter cannot be posted without it. Complete the customer's "
                    "address.",
                    name=comm.name,
                    customer=comm.partner_id.display_name,
                )
            elif comm.channel == "formal_notice" and not comm.company_id.dunning_signatory_name:
                problems[comm.id] = self.env._(
                    "%(name)s: a formal notice must be signed. Enter the signatory of "
                    "%(company)s (company form, Dunning tab).",
                    name=comm.name,
                    company=comm.company_id.name,
                )
        return problems

    def _get_document_kind(self):
        self.ensure_one()
        if self.is_courtesy:
            return "courtesy"
        kind = self.level_id.wording_kind
        return "first" if kind == "courtesy" else kind

    def _get_mail_template(self):
        """The level's email template, else the shipped one (which words each tone, e.g. a
        courtesy level reaching invoices already late as a first reminder)."""
        self.ensure_one()
        return self.level_id.mail_template_id or self.env.ref(
            MAIL_TEMPLATE, raise_if_not_found=False
        )

    def _get_document_texts(self):
        """Opening and closing paragraphs of the level, placeholders filled, in the
        environment's language."""
        self.ensure_one()
        lang = self.env.lang or "en_US"
        placeholders = {
            "amount": format_amount(
                self.env,
                self._get_claim_total()
                if self._get_document_kind() == "formal_notice"
                else self.amount_balance,
                self.currency_id,
                lang,
            ),
            "deadline_days": str(self.level_id.payment_deadline_days),
            "deadline_date": format_date(self.env, self._get_deadline_date(), lang_code=lang),
            "company": self.company_id.name,
            "customer": self.partner_id.name,
        }
        wording = self.level_id._get_wording(self._get_document_kind())
        return {
            "intro": fill_placeholders(wording["letter_intro"], placeholders),
            "closing": fill_placeholders(wording["letter_closing"], placeholders),
        }

    def _ensure_payment_codes(self):
        """Give the communications without one the random code of their short payment link,
        in one statement."""
        self.flush_recordset(["payment_code"])
        self.env.execute_query(
            SQL(
                "UPDATE account_dunning_communication "
                "SET payment_code = substr(md5(gen_random_uuid()::text), 1, 12) "
                "WHERE id = ANY(%s) AND payment_code IS NULL",
                self.ids,
            )
        )
        self.invalidate_recordset(["payment_code"])

    def _get_payment_invoices(self):
        """The invoices still open of the communication, the first due first: what its
        payment link leads to."""
        self.ensure_one()
        moves = self.line_ids.move_id.sorted(lambda move: (move.invoice_date_due, move.id))
        open_domain = self.env["account.move"]._dunning_open_invoice_domain()
        return moves.filtered_domain(open_domain) or moves

    def _get_document_values(self):
        """What the letters, formal notices and emails of the communications say, in batch.

        :return: {communication id: dict}; texts are in each recipient's language, amounts and
                 dates formatted for it, wording placeholders filled.
        """
        moves = self.line_ids.move_id
        if any(company.dunning_show_portal_link for company in self.company_id):
            ensure_portal_tokens(moves)
            self._ensure_payment_codes()
        moves.fetch(["payment_reference", "name", "partner_bank_id", "access_token"])
        values = {}
        for lang, comms in self.grouped(lambda comm: comm._get_document_lang()).items():
            env = self.with_context(lang=lang).env
            for comm in comms.with_env(env):
                company = comm.company_id
                partner = comm.partner_id
                consumer = partner.dunning_customer_kind == "b2c"
                total_claim = comm._get_claim_total()
                texts = comm._get_document_texts()
                legal = company._dunning_get_wording()
                comm_moves = comm.line_ids.move_id
                bank = comm_moves.partner_bank_id[:1] or company.partner_id.bank_ids[:1]
                show_links = company.dunning_show_portal_link
                values[comm.id] = {
                    "lang": lang,
                    "kind": comm._get_document_kind(),
                    "intro": texts["intro"],
                    "closing": texts["closing"],
                    "deadline_date": comm._get_deadline_date(),
                    "deadline_days": comm.level_id.payment_deadline_days,
                    "consumer": consumer,
                    "legal_text": legal[
                        "dunning_notice_legal_text_consumer"
                        if consumer
                        else "dunning_notice_legal_text"
                    ],
                    "consequences": legal[
                        "dunning_notice_consequences_consumer"
                        if consumer
                        else "dunning_notice_consequences"
                    ],
                    "registered_mention": legal["dunning_registered_mention"],
                    "signatory": company.dunning_signatory_name or company.name,
                    "address_partner": comm._get_postal_recipient(),
                    # on paper, one short link to pay online instead of a link per invoice
                    "payment_url": show_links
                    and f"{comm.get_base_url()}{PAYMENT_ROUTE}/{comm.payment_code}",
                    "signatory_function": legal["dunning_signatory_function"],
                    "creditor_identifiers": partner_identifiers(env, company.partner_id),
                    "debtor_identifiers": partner_identifiers(env, partner),
                    "bank": bank,
                    "payment_means": comm._get_payment_means(bank),
                    "total_claim": total_claim,
                    # firm documents list the other open invoices, for information
                    "other_invoices": (
                        comm.other_open_invoice_ids
                        if comm._get_document_kind() in ("firm", "formal_notice")
                        else self.env["account.move"]
                    ),
                    "payment_refs": {
                        move.id: move.payment_reference or move.name for move in comm_moves
                    },
                    "portal_urls": {
                        move.id: move.get_base_url() + move.get_portal_url()
                        for move in comm_moves
                        if show_links
                    },
                }
        return values

    def _get_to_post(self):
        """The letters and formal notices of ``self`` waiting to be posted."""
        return self.filtered(
            lambda comm: comm.state == "to_send" and comm.channel in PAPER_CHANNELS
        )

    def _mark_posted(self, posting_date):
        """The letters went to the post office on ``posting_date``."""
        today = fields.Date.context_today(self)
        for comm in self:
            if posting_date > today or posting_date < comm.date:
                raise UserError(
                    self.env._(
                        "%(name)s: the posting date must be between the date of the letter "
                        "(%(date)s) and today.",
                        name=comm.name,
                        date=format_date(self.env, comm.date),
                    )
                )
        self._mark_sent(posting_date)

    @system_write
    def _mark_sent(self, sent_date=None):
        """Record that the communications went out (today, or on ``sent_date``): invoices move
        to their level, evidence is logged on the customer and the invoices, levels with the
        flag put the customer on hold."""
        if not self:
            return
        today = sent_date or fields.Date.context_today(self)
        # who sent it: who queued the email, else who marks it sent (in the same write: once
        # sent, what was sent and when is frozen)
        # An email delivered again after a bounce is sealed already: its first sending stays
        # the evidence (the trail's hash covers its date); the new delivery is in its chatter.
        sealed = self.filtered("inalterable_hash")
        unsigned = (self - sealed).filtered(lambda comm: not comm.sent_uid)
        unsigned.write({"state": "sent", "sent_date": today, "sent_uid": self.env.uid})
        (self - sealed - unsigned).write({"state": "sent", "sent_date": today})
        sealed.write({"state": "sent"})
        lines = self.line_ids
        self.env["account.move"].flush_model()
        lines.flush_recordset()
        # Where the invoices were, so that cancelling the communication can put them back.
        self.env.execute_query(
            SQL(
                """
                UPDATE account_dunning_communication_line l
                   SET previous_level_id = m.dunning_level_id,
                       previous_last_date = m.dunning_last_date,
                       previous_override_id = m.dunning_level_override_id,
                       previous_recorded = TRUE
                  FROM account_move m
                 WHERE m.id = l.move_id AND l.id = ANY(%s)
                """,
                lines.ids,
            )
        )
        lines.invalidate_recordset(
            ["previous_level_id", "previous_last_date", "previous_override_id", "previous_recorded"]
        )
        self.env.execute_query(
            SQL(
                """
                UPDATE account_move m
                   SET dunning_level_id = v.level_id,
                       dunning_last_date = %(today)s,
                       dunning_level_override_id = NULL
                  FROM unnest(%(move_ids)s::int[], %(level_ids)s::int[]) AS v(move_id, level_id)
                 WHERE m.id = v.move_id
                """,
                today=today,
                move_ids=lines.move_id.ids,
                level_ids=[line.communication_id.level_id.id for line in lines],
            )
        )
        self.env["account.move"].invalidate_model(
            ["dunning_level_id", "dunning_last_date", "dunning_level_override_id"]
        )
        holding = self.filtered(lambda comm: comm.level_id.credit_hold)
        for company, comms in holding.grouped("company_id").items():  # holds are per company
            comms.partner_id.with_company(company)._dunning_put_on_hold("level")
        notices = self.filtered(lambda comm: comm.channel == "formal_notice")
        for company, comms in notices.grouped("company_id").items():  # litigation per company
            notified = comms.partner_id.with_company(company).filtered(
                lambda partner: partner.dunning_litigation_state in (False, "amicable")
            )
            if notified:  # the record of the notice, not a contact edit of the user
                notified.sudo().write(
                    {"dunning_litigation_state": "formal_notice", "dunning_litigation_date": today}
                )
        self._log_evidence()
        for company, comms in self.grouped("company_id").items():
            self.env["account.move"]._dunning_update_next_dates(company, comms.line_ids.move_id.ids)

    def _log_evidence(self, bounced=False):
        """Post one note per communication on the customer and on each invoice, in batch:
        that it was sent or, ``bounced``, that its email came back undelivered."""
        channels = dict(self._fields["channel"]._description_selection(self.env))
        partner_notes, move_notes = [], []
        for comm in self:
            values = {
                "level": comm.level_id.name,
                "channel": channels[comm.channel],
                "count": comm.invoice_count,
                "amount": format_amount(self.env, comm.amount_due, comm.currency_id),
            }
            text = (
                self.env._(
                    "Dunning %(level)s (%(channel)s) not received: the email bounced, the "
                    "invoices are back to their previous level.",
                    **values,
                )
                if bounced
                else self.env._(
                    "Dunning %(level)s (%(channel)s) sent: %(count)s invoice(s), "
                    "%(amount)s due.",
                    **values,
                )
            )
            body = Markup("<p>%s %s</p>") % (comm._get_html_link(title=comm.name), text)
            partner_notes.append((comm.partner_id.id, body))
            move_notes += [(line.move_id.id, body) for line in comm.line_ids]
        self.env["res.partner"]._dunning_message_log_batch(partner_notes)
        self.env["account.move"]._dunning_message_log_batch(move_notes)

    # ---------------------------------------------------------------------------------------
    # Trail of sent communications (inalterability)
    # ---------------------------------------------------------------------------------------

    def _filter_to_seal(self):
        """The communications that went out and are not sealed yet: sent, and for an email
        the email accepted by the mail queue (until then it may still fail)."""
        return self.filtered(
            lambda comm: comm.state == "sent"
            and not comm.inalterable_hash
            and (comm.channel != "email" or comm.email_status == "sent")
        )

    def _seal_evidence(self):
        """Store the hash of what each communication sent, chained to the previous one sealed
        by its company, as Odoo does for posted entries (``inalterable_hash``).

        Set-based: the data of all the communications read in a few queries, one update. The
        company rows are locked and their trail head updated, so that two transactions sealing
        for one company are serialised (the second one is retried) and cannot fork the trail.
        """
        if not self:
            return
        # the whole of each communication, whatever the rights of the user who sends it
        sealing = self.sudo()
        self.flush_model()
        company_ids = sorted(set(sealing.company_id.ids))
        heads = dict(
            self.env.execute_query(
                SQL(
                    """
                    SELECT id, COALESCE(dunning_evidence_sequence, 0) FROM res_company
                     WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE
                    """,
                    company_ids,
                )
            )
        )
        # sealed meanwhile by another transaction (committed before the lock was granted)
        unsealed = {
            comm_id
            for (comm_id,) in self.env.execute_query(
                SQL(
                    "SELECT id FROM account_dunning_communication "
                    "WHERE id = ANY(%s) AND inalterable_hash IS NULL",
                    sealing.ids,
                )
            )
        }
        todo = sealing.filtered(lambda comm: comm.id in unsealed)
        last_hashes = dict(
            self.env.execute_query(
                SQL(
                    """
                    SELECT company_id, inalterable_hash FROM account_dunning_communication
                      JOIN unnest(%s::int[], %s::int[]) AS head(company_id, seq)
                     USING (company_id)
                     WHERE secure_sequence_number = head.seq
                    """,
                    list(heads),
                    list(heads.values()),
                )
            )
        )
        ids, hashes, sequences = [], [], []
        for company, comms in todo.grouped("company_id").items():
            comms = comms.sorted(lambda comm: (comm.sent_date, comm.id))
            sequence = heads[company.id]
            chained = comms._compute_evidence_hashes(last_hashes.get(company.id, ""))
            for comm in comms:
                sequence += 1
                ids.append(comm.id)
                hashes.append(chained[comm.id])
                sequences.append(sequence)
            heads[company.id] = sequence
        if not ids:
            return
        self.env.execute_query(
            SQL(
                """
                UPDATE account_dunning_communication comm
                   SET inalterable_hash = v.hash, secure_sequence_number = v.seq
                  FROM unnest(%s::int[], %s::varchar[], %s::int[]) AS v(id, hash, seq)
                 WHERE comm.id = v.id
                """,
                ids,
                hashes,
                sequences,
            )
        )
        self.env.execute_query(
            SQL(
                """
                UPDATE res_company c SET dunning_evidence_sequence = v.seq
                  FROM unnest(%s::int[], %s::int[]) AS v(id, seq)
                 WHERE c.id = v.id
                """,
                list(heads),
                list(heads.values()),
            )
        )
        todo.invalidate_recordset(["inalterable_hash", "secure_sequence_number"])
        todo.company_id.invalidate_recordset(["dunning_evidence_sequence"])

    def _compute_evidence_hashes(self, previous_hash):
        """{communication id: hash}, each chained to the previous one of ``self`` (in order),
        the first to ``previous_hash``."""
        values = self._get_evidence_values()
        hashes = {}
        for comm in self:
            previous_hash = hashes[comm.id] = self._hash_evidence(values[comm.id], previous_hash)
        return hashes

    @api.model
    def _hash_evidence(self, values, previous_hash):
        """SHA-256 of the previous hash followed by ``values`` in canonical JSON."""
        record = json.dumps(values, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
        return hashlib.sha256((previous_hash + record).encode()).hexdigest()

    def _get_evidence_values(self):
        """{communication id: what it sent, as plain values}: the figures and references of the
        communication and of its invoices, the SHA-256 of its PDF, its email's subject, body
        and recipients. Read in batch."""
        self.fetch(
            [
                "name",
                "company_id",
                "partner_id",
                "recipient_id",
                "level_id",
                "channel",
                "currency_id",
                "date",
                "sent_date",
                "amount_due",
                "amount_credit",
                "amount_balance",
                "amount_interest",
                "amount_indemnity",
                "invoice_count",
                "attachment_id",
                "mail_message_id",
            ]
        )
        lines = self.line_ids
        lines.fetch(
            [
                "communication_id",
                "move_id",
                "move_name",
                "date_due",
                "currency_id",
                "amount_total",
                "amount_due",
                "interest_amount",
                "indemnity_amount",
            ]
        )
        self.attachment_id.fetch(["store_fname", "db_datas"])
        self.mail_message_id.fetch(["subject", "body", "partner_ids"])
        digits = {
            currency: currency.decimal_places for currency in self.currency_id | lines.currency_id
        }

        def amount(value, currency):
            return float_repr(value or 0.0, digits[currency])

        lines_by_comm = defaultdict(list)
        for line in lines.sorted("id"):
            lines_by_comm[line.communication_id.id].append(
                [
                    line.move_id.id,
                    line.move_name,
                    str(line.date_due or ""),
                    amount(line.amount_total, line.currency_id),
                    amount(line.amount_due, line.currency_id),
                    amount(line.interest_amount, line.currency_id),
                    amount(line.indemnity_amount, line.currency_id),
                ]
            )
        values = {}
        for comm in self:
            currency = comm.currency_id
            message = comm.mail_message_id
            document = comm.attachment_id.raw
            values[comm.id] = {
                "name": comm.name,
                "company": comm.company_id.id,
                "partner": comm.partner_id.id,
                "recipient": comm.recipient_id.id,
                "level": comm.level_id.id,
                "channel": comm.channel,
                "currency": currency.id,
                "date": str(comm.date),
                "sent_date": str(comm.sent_date or ""),
                "amount_due": amount(comm.amount_due, currency),
                "amount_credit": amount(comm.amount_credit, currency),
                "amount_balance": amount(comm.amount_balance, currency),
                "amount_interest": amount(comm.amount_interest, currency),
                "amount_indemnity": amount(comm.amount_indemnity, currency),
                "invoice_count": comm.invoice_count,
                "document": hashlib.sha256(document).hexdigest() if document else "",
                "email_subject": message.subject or "",
                "email_body": str(message.body or ""),
                "email_recipients": sorted(message.partner_ids.ids),
                "lines": lines_by_comm[comm.id],
            }
        return values

    def action_open_followup(self):
        """The follow-up screen of the communication's customer."""
        self.ensure_one()
        return (
            self.env["account.dunning.followup"]
            .with_company(self.company_id)
            ._open_for(self.partner_id)
        )
