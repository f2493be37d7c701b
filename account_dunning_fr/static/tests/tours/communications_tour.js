/** @odoo-module */

import { registry } from "@web/core/registry";
import { dunningSteps } from "@account_dunning_fr/../tests/tours/dunning_tour_utils";

const NOTICE_ROW =
    '.o_data_row:has(td[name=partner_id]:contains("Boulangerie Martin SARL"))' +
    ':has(td[name=level_id]:contains("Mise en demeure"))';

/**
 * Clients > Recouvrement: the communications to validate (the formal notice of Boulangerie
 * Martin), its form (customer, level, amounts, invoices), then the communications sent.
 */
registry.category("web_tour.tours").add("account_dunning_fr_tour_communications", {
    url: "/odoo",
    steps: () => [
        ...dunningSteps.openInvoicingApp(),
        ...dunningSteps.openDunningMenu("menu_account_dunning_to_validate", "À valider"),
        {
            content: "The list is filtered on the communications to validate",
            trigger: '.o_searchview_facet:contains("À valider")',
        },
        {
            content: "The formal notice waits for validation (À valider), by registered letter",
            trigger: `${NOTICE_ROW}:has(td[name=state]:contains("À valider")):has(td[name=channel]:contains("Mise en demeure (lettre recommandée)"))`,
        },
        {
            content: "Only drafts are listed",
            trigger: '.o_list_renderer:not(:has(td[name=state]:contains("Envoyée")))',
        },
        {
            content: "The list offers to validate and send the selection",
            trigger: `${NOTICE_ROW} .o_list_record_selector input`,
            run: "click",
        },
        {
            content: "The button Valider et envoyer is offered for the selection",
            trigger: '.o_control_panel_actions button:contains("Valider et envoyer")',
        },
        {
            content: "Unselect",
            trigger: `${NOTICE_ROW} .o_list_record_selector input`,
            run: "click",
        },
        {
            content: "Open the formal notice",
            trigger: `${NOTICE_ROW} td[name=partner_id]`,
            run: "click",
        },
        {
            content: "The form shows the customer",
            trigger: '.o_form_view .o_field_widget[name=partner_id]:contains("Boulangerie Martin SARL")',
        },
        {
            content: "The form shows the level",
            trigger: '.o_form_view .o_field_widget[name=level_id]:contains("Mise en demeure")',
        },
        {
            content: "The status bar shows the state À valider",
            trigger: '.o_statusbar_status .o_arrow_button_current:contains("À valider")',
        },
        {
            content: "The form offers to validate and send",
            trigger: '.o_form_statusbar button[name=action_validate]:contains("Valider et envoyer")',
        },
        {
            content: "The amount due is the invoice's",
            trigger: '.o_form_view .o_field_widget[name=amount_due]:contains("234,56")',
        },
        {
            content: "A professional owes the 40 euros recovery indemnity (art. L441-10)",
            trigger: '.o_form_view .o_field_widget[name=amount_indemnity]:contains("40,00")',
        },
        {
            content: "The late interest is shown",
            trigger: '.o_form_view .o_field_widget[name=amount_interest]:contains("€")',
        },
        {
            content: "The late interest is labelled in French",
            trigger: '.o_form_view .o_form_label:contains("Intérêts de retard")',
        },
        {
            content: "The collector is the credit manager",
            trigger: '.o_form_view .o_field_widget[name=collector_id] input:value("Claire Vasseur")',
        },
        {
            content: "The invoices tab is labelled Factures",
            trigger: '.o_notebook_headers a.nav-link[name=invoices]:contains("Factures")',
        },
        {
            content: "The invoice line: 60 days late, its amount due",
            trigger:
                '.o_field_widget[name=line_ids] .o_data_row:has(td[name=days_overdue]:contains("60")):has(td[name=amount_due]:contains("234,56"))',
        },
        dunningSteps.frenchDates(
            ".o_field_widget[name=line_ids] .o_data_row td[name=date_due]",
            "The due date reads as a French date"
        ),
        {
            content: "The column headers are in French",
            trigger: '.o_field_widget[name=line_ids] th:contains("Jours de retard")',
        },
        ...dunningSteps.openDunningMenu("menu_account_dunning_sent", "Envoyée"),
        {
            content: "The courtesy reminders sent today are listed",
            trigger:
                '.o_data_row:has(td[name=level_id]:contains("Relance de courtoisie")):has(td[name=state]:contains("Envoyée"))',
        },
        {
            content: "The phone call to Garage Moreau is among the sent communications",
            trigger:
                '.o_data_row:has(td[name=partner_id]:contains("Garage Moreau")):has(td[name=level_id]:contains("Appel téléphonique"))',
        },
        {
            content: "Nothing to validate among the sent communications",
            trigger: '.o_list_renderer:not(:has(td[name=state]:contains("À valider")))',
        },
    ],
});
