#!/usr/bin/env python3
"""Screenshots of the portal rollout's baseline, wave and feedback screens, from a
running Odoo with the demo data (a baseline with goals; Northwind's pilot
wave and its portal users):

    python3 tools/screenshots_rollout.py http://127.0.0.1:8069 hs_demo admin admin

Same headless Chromium driving as tools/screenshots.py.
"""

import sys
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screenshots import OUT, Browser, login

PORTAL_LOGIN = ("anna.berg@northwind.example", "northwind-anna")


def rpc(session, base, model, method, args, kwargs=None):
    return session.post(
        f"{base}/web/dataset/call_kw/{model}/{method}",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": kwargs or {},
            },
        },
        timeout=30,
    ).json()["result"]


def main(base, db, user, password):
    OUT.mkdir(parents=True, exist_ok=True)
    host = urlparse(base).hostname
    browser = Browser(port=9447)  # not screenshots.py's port: both may run at once
    try:
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            width=1400,
            height=900,
            deviceScaleFactor=1,
            mobile=False,
        )
        for login_, password_, shots in (
            (user, password, "backend"),
            (*PORTAL_LOGIN, "portal"),
        ):
            session = login(base, db, login_, password_)
            browser.call("Network.clearBrowserCookies")
            browser.call(
                "Network.setCookie",
                name="session_id",
                value=session.cookies["session_id"],
                domain=host,
                path="/",
            )
            if shots == "backend":
                [baseline] = rpc(
                    session,
                    base,
                    "hybrid.support.rollout.baseline",
                    "search_read",
                    [[], ["id"]],
                    {"limit": 1},
                )
                action = f"{base}/odoo/action-hybrid_support_rollout."
                browser.shoot(
                    f"{action}hybrid_support_rollout_baseline_action/{baseline['id']}",
                    OUT / "rollout_baseline.png",
                    wait=12,
                )
                browser.shoot(
                    f"{action}hybrid_support_rollout_goal_action",
                    OUT / "rollout_goals.png",
                    wait=8,
                )
                [wave] = rpc(
                    session,
                    base,
                    "hybrid.support.rollout.wave",
                    "search_read",
                    [[["name", "=", "Pilot: Northwind Traders"]], ["id"]],
                    {"limit": 1},
                )
                browser.shoot(
                    f"{action}hybrid_support_rollout_wave_action/{wave['id']}",
                    OUT / "rollout_wave.png",
                    wait=10,
                )
            else:
                browser.shoot(
                    f"{base}/my/feedback", OUT / "portal_rollout_feedback.png", wait=8
                )
    finally:
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:5])
