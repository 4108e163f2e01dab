import { Interaction } from "@web/public/interaction";
import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";
import { _t } from "@web/core/l10n/translation";

/**
 * The new-case form: as the customer types the subject or description,
 * the knowledge base suggests articles (POST /help/suggest); "This solved
 * it" records a deflection (/help/deflect) and no case is created.
 */
export class NewCaseSuggestions extends Interaction {
    static selector = "form[action='/submitted/ticket']";
    dynamicContent = {
        "input[name='subject'], textarea[name='description']": {
            "t-on-input": this.debounced(this.suggest, 400),
        },
        // buttons come and go with the suggestions: listen on their list
        ".o_hs_kb_form_suggestion_list": {
            "t-on-click": this.onListClick,
        },
    };

    setup() {
        this.shown = new Set();
        this.box = this.el.querySelector(".o_hs_kb_form_suggestions");
        this.list = this.el.querySelector(".o_hs_kb_form_suggestion_list");
        this.lastText = "";
        if (this.el.querySelector("input[name='subject']")?.value) {
            this.suggest();
        }
    }

    text() {
        const subject = this.el.querySelector("input[name='subject']")?.value || "";
        const description =
            this.el.querySelector("textarea[name='description']")?.value || "";
        return { subject, description };
    }

    async suggest() {
        const { subject, description } = this.text();
        const text = `${subject} ${description}`.trim();
        if (!this.box || text === this.lastText) {
            return;
        }
        this.lastText = text;
        if (text.length < 3) {
            this.render([]);
            return;
        }
        const articles = await this.waitFor(
            rpc("/help/suggest", { subject, description, shown: [...this.shown] })
        );
        this.render(articles);
    }

    render(articles) {
        this.list.replaceChildren();
        for (const article of articles) {
            this.shown.add(article.id);
            const item = document.createElement("li");
            item.className = "list-group-item o_hs_kb_form_suggestion";
            const link = document.createElement("a");
            link.href = article.url;
            link.target = "_blank";
            link.className = "fw-bold";
            link.textContent = article.name;
            const excerpt = document.createElement("div");
            excerpt.className = "text-muted small";
            excerpt.textContent = article.excerpt;
            const button = document.createElement("button");
            button.type = "button";
            button.className = "btn btn-sm btn-success mt-1 o_hs_kb_solved";
            button.dataset.articleId = article.id;
            button.textContent = _t("This solved it");
            item.append(link, excerpt, button);
            this.list.append(item);
        }
        this.box.classList.toggle("d-none", !articles.length);
        const hidden = this.el.querySelector("input[name='hs_kb_suggested']");
        if (hidden) {
            hidden.value = [...this.shown].join(",");
        }
    }

    onListClick(ev) {
        const button = ev.target.closest(".o_hs_kb_solved");
        if (button) {
            ev.preventDefault();
            this.solved(button);
        }
    }

    async solved(button) {
        const { subject } = this.text();
        const result = await this.waitFor(
            rpc("/help/deflect", {
                article_id: parseInt(button.dataset.articleId),
                subject,
            })
        );
        if (result.ok) {
            // the form is done with: only the message stays, nothing is submitted
            const done = this.el.querySelector(".o_hs_kb_form_deflected");
            done.classList.remove("d-none");
            this.el.replaceChildren(done);
        }
    }
}

registry
    .category("public.interactions")
    .add("hybrid_support_kb.new_case_suggestions", NewCaseSuggestions);
