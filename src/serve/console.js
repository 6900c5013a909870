// cydex drill console: one script for every seat (team, EXCON, evaluator). Everything it shows
// from the scenario or the players is written as text nodes, never as HTML.
"use strict";
(function () {
  const meta = (n) => document.querySelector(`meta[name="${n}"]`).content;
  const TOKEN = meta("cydex-token"), SEAT = meta("cydex-seat"), KIND = meta("cydex-kind");
  const app = document.getElementById("app"), bar = document.getElementById("bar");
  let state = null, lastResult = "", forms = {};

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "on") for (const [ev, f] of Object.entries(v)) e.addEventListener(ev, f);
      else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v === true ? "" : v);
    }
    for (const k of kids.flat()) if (k !== null && k !== undefined) e.append(k instanceof Node ? k : String(k));
    return e;
  }
  const tplus = (tick) => {
    const s = tick * (state ? state.tick_secs : 0), d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    return `T+${d > 0 ? d + "d" : ""}${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
  };
  function table(head, rows, id) {
    return el("table", { id }, el("thead", {}, el("tr", {}, head.map((h) => el("th", {}, h)))),
      el("tbody", {}, rows.length ? rows.map((r) => el("tr", {}, r.map((c) => el("td", {}, c)))) : [el("tr", {}, el("td", { colspan: head.length, class: "none" }, "none"))]));
  }
  const section = (title, ...kids) => el("section", {}, el("h2", {}, title), ...kids);

  async function call(method, path, body) {
    const r = await fetch(path, { method, headers: { "X-Cydex-Token": TOKEN, "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    let data = null;
    try { data = await r.json(); } catch (_) { data = { ok: false, error: `HTTP ${r.status}` }; }
    return { status: r.status, data };
  }
  async function act(action) {
    const { data } = await call("POST", `/api/act/${encodeURIComponent(SEAT)}`, action);
    if (data.ok) lastResult = data.outcome.applied ? `${action.type}: applied${data.outcome.note ? " — " + data.outcome.note : ""}` : `${action.type}: refused — ${data.outcome.note}`;
    else lastResult = `${action.type}: ${data.error}`;
    await refresh();
  }
  async function clock(op, speed) {
    const { data } = await call("POST", "/api/clock", speed === undefined ? { op } : { op, speed });
    lastResult = data.ok ? `clock: ${op}` : `clock: ${data.error}`;
    await refresh();
  }
  async function note(body) {
    const { data } = await call("POST", "/api/note", body);
    lastResult = data.ok ? `${body.kind} recorded` : `${body.kind}: ${data.error}`;
    await refresh();
  }
  const button = (label, id, f) => el("button", { id, type: "button", on: { click: f } }, label);
  // A small form: fields [name, element]; submit builds the request from the values.
  function form(id, title, fields, submit) {
    const inputs = {};
    const f = el("form", { id, class: "action" }, el("strong", {}, title),
      fields.map(([name, input]) => { inputs[name] = input; input.id = `${id}-${name}`; return el("label", {}, name, input); }),
      el("button", { type: "submit", id: `${id}-submit` }, title));
    f.addEventListener("submit", (e) => { e.preventDefault(); submit(Object.fromEntries(Object.entries(inputs).map(([k, i]) => [k, i.value.trim()]))); });
    forms[id] = inputs;
    return f;
  }
  const text = (ph) => el("input", { type: "text", placeholder: ph || "" });
  const select = (options) => el("select", {}, options.map((o) => Array.isArray(o) ? el("option", { value: o[0] }, o[1]) : el("option", { value: o }, o)));
  const optional = (v) => (v === "" ? undefined : v);

  function header() {
    const ended = state.ended;
    bar.replaceChildren(el("span", { class: "seat" }, SEAT), el("span", { id: "clock" }, tplus(state.tick)),
      el("span", { id: "status" }, ended ? "ENDEX" : state.paused ? "paused" : `running ×${state.speed}`),
      el("span", { id: "result", role: "status" }, lastResult));
  }
  function endedBlock() {
    if (!state.ended) return null;
    const link = KIND === "team" ? null : el("a", { id: "aar-link", href: `/s/${TOKEN}/aar` }, "After-action report");
    const h = state.headline;
    const figures = h ? [
      el("p", { id: "headline" }, `Alliance score ${h.alliance_score.toFixed(1)} · ${h.decisions} decision(s) · ` + h.nations.map((n) => `${n.nation} ${n.score.toFixed(1)}`).join(", ")),
      table(["Objective", "Engine's rating", "Evaluator's rating"], h.ratings.map((x) => [`${x.objective} — ${x.text}`, x.engine, x.evaluator || "—"]), "ratings"),
    ] : [];
    return section("ENDEX", el("p", {}, state.ended.error ? `The outputs could not be written: ${state.ended.error}` : "The drill has ended. The after-action report has been written."), ...figures, link);
  }
  // An action as `type key=value …` (nested values as compact JSON).
  const describe = (a) => [a.type, ...Object.entries(a).filter(([k]) => k !== "type").map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : v}`)].join(" ");
  function decisionsTable(ds, id) {
    return table(["Time", "Seat", "Action", "Outcome"], ds.slice().reverse().map((d) =>
      [tplus(d.tick), d.seat, describe(d.action), d.outcome.applied ? (d.outcome.note || "applied") : `refused: ${d.outcome.note}`]), id);
  }

  function teamPage(t) {
    const incidents = table(["#", "Host", "Group", "Campaign", "Phase", ""], t.incidents.map((i) =>
      [i.id, i.host, i.group, i.campaign, i.phase, el("span", {}, button("Isolate", `isolate-${i.host}`, () => act({ type: "isolate_host", host: i.host })),
        button("Hunt group", null, () => act({ type: "hunt", scope: { group: i.group } })))]), "incidents");
    const hosts = table(["Host", "State", ""], t.hosts.map((h) =>
      [h.host, [h.isolated && "isolated", h.down && "down", h.restoring && "restoring"].filter(Boolean).join(", "),
        h.restoring ? "" : button("Restore", null, () => act({ type: "restore_host", host: h.host }))]), "hosts");
    const links = table(["Segment", "Link to", "State", ""], t.segments.flatMap((s) => s.links.map((l) =>
      [s.id, l.to, l.cut ? "cut" : "connected", button(l.cut ? "Reconnect" : "Cut", null, () => act({ type: l.cut ? "reconnect_link" : "block_link", from: s.id, to: l.to }))])), "links");
    const services = table(["Service", "Status", ""], t.services.map((s) =>
      [s.id, `${s.up ? "up" : "down"}${s.offline ? " (taken offline)" : ""}${s.severed ? " (dependency cut off)" : ""}`,
        button(s.offline ? "Bring online" : "Take offline", null, () => act({ type: s.offline ? "bring_service_online" : "take_service_offline", service: s.id }))]), "services");
    const injects = Object.fromEntries((state.injects || []).map((i) => [i.id, i]));
    const inbox = table(["Time", "Inject", "Text", ""], t.inbox.map((m) =>
      [tplus(m.tick), injects[m.inject] ? injects[m.inject].title : m.inject,
        injects[m.inject] ? el("div", {}, injects[m.inject].text, (injects[m.inject].expects || []).map((x) => el("div", { class: "expects" }, `Expected: ${x}`))) : "",
        m.answered ? "answered" : button("Acknowledge", null, () => act({ type: "answer_inject", inject: m.inject, answer: "acknowledged" }))]), "inbox");
    const segs = t.segments.map((s) => s.id);
    return [
      section("Situation", el("p", {}, `Analysts: ${t.analysts.busy} busy of ${t.analysts.capacity} on shift. Indicators held: ${t.indicators.join(", ") || "none"}.`)),
      section("Incidents", incidents), section("Hosts", hosts), section("Inbox", inbox,
        table(["Time", "Message from EXCON"], t.messages.map((m) => [tplus(m.tick), m.text]), "messages")),
      section("Network", links, el("div", { class: "forms" },
        form("isolate-segment", "Isolate segment", [["segment", select(segs)]], (v) => act({ type: "isolate_segment", segment: v.segment })),
        form("reconnect-segment", "Reconnect segment", [["segment", select(segs)]], (v) => act({ type: "reconnect_segment", segment: v.segment })))),
      section("Services", services),
      section("Assistance", table(["Provider", "Step", "Requested"], t.assistance.map((a) => [a.provider, a.step, tplus(a.requested)]), "assistance"),
        table(["Work", "Analysts", "Ends"], t.work.map((w) => [w.kind, w.analysts, tplus(w.ends)]), "work")),
      section("Actions", el("div", { class: "forms" },
        form("isolate-host", "Isolate host", [["host", text("e.g. EST-GOV-WS-0001")]], (v) => act({ type: "isolate_host", host: v.host })),
        form("restore-host", "Restore host", [["host", text()], ["mode", select(["backup", "rebuild"])]], (v) => act({ type: "restore_host", host: v.host, mode: v.mode })),
        form("hunt", "Hunt", [["scope", select(["group", "segment"])], ["id", text("group or segment id")], ["campaign", text("optional")], ["analysts", el("input", { type: "number", min: 1, value: 1 })]],
          (v) => act({ type: "hunt", scope: { [v.scope]: v.id }, campaign: optional(v.campaign), analysts: Number(v.analysts) || 1 })),
        form("share", "Share indicators", [["campaign", select(t.indicators)], ["to", text("nation ids, comma-separated")], ["tlp", select(["", "TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"])]],
          (v) => act({ type: "share_indicators", campaign: v.campaign, to: v.to.split(",").map((s) => s.trim()).filter(Boolean), tlp: optional(v.tlp) })),
        form("request", "Request assistance", [["provider", select(state.providers || [])]], (v) => act({ type: "request_assistance", provider: v.provider })),
        form("release", "Release assistance", [["provider", select(state.providers || [])]], (v) => act({ type: "release_assistance", provider: v.provider })),
        form("prioritise", "Prioritise queue", [["rule", select(["fifo", "criticality", "campaign"])]], (v) => act({ type: "prioritise", rule: v.rule })),
        form("sitrep", "Situation report", [["compromised", el("input", { type: "number", min: 0, value: 0 })], ["campaigns", text("campaign ids, comma-separated")],
          ["actor", text("suspected actor (optional)")], ["kind", select(["", "state", "state_sponsored", "proxy", "criminal", "hacktivist", "terrorist"])], ["confidence", el("input", { type: "number", min: 0, max: 1, step: 0.1, value: 0.5 })]],
          (v) => act({ type: "situation_report", compromised: Number(v.compromised) || 0, campaigns: v.campaigns.split(",").map((s) => s.trim()).filter(Boolean),
            attribution: v.actor && v.kind ? { actor: v.actor, kind: v.kind, confidence: Number(v.confidence) } : undefined })),
        form("reply", "Reply to inject", [["inject", select(t.inbox.map((m) => m.inject))], ["text", text()]], (v) => act({ type: "answer_inject", inject: v.inject, answer: { text: v.text } })))),
      section("Decision log", decisionsTable(state.decisions || [], "decisions")),
    ];
  }

  function overview() {
    const teams = state.view.teams;
    const status = table(["Nation", "Analysts busy/on shift", "Open incidents", "Hosts isolated", "Services down"], teams.map((t) =>
      [t.nation, `${t.analysts.busy}/${t.analysts.capacity}`, t.incidents.length, t.hosts.filter((h) => h.isolated).length, t.services.filter((s) => !s.up).length]), "teams");
    const truth = state.view.truth;
    const camps = table(["Campaign", "Started", "Compromised now", "Detected"], truth.campaigns.map((c) => [c.id, c.started === null ? "—" : tplus(c.started), c.compromised, c.detected]), "truth");
    const notes = table(["Time", "Evaluator", "Kind", "Objective", "Text"], (state.notes || []).map((n) =>
      [tplus(n.tick), n.evaluator, n.note.kind === "override" ? `override → ${n.note.rating}` : n.note.kind === "validation" ? `validation: ${n.note.points} pt` : n.note.finding,
        n.note.objective || n.note.expectation, n.note.text || n.note.justification]), "notes");
    return [section("Teams", status), section("Ground truth", camps), section("Timeline", decisionsTable(state.decisions || [], "timeline")), section("Evaluator notes", notes)];
  }

  // Manual inject expectations, scored by hand (EXCON and evaluators).
  function validation() {
    const exps = state.manual_expectations || [];
    if (!exps.length) return null;
    const list = table(["Expectation", "Inject", "By", "What is expected", "Points"], exps.map((e) => [e.id, e.inject, e.by, e.description, e.points]), "expectations");
    return section("Manual expectations", list, el("div", { class: "forms" },
      form("validate", "Validate expectation", [["expectation", select(exps.map((e) => e.id))], ["points", el("input", { type: "number", min: 0, step: 0.5, value: 0 })], ["text", el("textarea", {})]],
        (v) => note({ kind: "validation", expectation: v.expectation, points: Number(v.points), text: v.text }))));
  }

  function exconPage() {
    const truth = state.view.truth, injects = Object.fromEntries((state.injects || []).map((i) => [i.id, i]));
    const msel = table(["Inject", "Title", "Planned", "Delivered", ""], truth.msel.map((m) =>
      [m.id, injects[m.id] ? injects[m.id].title : "", m.planned === null ? "triggered" : tplus(m.planned), m.delivered === null ? (m.disabled ? "disabled" : "—") : tplus(m.delivered),
        m.delivered === null && !m.disabled ? el("span", {}, button("Fire now", `fire-${m.id}`, () => act({ type: "fire_inject", inject: m.id })), button("Disable", null, () => act({ type: "disable_inject", inject: m.id }))) : ""]), "msel");
    const nations = state.nations || [];
    return [
      section("Clock", el("div", { class: "clock" }, button("Pause", "clock-pause", () => clock("pause")), button("Resume", "clock-resume", () => clock("resume")),
        button("Step one tick", "clock-step", () => clock("step")),
        el("label", {}, "Speed ", (() => { const s = select([1, 10, 60, 300, 600, 3600].map((x) => [x, `×${x}`])); s.id = "clock-speed"; s.value = state.speed; s.addEventListener("change", () => clock("speed", Number(s.value))); return s; })()),
        button("End the drill (ENDEX now)", "end-drill", () => { if (confirm("End the drill now?")) act({ type: "end_exercise" }); }))),
      ...overview(), validation(),
      section("MSEL: planned against delivered", msel, el("div", { class: "forms" },
        form("adhoc", "Ad-hoc inject", [["to", select([["", "every team"], ...nations.map((n) => [n, n])])], ["text", text()]], (v) => act({ type: "add_inject", to: optional(v.to), text: v.text })),
        form("capacity", "Team capacity", [["nation", select(nations)], ["analysts", el("input", { type: "number", min: 0, value: 3 })]], (v) => act({ type: "set_capacity", nation: v.nation, analysts: Number(v.analysts) }))))];
  }

  function evaluatorPage() {
    const objectives = (state.objectives || []).map((o) => [o.id, `${o.id} — ${o.text}`]);
    return [...overview(), validation(), section("Observation notebook", el("div", { class: "forms" },
      form("observation", "Record observation", [["objective", select(objectives)], ["finding", select([["strength", "Strength"], ["improvement", "Area for improvement"]])], ["text", el("textarea", {})]],
        (v) => note({ kind: "observation", objective: v.objective, finding: v.finding, text: v.text })),
      form("override", "Override rating", [["objective", select(objectives)], ["rating", select(["P", "S", "M", "U"])], ["justification", el("textarea", {})]],
        (v) => note({ kind: "override", objective: v.objective, rating: v.rating, justification: v.justification }))))];
  }

  function render() {
    header();
    const kids = [endedBlock()];
    if (state.view) {
      if (KIND === "team") kids.push(...teamPage(state.view.teams[0]));
      else if (KIND === "excon") kids.push(...exconPage());
      else kids.push(...evaluatorPage());
    }
    // Keep what the user is typing: re-rendering replaces the forms, so carry their values over.
    const saved = {};
    for (const [id, inputs] of Object.entries(forms)) for (const [k, i] of Object.entries(inputs)) saved[`${id}-${k}`] = i.value;
    const focused = document.activeElement && document.activeElement.id;
    forms = {};
    app.replaceChildren(...kids.filter(Boolean));
    for (const [id, inputs] of Object.entries(forms)) for (const [k, i] of Object.entries(inputs)) if (saved[`${id}-${k}`] !== undefined && i.tagName !== "SELECT") i.value = saved[`${id}-${k}`];
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
  }
  async function refresh() {
    const view = KIND === "team" ? SEAT : "EXCON";
    const { status, data } = await call("GET", `/api/view/${encodeURIComponent(view)}`);
    if (status !== 200) { app.replaceChildren(el("p", {}, `Cannot read the view: ${data.error || status}`)); return; }
    state = data;
    render();
  }
  refresh();
  const stream = new EventSource(`/api/stream/${encodeURIComponent(KIND === "team" ? SEAT : "EXCON")}?token=${encodeURIComponent(TOKEN)}`);
  stream.addEventListener("tick", () => refresh());
})();
