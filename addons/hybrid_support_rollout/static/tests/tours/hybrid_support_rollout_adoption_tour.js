import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("hybrid_support_rollout_adoption", {
    steps: () => [
        {
            content: "The manager opens the wave's Adoption tab",
            trigger: ".o_notebook a.nav-link[name='adoption']",
            run: "click",
        },
        {
            content: "Nothing measured yet: no activation shown",
            trigger: ".o_form_view div[name='activated_count'] span:contains('0')",
        },
        {
            content: "Measure now",
            trigger: "button[name='action_refresh_adoption']",
            run: "click",
        },
        {
            content: "The customer's first login counts as an activation",
            trigger: ".o_form_view div[name='activated_count'] span:contains('1')",
        },
        {
            content: "One of the two contacts with access activated",
            trigger: ".o_form_view div[name='activation_rate'] span:contains('50')",
        },
        {
            content: "Their only reply was made in the portal",
            trigger: ".o_form_view div[name='portal_reply_share'] span:contains('100')",
        },
    ],
});
