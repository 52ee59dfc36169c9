// The inspector's only script: live updates by short polling, request bodies on demand, and the control API's
// buttons. It never turns text into markup: new content comes from the server's (escaped) page, parsed with
// DOMParser and moved in as nodes; bodies go in with textContent.
"use strict";
(function () {
  const control = document.body.dataset.prefix;
  const POLL_MS = Number(document.body.dataset.pollMs) || 1000;
  let busy = false;

  function notice(text) {
    document.getElementById("notice").textContent = text;
  }

  function openStates(root) {
    const states = new Map();
    root.querySelectorAll("details[id], details[data-request]").forEach((d) => {
      states.set(d.id || "request:" + d.dataset.request, d.open);
    });
    return states;
  }

  async function refresh() {
    if (busy) return;
    busy = true;
    try {
      const response = await fetch(window.location.pathname, { cache: "no-store", credentials: "same-origin" });
      if (!response.ok) {
        notice("live update failed: HTTP " + response.status);
        return;
      }
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      const next = fresh.getElementById("main");
      const current = document.getElementById("main");
      if (!next || !current || next.isEqualNode(current)) return;
      const states = openStates(current);
      const loaded = loadedBodies(current);
      const moved = document.importNode(next, true);
      moved.querySelectorAll("details[id], details[data-request]").forEach((d) => {
        const key = d.id || "request:" + d.dataset.request;
        if (d.dataset.request) keepBodies(loaded.get(d.dataset.request), d);
        if (states.has(key)) d.open = states.get(key);
        if (d.open && d.dataset.request) loadBodies(d);
      });
      current.replaceWith(moved);
      fresh.querySelectorAll("[data-count]").forEach((span) => {
        const mine = document.querySelector('[data-count="' + span.dataset.count + '"]');
        if (mine) mine.textContent = span.textContent;
      });
    } catch (error) {
      notice("live update failed: " + error);
    } finally {
      busy = false;
    }
  }

  // Bodies already shown stay shown across a live update: the new node takes them over (a request's bodies never
  // change), so an opened row is never blank while its bodies are fetched again.
  function loadedBodies(root) {
    const loaded = new Map();
    root.querySelectorAll("details[data-request]").forEach((d) => {
      if (d.dataset.loaded === "done") loaded.set(d.dataset.request, d);
    });
    return loaded;
  }

  function rowOf(details) {
    const row = details.closest("tr");
    return row ? Array.from(row.cells).slice(0, -1).map((cell) => cell.textContent).join("\u0000") : "";
  }

  function keepBodies(before, after) {
    if (!before || rowOf(before) !== rowOf(after)) return; // a reset numbered another request the same
    ["request-body", "response-body"].forEach((name) => {
      after.querySelector("." + name).textContent = before.querySelector("." + name).textContent;
    });
    after.dataset.loaded = "done";
  }

  async function loadBodies(details) {
    if (details.dataset.loaded) return;
    details.dataset.loaded = "1";
    const prefix = control + "/ui/requests/";
    const response = await fetch(prefix + details.dataset.request, { cache: "no-store", credentials: "same-origin" });
    const request = details.querySelector(".request-body");
    const reply = details.querySelector(".response-body");
    if (!response.ok) {
      request.textContent = "(not available: HTTP " + response.status + ")";
      return;
    }
    const bodies = await response.json();
    request.textContent = bodies.request_body || "(empty)";
    reply.textContent = bodies.response_body || "(empty)";
    details.dataset.loaded = "done";
  }

  async function act(button) {
    const action = button.dataset.action;
    let path;
    if (action === "advance") {
      path = control + "/runs/" + encodeURIComponent(button.dataset.run) + "/advance";
    } else if (action === "reset") {
      if (!window.confirm("Forget every object, scripted turn and logged request?")) return;
      path = control + "/reset";
    } else {
      return;
    }
    const response = await fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
      credentials: "same-origin",
    });
    let text = action + ": HTTP " + response.status;
    try {
      const answer = await response.json();
      if (answer.status) text += " → " + answer.status;
      if (answer.error && answer.error.message) text += " " + answer.error.message;
    } catch (error) {
      // not JSON: the status line says enough
    }
    notice(text);
    await refresh();
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    event.preventDefault();
    act(button);
  });
  document.addEventListener(
    "toggle",
    (event) => {
      const details = event.target;
      if (details.open && details.dataset && details.dataset.request) loadBodies(details);
    },
    true,
  );
  window.setInterval(() => {
    const live = document.getElementById("live");
    if (live && live.checked && !document.hidden) refresh();
  }, POLL_MS);
})();
