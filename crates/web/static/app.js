// Behaviour the pages attach by data attributes; the pages work without it.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
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
  // The menu button on a phone opens and closes the menu.
  const toggle = document.querySelector("#menu-toggle");
  if (toggle) {
    toggle.addEventListener("click", () => {
      const open = document.body.classList.toggle("menu-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
});
