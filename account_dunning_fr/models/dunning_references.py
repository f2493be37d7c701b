# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
"""What the dunning history refers to: counted in one query, told to the user who tries to
delete it."""

from collections import defaultdict

from odoo.tools import SQL


def count_references(env, owners, references):
    """How many records of each kind refer to each owner, in one query, whatever the user's
    access (a reference the user cannot read still forbids the deletion).

    :param owners: {referenced record id: owner id}, e.g. {level id: level id}, or
        {level id: policy id} to count per policy what refers to its levels.
    :param references: [(kind, model, field, row field)]: the records of ``model`` whose
        ``field`` is a referenced id; ``row field`` ("id" or e.g. "communication_id" of a line)
        tells what is counted once as a ``kind`` ("communication", "invoice", ...).
    :return: {owner id: {kind: count}}"""
    if not owners:
        return {}
    ids = list(owners)
    selects = []
    for kind, model, field, row_field in references:
        Model = env[model]
        Model.flush_model([field, row_field] if row_field != "id" else [field])
        selects.append(
            SQL(
                "SELECT %s::varchar AS kind, %s AS ref_id, %s AS row_id FROM %s WHERE %s = ANY(%s)",
                kind,
                SQL.identifier(field),
                SQL.identifier(row_field),
                SQL.identifier(Model._table),
                SQL.identifier(field),
                ids,
            )
        )
    rows = env.execute_query(
        SQL(
            """
            SELECT refs.kind, owner.owner_id, COUNT(DISTINCT refs.row_id)
              FROM (%(selects)s) refs
              JOIN unnest(%(ref_ids)s::int[], %(owner_ids)s::int[]) AS owner(ref_id, owner_id)
                ON owner.ref_id = refs.ref_id
             GROUP BY refs.kind, owner.owner_id
            """,
            selects=SQL(" UNION ALL ").join(selects),
            ref_ids=ids,
            owner_ids=[owners[ref_id] for ref_id in ids],
        )
    )
    counts = defaultdict(dict)
    for kind, owner_id, count in rows:
        counts[owner_id][kind] = count
    return counts


def describe_references(env, counts):
    """'12 communication(s), 3 invoice(s)' from {kind: count}, in the user's language."""
    labels = {
        "communication": lambda count: env._("%(count)s communication(s)", count=count),
        "invoice": lambda count: env._("%(count)s invoice(s)", count=count),
        "promise": lambda count: env._("%(count)s promise(s) to pay", count=count),
        "plan": lambda count: env._("%(count)s payment plan(s)", count=count),
    }
    return ", ".join(labels[kind](counts[kind]) for kind in labels if counts.get(kind))
