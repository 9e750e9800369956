import { computed, type ComputedRef, type ObjectDirective } from 'vue';
import type { ReadOnlyInfo } from '../../../electron/shared/auditor.ts';
import { useAppStore } from '../stores/app.ts';

/**
 * Auditor mode in the console: the one mechanism every view uses for its edit controls. A control that changes the
 * cache (add a stamp, sync, save or publish a rate card, finalize or correct a statement, an override, an adjustment,
 * a capacity model...) carries `v-edit` (import { vEdit } from this module); in auditor mode it is disabled, with
 * READ_ONLY_TITLE as its tooltip. On a container, every button and field inside is. Views that need the flag itself
 * (to hide a whole editor, or to say why a grid does not edit) use `useReadOnly()`. The core refuses these changes
 * anyway; this is so that nobody is invited to try.
 */

export const READ_ONLY_TITLE = 'Auditor mode (read-only): this would change the cache under review, so it is disabled.';

export function useReadOnly(): { readOnly: ComputedRef<boolean>; info: ComputedRef<ReadOnlyInfo | null> } {
  const app = useAppStore();
  return { readOnly: computed(() => app.readOnly !== null), info: computed(() => app.readOnly) };
}

const CONTROLS = 'button, input, select, textarea';

function lock(el: HTMLElement): void {
  if (useAppStore().readOnly === null) return;
  const controls = el.matches(CONTROLS) ? [el] : [...el.querySelectorAll<HTMLElement>(CONTROLS)];
  for (const control of controls) {
    (control as HTMLButtonElement).disabled = true;
    control.setAttribute('aria-disabled', 'true');
  }
  el.title = READ_ONLY_TITLE;
  el.dataset.readOnly = 'locked';
}

/**
 * `v-edit`: see the module comment. Applied when the element is mounted and after every update of its component,
 * which would otherwise set `disabled` back from its own binding. The console learns the mode before it shows any
 * view (App.vue), so a control is never mounted before the mode is known.
 */
export const vEdit: ObjectDirective<HTMLElement> = {
  mounted: lock,
  updated: lock,
};

/** "3f2a:91c0:7d4e:b815": the first 16 hex digits of a key fingerprint, as bundle verify prints them. */
export function shortFingerprint(fingerprint: string): string {
  return (fingerprint.slice(0, 16).match(/.{1,4}/g) ?? []).join(':');
}

/** The file's name without its folder (either separator: the path may come from Windows). */
export function fileNameOf(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** The window title: the product, and in auditor mode that it is read-only and on which file. */
export function windowTitle(readOnly: ReadOnlyInfo | null): string {
  return readOnly === null ? 'Stackmeter' : `Stackmeter — Auditor mode (read-only) — ${fileNameOf(readOnly.path)}`;
}
