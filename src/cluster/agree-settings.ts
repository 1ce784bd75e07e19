/**
 * The stacks' `x-meshc` network settings, agreed. One ingress network serves the whole
 * cluster, so a setting two stacks give must be the same value; otherwise meshc cannot
 * know which the operator meant, and says so naming both stacks. The cluster file's
 * `network:` and the inventory sit above these (settings.ts applies the precedence).
 */
import { diagWithNotes } from '../diagnostics/catalog.js';
import type { DiagnosticSink, SourceLoc } from '../diagnostics/types.js';
import type { NormalizedStack, StackSettings } from '../model/stack.js';
import { settingName } from '../plan/settings.js';
import type { NetworkSettings } from '../model/plan.js';

type SettingKey = Exclude<keyof StackSettings, 'loc'>;

/** The agreed settings (stacks in name order; the first stack that sets a value locates it), or undefined after a conflict. */
export function agreeStackSettings(stacks: readonly NormalizedStack[], sink: DiagnosticSink): StackSettings | undefined {
  const agreed: Record<string, unknown> = {};
  const from = new Map<string, NormalizedStack>();
  let loc: SourceLoc | undefined;
  let ok = true;
  for (const stack of stacks) {
    const { loc: stackLoc, ...values } = stack.settings;
    for (const [key, value] of Object.entries(values) as [SettingKey, unknown][]) {
      if (value === undefined) continue;
      const first = from.get(key);
      if (!first) {
        agreed[key] = value;
        from.set(key, stack);
        loc ??= stackLoc;
        continue;
      }
      if (JSON.stringify(agreed[key]) === JSON.stringify(value)) continue;
      ok = false;
      const notes = [{ message: `stack '${first.name}' sets it here`, loc: first.settings.loc as SourceLoc }];
      sink.report(
        diagWithNotes('CLUSTER_SETTING_CONFLICT', stackLoc, notes, settingName(key as keyof NetworkSettings), stack.name, show(value), first.name, show(agreed[key])),
      );
    }
  }
  return ok ? { ...(agreed as StackSettings), ...(loc ? { loc } : {}) } : undefined;
}

function show(value: unknown): string {
  return Array.isArray(value) ? value.join('-') : String(value);
}
