// The jobs page: queued and running jobs follow their progress live (server-sent events);
// cancel and retry call the jobs API.
"use strict";

(function () {
  const { api, messages } = window.catalogue;
  const text = messages("jobs-messages");
  const percent = new Intl.NumberFormat(window.catalogue.lang, { style: "percent", maximumFractionDigits: 0 });
  const streams = new Map();

  function show(row, job) {
    row.dataset.status = job.status;
    const state = row.querySelector(".status .state");
    state.className = "state state-" + job.status;
    state.textContent = text.statuses[job.status] || job.status;
    // A stored error is English: the page's own row says it in the reader's language (reload).
    if (!job.error) row.querySelector(".status .message").textContent = text.messages[job.message] || job.message || "";
    row.querySelector("progress").value = job.progress;
    row.querySelector(".percent").textContent = percent.format(job.progress / 100);
    const active = ["queued", "running"].includes(job.status);
    const cancel = row.querySelector(".cancel");
    const retry = row.querySelector(".retry");
    if (cancel) cancel.hidden = !active;
    if (retry) retry.hidden = !["failed", "cancelled"].includes(job.status);
    if (active) watch(row);
  }

  function watch(row) {
    const id = row.dataset.jobId;
    if (streams.has(id)) return;
    const events = new EventSource("/jobs/" + id + "/events");
    streams.set(id, events);
    events.addEventListener("progress", (event) => show(row, JSON.parse(event.data)));
    events.addEventListener("end", () => { events.close(); streams.delete(id); explained(row); });
  }

  async function explained(row) {
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    const found = fresh.querySelector(`tr[data-job-id="${row.dataset.jobId}"] .status .message`);
    if (found) row.querySelector(".status .message").replaceWith(found);
  }

  for (const row of document.querySelectorAll("tr[data-job-id]")) {
    if (["queued", "running"].includes(row.dataset.status)) watch(row);
    for (const [name, action] of [["cancel", "cancel"], ["retry", "retry"]]) {
      const button = row.querySelector("." + name);
      if (!button) continue;
      button.addEventListener("click", async () => {
        button.disabled = true;
        try {
          show(row, await api("POST", "/jobs/" + row.dataset.jobId + "/" + action));
        } catch (error) {
          row.querySelector(".status .message").textContent = error.message;
        } finally {
          button.disabled = false;
        }
      });
    }
  }
})();
