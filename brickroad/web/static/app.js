// A few progressive enhancements; every page works without them.
"use strict";

// Copy buttons: <button data-copy="#selector">.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.querySelector(button.dataset.copy);
  if (!field) return;
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
  } catch (_) {
    document.execCommand("copy");
  }
  const label = button.textContent;
  button.textContent = "Copied";
  setTimeout(() => { button.textContent = label; }, 1500);
});

// Forms that need a second thought: <form data-confirm="Are you sure?">.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

// Graphs not drawn yet: hide the broken image, show the note instead.
document.addEventListener("error", (event) => {
  const img = event.target;
  if (img.tagName === "IMG" && img.hasAttribute("data-graph")) img.closest(".thumb, .graph-card")?.classList.add("no-graph");
}, true);

// Sign-up: preselect the browser's timezone.
const zoneSelect = document.querySelector("[data-detect-timezone]");
if (zoneSelect && !zoneSelect.dataset.touched) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone) {
    if (![...zoneSelect.options].some((o) => o.value === zone)) zoneSelect.add(new Option(zone, zone));
    zoneSelect.value = zone;
  }
}

// Two of goal date / goal value / rate: once two are filled, the third is computed, so it is disabled.
for (const form of document.querySelectorAll("[data-two-of-three]")) {
  const fields = ["goaldate", "goalval", "rate"].map((n) => form.elements.namedItem(n)).filter(Boolean);
  const update = () => {
    const filled = fields.filter((f) => f.value.trim() !== "");
    for (const f of fields) {
      const computed = filled.length >= 2 && !filled.includes(f);
      f.disabled = computed;
      f.closest("label")?.classList.toggle("computed", computed);
    }
  };
  form.addEventListener("input", update);
  update();
}
