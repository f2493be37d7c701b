"""Shared dataset of the aged balance and dashboard tests: invoices whose figures as of AS_OF are
known (due dates in each bucket, a payment before AS_OF and one after it, a foreign-currency
invoice, a credit note, an invoice dated after AS_OF)."""

from datetime import date, timedelta

from odoo.tests.common import new_test_user

AS_OF = date(2026, 3, 31)


def days(n):
    """AS_OF shifted by ``n`` days."""
    return AS_OF + timedelta(days=n)


class AgedDataset:
    """Mixin of a DunningCase: ``_make_dataset()`` builds the invoices (``cls.inv``, by letter)
    and ``expected`` ({customer: {bucket key: amount}} as of AS_OF, default buckets), computed
    from the invoices' amounts in company currency."""

    @classmethod
    def _make_dataset(cls):
        cls.collector = new_test_user(
            cls.env,
            login="aged.collector",
            name="Camille Recouvrement",
            groups="account.group_account_invoice,account_dunning_fr.group_dunning_user",
            company_id=cls.company.id,
        )
        cls.customer.dunning_collector_id = cls.collector
        cls.foreign = cls.setup_other_currency(
            "CHF", rates=[("2020-01-01", 2.0)]
        )  # 2 CHF for 1 unit of the company currency
        inv = {}
        (inv["A"], inv["B"], inv["C"], inv["L"], inv["E"], inv["F"]) = cls._invoices(
            [
                (cls.customer, days(10), 1000.0),  # not due
                (cls.customer, days(-15), 2000.0),  # 1-30, 500 paid before AS_OF
                (cls.customer, days(-45), 3000.0),  # 31-60, 1000 paid after AS_OF
                (cls.customer, days(40), 700.0),  # dated after AS_OF: absent
                (cls.customer_2, days(-100), 500.0),  # 91-120, disputed
                (cls.customer_2, days(-200), 600.0),  # over 120
            ]
        )
        inv["D"] = cls._invoices([(cls.customer, days(-75), 400.0, cls.foreign)])  # 61-90
        inv["R"] = cls._invoices([(cls.customer, days(-20), 300.0)], move_type="out_refund")
        cls.inv = inv
        cls.reason = cls.env["account.dunning.dispute.reason"].create(
            {"name": "Price disagreement"}
        )
        inv["E"].write({"dunning_disputed": True, "dunning_dispute_reason_id": cls.reason.id})
        inv["B"].write({"dunning_level_id": cls.level_1.id})
        cls.foreign_amount = inv["D"].amount_total_signed  # company currency, at its date
        cls.expected = {
            cls.customer: {
                "0": 1000.0,
                "1": 2000.0 - 500.0 - 300.0,
                "2": 3000.0,
                "3": cls.foreign_amount,
            },
            cls.customer_2: {"4": 500.0, "5": 600.0},
        }

    @classmethod
    def _pay_dataset(cls):
        """The payments: 500 on B before AS_OF, 1000 on C after it."""
        cls._pay(cls, cls.inv["B"], 500.0, days(-5))
        cls._pay(cls, cls.inv["C"], 1000.0, days(5))

    def _aged(self, **vals):
        return self.env["account.dunning.aged.balance"].create({"date": AS_OF, **vals})
