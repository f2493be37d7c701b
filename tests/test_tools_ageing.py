"""Ageing buckets (tools/ageing.py): plain functions, no database."""

import pytest

from odoo.addons.account_dunning_fr.tools.ageing import (
    AGEING_BUCKETS,
    ageing_bucket,
    bucket_bounds,
    bucket_of,
    parse_limits,
)


def test_limits_as_a_user_writes_them():
    assert parse_limits("30,60,90,120") == [30, 60, 90, 120]
    assert parse_limits(" 15 , 45 ") == [15, 45]


@pytest.mark.parametrize(
    "text", ["", None, "30,30", "60,30", "0,30", "30,x", "-5,30", "30;60", "1,2,3,4,5,6,7,8,9"]
)
def test_limits_that_are_not_increasing_positive_integers_are_refused(text):
    with pytest.raises(ValueError):
        parse_limits(text)


def test_bounds_from_not_due_to_beyond_the_last_limit():
    assert bucket_bounds([30, 60]) == [("0", None, 0), ("1", 1, 30), ("2", 31, 60), ("3", 61, None)]


@pytest.mark.parametrize(
    ("days_late", "key"), [(-10, "0"), (0, "0"), (1, "1"), (30, "1"), (31, "2"), (61, "3")]
)
def test_bucket_of_an_item_by_its_days_late(days_late, key):
    assert bucket_of(days_late, [30, 60]) == key


@pytest.mark.parametrize(
    ("days_late", "key"),
    [
        (-3, "not_due"),
        (0, "not_due"),
        (1, "1_30"),
        (30, "1_30"),
        (31, "31_60"),
        (90, "61_90"),
        (91, "91_plus"),
        (4000, "91_plus"),
    ],
)
def test_document_buckets(days_late, key):
    assert ageing_bucket(days_late) == key


def test_document_buckets_cover_every_day_once():
    for days_late in range(-5, 200):
        keys = [
            key
            for key, first, last in AGEING_BUCKETS
            if (first is None or days_late >= first) and (last is None or days_late <= last)
        ]
        assert keys == [ageing_bucket(days_late)]
