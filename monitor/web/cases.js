"use strict";
// Inspection cases: a case's timeline and figures, an organisation's or a province's page, and
// following either. Loaded before app.js, whose helpers (el, link, list, table, svg, getJSON,
// show...) these functions call once the page has routed to them.

const STAGES = {
  stationing: "进驻 Stationing", onsite: "下沉 On-site work", feedback: "反馈 Feedback",
  plan: "整改方案 Rectification plan", progress: "整改进展 Progress", typical_case: "典型案例 Typical cases",
  lookback: "回头看 Look-back", closure: "验收销号 Closure",
};
const FIGURES = {
  problems_raised: "交办问题 Problems raised", problems_rectified: "已整改 Rectified",
  problems_in_progress: "整改中 In progress", complaints_received: "受理举报 Complaints received",
  complaints_closed: "办结举报 Complaints closed", penalty_yuan: "罚款（元）Penalties (yuan)",
  people_held_accountable: "问责 Held accountable",
};
const CHARTED = [["problems_raised", "raised"], ["problems_rectified", "rectified"]];
const partyLink = (kind, id, text) => link(`#/${kind === "organisation" ? "org" : "place"}/${encodeURIComponent(id)}`, text);

async function showCase(id) {
  const c = await getJSON("/api/cases/" + id);
  if (!c) return;
  const inspection = [c.round && `第${c.round}轮 round ${c.round}`, c.batch && `第${c.batch}批 batch ${c.batch}`,
    c.team && `第${c.team}督察组 team ${c.team}`, c.stationed && `进驻 stationed ${c.stationed}`].filter(Boolean).join(" · ");
  const title = el("h2", "督察案件 Inspection case: ");
  title.append(partyLink(c.party_kind, c.party, c.party_label), ` ${c.key}`);
  $("case-view").replaceChildren(title, el("p", inspection, "meta"), followButton("case", String(c.id), "case-" + c.id),
    section("督察进程 Timeline", timeline(c.stages)),
    section("问题整改 Problems raised and rectified", figureChart(c.figures)),
    section("数字 Figures", table(["截至 As of", "类型 Kind", "数字 Figure", "来源 Source"], c.figures.map((f) =>
      [f.as_of, FIGURES[f.kind] || f.kind, f.value.toLocaleString("en"), sources(f.articles)]))),
    section("全部文章 All articles", articleList(c.articles)));
  show("case-view");
  window.scrollTo(0, 0);
}

function timeline(stages) {
  const ol = el("ol", null, "timeline");
  for (const s of stages) {
    const li = el("li");
    li.append(el("time", s.day), " ", el("strong", STAGES[s.stage] || s.stage));
    li.append(list(s.articles, (a) => [link("#/article/" + a.id, a.title), ` · ${a.lang} · ${a.host}`,
      el("blockquote", a.sentence)]));
    ol.append(li);
  }
  return stages.length ? ol : el("p", "无 None", "meta");
}

const sources = (articles) => {
  const span = el("span");
  for (const a of articles) span.append(link("#/article/" + a.id, `#${a.id} ${a.lang}`), " ");
  return span;
};

const articleList = (articles) => list(articles, (a) =>
  [link("#/article/" + a.id, a.title), ` · ${day(a.published_at)} · ${a.lang} · ${a.host}`]);

// Problems raised and rectified over time: a line of each, days to scale, every point titled.
function figureChart(figures) {
  const series = CHARTED.map(([kind, cls]) => [cls, figures.filter((f) => f.kind === kind)]);
  const points = series.flatMap(([, s]) => s);
  if (!points.length) return el("p", "无问题整改数字 No figures of problems raised or rectified", "meta");
  const width = 480, height = 160, pad = 34;
  const time = (f) => Date.parse(f.as_of);
  const first = Math.min(...points.map(time)), last = Math.max(...points.map(time));
  const top = Math.max(...points.map((f) => f.value));
  const x = (f) => (last === first ? width / 2 : pad + ((time(f) - first) / (last - first)) * (width - 2 * pad));
  const y = (f) => height - pad / 2 - (f.value / top) * (height - pad);
  const chart = svg("svg", { id: "case-chart", role: "img", viewBox: `0 0 ${width} ${height + 14}`, width,
    "aria-label": "交办问题与已整改 Problems raised and rectified" });
  for (const [cls, s] of series) {
    if (!s.length) continue;
    chart.append(svg("polyline", { class: cls, points: s.map((f) => `${x(f)},${y(f)}`).join(" ") }));
    for (const f of s) {
      const dot = svg("circle", { class: cls, cx: x(f), cy: y(f), r: 3.5 });
      dot.append(svg("title", {}));
      dot.lastChild.textContent = `${FIGURES[f.kind]} ${f.value} · ${f.as_of}`;
      chart.append(dot);
    }
  }
  const label = (text, attributes) => {
    const t = svg("text", attributes);
    t.textContent = text;
    return t;
  };
  chart.append(label(day(new Date(first).toISOString()), { x: pad, y: height + 12 }),
    label(day(new Date(last).toISOString()), { x: width - pad, y: height + 12, "text-anchor": "end" }),
    label(String(top), { x: 2, y: pad / 2 + 4 }));
  const legend = el("p", null, "legend");
  for (const [kind, cls] of CHARTED) legend.append(el("span", FIGURES[kind], cls), " ");
  const box = el("div");
  box.append(chart, legend);
  return box;
}

async function showParty(kind, id) {
  const p = await getJSON(`/api/parties/${kind}/${encodeURIComponent(id)}`);
  if (!p) return;
  $("party-view").replaceChildren(el("h2", `${p.label} ${p.id}`), el("p", p.kind || "", "meta"),
    followButton(kind, p.id, `${kind}-${p.id}`),
    section("督察案件 Inspection cases", list(p.cases, (c) => [link("#/case/" + c.id, `${c.party_label} ${c.key}`),
      ` · ${c.first_day} – ${c.last_day} · ${c.articles} 篇 articles · ${c.stages} 阶段 stages`])),
    section("历年罚款 Penalties per year", table(["年份 Year", "罚款（元）Penalties (yuan)"],
      p.penalties.map((y) => [y.year, y.total_yuan.toLocaleString("en")]))),
    section("文章 Articles", articleList(p.articles)));
  show("party-view");
  window.scrollTo(0, 0);
}

// Following: an alert rule named after what it follows; its feed is linked once made.
function followButton(kind, id, name) {
  const box = el("p", null, "follow");
  const b = button("关注 Follow", async () => {
    b.disabled = true;
    let reply, body;
    try {
      reply = await fetch("/api/follows", { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ name, kind, id }) });
      body = await reply.json();
    } catch (e) {
      body = { error: e.message };
    }
    if (reply && reply.ok) {
      box.replaceChildren(`已关注 Following (${body.name}) · `, link(body.feeds.atom, "Atom"), " ", link(body.feeds.json, "JSON"));
    } else {
      b.disabled = false;
      box.append(el("span", " 错误 Error: " + (body.error || reply.status), "error"));
    }
  });
  box.append(b);
  return box;
}

