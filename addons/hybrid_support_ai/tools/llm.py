"""Optional connector to an OpenAI-compatible chat endpoint (a local model
server, a hosted API). Off by default: nothing leaves the server unless an
administrator configures it, and the suite works fully without it."""

import requests


class LlmError(Exception):
    """The endpoint could not give a usable answer; the caller keeps its own."""


def chat(url, model, messages, api_key="", timeout=10.0, max_tokens=600):
    """The assistant's answer to ``messages`` (OpenAI chat format)."""
    headers = {"Content-Type": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    payload = {
        "model": model,
        "messages": messages,
        "temperature": 0.2,
        "max_tokens": max_tokens,
    }
    try:
        response = requests.post(
            url.rstrip("/") + "/chat/completions",
            json=payload,
            headers=headers,
            timeout=timeout,
        )
        response.raise_for_status()
        content = response.json()["choices"][0]["message"]["content"]
    except requests.Timeout as error:
        raise LlmError(f"no answer within {timeout:g} s") from error
    except (ValueError, KeyError, IndexError, TypeError) as error:
        # requests' JSON decoding error is a ValueError too
        raise LlmError("the answer is not in the OpenAI chat format") from error
    except requests.RequestException as error:
        raise LlmError(str(error)) from error
    if not isinstance(content, str) or not content.strip():
        raise LlmError("the answer is empty")
    return content.strip()


def draft_messages(case_text, draft):
    return [
        {
            "role": "system",
            "content": "You improve reply drafts of a customer support team. Keep "
            "every fact, step and link of the draft; never invent prices, dates, "
            "policies or promises; write in the customer's language; plain text "
            "only, no subject line.",
        },
        {
            "role": "user",
            "content": f"Customer message:\n{case_text[:4000]}\n\n"
            f"Draft reply:\n{draft[:4000]}\n\nReturn only the improved reply.",
        },
    ]


def summary_messages(thread_text):
    return [
        {
            "role": "system",
            "content": "Summarize a support thread in at most four short lines: "
            "'Wants:', 'Facts:', 'Tried:', 'Pending:'. Use only what the thread "
            "says.",
        },
        {"role": "user", "content": thread_text[-8000:]},
    ]
