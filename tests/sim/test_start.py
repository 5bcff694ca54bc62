"""Starting the simulators quickly (issue 14, bench/sim_bench.py times it): both sockets
listen before the apps are made, and a request that comes meanwhile gets the whole page once
they are ready; the SCIM service and pysaml2's configuration, client and server are imported
when something first needs them, not to serve the first pages."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import urllib.request

import portalsim.zenkit.app
from portalsim import start_simulators

from tests.helpers import free_port

from .conftest import Zenkit
from .test_http import scim_get

# What start-up used to import and no first page needs: scim2-models builds its pydantic
# models as it is imported, pysaml2's configuration loads SAML's XML schemas (xmlschema).
HEAVY = ("scim2_models", "scim2_server", "saml2.config", "saml2.client", "saml2.server",
         "xmlschema", "cryptography.x509")

FIRST_PAGES = """
import json, sys, urllib.request
from portalsim import start_simulators

HEAVY = {heavy!r}
loaded = {{}}
with start_simulators() as sims:
    for url in (sims.azure_url + "/", sims.zenkit_url + "/settings/provisioning",
                sims.zenkit_url + "/settings/users"):
        with urllib.request.urlopen(url, timeout=30) as answer:
            assert answer.status == 200, url
    loaded["first pages"] = sorted(m for m in HEAVY if m in sys.modules)
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    opener.open(urllib.request.Request(
        sims.zenkit_url + "/settings/provisioning", method="POST",
        data=b"action=toggle&field=scim&value=on"), timeout=30)
    state = json.load(opener.open(sims.zenkit_url + "/_sim/state", timeout=30))
    scim = urllib.request.Request(sims.zenkit_url + f"/scim/{{state['org']}}/v2/Users",
                                  headers={{"Authorization": "Bearer " + state["token"]}})
    with urllib.request.urlopen(scim, timeout=30) as answer:
        loaded["scim status"] = answer.status
    loaded["after a SCIM request"] = sorted(m for m in HEAVY if m.startswith("scim2")
                                            and m in sys.modules)
print(json.dumps(loaded))
"""


def test_the_first_pages_need_neither_the_scim_service_nor_pysaml2():
    """In a fresh process, as `guidegen sim` starts: serving both portals' first pages (and
    Zenkit's members, which lists what SCIM created) imports none of the heavy libraries;
    the first SCIM request imports scim2 and is answered."""
    script = FIRST_PAGES.format(heavy=HEAVY)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"first pages": [], "scim status": 200,
                                       "after a SCIM request": ["scim2_models", "scim2_server"]}


WARMED = """
import json, sys, time
from portalsim import start_simulators

with start_simulators(warm=True) as sims:
    for _ in range(600):  # at most a minute, in tenths of a second
        if "portalsim.zenkit.scim" in sys.modules and "scim2_server" in sys.modules:
            break
        time.sleep(0.1)
    print(json.dumps(sorted(m for m in ("scim2_models", "scim2_server") if m in sys.modules)))
"""


def test_warm_simulators_import_the_scim_service_before_any_scim_request():
    """verify starts them warm: the SCIM service is imported in a thread behind the first
    pages, so that the first SCIM request (Test Connection) does not wait for it."""
    done = subprocess.run([sys.executable, "-c", WARMED], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["scim2_models", "scim2_server"]


def test_a_request_while_the_apps_are_made_waits_for_the_whole_page(monkeypatch):
    """The sockets listen first: a browser that connects while the apps are still being made
    is neither refused nor answered early, and gets the finished page."""
    making = threading.Event()
    release = threading.Event()
    made = portalsim.zenkit.app.ZenkitApp.__init__

    def slow_init(self, *args, **kwargs):
        making.set()
        assert release.wait(timeout=30)
        made(self, *args, **kwargs)

    monkeypatch.setattr(portalsim.zenkit.app.ZenkitApp, "__init__", slow_init)
    azure_port, zenkit_port = free_port(), free_port()
    started = {}
    starter = threading.Thread(target=lambda: started.update(sims=start_simulators(
        azure_port=azure_port, zenkit_port=zenkit_port)))
    starter.start()
    answers = {}

    def fetch(name: str, url: str) -> None:
        with urllib.request.urlopen(url, timeout=60) as answer:
            answers[name] = (answer.status, answer.read().decode())

    try:
        assert making.wait(timeout=60)
        clients = [threading.Thread(target=fetch, args=(name, url)) for name, url in (
            ("azure", f"http://127.0.0.1:{azure_port}/"),
            ("zenkit", f"http://127.0.0.1:{zenkit_port}/settings/provisioning"))]
        for client in clients:
            client.start()
        for client in clients:
            client.join(timeout=0.5)
        assert answers == {}, "answered before the apps were ready"
        assert all(client.is_alive() for client in clients), "refused while the apps were made"
        release.set()
        for client in clients:
            client.join(timeout=60)
    finally:
        release.set()
        starter.join(timeout=60)
        if "sims" in started:
            started["sims"].stop()
    assert answers["azure"][0] == 200 and "Microsoft Azure</title>" in answers["azure"][1]
    assert answers["zenkit"][0] == 200
    assert "Organization settings · Zenkit</title>" in answers["zenkit"][1]


def test_a_token_regenerated_before_the_first_scim_request_is_the_one_scim_takes(
        zenkit: Zenkit):
    """The SCIM service is made on the first SCIM request, with the token of that moment."""
    base_url, first = zenkit.enable_scim()
    zenkit.client.post("/settings/provisioning", data={"action": "regenerate"})
    current = zenkit.state()["token"]
    assert current != first
    assert scim_get(f"{base_url}/Users", first)[0] == 401
    assert scim_get(f"{base_url}/Users", current)[0] == 200
