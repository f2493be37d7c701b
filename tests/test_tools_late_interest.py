"""The pure helpers of late interest and of the legal caps (account_dunning_fr/tools/): plain
unit tests, no database. The figures are those a user checks by hand: amount x rate x days / 365,
split at 1 January / 1 July and after each partial payment."""

import unittest
from datetime import date

from odoo.addons.account_dunning_fr.tools.late_interest import (
    interest_segments,
    next_semester_start,
    semester_label,
    semester_start,
    semester_starts,
)
from odoo.addons.account_dunning_fr.tools.legal_caps import (
    LEGAL_FLOOR_MULTIPLE,
    RECOVERY_INDEMNITY,
    STATUTORY_MARGIN,
    legal_cap_date,
    legal_floor,
)

RATES = {date(2025, 1, 1): 13.15, date(2025, 7, 1): 12.15, date(2026, 1, 1): 12.15}


class TestSemesters(unittest.TestCase):
    def test_semester_start(self):
        self.assertEqual(semester_start(date(2025, 1, 1)), date(2025, 1, 1))
        self.assertEqual(semester_start(date(2025, 6, 30)), date(2025, 1, 1))
        self.assertEqual(semester_start(date(2025, 7, 1)), date(2025, 7, 1))
        self.assertEqual(semester_start(date(2025, 12, 31)), date(2025, 7, 1))

    def test_next_semester_start(self):
        self.assertEqual(next_semester_start(date(2025, 3, 15)), date(2025, 7, 1))
        self.assertEqual(next_semester_start(date(2025, 7, 1)), date(2026, 1, 1))
        self.assertEqual(next_semester_start(date(2025, 12, 31)), date(2026, 1, 1))

    def test_semester_starts(self):
        self.assertEqual(
            semester_starts(date(2024, 11, 16), date(2025, 8, 14)),
            [date(2024, 7, 1), date(2025, 1, 1), date(2025, 7, 1)],
        )
        self.assertEqual(semester_starts(date(2025, 6, 30), date(2025, 6, 30)), [date(2025, 1, 1)])
        self.assertEqual(semester_starts(date(2025, 7, 1), date(2025, 6, 30)), [])

    def test_semester_label(self):
        self.assertEqual(semester_label(date(2026, 6, 30)), "2026 H1")
        self.assertEqual(semester_label(date(2026, 7, 1)), "2026 H2")


class TestInterestSegments(unittest.TestCase):
    def test_one_semester(self):
        # 1,000.00 late 31 days in January 2025 at 13.15 %: 1000 x 13.15 % x 31 / 365
        (segment,) = interest_segments(date(2025, 1, 1), date(2025, 1, 31), 1000.0, [], RATES.get)
        self.assertEqual((segment["days"], segment["base"], segment["rate"]), (31, 1000.0, 13.15))
        self.assertAlmostEqual(segment["interest"], 1000 * 0.1315 * 31 / 365)
        self.assertFalse(segment["missing"])

    def test_split_at_the_semester(self):
        segments = interest_segments(date(2025, 6, 1), date(2025, 7, 31), 1000.0, [], RATES.get)
        self.assertEqual(
            [(s["date_from"], s["date_to"], s["days"], s["rate"]) for s in segments],
            [
                (date(2025, 6, 1), date(2025, 6, 30), 30, 13.15),
                (date(2025, 7, 1), date(2025, 7, 31), 31, 12.15),
            ],
        )

    def test_partial_payment_reduces_the_base_from_the_next_day(self):
        payments = [(date(2025, 1, 10), 400.0), (date(2024, 12, 20), 100.0)]
        segments = interest_segments(
            date(2025, 1, 1), date(2025, 1, 31), 1000.0, payments, RATES.get
        )
        # Paid before the first late day: the base starts at 900; 400 more from 11 January.
        self.assertEqual(
            [(s["date_from"], s["days"], s["base"]) for s in segments],
            [(date(2025, 1, 1), 10, 900.0), (date(2025, 1, 11), 21, 500.0)],
        )

    def test_paid_in_full_stops_the_interest(self):
        payments = [(date(2025, 1, 10), 1000.0)]
        segments = interest_segments(
            date(2025, 1, 1), date(2025, 1, 31), 1000.0, payments, RATES.get
        )
        self.assertEqual([s["days"] for s in segments], [10])

    def test_missing_rate_adds_nothing_and_says_so(self):
        segments = interest_segments(date(2026, 6, 1), date(2026, 7, 10), 1000.0, [], RATES.get)
        self.assertEqual([s["missing"] for s in segments], [False, True])
        self.assertIsNone(segments[1]["rate"])
        self.assertEqual(segments[1]["interest"], 0.0)

    def test_nothing_before_the_first_late_day(self):
        self.assertEqual(
            interest_segments(date(2025, 2, 1), date(2025, 1, 31), 1000.0, [], RATES.get), []
        )


class TestLegalCaps(unittest.TestCase):
    def test_payment_terms_cap(self):
        # The most favourable of 60 days, end of month + 45 days, 45 days then end of month.
        self.assertEqual(legal_cap_date(date(2025, 1, 15)), date(2025, 3, 31))  # 45 days + EOM
        self.assertEqual(legal_cap_date(date(2025, 1, 31)), date(2025, 4, 1))  # 60 days
        self.assertEqual(legal_cap_date(date(2025, 2, 1)), date(2025, 4, 14))  # EOM + 45 days
        self.assertEqual(legal_cap_date(date(2024, 12, 31)), date(2025, 3, 1))  # 60 days

    def test_legal_floor(self):
        self.assertEqual(LEGAL_FLOOR_MULTIPLE, 3.0)
        self.assertEqual(legal_floor(5.0, 2.62), 3 * 2.62)
        self.assertEqual(legal_floor(12.15, 2.62), 12.15)
        self.assertIsNone(legal_floor(5.0, None))
        self.assertIsNone(legal_floor(None, 2.62))

    def test_statutory_figures(self):
        self.assertEqual((STATUTORY_MARGIN, RECOVERY_INDEMNITY), (10.0, 40.0))
