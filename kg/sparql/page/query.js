// The query page of `kg serve`: editor with highlighting, canned examples, sortable
// results, CSV/JSON downloads. No library, no inline code (the page's CSP allows only
// this file and requests to this server). Every value from the graph is set as text.
"use strict";

const KEYWORDS = new Set(("select construct describe ask where from named prefix base distinct reduced " +
  "optional union minus filter bind values graph service as group by having order asc desc limit offset " +
  "not exists in a true false count sum min max avg sample group_concat separator str lang langmatches " +
  "datatype bound iri uri bnode rand abs ceil floor round concat strlen ucase lcase encode_for_uri contains " +
  "strstarts strends strbefore strafter year month day hours minutes seconds timezone tz now uuid struuid " +
  "md5 sha1 sha256 sha384 sha512 coalesce if strlang strdt sameterm isiri isuri isblank isliteral isnumeric regex substr replace").split(" "));

const TOKEN = new RegExp([
  "(#[^\\n]*)",                                   // 1 comment
  "(\"\"\"[\\s\\S]*?(?:\"\"\"|$)|'''[\\s\\S]*?(?:'''|$)|\"(?:[^\"\\\\\\n]|\\\\.)*\"?|'(?:[^'\\\\\\n]|\\\\.)*'?)", // 2 string
  "(<[^<>\"{}|^`\\\\\\s]*>)",                     // 3 IRI
  "([?$][A-Za-z0-9_\\u00C0-\\uFFFF]+)",           // 4 variable
  "([A-Za-z][\\w.-]*:[\\w.:-]*|:[\\w.-]+)",       // 5 prefixed name
  "(\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)",         // 6 number
  "([A-Za-z_]+)",                                 // 7 word
].join("|"), "g");

function escapeHtml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The query text as highlighted HTML (every piece escaped). */
function highlight(text) {
  let out = "";
  let last = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    if (m[0] === "") { TOKEN.lastIndex++; continue; }
    out += escapeHtml(text.slice(last, m.index));
    let cls = null;
    if (m[1]) cls = "com";
    else if (m[2]) cls = "str";
    else if (m[3]) cls = "iri";
    else if (m[4]) cls = "var";
    else if (m[5]) cls = "pn";
    else if (m[6]) cls = "num";
    else if (m[7] && KEYWORDS.has(m[7].toLowerCase())) cls = "kw";
    out += cls ? `<span class="tk-${cls}">${escapeHtml(m[0])}</span>` : escapeHtml(m[0]);
    last = TOKEN.lastIndex;
  }
  return out + escapeHtml(text.slice(last)) + "\n";
}

const $ = (id) => document.getElementById(id);
const state = { vars: [], rows: [], sort: null, lastQuery: null, json: null };

function render() {
  $("highlight").innerHTML = highlight($("query").value);
  syncScroll();
}

function syncScroll() {
  $("highlight").scrollTop = $("query").scrollTop;
  $("highlight").scrollLeft = $("query").scrollLeft;
}

function setStatus(text, error) {
  const status = $("status");
  status.textContent = text;
  status.className = error ? "error" : "";
}

function download(name, type, data) {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function post(query, accept) {
  const body = new URLSearchParams({ query });
  return fetch("/sparql", {
    method: "POST",
    headers: { Accept: accept, "Content-Type": "application/x-www-form-urlencoded" },
    body,
  });
}

async function run() {
  const query = $("query").value;
  setStatus("running…");
  $("run").disabled = true;
  const start = performance.now();
  try {
    const response = await post(query, "application/sparql-results+json, text/turtle;q=0.9");
    const text = await response.text();
    const ms = Math.round(performance.now() - start);
    if (!response.ok) {
      setStatus(`HTTP ${response.status}: ${text.trim()}`, true);
      return;
    }
    const cut = response.headers.get("X-LineageKG-Truncated");
    const type = response.headers.get("Content-Type") || "";
    state.lastQuery = query;
    if (type.startsWith("application/sparql-results+json")) {
      const data = JSON.parse(text);
      state.json = text;
      if ("boolean" in data) {
        showGraph(`ASK: ${data.boolean}`);
        setStatus(`answered in ${ms} ms`);
      } else {
        state.vars = data.head.vars;
        state.rows = data.results.bindings;
        state.sort = null;
        showTable();
        const n = state.rows.length;
        setStatus(`${n} row${n === 1 ? "" : "s"} in ${ms} ms` + (cut ? ` — ${cut}` : ""));
      }
      $("csv").disabled = $("json").disabled = false;
    } else {
      state.json = null;
      showGraph(text);
      setStatus(`graph in ${ms} ms` + (cut ? ` — ${cut}` : ""));
      $("csv").disabled = $("json").disabled = true;
    }
  } catch (err) {
    setStatus(`request failed: ${err}`, true);
  } finally {
    $("run").disabled = false;
    document.body.dataset.runs = String(Number(document.body.dataset.runs || 0) + 1);
  }
}

function showGraph(text) {
  const pre = document.createElement("pre");
  pre.className = "graph";
  pre.textContent = text;
  $("results").replaceChildren(pre);
}

const NUMERIC = /#(integer|decimal|double|float|long|int|short|byte|nonNegativeInteger|positiveInteger|gYear)$/;

function compare(a, b) {
  if (a === undefined || b === undefined) return (a === undefined) - (b === undefined);
  if (NUMERIC.test(a.datatype || "") && NUMERIC.test(b.datatype || "")) return Number(a.value) - Number(b.value);
  return a.value.localeCompare(b.value);
}

function showTable() {
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  state.vars.forEach((name, i) => {
    const th = document.createElement("th");
    th.textContent = name;
    th.scope = "col";
    if (state.sort && state.sort.column === i) th.setAttribute("aria-sort", state.sort.asc ? "ascending" : "descending");
    th.addEventListener("click", () => {
      const asc = !(state.sort && state.sort.column === i && state.sort.asc);
      state.sort = { column: i, asc };
      state.rows.sort((x, y) => (asc ? 1 : -1) * compare(x[name], y[name]));
      showTable();
    });
    head.appendChild(th);
  });
  const body = table.createTBody();
  for (const row of state.rows) {
    const tr = body.insertRow();
    for (const name of state.vars) {
      const td = tr.insertCell();
      const term = row[name];
      if (!term) continue;
      if (term.type === "uri") {
        const span = document.createElement("span");
        span.className = "iri";
        span.textContent = term.value;
        td.appendChild(span);
      } else {
        td.textContent = term.value;
        if (NUMERIC.test(term.datatype || "")) td.className = "num";
      }
    }
  }
  $("results").replaceChildren(table);
}

async function downloadCsv() {
  if (state.lastQuery === null) return;
  const response = await post(state.lastQuery, "text/csv");
  if (!response.ok) { setStatus(`HTTP ${response.status}: ${(await response.text()).trim()}`, true); return; }
  download("results.csv", "text/csv", await response.blob());
}

function downloadJson() {
  if (state.json !== null) download("results.json", "application/sparql-results+json", state.json);
}

async function loadExamples() {
  const response = await fetch("/queries.json");
  const list = $("examples");
  for (const query of await response.json()) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.title = query.question;
    const name = document.createElement("b");
    name.textContent = query.name;
    const question = document.createElement("small");
    question.textContent = query.question;
    button.append(name, question);
    button.addEventListener("click", () => {
      $("query").value = query.text;
      render();
      run();
    });
    item.appendChild(button);
    list.appendChild(item);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const editor = $("query");
  editor.addEventListener("input", render);
  editor.addEventListener("scroll", syncScroll);
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    } else if (event.key === "Tab" && !event.shiftKey) {
      event.preventDefault();
      editor.setRangeText("  ", editor.selectionStart, editor.selectionEnd, "end");
      render();
    }
  });
  $("run").addEventListener("click", run);
  $("csv").addEventListener("click", downloadCsv);
  $("json").addEventListener("click", downloadJson);
  render();
  loadExamples().catch((err) => setStatus(`could not load the examples: ${err}`, true));
});
