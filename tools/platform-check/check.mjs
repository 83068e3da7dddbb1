// Checks alsbot's platform artifacts with the platforms' own libraries:
//
//   - adapters/teams/testdata/*.json: parsed, validated and rendered by
//     Microsoft's `adaptivecards` (in a jsdom DOM);
//   - deployments/teams/manifest.json: placeholders filled as package.sh
//     does, then validated by `@microsoft/app-manifest` against the schema it
//     bundles for the manifest's manifestVersion; icon sizes checked;
//   - adapters/slack/testdata/*.json: pasted as typed literals into generated
//     TypeScript (KnownBlock[], ModalView, HomeView from `@slack/types`) and
//     compiled with `tsc --strict --noEmit`, so literal values and unknown
//     keys are checked too.
//
// Prints one line per file (ok / FAIL with the errors) and exits 1 on any
// failure. Usage: node check.mjs [--root <repo root>] [--captured <dir>]
// (root default: ../..). --captured also checks the payloads an end-to-end
// test run captured (ALSBOT_CAPTURE_DIR=<dir> go test ./adapters/...):
// <dir>/slack/*.json as Block Kit, <dir>/teams/*.json as Adaptive Cards.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const args = process.argv.slice(2);
const rootArg = args.indexOf("--root");
const root = path.resolve(rootArg >= 0 ? args[rootArg + 1] : path.join(here, "..", ".."));
const capturedArg = args.indexOf("--captured");
const captured = capturedArg >= 0 ? path.resolve(args[capturedArg + 1]) : undefined;

let failures = 0;
function report(file, errors) {
  const rel = path.relative(root, file) || file;
  if (errors.length === 0) {
    console.log(`ok    ${rel}`);
    return;
  }
  failures++;
  console.log(`FAIL  ${rel}`);
  for (const e of errors) console.log(`      ${e}`);
}

function jsonFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => path.join(dir, f));
}

function readJSON(file, errors) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    errors.push(`not JSON: ${e.message}`);
    return undefined;
  }
}

// ---------- Adaptive Cards (Teams) ----------

function loadAdaptiveCards() {
  // The package's lib/ build is extensionless ESM that Node cannot load; its
  // UMD bundle works once the DOM globals it touches exist.
  const { JSDOM } = require("jsdom");
  const dom = new JSDOM("<!doctype html><html><body></body></html>");
  globalThis.window = dom.window;
  for (const k of Object.getOwnPropertyNames(dom.window)) {
    if (!(k in globalThis)) {
      try {
        globalThis[k] = dom.window[k];
      } catch {
        // read-only globals stay as Node has them
      }
    }
  }
  const AC = require("adaptivecards/dist/adaptivecards.js");
  // Teams renders markdown; without a processor the library sets innerText,
  // which jsdom leaves empty. Escaped text is enough to see what rendered.
  AC.AdaptiveCard.onProcessMarkdown = (text, result) => {
    result.outputHtml = text
      .replaceAll("&", "&amp;")
      .replaceAll("<", "&lt;")
      .replaceAll(">", "&gt;");
    result.didProcess = true;
  };
  return { AC, document: dom.window.document };
}

function collectInputIds(card, ids) {
  if (Array.isArray(card)) {
    for (const c of card) collectInputIds(c, ids);
  } else if (card && typeof card === "object") {
    if (typeof card.type === "string" && card.type.startsWith("Input.")) ids.push(card.id);
    for (const v of Object.values(card)) collectInputIds(v, ids);
  }
}

function collectTexts(card, out) {
  if (Array.isArray(card)) {
    for (const c of card) collectTexts(c, out);
  } else if (card && typeof card === "object") {
    if (card.type === "TextBlock" && typeof card.text === "string") out.push(card.text);
    for (const v of Object.values(card)) collectTexts(v, out);
  }
}

function checkCards() {
  const files = jsonFiles(path.join(root, "adapters", "teams", "testdata"));
  if (files.length === 0) {
    report(path.join(root, "adapters/teams/testdata"), ["no golden Adaptive Card files found"]);
    return;
  }
  if (captured) {
    const more = jsonFiles(path.join(captured, "teams"));
    if (more.length === 0) report(path.join(captured, "teams"), ["no captured Adaptive Cards (was the end-to-end run given ALSBOT_CAPTURE_DIR?)"]);
    files.push(...more);
  }
  const { AC, document } = loadAdaptiveCards();
  const eventName = (n) => AC.ValidationEvent[n] ?? n;
  for (const file of files) {
    const errors = [];
    const json = readJSON(file, errors);
    if (json !== undefined) {
      if (json.type !== "AdaptiveCard") errors.push(`type is ${JSON.stringify(json.type)}, want "AdaptiveCard"`);
      const card = new AC.AdaptiveCard();
      const ctx = new AC.SerializationContext();
      try {
        card.parse(json, ctx);
      } catch (e) {
        errors.push(`parse threw: ${e.message}`);
      }
      for (let i = 0; i < ctx.eventCount; i++) {
        const ev = ctx.getEventAt(i);
        errors.push(`parse: ${eventName(ev.event)}: ${ev.message}`);
      }
      const results = card.validateProperties();
      for (const ev of results.validationEvents) {
        errors.push(`validate: ${eventName(ev.event)}: ${ev.message}`);
      }
      // Input ids inside Action.ShowCard cards share the submit payload with
      // the outer card, so they must be unique across the whole file.
      const ids = [];
      collectInputIds(json, ids);
      const seen = new Set();
      for (const id of ids) {
        if (!id) errors.push("an Input.* element has no id");
        else if (seen.has(id)) errors.push(`Input id ${JSON.stringify(id)} is used more than once`);
        seen.add(id);
      }
      try {
        const el = card.render();
        if (!el) errors.push("render returned no element");
        else {
          document.body.replaceChildren(el);
          const texts = [];
          collectTexts(json, texts);
          if (texts.some((t) => t.trim() !== "") && el.textContent.trim() === "") errors.push("rendered card shows none of its text");
        }
      } catch (e) {
        errors.push(`render threw: ${e.message}`);
      }
    }
    report(file, errors);
  }
}

// ---------- Teams app manifest ----------

// The same sample values package.sh's checks accept.
const samples = {
  MICROSOFT_APP_ID: "00000000-0000-0000-0000-000000000000",
  ALSBOT_HOST: "bot.example.org",
  ALSBOT_APP_VERSION: "1.0.0",
};

function pngSize(file) {
  const b = fs.readFileSync(file);
  const sig = "89504e470d0a1a0a";
  if (b.length < 24 || b.subarray(0, 8).toString("hex") !== sig || b.subarray(12, 16).toString() !== "IHDR") {
    return undefined;
  }
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

async function checkManifest() {
  const file = path.join(root, "deployments", "teams", "manifest.json");
  const errors = [];
  if (!fs.existsSync(file)) {
    report(file, ["file not found"]);
    return;
  }
  let text = fs.readFileSync(file, "utf8");
  for (const [k, v] of Object.entries(samples)) text = text.replaceAll(`{{${k}}}`, v);
  const left = text.match(/\{\{[A-Z_]*\}\}/g);
  if (left) errors.push(`placeholders package.sh does not fill: ${[...new Set(left)].join(" ")}`);
  let manifest;
  try {
    manifest = JSON.parse(text);
  } catch (e) {
    report(file, [`not JSON after filling placeholders: ${e.message}`]);
    return;
  }
  const mv = manifest.manifestVersion;
  const schemaFile = path.join(
    path.dirname(require.resolve("@microsoft/app-manifest/package.json")),
    "build", "json-schemas", "teams", `v${mv}`, "MicrosoftTeams.schema.json",
  );
  if (!fs.existsSync(schemaFile)) {
    errors.push(`@microsoft/app-manifest bundles no schema for manifestVersion ${JSON.stringify(mv)}`);
  } else {
    if (typeof manifest.$schema !== "string" || !manifest.$schema.includes(`/teams/v${mv}/`)) {
      errors.push(`$schema ${JSON.stringify(manifest.$schema)} does not match manifestVersion ${mv}`);
    }
    const { AppManifestUtils } = require("@microsoft/app-manifest");
    const raw = fs.readFileSync(schemaFile, "utf8").replace(/\\a/g, "\\u0007").replace(/\\v/g, "\\u000b");
    const schema = JSON.parse(raw);
    for (const e of await AppManifestUtils.validateAgainstSchema(manifest, schema)) errors.push(`schema: ${e}`);
  }
  // Teams rejects packages whose icons are not these sizes.
  const want = { color: [192, 192], outline: [32, 32] };
  for (const [k, [w, h]] of Object.entries(want)) {
    const name = manifest.icons?.[k];
    if (!name) continue; // the schema reports a missing icon
    const icon = path.join(path.dirname(file), name);
    if (!fs.existsSync(icon)) {
      errors.push(`icons.${k}: ${name} not found next to manifest.json`);
      continue;
    }
    const size = pngSize(icon);
    if (!size) errors.push(`icons.${k}: ${name} is not a PNG`);
    else if (size[0] !== w || size[1] !== h) errors.push(`icons.${k}: ${name} is ${size[0]}x${size[1]}, Teams wants ${w}x${h}`);
  }
  report(file, errors);
}

// ---------- Block Kit (Slack) ----------

function slackKind(json) {
  if (json?.type === "modal") return "ModalView";
  if (json?.type === "home") return "HomeView";
  if (json && typeof json === "object" && ("text" in json || "blocks" in json)) return "Message";
  return undefined;
}

// Documented Block Kit limits that types cannot express; Slack rejects a
// payload over them with invalid_blocks / invalid_arguments.
function slackLimits(json, kind) {
  const errs = [];
  const max = (what, s, n) => {
    if (typeof s === "string" && [...s].length > n) errs.push(`limit: ${what} is ${[...s].length} characters, Slack allows ${n}`);
  };
  // A text object of 0 characters is refused too (e.g. an empty section
  // text beside fields).
  const text = (what, t, n) => {
    if (t === undefined) return;
    if (typeof t?.text !== "string" || [...t.text].length === 0) errs.push(`limit: ${what} is empty, Slack wants 1 to ${n} characters`);
    max(what, t?.text, n);
  };
  const isView = kind !== "Message";
  if (!Array.isArray(json.blocks)) return errs; // tsc reports it
  if (json.blocks.length > (isView ? 100 : 50)) errs.push(`limit: ${json.blocks.length} blocks, Slack allows ${isView ? 100 : 50}`);
  if (json.type === "modal") {
    max("modal title", json.title?.text, 24);
    max("modal submit", json.submit?.text, 24);
    max("modal close", json.close?.text, 24);
  }
  max("private_metadata", json.private_metadata, 3000);
  max("callback_id", json.callback_id, 255);
  const blockIds = new Set();
  json.blocks.forEach((b, i) => {
    const at = `blocks[${i}]`;
    if (b.block_id !== undefined) {
      max(`${at}.block_id`, b.block_id, 255);
      if (blockIds.has(b.block_id)) errs.push(`${at}: block_id ${JSON.stringify(b.block_id)} is used twice`);
      blockIds.add(b.block_id);
    }
    if (b.type === "header") text(`${at} header text`, b.text, 150);
    if (b.type === "section") {
      text(`${at} section text`, b.text, 3000);
      (b.fields ?? []).forEach((f, j) => text(`${at}.fields[${j}]`, f, 2000));
      if ((b.fields ?? []).length > 10) errs.push(`limit: ${at} has ${b.fields.length} fields, Slack allows 10`);
    }
    if (b.type === "context" && (b.elements ?? []).length > 10) errs.push(`limit: ${at} has ${b.elements.length} elements, Slack allows 10`);
    if (b.type === "actions" && (b.elements ?? []).length > 25) errs.push(`limit: ${at} has ${b.elements.length} elements, Slack allows 25`);
    const actionIds = new Set();
    for (const el of [...(b.elements ?? []), ...(b.element ? [b.element] : []), ...(b.accessory ? [b.accessory] : [])]) {
      if (el.action_id !== undefined) {
        max(`${at} action_id`, el.action_id, 255);
        if (actionIds.has(el.action_id)) errs.push(`${at}: action_id ${JSON.stringify(el.action_id)} is used twice in one block`);
        actionIds.add(el.action_id);
      }
      if (el.type === "button") {
        text(`${at} button text`, el.text, 75);
        max(`${at} button value`, el.value, 2000);
      }
    }
  });
  return errs;
}

function checkBlockKit() {
  const files = jsonFiles(path.join(root, "adapters", "slack", "testdata"));
  if (files.length === 0) {
    report(path.join(root, "adapters/slack/testdata"), ["no golden Block Kit files found"]);
    return;
  }
  if (captured) {
    const more = jsonFiles(path.join(captured, "slack"));
    if (more.length === 0) report(path.join(captured, "slack"), ["no captured Block Kit payloads (was the end-to-end run given ALSBOT_CAPTURE_DIR?)"]);
    files.push(...more);
  }
  // Generated inside this package so tsc resolves @slack/types from node_modules.
  const gen = path.join(here, ".gen");
  fs.rmSync(gen, { recursive: true, force: true });
  fs.mkdirSync(gen);
  const errorsByFile = new Map();
  const tsToGolden = new Map();
  for (const [i, file] of files.entries()) {
    const errors = [];
    errorsByFile.set(file, errors);
    const json = readJSON(file, errors);
    if (json === undefined) continue;
    const kind = slackKind(json);
    if (!kind) {
      errors.push('not a message ({"text","blocks"}), modal or home view');
      continue;
    }
    errors.push(...slackLimits(json, kind));
    const ts = `g${i}.ts`;
    tsToGolden.set(ts, file);
    // Pasted as a literal (not imported) so string literal types and unknown
    // keys are checked; a message is what chat.postMessage gets: text + blocks.
    const src = [
      `// generated from ${path.relative(root, file)}`,
      `import type { HomeView, KnownBlock, ModalView } from "@slack/types";`,
      `type Message = { text: string; blocks: KnownBlock[] };`,
      `export const payload: ${kind} = ${JSON.stringify(json, null, 2)};`,
      // Views accept AnyBlock, which includes the catch-all {type: string}, so
      // their blocks are held to KnownBlock as well to catch a misspelt type.
      ...(kind === "Message" ? [] : [`export const blocks: KnownBlock[] = ${JSON.stringify(json.blocks, null, 2)};`]),
      "",
    ].join("\n");
    fs.writeFileSync(path.join(gen, ts), src);
  }
  if (tsToGolden.size > 0) {
    fs.writeFileSync(
      path.join(gen, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: "es2022",
          module: "nodenext",
          moduleResolution: "nodenext",
          types: [],
          skipLibCheck: true,
        },
        include: ["*.ts"],
      }),
    );
    const tsc = path.join(path.dirname(require.resolve("typescript/package.json")), "bin", "tsc");
    const res = spawnSync(process.execPath, [tsc, "-p", path.join(gen, "tsconfig.json"), "--pretty", "false"], {
      cwd: here,
      encoding: "utf8",
    });
    const out = `${res.stdout ?? ""}${res.stderr ?? ""}`;
    let attributed = 0;
    // tsc prints "path(line,col): error TSxxxx: message" plus indented detail lines.
    let current;
    for (const line of out.split("\n")) {
      const m = line.match(/(?:^|[\\/])(g\d+\.ts)\((\d+),(\d+)\): (error .*)$/);
      if (m && tsToGolden.has(m[1])) {
        current = errorsByFile.get(tsToGolden.get(m[1]));
        current.push(`tsc: generated line ${m[2]}: ${m[4]}`);
        attributed++;
      } else if (current && /^\s+\S/.test(line)) {
        current.push(`tsc:   ${line.trim()}`);
      } else if (line.trim() !== "") {
        current = undefined;
      }
    }
    if (res.status !== 0 && attributed === 0) {
      report(path.join(here, ".gen"), [`tsc failed (exit ${res.status}): ${out.trim() || res.error?.message}`]);
    }
  }
  for (const [file, errors] of errorsByFile) report(file, errors);
}

await checkManifest();
checkCards();
checkBlockKit();
if (failures > 0) {
  console.log(`${failures} file(s) failed the platform checks`);
  process.exit(1);
}
console.log("platform checks passed");
