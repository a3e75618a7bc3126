// "Export for a runtime": the deployed .wasm with what it takes to run it outside the browser: a
// spin.toml (Spin manifest version 2, an HTTP trigger with the WAGI executor) for WASI commands,
// and a README with the wasmtime and curl command lines.
import { zipSync } from 'fflate';
import type { FunctionInfo, ValType } from '../platform/types';

/** Spin ids and application names: lowercase letters, digits and single hyphens, starting with a letter. */
export function spinId(name: string): string {
  const id = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return /^[a-z]/.test(id) ? id : `fn-${id || 'function'}`;
}

/** A file name that works on every OS. */
export function wasmFileName(name: string): string {
  return `${spinId(name)}.wasm`;
}

const tomlString = (s: string) => JSON.stringify(s); // a TOML basic string is a JSON string for these

/** spin.toml: the command answers every path under /<id>/ as a WAGI handler. */
export function spinManifest(info: FunctionInfo): string {
  const id = spinId(info.name);
  return [
    '# Spin application manifest (https://spinframework.dev/manifest-reference), written by nanofaas.',
    '# Run it with: spin up   (then see README.md for curl calls)',
    'spin_manifest_version = 2',
    '',
    '[application]',
    `name = ${tomlString(id)}`,
    `version = "0.1.0"`,
    `description = ${tomlString(`"${info.name}" exported from nanofaas (version ${info.version})`)}`,
    '',
    '# WAGI: the request arrives as CGI variables and stdin; the program writes a CGI response.',
    '[[trigger.http]]',
    `route = ${tomlString(`/${id}/...`)}`,
    `component = ${tomlString(id)}`,
    'executor = { type = "wagi" }',
    '',
    `[component.${id}]`,
    `source = ${tomlString(wasmFileName(info.name))}`,
    '',
  ].join('\n');
}

function exampleArg(t: ValType): string {
  return t === 'f32' || t === 'f64' ? '1.5' : '1';
}

/** README.md: how to run this module with wasmtime (and Spin), and the same calls with curl. */
export function runtimeReadme(info: FunctionInfo, origin: string): string {
  const file = wasmFileName(info.name);
  const id = spinId(info.name);
  const api = `${origin}/api`;
  const enc = encodeURIComponent(info.name);
  const lines = [`# ${info.name}`, '', `Exported from nanofaas (version ${info.version}, ${info.kind}).`, ''];
  const platformImports = info.module.imports.filter(
    (i) => i.module === 'platform' || i.module === 'nanofaas',
  );
  if (platformImports.length > 0)
    lines.push(
      `Note: it imports ${platformImports.map((i) => `\`${i.module}.${i.name}\``).join(', ')} from the nanofaas platform; other runtimes do not provide these, so it will not instantiate there as it is.`,
      '',
    );
  if (info.kind === 'wasi-command') {
    lines.push(
      '## Run it as a program (wasmtime)',
      '',
      '```sh',
      `wasmtime run ${file} arg1 arg2`,
      `echo 'some input' | wasmtime run --env GREETING=hi ${file}`,
      '```',
      '',
      '## As an HTTP handler (WAGI)',
      '',
      'With [Spin](https://spinframework.dev) (`spin.toml` is included; Spin versions whose HTTP trigger still has the WAGI executor):',
      '',
      '```sh',
      'spin up',
      `curl -i http://127.0.0.1:3000/${id}/hello`,
      `curl -i -X POST -H 'Content-Type: application/json' -d '{"n": 1}' http://127.0.0.1:3000/${id}/echo`,
      '```',
      '',
      'Without a server, the same CGI call by hand:',
      '',
      '```sh',
      `echo -n '{"n": 1}' | wasmtime run --env REQUEST_METHOD=POST --env PATH_INFO=/echo --env QUERY_STRING= \\`,
      `  --env CONTENT_TYPE=application/json --env CONTENT_LENGTH=8 ${file}`,
      '```',
      '',
      'The same requests to nanofaas (with the app open in a tab):',
      '',
      '```sh',
      `curl -i ${api}/http/${enc}/hello`,
      '```',
      '',
    );
  } else {
    const exported = info.module.exports.filter((e) => e.kind === 'function' && e.signature);
    lines.push('## Call its exports (wasmtime)', '', '```sh');
    for (const e of exported)
      lines.push(
        `wasmtime run --invoke ${JSON.stringify(e.name)} ${file} ${e.signature!.params.map(exampleArg).join(' ')}`.trimEnd(),
      );
    lines.push('```', '', 'The same calls to nanofaas (with the app open in a tab):', '', '```sh');
    for (const e of exported) {
      const args = e.signature!.params.map(exampleArg).join(',');
      const path = e.name === info.entry ? enc : `${enc}/${encodeURIComponent(e.name)}`;
      lines.push(`curl '${api}/exec/${path}${args ? `?${args}` : ''}'`);
    }
    lines.push('```', '');
  }
  return lines.join('\n');
}

/** The zip: <name>.wasm, README.md, and spin.toml for WASI commands. */
export function runtimeZip(info: FunctionInfo, bytes: Uint8Array, origin: string): Uint8Array {
  const text = (s: string) => new TextEncoder().encode(s);
  const files: Record<string, Uint8Array> = {
    [wasmFileName(info.name)]: bytes,
    'README.md': text(runtimeReadme(info, origin)),
  };
  if (info.kind === 'wasi-command') files['spin.toml'] = text(spinManifest(info));
  return zipSync(files, { level: 6 });
}
