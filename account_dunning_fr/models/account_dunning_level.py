# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from itertools import pairwise

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools.wording import PLACEHOLDERS, WORDING_KINDS, unknown_placeholders
from .dunning_references import count_references, describe_references
from .dunning_wording import default_level_wording, untranslated_defaults

CHANNELS = [
    ("email", "Email"),
    ("letter", "Letter"),
    ("phone", "Phone Call"),
    ("formal_notice", "Formal Notice (Registered Letter)"),
    ("litigation", "Litigation Hand-over"),
]
# Channels whose document is printed and posted by hand.
PAPER_CHANNELS = ("letter", "formal_notice")
# What refers to a level (see dunning_references.count_references): while one of them does,
# the level is kept.
LEVEL_REFERENCES = [
    ("communication", "account.dunning.communication", "level_id", "id"),
    ("communication", "account.dunning.communication.line", "level_id", "communication_id"),
    ("invoice", "account.move", "dunning_level_id", "id"),
    ("invoice", "account.move", "dunning_level_override_id", "id"),
    ("plan", "account.dunning.payment.plan", "breach_level_id", "id"),
]
# CTE ``lvl``: the levels of each active policy ranked, 1 for the lowest (the order of
# ``_get_levels_in_order``). The run and the next dunning dates climb them one by one.
LEVELS_CTE = SQL(
    """
    lvl AS (
        SELECT l.id, l.policy_id, l.delay_days, l.min_gap_days,
               ROW_NUMBER() OVER (PARTITION BY l.policy_id
                                  ORDER BY l.sequence, l.delay_days, l.id) AS rank
          FROM account_dunning_level l
          JOIN account_dunning_policy pol ON pol.id = l.policy_id
         WHERE pol.active
    )
    """
)


class AccountDunningLevel(models.Model):
    """One step of a dunning policy: when it applies and how the customer is contacted."""

    _name = "account.dunning.level"
    _inherit = ["account.dunning.bounds.mixin"]
    _description = "Dunning Level"
    _order = "policy_id, sequence, delay_days, id"
    _check_company_auto = True
    _dunning_bounds = {
        "delay_days": (-365, 3650),
        "min_gap_days": (0, 3650),
        "payment_deadline_days": (0, 365),
    }

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
    wording_kind = fields.Selection(
        WORDING_KINDS,
        string="Tone",
        compute="_compute_wording_kind",
        help="Courteous before the due date and at the first reminder, firm afterwards, formal "
        "for a formal notice: decides the default wording of the level's documents.",
    )
    letter_intro = fields.Text(
        string="Opening Paragraph",
        translate=True,
        help="First paragraph of the level's letter and email. Placeholders: {amount}, "
        "{deadline_days}, {deadline_date}, {company}, {customer}. Left empty, the default "
        "wording of the level's tone is used.",
    )
    letter_closing = fields.Text(
        string="Closing Paragraph",
        translate=True,
        help="Last paragraph of the level's letter and email (same placeholders). Left empty, "
        "the default wording of the level's tone is used.",
    )
    payment_deadline_days = fields.Integer(
        string="Deadline to Pay (days)",
        default=8,
        help="Days given to the customer to pay, counted from the date of the communication: "
        "the deadline of firm reminders and formal notices (commonly 8 to 15 days).",
    )
    email_copy = fields.Boolean(
        string="Also Send by Email",
        help="Letters and formal notices: also email a copy of the document to the customer "
        "when it is issued. The posted letter remains the evidence.",
    )
    dun_penalty_invoices = fields.Boolean(
        string="Includes Penalty Invoices",
        help="Penalty invoices (late-payment interest and indemnities charged) are reminded at "
        "this level too. By default they are not dunned as commercial invoices.",
    )

    @api.depends("channel", "delay_days", "policy_id.level_ids.delay_days")
    def _compute_wording_kind(self):
        for level in self:
            if level.channel in ("formal_notice", "litigation"):
                level.wording_kind = "formal_notice"
            elif level.delay_days < 0:
                level.wording_kind = "courtesy"
            else:
                earlier = level.policy_id.level_ids.filtered(
                    lambda other, level=level: 0 <= other.delay_days < level.delay_days
                )
                level.wording_kind = "firm" if earlier else "first"

    @api.constrains("min_amount")
    def _check_positive(self):
        for level in self:
            if level.min_amount < 0:
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

    @api.constrains("letter_intro", "letter_closing")
    def _check_placeholders(self):
        for level in self:
            for text in (level.letter_intro, level.letter_closing):
                unknown = unknown_placeholders(text)
                if unknown:
                    placeholder = unknown[0]
                    raise ValidationError(
                        self.env._(
                            "Level %(level)s: unknown placeholder %(placeholder)s. Use only "
                            "%(allowed)s.",
                            level=level.name,
                            placeholder=placeholder,
                            allowed=", ".join(PLACEHOLDERS),
                        )
                    )

    @api.onchange("channel")
    def _onchange_channel_report(self):
        notice = self.env.ref(
            "account_dunning_fr.action_report_dunning_formal_notice", raise_if_not_found=False
        )
        letter = self.env.ref(
            "account_dunning_fr.action_report_dunning_letter", raise_if_not_found=False
        )
        if self.channel == "formal_notice" and notice:
            self.report_id = notice
        elif self.report_id == notice and letter:
            self.report_id = letter

    @api.depends("name", "policy_id.name")
    def _compute_display_name(self):
        for level in self:
            level.display_name = (
                f"{level.policy_id.name} / {level.name}" if level.policy_id else level.name
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_last_level(self):
        for policy in self.policy_id.filtered("active"):
            if not policy.level_ids - self:
                raise UserError(
                    self.env._(
                        "The dunning policy %(policy)s needs at least one level: archive the "
                        "policy instead of deleting its last level.",
                        policy=policy.name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        counts = count_references(
            self.env, {level.id: level.id for level in self}, LEVEL_REFERENCES
        )
        for level in self.filtered(lambda level: counts.get(level.id)):
            raise UserError(
                self.env._(
                    "The level %(level)s was used by %(references)s: it cannot be deleted. "
                    "Archive its policy instead.",
                    level=level.display_name,
                    references=describe_references(self.env, counts[level.id]),
                )
            )

    def action_reset_wording(self):
        """Write the default wording of each level's tone in every installed language."""
        self._set_default_wording()
        return True

    def _set_default_wording(self):
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        for level in self:
            for lang in ["en_US"] + [code for code in langs if code != "en_US"]:
                wording = level._default_wording(self.with_context(lang=lang).env)
                level.with_context(lang=lang).write(wording)

    def _default_wording(self, env, kind=None):
        """Default wording of the level's tone (or of ``kind``) in ``env``'s language: the
        consumers' one for a consumer policy."""
        self.ensure_one()
        return default_level_wording(
            env, kind or self.wording_kind, consumer=self.policy_id.customer_kind == "b2c"
        )

    def _translate_default_wording(self, langs):
        """Default wording in ``langs`` where the levels still show the English one."""
        todo = untranslated_defaults(self, lambda env, level: level._default_wording(env), langs)
        for lang, values_of in todo.items():
            for level, values in values_of.items():
                level.with_context(lang=lang).write(values)

    def _get_tone(self):
        """ "firm" (final reminder, formal notice), "soft" (courtesy, first reminder) for the
        levels that write to the customer; False for phone calls and hand-overs."""
        self.ensure_one()
        if self.channel not in ("email", "letter", "formal_notice"):
            return False
        return "firm" if self.wording_kind in ("firm", "formal_notice") else "soft"

    def _get_wording(self, kind=None):
        """{"letter_intro", "letter_closing"} in the environment's language, defaults for the
        empty fields. A ``kind`` other than the level's tone gives that tone's default wording
        (a courtesy level reaching invoices already late)."""
        self.ensure_one()
        defaults = self._default_wording(self.env, kind)
        if kind and kind != self.wording_kind:
            return defaults
        return {
            "letter_intro": self.letter_intro or defaults["letter_intro"],
            "letter_closing": self.letter_closing or defaults["letter_closing"],
        }
