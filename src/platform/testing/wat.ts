// WAT → binary with wabt, for unit tests (the app compiles in its wabt worker instead).
import wabtInit from 'wabt';

let loading: ReturnType<typeof wabtInit> | null = null;

/** Loads wabt once; call in beforeAll: `wat = await watCompiler()`. */
export async function watCompiler(
  features: Record<string, boolean> = {},
): Promise<(source: string) => Uint8Array<ArrayBuffer>> {
  const wabt = await (loading ??= wabtInit());
  return (source) => {
    const module = wabt.parseWat('t.wat', source, features);
    try {
      return module.toBinary({}).buffer.slice() as Uint8Array<ArrayBuffer>;
    } finally {
      module.destroy();
    }
  };
}
