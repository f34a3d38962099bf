// qfusion dashboard: live job states without reloading (the pages work without this script).
"use strict";

function liveIds() {
  const rows = document.querySelectorAll("[data-job]");
  const ids = Array.from(rows, (row) => row.getAttribute("data-job"));
  const single = document.querySelector("[data-live-job]");
  if (single) ids.push(single.getAttribute("data-live-job"));
  return ids;
}

const FINAL = new Set(["DONE", "FAILED", "CANCELLED"]);

async function refreshMain() {
  try {
    const response = await fetch(window.location.href, {credentials: "same-origin"});
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html").querySelector("main");
    if (fresh) document.querySelector("main").replaceWith(fresh);
  } catch (error) {
    // the page stays as it is; a manual reload shows the result
  }
}

async function poll() {
  const ids = liveIds();
  if (!ids.length) return;
  let answer;
  try {
    const response = await fetch("/ui/jobs/status?ids=" + encodeURIComponent(ids.join(",")),
                                 {credentials: "same-origin", headers: {"Accept": "application/json"}});
    if (!response.ok) return;
    answer = await response.json();
  } catch (error) {
    return;
  }
  let pending = false;
  for (const [id, job] of Object.entries(answer.jobs || {})) {
    const holders = document.querySelectorAll(`[data-job="${CSS.escape(id)}"], [data-live-job="${CSS.escape(id)}"]`);
    for (const holder of holders) {
      const badge = holder.querySelector("[data-state]");
      if (badge && badge.textContent !== job.state) {
        badge.textContent = job.state;
        badge.className = "state state-" + job.state.toLowerCase();
        if (FINAL.has(job.state)) {
          for (const form of holder.querySelectorAll("[data-cancel]")) form.remove();
          // a job page shows its result once the job has ended: fetch the page and swap it in, no reload
          if (holder.hasAttribute("data-live-job") && document.querySelector("[data-pending]")) {
            refreshMain();
          }
        }
      }
    }
    if (!FINAL.has(job.state)) pending = true;
  }
  if (pending) window.setTimeout(poll, 1000);
}

document.addEventListener("DOMContentLoaded", () => window.setTimeout(poll, 500));
