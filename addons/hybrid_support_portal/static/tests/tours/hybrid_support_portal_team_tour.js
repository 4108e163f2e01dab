import { registry } from "@web/core/registry";

// The company support admin invites a colleague from the portal, then makes
// them a company support admin too.
registry.category("web_tour.tours").add("hybrid_support_portal_team", {
    url: "/my/support/team",
    steps: () => [
        {
            content: "The team page lists the account's contacts",
            trigger: ".o_hs_team tr.o_hs_team_member",
        },
        {
            content: "Name of the colleague to invite",
            trigger: ".o_hs_team_invite input[name='name']",
            run: "edit Rita Tour",
        },
        {
            trigger: ".o_hs_team_invite input[name='email']",
            run: "edit rita.tour@roles-a.example",
        },
        {
            content: "A member who sees only her own cases",
            trigger: ".o_hs_team_invite select[name='role']",
            run: "select member",
        },
        {
            trigger: ".o_hs_team_invite input[name='company_cases']:checked",
            run: "click",
        },
        {
            trigger: ".o_hs_team_invite input[name='company_cases']:not(:checked)",
        },
        {
            trigger: ".o_hs_team_invite button.o_hs_invite",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The invitation is sent and Rita is listed as invited",
            trigger: ".o_hs_team_message:contains('invitation was sent')",
        },
        {
            trigger:
                "tr.o_hs_team_member[data-email='rita.tour@roles-a.example'] .o_hs_access:contains('Invited')",
        },
        {
            content: "Make Rita a company support admin",
            trigger:
                "tr.o_hs_team_member[data-email='rita.tour@roles-a.example'] select[name='role']",
            run: "select admin",
        },
        {
            trigger:
                "tr.o_hs_team_member[data-email='rita.tour@roles-a.example'] button.o_hs_role_save",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The role change is confirmed and listed in the recent changes",
            trigger: ".o_hs_team_message:contains('role was changed')",
        },
        {
            trigger:
                "tr.o_hs_team_member[data-email='rita.tour@roles-a.example'] select[name='role']:has(option[value='admin']:checked)",
        },
        {
            trigger: ".o_hs_team_log li:contains('Rita Tour')",
        },
    ],
});
