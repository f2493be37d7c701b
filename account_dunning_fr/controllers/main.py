# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from ..models.account_dunning_communication import PAYMENT_ROUTE


class DunningPayment(http.Controller):
    @http.route(f"{PAYMENT_ROUTE}/<string:code>", type="http", auth="public", methods=["GET"])
    def dunning_pay(self, code):
        """The short link printed on a letter: the customer portal page of the first open
        invoice of the letter, where it can be paid online."""
        comm = (
            request.env["account.dunning.communication"]
            .sudo()
            .search([("payment_code", "=", code), ("state", "!=", "cancelled")], limit=1)
        )
        move = comm and comm._get_payment_invoices()[:1]
        if not move:
            raise NotFound()
        return request.redirect(move.get_portal_url(), local=True)
