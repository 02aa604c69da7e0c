import type { RunRow } from "./quick-look.js";
import type { Update } from "./session.js";

/** Show an update: the totals, the run table and the maps (SVG images with their descriptions). */
export function render(root: Document, update: Update): void {
  renderTotals(root.getElementById("totals") as HTMLElement, update);
  renderRuns(root.getElementById("runs") as HTMLTableSectionElement, [...update.runs, ...update.waiting]);
  renderFigures(root.getElementById("maps") as HTMLElement, update);
  const log = root.getElementById("log") as HTMLElement;
  log.hidden = !update.log?.length;
  log.textContent = update.log?.join("\n") ?? "";
}

function renderTotals(element: HTMLElement, { totals }: Update): void {
  if (!totals) {
    element.replaceChildren();
    return;
  }
  const [lon, lat] = totals.peakAt;
  const rows: Array<[string, string, string]> = [
    ["runs", "Runs stacked", String(totals.runs)],
    ["counts", "Counts", String(Math.round(totals.counts))],
    ["background", "Background", totals.background.toFixed(1)],
    ["excess", "Excess", totals.excess.toFixed(1)],
    [
      "peak",
      "Peak significance",
      `${totals.peakSignificance.toFixed(2)} σ at (${lon.toFixed(3)}°, ${lat.toFixed(3)}°)`,
    ],
  ];
  element.replaceChildren(
    ...rows.flatMap(([key, label, value]) => {
      const dt = element.ownerDocument.createElement("dt");
      dt.textContent = label;
      const dd = element.ownerDocument.createElement("dd");
      dd.textContent = value;
      dd.dataset.total = key;
      // the exact number, for scripts and tests: the text is rounded
      dd.dataset.value = String(key === "peak" ? totals.peakSignificance : totals[key as "runs"]);
      return [dt, dd];
    }),
  );
}

function renderRuns(body: HTMLTableSectionElement, runs: readonly RunRow[]): void {
  const doc = body.ownerDocument;
  body.replaceChildren(
    ...runs.map((run) => {
      const tr = doc.createElement("tr");
      tr.dataset.status = run.used ? "used" : run.cause?.includes("not dropped yet") ? "waiting" : "skipped";
      const cells = [
        Number.isNaN(run.obsId) ? "–" : String(run.obsId),
        run.object ?? "",
        run.pointing ? `${run.pointing[0].toFixed(2)}, ${run.pointing[1].toFixed(2)}` : "",
        run.livetime === undefined ? "" : (run.livetime / 60).toFixed(1),
        run.events === undefined ? "" : String(run.events),
        run.ms === undefined ? "" : String(Math.round(run.ms)),
        run.used ? "stacked" : `${tr.dataset.status}: ${run.cause ?? ""}`,
      ];
      for (const text of cells) {
        const td = doc.createElement("td");
        td.textContent = text;
        tr.append(td);
      }
      tr.title = run.file;
      return tr;
    }),
  );
}

/** Object URLs of the images shown, revoked when they are replaced. */
const shown: string[] = [];

function renderFigures(element: HTMLElement, update: Update): void {
  const doc = element.ownerDocument;
  for (const url of shown.splice(0)) URL.revokeObjectURL(url);
  element.replaceChildren(
    ...update.figures.map((figure) => {
      const box = doc.createElement("figure");
      box.dataset.map = figure.name;
      const img = doc.createElement("img");
      const url = URL.createObjectURL(new Blob([figure.svg], { type: "image/svg+xml" }));
      shown.push(url);
      img.src = url;
      img.alt = figure.alt;
      const caption = doc.createElement("figcaption");
      caption.textContent = figure.alt;
      box.append(img, caption);
      return box;
    }),
  );
}
