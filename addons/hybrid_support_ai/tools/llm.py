"""Optional connector to an OpenAI-compatible chat endpoint (a local model
server, a hosted API). Off by default: nothing leaves the server unless an
administrator configures it, and the suite works fully without it."""

import json
import logging
import time

import requests

_logger = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 1_000_000  # an answer of a few hundred tokens is ~4 kB


class LlmError(Exception):
    """The endpoint could not give a usable answer; the caller keeps its own.

    Its text is safe to show to agents: a fixed reason, never the endpoint's
    URL, its key or the words of an exception or of the endpoint's answer."""


def scrub(text, *secrets):
    """``text`` without any of ``secrets`` (the URL, the key): for logs."""
    text = str(text or "")
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, "<hidden>")
    return text


def _read_capped(response, max_bytes, deadline, timeout):
    """The body, refused beyond ``max_bytes`` or past ``deadline``."""
    declared = response.headers.get("Content-Length") or ""
    if declared.isdigit() and int(declared) > max_bytes:
        raise LlmError(f"the answer is longer than {max_bytes // 1000} kB")
    if response.headers.get("Content-Encoding", "identity").lower() not in (
        "",
        "identity",
    ):
        raise LlmError("the answer is compressed; compressed answers are refused")
    chunks, size = [], 0
    for chunk in response.iter_content(chunk_size=65536):
        size += len(chunk)
        if size > max_bytes:
            raise LlmError(f"the answer is longer than {max_bytes // 1000} kB")
        if time.monotonic() > deadline:
            raise LlmError(f"no answer within {timeout:g} s")
        chunks.append(chunk)
    return b"".join(chunks)


def chat(
    url,
    model,
    messages,
    api_key="",
    timeout=10.0,
    max_tokens=600,
    max_bytes=MAX_RESPONSE_BYTES,
):
    """The assistant's answer to ``messages`` (OpenAI chat format).

    Redirects are refused (a 3xx is an error: the key would follow them), the
    answer is read up to ``max_bytes`` and within ``timeout`` in all, and
    every failure is an :class:`LlmError` with a safe reason; the details
    are logged here, without the URL or the key."""
    endpoint = url.rstrip("/") + "/chat/completions"
    headers = {"Content-Type": "application/json", "Accept-Encoding": "identity"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    payload = {
        "model": model,
        "messages": messages,
        "temperature": 0.2,
        "max_tokens": max_tokens,
    }
    deadline = time.monotonic() + timeout
    try:
        with requests.post(
            endpoint,
            json=payload,
            headers=headers,
            timeout=timeout,
            allow_redirects=False,
            stream=True,
        ) as response:
            status = response.status_code
            if 300 <= status < 400:
                raise LlmError(
                    f"the endpoint redirected (HTTP {status}); redirects are refused"
                )
            if status != 200:
                raise LlmError(f"the endpoint answered with HTTP {status}")
            body = _read_capped(response, max_bytes, deadline, timeout)
    except requests.Timeout:
        raise LlmError(f"no answer within {timeout:g} s") from None
    except requests.RequestException as error:
        _logger.warning(
            "Language model endpoint failed: %s: %s",
            type(error).__name__,
            scrub(error, endpoint, url, api_key),
        )
        raise LlmError("the endpoint could not be reached") from None
    try:
        content = json.loads(body)["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise LlmError("the answer is not in the OpenAI chat format") from None
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
