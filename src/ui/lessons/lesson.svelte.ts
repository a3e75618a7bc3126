// The open lesson: which one, the workspace names its functions run under, and the calls each
// of its buttons made. Buttons run their actions through the app's own machinery (runner.ts).
import { findLesson, resolveNames, searchWithLesson } from '../../lessons';
import type { Lesson, LessonButton, LessonFunction } from '../../lessons/types';
import { DEFAULT_FUNCTION_CONFIG, type Invocation } from '../../platform/types';
import type { WorkspaceFunction } from '../../workspace/types';
import { wasiSampleBytes } from '../panels/benchmarks/suite';
import { findSample, sampleFunction } from '../samples';
import { message, type AppState } from '../state.svelte';
import { runActions } from './runner';

export interface Address {
  location: Pick<Location, 'pathname' | 'search' | 'hash'>;
  history: Pick<History, 'replaceState' | 'state'>;
}

export class LessonSession {
  lesson = $state.raw<Lesson | null>(null);
  /** Lesson function name → workspace name. */
  names = $state<Record<string, string>>({});
  /** Calls made by each button, by its key ("step.button"). */
  calls = $state<Record<string, Invocation[]>>({});
  /** One-line results (load test, comparison, benchmarks) of each button, by its key. */
  notes = $state<Record<string, string[]>>({});
  /** Key of the button whose actions are running. */
  running = $state<string | null>(null);
  error = $state<string | null>(null);
  /** Button presses finished since the lesson opened (tests wait on it). */
  pressed = $state(0);
  private controller: AbortController | null = null;

  /** Opens a lesson: adds the functions it needs (keeping ones already there), runs nothing. */
  async open(app: AppState, id: string, address?: Address): Promise<boolean> {
    const lesson = findLesson(id);
    if (!lesson) {
      app.notify('warning', `There is no lesson called "${id}".`);
      return false;
    }
    this.close();
    const names = resolveNames(
      lesson,
      app.functions.map((f) => f.name),
    );
    try {
      for (const fn of lesson.functions)
        if (!app.functions.some((f) => f.name === names[fn.name]))
          app.addFunction(await lessonFunction(fn), { open: false });
    } catch (err) {
      app.notify('error', `The lesson could not open: ${message(err)}`);
      return false;
    }
    this.lesson = lesson;
    this.names = names;
    const first = lesson.steps.find((s) => s.fn)?.fn ?? lesson.functions[0]?.name;
    if (first) app.select(names[first] ?? first);
    const panel = lesson.steps.flatMap((s) => s.buttons ?? [])[0]?.panel;
    if (panel) app.panel = panel;
    if (address) setAddress(address, lesson.id);
    return true;
  }

  close(address?: Address): void {
    this.controller?.abort();
    this.controller = null;
    this.lesson = null;
    this.calls = {};
    this.notes = {};
    this.running = null;
    this.error = null;
    this.pressed = 0;
    if (address) setAddress(address, null);
  }

  /** Runs a button's actions; its calls appear under it. */
  async press(app: AppState, key: string, button: LessonButton): Promise<void> {
    if (this.running) return;
    const controller = (this.controller = new AbortController());
    this.running = key;
    this.error = null;
    this.calls[key] = [];
    this.notes[key] = [];
    if (button.panel) app.panel = button.panel;
    try {
      await runActions(app, button.actions, {
        name: (n) => this.names[n] ?? n,
        signal: controller.signal,
        onCall: (inv) => {
          if (!controller.signal.aborted) this.calls[key].push(inv);
        },
        onNote: (text) => {
          if (!controller.signal.aborted) this.notes[key].push(text);
        },
      });
    } catch (err) {
      if (!controller.signal.aborted) this.error = message(err);
    } finally {
      if (this.controller === controller) {
        this.controller = null;
        this.running = null;
        this.pressed++;
      }
    }
  }
}

export const lessonSession = new LessonSession();

function setAddress({ location, history }: Address, id: string | null): void {
  history.replaceState(
    history.state,
    '',
    location.pathname + searchWithLesson(location.search, id) + location.hash,
  );
}

async function lessonFunction(fn: LessonFunction): Promise<WorkspaceFunction> {
  if ('wasi' in fn) {
    const wasi: NonNullable<WorkspaceFunction['wasi']> = {};
    if (fn.argv) wasi.argv = [...fn.argv];
    if (fn.env) wasi.env = { ...fn.env };
    return {
      name: fn.name,
      source: { kind: 'wasm', bytes: await wasiSampleBytes(fn.wasi) },
      config: { ...DEFAULT_FUNCTION_CONFIG },
      wasi,
    };
  }
  let base: WorkspaceFunction;
  if ('sample' in fn) {
    const sample = findSample(fn.sample);
    if (!sample) throw new Error(`there is no sample called "${fn.sample}"`);
    base = await sampleFunction(sample);
  } else
    base = { name: fn.name, source: { kind: 'wat', text: fn.wat }, config: { ...DEFAULT_FUNCTION_CONFIG } };
  const out: WorkspaceFunction = { ...base, name: fn.name, config: { ...base.config, ...fn.config } };
  if (fn.args) out.run = { ...out.run, args: [...fn.args] };
  return out;
}
