#!/usr/bin/env python3
"""Take the README screenshots from a running Odoo with the demo data.

    python3 tools/screenshots.py http://127.0.0.1:8069 hs_demo admin admin
    python3 tools/screenshots.py http://127.0.0.1:8069 hs_demo admin admin dashboards
    python3 tools/screenshots.py http://127.0.0.1:8069 hs_demo admin admin \
        dashboards "Portal adoption"

The second form takes only the managers' screens: the spreadsheet dashboards
of the *Support* group (``docs/screenshots/dashboard_<name>.png``) and the
getting-started checklist (``getting_started.png``); the third only the
dashboards of that name.

Logs in over HTTP, then drives headless Chromium through the DevTools
protocol (websocket-client) with that session cookie.
"""

import base64
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import requests
import websocket

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
# dashboards longer than the default screen of 1500 px (goals under the charts)
DASHBOARD_HEIGHTS = {"Portal adoption": 1800}


def login(base, db, user, password):
    session = requests.Session()
    page = session.get(f"{base}/web/login?db={db}", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    session.post(
        f"{base}/web/login",
        data={"login": user, "password": password, "db": db, "csrf_token": token},
        timeout=30,
    )
    return session


class Browser:
    def __init__(self, port=9333):
        self.profile = tempfile.mkdtemp()
        self.process = subprocess.Popen(
            [
                "chromium",
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                "--window-size=1400,900",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _attempt in range(50):
            try:
                targets = requests.get(
                    f"http://127.0.0.1:{port}/json", timeout=2
                ).json()
                break
            except requests.RequestException:
                time.sleep(0.2)
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(
            json.dumps({"id": self.next_id, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                return message.get("result", {})

    def shoot(self, url, path, wait=4):
        self.call("Page.navigate", url=url)
        time.sleep(wait)
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self):
        self.ws.close()
        self.process.terminate()


def call_kw(session, base, model, method, args, **kwargs):
    return session.post(
        f"{base}/web/dataset/call_kw/{model}/{method}",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": kwargs,
            },
        },
        timeout=30,
    ).json()["result"]


def shoot_dashboards(base, session, browser, name=None):
    """Each dashboard of the Support group (or only those called ``name``),
    on a screen tall enough for its scorecards and charts."""
    domain = [["dashboard_group_id.name", "=", "Support"]]
    if name:
        domain.append(["name", "=", name])
    boards = call_kw(
        session,
        base,
        "spreadsheet.dashboard",
        "search_read",
        [domain, ["id", "name"]],
        order="sequence, id",
    )
    for board in boards:
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            width=1440,
            height=DASHBOARD_HEIGHTS.get(board["name"], 1500),
            deviceScaleFactor=1,
            mobile=False,
        )
        slug = re.sub(r"[^a-z0-9]+", "_", board["name"].lower()).strip("_")
        browser.shoot(
            f"{base}/odoo/dashboards?dashboard_id={board['id']}",
            OUT / f"dashboard_{slug}.png",
            wait=15,
        )
        print(f"dashboard_{slug}.png")
    if name:
        return
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        width=1400,
        height=900,
        deviceScaleFactor=1,
        mobile=False,
    )
    browser.shoot(
        f"{base}/odoo/action-hybrid_support_dashboard.hybrid_support_onboarding_action",
        OUT / "getting_started.png",
        wait=10,
    )
    print("getting_started.png")


def main(base, db, user, password, what="all", name=None):
    OUT.mkdir(parents=True, exist_ok=True)
    session = login(base, db, user, password)
    host = urlparse(base).hostname
    browser = Browser()
    try:
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            width=1400,
            height=900,
            deviceScaleFactor=1,
            mobile=False,
        )
        browser.call(
            "Network.setCookie",
            name="session_id",
            value=session.cookies["session_id"],
            domain=host,
            path="/",
        )
        if what == "dashboards":
            shoot_dashboards(base, session, browser, name)
            return
        ticket = session.post(
            f"{base}/web/dataset/call_kw/helpdesk.ticket/search_read",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "model": "helpdesk.ticket",
                    "method": "search_read",
                    "args": [
                        [["name", "ilike", "charged twice"]],
                        ["id", "access_token"],
                    ],
                    "kwargs": {"limit": 1},
                },
            },
            timeout=30,
        ).json()["result"][0]
        browser.shoot(
            f"{base}/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/{ticket['id']}",
            OUT / "backend_ticket.png",
            wait=15,
        )
        browser.call("Network.clearBrowserCookies")
        browser.shoot(
            f"{base}/my/ticket/{ticket['id']}?access_token={ticket['access_token']}",
            OUT / "portal_case.png",
            wait=8,
        )
    finally:
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:7])
