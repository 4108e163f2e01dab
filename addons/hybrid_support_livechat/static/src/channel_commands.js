import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";

registry.category("discuss.channel_commands").add("case", {
    condition: ({ store, thread }) =>
        store.has_access_create_case && thread?.channel_type === "livechat",
    help: _t("Open a helpdesk case from this chat (/case subject)"),
    methodName: "execute_command_case",
});
