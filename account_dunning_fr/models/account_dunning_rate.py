# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_date

from ..tools.late_interest import (
    next_semester_start,
    semester_label,
    semester_start,
    semester_starts,
)
from .dunning_rights import MANAGER_GROUP

RATE_KINDS = [
    ("ecb", "ECB main refinancing rate"),
    ("legal_individual", "Legal interest rate — creditor is a private individual"),
    ("legal_other", "Legal interest rate — other cases"),
]

# What a rate says: changed by managers of every company only (_check_rate_editor).
RATE_FIELDS = {"kind", "date_start", "rate", "note"}


def _format_rate(value):
    """A percentage with two to four decimals: 2.15, 0.00, 3.1250 -> 3.125."""
    text = f"{value:.4f}".rstrip("0")
    whole, _dot, decimals = text.partition(".")
    return f"{whole}.{decimals.ljust(2, '0')}"


class AccountDunningRate(models.Model):
    """Reference rates of French late-payment interest, per semester: the ECB main refinancing
    rate in force on 1 January / 1 July, and the legal interest rates ("particuliers" and
    "autres cas") published for each semester. National figures: not company-bound."""

    _name = "account.dunning.rate"
    _description = "Reference Interest Rate"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, kind"

    kind = fields.Selection(RATE_KINDS, required=True, tracking=True)
    date_start = fields.Date(
        string="Semester Start",
        required=True,
        tracking=True,
        help="First day of the semester: 1 January or 1 July.",
    )
    # a percentage: never added up in grouped lists
    rate = fields.Float(
        string="Rate (%)", required=True, digits=(16, 4), tracking=True, aggregator=None
    )
    semester = fields.Char(compute="_compute_semester", store=True)
    note = fields.Char(help="Source of the figure (e.g. the decree publishing it).")

    _sql_constraints = [
        (
            "kind_semester_unique",
            "UNIQUE(kind, date_start)",
            "There is already a rate of this kind for this semester.",
        ),
    ]

    @api.depends("date_start")
    def _compute_semester(self):
        for rate in self:
            rate.semester = semester_label(rate.date_start) if rate.date_start else False

    @api.depends("kind", "date_start", "rate")
    def _compute_display_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for rate in self:
            rate.display_name = "{} {}: {} %".format(
                labels.get(rate.kind, ""),
                semester_label(rate.date_start) if rate.date_start else "",
                _format_rate(rate.rate),
            )

    @api.constrains("date_start")
    def _check_date_start(self):
        for rate in self:
            if rate.date_start != semester_start(rate.date_start):
                raise ValidationError(
                    self.env._(
                        "A reference rate starts on 1 January or 1 July, not on %(date)s.",
                        date=format_date(self.env, rate.date_start),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_rate_editor()
        return super().create(vals_list)

    def write(self, vals):
        if RATE_FIELDS.intersection(vals):
            self._check_rate_editor()
        return super().write(vals)

    def unlink(self):
        self._check_rate_editor()
        return super().unlink()

    @api.model
    def _check_rate_editor(self):
        """The reference rates are national figures shared by every company: entering,
        changing or deleting one changes the interest of all of them. Only a dunning manager
        who belongs to every company of the database may do it (on a single-company database:
        any dunning manager); a manager of one company among several may not."""
        if self.env.su:
            return
        user = self.env.user
        others = (
            self.env["res.company"].sudo().search_count([("id", "not in", user.company_ids.ids)])
        )
        if others or not user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "The reference rates are shared by every company: only a dunning manager "
                    "of all the companies can enter, change or delete them."
                )
            )

    @api.model
    def _get_rate_table(self):
        """All the reference rates, loaded in one query: ``{(kind, semester start): rate}``.
        A rate not entered yet is absent: the computations never guess it."""
        # The table holds two rates per kind and year: pylint: disable-next=no-search-all
        rates = self.search_fetch([], ["kind", "date_start", "rate"])
        return {(rate.kind, rate.date_start): rate.rate for rate in rates}

    @api.model
    def _get_rates(self, kind, date_from, date_to):
        """The rates of every semester intersecting [date_from, date_to] (both included).

        A semester without a rate raises a ``UserError`` naming the rate and the semester: the
        computation never guesses, nor reuses another semester's rate.

        :param str kind: ``ecb``, ``legal_individual`` or ``legal_other``
        :param date date_from: first day of the period
        :param date date_to: last day of the period
        :return: ``[(semester_start, semester_end, rate_percent), ...]`` in date order, empty
            when ``date_to`` is before ``date_from``
        :raise UserError: when a semester's rate is missing
        """
        starts = semester_starts(date_from, date_to)
        if not starts:
            return []
        table = self._get_rate_table()
        result = []
        for start in starts:
            if (kind, start) not in table:
                raise UserError(self._get_missing_rate_message(kind, start))
            result.append(
                (start, next_semester_start(start) - timedelta(days=1), table[kind, start])
            )
        return result

    @api.model
    def _get_rate(self, kind, day):
        """The rate (percent per year) of ``kind`` for ``day``'s semester.

        :raise UserError: naming the rate and the semester when it is missing
        """
        return self._get_rates(kind, day, day)[0][2]

    @api.model
    def _get_semester_labels(self, starts):
        """The semesters starting on ``starts`` as "2026 H2, 2027 H1" (in the language of the
        context: "2026-S2" in French)."""
        return ", ".join(
            self.env._("%(year)s H%(half)s", year=start.year, half=1 if start.month <= 6 else 2)
            for start in sorted(set(starts))
        )

    @api.model
    def _get_incomplete_message(self, starts):
        """Says that the late interest of an invoice leaves out the semesters ``starts``, whose
        reference rate is missing, and where a manager enters it."""
        return self.env._(
            "Late interest is incomplete: the reference rate of %(semesters)s is missing, so "
            "that period is not counted yet. A manager can enter it in Accounting > "
            "Configuration > Dunning > Reference Rates.",
            semesters=self._get_semester_labels(starts),
        )

    @api.model
    def _get_incomplete_mention(self, starts):
        """Short mention printed next to an incomplete interest figure."""
        return self.env._(
            "(incomplete: rate %(semesters)s missing)",
            semesters=self._get_semester_labels(starts),
        )

    @api.model
    def _get_missing_rate_message(self, kind, start):
        """Says that ``kind``'s rate of the semester starting on ``start`` is missing, and where
        a manager enters it (in the language of the context)."""
        label = dict(self._fields["kind"]._description_selection(self.env))[kind]
        return self.env._(
            "The %(rate)s for the semester starting on %(date)s is missing. A manager can "
            "enter it in Accounting > Configuration > Dunning > Reference Rates.",
            rate=label,
            date=format_date(self.env, start),
        )

    @api.model
    def _cron_check_missing_rates(self):
        """Daily, so that it starts on the first day of a semester without rates: when a rate
        of the current semester is missing, schedule a to-do for every dunning manager, per
        missing kind, on the latest rate of that kind (in the manager's language). An open
        to-do with the same summary is not scheduled again: running it every day is cheap and
        creates nothing twice.

        One search for the rates, one for the open activities, one batched create."""
        today = fields.Date.context_today(self)
        start = semester_start(today)
        kinds = [kind for kind, _label in RATE_KINDS]
        rates = self.search_fetch(
            [("kind", "in", kinds)], ["kind", "date_start"], order="date_start desc, id desc"
        )
        present = {rate.kind for rate in rates if rate.date_start == start}
        missing = [kind for kind in kinds if kind not in present]
        managers = self.env.ref("account_dunning_fr.group_dunning_manager").users.filtered(
            lambda user: user.active and not user.share
        )
        if not missing or not managers or not rates:
            return
        latest = {}
        for rate in rates:
            latest.setdefault(rate.kind, rate)
        texts = {}  # (kind, lang) -> (summary, note)
        for lang in set(managers.mapped("lang")):
            env = self.with_context(lang=lang).env
            labels = dict(self._fields["kind"]._description_selection(env))
            for kind in missing:
                texts[kind, lang] = (
                    env._(
                        "Enter the %(rate)s of %(semester)s",
                        rate=labels[kind],
                        semester=semester_label(start),
                    ),
                    self.with_env(env)._get_missing_rate_message(kind, start),
                )
        open_activities = self.env["mail.activity"].search(
            [
                ("res_model", "=", self._name),
                ("user_id", "in", managers.ids),
                ("summary", "in", list({summary for summary, _note in texts.values()})),
            ]
        )
        already = {(activity.summary, activity.user_id.id) for activity in open_activities}
        model_id = self.env["ir.model"]._get_id(self._name)
        todo = self.env.ref("mail.mail_activity_data_todo")
        vals_list = []
        for kind in missing:
            # A kind without any rate at all: the reminder goes on the latest rate of any kind.
            record = latest.get(kind, rates[0])
            for user in managers:
                summary, note = texts[kind, user.lang]
                if (summary, user.id) in already:
                    continue
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        "res_id": record.id,
                        "activity_type_id": todo.id,
                        "summary": summary,
                        "note": note,
                        "user_id": user.id,
                        "date_deadline": today,
                    }
                )
        self.env["mail.activity"].create(vals_list)
