/** @odoo-module */

import { registry } from "@web/core/registry";
import { dunningSteps } from "@account_dunning_fr/../tests/tours/dunning_tour_utils";

const HISTORY = ".o_field_widget[name=dunning_communication_ids] .o_data_row";

/**
 * Clients > Clients: Boulangerie Martin's form, its Recouvrement tab (policy, collector,
 * history of the communications), then its communications from the smart button.
 */
registry.category("web_tour.tours").add("account_dunning_fr_tour_customer", {
    url: "/odoo",
    steps: () => [
        ...dunningSteps.openInvoicingApp(),
        ...dunningSteps.openMenu({
            section: "account.menu_finance_receivables",
            sectionLabel: "Clients",
            menu: "account.menu_account_customer",
            menuLabel: "Clients",
        }),
        {
            content: "Search the customer",
            trigger: ".o_searchview_input",
            run: "edit Boulangerie Martin",
        },
        {
            content: "The search offers to look for the name",
            trigger: ".o_searchview_autocomplete .o_menu_item",
        },
        {
            content: "Search it",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "The customers are filtered on the name searched",
            trigger: '.o_searchview_facet:contains("Boulangerie Martin")',
        },
        {
            content: "Only the customer searched is shown",
            trigger: '.o_kanban_renderer:not(:has(.o_kanban_record:not(.o_kanban_ghost):not(:contains("Boulangerie Martin SARL"))))',
        },
        {
            content: "Open the customer",
            trigger: '.o_kanban_record:contains("Boulangerie Martin SARL")',
            run: "click",
        },
        dunningSteps.breadcrumb("Boulangerie Martin SARL"),
        {
            content: "The smart button counts the customer's two communications (Relances)",
            trigger: '.oe_stat_button[name=action_view_dunning_communications]:contains("Relances"):contains("2")',
        },
        {
            content: "Open the Recouvrement tab",
            trigger: '.o_notebook_headers a.nav-link[name=dunning]:contains("Recouvrement")',
            run: "click",
        },
        {
            content: "No policy of its own: the company's default policy applies",
            trigger:
                '.o_field_widget[name=dunning_policy_id] input[placeholder="Politique par défaut de la société"]',
        },
        {
            content: "The policy field is labelled in French",
            trigger: '.o_form_label:contains("Politique de relance")',
        },
        {
            content: "The collector is the credit manager",
            trigger: '.o_field_widget[name=dunning_collector_id] input:value("Claire Vasseur")',
        },
        {
            content: "The collector field is labelled in French",
            trigger: '.o_form_label:contains("Chargé de recouvrement")',
        },
        {
            content: "The history shows the formal notice waiting for validation",
            trigger: `${HISTORY}:has(td[name=level_id]:contains("Mise en demeure")):has(td[name=state]:contains("À valider"))`,
        },
        {
            content: "The history shows the courtesy reminder sent today",
            trigger: `${HISTORY}:has(td[name=level_id]:contains("Relance de courtoisie")):has(td[name=state]:contains("Envoyée"))`,
        },
        dunningSteps.frenchDates(`${HISTORY} td[name=date]`, "The history's dates read as French dates"),
        {
            content: "Open the customer's communications",
            trigger: ".oe_stat_button[name=action_view_dunning_communications]",
            run: "click",
        },
        {
            content: "Its communications are listed, the formal notice among them",
            trigger: '.o_data_row:has(td[name=partner_id]:contains("Boulangerie Martin SARL")):has(td[name=level_id]:contains("Mise en demeure"))',
        },
        {
            content: "Only this customer's communications",
            trigger: '.o_list_renderer:not(:has(td[name=partner_id]:not(:contains("Boulangerie Martin SARL"))))',
        },
    ],
});
