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

  // An API 422 lists pydantic's problems in English: each is said as the server's forms say it
  // (explain.script_problems), the count sentences in the plural form the browser's rules pick
  // (gettext orders a catalogue's forms as CLDR orders its categories).
  const CLDR_ORDER = ["zero", "one", "two", "few", "many", "other"];
  const pluralRules = new Intl.PluralRules(lang);
  const categories = pluralRules.resolvedOptions().pluralCategories
    .sort((a, b) => CLDR_ORDER.indexOf(a) - CLDR_ORDER.indexOf(b));
  function problem(item) {
    const said = messages("form-problems");
    if (!said.types) return item.msg;
    const ctx = item.ctx || {};
    if (item.type === "string_too_short" && ctx.min_length === 1) return said.empty;
    const forms = said.lengths[item.type];
    if (forms) {
      const count = ctx.min_length ?? ctx.max_length;
      const form = forms[Math.min(categories.indexOf(pluralRules.select(count)), forms.length - 1)];
      return format(form, { num: new Intl.NumberFormat(lang).format(count) });
    }
    if (item.type === "value_error") {
      const quoted = /'([^']*)'/.exec(item.msg);
      const found = said.values.find(([marker]) => item.msg.includes(marker));
      return found ? format(found[1], { value: quoted ? quoted[1] : item.input }) : said.invalid;
    }
    const limit = ctx.ge ?? ctx.le ?? ctx.gt ?? ctx.lt;
    return said.types[item.type] ? format(said.types[item.type], { limit }) : said.invalid;
  }

  // The API's errors are English ({status, detail}): the server says each as the pages say it,
  // in the page's language, as {sentence, detail} (detail: the English, where the sentence says
  // less). Should that fail too, the English is shown as it is.
  async function explain(errors) {
    const response = await fetch("/web/explain", {
      method: "POST", credentials: "same-origin", body: JSON.stringify(errors),
      headers: { "X-CSRF-Token": csrf, "Content-Type": "application/json", Accept: "application/json" },
    }).catch(() => null);
    if (response && response.ok) return response.json();
    return errors.map((e) => ({ sentence: e.detail, detail: null }));
  }
  async function explainOne(status, detail) {
    return (await explain([{ status, detail: String(detail || "").slice(0, 2000) }]))[0].sentence;
  }

  // The API accepts the session cookie from these pages; unsafe methods carry the CSRF token.
  // A refusal is thrown as an Error saying it in the page's language; `detail` keeps the API's
  // English text for the scripts that read it.
  async function api(method, url, body) {
    const headers = { "X-CSRF-Token": csrf, Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(url, {
      method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    if (!response.ok) {
      const detail = data && data.detail;
      if (Array.isArray(detail)) throw new Error(detail.map(problem).join(" "));
      const english = detail || response.statusText;
      const error = new Error(await explainOne(response.status, english));
      throw Object.assign(error, { status: response.status, detail: english });
    }
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
  return { csrf, lang, messages, format, api, explainOne, numbers, size, duration };
})();
