import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("hybrid_support_portal_reply", {
    url: "/my/tickets",
    steps: () => [
        {
            content: "The customer's email case is listed",
            trigger: "a:contains('Printer is on fire')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The case page shows the SLA promise and the status history",
            trigger: ".o_hs_sla:contains('First answer due')",
        },
        {
            trigger: ".o_hs_timeline li",
        },
        {
            content: "Write a reply in the portal",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit It is still burning, please hurry.",
        },
        {
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The reply is in the case thread",
            trigger:
                "#chatterRoot:shadow .o-mail-Message-body:contains('It is still burning, please hurry.')",
        },
    ],
});
