// The partner portal: HLS previews and the delivery package through signed links, webhooks.
"use strict";

(function () {
  const { api, format, messages, size } = window.catalogue;
  const text = messages("partner-messages");

  async function link(assetId) {
    return api("POST", "/assets/" + assetId + "/links", {});
  }

  for (const box of document.querySelectorAll(".delivery")) {
    const out = box.querySelector(".out");
    // Disabled in the HTML until this script can answer a click.
    for (const button of box.querySelectorAll("button")) button.disabled = false;
    box.querySelector(".preview").addEventListener("click", async () => {
      const issued = await link(box.dataset.assetId);
      const video = document.createElement("video");
      video.controls = true;
      video.className = "preview-video";
      out.replaceChildren(video);
      if (window.Hls && Hls.isSupported()) {
        const hls = new Hls();
        hls.loadSource(issued.master_playlist_url);
        hls.attachMedia(video);
        box.hls = hls;
      } else {
        video.src = issued.master_playlist_url;
      }
    });
  }

  // The delivery package: each file as an attachment with its size and SHA-256, or one ZIP.
  for (const box of document.querySelectorAll(".package")) {
    const out = box.querySelector(".out");
    const button = box.querySelector(".get-package");
    button.disabled = false;
    button.addEventListener("click", async () => {
      let issued;
      try {
        issued = await api("POST", "/titles/" + box.dataset.titleId + "/package");
      } catch (error) {
        out.replaceChildren(Object.assign(document.createElement("p"), { className: "message error", textContent: error.message }));
        return;
      }
      const zip = Object.assign(document.createElement("a"), {
        href: issued.zip_url, className: "button primary zip", textContent: format(text.zip, { size: size(issued.zip_size) }),
      });
      zip.setAttribute("download", "");
      const table = document.createElement("table");
      table.className = "package-files";
      const head = table.createTHead().insertRow();
      for (const label of [text.file, text.size, "SHA-256"]) {
        head.appendChild(Object.assign(document.createElement("th"), { scope: "col", textContent: label }));
      }
      const body = table.createTBody();
      for (const file of issued.files) {
        const row = body.insertRow();
        const anchor = Object.assign(document.createElement("a"), { href: file.url, textContent: file.name, dir: "ltr" });
        anchor.setAttribute("download", "");
        row.insertCell().appendChild(anchor);
        row.insertCell().textContent = size(file.size);
        const sum = row.insertCell().appendChild(Object.assign(document.createElement("code"), { className: "sha256", dir: "ltr", textContent: file.sha256 }));
        sum.title = file.sha256;
      }
      const wrap = Object.assign(document.createElement("div"), { className: "table-wrap" });
      wrap.appendChild(table);
      const note = document.createElement("p");
      note.className = "hint";
      note.textContent = format(text.expires, { when: new Date(issued.expires_at).toLocaleString(window.catalogue.lang) }) + " " + text.check;
      out.replaceChildren(zip, wrap, note);
    });
  }

  const form = document.querySelector("form.add-hook");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const outcome = form.querySelector(".outcome");
    const events = [...form.querySelectorAll("input[name=events]:checked")].map((i) => i.value);
    try {
      const issued = await api("POST", "/partner/webhooks", { url: form.url.value, events });
      outcome.className = "outcome message";
      outcome.textContent = format(text.secret, { secret: issued.secret });
      const item = document.createElement("li");
      item.textContent = issued.url;
      document.querySelector("ul.hooks").appendChild(item);
    } catch (error) {
      outcome.className = "outcome message error";
      outcome.textContent = error.message;
    }
  });
  for (const button of document.querySelectorAll("ul.hooks .remove")) {
    button.addEventListener("click", async () => {
      const item = button.closest("li");
      await api("DELETE", "/partner/webhooks/" + item.dataset.webhookId);
      item.remove();
    });
  }
})();
