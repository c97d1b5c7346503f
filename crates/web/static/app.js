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
