import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("hybrid_support_ai_review_pick_intent", {
    steps: () => [
        {
            content: "The unsure case waits in the review queue",
            trigger: ".o_data_row:contains('Tour case: cannot get my money back') td[name='hs_intent_id']",
            run: "click",
        },
        {
            content: "Type the start of the right intent",
            trigger: ".o_selected_row td[name='hs_intent_id'] input",
            run: "edit Tour ref",
        },
        {
            content: "The catalogue's intent is offered",
            trigger: ".o-autocomplete--dropdown-menu a:contains('Tour refund')",
        },
        {
            content: "An agent is offered no way to create a new intent",
            trigger:
                ".o-autocomplete--dropdown-menu:not(:has(.o_m2o_dropdown_option_create)):not(:has(.o_m2o_dropdown_option_create_edit))",
        },
        {
            content: "Pick it",
            trigger: ".o-autocomplete--dropdown-menu a:contains('Tour refund')",
            run: "click",
        },
        {
            content: "Save the correction",
            trigger: ".o_list_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_data_row:contains('Tour case: cannot get my money back'):contains('Tour refund'):not(.o_selected_row)",
        },
    ],
});
