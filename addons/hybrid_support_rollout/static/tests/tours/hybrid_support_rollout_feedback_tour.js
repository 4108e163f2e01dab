import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("hybrid_support_rollout_feedback", {
    url: "/my",
    steps: () => [
        {
            content: "The pilot customer's portal home offers their cases",
            trigger: ".o_portal_index_card a[href='/my/tickets']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Their email case is listed",
            trigger: "a:contains('Label printer jams')",
        },
        {
            content: "Back to the portal home",
            trigger: ".breadcrumb a[href='/my/home']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The Feedback tile is shown during the pilot",
            trigger: ".o_portal_index_card a[href='/my/feedback']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Write the feedback",
            trigger: "textarea[name='text']",
            run: "edit I would like to see the cases of my colleagues too.",
        },
        {
            content: "Impact 4",
            trigger: "input[name='score'][value='4']",
            run: "click",
        },
        {
            trigger: "button.o_hs_feedback_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Thanked, and the feedback is listed",
            trigger: ".o_hs_feedback_sent",
        },
        {
            trigger: ".o_hs_my_feedback:contains('cases of my colleagues')",
        },
    ],
});
