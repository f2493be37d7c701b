"""Demo data for account_dunning_fr: a French company, ~20 customers and ~100 customer invoices.

``build_demo(env)`` fills a database where ``l10n_fr_account`` and ``account_dunning_fr`` are
installed (``bin/demo`` does that, then runs this module). It is deterministic (``random.Random(42)``,
every date relative to ``today``), set-based (batched ``create``, one ``action_post``) and
idempotent: when the company already holds the demo customers it only returns what is there.

What it creates in the company (``base.main_company`` unless ``company`` is given):

- the company's identity: "Atelier Dupont SAS" (main company only), a Lyon address, SIREN/SIRET,
  VAT number, bank account; French chart of accounts, EUR; French language for the company
  partner, the administrator and every customer;
- 20 customers: 19 companies with a Luhn-valid SIREN (``company_registry``) and VAT number, one
  without any email address (Garage Moreau), plus one consumer (an individual); 6 contacts under
  the companies, among them an invoicing address with its own email (Menuiserie Lefèvre);
- 8 products, 100 posted customer invoices due from ``today - 150`` to ``today + 30`` days;
- 15 invoices partially paid (one ``account.payment.register`` per invoice: a batch wizard
  can only pay the full residual) and 12 fully paid (one batch ``account.payment.register``);
- one posted credit note (Hôtel du Parc) left unreconciled: an outstanding credit of the customer;
- one disputed invoice ("Marchandise non conforme") when ``account.move`` has ``dunning_disputed``.

Command line (what ``bin/demo`` runs): ``python -m devtools.build_demo -c odoo.conf -d DB``: builds
the data, runs the daily dunning (``account.dunning.run._run_daily``) when the model has it, commits
and prints a summary.
"""

import argparse
import logging
import random
from datetime import timedelta

import odoo
from odoo import fields
from odoo.exceptions import UserError
from odoo.modules.registry import Registry

_logger = logging.getLogger(__name__)

SEED = 42
INVOICE_COUNT = 100
PARTIAL_COUNT = 15
PAID_COUNT = 12
DUE_MIN_DAYS = -150  # relative to today
DUE_MAX_DAYS = 30
PAYMENT_TERMS_DAYS = (30, 45, 60)  # invoice date = due date - term (L441-10: at most 60 days)
CUSTOMER_REF = "DEMO-CUST-%02d"
PRODUCT_REF = "DEMO-PRD-%02d"
LANG = "fr_FR"
# Scaled demo (build_demo(scale=N), used by the acceptance suite): copy k >= 2 of the customer base
# is set in another city, a third of its customers read English, and the first company of copy 2
# owes a long list of invoices (a formal notice and a statement over several pages).
SCALE_CITIES = [
    ("75011", "Paris"),
    ("13001", "Marseille"),
    ("31000", "Toulouse"),
    ("44000", "Nantes"),
    ("67000", "Strasbourg"),
    ("59000", "Lille"),
    ("33000", "Bordeaux"),
    ("06000", "Nice"),
]
SCALE_ENGLISH_EVERY = 3  # in copies >= 2, every third customer reads English
SCALE_LANG = "en_US"
LONG_ACCOUNT_INVOICES = 40
LONG_ACCOUNT_DUE_DAYS = (-140, -50)  # relative to today

COMPANY = {
    "name": "Atelier Dupont SAS",
    "street": "12 rue des Artisans",
    "zip": "69003",
    "city": "Lyon",
    "phone": "+33 4 78 00 12 34",
    "email": "compta@atelier-dupont.example",
    "website": "https://atelier-dupont.example",
    "siren_stem": "83245017",  # + Luhn digit
    "ape": "3109B",  # manufacture of other furniture
    "signatory": "Hélène Dupont",
}
# A valid French IBAN (RIB key and IBAN checksum), fictitious account number.
COMPANY_IBAN = "FR7630004008280001012345691"
COMPANY_BANK = ("BNP Paribas", "BNPAFRPPXXX")

# (name, street, zip, city, email domain or None: no email address at all)
CUSTOMER_COMPANIES = [
    ("Boulangerie Martin SARL", "8 place du Marché", "69002", "Lyon", "boulangerie-martin"),
    ("Menuiserie Lefèvre et Fils", "23 avenue Jean Jaurès", "69007", "Lyon", "menuiserie-lefevre"),
    ("Hôtel du Parc SAS", "5 boulevard des Belges", "69006", "Lyon", "hotel-du-parc"),
    ("Garage Moreau", "41 route de Vienne", "69008", "Lyon", None),
    (
        "Cabinet Rousseau Architectes",
        "17 rue de la République",
        "13001",
        "Marseille",
        "rousseau-archi",
    ),
    ("Restaurant Le Petit Bouchon", "3 rue Mercière", "69002", "Lyon", "petit-bouchon"),
    ("Librairie Fontaine", "12 rue Sainte-Catherine", "33000", "Bordeaux", "librairie-fontaine"),
    ("Pharmacie Girard", "60 cours Gambetta", "69003", "Lyon", "pharmacie-girard"),
    ("Transports Lambert SAS", "ZI des Platières", "38200", "Vienne", "transports-lambert"),
    ("Clinique vétérinaire Bonnet", "9 rue Nationale", "59000", "Lille", "veto-bonnet"),
    ("Société Nouvelle Mercier", "28 quai de la Fosse", "44000", "Nantes", "snmercier"),
    ("Brasserie des Canuts", "4 place de la Croix-Rousse", "69004", "Lyon", "brasserie-canuts"),
    ("Dubois Immobilier", "15 rue du Faubourg Saint-Honoré", "75008", "Paris", "dubois-immo"),
    ("Crèche Les Petits Loups", "7 rue Victor Hugo", "42000", "Saint-Étienne", "petits-loups"),
    ("Laboratoire Chevalier", "2 allée des Sciences", "31400", "Toulouse", "labo-chevalier"),
    ("Imprimerie Garnier", "33 rue Paul Bert", "69003", "Lyon", "imprimerie-garnier"),
    ("Fromagerie Perrin", "11 rue de la Halle", "74000", "Annecy", "fromagerie-perrin"),
    ("Domaine Faure", "Lieu-dit Les Grands Crus", "21700", "Nuits-Saint-Georges", "domaine-faure"),
    ("Studio Blanc Design", "20 rue Oberkampf", "75011", "Paris", "studio-blanc"),
]
CONSUMER = ("Camille Bernard", "14 rue des Lilas", "69100", "Villeurbanne", "camille.bernard")
# (index of the company in CUSTOMER_COMPANIES, name, type, email local part, function)
CONTACTS = [
    (0, "Julie Martin", "contact", "julie.martin", "Gérante"),
    (1, "Service comptabilité", "invoice", "compta", False),
    (1, "Paul Lefèvre", "contact", "paul.lefevre", "Directeur"),
    (2, "Sophie Laurent", "contact", "s.laurent", "Directrice"),
    (2, "Réception", "delivery", "reception", False),
    (8, "Marc Lambert", "contact", "marc.lambert", "Responsable administratif"),
]
INVOICE_CONTACT_COMPANY = 1  # its invoices are addressed to its invoicing contact
NO_EMAIL_COMPANY = 3
CREDIT_NOTE_COMPANY = 2
CREDIT_NOTE_AMOUNT = 250.0
# (name, type, list price, quantities to draw from)
PRODUCTS = [
    ("Table en chêne massif", "consu", 1450.0, (1, 2, 3, 4)),
    ("Chaise bistrot", "consu", 185.0, (4, 6, 8, 12)),
    ("Étagère murale sur mesure", "consu", 620.0, (1, 2, 3)),
    ("Comptoir de bar", "consu", 3900.0, (1,)),
    ("Prestation de pose (heure)", "service", 65.0, (2, 4, 6, 8, 12)),
    ("Restauration de mobilier", "service", 480.0, (1, 2)),
    ("Contrat de maintenance annuel", "service", 1200.0, (1,)),
    ("Livraison et installation", "service", 90.0, (1, 2)),
]
DISPUTE = {
    "dunning_dispute_note": "Marchandise non conforme : le client signale des plateaux rayés à "
    "la livraison ; expertise demandée avant tout règlement.",
}


# --- identifiers -------------------------------------------------------------------------------


def luhn_complete(digits):
    """``digits`` followed by the check digit that makes the whole number Luhn-valid."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return digits + str(-total % 10)


def siren_from_stem(stem):
    return luhn_complete(stem)


def siret_from_siren(siren, establishment=1):
    """SIRET of an establishment: SIREN + 4-digit number + Luhn digit over the 14 digits."""
    return luhn_complete(f"{siren}{establishment:04d}")


def fr_vat(siren):
    """Intra-community VAT number: FR + key + SIREN, key = (12 + 3 * (SIREN mod 97)) mod 97."""
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


# --- building blocks ---------------------------------------------------------------------------


def _ensure_french_language(env):
    env["res.lang"]._activate_lang(LANG)
    admin = env.ref("base.user_admin", raise_if_not_found=False)
    if admin:
        admin.write({"lang": LANG, "tz": "Europe/Paris"})


def _ensure_chart(env, company, chart_template):
    """Load ``chart_template`` on the company unless it already has it. ``None`` keeps the
    company's chart, or loads ``generic_coa`` when it has none (databases without l10n_fr)."""
    ChartTemplate = env["account.chart.template"]
    code = chart_template or company.chart_template or "generic_coa"
    if company.chart_template == code:
        return
    mapping = ChartTemplate._get_chart_template_mapping().get(code)
    if not mapping:
        raise UserError(f"Unknown chart template {code!r}.")
    module = env["ir.module.module"].search([("name", "=", mapping["module"])])
    if module.state != "installed":
        raise UserError(
            f"The chart template {code!r} needs the module {mapping['module']} which is not "
            "installed: install it, or call build_demo(..., chart_template=None) to keep the "
            "company's chart (or load the generic one)."
        )
    if env["account.move"].search_count([("company_id", "=", company.id)], limit=1):
        raise UserError(
            f"{company.name} already has journal entries: its chart of accounts cannot be "
            f"replaced by {code!r}."
        )
    _logger.info("Loading the chart of accounts %s on %s", code, company.name)
    ChartTemplate.try_loading(code, company, install_demo=False)


def _setup_company(env, company, rename):
    france = env.ref("base.fr")
    siren = siren_from_stem(COMPANY["siren_stem"])
    vals = {
        "street": COMPANY["street"],
        "zip": COMPANY["zip"],
        "city": COMPANY["city"],
        "country_id": france.id,
        "phone": COMPANY["phone"],
        "email": COMPANY["email"],
        "website": COMPANY["website"],
        "vat": fr_vat(siren),
        "company_registry": siren,
        "dunning_signatory_name": COMPANY["signatory"],  # formal notices must be signed
        "dunning_legal_form": "sas",  # parties of the court dossier and the claim declaration
        "dunning_rcs_city": COMPANY["city"],
        "dunning_legal_representative": f"{COMPANY['signatory']}, présidente",
    }
    if rename:
        vals["name"] = COMPANY["name"]
    if "siret" in company._fields:
        vals["siret"] = siret_from_siren(siren)
    if "ape" in company._fields:
        vals["ape"] = COMPANY["ape"]
    company.write(vals)
    company.partner_id.lang = LANG


def _ensure_euro(env, company):
    """Charts of non-euro countries (generic_coa) set their own currency on loading."""
    euro = env.ref("base.EUR")
    if company.currency_id != euro:
        # before any accounting entry only; res.company.write activates the currency
        company.write({"currency_id": euro.id})


def _setup_bank_account(env, company):
    partner = company.partner_id
    if partner.bank_ids:
        return partner.bank_ids[:1]
    bank_name, bic = COMPANY_BANK
    bank = env["res.bank"].search([("bic", "=", bic)], limit=1) or env["res.bank"].create(
        {"name": bank_name, "bic": bic, "country": env.ref("base.fr").id}
    )
    account = env["res.partner.bank"].create(
        {"acc_number": COMPANY_IBAN, "partner_id": partner.id, "bank_id": bank.id}
    )
    journal = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "bank"), ("bank_account_id", "=", False)],
        limit=1,
    )
    if journal:
        journal.bank_account_id = account
    return account


def _create_products(env, company):
    tax = company.account_sale_tax_id
    return env["product.product"].create(
        [
            {
                "name": name,
                "default_code": PRODUCT_REF % index,
                "type": product_type,
                "list_price": price,
                "company_id": company.id,
                "taxes_id": [(6, 0, tax.ids)],
            }
            for index, (name, product_type, price, _qty) in enumerate(PRODUCTS, start=1)
        ]
    )


def _customer_copy(copy, index, name, zip_code, city, domain):
    """(name, zip, city, email domain, language, ref) of customer ``index`` in copy ``copy`` of
    the customer base: copy 1 is the base itself."""
    if copy == 1:
        return name, zip_code, city, domain, LANG, CUSTOMER_REF % index
    zip_code, city = SCALE_CITIES[(copy - 2) % len(SCALE_CITIES)]
    lang = SCALE_LANG if index % SCALE_ENGLISH_EVERY == 0 else LANG
    domain = domain and f"{domain}-{copy}"
    return f"{name} ({city})", zip_code, city, domain, lang, CUSTOMER_REF % (copy * 100 + index)


def _create_customers(env, company, rng, copy=1):
    """The 20 commercial partners (19 companies, then the consumer) and the 6 contacts of copy
    ``copy`` of the customer base (see SCALE_CITIES)."""
    france = env.ref("base.fr")
    Partner = env["res.partner"].with_context(tracking_disable=True, mail_create_nolog=True)
    vals_list = []
    for index, base in enumerate(CUSTOMER_COMPANIES, start=1):
        name, zip_code, city, domain, lang, ref = _customer_copy(copy, index, *base[:1], *base[2:])
        street = base[1]
        siren = luhn_complete("".join(str(rng.randint(0, 9)) for _ in range(8)))
        if siren[0] == "0":  # keep SIRENs 9 significant digits long
            siren = luhn_complete("3" + siren[1:8])
        vals = {
            "name": name,
            "ref": ref,
            "is_company": True,
            "company_id": company.id,
            "street": street,
            "zip": zip_code,
            "city": city,
            "country_id": france.id,
            "lang": lang,
            "phone": f"+33 {rng.randint(1, 5)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
            "email": f"contact@{domain}.example" if domain else False,
            "website": f"https://{domain}.example" if domain else False,
            "company_registry": siren,
            "vat": fr_vat(siren),
            # the legal form its name states decides the court; the others stay unknown
            "dunning_legal_form": {"SARL": "sarl", "SAS": "sas"}.get(base[0].rsplit(" ", 1)[-1]),
        }
        if "siret" in Partner._fields:
            vals["siret"] = siret_from_siren(siren)
        vals_list.append(vals)
    name, street, zip_code, city, mailbox = CONSUMER
    name, zip_code, city, mailbox, lang, ref = _customer_copy(
        copy, len(CUSTOMER_COMPANIES) + 1, name, zip_code, city, mailbox
    )
    vals_list.append(
        {
            "name": name,
            "ref": ref,
            "is_company": False,
            "company_id": company.id,
            "street": street,
            "zip": zip_code,
            "city": city,
            "country_id": france.id,
            "lang": lang,
            "phone": "+33 6 12 34 56 78",
            "email": f"{mailbox}@mail.example",
        }
    )
    customers = Partner.create(vals_list)
    contacts = Partner.create(
        [
            {
                "name": name,
                "parent_id": customers[parent].id,
                "type": contact_type,
                "function": function,
                "company_id": company.id,
                "lang": customers[parent].lang,
                "email": f"{mailbox}@{customers[parent].email.split('@')[1]}",
            }
            for parent, name, contact_type, mailbox, function in CONTACTS
        ]
    )
    return customers, contacts


def _invoice_plan(rng, customers, products, today):
    """One dict per invoice: partner index, dates, lines; sorted by invoice date."""
    consumer_index = len(customers) - 1
    # every customer gets an invoice; the others go mostly to the companies (the consumer gets 2)
    partner_indexes = list(range(len(customers)))
    partner_indexes += [consumer_index]
    weights = [rng.choice((1, 2, 3, 5)) for _ in range(consumer_index)]
    partner_indexes += rng.choices(
        range(consumer_index), weights=weights, k=INVOICE_COUNT - len(partner_indexes)
    )
    plan = []
    for partner_index in partner_indexes:
        due_offset = rng.randint(DUE_MIN_DAYS, DUE_MAX_DAYS)
        term = rng.choice(PAYMENT_TERMS_DAYS)  # >= DUE_MAX_DAYS: no invoice dated in the future
        due = today + timedelta(days=due_offset)
        line_products = rng.sample(range(len(products)), k=rng.choice((1, 1, 2, 2, 3)))
        if partner_index == consumer_index:
            line_products = line_products[:1]
        plan.append(
            {
                "partner_index": partner_index,
                "invoice_date": due - timedelta(days=term),
                "due": due,
                "ref": f"BC-{rng.randint(1000, 9999)}" if rng.random() < 0.6 else False,
                "lines": [
                    (products[i], rng.choice(PRODUCTS[i][3]), PRODUCTS[i][2]) for i in line_products
                ],
            }
        )
    plan.sort(key=lambda item: (item["invoice_date"], item["due"]))
    return plan


def _create_invoices(env, company, customers, contacts, products, rng, today):
    journal = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
    )
    invoice_contact = contacts.filtered(
        lambda c: c.type == "invoice" and c.parent_id == customers[INVOICE_CONTACT_COMPANY]
    )
    plan = _invoice_plan(rng, customers, products, today)
    vals_list = []
    for item in plan:
        customer = customers[item["partner_index"]]
        if item["partner_index"] == INVOICE_CONTACT_COMPANY:
            customer = invoice_contact
        vals_list.append(
            {
                "move_type": "out_invoice",
                "company_id": company.id,
                "journal_id": journal.id,
                "partner_id": customer.id,
                "invoice_date": item["invoice_date"],
                "invoice_date_due": item["due"],
                "date": item["invoice_date"],
                "ref": item["ref"],
                "invoice_line_ids": [
                    (0, 0, {"product_id": product.id, "quantity": qty, "price_unit": price})
                    for product, qty, price in item["lines"]
                ],
            }
        )
    refund_product = products.filtered(lambda p: p.default_code == PRODUCT_REF % 6)
    refund_date = today - timedelta(days=20)
    vals_list.append(
        {
            "move_type": "out_refund",
            "company_id": company.id,
            "journal_id": journal.id,
            "partner_id": customers[CREDIT_NOTE_COMPANY].id,
            "invoice_date": refund_date,
            "date": refund_date,
            "ref": "Geste commercial : retard de livraison",
            "invoice_line_ids": [
                (
                    0,
                    0,
                    {
                        "product_id": refund_product.id,
                        "name": "Remise commerciale (retard de livraison)",
                        "quantity": 1,
                        "price_unit": CREDIT_NOTE_AMOUNT,
                    },
                )
            ],
        }
    )
    Move = env["account.move"].with_company(company)
    moves = Move.with_context(tracking_disable=True, mail_create_nolog=True).create(vals_list)
    moves.action_post()
    return moves[:-1], moves[-1]


def _register_payments(env, company, invoices, rng, today):
    """Partial payments on PARTIAL_COUNT invoices, full payments on PAID_COUNT others.
    Returns (partially paid, fully paid, candidates left open for the dispute)."""
    bank = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
    )
    ordered = invoices.sorted("id")
    picked = rng.sample(range(len(ordered)), k=PARTIAL_COUNT + PAID_COUNT)
    partial = ordered.browse([ordered[i].id for i in picked[:PARTIAL_COUNT]])
    paid = ordered.browse([ordered[i].id for i in picked[PARTIAL_COUNT:]])
    Register = env["account.payment.register"].with_company(company)
    payments = env["account.payment"]
    # different amounts per invoice: the wizard can only do that one invoice at a time
    for invoice in partial:
        amount = invoice.currency_id.round(invoice.amount_residual * rng.choice((0.2, 0.3, 0.5)))
        days = max((today - invoice.invoice_date).days, 0)
        wizard = Register.with_context(active_model="account.move", active_ids=invoice.ids).create(
            {
                "journal_id": bank.id,
                "amount": amount,
                "payment_date": invoice.invoice_date + timedelta(days=rng.randint(0, days)),
                "payment_difference_handling": "open",
                "communication": invoice.name,
            }
        )
        payments |= wizard._create_payments()
    # full residuals, one payment per invoice, in one batch
    wizard = Register.with_context(active_model="account.move", active_ids=paid.ids).create(
        {"journal_id": bank.id, "payment_date": today, "group_payment": False}
    )
    payments |= wizard._create_payments()
    return partial, paid, payments


def _create_long_account(env, company, customer, products, rng, today):
    """LONG_ACCOUNT_INVOICES open invoices of ``customer``, all late: its formal notice and its
    statement of account run over several pages."""
    journal = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
    )
    vals_list = []
    for _index in range(LONG_ACCOUNT_INVOICES):
        due = today + timedelta(days=rng.randint(*LONG_ACCOUNT_DUE_DAYS))
        product_index = rng.randrange(len(products))
        _name, _type, price, quantities = PRODUCTS[product_index]
        vals_list.append(
            {
                "move_type": "out_invoice",
                "company_id": company.id,
                "journal_id": journal.id,
                "partner_id": customer.id,
                "invoice_date": due - timedelta(days=30),
                "invoice_date_due": due,
                "date": due - timedelta(days=30),
                "ref": f"BC-{rng.randint(1000, 9999)}",
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": products[product_index].id,
                            "quantity": rng.choice(quantities),
                            "price_unit": price,
                        },
                    )
                ],
            }
        )
    vals_list.sort(key=lambda vals: (vals["invoice_date"], vals["invoice_date_due"]))
    Move = env["account.move"].with_company(company)
    moves = Move.with_context(tracking_disable=True, mail_create_nolog=True).create(vals_list)
    moves.action_post()
    return moves


def _set_dispute(env, invoices, excluded, today):
    if "dunning_disputed" not in env["account.move"]._fields:
        return env["account.move"]
    candidates = (invoices - excluded).filtered(
        lambda m: m.commercial_partner_id.is_company
        and m.commercial_partner_id.email
        and -90 <= (m.invoice_date_due - today).days <= -40
    )
    disputed = candidates.sorted(lambda m: (m.invoice_date_due, m.id))[:1]
    disputed.write(
        dict(
            DISPUTE,
            dunning_disputed=True,
            dunning_dispute_date=disputed.invoice_date_due + timedelta(days=10),
        )
    )
    return disputed


def _collect(env, company, created):
    """What the demo holds in ``company``, as returned by build_demo."""
    customers = (
        env["res.partner"]
        .with_context(active_test=False)
        .search([("ref", "=like", "DEMO-CUST-%"), ("company_id", "=", company.id)], order="ref")
    )
    moves = env["account.move"].search(
        [
            ("company_id", "=", company.id),
            ("commercial_partner_id", "in", customers.ids),
            ("move_type", "in", ("out_invoice", "out_refund")),
        ],
        order="invoice_date, id",
    )
    invoices = moves.filtered(lambda m: m.move_type == "out_invoice")
    disputed = env["account.move"]
    if "dunning_disputed" in invoices._fields:
        disputed = invoices.filtered("dunning_disputed")
    return {
        "created": created,
        "company": company,
        "customers": customers,
        "contacts": customers.child_ids,
        "products": env["product.product"].search(
            [("default_code", "=like", "DEMO-PRD-%"), ("company_id", "=", company.id)]
        ),
        "invoices": invoices,
        "credit_notes": moves - invoices,
        "partial_invoices": invoices.filtered(lambda m: m.payment_state == "partial"),
        "paid_invoices": invoices.filtered(lambda m: m.payment_state in ("paid", "in_payment")),
        "payments": invoices.matched_payment_ids,
        "disputed": disputed,
    }


def build_demo(env, today=None, chart_template="fr", company=None, scale=1):
    """Build the demo data (see the module docstring) and return a dict of the records:
    ``created`` (False when the demo already existed and nothing was done), ``company``,
    ``customers``, ``contacts``, ``products``, ``invoices``, ``credit_notes``,
    ``partial_invoices``, ``paid_invoices``, ``payments``, ``disputed``.

    :param today: reference date of every generated date (default: today in the user's tz)
    :param chart_template: chart of accounts to load on the company when it has another one;
        ``None`` keeps the company's chart (or loads ``generic_coa`` when it has none)
    :param company: build in this company instead of ``base.main_company`` (not renamed)
    :param scale: number of copies of the customer base (20 customers, 100 invoices each); from
        2 on, the copies are in other cities, a third of their customers read English, and
        one customer owes LONG_ACCOUNT_INVOICES late invoices (the acceptance suite uses it)
    """
    rename = not company
    company = company or env.ref("base.main_company")
    today = today or fields.Date.context_today(env["res.partner"])
    exists = (
        env["res.partner"]
        .with_context(active_test=False)
        .search_count([("ref", "=", CUSTOMER_REF % 1), ("company_id", "=", company.id)], limit=1)
    )
    if exists:
        _logger.info("Demo data already present in %s: nothing to do", company.name)
        return _collect(env, company, created=False)

    rng = random.Random(SEED)
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    _ensure_french_language(env)
    # made in French: the names and notes the records get as they are created (chatter, logs)
    env = env(context=dict(env.context, lang=LANG))
    company = company.with_env(env)
    _setup_company(env, company, rename)
    _ensure_chart(env, company, chart_template)
    _ensure_euro(env, company)
    _setup_bank_account(env, company)
    products = _create_products(env, company)
    customers, contacts = _create_customers(env, company, rng)
    invoices, _credit_note = _create_invoices(
        env, company, customers, contacts, products, rng, today
    )
    partial, paid, _payments = _register_payments(env, company, invoices, rng, today)
    _set_dispute(env, invoices, partial | paid, today)
    for copy in range(2, scale + 1):
        copy_customers, copy_contacts = _create_customers(env, company, rng, copy=copy)
        copy_invoices, _credit_note = _create_invoices(
            env, company, copy_customers, copy_contacts, products, rng, today
        )
        _register_payments(env, company, copy_invoices, rng, today)
        if copy == 2:
            _create_long_account(env, company, copy_customers[0], products, rng, today)
    _logger.info("Demo data created in %s", company.name)
    return _collect(env, company, created=True)


# --- command line ------------------------------------------------------------------------------


def _summary(env, result):
    today = fields.Date.context_today(env["res.partner"])
    invoices = result["invoices"]
    overdue = invoices.filtered(
        lambda m: m.payment_state in ("not_paid", "partial") and m.invoice_date_due < today
    )
    lines = [
        f"Company:         {result['company'].name} ({'created' if result['created'] else 'reused'})",
        f"Customers:       {len(result['customers'])} "
        f"({len(result['customers'].filtered('is_company'))} companies), "
        f"{len(result['contacts'])} contacts",
        f"Invoices:        {len(invoices)} posted, {len(result['partial_invoices'])} partially "
        f"paid, {len(result['paid_invoices'])} paid, {len(result['credit_notes'])} credit note",
        f"Overdue:         {len(overdue)} invoices, "
        f"{sum(overdue.mapped('amount_residual')):,.2f} {result['company'].currency_id.name} due",
        f"Disputed:        {', '.join(result['disputed'].mapped('name')) or '-'}",
    ]
    if "account.dunning.communication" in env:
        Communication = env["account.dunning.communication"]
        domain = []
        if "company_id" in Communication._fields:
            domain = [("company_id", "=", result["company"].id)]
        groups = Communication._read_group(domain, ["state"], ["__count"])
        states = ", ".join(f"{count} {state}" for state, count in groups) or "none"
        lines.append(f"Communications:  {sum(c for _s, c in groups)} ({states})")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m devtools.build_demo",
        description="Build the account_dunning_fr demo data, then run the daily dunning.",
    )
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True, help="database to fill")
    parser.add_argument(
        "--no-dunning", action="store_true", help="do not run the daily dunning afterwards"
    )
    args = parser.parse_args(argv)

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        result = build_demo(env)
        if (
            not args.no_dunning
            and "account.dunning.run" in env
            and hasattr(env["account.dunning.run"], "_run_daily")
        ):
            _logger.info("Running the daily dunning")
            # in the language of the demo company: run names, logs and notes in French
            env["account.dunning.run"].with_context(lang=LANG)._run_daily()
        env.flush_all()
        summary = _summary(env, result)
    # the cursor is committed on leaving the block
    print(summary)


if __name__ == "__main__":
    main()
