# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
"""Default wording of the dunning documents, in the environment's language.

Levels and companies store their wording in translatable fields: these defaults fill them when
a policy or a company is created, and stand in for a field left empty. Placeholders between
braces are replaced when a document is rendered (see ``tools.wording.fill_placeholders``)."""


def default_level_wording(env, kind, consumer=False):
    """{"letter_intro": ..., "letter_closing": ...} of a level of ``kind``; ``consumer``: of a
    consumer policy (no recovery indemnity, interest at the legal rate from the formal
    notice, C. civ. 1344-1)."""
    if consumer and kind in ("firm", "formal_notice"):
        wording = default_level_wording(env, kind)
        if kind == "firm":
            wording["letter_closing"] = env._(
                "Failing payment by that date, we will be compelled to send you a formal notice, "
                "from the date of which the sums due will bear interest at the legal rate. If "
                "your payment has crossed this letter, please disregard it."
            )
        else:
            wording["letter_closing"] = env._(
                "This letter constitutes a formal notice (mise en demeure) within the meaning of "
                "article 1344 of the Civil Code: from its date, the sums due bear interest at "
                "the legal rate (article 1344-1 of the Civil Code). No recovery indemnity and no "
                "collection costs are claimed from you."
            )
        return wording
    if kind == "courtesy":
        return {
            "letter_intro": env._(
                "We would like to remind you that the invoices listed below will soon be due. "
                "We thank you in advance for arranging their payment on time."
            ),
            "letter_closing": env._(
                "If your payment is already on its way, thank you, and please disregard this "
                "reminder."
            ),
        }
    if kind == "first":
        return {
            "letter_intro": env._(
                "Unless we are mistaken, the invoices listed below remain unpaid to this day. "
                "This is probably an oversight: we would be grateful if you could settle them "
                "as soon as possible."
            ),
            "letter_closing": env._(
                "If your payment has crossed this letter, please disregard it. Our accounts "
                "department remains at your disposal for any question."
            ),
        }
    if kind == "firm":
        return {
            "letter_intro": env._(
                "Despite our previous reminder, the invoices listed below remain unpaid. We ask "
                "you to pay the balance of {amount} without further delay, and at the latest on "
                "{deadline_date}."
            ),
            "letter_closing": env._(
                "Failing payment by that date, we will be compelled to send you a formal notice "
                "and to suspend deliveries. If your payment has crossed this letter, please "
                "disregard it."
            ),
        }
    return {
        "letter_intro": env._(
            "Despite our previous reminders, the invoices listed below remain unpaid. By this "
            "letter, we formally demand that you pay the sum of {amount} within {deadline_days} "
            "days of receipt of this letter, that is at the latest on {deadline_date}."
        ),
        "letter_closing": env._(
            "This letter constitutes a formal notice (mise en demeure) within the meaning of "
            "article 1344 of the Civil Code."
        ),
    }


def default_company_wording(env):
    """Legal wording of the formal notice and the court dossier, stored on the company."""
    return {
        "dunning_notice_legal_text": env._(
            "Under article L441-10 of the French Commercial Code, any sum not paid by its due "
            "date bears, automatically and without any reminder being necessary, late-payment "
            "interest at the rate of the European Central Bank's latest refinancing operation "
            "plus 10 points, or at the contractual rate, from the day after the due date. Under "
            "articles L441-10 and D441-5 of the same Code, any professional paying late also owes "
            "a fixed recovery indemnity of 40 euros per invoice."
        ),
        "dunning_notice_legal_text_consumer": env._(
            "Under articles 1231-6 and 1344-1 of the French Civil Code, the sums due bear "
            "interest at the legal rate from the date of this formal notice."
        ),
        "dunning_notice_consequences": env._(
            "Failing payment within this time limit, we will take legal action without further "
            "notice to recover our claim (order for payment, injonction de payer), increased by "
            "the interest and indemnities due; the costs of the proceedings may be charged to "
            "you."
        ),
        "dunning_notice_consequences_consumer": env._(
            "Failing payment within this time limit, we will take legal action to recover our "
            "claim (order for payment, injonction de payer), increased by the interest at the "
            "legal rate due."
        ),
        "dunning_registered_mention": env._("Registered letter with acknowledgment of receipt"),
        "dunning_signatory_function": env._("Credit manager"),
    }


def untranslated_defaults(records, defaults_of, langs):
    """{lang: {record: values}} of the wording fields of ``records`` that still show, in
    ``lang``, the English default (``defaults_of(env, record)`` gives the defaults of a
    record in the environment's language): those are written in ``lang``'s default wording.
    Fields a user has changed or translated are left alone."""
    todo = {}
    english = {
        record: defaults_of(record.with_context(lang="en_US").env, record) for record in records
    }
    for lang in langs:
        for record in records:
            local = record.with_context(lang=lang)
            defaults = defaults_of(local.env, record)
            values = {
                field: defaults[field]
                for field, english_default in english[record].items()
                if local[field] == english_default and defaults[field] != english_default
            }
            if values:
                todo.setdefault(lang, {})[record] = values
    return todo
