// Behaviour the pages attach by data attributes; the pages work without it.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  // On a phone a table whose rows end in an action becomes cards (app.css, .cards), each cell
  // labelled with its column, so the action is in view instead of off the screen's edge.
  for (const table of document.querySelectorAll("table.list")) {
    if (!table.querySelector("tbody td:last-child :is(form, button, a)")) continue;
    const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
    table.classList.add("cards");
    for (const row of table.querySelectorAll("tbody tr")) {
      [...row.children].forEach((cell, i) => {
        if (heads[i] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", heads[i]);
      });
    }
  }
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
  // 返回 on an error page: back to the page the person came from, with what they typed.
  for (const link of document.querySelectorAll("a[data-back]")) {
    if (history.length > 1) {
      link.addEventListener("click", (event) => { event.preventDefault(); history.back(); });
    }
  }
  // A map opens full screen on a click, and closes on another (or Escape).
  for (const map of document.querySelectorAll("svg[data-enlarge]")) {
    map.setAttribute("tabindex", "0");
    const toggle = () => map.classList.toggle("enlarged");
    map.addEventListener("click", toggle);
    map.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || (event.key === "Escape" && map.classList.contains("enlarged"))) toggle();
    });
  }
  // School pickers next to a text box of schools: the list follows what is typed (names,
  // pinyin, initials, codes) through the schools API, and 加入 adds the chosen name to the box.
  for (const picker of document.querySelectorAll("[data-pick-into]")) {
    picker.hidden = false;
    const box = document.getElementById(picker.dataset.pickInto);
    const input = picker.querySelector("input");
    const list = document.getElementById(input.getAttribute("list"));
    let timer;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const q = input.value.trim();
      if (!q) return;
      timer = setTimeout(async () => {
        const answer = await fetch(`/api/v1/schools?q=${encodeURIComponent(q)}&per_page=20`);
        if (!answer.ok) return;
        const { items } = await answer.json();
        list.replaceChildren(...items.map((s) => Object.assign(document.createElement("option"), { value: s.name, label: s.code })));
      }, 200);
    });
    picker.querySelector("button").addEventListener("click", () => {
      const name = input.value.trim();
      if (!name) return;
      const lines = box.value.replace(/\s+$/, "").split("\n");
      const last = lines[lines.length - 1];
      if (picker.dataset.pickLine === "pair") {
        // A pair per line: complete a line holding one school, else start a new one.
        if (last.trim() && last.trim().split(/\s+/).length === 1) lines[lines.length - 1] = `${last.trim()} ${name}`;
        else lines.push(name);
        box.value = lines.filter((l) => l.trim()).join("\n");
      } else {
        box.value = `${box.value.trim()} ${name}`.trim();
      }
      input.value = "";
      input.focus();
    });
  }
  // A long list of schools (a select, or a block of checkboxes) gets a box above it that
  // narrows it to the entries containing what is typed; a chosen entry always stays.
  for (const list of document.querySelectorAll("[data-filter]")) {
    const box = Object.assign(document.createElement("input"), { type: "search", placeholder: list.dataset.filter, className: "narrow" });
    box.setAttribute("aria-label", list.dataset.filter);
    list.before(box);
    // Inside a label the box would become what the label names: point the label at its list.
    const label = list.closest("label");
    if (label && list.tagName === "SELECT") {
      if (!list.id) list.id = `narrowed-${list.name}`;
      label.htmlFor = list.id;
    }
    const entries = list.tagName === "SELECT" ? [...list.options] : [...list.querySelectorAll("label")];
    box.addEventListener("input", () => {
      const q = box.value.trim().toLowerCase();
      for (const e of entries) {
        const chosen = e.tagName === "OPTION" ? e.selected : e.querySelector("input").checked;
        e.hidden = q !== "" && !chosen && !e.textContent.toLowerCase().includes(q);
      }
      // One school left in a picker: it is the one meant.
      const left = entries.filter((e) => !e.hidden && e.value !== "");
      if (list.tagName === "SELECT" && q !== "" && left.length === 1) left[0].selected = true;
    });
    // Enter in the box narrows; it must not send the form.
    box.addEventListener("keydown", (event) => { if (event.key === "Enter") event.preventDefault(); });
  }
  // The rooms an activity may borrow say whether they are free at the time typed (the same
  // answer as 查空闲场地); a taken one stays choosable — the save names who holds it.
  for (const select of document.querySelectorAll("select[data-free-check]")) {
    const form = select.form;
    const field = (name) => form.querySelector(`[name=${name}]`);
    const plain = new Map([...select.options].map((o) => [o.value, o.textContent]));
    const reset = () => { for (const o of select.options) o.textContent = plain.get(o.value); };
    let asked = 0;
    const check = async () => {
      const mine = ++asked;
      const from = field("starts_at").value, to = field("ends_at").value, host = field("host_school_id").value;
      // No single-day time typed (or no answer): no labels rather than stale ones.
      if (!from || !to || from.slice(0, 10) !== to.slice(0, 10) || from >= to) return reset();
      const q = new URLSearchParams({ free_from: from, free_to: to, per_page: "200" });
      if (host) q.set("school_id", host);
      const answer = await fetch(`/api/v1/facilities/free?${q}`).catch(() => null);
      if (mine !== asked) return; // a newer time was typed meanwhile
      if (!answer || !answer.ok) return reset();
      const free = new Map((await answer.json()).items.map((f) => [String(f.facility_id), f.free]));
      if (mine !== asked) return;
      for (const o of select.options) {
        if (!o.value || !free.has(o.value)) { o.textContent = plain.get(o.value); continue; }
        o.textContent = `${plain.get(o.value)}（${free.get(o.value) ? select.dataset.free : select.dataset.busy}）`;
      }
    };
    for (const name of ["starts_at", "ends_at", "host_school_id"]) field(name)?.addEventListener("change", check);
    check();
  }
  // The menu button on a phone opens and closes the menu.
  const toggle = document.querySelector("#menu-toggle");
  if (toggle) {
    toggle.addEventListener("click", () => {
      const open = document.body.classList.toggle("menu-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
});
// Library uploads: the files go up with a progress bar; the answer (the new resource's page,
// or the form with the problems) replaces this page. Without script the form posts as usual.
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-upload]")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const bar = document.getElementById("upload-progress");
      const percent = document.getElementById("upload-percent");
      const button = form.querySelector("button[type=submit]");
      const request = new XMLHttpRequest();
      request.open("POST", form.action);
      bar.hidden = false;
      button.disabled = true;
      request.upload.addEventListener("progress", (e) => {
        if (e.lengthComputable) {
          bar.value = Math.round((e.loaded / e.total) * 100);
          percent.textContent = bar.value + "%";
        }
      });
      request.addEventListener("load", () => {
        if (request.responseURL && !request.responseURL.endsWith(form.getAttribute("action"))) {
          window.location.assign(request.responseURL);
        } else {
          document.open();
          document.write(request.responseText);
          document.close();
        }
      });
      request.addEventListener("error", () => { button.disabled = false; bar.hidden = true; percent.textContent = "✕"; });
      request.send(new FormData(form));
    });
  }
});
