/**
 * Handlebars templates under templates/, compiled once (strict: a missing view field
 * is an error, not an empty string; noEscape: output is not HTML). The only helpers
 * that print user-derived text are the quoting helpers from quote.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import Handlebars from 'handlebars';
import { iptablesComment, shellWord } from './quote.js';

const here = dirname(fileURLToPath(import.meta.url));
/** templates/ sits at the package root, two levels above src/render and dist/render alike. */
export const TEMPLATE_DIR = join(here, '..', '..', 'templates');

const hb = Handlebars.create();
hb.registerHelper('sh', (text: unknown) => shellWord(String(text)));
hb.registerHelper('comment', (text: unknown) => iptablesComment(String(text)));
hb.registerHelper('join', (items: unknown, sep: unknown) =>
  Array.isArray(items) ? items.join(typeof sep === 'string' ? sep : ' ') : '',
);

/** Parts of templates (templates/runner/*.sh.hbs), usable as `{{> runner/<name>}}`. */
const PARTIAL_DIRS = ['runner'];
let partialsRegistered = false;

/** Compiles every partial once, with the same strict options as the templates that use them. */
function registerPartials(): void {
  if (partialsRegistered) return;
  for (const dir of PARTIAL_DIRS) {
    for (const file of readdirSync(join(TEMPLATE_DIR, dir)).filter((f) => f.endsWith('.hbs')).sort()) {
      hb.registerPartial(`${dir}/${file.replace(/(\.sh)?\.hbs$/, '')}`, compile(join(dir, file)));
    }
  }
  partialsRegistered = true;
}

function compile(name: string): Handlebars.TemplateDelegate {
  return hb.compile(readFileSync(join(TEMPLATE_DIR, name), 'utf8'), { strict: true, noEscape: true });
}

// Module-level cache: immutable once compiled (the one kind of module state meshc allows).
const cache = new Map<string, Handlebars.TemplateDelegate>();

/** Renders templates/<name> with `view`. Throws (an internal bug, exit 3) when the view lacks a field. */
export function renderTemplate(name: string, view: object): string {
  let tpl = cache.get(name);
  if (!tpl) {
    registerPartials();
    tpl = compile(name);
    cache.set(name, tpl);
  }
  return tpl(view);
}
