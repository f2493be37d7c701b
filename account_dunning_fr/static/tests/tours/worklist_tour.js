/** @odoo-module */

import { registry } from "@web/core/registry";
import { dunningSteps } from "@account_dunning_fr/../tests/tours/dunning_tour_utils";

const CALL_ROW =
    '.o_data_row:has(td[name=partner_id]:contains("Garage Moreau")):has(td[name=kind]:contains("Appel à passer"))';

/**
 * Clients > Recouvrement > Mes recouvrements du jour: the call to make and the formal notice to
 * validate of the credit manager, then the call opened from its row.
 */
registry.category("web_tour.tours").add("account_dunning_fr_tour_worklist", {
    url: "/odoo",
    steps: () => [
        ...dunningSteps.openInvoicingApp(),
        ...dunningSteps.openDunningMenu("menu_account_dunning_worklist", "Mes recouvrements du jour"),
        {
            content: "Filtered on my collections",
            trigger: '.o_searchview_facet:contains("Mes recouvrements"):not(:contains("Échu"))',
        },
        {
            content: "and on the work due today or late",
            trigger: '.o_searchview_facet:contains("Échu aujourd\'hui ou en retard")',
        },
        {
            content: "The call to make, with its summary in French",
            trigger: `${CALL_ROW}:has(td[name=summary]:contains("Appeler Garage Moreau"))`,
        },
        {
            content: "The call is the credit manager's",
            trigger: `${CALL_ROW} td[name=user_id]:contains("Claire Vasseur")`,
        },
        {
            content: "The formal notice to validate",
            trigger:
                '.o_data_row:has(td[name=partner_id]:contains("Boulangerie Martin SARL")):has(td[name=kind]:contains("Relance à valider"))',
        },
        {
            content: "Garage Moreau has no email address: its reminder is a letter to print",
            trigger:
                '.o_data_row:has(td[name=partner_id]:contains("Garage Moreau")):has(td[name=kind]:contains("Courrier à imprimer et poster"))',
        },
        dunningSteps.frenchDates(".o_data_row td[name=date]", "The dates read as French dates"),
        {
            content: "The column of the amounts is labelled in French",
            trigger: '.o_list_renderer th:contains("Montant en jeu")',
        },
        {
            content: "Open the call",
            trigger: `${CALL_ROW} button[name=action_open]`,
            run: "click",
        },
        {
            content: "The call's communication: customer Garage Moreau",
            trigger: '.o_form_view .o_field_widget[name=partner_id]:contains("Garage Moreau")',
        },
        {
            content: "The call's communication: level Appel téléphonique, sent",
            trigger: '.o_form_view .o_field_widget[name=level_id]:contains("Appel téléphonique")',
        },
        {
            content: "The call's communication is sent (Envoyée)",
            trigger: '.o_statusbar_status .o_arrow_button_current:contains("Envoyée")',
        },
        {
            content: "The activity of the call is planned in the chatter",
            trigger: '.o-mail-Chatter .o-mail-Activity:contains("Appeler Garage Moreau")',
        },
        {
            content: "Back to the worklist",
            trigger: '.o_breadcrumb a:contains("Mes recouvrements du jour")',
            run: "click",
        },
        dunningSteps.breadcrumb("Mes recouvrements du jour"),
        {
            content: "The worklist is shown again with its rows",
            trigger: CALL_ROW,
        },
    ],
});
