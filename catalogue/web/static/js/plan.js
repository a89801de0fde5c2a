// One plan: switch calendar views, follow a running planning job, publish, and edit a
// screening through POST /plans/{id}/edits with the rule check shown next to the form.
"use strict";

(function () {
  const { api, explainOne, format, messages } = window.catalogue;
  const text = messages("plan-messages");
  const summary = document.querySelector(".plan-summary");
  const planId = summary.dataset.planId;

  // Calendar views: months or venues by month.
  const switches = document.querySelectorAll(".view-switch button");
  for (const button of switches) {
    button.addEventListener("click", () => {
      for (const other of switches) {
        other.setAttribute("aria-pressed", String(other === button));
        document.getElementById("view-" + other.dataset.view).hidden = other !== button;
      }
    });
  }

  // A plan still being planned: follow its job, then show the result.
  if (summary.dataset.solve === "pending" && summary.dataset.jobId) {
    const box = summary.querySelector(".progress");
    const events = new EventSource("/jobs/" + summary.dataset.jobId + "/events");
    events.addEventListener("progress", (event) => {
      const job = JSON.parse(event.data);
      box.querySelector("progress").value = job.progress;
      // A failure is explained on the page itself, reloaded when the job ends.
      box.querySelector(".job-message").textContent = text.statuses[job.status] || job.status;
    });
    events.addEventListener("end", () => { events.close(); window.location.reload(); });
  }

  const statusOutcome = summary.querySelector(".status-outcome");

  // The API names broken rules in English ({rule, detail}); the server says each in the page's
  // language, as the page itself says them, and this script only lists the sentences.
  async function sentences(violations) {
    if (!violations.length) return [];
    const said = await api("POST", "/web/plans/" + planId + "/violations",
      violations.map((v) => ({ rule: v.rule, detail: v.detail })));
    return said.map((s) => s.rule + ": " + s.sentence);
  }

  function listOf(lines) {
    const list = document.createElement("ul");
    list.className = "violations";
    for (const line of lines) {
      const item = document.createElement("li");
      item.className = "reason";
      item.textContent = line;
      list.appendChild(item);
    }
    return list;
  }

  // Publishing answers 409 with what to confirm first: screenings that break rules, and
  // screenings booking a venue and day another published plan holds. Both are listed; the
  // programmer publishes anyway with one more click, or goes back to change the plan.
  async function confirmPublish(refusal, body) {
    const parts = [];
    if (refusal.forced.length) {
      const heading = document.createElement("p");
      heading.textContent = text.confirmForced;
      const lines = [];
      for (const s of refusal.forced) {
        const broken = await sentences(s.violations);
        lines.push(s.day + " · " + s.city + " · " + s.title + ": " + broken.join(" "));
      }
      parts.push(heading, listOf(lines));
    }
    if (refusal.clashes.length) {
      const heading = document.createElement("p");
      heading.textContent = text.clashes;
      parts.push(heading, listOf(refusal.clashes.map((c) =>
        c.day + " · " + c.venue + " · " + format(text.clashWith, { plan: c.other_plan }))));
    }
    const anyway = document.createElement("button");
    anyway.type = "button";
    anyway.className = "primary publish-anyway";
    anyway.textContent = text.publishAnyway;
    anyway.addEventListener("click", () => changeState(anyway, {
      ...body, confirm_forced: refusal.forced.length > 0, force: refusal.clashes.length > 0,
    }));
    statusOutcome.className = "status-outcome message warn";
    statusOutcome.replaceChildren(...parts, anyway);
  }

  async function changeState(button, body) {
    button.disabled = true;
    const response = await fetch("/plans/" + planId + "/status", {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "X-CSRF-Token": window.catalogue.csrf, "Content-Type": "application/json",
        Accept: "application/json" },
    });
    const data = await response.json().catch(() => null);
    if (response.ok) { window.location.reload(); return; }
    button.disabled = false;
    if (response.status === 409 && data && Array.isArray(data.forced)) {
      await confirmPublish(data, body);
      return;
    }
    statusOutcome.className = "status-outcome message error";
    statusOutcome.textContent = await explainOne(response.status, (data && data.detail) || response.statusText);
  }

  for (const button of summary.querySelectorAll("button.status")) {
    button.addEventListener("click", () => changeState(button, { state: button.dataset.to }));
  }

  // Copies and required screenings: each change sends the whole list; "Plan again" applies them.
  const inputs = document.getElementById("plan-inputs");
  const inputsData = document.getElementById("plan-inputs-data");
  if (inputs && inputsData) {
    const current = JSON.parse(inputsData.textContent);
    const inputsOutcome = inputs.querySelector(".inputs-outcome");
    async function put(path, list) {
      try {
        await api("PUT", "/plans/" + planId + "/" + path, list);
        window.location.reload();
      } catch (error) {
        inputsOutcome.className = "inputs-outcome message error";
        inputsOutcome.textContent = error.message;
      }
    }
    inputs.querySelector("form.add-copies").addEventListener("submit", (event) => {
      event.preventDefault();
      const titleId = Number(event.target.title_id.value);
      const others = current.copies.filter((c) => c.title_id !== titleId);
      put("copies", [...others, { title_id: titleId, count: Number(event.target.count.value) }]);
    });
    inputs.querySelector("form.add-request").addEventListener("submit", (event) => {
      event.preventDefault();
      const f = event.target;
      const request = { title_id: Number(f.title_id.value), earliest: f.earliest.value || null,
        latest: f.latest.value || null };
      const [kind, value] = f.where.value.split(":");
      if (kind === "country") request.country = value;
      if (kind === "venue") request.venue_id = Number(value);
      put("must-screen", [...current.must_screen, request]);
    });
    inputs.querySelectorAll("button.remove-copies").forEach((button) => {
      const titleId = Number(button.closest("li").dataset.titleId);
      button.addEventListener("click", () =>
        put("copies", current.copies.filter((c) => c.title_id !== titleId)));
    });
    inputs.querySelectorAll("button.remove-request").forEach((button, index) => {
      button.addEventListener("click", () =>
        put("must-screen", current.must_screen.filter((_, i) => i !== index)));
    });
    inputs.querySelector("button.replan").addEventListener("click", async (event) => {
      event.target.disabled = true;
      try {
        await api("POST", "/plans/" + planId + "/replan");
        window.location.reload();
      } catch (error) {
        inputsOutcome.className = "inputs-outcome message error";
        inputsOutcome.textContent = error.message;
        event.target.disabled = false;
      }
    });
  }

  const form = document.getElementById("edit");
  if (!form) return;
  const outcome = form.querySelector(".outcome");
  const actionField = document.getElementById("edit-action"); // form.action is the form's URL

  function showFields() {
    const action = actionField.value;
    for (const field of form.querySelectorAll("[data-for]")) {
      field.hidden = !field.dataset.for.split(" ").includes(action);
    }
  }
  actionField.addEventListener("change", showFields);
  showFields();

  // Choosing a screening in the calendar or a list picks it in the form.
  function pick(id) {
    const option = form.screening_id.querySelector("option[value='" + id + "']");
    if (!option) return;
    form.screening_id.value = id;
    if (!["move", "cancel", "pin"].includes(actionField.value)) actionField.value = "move";
    showFields();
    if (!form.day.value) form.day.value = option.dataset.day;
    form.scrollIntoView({ behavior: "smooth", block: "start" });
  }
  for (const node of document.querySelectorAll(".chip[data-screening-id], tr[data-screening-id]")) {
    node.addEventListener("click", () => pick(node.dataset.screeningId));
  }

  function body() {
    const action = actionField.value;
    const edit = { action, force: form.force.checked };
    if (["move", "cancel", "pin"].includes(action)) edit.screening_id = Number(form.screening_id.value);
    if (["move", "add"].includes(action)) {
      edit.day = form.day.value || null;
      if (form.venue_id.value) edit.venue_id = Number(form.venue_id.value);
    }
    if (action === "add") {
      edit.title_id = Number(form.title_id.value);
      edit.language = form.language.value.trim() || null;
    }
    return edit;
  }

  // The API names the broken rules in one sentence: "edit refused: rule: detail; rule: detail.
  // Send force=true ..."; each is one violation.
  function reasons(detail) {
    const match = /^edit refused: (.*?)\. Send force=true/s.exec(detail);
    return match[1].split("; ").map((line) => {
      const [rule, ...rest] = line.split(": ");
      return { rule, detail: rest.join(": ") };
    });
  }

  function report(className, heading, lines) {
    outcome.className = "outcome " + className;
    const title = document.createElement("p");
    title.textContent = heading;
    const list = document.createElement("ul");
    list.className = "violations";
    for (const line of lines) {
      const item = document.createElement("li");
      item.className = "reason";
      item.textContent = line;
      list.appendChild(item);
    }
    outcome.replaceChildren(title, ...(lines.length ? [list] : []));
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const result = await api("POST", "/plans/" + planId + "/edits", body());
      const broken = await sentences(result.violations);
      report("message", broken.length ? text.forced : text.saved, broken);
      setTimeout(() => window.location.reload(), broken.length ? 1500 : 400);
    } catch (error) {
      if (error.detail && error.detail.startsWith("edit refused")) {
        report("message error", text.refused, await sentences(reasons(error.detail)));
      } else {
        report("message error", error.message, []);
      }
      button.disabled = false;
    }
  });
})();
