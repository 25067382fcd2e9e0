// The practice page: choose → draw → fill → check → reveal. The server keeps nothing: every
// request carries the problem's source; the student's values live in localStorage.
"use strict";

const STORE = "gradsheet-practice";
const MARKS = {correct: "✓ correct", carried: "↪ carried: right from your own earlier values", wrong: "✗ wrong",
               missing: "– not answered", unread: "? not read"};
const $ = (selector, root = document) => root.querySelector(selector);
let current = null;  // the page data of the problem shown

function stored() {
  try { return JSON.parse(localStorage.getItem(STORE)) || {entries: {}}; } catch (e) { return {entries: {}}; }
}
function store(data) { localStorage.setItem(STORE, JSON.stringify(data)); }
function sourceKey(source) { return JSON.stringify(source); }

async function api(path, body) {
  const response = await fetch(path, {method: "POST", headers: {"Content-Type": "application/json"},
                                      body: JSON.stringify(body)});
  let data;
  try { data = await response.json(); } catch (e) { data = {error: `${response.status} ${response.statusText}`}; }
  if (!response.ok || data.error) throw new Error(data.error || response.statusText);
  return data;
}

function typeset(element) {
  renderMathInElement(element, {delimiters: [{left: "\\[", right: "\\]", display: true},
                                             {left: "\\(", right: "\\)", display: false}], throwOnError: false});
}

function showError(message) {
  const line = $("#error");
  line.textContent = message || "";
  line.hidden = !message;
}

function chosenSource() {
  const from = $("input[name=from]:checked").value;
  const source = {kind: $("#kind").value, language: $("#language").value};
  if (from === "drawn") {
    source.difficulty = $("#difficulty").value;
    source.seed = $("#seed").value.trim();
  } else if (from === "example") {
    source.example = $("#example").value;
  } else {
    source.spec = $("#spec").value;
  }
  return source;
}

function showChoice() {
  const from = $("input[name=from]:checked").value;
  document.querySelectorAll(".drawn").forEach(e => { e.hidden = from !== "drawn"; });
  $(".example").hidden = from !== "example";
  $(".spec").hidden = from !== "spec";
  $(".network-kinds").hidden = from === "drawn";
}

function setChoice(source) {
  const from = source.example ? "example" : source.spec ? "spec" : "drawn";
  $(`input[name=from][value=${from}]`).checked = true;
  for (const field of ["kind", "difficulty", "seed", "example", "spec", "language"]) {
    if (source[field] !== undefined && source[field] !== "") $("#" + field).value = String(source[field]);
  }
  showChoice();
}

function shareLine(source) {
  if (source.example) return `Lecture example ${source.example}, as ${source.kind}.`;
  if (source.spec) return `Your network, as ${source.kind}.`;
  const link = `#kind=${source.kind}&difficulty=${source.difficulty}&seed=${source.seed}&language=${source.language}`;
  return `${source.kind}, ${source.difficulty}, seed ${source.seed}: share it as <a href="${link}">this link</a>.`;
}

async function draw(source) {
  showError("");
  $("#draw").disabled = true;
  try {
    const data = await api("/api/problem", {source});
    current = data;
    render(data);
    const saved = stored();
    saved.source = data.source;
    store(saved);
  } catch (error) {
    showError(error.message);
  } finally {
    $("#draw").disabled = false;
  }
}

function render(data) {
  $("#problem").hidden = false;
  $("#title").textContent = data.title;
  $("#share").innerHTML = shareLine(data.source);
  $("#statement").innerHTML = data.statement;
  $("#rounding").textContent = data.rounding;
  const entries = stored().entries[sourceKey(data.source)] || {};
  const groups = $("#groups");
  groups.innerHTML = "";
  for (const group of data.groups) {
    const item = document.createElement("li");
    item.innerHTML = group.text;
    const points = document.createElement("em");
    points.textContent = ` (${group.points} pt${group.note})`;
    item.append(points);
    if (group.fields.length) {
      const table = document.createElement("table");
      table.className = "fields";
      for (const field of group.fields) {
        const row = table.insertRow();
        row.dataset.part = field.part;
        const label = row.insertCell();
        katex.render(field.label, label, {throwOnError: false});
        const cell = row.insertCell();
        let input;
        if (field.choices.length) {
          input = document.createElement("select");
          input.append(new Option("", ""));
          for (const choice of field.choices) input.append(new Option(choice.text, choice.value));
        } else {
          input = document.createElement("input");
          input.type = "text";
          input.size = 12;
          input.inputMode = "decimal";
        }
        input.name = field.part;
        input.setAttribute("aria-label", field.part);
        input.value = entries[field.part] || "";
        input.addEventListener("input", saveEntries);
        input.addEventListener("change", saveEntries);
        cell.append(input);
        const mark = row.insertCell();
        mark.className = "mark";
      }
      item.append(table);
    }
    groups.append(item);
  }
  const steps = $("#steps");
  steps.innerHTML = "";
  data.steps.forEach((title, index) => {
    const step = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Show step";
    button.dataset.step = index;
    button.addEventListener("click", () => showStep(index));
    const name = document.createElement("span");
    name.textContent = ` ${title}`;
    const body = document.createElement("div");
    body.className = "step-body";
    body.hidden = true;
    step.append(button, name, body);
    steps.append(step);
  });
  $("#score").textContent = "";
  typeset($("#problem"));
}

function answers() {
  const values = {};
  document.querySelectorAll("#groups [name]").forEach(input => { values[input.name] = input.value; });
  return values;
}

function saveEntries() {
  if (!current) return;
  const saved = stored();
  saved.entries[sourceKey(current.source)] = answers();
  store(saved);
}

async function check() {
  showError("");
  try {
    const result = await api("/api/check", {source: current.source, answers: answers()});
    for (const [part, mark] of Object.entries(result.marks)) {
      const row = $(`tr[data-part="${CSS.escape(part)}"]`);
      if (!row) continue;
      const cell = $(".mark", row);
      cell.className = `mark ${mark.verdict}`;
      cell.innerHTML = "";
      const verdict = document.createElement("strong");
      verdict.textContent = MARKS[mark.verdict] || mark.verdict;
      cell.append(verdict);
      if (mark.verdict === "wrong") cell.append(` — expected ${mark.expected}`);
      if (mark.why) {
        const why = document.createElement("div");
        why.textContent = mark.why;
        cell.append(why);
      }
      if (mark.step && mark.verdict === "wrong") {
        const step = document.createElement("div");
        step.className = "formula";
        step.textContent = mark.step;
        cell.append(step);
      }
    }
    $("#score").textContent = `${result.score} of ${result.of} points`;
  } catch (error) {
    showError(error.message);
  }
}

async function showStep(index) {
  showError("");
  const body = document.querySelectorAll("#steps .step-body")[index];
  try {
    const data = await api("/api/solution", {source: current.source, step: index});
    body.innerHTML = data.html;
    body.hidden = false;
    typeset(body);
  } catch (error) {
    showError(error.message);
  }
}

async function showAll() {
  for (let index = 0; index < current.steps.length; index++) await showStep(index);
}

function fromHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  if (!params.get("kind")) return null;
  const source = {};
  for (const [name, value] of params) source[name] = value;
  return source;
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[name=from]").forEach(r => r.addEventListener("change", showChoice));
  $("#new-seed").addEventListener("click", () => {
    $("#seed").value = String(Math.floor(Math.random() * 1e9));
  });
  $("#spec-file").addEventListener("change", async event => {
    const file = event.target.files[0];
    if (file) $("#spec").value = await file.text();
  });
  $("#choose").addEventListener("submit", event => {
    event.preventDefault();
    draw(chosenSource());
  });
  $("#check").addEventListener("click", check);
  $("#show-all").addEventListener("click", showAll);
  $("#clear").addEventListener("click", () => {
    document.querySelectorAll("#groups [name]").forEach(input => { input.value = ""; });
    document.querySelectorAll("#groups .mark").forEach(cell => { cell.className = "mark"; cell.textContent = ""; });
    saveEntries();
  });
  const source = fromHash() || stored().source;
  if (source) {
    setChoice(source);
    draw(source);
  } else {
    showChoice();
  }
});
