#!/usr/bin/env python3
"""Screenshots of the web app's main pages at desktop and phone widths, into
docs/screenshots/. Drives Debian's Chromium through ChromeDriver's W3C WebDriver API with
the standard library only. Expects a server with the demo data at the URL given
(scripts/screenshots.sh starts one)."""
import base64, json, socket, subprocess, sys, time, urllib.request

# Phone: Chromium's windows are at least 500 px wide, so the phone is emulated.
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Browser:
    def __init__(self, width, height):
        self.port = free_port()
        self.proc = subprocess.Popen(
            ["/usr/bin/chromedriver", f"--port={self.port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 20
        while True:
            try:
                self._req("GET", "/status")
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        args = ["--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--hide-scrollbars",
                f"--window-size={width},{height}"]
        options = {"binary": "/usr/bin/chromium", "args": args}
        if width < 500:
            options["mobileEmulation"] = {"deviceMetrics": {"width": width, "height": height,
                                                            "pixelRatio": 2, "touch": True}}
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome",
                "goog:chromeOptions": options}}}
        self.session = self._req("POST", "/session", caps)["value"]["sessionId"]

    def _req(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data,
                                     method=method, headers={"Content-Type": "application/json"})
        return json.load(urllib.request.urlopen(req, timeout=60))

    def cmd(self, method, path, body=None):
        return self._req(method, f"/session/{self.session}{path}", body)["value"]

    def go(self, url):
        self.cmd("POST", "/url", {"url": url})

    def text(self):
        return self.cmd("POST", "/execute/sync", {"script": "return document.body.innerText", "args": []})

    def wait_for(self, needles, timeout=90):
        deadline = time.time() + timeout
        while not all(n in self.text() for n in needles):
            if time.time() > deadline:
                raise SystemExit(f"the page never showed {needles}:\n{self.text()}")
            time.sleep(0.25)

    def shot(self, path):
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.cmd("GET", "/screenshot")))

    def close(self):
        try:
            self._req("DELETE", f"/session/{self.session}")
        finally:
            self.proc.kill()


def main(base, out):
    status = json.load(urllib.request.urlopen(f"{base}/api/status"))
    people = {p["name"]: p["account"] for p in status["demo"]["people"]}
    pages = [
        ("home", "/", ["Up to date", "events indexed"]),
        ("content", "/content", ["Courses and material", "Soroban smart contracts 101"]),
        ("teacher", f"/users/{people['ada']}", ["Escrows", "released", "Content created"]),
        ("learner", f"/users/{people['alan']}", ["Recommended next", "popular"]),
        ("escrow", "/escrows/1", ["Escrow #1", "History"]),
        ("token", "/tokens/1", ["Provenance", "Licence"]),
    ]
    for size, (w, h) in SIZES.items():
        b = Browser(w, h)
        try:
            for name, path, needles in pages:
                b.go(base + path)
                b.wait_for(needles)
                b.shot(f"{out}/{name}-{size}.png")
                print(f"{out}/{name}-{size}.png")
        finally:
            b.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots")
