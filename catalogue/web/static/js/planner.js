// The tour planner's list page: a new plan is POST /plans (202 with its job); the job's progress
// comes over server-sent events as on the jobs page, then the plan's page opens.
"use strict";

(function () {
  const { api, messages } = window.catalogue;
  const text = messages("planner-messages");
  const form = document.getElementById("new-plan");
  if (!form) return;
  const outcome = form.querySelector(".outcome");
  const box = form.querySelector(".progress");
  const percent = new Intl.NumberFormat(window.catalogue.lang, { style: "percent", maximumFractionDigits: 0 });

  function body() {
    const titleIds = [...form.title_ids.selectedOptions].map((o) => Number(o.value));
    const titles = titleIds.length
      ? { title_ids: titleIds }
      : {
          kinds: [...form.querySelectorAll("input[name=kinds]:checked")].map((i) => i.value),
          campaign: form.campaign.value || null,
        };
    const region = form.region.value.split(",").map((r) => r.trim()).filter(Boolean);
    const rules = { per_venue: Number(form.per_venue.value) };
    const plan = { region, year: Number(form.year.value), titles, rules };
    if (form.name.value.trim()) plan.name = form.name.value.trim();
    return plan;
  }

  function follow(planId, job) {
    box.hidden = false;
    const show = (j) => {
      box.querySelector("progress").value = j.progress;
      box.querySelector(".percent").textContent = percent.format(j.progress / 100);
      box.querySelector(".job-message").textContent = (text.statuses[j.status] || j.status) +
        (j.message ? " · " + (text.jobMessages[j.message] || j.message) : "");
    };
    show(job);
    const events = new EventSource("/jobs/" + job.id + "/events");
    events.addEventListener("progress", (event) => {
      const j = JSON.parse(event.data);
      show(j);
      if (j.status === "succeeded") {
        events.close();
        window.location.assign(text.prefix + "/plans/" + planId);
      } else if (["failed", "cancelled"].includes(j.status)) {
        // The plan's page says why, in the reader's language (the stored error is English).
        events.close();
        window.location.assign(text.prefix + "/plans/" + planId);
      }
    });
    events.addEventListener("end", (event) => {
      events.close();
      if (JSON.parse(event.data).status === "succeeded") {
        window.location.assign(text.prefix + "/plans/" + planId);
      }
    });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    outcome.textContent = "";
    try {
      const accepted = await api("POST", "/plans", body());
      form.dataset.planId = accepted.id;
      follow(accepted.id, accepted.job);
    } catch (error) {
      outcome.className = "outcome message error";
      outcome.textContent = error.message;
      button.disabled = false;
    }
  });
})();
