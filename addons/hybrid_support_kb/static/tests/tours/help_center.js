import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("hybrid_support_kb_help_search", {
    url: "/help",
    steps: () => [
        {
            content: "Describe the problem",
            trigger: ".o_hs_help_search input[name=search]",
            run: "edit Zorblax reset for everyone",
        },
        {
            content: "Search",
            trigger: ".o_hs_help_search button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Open the article found",
            trigger: '.o_hs_help_results a:contains("Zorblax reset for everyone")',
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The article is shown",
            trigger: '.o_hs_help_body:contains("turn the zorblax off and on")',
        },
        {
            content: "Yes, this helped",
            trigger: ".o_hs_help_yes",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Thanked",
            trigger: ".o_hs_help_thanks",
        },
    ],
});

registry.category("web_tour.tours").add("hybrid_support_kb_new_case_deflect", {
    url: "/new/ticket",
    steps: () => [
        {
            content: "Type the subject",
            trigger: "form[action='/submitted/ticket'] input[name=subject]",
            run: "edit My zorblax needs a reset",
        },
        {
            content: "An article is suggested",
            trigger: '.o_hs_kb_form_suggestion a:contains("Zorblax reset")',
        },
        {
            content: "This solved it",
            trigger: ".o_hs_kb_form_suggestion .o_hs_kb_solved",
            run: "click",
        },
        {
            content: "No case: the form says so",
            trigger: ".o_hs_kb_form_deflected:not(.d-none)",
        },
    ],
});
