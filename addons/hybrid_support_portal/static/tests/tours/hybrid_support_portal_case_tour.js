import { registry } from "@web/core/registry";

function noSidewaysScroll(where) {
    return {
        content: `Nothing sticks out sideways at phone width (${where})`,
        trigger: "body",
        run() {
            const overflow = document.documentElement.scrollWidth - window.innerWidth;
            if (overflow > 1) {
                throw new Error(`${where}: the page is ${overflow}px wider than the screen`);
            }
        },
    };
}

registry.category("web_tour.tours").add("hybrid_support_portal_case", {
    url: "/my/tickets",
    steps: () => [
        {
            content: "The email case waits on the customer in the list",
            trigger:
                ".o_hs_ticket_row[data-waiting-on='customer'] a:contains('Label printer prints blank pages')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "What the customer wrote comes first",
            trigger: ".o_hs_request_text:contains('prints blank pages since this morning')",
        },
        {
            content: "The original email is collapsed",
            trigger: ".o_hs_original_email:not([open]) summary",
            run: "click",
        },
        {
            content: "...and one click away",
            trigger: ".o_hs_original_email[open]:contains('QUOTED-HISTORY-7731')",
        },
        {
            content: "The case waits on the customer: the clock is paused",
            trigger: ".o_hs_next_step:contains('waiting for your reply')",
        },
        {
            trigger: ".o_hs_clock_item[data-state='paused']",
        },
        {
            content: "The agent's answer and name are there",
            trigger: ".o_hs_agent:contains('Alice Agent')",
        },
        {
            content: "Answer in the portal",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit Photo attached in a minute, sorry for the delay.",
        },
        {
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The answer is in the case thread",
            trigger:
                "#chatterRoot:shadow .o-mail-Message-body:contains('Photo attached in a minute')",
        },
    ],
});

registry.category("web_tour.tours").add("hybrid_support_portal_phone", {
    url: "/my",
    steps: () => [
        {
            content: "The home page counts the cases waiting for the customer's reply",
            trigger: ".o_hs_waiting_cases:contains('cases waiting for your reply')",
        },
        {
            trigger: ".o_hs_waiting_cases [data-placeholder_count]:contains('1')",
        },
        noSidewaysScroll("home"),
        {
            trigger: ".o_hs_waiting_cases",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The list shows the case, its status under the subject",
            trigger: ".o_hs_ticket_row a:contains('Label printer prints blank pages')",
        },
        {
            trigger: ".o_hs_ticket_row .d-md-none:contains('Waiting on you')",
        },
        noSidewaysScroll("list"),
        {
            trigger: ".o_hs_ticket_row a:contains('Label printer prints blank pages')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The next step is readable on a phone",
            trigger: ".o_hs_next_step:contains('waiting for your reply')",
        },
        {
            trigger: ".o_hs_request_text:contains('prints blank pages')",
        },
        noSidewaysScroll("case"),
        {
            content: "Answer from the phone",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit Sent from my phone: the roll was empty.",
        },
        {
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            trigger:
                "#chatterRoot:shadow .o-mail-Message-body:contains('Sent from my phone')",
        },
    ],
});
