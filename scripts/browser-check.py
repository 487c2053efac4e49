#!/usr/bin/python3
"""The web build in a real browser (issue 29): serves dist/web, opens it in headless Chromium
through chromedriver (WebDriver over HTTP, Python's standard library only) and checks by
screenshots that

1. the page draws the default example (its title names it, the canvas is drawn, and two
   screenshots a second apart while idle agree),
2. Space trains (the loss plot changes) and Space again pauses (it stands still),
3. Save downloads the graph as a file,
4. ?example=iris opens iris,
5. Open… takes a graph from the browser's file picker, and a CSV file dropped on the page
   starts a new graph on its data,
6. an unsaved change survives closing the page: after the autosave interval the page is
   loaded again, "Restore unsaved work?" is answered Restore and the change is back.

Screenshots go to dist/browser-check/. Exits non-zero with the reason on any failure.
Run by scripts/browser-check.sh, which installs Chromium, chromedriver and Pillow.
"""

import base64
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from PIL import Image, ImageChops

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SITE = os.path.join(ROOT, "dist", "web")
SHOTS = os.path.join(ROOT, "dist", "browser-check")
DOWNLOADS = os.path.join(SHOTS, "downloads")
WIDTH, HEIGHT = 1400, 900
# Page pixels of the palette's Dense button (click: a node is added) and of the restore
# offer's Restore button, in the layout a 1400 x 900 window gives.
PALETTE_DENSE = (75, 133)
EMPTY_CANVAS = (640, 420)
RESTORE_BUTTON = (563, 421)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fail(message):
    print(f"browser check FAILED: {message}", file=sys.stderr)
    sys.exit(1)


class WebDriver:
    """The few WebDriver commands the check needs."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.session = None

    def call(self, method, path, body=None, timeout=120):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path, data=data, method=method,
            headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read() or b"{}").get("value")
        except urllib.error.HTTPError as error:
            fail(f"WebDriver {method} {path}: {error.read().decode(errors='replace')[:500]}")

    def start(self, profile):
        arguments = [
            "--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-quic", f"--user-data-dir={profile}",
            f"--window-size={WIDTH},{HEIGHT}",
            # WebGL without a GPU: Chromium's software renderer.
            "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist",
        ]
        capabilities = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium", "args": arguments,
                "prefs": {"download.default_directory": DOWNLOADS,
                          "download.prompt_for_download": False},
            },
        }}}
        self.session = self.call("POST", "/session", capabilities)["sessionId"]
        # Headless Chromium cancels a file chooser at once; intercepted, it stays open and the
        # page's file input takes the file the check gives it, as a person choosing would.
        self.command("POST", "/goog/cdp/execute", {
            "cmd": "Page.setInterceptFileChooserDialog", "params": {"enabled": True}})

    def command(self, method, path, body=None):
        return self.call(method, f"/session/{self.session}{path}", body)

    def open(self, url):
        self.command("POST", "/url", {"url": url})

    def script(self, source):
        return self.command("POST", "/execute/sync", {"script": source, "args": []})

    def press(self, key, modifier=None):
        """Presses `key` (WebDriver's key value), with `modifier` held if given."""
        steps = [{"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}]
        if modifier:
            steps = [{"type": "keyDown", "value": modifier}, *steps,
                     {"type": "keyUp", "value": modifier}]
        actions = [{"type": "key", "id": "keyboard", "actions": steps}]
        self.command("POST", "/actions", {"actions": actions})
        self.command("DELETE", "/actions")

    def choose_file(self, path):
        """Gives `path` to the page's file input (what the browser's file picker fills)."""
        element = self.command("POST", "/element",
                               {"using": "css selector", "value": "input[type=file]"})
        element_id = next(iter(element.values()))
        self.command("POST", f"/element/{element_id}/value", {"text": path})

    def drop_file(self, name, text):
        """Drops a file `name` holding `text` on the page's canvas, as a person dragging it
        from their file manager would."""
        self.command("POST", "/execute/sync", {"script": """
            const [name, text] = arguments;
            const transfer = new DataTransfer();
            transfer.items.add(new File([text], name));
            const canvas = document.getElementById('layerwright_canvas');
            for (const kind of ['dragover', 'drop']) {
                canvas.dispatchEvent(new DragEvent(kind, {dataTransfer: transfer, bubbles: true,
                                                         cancelable: true}));
            }""", "args": [name, text]})

    def click(self, x, y):
        """A left click at page pixel (x, y)."""
        actions = [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
                    "actions": [
                        {"type": "pointerMove", "duration": 0, "x": x, "y": y},
                        {"type": "pause", "duration": 100},
                        {"type": "pointerDown", "button": 0},
                        {"type": "pause", "duration": 50},
                        {"type": "pointerUp", "button": 0}]}]
        self.command("POST", "/actions", {"actions": actions})
        self.command("DELETE", "/actions")

    def screenshot(self, name):
        png = base64.b64decode(self.command("GET", "/screenshot"))
        with open(os.path.join(SHOTS, name), "wb") as file:
            file.write(png)
        return Image.open(io.BytesIO(png)).convert("RGB")

    def quit(self):
        if self.session:
            self.call("DELETE", f"/session/{self.session}")


def wait_for(driver, condition, what, seconds=90):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = driver.script(condition)
        if value:
            return value
        time.sleep(0.5)
    title = driver.script("return document.title")
    loading = driver.script(
        "const l = document.getElementById('loading'); return l ? l.textContent : null")
    fail(f"{what} did not happen within {seconds} s (title {title!r}, loading text {loading!r})")


def changed_fraction(a, b, box=None):
    """The fraction of pixels (in `box`, left-top-right-bottom in 0..1) that differ."""
    if box:
        w, h = a.size
        area = (int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h))
        a, b = a.crop(area), b.crop(area)
    difference = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > 24 else 0)
    return sum(difference.histogram()[255:]) / (difference.width * difference.height)


def opened(driver, url, name):
    """Opens `url` and waits until the app started and shows document `name`."""
    driver.open(url)
    wait_for(driver, "return document.getElementById('loading') === null", "the app starting")
    wait_for(driver, f"return document.title === {json.dumps(name + ' - Layerwright')}",
             f"the title naming {name}")
    # A few frames for the layout and the first boundary to settle.
    time.sleep(3)


def main():
    if not os.path.exists(os.path.join(SITE, "layerwright_bg.wasm")):
        fail("dist/web has no build: run scripts/web.sh first")
    os.makedirs(SHOTS, exist_ok=True)
    site_port, driver_port = free_port(), free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(site_port), "--bind", "127.0.0.1",
         "--directory", SITE], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    chromedriver = subprocess.Popen(
        ["chromedriver", f"--port={driver_port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    driver = WebDriver(driver_port)
    try:
        with tempfile.TemporaryDirectory() as profile:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{driver.base}/status", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            driver.start(profile)
            run_checks(driver, f"http://127.0.0.1:{site_port}/")
            driver.quit()
    finally:
        chromedriver.terminate()
        server.terminate()


def run_checks(driver, site):
    # 1. The default example is drawn, and the page is still while nothing happens.
    opened(driver, site, "spiral.json")
    first = driver.screenshot("1-default-example.png")
    colours = len(first.getcolors(1 << 24) or [])
    if colours < 200:
        fail(f"the canvas shows only {colours} colours: nothing was drawn")
    time.sleep(1)
    idle = driver.screenshot("1-default-example-idle.png")
    still = changed_fraction(first, idle)
    if still > 0.005:
        fail(f"{still:.1%} of the page changed while idle")
    print(f"default example drawn: title 'spiral.json - Layerwright', {colours} colours, "
          f"{still:.2%} changed while idle")

    # 2. Space trains: the loss plot (below the editor, right of the training controls)
    # changes.
    driver.press(" ")
    time.sleep(4)
    trained = driver.screenshot("2-after-space.png")
    loss_plot = (0.22, 0.62, 0.60, 0.84)
    in_plot = changed_fraction(idle, trained, loss_plot)
    if in_plot < 0.01:
        fail(f"after Space only {in_plot:.2%} of the loss plot changed: it did not train")
    # Space again pauses: the plot stands still.
    driver.press(" ")
    time.sleep(1.5)
    paused = driver.screenshot("2-paused.png")
    time.sleep(1)
    still_paused = changed_fraction(paused, driver.screenshot("2-paused-later.png"), loss_plot)
    if still_paused > 0.001:
        fail(f"after Space again {still_paused:.2%} of the loss plot still changed: no pause")
    print(f"space trains: {in_plot:.1%} of the loss plot changed; space again pauses it")

    # 3. Save (Ctrl+S) on an example, which has no file yet: the browser downloads it.
    os.makedirs(DOWNLOADS, exist_ok=True)
    for old in os.listdir(DOWNLOADS):
        os.remove(os.path.join(DOWNLOADS, old))
    driver.press("s", modifier="\ue009")  # Control
    saved = os.path.join(DOWNLOADS, "spiral.json")
    deadline = time.time() + 30
    while not os.path.exists(saved) and time.time() < deadline:
        time.sleep(0.5)
    if not os.path.exists(saved):
        fail(f"Ctrl+S downloaded nothing (the downloads folder has {os.listdir(DOWNLOADS)})")
    with open(saved, encoding="utf-8") as file:
        graph = json.load(file)
    if graph.get("format") != "layerwright.graph" or not graph.get("nodes"):
        fail(f"the downloaded spiral.json is not a graph: {str(graph)[:200]}")
    print(f"save downloads the graph: spiral.json, {len(graph['nodes'])} nodes")

    # 4. A link opens an example.
    opened(driver, site + "?example=iris", "iris.json")
    iris = driver.screenshot("3-example-iris.png")
    differs = changed_fraction(first, iris)
    if differs < 0.02:
        fail(f"?example=iris looks like the default example ({differs:.2%} differs)")
    print(f"?example=iris opens iris: title 'iris.json - Layerwright', {differs:.1%} differs "
          "from the default example")

    # 5. Files from the person's computer: Open… (Ctrl+O) through the browser's file picker,
    # and a CSV file dropped on the page.
    # The download took the keyboard's focus from the page: a click on the editor's empty
    # canvas gives it back.
    driver.click(*EMPTY_CANVAS)
    driver.press("o", modifier="\ue009")  # Control
    wait_for(driver, "return document.querySelector('input[type=file]') !== null",
             "Open… asking the browser for a file", seconds=10)
    driver.choose_file(os.path.join(ROOT, "assets", "examples", "xor.json"))
    wait_for(driver, "return document.title === 'xor.json - Layerwright'",
             "the picked xor.json opening", seconds=20)
    time.sleep(1)
    driver.screenshot("5-picked-xor.png")
    # The settings (Open recent now names xor.json) reach local storage within eframe's
    # save interval (5 s in a browser; it saves when a frame is drawn: a click draws one).
    time.sleep(5.5)
    driver.click(*EMPTY_CANVAS)
    wait_for(driver, "return (localStorage.getItem('layerwright-settings') || '')"
             ".includes('xor.json')", "the settings reaching local storage", seconds=15)
    with open(os.path.join(ROOT, "assets", "datasets", "diabetes.csv"), encoding="utf-8") as file:
        driver.drop_file("diabetes.csv", file.read())
    wait_for(driver, "return document.title === 'Untitled - Layerwright'",
             "a new graph on the dropped diabetes.csv", seconds=20)
    time.sleep(1)
    driver.screenshot("5-dropped-csv.png")
    print("files from the computer: the file picker opened xor.json (and the settings in "
          "local storage list it); diabetes.csv dropped on the page started a new graph")

    # 6. An unsaved change outlives the page: a node added from the palette, the autosave
    # written to local storage (every 5 s in a browser), the page loaded again, Restore.
    opened(driver, site, "spiral.json")
    driver.click(*PALETTE_DENSE)
    wait_for(driver, "return document.title === 'spiral.json \u2022 - Layerwright'",
             "the added node marking the graph unsaved", seconds=10)
    wait_for(driver, "return Object.keys(localStorage)"
             ".some(k => k.startsWith('layerwright.file:/local-storage/autosave-'))",
             "the autosave reaching local storage", seconds=20)
    driver.open(site)
    wait_for(driver, "return document.getElementById('loading') === null", "the app starting")
    time.sleep(2)
    offer = driver.screenshot("6-restore-offer.png")
    middle = (0.3, 0.3, 0.7, 0.7)
    if changed_fraction(first, offer, middle) < 0.02:
        fail("the page loaded again without offering to restore the unsaved change")
    driver.click(*RESTORE_BUTTON)
    wait_for(driver, "return document.title === 'spiral.json \u2022 - Layerwright'",
             "Restore bringing back the unsaved graph", seconds=10)
    time.sleep(1)
    driver.screenshot("6-restored.png")
    print("an unsaved change survives the page: autosaved to local storage, offered and "
          "restored after loading the page again")
    print(f"browser check passed; screenshots in {os.path.relpath(SHOTS, ROOT)}/")


if __name__ == "__main__":
    main()
