# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from itertools import pairwise

from odoo import api, fields, models
from odoo.exceptions import ValidationError

CHANNELS = [
    ("email", "Email"),
    ("letter", "Letter"),
    ("phone", "Phone Call"),
    ("formal_notice", "Formal Notice (Registered Letter)"),
    ("litigation", "Litigation Hand-over"),
]
# Channels whose document is printed and posted by hand.
PAPER_CHANNELS = ("letter", "formal_notice")


class AccountDunningLevel(models.Model):
    """One step of a dunning policy: when it applies and how the customer is contacted."""

    _name = "account.dunning.level"
    _description = "Dunning Level"
    _order = "policy_id, sequence, delay_days, id"
    _check_company_auto = True

    policy_id = fields.Many2one(
        "account.dunning.policy", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    delay_days = fields.Integer(
        string="Delay (days)",
        required=True,
        help="Days after the due date from which this level applies. A negative delay is a "
        "courtesy reminder sent before the due date.",
    )
    channel = fields.Selection(CHANNELS, required=True, default="email")
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain=[("model", "=", "account.dunning.communication")],
        help="Email sent to the customer; the level's letter is attached as PDF.",
    )
    report_id = fields.Many2one(
        "ir.actions.report",
        string="Letter",
        domain=[("model", "=", "account.dunning.communication")],
        default=lambda self: self.env.ref(
            "account_dunning_fr.action_report_dunning_letter", raise_if_not_found=False
        ),
        help="PDF document of this level: attached to emails, printed for letters.",
    )
    min_gap_days = fields.Integer(
        string="Minimum Days Since Previous Communication",
        default=7,
        help="This level is never sent sooner than this many days after the previous "
        "communication about the same invoice.",
    )
    auto_send = fields.Boolean(
        string="Send Automatically",
        help="If set, communications of this level go out when the daily run creates them; "
        "otherwise they wait for validation.",
    )
    min_amount = fields.Monetary(
        string="Minimum Amount Due",
        currency_field="currency_id",
        help="No communication of this level is made when the customer owes less (company "
        "currency).",
    )
    credit_hold = fields.Boolean(
        string="Put Customer on Credit Hold",
        help="Sending a communication of this level puts the customer on credit hold.",
    )
    note = fields.Text(
        string="Instructions",
        translate=True,
        help="For phone calls and hand-overs: what the collector should do.",
    )

    @api.constrains("min_gap_days", "min_amount")
    def _check_positive(self):
        for level in self:
            if level.min_gap_days < 0 or level.min_amount < 0:
                raise ValidationError(
                    self.env._(
                        "Level %(level)s: the minimum gap and the minimum amount cannot be negative.",
                        level=level.name,
                    )
                )

    @api.constrains("sequence", "delay_days", "policy_id")
    def _check_delay_order(self):
        for policy in self.policy_id:
            levels = policy._get_levels_in_order()
            for previous, level in pairwise(levels):
                if level.delay_days <= previous.delay_days:
                    raise ValidationError(
                        self.env._(
                            "In the dunning policy %(policy)s, the delays must strictly increase "
                            "with the sequence: level %(level)s (%(delay)s days) comes after "
                            "level %(previous)s (%(previous_delay)s days).",
                            policy=policy.name,
                            level=level.name,
                            delay=level.delay_days,
                            previous=previous.name,
                            previous_delay=previous.delay_days,
                        )
                    )

    @api.depends("name", "policy_id.name")
    def _compute_display_name(self):
        for level in self:
            level.display_name = (
                f"{level.policy_id.name} / {level.name}" if level.policy_id else level.name
            )
