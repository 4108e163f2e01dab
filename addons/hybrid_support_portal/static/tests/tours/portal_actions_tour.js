import { registry } from "@web/core/registry";

// Opened from the "This solved my problem" link of an email, not logged in.
registry.category("web_tour.tours").add("hybrid_support_portal_solved_link", {
    steps: () => [
        {
            content: "The link shows a confirmation, it changes nothing by itself",
            trigger: ".o_hs_case_action_form:contains('Please confirm that your problem is solved')",
        },
        {
            content: "The customer confirms",
            trigger: "button.o_hs_confirm_solved",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The case is closed",
            trigger: ".o_hs_case_action_result:contains('Your case is now closed')",
        },
    ],
});
