// The upload page: a resumable tus upload with progress, speed and time left, then the file's
// checking (probe) and renditions (transcode) followed live.
"use strict";

(function () {
  const { api, explainOne, format, size, duration, csrf, messages } = window.catalogue;
  const text = messages("upload-messages");
  const section = document.querySelector(".upload");
  const titleId = section.dataset.titleId;
  const maxBytes = Number(section.dataset.maxBytes);
  const drop = section.querySelector(".drop");
  const input = document.getElementById("file");
  const kind = document.getElementById("asset-kind");
  const box = section.querySelector(".progress-box");
  const bar = box.querySelector("progress");
  const figures = box.querySelector(".figures");
  const after = box.querySelector(".after");
  const pause = box.querySelector(".pause");
  const resume = box.querySelector(".resume");
  const storage = tus.defaultOptions.urlStorage; // localStorage: survives a reload
  let current = null;

  // --- speed and time left over the last seconds, not since the start -----------------------
  function meter() {
    const samples = [];
    return (bytes) => {
      const now = performance.now();
      samples.push([now, bytes]);
      while (samples.length > 2 && now - samples[0][0] > 5000) samples.shift();
      const [t0, b0] = samples[0];
      return now > t0 ? ((bytes - b0) * 1000) / (now - t0) : 0;
    };
  }

  function start(file) {
    if (file.size > maxBytes) {
      box.hidden = false;
      figures.textContent = format(text.too_large, { limit: size(maxBytes) });
      return;
    }
    const speed = meter();
    let assetId = null;
    box.hidden = false;
    box.querySelector(".file-name bdi").textContent = file.name;
    after.replaceChildren();
    delete after.dataset.outcome;
    const upload = new tus.Upload(file, {
      endpoint: "/uploads",
      chunkSize: 16 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000],
      headers: { "X-CSRF-Token": csrf },
      metadata: { title_id: String(titleId), kind: kind.value, filename: file.name },
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onAfterResponse(request, response) {
        assetId = response.getHeader("Catalogue-Asset-Id") || assetId;
      },
      onProgress(sent, total) {
        const rate = speed(sent);
        bar.value = total ? (sent * 100) / total : 0;
        figures.textContent = format(text.figures, {
          done: size(sent), total: size(total), speed: size(rate),
          left: rate > 0 ? duration((total - sent) / rate) : "…",
        });
      },
      async onError(error) {
        // tus answers its refusals in English, as the API does; status 0: no answer at all.
        const answer = error.originalResponse;
        const reason = (answer && answer.getBody()) || error.message;
        let detail = reason;
        try { detail = JSON.parse(reason).detail || reason; } catch (_) { /* plain text */ }
        pause.hidden = true;
        resume.hidden = false;
        const said = await explainOne(answer ? answer.getStatus() : 0, detail);
        // The message ends its own sentence after the reason.
        figures.textContent = format(text.failed, { reason: said.replace(/[.。]$/, "") });
      },
      onSuccess() {
        bar.value = 100;
        figures.textContent = text.finishing;
        pause.hidden = true;
        section.dataset.assetId = assetId;
        refreshMasters();
        follow(assetId, after).then(() => { figures.textContent = text.uploaded; });
      },
    });
    current = upload;
    pause.hidden = false;
    resume.hidden = true;
    upload.findPreviousUploads().then((previous) => {
      if (previous.length) upload.resumeFromPreviousUpload(previous[0]);
      upload.start();
    });
  }

  pause.addEventListener("click", () => {
    if (!current) return;
    current.abort();
    pause.hidden = true;
    resume.hidden = false;
    figures.textContent = format(text.paused, {
      done: size(Math.round((bar.value / 100) * current.file.size)), total: size(current.file.size),
    });
  });
  resume.addEventListener("click", () => {
    if (!current) return;
    current.start();
    resume.hidden = true;
    pause.hidden = false;
  });

  // --- choosing a file: drop, click, or keyboard -----------------------------------------------
  drop.addEventListener("click", () => input.click());
  drop.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") { event.preventDefault(); input.click(); }
  });
  drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    if (event.dataTransfer.files.length) start(event.dataTransfer.files[0]);
  });
  input.addEventListener("change", () => { if (input.files.length) start(input.files[0]); });

  // --- after the upload: checking, then renditions, followed live --------------------------------
  function say(target, message, className) {
    const line = document.createElement("p");
    line.textContent = message;
    if (className) line.className = className;
    target.replaceChildren(line);
    return line;
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function jobFor(jobKind, assetId) {
    const page = await api("GET", "/jobs?kind=" + jobKind + "&limit=50");
    return page.items.find((job) => String(job.payload.asset_id) === String(assetId));
  }

  // Reasons and errors are stored in English: the server's list of masters says them in the
  // reader's language, so an outcome shows that row's words.
  async function explainedCell(assetId) {
    const response = await fetch(document.querySelector(".masters-of-title").dataset.endpoint, { credentials: "same-origin" });
    if (!response.ok) return null;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    return fresh.querySelector(`tr[data-asset-id="${assetId}"] td.live`);
  }

  async function follow(assetId, target) {
    let asset = await api("GET", "/assets/" + assetId);
    while (!["ready", "rejected"].includes(asset.state)) {
      say(target, text.states[asset.state] || asset.state);
      await sleep(1000);
      asset = await api("GET", "/assets/" + assetId);
    }
    if (asset.state === "rejected") {
      const cell = await explainedCell(assetId);
      say(target, text.rejected, "message error").after(...(cell ? cell.querySelectorAll(":scope > :not(.state)") : []));
      target.dataset.outcome = "rejected";
      return;
    }
    let job = await jobFor("transcode_asset", assetId);
    while (!job) { say(target, text.queued); await sleep(1000); job = await jobFor("transcode_asset", assetId); }
    const progress = document.createElement("progress");
    progress.max = 100;
    const line = say(target, text.queued);
    line.after(progress);
    // A long master's transcode job only plans its chunks: then the server's row says how far
    // the chunks and their join are, until it shows the renditions or a failure.
    const chunked = async () => {
      for (;;) {
        const cell = await explainedCell(assetId);
        const state = cell?.querySelector(".state");
        if (state?.classList.contains("state-ready")) return { status: "succeeded" };
        if (state?.classList.contains("state-failed")) return { status: "failed" };
        if (state) {
          line.textContent = state.textContent;
          progress.value = Number(state.dataset.progress || 0);
        }
        await sleep(1000);
      }
    };
    const done = async (final) => {
      if (final.status === "succeeded") {
        const ended = await api("GET", "/jobs/" + final.id);  // the end event carries no result
        if (ended.result && ended.result.chunked_transcode_id) final = await chunked();
      }
      if (final.status === "succeeded") {
        const link = document.createElement("a");
        link.href = text.title_page;
        link.textContent = text.ready;
        link.className = "button primary";
        target.replaceChildren(link);
        target.dataset.outcome = "ready";
      } else {
        const failed = (await explainedCell(assetId))?.querySelector(".state-failed");
        say(target, failed ? failed.textContent : format(text.transcode_failed, { reason: final.status }), "message error");
        target.dataset.outcome = final.status;
      }
    };
    if (["succeeded", "failed", "cancelled"].includes(job.status)) { done(job); return; }
    const events = new EventSource("/jobs/" + job.id + "/events");
    events.addEventListener("progress", (event) => {
      job = JSON.parse(event.data);
      progress.value = job.progress;
      line.textContent = job.status === "queued" ? text.queued
        : format(text.transcoding, { percent: window.catalogue.numbers.format(job.progress) + " %" });
    });
    events.addEventListener("end", () => { events.close(); done(job); });
  }

  // The list of masters: swapped for the server's while any master in it is still changing, so
  // a new upload appears at once and every row ends in its final state without a reload.
  const masters = document.querySelector(".masters-of-title");
  let refreshing = null;
  async function refreshMasters() {
    if (refreshing) return;
    refreshing = (async () => {
      do {
        const response = await fetch(masters.dataset.endpoint, { credentials: "same-origin" });
        if (!response.ok) break;
        const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
        masters.querySelector(".masters").replaceWith(fresh.querySelector(".masters"));
        await sleep(1000);
      } while (masters.querySelector(".masters").dataset.inProgress === "yes" || (current && !after.dataset.outcome));
    })();
    try { await refreshing; } finally { refreshing = null; }
  }
  if (masters.querySelector(".masters").dataset.inProgress === "yes") refreshMasters();

  // --- subtitle files: attached as draft tracks, checked, then published into the HLS --------
  const attach = document.querySelector("form.attach");
  attach.addEventListener("submit", async (event) => {
    event.preventDefault();
    const outcome = attach.querySelector(".outcome");
    const response = await fetch(attach.dataset.endpoint, {
      method: "POST", body: new FormData(attach), credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, Accept: "application/json" },
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      outcome.className = "outcome message error";
      outcome.textContent = await explainOne(response.status, typeof data.detail === "string" ? data.detail : response.statusText);
      return;
    }
    location.reload(); // the new track and its quality report appear in the list
  });
  for (const button of document.querySelectorAll("tr[data-track-id] .publish")) {
    button.addEventListener("click", async () => {
      const row = button.closest("tr");
      button.disabled = true;
      try {
        await api("POST", attach.dataset.endpoint + "/" + row.dataset.trackId + "/status", { status: button.dataset.status });
        location.reload();
      } catch (error) {
        row.querySelector("td:nth-child(4)").append(Object.assign(document.createElement("p"), { className: "message error", textContent: error.message }));
        button.disabled = false;
      }
    });
  }

  // Uploads this browser started for this title and did not finish: offer to continue them.
  storage.findAllUploads().then((uploads) => {
    const mine = uploads.filter((u) => u.metadata && u.metadata.title_id === String(titleId));
    if (!mine.length) return;
    const list = section.querySelector(".resumable ul");
    for (const u of mine) {
      const item = document.createElement("li");
      item.textContent = u.metadata.filename + " · " + size(u.size) + " · " +
        format(text.started, { when: new Date(u.creationTime).toLocaleString(window.catalogue.lang) });
      list.appendChild(item);
    }
    section.querySelector(".resumable").hidden = false;
  });
})();
