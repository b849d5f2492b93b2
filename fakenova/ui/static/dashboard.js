/* fakenova dashboard: send control forms as JSON to the /_fakenova control plane, and poll live fragments.
 * No framework, no build step, nothing fetched from elsewhere. */
(function () {
  "use strict";
  var TOKEN_KEY = "fakenova-control-token";
  var POLL_MS = 1500;

  function say(text) {
    var status = document.getElementById("status");
    if (status) { status.textContent = text; }
  }

  /* A token given as #token=... is kept for this tab and removed from the address bar. */
  function adoptTokenFromHash() {
    var match = /(?:^#|&)token=([^&]*)/.exec(window.location.hash);
    if (match) {
      sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
      history.replaceState(null, "", window.location.pathname + window.location.search);
    }
  }

  function headers() {
    var result = {"Content-Type": "application/json", "Accept": "application/json"};
    var token = sessionStorage.getItem(TOKEN_KEY);
    if (token) { result["X-Fakenova-Control-Token"] = token; }
    return result;
  }

  /* The JSON body of a control form; fields with data-in="path" fill {name} in the path instead. */
  function collect(form) {
    var body = {}, path = form.getAttribute("data-path");
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.tagName === "BUTTON" || field.value === "") { return; }
      if (field.getAttribute("data-in") === "path") {
        path = path.replace("{" + field.name + "}", encodeURIComponent(field.value));
        return;
      }
      var kind = field.getAttribute("data-type"), value = field.value;
      if (kind === "number") { value = Number(value); }
      else if (kind === "bool") { value = value === "true"; }
      else if (kind === "nullable" && value === "none") { value = null; }
      body[field.name] = value;
    });
    return {path: path, body: body};
  }

  function send(form) {
    var request = collect(form), method = form.getAttribute("data-method");
    var init = {method: method, headers: headers(), credentials: "same-origin"};
    if (method !== "DELETE" || Object.keys(request.body).length) { init.body = JSON.stringify(request.body); }
    say(method + " " + request.path + " …");
    return fetch(request.path, init).then(function (response) {
      return response.text().then(function (text) {
        if (!response.ok) { throw new Error(response.status + " " + text); }
        say(method + " " + request.path + ": " + response.status + " " + text);
        if (form.hasAttribute("data-reload")) { window.location.reload(); }
      });
    }).catch(function (error) { say("Failed: " + error.message); });
  }

  /* Delegated, so forms inside a refreshed live fragment work too. */
  function wireControls() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (form.hasAttribute("data-control")) { event.preventDefault(); send(form); }
      else if (form.hasAttribute("data-token-form")) { event.preventDefault(); keepToken(form); }
    });
  }

  function keepToken(form) {
    var value = form.elements.token.value;
    if (value) { sessionStorage.setItem(TOKEN_KEY, value); } else { sessionStorage.removeItem(TOKEN_KEY); }
    say(value ? "The control token will be sent." : "No control token will be sent.");
  }

  /* Each [data-live] element is refreshed from its page's ?fragment=1 while the tab is visible; the server
   * answers 304 when the fragment is unchanged. */
  function poll(element, tag) {
    var toggle = document.querySelector("[data-live-toggle]");
    var live = !toggle || toggle.checked;
    if (document.hidden || !live) { return setTimeout(function () { poll(element, tag); }, POLL_MS); }
    var url = element.getAttribute("data-live");
    url += (url.indexOf("?") < 0 ? "?" : "&") + "fragment=1";
    var init = {headers: tag ? {"If-None-Match": tag} : {}, cache: "no-store", credentials: "same-origin"};
    fetch(url, init).then(function (response) {
      if (response.status === 200) {
        var next = response.headers.get("ETag");
        return response.text().then(function (html) {
          if (tag) { element.innerHTML = html; }  /* the first answer is what the page already shows */
          return next;
        });
      }
      return tag;
    }).catch(function () { return tag; }).then(function (next) {
      setTimeout(function () { poll(element, next); }, POLL_MS);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    adoptTokenFromHash();
    wireControls();
    document.querySelectorAll("[data-live]").forEach(function (element) { poll(element, null); });
  });
}());
