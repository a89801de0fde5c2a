// The partner portal: previews and download links through signed links, webhook settings.
"use strict";

(function () {
  const { api, format, messages } = window.catalogue;
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
    box.querySelector(".links").addEventListener("click", async () => {
      const issued = await link(box.dataset.assetId);
      const manifest = await api("GET", box.querySelector("a.manifest").getAttribute("href"));
      const sums = new Map(manifest.files.map((f) => [f.path, f.sha256]));
      const sumOf = (path) => sums.get(path) ||
        [...sums].find(([known]) => known.endsWith("/" + path))?.[1];
      const list = document.createElement("ul");
      list.className = "files";
      for (const [path, url] of Object.entries(issued.files)) {
        const item = document.createElement("li");
        const anchor = document.createElement("a");
        anchor.href = url;
        anchor.textContent = path;
        anchor.dir = "ltr";
        item.appendChild(anchor);
        const sum = sumOf(path);
        if (sum) {
          const code = document.createElement("code");
          code.className = "sha256";
          code.dir = "ltr";
          code.textContent = sum;
          item.append(" · SHA-256 ", code);
        }
        list.appendChild(item);
      }
      const note = document.createElement("p");
      note.textContent = format(text.expires, { when: new Date(issued.expires_at).toLocaleString(window.catalogue.lang) });
      out.replaceChildren(note, list);
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
