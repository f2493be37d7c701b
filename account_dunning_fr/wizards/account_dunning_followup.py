# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

import base64
from datetime import date

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount

from ..models.dunning_rights import check_dunning_manager
from .account_dunning_aged_balance import bucket_sql, flush_receivables, open_items_sql

CALL_TYPE = "mail.mail_activity_data_call"
STATEMENT_REPORT = "account_dunning_fr.action_report_dunning_statement"
ITEM_KINDS = [
    ("invoice", "Invoice"),
    ("refund", "Credit Note"),
    ("payment", "Unallocated Payment"),
    ("other", "Other Entry"),
]


def notification(env, message, title=None, kind="success"):
    """The client action telling the user what a button did, then reloading the screen."""
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": {
            "type": kind,
            "title": title or env._("Follow-up"),
            "message": message,
            "sticky": False,
            "next": {"type": "ir.actions.client", "tag": "soft_reload"},
        },
    }


class AccountDunningFollowup(models.TransientModel):
    """One customer's situation on one screen, in the current company, as of today: its open
    items (one ``INSERT ... SELECT``, the open items of the aged balance), their totals by the
    company's ageing buckets, the history of communications, promises, plans and calls, and
    the actions of the collector. Opened from the customer form, a communication and the
    worklist (``res.partner.action_dunning_followup``)."""

    _name = "account.dunning.followup"
    _description = "Customer Follow-up"
    _check_company_auto = True

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(string="As of", required=True, readonly=True)
    line_ids = fields.One2many(
        "account.dunning.followup.line", "followup_id", string="Open Items", readonly=True
    )
    amount_due = fields.Monetary(string="Balance Due", compute="_compute_totals")
    amount_overdue = fields.Monetary(string="Overdue", compute="_compute_totals")
    bucket_summary = fields.Html(string="Ageing", compute="_compute_totals", sanitize=False)
    interest_total = fields.Monetary(string="Late Interest", compute="_compute_totals")
    indemnity_total = fields.Monetary(string="Indemnities", compute="_compute_totals")
    policy_id = fields.Many2one("account.dunning.policy", compute="_compute_policy_id")
    level_id = fields.Many2one(
        "account.dunning.level",
        string="Reminder Level",
        domain="[('policy_id', '=', policy_id)]",
        help="Level of the reminder sent now about the overdue invoices (the next level "
        "proposed).",
    )
    collector_id = fields.Many2one(related="partner_id.dunning_collector_id")
    credit_hold = fields.Boolean(related="partner_id.dunning_credit_hold")
    credit_hold_reason = fields.Selection(related="partner_id.dunning_credit_hold_reason")
    communication_ids = fields.Many2many(
        "account.dunning.communication", compute="_compute_history", string="Communications"
    )
    promise_ids = fields.Many2many(
        "account.dunning.promise", compute="_compute_history", string="Promises"
    )
    plan_ids = fields.Many2many(
        "account.dunning.payment.plan", compute="_compute_history", string="Payment Plans"
    )
    call_ids = fields.Many2many("mail.message", compute="_compute_history", string="Calls")

    def _compute_display_name(self):
        for followup in self:
            followup.display_name = self.env._(
                "Follow-up of %(customer)s", customer=followup.partner_id.display_name
            )

    @api.depends("line_ids")
    def _compute_totals(self):
        Line = self.env["account.dunning.followup.line"]
        labels = self.env["account.dunning.aged.balance.line"]._selection_bucket()
        groups = Line._read_group(
            [("followup_id", "in", self.ids)], ["followup_id", "bucket"], ["amount:sum"]
        )
        amounts = {(followup.id, bucket): amount for followup, bucket, amount in groups}
        for followup in self:
            lines = followup.line_ids
            followup.amount_due = sum(amounts.get((followup.id, key), 0.0) for key, _l in labels)
            followup.amount_overdue = followup.amount_due - amounts.get((followup.id, "0"), 0.0)
            followup.interest_total = sum(lines.mapped("interest_amount"))
            followup.indemnity_total = sum(lines.mapped("indemnity_amount"))
            cells = Markup("").join(
                Markup(
                    '<div class="col text-center border-end"><div class="text-muted small">'
                    "%s</div><div>%s</div></div>"
                )
                % (
                    label,
                    format_amount(
                        self.env, amounts.get((followup.id, key), 0.0), followup.currency_id
                    ),
                )
                for key, label in labels
            )
            followup.bucket_summary = (
                Markup('<div class="row g-0 o_dunning_followup_buckets">%s</div>') % cells
            )

    def _compute_policy_id(self):
        Policy = self.env["account.dunning.policy"]
        for company, followups in self.grouped("company_id").items():
            policies = Policy._get_partner_policies(followups.partner_id, company)
            for followup in followups:
                followup.policy_id = policies.get(
                    followup.partner_id.commercial_partner_id.id, Policy
                )

    def _compute_history(self):
        call_type = self.env.ref(CALL_TYPE)
        for followup in self:
            partner = followup.partner_id
            company = [("company_id", "=", followup.company_id.id)]
            followup.communication_ids = self.env["account.dunning.communication"].search(
                [("partner_id", "=", partner.id), *company], order="date desc, id desc"
            )
            followup.promise_ids = self.env["account.dunning.promise"].search(
                [("partner_id", "=", partner.id), *company], order="date desc"
            )
            followup.plan_ids = self.env["account.dunning.payment.plan"].search(
                [("partner_id", "=", partner.id), *company], order="id desc"
            )
            contacts = partner.search([("id", "child_of", partner.id)])
            followup.call_ids = self.env["mail.message"].search(
                [
                    ("mail_activity_type_id", "=", call_type.id),
                    "|",
                    "&",
                    ("model", "=", "res.partner"),
                    ("res_id", "in", contacts.ids),
                    "&",
                    ("model", "=", "account.dunning.communication"),
                    ("res_id", "in", followup.communication_ids.ids),
                ],
                order="date desc, id desc",
            )

    # -- opening ----------------------------------------------------------------------------

    @api.model
    def _open_for(self, partner):
        """The follow-up of ``partner``'s commercial entity as of today, filled, as a window."""
        partner = partner.commercial_partner_id
        partner.ensure_one()
        followup = self.create({"partner_id": partner.id, "date": fields.Date.context_today(self)})
        followup._fill_lines()
        followup.level_id = followup._default_level()
        return followup._action_reopen()

    def _action_reopen(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.display_name,
            "res_model": self._name,
            "res_id": self.id,
            "views": [
                (self.env.ref("account_dunning_fr.account_dunning_followup_view_form").id, "form")
            ],
            "target": "current",
        }

    def _fill_lines(self):
        """The customer's open items as of the date, in one ``INSERT ... SELECT`` whatever their
        number: invoices, credit notes and unallocated payments, with their bucket."""
        self.ensure_one()
        self.line_ids.unlink()
        flush_receivables(self.env)
        self.env["account.move"].flush_model(["move_type"])
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO account_dunning_followup_line (
                    followup_id, company_id, move_line_id, move_id, kind, date_due,
                    days_overdue, bucket, level_id, amount,
                    create_uid, create_date, write_uid, write_date)
                SELECT %(followup)s, items.company_id, items.move_line_id, items.move_id,
                       CASE WHEN am.move_type = 'out_invoice' THEN 'invoice'
                            WHEN am.move_type = 'out_refund' THEN 'refund'
                            WHEN items.amount < 0 THEN 'payment'
                            ELSE 'other' END,
                       items.date_due, GREATEST(items.days_overdue, 0), %(bucket)s,
                       items.level_id, items.amount,
                       %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM (%(items)s) AS items
                  JOIN account_move am ON am.id = items.move_id
                 WHERE items.partner_id = %(partner)s
                """,
                followup=self.id,
                bucket=bucket_sql(
                    self.company_id._dunning_aged_bucket_limits(), SQL("items.days_overdue")
                ),
                uid=self.env.uid,
                items=open_items_sql(self.company_id, self.date),
                partner=self.partner_id.id,
            )
        )
        self.invalidate_recordset()  # the lines, and the totals and history read with them

    def _overdue_invoices(self):
        """The overdue invoices the next reminder is about: not disputed, not excluded."""
        return self.line_ids.filtered(
            lambda line: line.kind == "invoice"
            and line.days_overdue > 0
            and line.amount > 0
            and not line.disputed
            and not (line.excluded_until and line.excluded_until >= self.date)
        ).move_id

    def _default_level(self):
        """The level right above the highest one the overdue invoices reached, else the first
        level due after the due date."""
        levels = self.policy_id.level_ids.sorted(lambda level: (level.sequence, level.delay_days))
        reached = self._overdue_invoices().dunning_level_id & levels
        if reached:
            above = levels[levels.ids.index(max(reached.ids, key=levels.ids.index)) + 1 :]
            return above[:1] or levels[-1:]
        return levels.filtered(lambda level: level.delay_days > 0)[:1] or levels[:1]

    # -- actions ----------------------------------------------------------------------------

    def action_refresh(self):
        self._fill_lines()
        return self._action_reopen()

    def action_send_reminder(self):
        """Send the reminder of the chosen level now about the overdue invoices: their level
        is forced (the invoice's *Level Override*) and the communication is made by today's
        run as the daily dunning makes it, then validated and sent."""
        self.ensure_one()
        if not self.level_id:
            raise UserError(self.env._("Choose the level of the reminder to send."))
        moves = self._overdue_invoices()
        if not moves:
            raise UserError(
                self.env._(
                    "%(customer)s has no overdue invoice to remind (disputed and excluded "
                    "invoices are left out).",
                    customer=self.partner_id.display_name,
                )
            )
        Run = self.env["account.dunning.run"].with_company(self.company_id)
        run = Run._get_today_run(self.company_id, self.date)
        moves.write({"dunning_level_override_id": self.level_id.id})
        rows = run._select_candidates(moves.ids)
        notes = []
        communications = run._create_communications(rows, notes=notes)
        self.env["account.move"]._dunning_update_next_dates(self.company_id, moves.ids)
        if not communications:
            notes += run._describe_skipped(run._select_skipped(moves.ids))
            raise UserError(
                self.env._(
                    "No reminder could be made: %(reasons)s",
                    reasons=" ".join(notes) or self.env._("the invoices are paused."),
                )
            )
        drafts = communications.filtered(lambda comm: comm.state == "draft")
        if drafts:
            drafts.action_validate()
        communications.filtered(lambda comm: comm.state == "to_send")._send_or_defer("")
        self._fill_lines()
        return notification(
            self.env,
            self.env._(
                "%(count)s reminder(s) of level %(level)s made about %(invoices)s invoice(s): "
                "%(names)s.",
                count=len(communications),
                level=self.level_id.name,
                invoices=len(rows),
                names=", ".join(communications.mapped("name")),
            ),
        )

    def _statement_data(self):
        return {
            "date_from": fields.Date.to_string(date(self.date.year, 1, 1)),
            "date_to": fields.Date.to_string(self.date),
            "company_id": self.company_id.id,
        }

    def action_print_statement(self):
        self.ensure_one()
        return self.env.ref(STATEMENT_REPORT).report_action(
            self.partner_id, data=self._statement_data()
        )

    def action_email_statement(self):
        """The email composer, to the customer, with its statement of account attached."""
        self.ensure_one()
        partner = self.partner_id.with_context(lang=self.partner_id.lang or self.env.user.lang)
        pdf, _type = self.env["ir.actions.report"]._render_qweb_pdf(
            STATEMENT_REPORT, partner.ids, data=self._statement_data()
        )
        name = partner.env._("Statement of account %(customer)s.pdf", customer=self.partner_id.name)
        attachment = self.env["ir.attachment"].create(
            {
                "name": name,
                "datas": base64.b64encode(pdf),
                "mimetype": "application/pdf",
                "res_model": "res.partner",
                "res_id": self.partner_id.id,
            }
        )
        recipient = (
            self.env["account.dunning.run"]
            ._get_recipients(self.partner_id)
            .get(self.partner_id.id, self.partner_id)
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Email the Statement of Account"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": "res.partner",
                "default_res_ids": self.partner_id.ids,
                "default_composition_mode": "comment",
                "default_partner_ids": recipient.ids,
                "default_subject": partner.env._(
                    "Statement of account of %(customer)s at %(company)s",
                    customer=self.partner_id.name,
                    company=self.company_id.name,
                ),
                "default_attachment_ids": attachment.ids,
            },
        }

    def action_log_call(self):
        self.ensure_one()
        return self.env["account.dunning.call"]._action_open(self.partner_id)

    def action_record_promise(self):
        self.ensure_one()
        return self._action_promise(self.partner_id, self.company_id, self.amount_overdue)

    @api.model
    def _action_promise(self, partner, company, amount):
        """The form of a new promise to pay of ``partner``, for ``amount`` when positive."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record a Promise to Pay"),
            "res_model": "account.dunning.promise",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_partner_id": partner.commercial_partner_id.id,
                "default_company_id": company.id,
                "default_amount": amount if amount > 0 else False,
            },
        }

    def action_open_plan(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Payment Plan"),
            "res_model": "account.dunning.payment.plan",
            "views": [(False, "form")],
            "target": "current",
            "context": {
                "default_partner_id": self.partner_id.id,
                "default_company_id": self.company_id.id,
                "default_invoice_ids": self._overdue_invoices().ids,
            },
        }

    def _set_credit_hold(self, hold):
        """Put the customer on credit hold or lift it: a dunning manager's decision here,
        checked on the server whatever the screen or RPC call."""
        self.ensure_one()
        check_dunning_manager(
            self.env,
            self.env._(
                "Only a dunning manager can put %(customer)s on credit hold or lift it.",
                customer=self.partner_id.display_name,
            ),
        )
        partner = self.partner_id.with_company(self.company_id)
        if hold:
            partner._dunning_put_on_hold("manual")
        else:  # decided above: written whatever the user's rights on contacts
            partner.sudo().dunning_credit_hold = False

    def action_credit_hold(self):
        self._set_credit_hold(True)
        return notification(
            self.env,
            self.env._("%(customer)s is on credit hold.", customer=self.partner_id.display_name),
        )

    def action_credit_release(self):
        self._set_credit_hold(False)
        return notification(
            self.env,
            self.env._(
                "The credit hold of %(customer)s is lifted.", customer=self.partner_id.display_name
            ),
        )


class AccountDunningFollowupLine(models.TransientModel):
    """An open item of the customer on the follow-up screen; the invoice's dunning figures are
    read from the invoice (computed for all the lines at once)."""

    _name = "account.dunning.followup.line"
    _description = "Customer Follow-up Item"
    _order = "date_due, id"

    followup_id = fields.Many2one(
        "account.dunning.followup",
        string="Follow-up",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    move_line_id = fields.Many2one("account.move.line", string="Journal Item", readonly=True)
    move_id = fields.Many2one("account.move", string="Document", readonly=True)
    kind = fields.Selection(ITEM_KINDS, readonly=True)
    date_due = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(string="Days Late", readonly=True)
    bucket = fields.Selection(
        selection=lambda self: self.env["account.dunning.aged.balance.line"]._selection_bucket(),
        string="Age",
        readonly=True,
    )
    level_id = fields.Many2one("account.dunning.level", readonly=True)
    amount = fields.Monetary(string="Amount Due", readonly=True, currency_field="currency_id")
    last_date = fields.Date(related="move_id.dunning_last_date", string="Last Reminder")
    next_date = fields.Date(related="move_id.dunning_next_date", string="Next Reminder")
    disputed = fields.Boolean(related="move_id.dunning_disputed")
    dispute_reason_id = fields.Many2one(related="move_id.dunning_dispute_reason_id")
    excluded_until = fields.Date(related="move_id.dunning_excluded_until")
    interest_amount = fields.Monetary(
        related="move_id.dunning_interest_amount", currency_field="currency_id"
    )
    indemnity_amount = fields.Monetary(
        related="move_id.dunning_indemnity_amount", currency_field="currency_id"
    )

    def action_open_document(self):
        self.ensure_one()
        return self.move_id._get_records_action()

    def _action_edit_invoice(self, title):
        self.ensure_one()
        if self.kind != "invoice":
            raise UserError(self.env._("Only customer invoices are disputed or excluded."))
        return {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "views": [
                (
                    self.env.ref("account_dunning_fr.account_move_view_form_dunning_followup").id,
                    "form",
                )
            ],
            "target": "new",
        }

    def action_dispute(self):
        """Flag the invoice disputed, then ask for the reason."""
        if self.move_id.move_type != "out_invoice":
            raise UserError(self.env._("Only customer invoices can be disputed."))
        self.move_id.dunning_disputed = True
        return self._action_edit_invoice(self.env._("Dispute"))

    def action_exclude(self):
        """Ask until when the invoice is left out of dunning."""
        return self._action_edit_invoice(self.env._("Exclude from Dunning"))
