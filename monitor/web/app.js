"use strict";
// Everything shown comes from scraped pages: it goes in as text (textContent, text nodes),
// never as markup, and links out only to http(s) addresses.

const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
const PAGE = 20;
const FIELDS = ["q", "lang", "site", "sort", "since", "until"];
const FACETS = [["site", "网站 Site"], ["lang", "语言 Language"], ["tag", "标签 Tag"], ["month", "月份 Month"]];

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text != null) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function link(href, text) {
  const a = el("a", text);
  a.href = href;
  return a;
}

function outLink(url) {
  const a = el("a", url);
  try {
    if (/^https?:$/.test(new URL(url).protocol)) Object.assign(a, { href: url, rel: "noopener noreferrer", target: "_blank" });
  } catch (e) { /* not a URL: shown as text only */ }
  return a;
}

function button(text, action) {
  const b = el("button", text);
  b.type = "button";
  b.addEventListener("click", action);
  return b;
}

// The API marks matches «like this»: the odd parts of the split go into <mark> elements.
function marked(text) {
  const out = document.createDocumentFragment();
  text.split(/«([^«»]*)»/).forEach((part, i) => out.append(i % 2 ? el("mark", part) : part));
  return out;
}

function section(title, ...children) {
  const s = el("section");
  s.append(el("h3", title), ...children);
  return s;
}

function list(items, render) {
  if (!items.length) return el("p", "无 None", "meta");
  const ul = el("ul");
  for (const item of items) {
    const li = el("li");
    li.append(...render(item));
    ul.append(li);
  }
  return ul;
}

function status(text, isError) {
  $("status").replaceChildren(text);
  $("status").className = isError ? "error" : "";
}

function show(view) {
  for (const id of ["landing-view", "search-view", "article-view", "case-view", "party-view"]) $(id).hidden = id !== view;
}

const day = (iso) => (iso || "?").slice(0, 10); // dates as YYYY-MM-DD (China time)

// --- the URL holds the state: #/search?q=... or #/article/ID ------------------------------

function formParams() {
  const p = new URLSearchParams();
  for (const f of FIELDS) if ($(f).value) p.set(f, $(f).value);
  if (!$("expand").checked) p.set("expand", "false");
  if ($("all").checked) p.set("collapse", "false");
  return p;
}

function fillForm(p) {
  for (const f of FIELDS) $(f).value = p.get(f) || (f === "sort" ? "relevance" : "");
  $("expand").checked = p.get("expand") !== "false";
  $("all").checked = p.get("collapse") === "false";
}

function go(p) {
  location.hash = "#/search?" + p;
}

function route() {
  const hash = location.hash.slice(1);
  const cut = hash.indexOf("?");
  const path = cut < 0 ? hash : hash.slice(0, cut);
  const article = /^\/article\/(\d+)$/.exec(path);
  if (article) return showArticle(article[1]);
  const inspection = /^\/case\/(\d+)$/.exec(path);
  if (inspection) return showCase(inspection[1]);
  const party = /^\/(org|place)\/([^/]+)$/.exec(path);
  if (party) return showParty(party[1], decodeURIComponent(party[2]));
  const p = new URLSearchParams(cut < 0 ? "" : hash.slice(cut + 1));
  fillForm(p);
  if (p.get("q")) return showSearch(p);
  return showLanding();
}

let latest = 0; // answers to superseded requests are dropped

// The API's answer, or null: superseded, or failed (the error is then shown instead).
async function getJSON(url) {
  const mine = ++latest;
  status("… 加载中 Loading");
  let reply, body;
  try {
    reply = await fetch(url);
    body = await reply.json();
  } catch (e) {
    body = { error: reply ? reply.statusText : e.message };
  }
  if (mine !== latest) return null;
  if (!reply || !reply.ok) {
    show(null);
    status("错误 Error: " + (body.error || reply.status), true);
    return null;
  }
  status("");
  return body;
}

// --- search ------------------------------------------------------------------------------------

async function showSearch(p) {
  const offset = Number(p.get("offset")) || 0;
  const api = new URLSearchParams(p);
  api.set("limit", PAGE);
  api.set("facets", "true");
  const page = await getJSON("/api/search?" + api);
  if (!page) return;
  const exported = new URLSearchParams(p);
  exported.delete("offset");
  status(page.total + " 条结果 results · 导出 Export ");
  for (const format of ["csv", "xlsx", "jsonl"]) {
    exported.set("format", format);
    $("status").append(link("/api/export?" + exported, format.toUpperCase()), " ");
  }
  renderResults(page.results, offset);
  renderFacets(page.facets, p);
  renderChart(page.facets.month, p);
  renderPager(page.total, offset, p);
  show("search-view");
}

function renderResults(results, offset) {
  $("results").start = offset + 1;
  $("results").replaceChildren(...results.map(hit));
}

function hit(r) {
  const li = el("li");
  const title = el("h2");
  title.append(link("#/article/" + r.id, r.title));
  const snippet = el("p", null, "snippet");
  snippet.append(marked(r.snippet));
  const label = r.relevant ? " · " + r.relevance_label : "";
  const meta = el("p", `${day(r.published_at)} · ${r.host} · ${r.lang}${label}`, "meta");
  if (r.case_id) meta.append(" · ", link("#/case/" + r.case_id, "督察案件 Inspection case"));
  li.append(title, meta, snippet);
  if (r.copies.length) {
    const copies = el("p", "同一报道 Same story: ", "copies meta");
    for (const c of r.copies) copies.append(link("#/article/" + c.id, c.host + (c.garbled ? " 镜像 mirror" : "")), " ");
    li.append(copies);
  }
  return li;
}

// Sites and tags are shown by name (the spider, the Chinese label); the filter takes the value.
function renderFacets(facets, p) {
  $("facets").replaceChildren(...FACETS.map(([name, title]) => section(title, list(facets[name], (f) => {
    const b = button((f.label || f.value) + " ", () => refine(name, f.value, p));
    b.title = f.value;
    b.append(el("span", String(f.count), "n"));
    return [b];
  }))));
}

// A facet narrows the search: a month sets the days, the others add a filter to the query.
function refine(name, value, p) {
  const next = new URLSearchParams(p);
  next.delete("offset");
  if (name === "month") {
    const [year, month] = value.split("-").map(Number);
    next.set("since", value + "-01");
    next.set("until", value + "-" + new Date(Date.UTC(year, month, 0)).getUTCDate());
  } else {
    const filter = name + ":" + (/[\s()]/.test(value) ? `"${value}"` : value);
    const q = next.get("q");
    if (!q.split(/\s+/).includes(filter)) next.set("q", q + " " + filter);
  }
  go(next);
}

function svg(tag, attributes) {
  const e = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) e.setAttribute(name, value);
  return e;
}

// Matching articles per month: one bar per month from the first to the last, gaps at zero.
function renderChart(months, p) {
  const chart = $("chart");
  chart.replaceChildren();
  chart.classList.toggle("empty", !months.length);
  if (!months.length) return;
  const counts = new Map(months.map((m) => [m.value, m.count]));
  const all = monthsBetween(months[0].value, months.at(-1).value);
  const max = Math.max(...counts.values());
  const bar = 8, height = 60, width = Math.max(all.length * bar, 140);
  chart.setAttribute("viewBox", `0 0 ${width} ${height + 14}`);
  chart.setAttribute("width", width);
  all.forEach((month, i) => {
    const n = counts.get(month) || 0;
    const h = (n / max) * height;
    const rect = svg("rect", { x: i * bar, y: height - h, width: bar - 1, height: h });
    rect.append(svg("title", {}));
    rect.lastChild.textContent = `${month}: ${n}`;
    if (n) rect.addEventListener("click", () => refine("month", month, p));
    chart.append(rect);
  });
  const first = svg("text", { x: 0, y: height + 12 });
  const last = svg("text", { x: width, y: height + 12, "text-anchor": "end" });
  first.textContent = all[0];
  last.textContent = all.length > 1 ? all.at(-1) : "";
  chart.append(first, last);
}

function monthsBetween(first, last) {
  const out = [];
  let [year, month] = first.split("-").map(Number);
  for (let key = first; key <= last; key = `${year}-${String(month).padStart(2, "0")}`) {
    out.push(key);
    month = (month % 12) + 1;
    if (month === 1) year += 1;
  }
  return out;
}

function renderPager(total, offset, p) {
  const to = (start) => () => {
    const next = new URLSearchParams(p);
    next.set("offset", start);
    go(next);
  };
  const previous = button("‹ 上一页 Previous", to(offset - PAGE));
  const next = button("下一页 Next ›", to(offset + PAGE));
  previous.disabled = offset <= 0;
  next.disabled = offset + PAGE >= total;
  const shown = total ? `${offset + 1}–${Math.min(offset + PAGE, total)} / ${total}` : "0";
  $("pager").replaceChildren(previous, el("span", shown), next);
}

// --- one article ---------------------------------------------------------------------------

async function showArticle(id) {
  const a = await getJSON("/api/articles/" + id);
  if (!a) return;
  const back = button("‹ 返回 Back", () => (history.length > 1 ? history.back() : go("")));
  const when = day(a.published_at);
  const meta = el("p", [when, a.site, a.host, a.lang + (a.script ? "-" + a.script : ""), a.author, a.source,
    `${a.relevance.label} ${a.relevance.score}`].filter(Boolean).join(" · "), "meta");
  const texts = el("div", null, "texts");
  texts.append(textBox("原文 Original", a.original, "original", a.lang === "zh" ? "zh-" + (a.script || "Hans") : a.lang),
    textBox("规范化文本 Normalised", a.normalised, "normalised", a.lang === "zh" ? "zh-Hans" : a.lang));
  $("article-view").replaceChildren(back, el("h2", a.title), meta, outLink(a.url), texts,
    section("标签 Tags", list(a.tags, (t) => [link(searchFor("tag:" + t.id), t.label), ` ${t.id} · ${t.kind} ×${t.count}`])),
    section("事实 Facts", factTable(a.facts)),
    section("同一报道的其他副本 Other copies of the story", list(a.story.copies, (c) =>
      [link("#/article/" + c.id, c.title), ` · ${c.host} · ${c.lang}` + (c.garbled ? " · 镜像 mirror" : "")])),
    section("其他语言的相关报道 Linked reports in the other language", list(a.links, (l) =>
      [`${l.score} · ${l.shared.join(", ")}`, list(l.articles, (x) => [link("#/article/" + x.id, x.title), ` · ${x.lang}`])])));
  show("article-view");
  window.scrollTo(0, 0);
}

function textBox(title, text, id, lang) {
  const box = section(title);
  box.id = id;
  box.className = "text";
  box.lang = lang;
  if (!text) box.append(el("p", "无法重读原始页面 The stored page cannot be read again", "meta"));
  else box.append(el("h4", text.title), ...text.paragraphs.map((t) => el("p", t)));
  return box;
}

function factTable(facts) {
  const columns = [["kind", "类型 Kind"], ["number", "数字 Number"], ["day", "日期 Day"], ["as_of", "截至 As of"],
    ["batches", "批次 Batches"], ["action", "措施 Action"], ["sentence", "原句 Sentence"]];
  return table(columns.map(([, label]) => label), facts.map((f) => columns.map(([name]) => (f[name] == null ? "" : f[name]))));
}

// --- the landing view: newest reports, sites, crawl health, alert rules ----------------------

const searchFor = (q) => "#/search?" + new URLSearchParams({ q });

async function showLanding() {
  const o = await getJSON("/api/overview");
  if (!o) return;
  $("newest").replaceChildren(...o.newest.map(hit));
  $("sites").replaceChildren(table(["网站 Site", "文章 Articles", "相关 Relevant", "最新 Newest"], o.sites.map((s) =>
    [link(searchFor("site:" + s.host), s.label), s.articles, s.relevant, s.newest || ""])));
  $("health").replaceChildren(table(["网站 Site", "状态 Status", "开始 Started", "新增 New", "错误 Errors", "健康 Health"],
    o.health.map((r) => [`${r.site} ${r.base_url}`, r.status, day(r.started_at), r.new_articles, r.errors,
      Object.entries(r.health).map(([kind, detail]) => `${kind}: ${detail}`).join("; ") || "正常 OK"])));
  $("rules").replaceChildren(list(o.rules, (r) => [el("strong", r.name), ` ${r.query} · ${r.alerts} · `,
    ...Object.entries(r.feeds).flatMap(([format, href]) => [link(href, format), " "])]));
  show("landing-view");
}

function table(columns, rows) {
  if (!rows.length) return el("p", "无 None", "meta");
  const t = el("table");
  const head = el("tr");
  head.append(...columns.map((c) => el("th", c)));
  t.append(head, ...rows.map((cells) => {
    const row = el("tr");
    row.append(...cells.map((c) => {
      const td = el("td");
      td.append(c instanceof Node ? c : String(c));
      return td;
    }));
    return row;
  }));
  return t;
}

$("search-form").addEventListener("submit", (e) => {
  e.preventDefault();
  if ($("q").value.trim()) go(formParams());
});
for (const id of ["lang", "sort", "since", "until", "expand", "all"]) {
  $(id).addEventListener("change", () => $("q").value.trim() && go(formParams()));
}
window.addEventListener("hashchange", route);
route();
