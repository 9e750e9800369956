import { defineStore } from 'pinia';
import { ref } from 'vue';

/**
 * Which stamp the data views show: all (null) or one by name. One choice for the Overview, Meters and the sync history,
 * so that an operator looking at one stamp keeps looking at it when moving between views.
 */
export const useStampFilterStore = defineStore('stampFilter', () => {
  const selected = ref<string | null>(null);

  function select(name: string | null): void {
    selected.value = name;
  }

  /** Forgets a choice that no longer names a stamp (it was removed), so that views do not show an empty filter. */
  function keepOnly(names: readonly string[]): void {
    if (selected.value !== null && !names.includes(selected.value)) selected.value = null;
  }

  /** The query argument for `overview:get` / `meters:list`: absent for all stamps. */
  function query(): { connection: string } | undefined {
    return selected.value === null ? undefined : { connection: selected.value };
  }

  return { selected, select, keepOnly, query };
});
