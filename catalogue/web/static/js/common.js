// Shared by the pages' scripts: translated messages, CSRF-protected API calls, formatting.
"use strict";

window.catalogue = (function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const lang = document.documentElement.lang;

  function messages(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : {};
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, (_, name) => String(values[name]));
  }

  // The API accepts the session cookie from these pages; unsafe methods carry the CSRF token.
  async function api(method, url, body) {
    const headers = { "X-CSRF-Token": csrf, Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(url, {
      method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    if (!response.ok) throw new Error((data && data.detail) || response.statusText);
    return data;
  }

  const numbers = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  function size(bytes) {
    const units = [["gigabyte", 1e9], ["megabyte", 1e6], ["kilobyte", 1e3]];
    for (const [unit, scale] of units) {
      if (bytes >= scale) {
        return new Intl.NumberFormat(lang, { style: "unit", unit, maximumFractionDigits: 1 })
          .format(bytes / scale);
      }
    }
    return new Intl.NumberFormat(lang, { style: "unit", unit: "byte" }).format(bytes);
  }
  function duration(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    const two = (n) => String(n).padStart(2, "0");
    return (h ? h + ":" + two(m) : m) + ":" + two(s);
  }
  return { csrf, lang, messages, format, api, numbers, size, duration };
})();
