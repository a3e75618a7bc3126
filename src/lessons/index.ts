// Every lesson: one file per lesson, src/lessons/<id>.lesson.ts, found here by name.
import type { Lesson } from './types';

const modules = import.meta.glob<{ default: Lesson }>('./*.lesson.ts', { eager: true });

export const LESSONS: readonly Lesson[] = Object.values(modules)
  .map((m) => m.default)
  .sort((a, b) => a.order - b.order);

export function findLesson(id: string | null | undefined): Lesson | undefined {
  return id ? LESSONS.find((l) => l.id === id.trim()) : undefined;
}

/** `{cores}` in a lesson's text becomes the number of cores the browser reports. */
export function lessonText(text: string, cores: number | undefined): string {
  return text.replaceAll('{cores}', cores ? String(cores) : 'an unknown number of');
}

/** The lesson id in a URL's query (`?lesson=ID`), when it names a lesson. */
export function lessonFromSearch(search: string): Lesson | undefined {
  return findLesson(new URLSearchParams(search).get('lesson'));
}

/** The query string with `lesson` set (or removed, for null), other parameters kept. */
export function searchWithLesson(search: string, id: string | null): string {
  const params = new URLSearchParams(search);
  if (id === null) params.delete('lesson');
  else params.set('lesson', id);
  const s = params.toString();
  return s ? `?${s}` : '';
}

/**
 * The workspace name each lesson function runs under: a shared copy from a lecturer's link
 * ("sum-cold (shared)") wins over the learner's own function of that name.
 */
export function resolveNames(lesson: Lesson, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const fn of lesson.functions) {
    const shared = names.filter((n) => n === `${fn.name} (shared)` || n.startsWith(`${fn.name} (shared `));
    out[fn.name] = shared.at(-1) ?? fn.name;
  }
  return out;
}
