import { LivechatCommandDialog } from "@im_livechat/core/common/livechat_command_dialog";

import { registerThreadAction } from "@mail/core/common/thread_actions";

import { _t } from "@web/core/l10n/translation";
import { usePopover } from "@web/core/popover/popover_hook";

registerThreadAction("hs-open-case", {
    actionPanelComponent: LivechatCommandDialog,
    actionPanelComponentProps: ({ action }) => ({
        close: () => action.close(),
        commandName: "case",
        placeholderText: _t("e.g. Refund for order S00042"),
        title: _t("Open a case"),
        icon: "fa fa-life-ring",
    }),
    close: ({ action }) => action.popover?.close(),
    condition: ({ owner, store, thread }) =>
        thread?.channel_type === "livechat" &&
        store.has_access_create_case &&
        !owner.isDiscussSidebarChannelActions,
    panelOuterClass: "bg-100",
    icon: "fa fa-life-ring",
    name: _t("Open a case"),
    sequence: 11,
    sequenceGroup: 25,
    setup({ owner }) {
        if (!owner.env.inChatWindow) {
            this.popover = usePopover(LivechatCommandDialog, {
                onClose: () => this.close(),
                popoverClass: this.panelOuterClass,
            });
        }
    },
    toggle: true,
    open({ owner, thread }) {
        this.popover?.open(owner.root.el.querySelector(`[name="${this.id}"]`), {
            thread,
            ...this.actionPanelComponentProps,
        });
    },
});
