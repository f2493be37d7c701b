# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

import logging
import time
from collections import defaultdict
from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_date, format_datetime

from .account_dunning_communication import PENDING_STATES, SEND_CRON
from .account_dunning_level import LEVELS_CTE, PAPER_CHANNELS

_logger = logging.getLogger(__name__)

# pg_try_advisory_xact_lock(LOCK_NAMESPACE, company_id): one dunning computation per company.
LOCK_NAMESPACE = 0x44554E  # "DUN"
# Run Manually of the daily action: seconds of sending done in the request; the rest is sent
# by the scheduled action in the background.
MANUAL_RUN_SEND_SECONDS = 20
DAILY_CRON = "account_dunning_fr.ir_cron_account_dunning_run"
# Lines of the run's log that explain why invoices were skipped.
LOG_LIMIT = 100


class AccountDunningRun(models.Model):
    """A dunning run of one company as of one date: decides which invoices reach which level
    and produces the communications."""

    _name = "account.dunning.run"
    _description = "Dunning Run"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        help="The run assesses the invoices as of this date.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Computed"), ("failed", "Failed")],
        required=True,
        default="draft",
        readonly=True,
    )
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True)
    computed_at = fields.Datetime(readonly=True)
    communication_ids = fields.One2many(
        "account.dunning.communication", "run_id", string="Communications", readonly=True
    )
    communication_count = fields.Integer(compute="_compute_counts")
    to_validate_count = fields.Integer(compute="_compute_counts")
    to_send_count = fields.Integer(compute="_compute_counts")
    sent_count = fields.Integer(compute="_compute_counts")
    failed_count = fields.Integer(compute="_compute_counts")
    log = fields.Text(readonly=True)
    go_live = fields.Boolean(
        string="First Run (Go-Live)",
        help="For the first run after the go-live (mise en service): an invoice never dunned "
        "goes straight to the level its lateness reaches, instead of climbing from the first "
        "level one run after the other. It never goes past the formal notice: an invoice 150 "
        "days late gets the formal notice, not the courtesy reminder.",
    )
    failure_reason = fields.Text(
        readonly=True,
        copy=False,
        help="Why the last computation failed: nothing of it was kept. The scheduled action "
        "leaves the company alone until the next day; compute the run again once corrected.",
    )

    _sql_constraints = [
        (
            "company_date_unique",
            "UNIQUE(company_id, date)",
            "There is already a dunning run for this company and date: open it and compute it again.",
        ),
    ]

    @api.depends("date", "company_id")
    def _compute_name(self):
        """ "Relances du 01/12/2026": a stored name, made by a person or by the scheduler, in
        the company's language."""
        for run in self:
            env = run.with_context(lang=run.company_id.partner_id.lang or self.env.lang).env
            run.name = (
                env._("Dunning of %(date)s", date=format_date(env, run.date)) if run.date else False
            )

    def _compute_counts(self):
        groups = self.env["account.dunning.communication"]._read_group(
            [("run_id", "in", self.ids)], ["run_id", "state"], ["__count"]
        )
        counts = defaultdict(int)
        for run, state, count in groups:
            counts[run.id, state] += count
            counts[run.id, "all"] += count
        for run in self:
            run.communication_count = counts[run.id, "all"]
            run.to_validate_count = counts[run.id, "draft"]
            run.to_send_count = counts[run.id, "to_send"]
            run.sent_count = counts[run.id, "sent"]
            run.failed_count = counts[run.id, "failed"]

    @api.constrains("date")
    def _check_date(self):
        today = fields.Date.context_today(self)
        for run in self:
            if run.date > today:
                raise ValidationError(
                    self.env._(
                        "A dunning run cannot be dated in the future (%(date)s).", date=run.date
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_with_communications(self):
        if self.communication_ids:
            raise UserError(self.env._("A run that produced communications cannot be deleted."))

    # ---------------------------------------------------------------------------------------
    # Actions
    # ---------------------------------------------------------------------------------------

    def action_compute(self):
        """Compute the runs, then send their automatic communications: at once, or in the
        background when they are many (see ``_send_or_defer``)."""
        waiting = self.env["account.dunning.communication"].search(
            [("state", "=", "waiting_rates"), ("company_id", "in", self.company_id.ids)]
        )
        created = self.env["account.dunning.communication"]
        for run in self:
            created |= run._generate_communications()
        pending = (self.communication_ids | waiting).filtered(lambda comm: comm.state == "to_send")
        summary = self.env._(
            "%(runs)s run(s) computed: %(count)s communication(s) created, %(drafts)s of them "
            "to validate.",
            runs=len(self),
            count=len(created),
            drafts=len(created.filtered(lambda comm: comm.state == "draft")),
        )
        return pending._send_or_defer(
            " ".join(
                [
                    summary,
                    self.env._(
                        "%(count)s communications to send: they are being sent in the background.",
                        count=len(pending),
                    ),
                ]
            ),
            done=summary,
        )

    def action_view_communications(self):
        return self.env["account.dunning.communication"]._action_view([("run_id", "in", self.ids)])

    # ---------------------------------------------------------------------------------------
    # Engine
    # ---------------------------------------------------------------------------------------

    @api.model
    def _try_lock_company(self, company):
        """Take the company's dunning lock for the current transaction; False when another
        transaction holds it."""
        self.env.cr.execute(
            SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", LOCK_NAMESPACE, company.id)
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _get_in_progress_message(self, company):
        return self.env._(
            "A dunning run is already in progress for %(company)s. Try again when it has "
            "finished.",
            company=company.name,
        )

    def _lock_company(self, company):
        """Take the company's dunning lock for the current transaction, or say who holds it."""
        if not self._try_lock_company(company):
            raise UserError(self._get_in_progress_message(company))

    @api.model
    def _get_today_run(self, company, date):
        """The run of ``company`` on ``date``, created when missing, under the company's lock:
        two first computations of a day at once give the "already in progress" message (the
        second one would otherwise break on the unique date of a company's run)."""
        self._lock_company(company)
        run = self.search([("company_id", "=", company.id), ("date", "=", date)])
        if run:
            return run
        try:
            with self.env.cr.savepoint(flush=True):
                return self.create({"company_id": company.id, "date": date})
        except pg_errors.UniqueViolation:  # created and committed since this transaction began
            raise UserError(self._get_in_progress_message(company)) from None

    def _compute_safely(self):
        """Compute the run in a savepoint: an error of any kind is not raised but recorded on
        the run (state *Failed*, the reason in its form), and nothing of the computation is
        kept. Returns whether the run was computed."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self._generate_communications()
        except Exception as error:  # any error of one company: recorded on its run
            _logger.exception("Dunning of %s failed", self.company_id.name)
            self.env.invalidate_all()
            reason = (
                str(error.args[0])
                if isinstance(error, UserError)
                else f"{type(error).__name__}: {error}"
            )
            message = self.env._(
                "%(datetime)s: computation failed, nothing was created: %(reason)s",
                datetime=format_datetime(self.env, fields.Datetime.now()),
                reason=reason,
            )
            self.write(
                {
                    "state": "failed",
                    "failure_reason": reason,
                    "log": "\n\n".join(filter(None, [self.log, message])),
                }
            )
            return False
        return True

    def _generate_communications(self):
        """Create the communications of the run: set-based, idempotent.

        Invoices already held by a pending communication are skipped, and an invoice never
        gets two communications on the same day, so computing again creates no duplicate.
        Each computation appends its summary to the run's log.
        """
        self.ensure_one()
        self._lock_company(self.company_id)
        previous_log = self.log
        self.log = False  # _create_communications() may note a missing reference rate here
        self._check_commitments(self.company_id, self.date)
        self.env["account.dunning.communication"]._resume_waiting(self.company_id)
        rows = self._select_candidates()
        notes = self._describe_skipped(self._select_skipped())
        communications = self._create_communications(rows, notes=notes)
        self.env["account.move"]._dunning_update_next_dates(self.company_id)
        summary = self.env._(
            "%(datetime)s: %(invoices)s invoice(s) reached a new level; %(comms)s "
            "communication(s) created.",
            datetime=format_datetime(self.env, fields.Datetime.now()),
            invoices=len(rows),
            comms=len(communications),
        )
        if len(notes) > LOG_LIMIT:
            more = len(notes) - LOG_LIMIT
            notes = notes[:LOG_LIMIT] + [self.env._("... and %(count)s more.", count=more)]
        log = "\n".join(filter(None, [summary, self.log, *notes]))
        self.write(
            {
                "state": "done",
                "computed_at": fields.Datetime.now(),
                "failure_reason": False,
                "log": "\n\n".join(filter(None, [previous_log, log])),
            }
        )
        return communications

    def _describe_skipped(self, rows):
        """One line of the run's log per invoice left alone (see ``_select_skipped``)."""
        levels = self.env["account.dunning.level"].browse({row["level_id"] for row in rows})
        notes = []
        for row in rows:
            if row["reason"] == "pending":
                notes.append(
                    self.env._(
                        "%(invoice)s skipped: held by %(communication)s, not sent or cancelled "
                        "yet.",
                        invoice=row["name"],
                        communication=row["held_by"],
                    )
                )
            elif row["reason"] == "same_day":
                notes.append(
                    self.env._(
                        "%(invoice)s skipped: already reminded on %(date)s.",
                        invoice=row["name"],
                        date=format_date(self.env, row["last_date"]),
                    )
                )
            elif row["reason"] == "cancelled":
                notes.append(
                    self.env._(
                        "%(invoice)s skipped: its communication of level %(level)s was cancelled "
                        "today; it waits for the next day.",
                        invoice=row["name"],
                        level=levels.browse(row["level_id"]).name,
                    )
                )
            else:
                notes.append(
                    self.env._(
                        "%(invoice)s skipped: %(level)s not before %(date)s (minimum gap "
                        "after the previous communication).",
                        invoice=row["name"],
                        level=levels.browse(row["level_id"]).name,
                        date=format_date(self.env, row["not_before"]),
                    )
                )
        return notes

    def _select_candidates(self, move_ids=None):
        """One query: each open invoice (of ``move_ids`` when given) that reaches a new level
        as of the run date.

        The level is the override when one is set, else the level right above the one last
        communicated, if its delay is reached and its minimum gap since the last communication
        has passed. Never twice on the same day, never while a pending communication holds it.
        """
        self.ensure_one()
        return self.env.execute_query_dict(
            SQL(
                """
                WITH %(levels)s, %(inv)s
                SELECT inv.id AS move_id, inv.name, inv.invoice_date, inv.due,
                       inv.partner_id, inv.currency_id, inv.amount_total, inv.amount_residual,
                       inv.amount_residual_signed, COALESCE(ovr.id, nxt.id) AS level_id
                  FROM inv
                  %(next_level)s
                 WHERE inv.policy_id IS NOT NULL
                   AND inv.held_by IS NULL
                   AND (inv.last_date IS NULL OR inv.last_date < %(date)s)
                   AND NOT %(cancelled)s
                   -- penalty invoices only at the levels that say so
                   AND (NOT inv.is_penalty
                        OR COALESCE(ovr.dun_penalty_invoices, nxt_level.dun_penalty_invoices))
                   AND (ovr.id IS NOT NULL
                        OR (nxt.id IS NOT NULL
                            AND (inv.last_date IS NULL
                                 OR inv.last_date + nxt.min_gap_days <= %(date)s)))
                 ORDER BY inv.partner_id, inv.due, inv.id
                """,
                levels=LEVELS_CTE,
                inv=self._open_invoices_cte(move_ids),
                next_level=self._next_level_join(),
                cancelled=self._cancelled_today_sql(),
                date=self.date,
            )
        )

    def _cancelled_today_sql(self):
        """Condition on invoice ``inv`` at the level the run gives it: a communication of that
        level with the invoice, never sent, was cancelled on the run date, or was of the run
        date and was cancelled. The person who cancelled the draft decided: the invoice waits
        for the next day, or for a later level. (A communication sent or queued for sending,
        then cancelled, puts its invoices back where they were: the next run reminds them
        again.)"""
        self.env["account.dunning.communication"].flush_model(
            ["state", "level_id", "date", "cancel_date", "sent_date", "sent_uid"]
        )
        return SQL(
            """EXISTS (
                SELECT 1 FROM account_dunning_communication_line ccl
                  JOIN account_dunning_communication cc ON cc.id = ccl.communication_id
                 WHERE ccl.move_id = inv.id
                   AND cc.state = 'cancelled'
                   AND cc.sent_date IS NULL
                   AND cc.sent_uid IS NULL
                   AND cc.level_id = COALESCE(ovr.id, nxt.id)
                   AND (cc.date = %(date)s OR cc.cancel_date = %(date)s))""",
            date=self.date,
        )

    def _select_skipped(self, move_ids=None):
        """The open invoices (of ``move_ids`` when given) whose next level is due as of the run
        date but that the run leaves alone, with the reason: held by a pending communication,
        already reminded on that date, or minimum gap since the previous communication not
        reached."""
        self.ensure_one()
        return self.env.execute_query_dict(
            SQL(
                """
                WITH %(levels)s, %(inv)s
                SELECT inv.name, inv.held_by, inv.last_date, COALESCE(ovr.id, nxt.id) AS level_id,
                       CASE WHEN inv.held_by IS NOT NULL THEN 'pending'
                            WHEN inv.last_date >= %(date)s THEN 'same_day'
                            WHEN %(cancelled)s THEN 'cancelled'
                            ELSE 'gap' END AS reason,
                       inv.last_date + nxt.min_gap_days AS not_before
                  FROM inv
                  %(next_level)s
                 WHERE inv.policy_id IS NOT NULL
                   AND (ovr.id IS NOT NULL OR nxt.id IS NOT NULL)
                   AND (inv.held_by IS NOT NULL
                        OR inv.last_date >= %(date)s
                        OR (ovr.id IS NULL AND inv.last_date + nxt.min_gap_days > %(date)s)
                        OR %(cancelled)s)
                 ORDER BY inv.partner_id, inv.due, inv.id
                """,
                levels=LEVELS_CTE,
                inv=self._open_invoices_cte(move_ids),
                next_level=self._next_level_join(),
                cancelled=self._cancelled_today_sql(),
                date=self.date,
            )
        )

    def _open_invoices_cte(self, move_ids=None):
        """CTEs ``held`` and ``inv``: the open invoices of the run's company (of ``move_ids``
        when given: one customer's, from its follow-up) that dunning may concern, with their
        policy, last level and the pending communication holding them (``held_by``)."""
        for model in (
            "account.move",
            "res.partner",
            "account.dunning.level",
            "account.dunning.policy",
        ):
            self.env[model].flush_model()
        self.env["account.dunning.communication"].flush_model(["state", "name"])
        self.env["account.dunning.communication.line"].flush_model(["move_id", "communication_id"])
        return SQL(
            """
            held AS (
                SELECT cl.move_id, MAX(c.name) AS name
                  FROM account_dunning_communication_line cl
                  JOIN account_dunning_communication c ON c.id = cl.communication_id
                 WHERE c.state IN %(pending)s
                 GROUP BY cl.move_id
            ),
            inv AS (
                SELECT m.id, m.name, m.invoice_date, m.invoice_date_due AS due,
                       m.commercial_partner_id AS partner_id, m.currency_id,
                       m.amount_total, m.amount_residual, m.amount_residual_signed,
                       m.dunning_last_date AS last_date, COALESCE(last.rank, 0) AS last_rank,
                       m.dunning_level_override_id AS override_id,
                       m.dunning_is_penalty_invoice IS TRUE AS is_penalty,
                       %(policy)s AS policy_id, held.name AS held_by
                  FROM account_move m
                  JOIN res_partner p ON p.id = m.commercial_partner_id
                  LEFT JOIN lvl last ON last.id = m.dunning_level_id
                  LEFT JOIN held ON held.move_id = m.id
                 WHERE m.company_id = %(company_id)s
                   AND %(dunnable)s
                   %(where_ids)s
            )
            """,
            policy=self.env["account.dunning.policy"]._partner_policy_sql(self.company_id),
            company_id=self.company_id.id,
            where_ids=SQL("AND m.id = ANY(%s)", list(move_ids)) if move_ids is not None else SQL(),
            pending=PENDING_STATES,
            dunnable=self.env["account.move"]._dunning_dunnable_sql(self.date),
        )

    def _next_level_join(self):
        """Joins of ``inv`` to its override (``ovr``) and to the level right above its last one
        when that level's delay is reached on the run date (``nxt``); on a go-live run, to the
        highest level above it whose delay is reached, the formal notice at most."""
        if self.go_live:
            nxt = SQL(
                """LEFT JOIN LATERAL (
                    SELECT reach.* FROM lvl reach
                     WHERE reach.policy_id = inv.policy_id
                       AND reach.rank > inv.last_rank
                       AND inv.due + reach.delay_days <= %(date)s
                       AND reach.rank <= GREATEST(inv.last_rank + 1, COALESCE(
                           (SELECT MIN(notice.rank) FROM lvl notice
                              JOIN account_dunning_level notice_level
                                ON notice_level.id = notice.id
                             WHERE notice.policy_id = inv.policy_id
                               AND notice_level.channel = 'formal_notice'), reach.rank))
                     ORDER BY reach.rank DESC
                     LIMIT 1) nxt ON TRUE""",
                date=self.date,
            )
        else:
            nxt = SQL(
                """LEFT JOIN lvl nxt ON nxt.policy_id = inv.policy_id
                             AND nxt.rank = inv.last_rank + 1
                             AND inv.due + nxt.delay_days <= %(date)s""",
                date=self.date,
            )
        return SQL(
            """
            LEFT JOIN account_dunning_level ovr ON ovr.id = inv.override_id
            %(nxt)s
            LEFT JOIN account_dunning_level nxt_level ON nxt_level.id = nxt.id
            """,
            nxt=nxt,
        )

    @api.model
    def _check_commitments(self, company, date):
        """Decide the promises and payment plans that fell due, then put on credit hold the
        customers whose exposure exceeds their limit: before each run and every day."""
        self.env["account.dunning.promise"]._check_promises(company, date)
        self.env["account.dunning.payment.plan"]._check_plans(company, date)
        self.env["res.partner"].with_company(company)._dunning_hold_over_limit()

    def _get_unallocated_credits(self, partner_ids):
        """{(commercial partner id, currency id): amount} of unreconciled credit notes and
        payments on receivable accounts."""
        if not partner_ids:
            return {}
        self.env["account.move.line"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT p.commercial_partner_id, aml.currency_id, -SUM(aml.amount_residual_currency)
                  FROM account_move_line aml
                  JOIN res_partner p ON p.id = aml.partner_id
                 WHERE aml.company_id = %(company_id)s
                   AND %(open_receivable)s
                   AND aml.amount_residual_currency < 0
                   AND p.commercial_partner_id = ANY(%(partner_ids)s)
                 GROUP BY 1, 2
                """,
                company_id=self.company_id.id,
                open_receivable=self.env["account.move.line"]._dunning_open_receivable_sql("aml"),
                partner_ids=list(partner_ids),
            )
        )
        return {(partner_id, currency_id): amount for partner_id, currency_id, amount in rows}

    def _create_communications(self, rows, notes=None):
        """Group the candidate invoices per customer, level and currency and create the
        communications and their lines in two batched creates. Why a group is dropped is
        appended to ``notes`` (the run's log)."""
        notes = [] if notes is None else notes
        if not rows:
            return self.env["account.dunning.communication"]
        groups = defaultdict(list)
        for row in rows:
            groups[row["partner_id"], row["level_id"], row["currency_id"]].append(row)
        levels = self.env["account.dunning.level"].browse({key[1] for key in groups})
        partners = self.env["res.partner"].browse({key[0] for key in groups})
        partners.fetch(["name", "email", "dunning_collector_id"])
        credits = self._get_unallocated_credits(partners.ids)
        due_per_currency = defaultdict(float)
        for (partner_id, _level, currency_id), group_rows in groups.items():
            due_per_currency[partner_id, currency_id] += sum(
                r["amount_residual"] for r in group_rows
            )

        # Keep the groups worth a communication.
        kept = {}
        for key, group_rows in groups.items():
            partner_id, level_id, currency_id = key
            level = levels.browse(level_id)
            names = ", ".join(r["name"] for r in group_rows)
            if sum(r["amount_residual_signed"] for r in group_rows) < level.min_amount:
                notes.append(
                    self.env._(
                        "%(invoices)s skipped: %(customer)s owes less than the minimum amount "
                        "of %(level)s.",
                        invoices=names,
                        customer=partners.browse(partner_id).name,
                        level=level.name,
                    )
                )
                continue
            if (
                credits.get((partner_id, currency_id), 0.0)
                >= due_per_currency[partner_id, currency_id]
            ):
                # the customer's credits cover what it owes: reconcile, do not dun
                notes.append(
                    self.env._(
                        "%(invoices)s skipped: the unallocated credits of %(customer)s cover "
                        "what it owes; reconcile them.",
                        invoices=names,
                        customer=partners.browse(partner_id).name,
                    )
                )
                continue
            kept[key] = group_rows
        self._defer_softer_tones(kept, levels, partners, notes)
        if not kept:
            return self.env["account.dunning.communication"]

        recipients = self._get_recipients(partners)
        names = self._reserve_names(len(kept))
        vals_list = []
        for name, key in zip(names, kept, strict=True):
            partner_id, level_id, currency_id = key
            partner = partners.browse(partner_id)
            vals_list.append(
                self._prepare_communication_vals(
                    name,
                    partner,
                    levels.browse(level_id),
                    currency_id,
                    recipients.get(partner_id, partner),
                    credits.get((partner_id, currency_id), 0.0),
                )
            )
        communications = self._create_communication_records(vals_list)
        self._insert_lines(communications, kept.values(), self._get_penalties(kept.values()))
        communications._hold_incomplete()
        return communications

    def _defer_softer_tones(self, kept, levels, partners, notes):
        """No contradictory messages: a customer who gets a firm communication (final
        reminder, formal notice) on this run gets none of a softer tone on the same run. Those
        groups are dropped from ``kept``: their invoices keep their level, are listed in the
        firm document among the other open invoices, and wait for the next run."""
        firm = {key[0] for key in kept if levels.browse(key[1])._get_tone() == "firm"}
        for key in [key for key in kept if key[0] in firm]:
            level = levels.browse(key[1])
            if level._get_tone() == "soft":
                notes.append(
                    self.env._(
                        "%(invoices)s deferred: %(customer)s gets a firmer communication on "
                        "this run, %(level)s waits for the next run.",
                        invoices=", ".join(r["name"] for r in kept[key]),
                        customer=partners.browse(key[0]).name,
                        level=level.name,
                    )
                )
                del kept[key]

    def _prepare_communication_vals(self, name, partner, level, currency_id, recipient, credit):
        """Values of the communication ``name`` of the run to ``partner`` (sent to
        ``recipient``) at ``level`` in ``currency_id``, the customer having ``credit`` of
        unallocated credits: the hook where other addons add their fields."""
        channel, email_missing = level.channel, False
        if channel == "email" and not recipient.email:
            channel, email_missing = "letter", True
        # a letter without a postal address waits for it, whatever the level says
        address_missing = channel in PAPER_CHANNELS and not recipient._dunning_get_postal_partner()
        return {
            "name": name,
            "run_id": self.id,
            "company_id": self.company_id.id,
            "date": self.date,
            "partner_id": partner.id,
            "recipient_id": recipient.id,
            "collector_id": partner.dunning_collector_id.id,
            "level_id": level.id,
            "policy_id": level.policy_id.id,
            "channel": channel,
            "email_missing": email_missing,
            "address_missing": address_missing,
            "currency_id": currency_id,
            "amount_credit": credit,
            "state": "to_send" if level.auto_send and not address_missing else "draft",
        }

    def _create_communication_records(self, vals_list):
        """Create the run's communications (``_prepare_communication_vals``) in one batched
        ORM ``create``, without chatter message, follower or tracking (the evidence is logged
        when a communication is sent). Their lines come next (``_insert_lines``), with their
        totals."""
        # Made by the run only (users cannot create communications): the right to compute
        # the run is the right to make its communications.
        self.check_access("write")
        Communication = self.env["account.dunning.communication"]
        created = (
            Communication.sudo()
            .with_context(tracking_disable=True, mail_create_nolog=True, mail_notrack=True)
            .create(vals_list)
        )
        # Not computed at the next flush, which would cost a second pass and an UPDATE: the
        # stored computed fields that the values give (the run read what they depend on), the
        # email status (no email yet), and the totals, which ``_insert_lines`` sets from the
        # lines it inserts.
        fields_ = Communication._fields
        not_computed = {
            *(fields_[fname] for vals in vals_list for fname in vals if fields_[fname].compute),
            fields_["email_status"],
            *Communication.pool.field_computed[fields_["amount_due"]],
        }
        for field in not_computed:
            self.env.remove_to_compute(field, created)
        return Communication.browse(created.ids)

    def _get_penalties(self, groups):
        """Late interest and indemnity not charged yet of the reminded invoices, as of the run
        date, in one batch. A missing reference rate does not stop the run nor zero the
        figures: it is logged on the run, and the invoices concerned are flagged."""
        moves = self.env["account.move"].browse(r["move_id"] for rows in groups for r in rows)
        penalties = moves._dunning_get_penalties(self.date)
        missing = {day for penalty in penalties.values() for day in penalty["missing"]}
        if missing:
            self.log = self.env["account.dunning.rate"]._get_incomplete_message(missing)
        return penalties

    def _insert_lines(self, communications, groups, penalties):
        """Insert the invoice snapshots of new communications in one statement: they are
        never modified afterwards, and the ORM would spend seconds per thousand lines."""
        self._insert_communication_lines(
            [
                self._prepare_communication_line_vals(comm, r, penalties.get(r["move_id"], {}))
                for comm, group_rows in zip(communications, groups, strict=True)
                for r in group_rows
            ]
        )
        # The totals of the communications, from their lines, in one statement.
        self.env.execute_query(
            SQL(
                """
                UPDATE account_dunning_communication comm
                   SET invoice_count = agg.invoice_count,
                       amount_due = agg.amount_due,
                       amount_balance = GREATEST(agg.amount_due - COALESCE(comm.amount_credit, 0), 0),
                       amount_interest = agg.amount_interest,
                       amount_indemnity = agg.amount_indemnity,
                       is_courtesy = agg.is_courtesy
                  FROM (SELECT communication_id, COUNT(*) AS invoice_count,
                               SUM(amount_due) AS amount_due,
                               SUM(interest_amount) AS amount_interest,
                               SUM(indemnity_amount) AS amount_indemnity,
                               BOOL_AND(days_overdue <= 0) AS is_courtesy
                          FROM account_dunning_communication_line
                         WHERE communication_id = ANY(%(ids)s)
                         GROUP BY communication_id) AS agg
                 WHERE comm.id = agg.communication_id
                """,
                ids=communications.ids,
            )
        )
        communications.invalidate_recordset(
            [
                "line_ids",
                "invoice_count",
                "amount_due",
                "amount_balance",
                "amount_interest",
                "amount_indemnity",
                "is_courtesy",
            ]
        )

    def _prepare_communication_line_vals(self, communication, row, penalty):
        """Values of the line of ``communication`` for the invoice of ``row`` (the candidate
        selected by the run) with its ``penalty`` (``_dunning_get_penalties``): the hook where
        other addons add their fields."""
        Line = self.env["account.dunning.communication.line"]
        return {
            "communication_id": communication.id,
            "company_id": self.company_id.id,
            "move_id": row["move_id"],
            "move_name": row["name"],
            "invoice_date": row["invoice_date"],
            "date_due": row["due"],
            "days_overdue": (self.date - row["due"]).days,
            "currency_id": row["currency_id"],
            "amount_total": row["amount_total"],
            "amount_due": row["amount_residual"],
            "level_id": row["level_id"],
            "interest_amount": penalty.get("interest", 0.0),
            "indemnity_amount": penalty.get("indemnity", 0.0),
            "indemnity_company_amount": penalty.get("indemnity_company", 0.0),
            "missing_rate_semesters": Line._format_missing_rate_semesters(penalty),
        }

    def _insert_communication_lines(self, vals_list):
        """Insert the invoice lines of new communications (``_prepare_communication_line_vals``)
        in one statement: the only raw insert of business records of the addon, kept for speed
        (the ORM would spend seconds per thousand lines, which are never modified afterwards).

        Every key of the values is a stored column of ``account.dunning.communication.line``
        and is inserted: a field that an addon adds in the hook is written with the others.
        The ORM's ``create`` of lines is not called (no compute, no constraint): an addon whose
        line fields need either computes them from the communications, which are created by
        the ORM (``_create_communication_records``)."""
        if not vals_list:
            return
        Line = self.env["account.dunning.communication.line"]
        fnames = sorted({fname for vals in vals_list for fname in vals})
        fields_ = [Line._fields[fname] for fname in fnames]
        if any(not (field.store and field.column_type) for field in fields_):
            raise ValueError(f"Not stored columns of communication lines: {fnames}")
        self.env["account.dunning.communication"].flush_model()
        Line.flush_model()
        self.env.execute_query(
            SQL(
                """
                INSERT INTO account_dunning_communication_line
                       (%(columns)s, create_uid, create_date, write_uid, write_date)
                SELECT %(values)s, %(uid)s, NOW() AT TIME ZONE 'UTC',
                       %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM unnest(%(arrays)s) AS v(%(columns)s)
                """,
                columns=SQL(", ").join(SQL.identifier(fname) for fname in fnames),
                values=SQL(", ").join(SQL("v.%s", SQL.identifier(fname)) for fname in fnames),
                arrays=SQL(", ").join(
                    SQL(
                        "%s::%s[]",
                        [
                            None
                            if vals.get(field.name) is False and field.type != "boolean"
                            else vals.get(field.name)
                            for vals in vals_list
                        ],
                        SQL(field.column_type[1]),
                    )
                    for field in fields_
                ),
                uid=self.env.uid,
            )
        )

    def _get_recipients(self, partners):
        """{commercial partner id: invoicing contact with an email}, in one search."""
        contacts = self.env["res.partner"].search(
            [("parent_id", "in", partners.ids), ("type", "=", "invoice"), ("email", "!=", False)],
            order="id",
        )
        recipients = {}
        for contact in contacts:
            recipients.setdefault(contact.parent_id.id, contact)
        return recipients

    def _reserve_names(self, count):
        """``count`` references from the company's sequence, as of the run's date. A standard
        sequence without date ranges gives them in one query; with date ranges (or without
        gaps), ``ir.sequence`` gives each, in the range of the run's date."""
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .search(
                [
                    ("code", "=", "account.dunning.communication"),
                    ("company_id", "in", [self.company_id.id, False]),
                ],
                order="company_id",
                limit=1,
            )
            .with_context(ir_sequence_date=self.date)
        )
        if not sequence:
            raise UserError(self.env._("The sequence of dunning communications is missing."))
        if sequence.implementation != "standard" or sequence.use_date_range:
            return [sequence._next() for _i in range(count)]
        numbers = self.env.execute_query(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        prefix, suffix = sequence._get_prefix_suffix()
        return [f"{prefix}{number:0{sequence.padding}d}{suffix}" for (number,) in numbers]

    # ---------------------------------------------------------------------------------------
    # Scheduled action
    # ---------------------------------------------------------------------------------------

    @api.model
    def _get_sending_queue_domain(self):
        """Communications the scheduled action still has to send (or, for paper, to render)."""
        return [
            ("state", "=", "to_send"),
            "|",
            ("channel", "not in", PAPER_CHANNELS),
            "&",
            ("attachment_id", "=", False),
            ("level_id.report_id", "!=", False),
        ]

    @api.model
    def _send_queue_batch(self, batch_size=None):
        """Send one batch of the queue, in one company: the company of the oldest queued
        communication, as many as its *Send Batch Size* (or ``batch_size``). Returns
        ``(done, remaining)``: how many left the queue, how many are still in it. ``done`` is 0
        when none could (all held by another transaction), so that the caller stops."""
        Communication = self.env["account.dunning.communication"]
        domain = self._get_sending_queue_domain()
        first = Communication.search(domain, limit=1, order="id")
        if not first:
            return 0, 0
        company = first.company_id
        batch = Communication.search(
            [*domain, ("company_id", "=", company.id)],
            limit=batch_size or company.dunning_send_batch_size,
            order="id",
        )
        self.env["account.dunning.send"]._send_communications(batch)
        batch.invalidate_recordset()
        batch._notify_sent_in_background(domain)
        still_queued = batch.filtered_domain(domain)
        return len(batch - still_queued), Communication.search_count(domain)

    @api.model
    def _cron_run_dunning(self, batch_size=None):
        """Daily dunning of every company. Each call does one unit of work (one company's
        computation, or one batch of sending) that the cron framework commits, and reports the
        remaining work so the framework calls again at once.

        A company whose computation fails is recorded as failed on its run and left alone
        until the next day (or until a person computes it again); a company whose run is in
        progress in another transaction is tried again a few minutes later. *Run Manually*,
        which the framework does not call again, does the whole day (see ``_run_manually``)."""
        if not self.env.context.get("cron_id"):
            return self._run_manually(batch_size)
        today = fields.Date.context_today(self)
        # a handful of companies: pylint: disable-next=no-search-all
        companies = self.env["res.company"].search([])
        runs = self.search([("date", "=", today), ("company_id", "in", companies.ids)])
        todo = companies - runs.filtered(lambda run: run.state in ("done", "failed")).company_id
        busy = self.env["res.company"]
        for company in todo:
            try:
                run = self.with_context(**self._get_scheduled_context(company))._get_today_run(
                    company, today
                )
            except UserError as error:  # another transaction computes the company
                _logger.info("Dunning of %s postponed: %s", company.name, error)
                busy |= company
                continue
            run.with_company(company)._compute_safely()
            if busy:  # tried again in a few minutes
                self.env.ref(DAILY_CRON)._trigger(fields.Datetime.now() + timedelta(minutes=5))
            remaining = len(todo - busy - company) + self.env[
                "account.dunning.communication"
            ].search_count(self._get_sending_queue_domain())
            self.env["ir.cron"]._notify_progress(done=1, remaining=remaining)
            return
        if busy:  # tried again in a few minutes
            self.env.ref(DAILY_CRON)._trigger(fields.Datetime.now() + timedelta(minutes=5))
        done, remaining = self._send_queue_batch(batch_size)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _run_manually(self, batch_size=None):
        """*Run Manually* of the daily action, in the person's request: the computation of
        every company not computed today (failed ones again), then sending for
        MANUAL_RUN_SEND_SECONDS; what is left is sent by the scheduled action in the
        background. A company computed by another transaction gives the "already in
        progress" message."""
        today = fields.Date.context_today(self)
        # a handful of companies: pylint: disable-next=no-search-all
        for company in self.env["res.company"].search([]):
            run = self._get_today_run(company, today)
            if run.state != "done":
                run.with_company(company)._compute_safely()
        started, sent, remaining = time.monotonic(), 0, 0
        while time.monotonic() - started < MANUAL_RUN_SEND_SECONDS:
            done, remaining = self._send_queue_batch(batch_size)
            sent += done
            if not (done and remaining):
                break
        if remaining:
            self.env.ref(SEND_CRON)._trigger()
        self.env["ir.cron"]._notify_progress(done=sent, remaining=0)

    @api.model
    def _cron_send_queue(self, batch_size=None):
        """Send what is waiting in the queue (large validations, retries and computations
        sent in the background): one committed batch per call, with its progress."""
        done, remaining = self._send_queue_batch(batch_size)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _get_scheduled_context(self, company):
        """The context of the scheduled work of ``company``: its language, so that what the
        scheduler writes (run names and logs, notes, tracking) reads in the company's language
        rather than in the scheduler user's. A person's click keeps the person's language."""
        lang = company.partner_id.lang
        return {"lang": lang} if lang and self.env.context.get("cron_id") else {}

    @api.model
    def _cron_check_commitments(self):
        """Daily: promises kept or broken, payment plans completed or breached, credit holds
        of customers over their limit; company by company, one failing company does not stop
        the others."""
        # a handful of companies: pylint: disable-next=no-search-all
        companies = self.env["res.company"].search([])
        for company in companies:
            try:
                with self.env.cr.savepoint():
                    self.with_company(company).with_context(
                        **self._get_scheduled_context(company)
                    )._check_commitments(company, fields.Date.context_today(self))
            except (UserError, ValidationError) as error:
                _logger.warning("Dunning commitments of %s not checked: %s", company.name, error)
        self.env["ir.cron"]._notify_progress(done=len(companies), remaining=0)

    @api.model
    def _run_daily(self, batch_size=None):
        """The whole daily dunning in the current transaction (demo database, benchmark)."""
        today = fields.Date.context_today(self)
        # a handful of companies: pylint: disable-next=no-search-all
        for company in self.env["res.company"].search([]):
            run = self._get_today_run(company, today)
            if run.state != "done":
                run.with_company(company)._compute_safely()
        while self._send_queue_batch(batch_size)[0]:
            pass
        return self.search([("date", "=", today)])
