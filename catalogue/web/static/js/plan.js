// One plan: switch calendar views, follow a running planning job, publish, and edit a
// screening through POST /plans/{id}/edits with the rule check shown next to the form.
"use strict";

(function () {
  const { api, format, messages } = window.catalogue;
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
      box.querySelector(".job-message").textContent = (text.statuses[job.status] || job.status) +
        (job.error ? " · " + format(text.failed, { error: job.error }) : "");
    });
    events.addEventListener("end", () => { events.close(); window.location.reload(); });
  }

  const statusOutcome = summary.querySelector(".status-outcome");
  for (const button of summary.querySelectorAll("button.status")) {
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await api("POST", "/plans/" + planId + "/status", { state: button.dataset.to });
        window.location.reload();
      } catch (error) {
        statusOutcome.className = "status-outcome message error";
        statusOutcome.textContent = error.message;
        button.disabled = false;
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
  // Send force=true ..."; each becomes a line here.
  function reasons(detail) {
    const match = /^edit refused: (.*?)\. Send force=true/s.exec(detail);
    const lines = match ? match[1].split("; ") : [detail];
    return lines.map((line) => line.replace(/^(\w+): \1: /, "$1: "));
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
      const broken = result.violations.map((v) => v.rule + ": " + v.detail);
      report("message", broken.length ? text.forced : text.saved, broken);
      setTimeout(() => window.location.reload(), broken.length ? 1500 : 400);
    } catch (error) {
      if (error.message.startsWith("edit refused")) {
        report("message error", text.refused, reasons(error.message));
      } else {
        report("message error", error.message, []);
      }
      button.disabled = false;
    }
  });
})();
