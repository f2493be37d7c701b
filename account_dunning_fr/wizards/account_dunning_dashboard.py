# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

import ast
from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL, format_date

from .account_dunning_aged_balance import flush_receivables, open_items_sql

DSO_METHODS = [
    ("countback", "Count-back"),
    ("simple", "Simple (average)"),
]
LINE_KINDS = [
    ("level", "Amount by level"),
    ("collector", "Amount by collector"),
    ("collected", "Collected after a level"),
    ("dispute", "Open disputes by reason"),
    ("month", "Month by month"),
]
MONTHS = 12  # months of the evolution


def dso_simple(receivable, sales, period_days):
    """Simple DSO: receivables / sales of the period x days of the period."""
    return receivable / sales * period_days if sales > 0 else 0.0


def dso_countback(receivable, slices, period_days):
    """Count-back DSO: the receivables are matched with the sales of the most recent months,
    walking back month after month; each month whose sales are fully absorbed counts all its
    days, the last one the share of its days the remaining receivable represents. What is left
    at the start of the period counts at the period's average daily sales.

    ``slices`` are (days, sales) from the most recent month backwards, covering the period.
    No sales in the period: no DSO (0), as the simple method gives."""
    total_sales = sum(sales for _days, sales in slices)
    if total_sales <= 0:
        return 0.0
    remaining, days = receivable, 0.0
    for slice_days, sales in slices:
        if remaining <= 0:
            break
        if sales >= remaining:
            return days + remaining / sales * slice_days
        remaining -= max(sales, 0.0)
        days += slice_days
    if remaining > 0:
        days += remaining / (total_sales / period_days)
    return days


class AccountDunningDashboard(models.TransientModel):
    """The credit manager's dashboard as of a date: receivables, overdue ratio, DSO, promises,
    amounts by level and by collector, what each level brings in, open disputes and the
    evolution month by month, in company currency.

    The figures are computed set-based when the dashboard is opened or refreshed (a few
    grouped queries whatever the volume) and kept on this transient record and its lines;
    every figure has a button that opens the records behind it. The receivable figures come
    from an aged balance as of the same date (``account.dunning.aged.balance``): the same
    open items, residual at the date."""

    _name = "account.dunning.dashboard"
    _description = "Dunning Dashboard"
    _inherit = ["account.dunning.bounds.mixin"]
    _check_company_auto = True
    _dunning_bounds = {"period_days": (1, 3650), "collection_days": (1, 365)}

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(string="As of", required=True, default=fields.Date.context_today)
    period_days = fields.Integer(
        string="Period (days)",
        required=True,
        default=90,
        help="Days before the date over which the DSO, the promises and the amounts collected "
        "are measured.",
    )
    dso_method = fields.Selection(
        DSO_METHODS,
        string="DSO Method",
        required=True,
        default="countback",
        help="Count-back: the receivables are matched with the sales of the latest months, "
        "month after month backwards; the DSO is the number of days of sales they represent. "
        "Simple: receivables divided by the sales of the period, times the days of the period.",
    )
    collection_days = fields.Integer(
        string="Collection Window (days)",
        required=True,
        default=30,
        help="A payment counts for a level when it is received within these days after a "
        "communication of that level was sent (the latest one before the payment).",
    )
    aged_balance_id = fields.Many2one("account.dunning.aged.balance", readonly=True)
    total_receivable = fields.Monetary(string="Receivables", readonly=True)
    overdue_amount = fields.Monetary(string="Overdue", readonly=True)
    overdue_ratio = fields.Float(
        string="Overdue Ratio (%)",
        readonly=True,
        digits=(16, 1),
        help="Overdue receivables divided by all open receivables, on the date.",
    )
    period_sales = fields.Monetary(
        string="Sales of the Period",
        readonly=True,
        help="Customer invoices less credit notes dated in the period, taxes included.",
    )
    dso = fields.Float(
        string="DSO (days)",
        readonly=True,
        digits=(16, 1),
        help="Days sales outstanding, by the chosen method, over the chosen period.",
    )
    promise_kept_count = fields.Integer(string="Promises Kept", readonly=True)
    promise_broken_count = fields.Integer(string="Promises Broken", readonly=True)
    promise_open_count = fields.Integer(string="Promises Open", readonly=True)
    dispute_count = fields.Integer(string="Open Disputes", readonly=True)
    dispute_amount = fields.Monetary(string="Disputed Amount", readonly=True)
    collected_amount = fields.Monetary(string="Collected after Reminders", readonly=True)
    line_ids = fields.One2many(
        "account.dunning.dashboard.line", "dashboard_id", string="Figures", readonly=True
    )
    level_line_ids = fields.One2many(
        "account.dunning.dashboard.line",
        "dashboard_id",
        string="By Level",
        domain=[("kind", "=", "level")],
        readonly=True,
    )
    collector_line_ids = fields.One2many(
        "account.dunning.dashboard.line",
        "dashboard_id",
        string="By Collector",
        domain=[("kind", "=", "collector")],
        readonly=True,
    )
    collected_line_ids = fields.One2many(
        "account.dunning.dashboard.line",
        "dashboard_id",
        string="Collected after Each Level",
        domain=[("kind", "=", "collected")],
        readonly=True,
    )
    dispute_line_ids = fields.One2many(
        "account.dunning.dashboard.line",
        "dashboard_id",
        string="Open Disputes by Reason",
        domain=[("kind", "=", "dispute")],
        readonly=True,
    )
    month_line_ids = fields.One2many(
        "account.dunning.dashboard.line",
        "dashboard_id",
        string="Month by Month",
        domain=[("kind", "=", "month")],
        readonly=True,
    )

    def _compute_display_name(self):
        for dashboard in self:
            dashboard.display_name = self.env._(
                "Dunning dashboard as of %(date)s", date=format_date(self.env, dashboard.date)
            )

    @api.model_create_multi
    def create(self, vals_list):
        dashboards = super().create(vals_list)
        dashboards._refresh()
        return dashboards

    # -- actions ----------------------------------------------------------------------------

    @api.model
    def action_open_dashboard(self):
        """Menu entry: a dashboard of the current company as of today."""
        dashboard = self.create({})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dashboard"),
            "res_model": self._name,
            "res_id": dashboard.id,
            "views": [(False, "form")],
            "target": "current",
        }

    def action_refresh(self):
        self._refresh()
        return True

    def action_open_receivable(self):
        return self._open_aged_lines(self.env._("Receivables"), [])

    def action_open_overdue(self):
        return self._open_aged_lines(self.env._("Overdue"), [("days_overdue", ">", 0)])

    def action_open_sales(self):
        return self._open_moves(self.env._("Sales of the Period"), self._sales_moves().ids)

    def action_open_promises_kept(self):
        return self._open_promises(self.env._("Promises Kept"), self._promise_domain("kept"))

    def action_open_promises_broken(self):
        return self._open_promises(self.env._("Promises Broken"), self._promise_domain("broken"))

    def action_open_promises_open(self):
        return self._open_promises(self.env._("Promises Open"), self._promise_domain("open"))

    def action_open_disputes(self):
        return self._open_moves(self.env._("Open Disputes"), self._disputed_moves().ids)

    def action_open_collected(self):
        ids = sorted({move_id for moves in self._collected().values() for move_id in moves[1]})
        return self._open_moves(self.env._("Collected after Reminders"), ids)

    def action_open_month_graph(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_dunning_fr.action_account_dunning_dashboard_line_month"
        )
        action["domain"] = [("dashboard_id", "=", self.id), ("kind", "=", "month")]
        return action

    def _open_aged_lines(self, name, domain):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_dunning_fr.action_account_dunning_aged_balance_line"
        )
        action.update(
            name=name,
            domain=[("aged_balance_id", "=", self.aged_balance_id.id), *domain],
            views=[(False, "list"), (False, "pivot"), (False, "graph")],
            view_mode="list,pivot,graph",
        )
        return action

    def _open_moves(self, name, ids):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "account.move",
            "domain": [("id", "in", list(ids))],
            "views": [(False, "list"), (False, "form")],
            "context": {"create": False},
        }

    def _open_promises(self, name, domain):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_dunning_fr.action_account_dunning_promise"
        )
        action.update(name=name, domain=domain, context={})
        return action

    # -- figures ----------------------------------------------------------------------------

    def _period_start(self):
        """First day of the period (the period ends on the date, included)."""
        return self.date - timedelta(days=self.period_days - 1)

    def _sales_moves(self):
        self.ensure_one()
        return self.env["account.move"].search(self._sales_domain())

    def _sales_domain(self):
        return [
            ("company_id", "=", self.company_id.id),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("state", "=", "posted"),
            ("invoice_date", ">=", self._period_start()),
            ("invoice_date", "<=", self.date),
        ]

    def _promise_domain(self, state):
        domain = [("company_id", "=", self.company_id.id), ("state", "=", state)]
        if state != "open":
            domain += [("date", ">=", self._period_start()), ("date", "<=", self.date)]
        return domain

    def _disputed_moves(self):
        self.ensure_one()
        return self.env["account.move"].search(self._dispute_domain())

    def _dispute_domain(self):
        return [
            *self.env["account.move"]._dunning_open_invoice_domain(),
            ("company_id", "=", self.company_id.id),
            ("dunning_disputed", "=", True),
        ]

    def _dso(self, receivable):
        """(DSO in days, sales of the period) by the dashboard's method: one grouped read of
        the sales by day."""
        sales_by_day = defaultdict(float)
        for day, amount in self.env["account.move"]._read_group(
            self._sales_domain(), ["invoice_date:day"], ["amount_total_signed:sum"]
        ):
            sales_by_day[fields.Date.to_date(day)] += amount
        period_sales = sum(sales_by_day.values())
        if self.dso_method == "simple":
            return dso_simple(receivable, period_sales, self.period_days), period_sales
        slices, end, start = [], self.date, self._period_start()
        while end >= start:
            begin = max(end - relativedelta(months=1) + timedelta(days=1), start)
            sales = sum(amount for day, amount in sales_by_day.items() if begin <= day <= end)
            slices.append(((end - begin).days + 1, sales))
            end = begin - timedelta(days=1)
        return dso_countback(receivable, slices, self.period_days), period_sales

    def _collected(self):
        """{level id: (amount, move ids)}: payments received in the period on invoices within
        the collection window after a sent communication of that level (the latest one sent
        before the payment), in company currency. Credit notes and exchange differences are
        not payments. One query."""
        self.ensure_one()
        flush_receivables(self.env)
        self.env["account.dunning.communication"].flush_model()
        self.env["account.dunning.communication.line"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                WITH sent AS (
                    SELECT line.move_id, comm.level_id, comm.sent_date
                      FROM account_dunning_communication_line line
                      JOIN account_dunning_communication comm ON comm.id = line.communication_id
                     WHERE comm.company_id = %(company)s AND comm.state = 'sent'
                       AND comm.sent_date IS NOT NULL
                ),
                payments AS (
                    SELECT apr.id, invoice_line.move_id, apr.max_date, apr.amount
                      FROM account_partial_reconcile apr
                      JOIN account_move_line invoice_line ON invoice_line.id = apr.debit_move_id
                      JOIN account_move_line counterpart ON counterpart.id = apr.credit_move_id
                      JOIN account_move counterpart_move
                        ON counterpart_move.id = counterpart.move_id
                     WHERE invoice_line.company_id = %(company)s
                       AND invoice_line.display_type = 'payment_term'
                       AND apr.max_date BETWEEN %(start)s AND %(date)s
                       AND counterpart_move.move_type != 'out_refund'
                       AND NOT EXISTS (
                           SELECT 1 FROM account_partial_reconcile exchange
                            WHERE exchange.exchange_move_id = counterpart.move_id
                       )
                )
                SELECT DISTINCT ON (payments.id) payments.id, sent.level_id, payments.move_id,
                       payments.amount
                  FROM payments
                  JOIN sent ON sent.move_id = payments.move_id
                   AND sent.sent_date <= payments.max_date
                   AND payments.max_date <= sent.sent_date + %(window)s
                 ORDER BY payments.id, sent.sent_date DESC
                """,
                company=self.company_id.id,
                start=self._period_start(),
                date=self.date,
                window=self.collection_days,
            )
        )
        collected = defaultdict(lambda: [0.0, set()])
        for _partial, level_id, move_id, amount in rows:
            collected[level_id][0] += amount
            collected[level_id][1].add(move_id)
        return {level_id: tuple(figures) for level_id, figures in collected.items()}

    def _month_ends(self):
        """The end of each of the last MONTHS months, the date itself for its own month."""
        ends = [self.date]
        for months in range(1, MONTHS):
            ends.append(self.date.replace(day=1) - relativedelta(months=months - 1) - timedelta(1))
        return sorted(ends)

    def _month_figures(self):
        """{month end: (receivables, overdue)} as of each month end: the open items of each
        date in one query (a lateral join of the open items on the dates)."""
        flush_receivables(self.env)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT month.day, SUM(items.amount),
                       COALESCE(SUM(items.amount) FILTER (WHERE items.days_overdue > 0), 0)
                  FROM unnest(%(days)s::date[]) AS month(day)
                 CROSS JOIN LATERAL (%(items)s) AS items
                 GROUP BY month.day
                """,
                days=self._month_ends(),
                items=open_items_sql(self.company_id, SQL("month.day")),
            )
        )
        return {day: (total, overdue) for day, total, overdue in rows}

    def _refresh(self):
        """Compute every figure and rewrite the lines."""
        Line = self.env["account.dunning.dashboard.line"]
        for dashboard in self:
            dashboard.line_ids.unlink()
            balance = self.env["account.dunning.aged.balance"].create(
                {"company_id": dashboard.company_id.id, "date": dashboard.date}
            )
            balance._fill_lines()
            vals_list = []
            total = overdue = 0.0
            by_level, by_collector = defaultdict(float), defaultdict(float)
            for level, collector, days, amount in self.env[
                "account.dunning.aged.balance.line"
            ]._read_group(
                [("aged_balance_id", "=", balance.id)],
                ["level_id", "collector_id", "days_overdue"],
                ["amount:sum"],
            ):
                total += amount
                overdue += amount if days > 0 else 0.0
                by_level[level] += amount
                by_collector[collector] += amount
            for level, amount in sorted(by_level.items(), key=lambda i: (i[0].sequence, i[0].id)):
                vals_list.append(
                    {
                        "kind": "level",
                        "name": level.name or self.env._("No level"),
                        "level_id": level.id,
                        "amount": amount,
                        "res_model": "account.dunning.aged.balance.line",
                        "domain": repr(
                            [("aged_balance_id", "=", balance.id), ("level_id", "=", level.id)]
                        ),
                    }
                )
            for user, amount in sorted(by_collector.items(), key=lambda i: i[0].name or ""):
                vals_list.append(
                    {
                        "kind": "collector",
                        "name": user.name or self.env._("No collector"),
                        "user_id": user.id,
                        "amount": amount,
                        "res_model": "account.dunning.aged.balance.line",
                        "domain": repr(
                            [("aged_balance_id", "=", balance.id), ("collector_id", "=", user.id)]
                        ),
                    }
                )
            collected = dashboard._collected()
            levels = (
                self.env["account.dunning.level"]
                .browse(collected)
                .sorted(lambda level: (level.policy_id.id, level.sequence))
            )
            for level in levels:
                amount, moves = collected[level.id]
                vals_list.append(
                    {
                        "kind": "collected",
                        "name": level.name,
                        "level_id": level.id,
                        "amount": amount,
                        "count": len(moves),
                        "res_model": "account.move",
                        "domain": repr([("id", "in", sorted(moves))]),
                    }
                )
            disputes = self.env["account.move"]._read_group(
                dashboard._dispute_domain(),
                ["dunning_dispute_reason_id"],
                ["id:array_agg", "amount_residual_signed:sum"],
            )
            for reason, ids, amount in sorted(disputes, key=lambda group: group[0].name or ""):
                vals_list.append(
                    {
                        "kind": "dispute",
                        "name": reason.name or self.env._("No reason given"),
                        "reason_id": reason.id,
                        "amount": amount,
                        "count": len(ids),
                        "res_model": "account.move",
                        "domain": repr([("id", "in", sorted(ids))]),
                    }
                )
            month_figures = dashboard._month_figures()
            for day in dashboard._month_ends():
                month_total, month_overdue = month_figures.get(day, (0.0, 0.0))
                vals_list.append(
                    {
                        "kind": "month",
                        "name": format_date(self.env, day, date_format="MMMM y"),
                        "month": day,
                        "amount": month_total,
                        "overdue_amount": month_overdue,
                        "ratio": month_overdue / month_total * 100 if month_total > 0 else 0.0,
                    }
                )
            Line.create([dict(vals, dashboard_id=dashboard.id) for vals in vals_list])
            dso, sales = dashboard._dso(total)
            Promise = self.env["account.dunning.promise"]
            kept, broken, still_open = (
                Promise.search_count(dashboard._promise_domain(state))
                for state in ("kept", "broken", "open")
            )
            dashboard.write(
                {
                    "aged_balance_id": balance.id,
                    "total_receivable": total,
                    "overdue_amount": overdue,
                    "overdue_ratio": overdue / total * 100 if total > 0 else 0.0,
                    "period_sales": sales,
                    "dso": dso,
                    "promise_kept_count": kept,
                    "promise_broken_count": broken,
                    "promise_open_count": still_open,
                    "dispute_count": sum(len(ids) for _reason, ids, _amount in disputes),
                    "dispute_amount": sum(amount for _reason, _ids, amount in disputes),
                    "collected_amount": sum(amount for amount, _moves in collected.values()),
                }
            )


class AccountDunningDashboardLine(models.TransientModel):
    """One figure of a breakdown of the dashboard, with the records behind it."""

    _name = "account.dunning.dashboard.line"
    _description = "Dunning Dashboard Figure"
    _order = "kind, month, id"

    dashboard_id = fields.Many2one(
        "account.dunning.dashboard", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="dashboard_id.company_id", store=True)
    currency_id = fields.Many2one(related="dashboard_id.currency_id")
    kind = fields.Selection(LINE_KINDS, required=True, readonly=True)
    name = fields.Char(string="Figure", readonly=True)
    level_id = fields.Many2one("account.dunning.level", readonly=True)
    user_id = fields.Many2one("res.users", string="Collector", readonly=True)
    reason_id = fields.Many2one("account.dunning.dispute.reason", readonly=True)
    month = fields.Date(readonly=True)
    amount = fields.Monetary(readonly=True)
    overdue_amount = fields.Monetary(string="Overdue", readonly=True)
    ratio = fields.Float(string="Overdue Ratio (%)", readonly=True, digits=(16, 1))
    count = fields.Integer(string="Invoices", readonly=True)
    res_model = fields.Char(string="Records Model", readonly=True)
    domain = fields.Char(string="Records Domain", readonly=True)

    def action_open(self):
        """The records behind the figure: the items, invoices or, for a month, the aged
        balance as of the end of that month."""
        self.ensure_one()
        if self.kind == "month":
            balance = self.env["account.dunning.aged.balance"].create(
                {"company_id": self.company_id.id, "date": self.month}
            )
            return balance.action_view()
        domain = ast.literal_eval(self.domain or "[]")
        if self.res_model == "account.dunning.aged.balance.line":
            return self.dashboard_id._open_aged_lines(self.name, domain[1:])
        return self.dashboard_id._open_moves(self.name, domain[0][2] if domain else [])
