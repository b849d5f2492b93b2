"""The dashboard in headless Chromium against a live fakenova, the cloud driven by openstacksdk: servers
appear building, a paced build finishes when the Controls page advances the clock, a loaded scenario's rule is
shown firing on a request, and a reset empties the cloud. Each step leaves a screenshot in the test's folder."""
from __future__ import annotations

import os

import pytest
import requests

openstack = pytest.importorskip("openstack")
try:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:  # only CI insists (see conftest.py): there the test extra installs selenium
    if os.environ.get("CI", "").lower() == "true":
        raise
    pytest.skip("the dashboard's browser tests need selenium (the test extra) and apt-get install chromium "
                "chromium-driver", allow_module_level=True)

WAIT = 15  # seconds a page may take to show what the test waits for (polling runs every 1.5 s)
PACE = 600  # seconds a create takes: far longer than the test, so only the advanced clock finishes it


def connect(live):
    return openstack.connect(auth_url=f"{live.url}/identity", username="demo", password="demo",
                             project_name="demo", user_domain_name="Default", project_domain_name="Default",
                             region_name="RegionOne")


def wait_for(driver, condition, message: str):
    return WebDriverWait(driver, WAIT).until(lambda d: condition(d), message)


def statuses(driver) -> dict:
    """Server name -> status as the Cloud page shows them."""
    rows = driver.find_elements(By.CSS_SELECTOR, "table.servers tbody tr")
    return {row.find_element(By.TAG_NAME, "th").text: row.find_element(By.CSS_SELECTOR, "[data-status]").text
            for row in rows}


def submit(driver, form_css: str) -> None:
    """Submit a control form and wait for the page to reload after the control plane answered."""
    driver.execute_script("window.__before = true")
    driver.find_element(By.CSS_SELECTOR, f"{form_css} button[type=submit]").click()
    wait_for(driver, lambda d: d.execute_script("return window.__before === undefined"), "no reload")


@pytest.fixture
def cloud(live):
    requests.post(f"{live.url}/_fakenova/reset", json={"settings": {"pace": f"seconds:{PACE}"}}).raise_for_status()
    yield live
    requests.post(f"{live.url}/_fakenova/reset", json={}).raise_for_status()


def test_servers_build_finish_fire_a_rule_and_go_on_reset(browser, cloud, shots) -> None:
    driver, base = browser, cloud.url
    conn = connect(cloud)
    image, flavor = conn.image.find_image("cirros"), conn.compute.find_flavor("m1.tiny")
    network = conn.network.find_network("private")
    for name in ("web-1", "db-1"):
        conn.compute.create_server(name=name, image_id=image.id, flavor_id=flavor.id,
                                   networks=[{"uuid": network.id}])

    driver.get(base + "/")  # a browser at the root lands on the Cloud page
    assert driver.current_url == base + "/_fakenova/ui/"
    wait_for(driver, lambda d: statuses(d) == {"web-1": "BUILD", "db-1": "BUILD"}, "servers not building")
    shots(driver, "cloud-building")

    driver.get(base + "/_fakenova/ui/controls")
    field = driver.find_element(By.ID, "advance-seconds")
    field.clear()
    field.send_keys(str(PACE + 1))
    submit(driver, "form[aria-label='Advance the clock']")
    shots(driver, "controls-advanced")
    driver.get(base + "/_fakenova/ui/")
    wait_for(driver, lambda d: statuses(d) == {"web-1": "ACTIVE", "db-1": "ACTIVE"}, "build did not finish")
    shots(driver, "cloud-active")

    driver.find_element(By.LINK_TEXT, "db-1").click()  # the server page sets state through the control plane
    form = "form[aria-label=\"Set a server's state\"]"
    for name, value in (("vm_state", "stopped"), ("task_state", "none"), ("power_state", "shutdown"),
                        ("locked", "locked")):
        Select(driver.find_element(By.CSS_SELECTOR, f"{form} select[name={name}]")).select_by_visible_text(value)
    submit(driver, form)
    facts = driver.find_element(By.CSS_SELECTOR, "#server-state").text
    assert "SHUTOFF" in facts and "SHUTDOWN" in facts and "locked by admin" in facts
    shots(driver, "server-stopped")

    driver.get(base + "/_fakenova/ui/scenarios")
    Select(driver.find_element(By.ID, "scenario-name")).select_by_visible_text("flaky-503")
    submit(driver, "form[data-path='/_fakenova/scenarios']")
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-scenario='flaky-503']"), "not loaded")
    shots(driver, "scenario-loaded")

    driver.get(base + "/_fakenova/ui/requests")  # open before the request: it must arrive live
    with pytest.raises(openstack.exceptions.HttpException):
        list(conn.compute.servers())
    fired = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "td.fired .fired-rule"), "no rule fired")
    assert fired[0].text == "flaky-503/first-call-fails"
    shots(driver, "requests-live")
    row = fired[0].find_element(By.XPATH, "./ancestor::tr")
    row.find_element(By.CSS_SELECTOR, "th a").click()
    verdict = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "table.verdicts tr.fired"), "no verdict")
    assert "fired" in verdict[0].text and "503" in driver.find_element(By.CSS_SELECTOR, "dd.code").text
    shots(driver, "request-entry")

    driver.get(base + "/_fakenova/ui/controls")
    submit(driver, "form[data-path='/_fakenova/reset']")
    driver.get(base + "/_fakenova/ui/")
    assert statuses(driver) == {} and driver.find_element(By.CSS_SELECTOR, "p.count").text == "0 servers"
    shots(driver, "cloud-empty")
    assert all(path.stat().st_size > 1000 for path in shots.taken)
