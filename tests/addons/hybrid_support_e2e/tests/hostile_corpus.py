"""A corpus of malformed and hostile raw emails, generated deterministically.

Each entry is ``(family, raw bytes)``. Every message carries a unique
Message-ID where it has headers at all, so that each one can be accounted
for after it went through the gateway.
"""

import base64
import random

SEED = 20261123

# (raw From header, the address that must be read as the sender)
FROM_DISPLAY_SENDERS = [
    (
        "Load burst.x@attacker.example <burst.x@attacker.example>",
        "burst.x@attacker.example",
    ),
    ("a b@attacker.example <ab@attacker.example>", "ab@attacker.example"),
    ("agent@ourdesk.example <mallory@attacker.example>", "mallory@attacker.example"),
    ("Doe, John <john.doe@attacker.example>", "john.doe@attacker.example"),
    ('"x@y.example" <quoted@attacker.example>', "quoted@attacker.example"),
    ("Name (x@y.example) <paren@attacker.example>", "paren@attacker.example"),
]


def _msg(to, n, headers=None, body="Hello, I need help.", content_type=None, cte=None):
    lines = [
        f"From: Hostile {n} <hostile{n}@attacker.example>",
        f"To: {to}",
        f"Subject: hostile message {n}",
        f"Message-ID: <hostile-{n}@attacker.example>",
        "Date: Mon, 02 Nov 2026 09:30:00 +0000",
        "MIME-Version: 1.0",
    ]
    overridden = {k.lower() for k in (headers or {})}
    lines = [line for line in lines if line.split(":", 1)[0].lower() not in overridden]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if content_type:
        lines.append(f"Content-Type: {content_type}")
    if cte:
        lines.append(f"Content-Transfer-Encoding: {cte}")
    head = "\r\n".join(lines).encode("utf-8", "surrogateescape")
    payload = (
        body if isinstance(body, bytes) else body.encode("utf-8", "surrogateescape")
    )
    return head + b"\r\n\r\n" + payload


def _nested(depth):
    body, ct = "innermost text\r\n", "text/plain; charset=utf-8"
    for level in range(depth):
        boundary = f"b{level}"
        body = f"--{boundary}\r\nContent-Type: {ct}\r\n\r\n{body}\r\n--{boundary}--\r\n"
        ct = f'multipart/mixed; boundary="{boundary}"'
    return ct, body


def corpus(to, big=True):
    """About 230 hostile messages addressed to ``to``."""
    rng = random.Random(SEED)
    out, n = [], 0

    def add(family, **kwargs):
        nonlocal n
        n += 1
        out.append((family, _msg(to, n, **kwargs)))

    # broken MIME boundaries
    for i in range(20):
        variants = [
            (
                "multipart/mixed",
                "--x\r\nContent-Type: text/plain\r\n\r\nno boundary declared\r\n--x--",
            ),
            (
                'multipart/mixed; boundary="a"',
                "--a\r\nContent-Type: text/plain\r\n\r\nnever closed",
            ),
            ('multipart/mixed; boundary="a"', "--b\r\n\r\nwrong boundary\r\n--b--"),
            ('multipart/alternative; boundary=""', "----\r\n\r\nempty boundary"),
            (
                'multipart/mixed; boundary="' + "z" * 300 + '"',
                "--" + "z" * 300 + "\r\n\r\nlong",
            ),
        ]
        ct, body = variants[i % len(variants)]
        add("boundary", content_type=ct, body=body + f" {i}")
    # bad base64 / quoted-printable / unknown encodings
    for i in range(20):
        bad = [
            "@@@not base64@@@",
            "SGVsbG8",
            "SGVs bG8=\r\n===",
            "\x00\x01",
            "Zm9v" * 3 + "!",
        ]
        add(
            "base64",
            content_type="text/plain; charset=utf-8",
            cte="base64",
            body=bad[i % len(bad)] + f" {i}",
        )
    for i in range(15):
        add(
            "encoding",
            content_type="text/plain; charset=utf-8",
            cte=["quoted-printable", "x-uuencode", "8bit", "binary", "7bit"][i % 5],
            body=f"=ZZ=\r\nbroken =E2=82 soft break=\r\n\xff\xfe {i}".encode("latin-1"),
        )
    # nested multiparts, up to 50 deep
    for depth in range(2, 51, 2):
        ct, body = _nested(depth)
        add("nested", content_type=ct, body=body)
    # empty and near-empty
    out.append(("empty", b""))
    out.append(("empty", b"\r\n\r\n"))
    for _i in range(5):
        add("headers-only", body=b"")
    _header_attacks(add)
    _content_attacks(add, out, rng)
    if big:
        n += 1
        out.append(("25MB", _big_message(to, n, rng)))
    return out


def _header_attacks(add):
    # header injection attempts
    injections = [
        "Help\r\nBcc: victim@elsewhere.example",
        "=?utf-8?q?Help=0D=0ABcc=3A_victim=40elsewhere.example?=",
        "Help\nTo: victim@elsewhere.example",
        "Help%0d%0aBcc:victim@elsewhere.example",
        "=?utf-8?b?"
        + base64.b64encode(b"Hi\r\nCc: victim@elsewhere.example").decode()
        + "?=",
    ]
    for i in range(15):
        add("injection", headers={"Subject": injections[i % len(injections)] + f" {i}"})
    # forged or odd Auto-Submitted
    for _i, value in enumerate(
        [
            "no",
            "auto-generated",
            "AUTO-REPLIED",
            "auto-notified",
            "",
            "no; foo=bar",
            "auto-replied (vacation)",
            "yes",
            "\x00",
            "no" * 200,
        ]
    ):
        add("auto-submitted", headers={"Auto-Submitted": value})
    # giant subjects
    for size in (1000, 10_000, 50_000, 100_000, 200_000):
        add("giant-subject", headers={"Subject": "A" * size})
    # invalid dates
    for value in [
        "yesterday",
        "Mon, 32 Foo 2026 99:99:99 +9999",
        "",
        "0",
        "Fri, 01 Jan 99999",
        "Thu, 01 Jan 1970 00:00:00 +0000",
        "Tue, 19 Jan 2038 03:14:08 +0000",
        "2026-11-02T09:30:00Z",
        "Mon, 2 Nov 2026",
        "\x00\x00",
        "Mon, 02 Nov 2026 09:30:00 +2500",
        "Sun, 31 Dec 9999 23:59:59 -1200",
        "Date",
        "Mon, 02 Nov -2026",
        "  ",
    ]:
        add("date", headers={"Date": value})
    # charsets: unknown, wrong, legacy, broken RFC 2047
    texts = [
        ("koi8-r", "Привет, нужна помощь"),
        ("shift_jis", "助けてください"),
        ("gb2312", "请帮忙"),
        ("big5", "請幫忙"),
        ("euc-kr", "도와주세요"),
        ("iso-8859-7", "Βοήθεια"),
        ("windows-1251", "Помогите"),
    ]
    for i in range(30):
        charset, text = texts[i % len(texts)]
        declared = [charset, "utf-8", "x-unknown-charset", "us-ascii", ""][i % 5]
        add(
            "charset",
            content_type=f"text/plain; charset={declared}",
            headers={
                "Subject": f"=?{declared or 'bogus'}?B?{base64.b64encode(text.encode(charset)).decode()}?= {i}"
            },
            body=text.encode(charset) + f" {i}".encode(),
        )


def _content_attacks(add, out, rng):
    # NUL bytes and control characters
    for i in range(10):
        add(
            "control",
            headers={"Subject": f"nul\x00here {i}"},
            body=f"body with \x00 nul and \x1b[31m escape {i}".encode(),
        )
    # HTML bombs and scripts
    for i in range(10):
        html = "<div>" * (500 * (i + 1)) + "help" + "</div>" * (500 * (i + 1))
        if i % 2:
            html = f"<script>alert({i})</script><img src=x onerror=alert(1)>" + html
        add("html", content_type="text/html; charset=utf-8", body=html)
    # missing or invalid addresses
    for _i, headers in enumerate(
        [
            {"From": ""},
            {"From": "<>"},
            {"From": "not an address"},
            {"From": "@@@"},
            {"From": "a" * 500 + "@x.example"},
            {"From": "=?utf-8?q?=FF?= <x@y.example>"},
            {"Message-ID": ""},
            {"Message-ID": "<" + "m" * 2000 + ">"},
            {"Subject": ""},
            {"From": "x@y.example, z@w.example"},
            {"Reply-To": "victim@elsewhere.example"},
            {"In-Reply-To": "<does-not-exist@nowhere>"},
            {"References": "<a> " * 500},
            {"From": '"Quote <evil@x>" <ok@attacker.example>'},
            {"Cc": ",,,,"},
        ]
    ):
        add("address", headers=headers)
    # a display name that holds an address, unquoted: the bracketed
    # address is the sender (FROM_DISPLAY_SENDERS lists what each must give)
    for raw_from, _sender in FROM_DISPLAY_SENDERS:
        add("from-display", headers={"From": raw_from})
    # random bytes, with and without a header block
    for i in range(30):
        junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 2000)))
        if i % 2:
            out.append(("garbage", junk))
        else:
            add("garbage-body", body=junk, content_type="text/plain; charset=utf-8")


def _big_message(to, n, rng):
    """A 25 MB attachment (35 MB once encoded)."""
    payload = base64.encodebytes(
        bytes(rng.randrange(256) for _ in range(1024)) * 25 * 1024
    )
    boundary = "big"
    body = (
        (
            f"--{boundary}\r\nContent-Type: text/plain\r\n\r\nSee attachment\r\n"
            f"--{boundary}\r\nContent-Type: application/octet-stream; name=big.bin\r\n"
            "Content-Disposition: attachment; filename=big.bin\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n"
        ).encode()
        + payload
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return _msg(
        to, n, content_type=f'multipart/mixed; boundary="{boundary}"', body=body
    )
