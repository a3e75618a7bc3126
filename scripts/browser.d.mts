// Types for scripts/browser.mjs, so TypeScript files (playwright.config.ts, e2e/*.ts) can import it.
export declare const CHROMIUM_ARGS: readonly string[];
export declare function findChromium(): { path: string | undefined; source: string };
export declare function launchOptions(): { executablePath: string | undefined; args: string[] };
