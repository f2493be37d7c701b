# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL

WORK_KINDS = [
    ("call", "Call to make"),
    ("activity", "Activity due"),
    ("promise", "Promise falling due"),
    ("validate", "Communication to validate"),
    ("print", "Letter to print and post"),
]


class AccountDunningWorklist(models.Model):
    """The collector's work, one row per thing to do, read from a SQL view: activities on
    customers, invoices and communications, promises to pay falling due, communications to
    validate, letters and formal notices to print. The amount at stake is the customer's overdue
    balance (the communication's balance for communications)."""

    _name = "account.dunning.worklist"
    _description = "Collector Worklist"
    _auto = False
    _order = "date, amount desc"
    _rec_name = "summary"

    kind = fields.Selection(WORK_KINDS, readonly=True)
    summary = fields.Char(readonly=True)
    date = fields.Date(readonly=True)
    user_id = fields.Many2one("res.users", string="Collector", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount = fields.Monetary(string="Amount at Stake", readonly=True)
    res_model = fields.Char(string="Document Model", readonly=True)
    res_id = fields.Integer(string="Document ID", readonly=True)
    activity_id = fields.Many2one("mail.activity", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %(table)s AS (
                WITH overdue AS (
                    SELECT rp.commercial_partner_id AS partner_id, aml.company_id,
                           SUM(aml.amount_residual) AS amount
                      FROM account_move_line aml
                      JOIN res_partner rp ON rp.id = aml.partner_id
                     WHERE %(open_receivable)s
                       AND aml.date_maturity < CURRENT_DATE
                     GROUP BY rp.commercial_partner_id, aml.company_id
                ),
                activities AS (
                    SELECT a.id, a.res_model, a.res_id, a.user_id, a.date_deadline,
                           COALESCE(a.summary, t.name->>'en_US') AS summary,
                           t.category,
                           CASE a.res_model
                               WHEN 'res.partner' THEN pp.commercial_partner_id
                               WHEN 'account.move' THEN mv.commercial_partner_id
                               ELSE cm.partner_id
                           END AS partner_id,
                           COALESCE(cm.company_id, mv.company_id, u.company_id) AS company_id,
                           cm.amount_balance AS comm_amount
                      FROM mail_activity a
                      JOIN res_users u ON u.id = a.user_id
                      LEFT JOIN mail_activity_type t ON t.id = a.activity_type_id
                      LEFT JOIN res_partner pp
                             ON a.res_model = 'res.partner' AND pp.id = a.res_id
                      LEFT JOIN account_move mv
                             ON a.res_model = 'account.move' AND mv.id = a.res_id
                      LEFT JOIN account_dunning_communication cm
                             ON a.res_model = 'account.dunning.communication' AND cm.id = a.res_id
                     WHERE a.res_model IN ('res.partner', 'account.move',
                                           'account.dunning.communication')
                       AND (a.res_model != 'account.move' OR mv.move_type = 'out_invoice')
                )
                SELECT a.id * 10 + 1 AS id,
                       CASE WHEN a.category = 'phonecall' THEN 'call' ELSE 'activity' END AS kind,
                       a.summary, a.date_deadline AS date, a.user_id, a.partner_id, a.company_id,
                       c.currency_id, COALESCE(a.comm_amount, o.amount, 0) AS amount,
                       a.res_model, a.res_id, a.id AS activity_id
                  FROM activities a
                  JOIN res_company c ON c.id = a.company_id
                  LEFT JOIN overdue o ON o.partner_id = a.partner_id
                                     AND o.company_id = a.company_id
                 WHERE a.partner_id IS NOT NULL
                UNION ALL
                SELECT pr.id * 10 + 2, 'promise', pr.note, pr.date,
                       COALESCE(pr.user_id, p.dunning_collector_id), pr.partner_id,
                       pr.company_id, c.currency_id, COALESCE(o.amount, pr.amount),
                       'account.dunning.promise', pr.id, NULL
                  FROM account_dunning_promise pr
                  JOIN res_partner p ON p.id = pr.partner_id
                  JOIN res_company c ON c.id = pr.company_id
                  LEFT JOIN overdue o ON o.partner_id = pr.partner_id
                                     AND o.company_id = pr.company_id
                 WHERE pr.state = 'open'
                UNION ALL
                SELECT cm.id * 10 + 3,
                       CASE WHEN cm.state = 'draft' THEN 'validate' ELSE 'print' END,
                       cm.name, cm.date, COALESCE(cm.collector_id, p.dunning_collector_id),
                       cm.partner_id, cm.company_id, cm.currency_id, cm.amount_balance,
                       'account.dunning.communication', cm.id, NULL
                  FROM account_dunning_communication cm
                  JOIN res_partner p ON p.id = cm.partner_id
                 WHERE cm.state = 'draft'
                    OR (cm.state = 'to_send' AND cm.channel IN ('letter', 'formal_notice'))
                )
                """,
                table=SQL.identifier(self._table),
                open_receivable=self.env["account.move.line"]._dunning_open_receivable_sql("aml"),
            )
        )

    def action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "views": [(False, "form")],
            "target": "current",
        }

    def action_open_followup(self):
        self.ensure_one()
        return self.env["account.dunning.followup"]._open_for(self.partner_id)

    def action_log_call(self):
        """Log a call to the row's customer; the row's call or activity is done with it."""
        self.ensure_one()
        return self.env["account.dunning.call"]._action_open(self.partner_id, self.activity_id)

    def action_record_promise(self):
        self.ensure_one()
        partner = self.partner_id.with_company(self.company_id)
        return self.env["account.dunning.followup"]._action_promise(
            partner, self.company_id, partner.dunning_overdue_amount
        )

    def _notify(self, message):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("My Collections Today"),
                "message": message,
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_mark_done(self):
        """Mark done the activities and calls of the selected rows, in one go; promises and
        communications are done by their own outcome (payment, validation, posting)."""
        activities = self.activity_id.exists()
        if not activities:
            raise UserError(
                self.env._(
                    "Only activities and calls are marked done here: a promise is kept by the "
                    "payment, a communication is done by validating or posting it."
                )
            )
        # the collector's work on customers whose details they may not edit
        activities.sudo().action_feedback()
        return self._notify(
            self.env._(
                "%(done)s activity(ies) marked done, %(skipped)s other row(s) left as they are.",
                done=len(activities),
                skipped=len(self) - len(activities),
            )
        )

    def action_reschedule(self):
        activities = self.activity_id.exists()
        if not activities:
            raise UserError(
                self.env._("Only activities and calls are rescheduled; promises keep their date.")
            )
        wizard = self.env["account.dunning.worklist.reschedule"].create(
            {
                "activity_ids": [fields.Command.set(activities.ids)],
                "skipped": len(self) - len(activities),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reschedule"),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "views": [(False, "form")],
            "target": "new",
        }
